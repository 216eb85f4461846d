"""CMA-ES and ARS as the course runs them: `record --algo cmaes|ars`, compare's extra methods,
and the full-budget runs of 10_cma_es_and_ars."""

import json

import numpy as np
import pytest

from neuroevo_helpers import compare
from neuroevo_helpers.__main__ import main
from neuroevo_helpers.agents import load_agent


@pytest.mark.parametrize("algo, kind", [("cmaes", "CMAES"), ("ars", "ARS")])
def test_record_trains_saves_and_plays(tmp_path, capsys, algo, kind):
    gif = tmp_path / f"{algo}.gif"
    args = ["record", "--env", "CartPole-v1", "--algo", algo, "--out", str(gif)]
    assert main([*args, "--generations", "3"]) == 0
    agent = load_agent(tmp_path / f"{algo}.npz")
    assert agent.info["algorithm"] == algo and "pop_size" not in agent.info or algo == "ars"
    assert f"training {algo.upper()} on CartPole-v1" in capsys.readouterr().out
    assert gif.stat().st_size > 0
    if algo == "ars":  # a linear policy, its normalisation folded into the saved weights
        assert agent.policy.layer_sizes == (4, 2) and agent.policy.obs_mean is None


def test_compare_runs_the_extra_methods_only_when_asked(tmp_path):
    assert "CMA-ES" not in compare.methods_for("CartPole-v1")  # 07's default set is unchanged
    assert compare.methods_for("Pendulum-v1", compare.ALL_METHODS) == (
        "random search", "GA", "ES", "CMA-ES", "ARS", "NEAT")  # fmt: skip
    results = compare.compare(["CartPole-v1"], [0], tmp_path / "c.json", budget_scale=0.05,
                              methods=["CMA-ES", "ARS"], progress=False)  # fmt: skip
    assert [r["method"] for r in results["runs"]] == ["CMA-ES", "ARS"]
    rows = compare.summarize(results, "CartPole-v1")
    assert set(rows) == {"CMA-ES", "ARS"}
    assert json.loads((tmp_path / "c.json").read_text())["settings"]["ARS on CartPole-v1"]
    with pytest.raises(ValueError, match="Unknown methods"):
        compare.compare(["CartPole-v1"], [0], methods=["CMAES"], progress=False)


def test_full_budget_runs_choose_on_validation_and_repeat_exactly(tmp_path):
    settings = compare.settings_for("CMA-ES", "CartPole-v1")
    variants = {"CMA-ES": ("CMA-ES", settings)}
    out = tmp_path / "runs.json"
    stored = compare.full_budget_runs(variants, "CartPole-v1", [3], 40_000, out, "test")
    run = stored["runs"]["CMA-ES"][0]
    assert 5 <= len(run["validation"]) <= 15 and run["validation"][-1][0] >= 40_000
    best = max(v for _, v in run["validation"])
    assert run["best"]["validation"] == best  # the best-validated candidate is the answer
    first = [(s, v) for s, v in run["validation"] if v >= 475]
    if first:
        assert run["first pass"]["env_steps"] == first[0][0]
    else:
        assert run["first pass"] is None
    again = compare.run_full_budget("CMA-ES", "CartPole-v1", 3, settings, 40_000)
    assert again["validation"] == run["validation"]
    np.testing.assert_array_equal(again["best"]["params"], run["best"]["params"])
    assert json.loads(out.read_text())["command"] == "test"


def test_start_groups_give_each_group_its_own_episodes():
    from neuroevo_helpers import evaluate, policy_for_env
    from neuroevo_helpers.recipes import episodes_fn

    policy = policy_for_env("CartPole-v1")
    population = policy.init_params(np.random.default_rng(0), 6)
    common = episodes_fn(policy, "CartPole-v1", 2, "gymnasium")(population, 100)
    grouped = episodes_fn(policy, "CartPole-v1", 2, "gymnasium", start_groups=3)(population, 100)
    assert grouped.fitness.shape == (6,) and grouped.n_steps > 0
    np.testing.assert_array_equal(grouped.fitness[:2], common.fitness[:2])  # group 0: seed 100
    third = evaluate(policy, population[4:], "CartPole-v1", 2, 104, backend="gymnasium")
    np.testing.assert_array_equal(grouped.fitness[4:], third.fitness)  # group 2: seed 104
    assert grouped.obs_moments[0, 0] == grouped.n_steps

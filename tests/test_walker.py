"""13_bipedal_walker: the walker recipe, its ablation runner and its stored results."""

import json
from pathlib import Path

import numpy as np

import neuroevo_helpers as nh
from neuroevo_helpers import compare, recipes, walker_runs
from neuroevo_helpers.agents import load_agent

ROOT = Path(__file__).resolve().parents[1]
ENV = "BipedalWalker-v3"


def test_the_recipe_is_a_linear_ars_with_training_only_shaping():
    settings = recipes.recipe("ars", ENV)
    policy = recipes.policy_for(ENV, settings)
    assert policy.layer_sizes == (24, 4) and policy.n_params == 100
    assert recipes.shaping_for(settings) == nh.Shaping(fall_reward=0.0, patience=100)
    # the shipped agent was made from exactly this recipe
    info = load_agent(ROOT / "assets/agents/bipedalwalker_ars.npz").info
    for key, value in settings.items():
        if key != "hidden":
            assert info[key] == value, key


def test_the_ablation_removes_one_part_at_a_time():
    variants = walker_runs.variants()
    base = recipes.recipe("ars", ENV)
    shapings = {name: recipes.shaping_for(s) for name, (_, s) in variants.items()}
    assert shapings == {
        "recipe": nh.Shaping(0.0, 100),
        "patience only": nh.Shaping(None, 100),
        "fall_reward only": nh.Shaping(0.0, None),
        "neither": None,
    }
    for _, settings in variants.values():  # everything else is the recipe's
        assert {k: v for k, v in settings.items() if k not in ("fall_reward", "patience")} == {
            k: v for k, v in base.items() if k not in ("fall_reward", "patience")
        }


def test_stored_ablation_is_complete_and_honest():
    stored = json.loads((ROOT / "assets/13_ablation.json").read_text())
    assert stored["budget"] == walker_runs.BUDGET and stored["n_test"] == 20
    assert set(stored["runs"]) == set(walker_runs.variants())
    for name, runs in stored["runs"].items():
        assert [r["seed"] for r in runs] == list(range(100, 110)), name
        for run in runs:
            checks = run["validation"]
            assert len(checks) == walker_runs.CHECKS["n_checks"] and checks[-1][0] >= 2_000_000
            # the answer is the best-validated check (ties: the newer), scored on test once
            best = max(v for _, v in checks)
            assert run["best"]["validation"] == best
            assert run["best"]["test_passed"] is None  # 20 test episodes call nothing solved


def test_few_test_episodes_call_nothing_solved(tmp_path):
    settings = compare.settings_for("ARS", "CartPole-v1")
    run = compare.run_full_budget(
        "ARS", "CartPole-v1", 0, settings, 20_000, n_checks=2, n_validation=10, n_test=20
    )
    assert run["best"]["test_passed"] is None
    assert np.isfinite(run["best"]["test"])

"""The package's GA is the loop that 04_genetic_algorithm teaches: same seed, same numbers."""

import json
from pathlib import Path

import numpy as np
import pytest

import neuroevo_helpers as nh

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_genetic_algorithm.ipynb"


def notebook_function(name: str):
    """Run the notebook cell that defines `name` and return the function it defines."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    source = next(s for s in sources if f"def {name}(" in s)
    namespace = {"np": np, "nh": nh, "HELD_OUT_SEED": nh.HELD_OUT_SEED}
    exec(compile(source, str(NOTEBOOK), "exec"), namespace)
    return namespace[name]


@pytest.mark.parametrize("seed", [0, 1])
def test_package_ga_matches_the_notebook_loop(seed):
    genetic_algorithm = notebook_function("genetic_algorithm")
    policy = nh.policy_for_env("CartPole-v1", hidden=(8,))

    def fitness_fn(population, episode_seed):
        return nh.evaluate(policy, population, "CartPole-v1", 2, episode_seed)

    def refit_fn(population, episode_seed):
        return nh.evaluate(policy, population, "CartPole-v1", 3, episode_seed)

    settings = dict(pop_size=40, n_parents=8, sigma=0.1, n_candidates=5, n_generations=4)
    best, history = genetic_algorithm(
        policy, fitness_fn, refit_fn, **settings, rng=np.random.default_rng(seed)
    )

    rng = np.random.default_rng(seed)
    ga = nh.GA(policy.init_params(rng, 40), n_parents=8, sigma=0.1, rng=rng)
    result = nh.train(
        ga, fitness_fn, 4, rng, reevaluate_fn=refit_fn, n_candidates=5, progress=False
    )
    assert {key: result.history[key] for key in history} == history
    np.testing.assert_array_equal(result.best_params, best)

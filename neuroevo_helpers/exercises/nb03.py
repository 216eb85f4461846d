"""Checks for the exercises of 03_policies_and_random_search."""

import numpy as np

from ..envs import policy_for_env
from ..protocol import score_on_test
from . import call, report


def check_top_k(top_k) -> bool:
    """`top_k(population, fitness, k)` must return the k fittest rows, best first."""
    rng = np.random.default_rng(0)
    population = rng.normal(size=(10, 3))  # (pop_size, n_params)
    fitness = rng.permutation(10).astype(float)
    expected = population[np.argsort(fitness)[::-1][:4]]
    got, problem = call(top_k, population.copy(), fitness.copy(), 4)
    if problem:
        return report([problem], "")
    if got is None:
        return report(["top_k returned None: did you forget the `return`?"], "")
    got = np.asarray(got)
    if got.shape != (4, 3):
        hint = " You returned indices; index the population with them." if got.ndim == 1 else ""
        return report(
            [f"for k=4 of a (10, 3) population, expected shape (4, 3), got {got.shape}.{hint}"], ""
        )
    if np.allclose(got, expected):
        return report([], "top_k returns the k fittest individuals, best first.")
    if np.allclose(got, expected[::-1]):
        return report(
            ["the rows are the right ones but worst first: higher fitness is better."], ""
        )
    if np.allclose(got, population[np.argsort(fitness)[:4]]):
        return report(["these are the 4 *least* fit rows: np.argsort sorts ascending."], "")
    if sorted(map(tuple, got)) == sorted(map(tuple, expected)):
        return report(["the right 4 rows, but not in order: put the fittest first."], "")
    return report(
        ["not the 4 fittest rows. Hint: np.argsort(fitness) gives the sorting indices."], ""
    )


def check_random_search(random_search) -> bool:
    """`random_search(policy, env_id, n_samples, n_episodes, rng)` must find a good network."""
    policy = policy_for_env("CartPole-v1")
    best, problem = call(random_search, policy, "CartPole-v1", 256, 3, np.random.default_rng(1))
    if problem:
        return report([problem], "")
    if best is None:
        return report(["your function returned None: did you forget the `return`?"], "")
    if hasattr(best, "fitness"):
        return report(
            ["you returned nh.evaluate's result; return the fittest network's params."], ""
        )
    try:
        best = np.asarray(best, dtype=float)
    except (TypeError, ValueError):
        return report([f"return one network's params as an array; got {type(best).__name__}."], "")
    if best.shape != (policy.n_params,):
        return report(
            [f"return one network's params, shape ({policy.n_params},); got {best.shape}."], ""
        )
    test_mean = score_on_test(policy, best, "CartPole-v1").fitness  # 100 test episodes
    if test_mean < 200:
        return report(
            [
                f"the network you returned averages {test_mean:.1f} on 100 test episodes; the "
                "best of 256 random networks should reach 200 or more. Are you returning the "
                "network with the *highest* training fitness (np.argmax)?"
            ],
            "",
        )
    return report(
        [], f"your random search found a network averaging {test_mean:.1f} on 100 test episodes."
    )

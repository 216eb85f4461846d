"""Checks for the exercises of 06_evolution_strategies: centred ranks and the ES gradient
estimate. Each returns True or False and never raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..es import centered_ranks
from . import as_array, call, fail, report


def check_centered_ranks(my_centered_ranks: Callable) -> bool:
    """`my_centered_ranks(fitness)` -> ranks scaled to [-0.5, 0.5]; ties share their average."""
    fitness = np.array([3.0, -1.0, 10.0, 3.0, 0.5])
    expected = centered_ranks(fitness)  # [0.125, -0.5, 0.5, 0.125, -0.25]
    got, problem = call(my_centered_ranks, fitness.copy())
    if problem is None:
        got, problem = as_array(got, "my_centered_ranks", fitness.shape)
    if problem:
        return fail(problem)
    if np.allclose(got, expected):
        return report([], "centred ranks: worst -0.5, best +0.5, ties share their rank.")
    order = np.argsort(fitness, kind="stable")
    by_position = np.empty(5)
    by_position[order] = np.arange(5)  # ties ranked by position: 2 and 3
    if np.allclose(got, order / 4 - 0.5):
        return fail(
            "np.argsort(fitness) gives the order of the samples, not each sample's rank: "
            "ranks[np.argsort(fitness)] = np.arange(n)."
        )
    if np.allclose(got, -expected) or np.allclose(got, -(by_position / 4 - 0.5)):
        return fail("the order is reversed: the *highest* fitness should get +0.5.")
    tied_apart = not np.isclose(got[0], got[3])  # fitness 3.0 twice, different ranks
    if tied_apart and np.allclose(np.sort(got), np.sort(by_position / 4 - 0.5)):
        return fail(
            f"the two samples with fitness 3.0 got different values ({got[0]:.3g} and "
            f"{got[3]:.3g}): equal fitness should get an equal rank, the average of the ranks "
            "they span (0.125)."
        )
    if np.allclose(got, by_position) or np.allclose(got, expected * 4 + 2):
        return fail("these are ranks 0..n-1: divide by n - 1 and subtract 0.5.")
    if np.allclose(got, (expected * 4 + 2) / 5 - 0.5) or np.allclose(got, by_position / 5 - 0.5):
        return fail("divide the ranks by n - 1 (not n), so the best gets exactly +0.5.")
    return fail(
        f"for fitness {fitness.tolist()} expected {expected.tolist()}, got "
        f"{np.round(got, 3).tolist()}."
    )


def check_es_gradient(estimate_gradient: Callable) -> bool:
    """`estimate_gradient(fitness_fn, center, sigma, eps)`: (F - mean F) @ eps / (n sigma)."""
    rng = np.random.default_rng(0)
    center, sigma = np.array([1.0, -2.0, 0.5]), 0.3
    eps = rng.normal(size=(500, 3))

    def fitness_fn(points):
        return 100.0 - np.sum((points - 1.0) ** 2, axis=-1)  # a large shared value: 100

    fitness = fitness_fn(center + sigma * eps)
    expected = (fitness - fitness.mean()) @ eps / (len(eps) * sigma)
    got, problem = call(estimate_gradient, fitness_fn, center.copy(), sigma, eps.copy())
    if problem is None:
        got, problem = as_array(got, "estimate_gradient", center.shape)
    if problem:
        return fail(problem)
    if np.allclose(got, expected):
        return report([], "the ES gradient estimate, with the mean fitness as a baseline.")
    if np.allclose(got, fitness @ eps / (len(eps) * sigma)):
        return fail("subtract the population's mean fitness before weighting the noise.")
    if np.allclose(got, (fitness - fitness.mean()) @ eps / len(eps)):
        return fail("divide by n * sigma, not just n.")
    if np.allclose(got, (fitness - fitness.mean()) @ eps / (len(eps) * sigma**2)):
        return fail("divide by n * sigma, not n * sigma².")
    unscaled = fitness_fn(center + eps)
    if np.allclose(got, (unscaled - unscaled.mean()) @ eps / (len(eps) * sigma)):
        return fail("evaluate the fitness at center + sigma * eps, not center + eps.")
    return fail(
        f"expected {np.round(expected, 3).tolist()}, got {np.round(got, 3).tolist()}. "
        "g = (F - F.mean()) @ eps / (n * sigma) with F = fitness_fn(center + sigma * eps)."
    )

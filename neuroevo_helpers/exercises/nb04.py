"""Checks for the exercises of 04_genetic_algorithm: breeding children and choosing an elite
by re-evaluation. Each returns True or False and never raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..envs import Evaluation
from . import call, fail, not_an_array, python_loop, report


def check_breed(breed: Callable) -> bool:
    """`breed(parents, n_children, sigma, rng)`: uniformly chosen parents plus N(0, sigma^2)."""
    parents = np.arange(5.0)[:, None] * 100 + np.zeros((5, 40))  # rows far apart: 0, 100, ...
    before = parents.copy()
    children, problem = call(breed, parents, 2000, 0.5, np.random.default_rng(0))
    if problem and "broadcast" in problem:
        problem += (
            " The noise must have one row per child: shape (n_children, n_params), "
            "not parents.shape."
        )
    if problem is None:
        problem = not_an_array(children, "breed", "parents[picks] + noise is one.")
    if problem:
        return fail(problem)
    children = np.asarray(children, dtype=float)
    if not np.array_equal(parents, before):
        return fail("breed changed `parents` in place; build new children instead (a + b, not +=).")
    if children.shape != (2000, 40):
        return fail(
            f"for 5 parents of 40 parameters and n_children=2000, expected shape (2000, 40), got "
            f"{children.shape}. Pick one parent per child: parents[rng.integers(...)]."
        )
    nearest = np.rint(children.mean(axis=1) / 100).clip(0, 4)  # which parent each child is near
    offsets = children - parents[nearest.astype(int)]
    if np.allclose(offsets, 0):
        return fail("the children are exact copies of their parents: add the noise.")
    std = offsets.std()
    if abs(std - 0.25) < 0.03:
        return fail(f"the noise has std {std:.2f}, sigma²: multiply N(0, 1) by sigma, not sigma².")
    if abs(std - 0.5**0.5) < 0.05:
        return fail(f"the noise has std {std:.2f}, √sigma: multiply N(0, 1) by sigma itself.")
    if abs(std - 0.5) > 0.05:
        return fail(
            f"the noise has std {std:.2f}; expected sigma = 0.5. Use sigma * rng.normal(...)."
        )
    if np.allclose(offsets, offsets[:1]) or np.allclose(offsets, offsets[:, :1]):
        return fail(
            "every child (or every parameter) got the same noise: draw a full "
            "(n_children, n_params) array of it."
        )
    if np.array_equal(nearest[:20], np.arange(20) % 5):
        return fail(
            "the children cycle through the parents in order; choose each child's "
            "parent at random: rng.integers(len(parents), size=n_children)."
        )
    counts = np.bincount(nearest.astype(int), minlength=5)
    if counts[-1] == 0 and counts[:-1].min() >= 300:
        return fail(
            f"children per parent: {counts.tolist()}: the last parent is never chosen. "
            "rng.integers(len(parents)) already draws 0 to len(parents) - 1 (it leaves out its "
            "upper end), so do not subtract 1."
        )
    if counts[0] == 0 and counts[1:].min() >= 300:
        return fail(
            f"children per parent: {counts.tolist()}: the first parent, row 0, is never "
            "chosen. Draw from 0: rng.integers(len(parents), size=n_children)."
        )
    if counts.min() < 300:
        return fail(
            f"children per parent: {counts.tolist()}; each parent should be chosen "
            "about equally often (rng.integers(len(parents), size=n_children))."
        )
    again, _ = call(breed, parents, 2000, 0.5, np.random.default_rng(0))
    if again is None or not np.array_equal(np.asarray(again, dtype=float), children):
        return fail("the same rng seed gave different children: draw all randomness from `rng`.")
    loop = python_loop(breed)
    if loop:
        return fail(
            f"the children are right, but breed uses {loop}, and the exercise asks for none. "
            "One rng.integers(len(parents), size=n_children) picks every child's parent, "
            "parents[picks] copies them all, and one sigma * rng.normal(size=(n_children, "
            "n_params)) mutates them all."
        )
    return report([], "children are uniformly chosen parents plus N(0, sigma²) noise.")


def _refit_from(true_fitness: np.ndarray, calls: list):
    """A fake re-evaluation: each individual's true fitness, looked up by its first gene.
    Each call appends (number of rows, seed) to `calls`."""

    def refit_fn(population, seed):
        population = np.atleast_2d(population)  # one network's params count as one row
        calls.append((len(population), seed))
        ids = population[:, 0].astype(int)
        returns = true_fitness[ids][:, None].repeat(5, axis=1)
        return Evaluation(returns.mean(axis=1), returns, returns.size)

    return refit_fn


def _same_seed(got, seed: int) -> bool:
    """True if `got` is the integer `seed` (an int or a NumPy integer)."""
    return isinstance(got, (int, np.integer)) and not isinstance(got, bool) and int(got) == seed


def check_choose_elite(choose_elite: Callable) -> bool:
    """`choose_elite(population, fitness, refit_fn, n_candidates, seed)` -> the elite's index."""
    rng = np.random.default_rng(1)
    population = np.column_stack([np.arange(30.0), rng.normal(size=(30, 3))])  # gene 0 = id
    fitness = rng.permutation(30).astype(float)  # training scores
    true_fitness = rng.normal(size=30)  # what a re-evaluation would say
    top = np.argsort(-fitness)[:8]
    true_fitness[top[7]] = true_fitness.max() + 1  # the 8th candidate is the true best
    expected = int(top[7])
    calls: list = []
    got, problem = call(choose_elite, population, fitness, _refit_from(true_fitness, calls), 8, 3)
    if problem and ("inhomogeneous" in problem or "IndexError" in problem):
        problem += " refit_fn returns an nh.Evaluation: take its .fitness, one score per candidate."
    if problem:
        return fail(problem)
    if got is None:
        return fail("choose_elite returned None: did you forget the `return`?")
    if np.ndim(got) != 0:
        return fail(f"return one index (an int), not an array of shape {np.shape(got)}.")
    if np.asarray(got).dtype.kind not in "iu":  # not an integer (bool is a kind of its own)
        try:
            shown, whole = f"{float(got):.4g}", float(got) == int(got)
        except (TypeError, ValueError, OverflowError):
            shown, whole = repr(got), False
        if whole:
            return fail(
                f"you returned {float(got)!r}, a {type(got).__name__}; an index must be an integer "
                "(NumPy refuses to index with a float): return candidates[i] as it is, or int(...)."
            )
        return fail(
            f"you returned {shown}, which is not an index. Return the position of the "
            "chosen individual in the population (an int), not its score."
        )
    got = int(got)
    if len(calls) > 1:
        what = f"{len(calls)} times"
        if all(n_rows == 1 for n_rows, _ in calls):
            what = f"once per candidate ({len(calls)} calls of one row each)"
        return fail(
            f"you called refit_fn {what}; call it once, with all the candidates: "
            "refit_fn(population[candidates], seed).fitness holds one score per candidate."
        )
    if calls and calls[0][0] == 30:
        return fail(
            "you re-evaluated the whole population; re-evaluate only the "
            "n_candidates fittest: population[candidates]."
        )
    if calls and calls[0][0] != 8:
        n_rows = calls[0][0]
        return fail(
            f"you re-evaluated {'only ' if n_rows < 8 else ''}{n_rows} candidates; take exactly "
            "n_candidates = 8 of them: np.argsort(-fitness)[:n_candidates]."
        )
    if calls and not _same_seed(calls[0][1], 3):
        return fail(
            f"refit_fn got seed {calls[0][1]!r}, but choose_elite was given seed 3: pass on "
            "the seed as it is, refit_fn(population[candidates], seed). The caller chooses "
            "the fresh episodes."
        )
    if got == expected:
        return report([], "the elite is the best of the top candidates on the fresh episodes.")
    if got == int(top[np.argmin(true_fitness[top])]):
        return fail(
            "that candidate has the *lowest* re-evaluated score: np.argmax picks the highest."
        )
    if got == int(top[0]):
        return fail(
            "that is the top *training* score: choose by the re-evaluated fitness "
            "(refit_fn(...).fitness) instead."
        )
    if got in range(8) and int(top[got]) == expected:
        return fail(
            f"you returned {got}, a position among the candidates; return the index "
            f"in the population: candidates[{got}]."
        )
    if got == int(np.argmax(np.where(np.isin(np.arange(30), top), -np.inf, true_fitness))):
        return fail(
            "that individual is the best overall, but it is not among the "
            "n_candidates fittest by training score: re-evaluate those only."
        )
    if got == int(np.argsort(fitness)[:8][np.argmax(true_fitness[np.argsort(fitness)[:8]])]):
        return fail(
            "these candidates are the *least* fit: np.argsort sorts ascending, so take "
            "np.argsort(-fitness)[:n_candidates]."
        )
    return fail(
        f"expected index {expected}, got {got}. Take candidates = "
        "np.argsort(-fitness)[:n_candidates], re-evaluate them, keep the best."
    )

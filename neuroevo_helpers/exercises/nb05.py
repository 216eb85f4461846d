"""Checks for the exercises of 05_mutation_and_crossover: one-point crossover and a bounded
reset mutation. Each returns True or False and never raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import call, fail, numpy_result, python_loop, report


def _works_when_square(one_point_crossover: Callable) -> bool:
    """True if `one_point_crossover` makes prefix children when pop_size == n_params: the
    sign that it takes n_params from the wrong axis (len(mothers))."""
    n = 50
    got, problem = call(
        one_point_crossover, np.zeros((n, n)), np.ones((n, n)), np.random.default_rng(1)
    )
    if problem or not isinstance(got, np.ndarray) or got.shape != (n, n):
        return False
    from_father = got == 1
    cuts = n - from_father.sum(axis=1)
    prefix = np.array_equal(from_father, np.arange(n) >= cuts[:, None])
    return bool(np.all((got == 0) | (got == 1)) and prefix and len(np.unique(cuts)) > 1)


def check_one_point_crossover(one_point_crossover: Callable) -> bool:
    """`one_point_crossover(mothers, fathers, rng)`: a prefix of mother, the rest of father."""
    n_children, n_params = 3000, 10
    mothers = np.zeros((n_children, n_params))
    fathers = np.ones((n_children, n_params))
    got, problem = call(one_point_crossover, mothers, fathers, np.random.default_rng(0))
    if problem and "broadcast" in problem and _works_when_square(one_point_crossover):
        problem += (
            f" It works only when there are as many children as genes; here {n_children} "
            f"children with {n_params} genes each. n_params is mothers.shape[1] (the columns); "
            "len(mothers) is the number of children (the rows)."
        )
    elif problem and "broadcast" in problem:
        problem += " Compare np.arange(n_params) with a *column* of cuts: cut[:, None]."
    if problem is None:
        got, problem = numpy_result(
            got, "one_point_crossover", "np.where(mask, mothers, fathers) is one.",
            (n_children, n_params),
        )  # fmt: skip
    if problem:
        return fail(problem)
    if not (np.all(mothers == 0) and np.all(fathers == 1)):
        return fail("the parents were changed in place; build the children in a new array.")
    if not np.all((got == 0) | (got == 1)):
        return fail("every gene of a child must be copied from one of its two parents.")
    from_father = got == 1
    cuts = n_params - from_father.sum(axis=1)  # genes from the mother = the cut
    is_prefix = np.array_equal(from_father, np.arange(n_params) >= cuts[:, None])
    if not is_prefix:
        if np.array_equal(1 - from_father, np.arange(n_params) >= (n_params - cuts)[:, None]):
            return fail("the father's genes come first: take [0, cut) from the mother.")
        return fail(
            "a child must be its mother's genes up to the cut, then its father's: "
            "np.where(np.arange(n_params) < cut[:, None], mothers, fathers)."
        )
    if len(np.unique(cuts)) == 1:
        return fail(f"every child has the same cut ({cuts[0]}): draw one cut per child.")
    if cuts.min() == 2 and cuts.max() == n_params:
        return fail(
            "each child takes one gene too many from its mother: genes [0, cut) are "
            "the ones with np.arange(n_params) < cut, not <=."
        )
    if cuts.min() < 1 or cuts.max() > n_params - 1:
        return fail(
            f"cuts range from {cuts.min()} to {cuts.max()}; draw them from 1 to n_params - 1 "
            "(rng.integers(1, n_params, size=n_children)), so both parents always contribute."
        )
    if cuts.min() == 1 and cuts.max() == n_params - 2:
        return fail(
            f"the last cut, {n_params - 1}, never occurs: rng.integers(low, high) never "
            "draws `high` itself, so use rng.integers(1, n_params, size=n_children)."
        )
    counts = np.bincount(cuts, minlength=n_params)[1:]
    if counts.min() < 0.5 * n_children / (n_params - 1):
        return fail(f"the cuts 1..{n_params - 1} are not equally likely: {counts.tolist()}.")
    again, _ = call(one_point_crossover, mothers, fathers, np.random.default_rng(0))
    if again is None or not np.array_equal(np.asarray(again, dtype=float), got):
        return fail("the same rng seed gave different children: draw all randomness from `rng`.")
    loop = python_loop(one_point_crossover)
    if loop:
        return fail(
            f"the children are right, but one_point_crossover uses {loop}, and the exercise "
            "asks for none. Draw every cut at once, cut = rng.integers(1, n_params, "
            "size=n_children); np.arange(n_params) < cut[:, None] is then the whole "
            "(n_children, n_params) mask, and np.where(mask, mothers, fathers) the children."
        )
    return report([], "each child is a prefix of its mother and the rest of its father.")


def check_uniform_reset(uniform_reset: Callable) -> bool:
    """`uniform_reset(population, rate, low, high, rng)`: some genes redrawn from U[low, high)."""
    population = np.full((500, 40), 7.0)  # 7 lies outside [low, high): changes are easy to see
    got, problem = call(uniform_reset, population, 0.2, -1.0, 1.0, np.random.default_rng(0))
    if problem and "broadcast" in problem:
        problem += " The mask needs one entry per gene: shape population.shape."
    if problem:
        return fail(problem)
    if not np.all(population == 7.0):
        return fail("`population` was changed in place; return a new array (np.where makes one).")
    got, problem = numpy_result(
        got, "uniform_reset", "np.where(mask, new_values, population) is one.", population.shape
    )
    if problem:
        return fail(problem)
    changed = got != 7.0
    share = changed.mean()
    if share == 0:
        return fail("no gene changed: replace each gene with probability `rate`.")
    if len(got) > 1 and np.all(changed == changed[0]):
        return fail(
            "every individual had the same genes reset (the same columns): each individual "
            "needs its own mask, shape (pop_size, n_params): rng.random(population.shape) < rate."
        )
    if abs(share - 0.8) < 0.03:
        return fail(f"{share:.0%} of genes changed, not 20%: the mask is inverted (use < rate).")
    if abs(share - 0.2) > 0.03:
        return fail(f"{share:.0%} of genes changed; expected about rate = 20%.")
    if np.all(changed.all(axis=1) | ~changed.any(axis=1)):
        return fail("whole individuals were reset; choose each *gene* independently.")
    new = got[changed]
    if len(np.unique(new)) == 1 and new[0] == 1.0:
        return fail(
            "every reset gene became 1.0, which is `high`: rng.uniform(high, size=...) takes "
            "high as its *low* bound (and 1.0 as its high one). Pass both bounds: "
            "rng.uniform(low, high, size=population.shape)."
        )
    if len(np.unique(new)) == 1:
        return fail(
            f"every reset gene got the same value ({new[0]:.3f}): draw one value per "
            "gene, rng.uniform(low, high, size=population.shape)."
        )
    if np.all((new >= 6.0) & (new < 8.0)):
        return fail(
            "each reset gene is its old value (7) plus a draw from [low, high): replace the "
            "gene instead, np.where(mask, new_values, population)."
        )
    if np.all(new == np.round(new)):
        return fail(
            f"the new values are whole numbers ({np.unique(new).tolist()[:5]}): "
            "rng.integers draws integers; rng.uniform(low, high, size=...) draws real numbers."
        )
    if new.min() < -1.0 or new.max() >= 1.0:
        return fail(
            f"new values range from {new.min():.2f} to {new.max():.2f}; draw them from "
            "[low, high) = [-1, 1): rng.uniform(low, high, size=...)."
        )
    if abs(new.mean()) > 0.05 or abs(new.std() - 2 / np.sqrt(12)) > 0.05:
        return fail("the new values are not uniform on [low, high): use rng.uniform(low, high).")
    again, _ = call(uniform_reset, population, 0.2, -1.0, 1.0, np.random.default_rng(0))
    if again is None or not np.array_equal(np.asarray(again, dtype=float), got):
        return fail("the same rng seed gave a different result: draw all randomness from `rng`.")
    return report([], "each gene is redrawn from U[low, high) with probability rate.")

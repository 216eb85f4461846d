"""Checks for the exercises of 08_scaling_up: Amdahl's law, a worker's population from
seeds, and noise from a shared table. Each returns True or False and never raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import as_array, call, fail, list_instead_of_array, python_loop, report


def check_amdahl(amdahl: Callable) -> bool:
    """`amdahl(p, n)`: the best speedup when a fraction p of the time runs on n workers."""
    cases = [(0.5, 2, 4 / 3), (0.9, 10, 1 / 0.19), (1.0, 8, 8.0), (0.0, 8, 1.0), (0.95, 1, 1.0)]
    for p, n, expected in cases:
        got, problem = call(amdahl, p, n)
        if problem:
            return fail(problem)
        if isinstance(got, (list, tuple)):
            return fail(
                f"amdahl({p}, {n}) returned a {type(got).__name__}; for two numbers, return "
                "one number, the speedup (and for two arrays, one array)."
            )
        got, problem = as_array(got, "amdahl", ())
        if problem:
            return fail(f"{problem} For two numbers, return one number: the speedup.")
        if np.isclose(got, expected):
            continue
        if np.isclose(got, p * n + (1 - p)):
            return fail(
                f"amdahl({p}, {n}) gave {float(got):.3f}: that adds up work, not time. The "
                "time goes from 1 to (1 - p) + p / n; the speedup is 1 over that."
            )
        if np.isclose(got, (1 - p) + p / n):
            return fail(
                f"amdahl({p}, {n}) gave {float(got):.3f}, the new *time* as a share of the "
                "old; the speedup is 1 divided by it."
            )
        if np.isclose(got, 1 / (1 - p) + p / n) if p < 1 else False:
            return fail(
                f"amdahl({p}, {n}) gave {float(got):.3f}: only (1 - p) is under the 1 /. The "
                "whole new time, (1 - p) + p / n, goes in the denominator: 1 / ((1 - p) + p / n)."
            )
        if np.isclose(got, 1 / (p + (1 - p) / n)):
            return fail(
                f"amdahl({p}, {n}) gave {float(got):.3f}: p and 1 - p are swapped. p is the "
                "part that is divided among the workers."
            )
        return fail(f"amdahl({p}, {n}) should be {expected:.3f}; got {float(got):.3f}.")
    p, n = np.array([0.5, 0.9, 0.99]), np.array([2, 10, 1000])
    got, problem = call(amdahl, p, n)
    if problem and "truth value of an array" in problem:
        return fail(
            f"with NumPy arrays: {problem} An `if` (or `and`, `or`, `max`) asks one question, "
            "but an array holds many answers. The formula needs no special cases: write it "
            "as one expression, and it works on numbers and arrays alike."
        )
    if problem and ("scalar" in problem or "math" in problem):
        return fail(
            f"with NumPy arrays: {problem} The functions of Python's math module take one "
            "number at a time; NumPy's operators (+, -, *, /, **) work on whole arrays, "
            "element by element."
        )
    if problem:
        return fail(f"with NumPy arrays: {problem}")
    problem = list_instead_of_array(
        got,
        f"with NumPy arrays p={p.tolist()}, n={n.tolist()}, amdahl returned",
        1 / ((1 - p) + p / n),
    )
    if problem:
        return fail(
            f"{problem} Array arithmetic gives one directly: 1 / ((1 - p) + p / n) works "
            "element by element, with no loop or list."
        )
    got, problem = as_array(got, "amdahl", (3,))
    if problem:
        return fail(f"with NumPy arrays p={p.tolist()}, n={n.tolist()}: {problem}")
    if not np.allclose(got, 1 / ((1 - p) + p / n)):
        return fail("with NumPy arrays, each element should follow the formula on its own.")
    return report(
        [],
        "with 1000 workers and p = 0.99 the speedup is only about 91: the serial 1% sets the "
        "limit at 100.",
    )


def _noise(seeds, n_params: int) -> np.ndarray:
    return np.stack([np.random.default_rng(int(s)).standard_normal(n_params) for s in seeds])


def check_members_from_seeds(members_from_seeds: Callable) -> bool:
    """`members_from_seeds(center, sigma, seeds)`: all center + sigma*eps, then all minus."""
    # 5 parameters and 3 seeds: noise of the wrong length cannot pass by chance
    center, sigma = np.array([1.0, -2.0, 0.5, 3.0, 0.0]), 0.1
    seeds = np.array([7, 11, 13])
    eps = _noise(seeds, len(center))
    expected = center + sigma * np.concatenate([eps, -eps])
    got, problem = call(members_from_seeds, center.copy(), sigma, seeds.copy())
    if problem and "NameError" in problem and "noise_from_seeds" in problem:
        return fail(
            f"{problem} noise_from_seeds is defined in section 5's first code cell (with "
            "SeededES and ESWorker): run that cell (after the Setup cells), or define "
            "noise_from_seeds here as that cell does, then run this cell again."
        )
    if problem and "broadcast" in problem:
        return fail(
            f"{problem} The noise has the wrong number of columns: each eps needs one number "
            "per parameter, so make it with noise_from_seeds(seeds, len(center)) (here 5 "
            "parameters, 3 seeds)."
        )
    if problem is None:
        problem = list_instead_of_array(got, "members_from_seeds returned", expected)
    if problem is None:
        got, problem = as_array(got, "members_from_seeds")
    if problem:
        return fail(problem)
    if got.shape != expected.shape:
        hint = (
            " You returned only the + members: mirrored sampling adds center - sigma * eps."
            if got.shape == (len(seeds), len(center))
            else ""
        )
        return fail(
            f"expected shape {expected.shape} (2 * len(seeds), n_params); got {got.shape}.{hint}"
        )
    if np.allclose(got, expected):
        return report([], "a seed is enough to rebuild two members of the population.")
    interleaved = center + sigma * np.stack([eps, -eps], axis=1).reshape(-1, len(center))
    if np.allclose(got, interleaved):
        return fail(
            "right members, wrong order: put all the + members first, then all the - "
            "members (np.concatenate([eps, -eps])), the order nh.ES uses."
        )
    if np.allclose(got, center + np.concatenate([eps, -eps])):
        return fail("the noise is not scaled: multiply eps by sigma.")
    if np.allclose(np.sort(got, axis=None), np.sort(expected, axis=None)):
        return fail("the numbers are right but in the wrong places; check the order of rows.")
    return fail(
        "the members do not match: make eps with noise_from_seeds(seeds, len(center)), "
        "then center + sigma * eps and center - sigma * eps."
    )


def check_noise_from_table(noise_from_table: Callable) -> bool:
    """`noise_from_table(table, offsets, n_params)`: rows table[o : o + n_params]."""
    table = np.random.default_rng(0).standard_normal(1000)
    offsets, n_params = np.array([0, 17, 500, 990]), 10
    expected = np.stack([table[o : o + n_params] for o in offsets])
    got, problem = call(noise_from_table, table.copy(), offsets.copy(), n_params)
    if problem and "broadcast" in problem:
        return fail(
            f"{problem} offsets has shape (4,) and np.arange(n_params) shape (10,): to get a "
            "(4, 10) grid of indices, make offsets a column first, offsets[:, None] (shape "
            "(4, 1)), then add np.arange(n_params)."
        )
    if problem and "only integer scalar arrays" in problem:
        return fail(
            f"{problem} A slice a:b takes one start, not an array of them. Build all the "
            "indices at once, offsets[:, None] + np.arange(n_params) (shape (len(offsets), "
            "n_params)), and index the table with that array."
        )
    if problem and "out of bounds" in problem:
        return fail(
            f"{problem} The last offset, {offsets[-1]}, is the largest allowed for n_params="
            f"{n_params}: row i runs from offsets[i] to offsets[i] + n_params - 1."
        )
    if problem is None and isinstance(got, (list, tuple)) and python_loop(noise_from_table):
        problem = (
            f"noise_from_table returned a {type(got).__name__} made with "
            f"{python_loop(noise_from_table)}; the exercise asks for one NumPy array, without "
            "a Python loop over the offsets. Build all the indices at once, offsets[:, None] "
            "+ np.arange(n_params), and index the table once."
        )
    if problem is None:
        problem = list_instead_of_array(got, "noise_from_table returned", expected)
    if problem is None:
        got, problem = as_array(got, "noise_from_table")
    if problem:
        return fail(problem)
    if got.shape != expected.shape:
        hint = (
            " The axes are swapped: one row per offset, so offsets[:, None] (a column) plus "
            "np.arange(n_params) (a row)."
            if got.shape == expected.shape[::-1]
            else ""
        )
        return fail(
            f"expected shape {expected.shape} (len(offsets), n_params); got {got.shape}.{hint}"
        )
    if not np.allclose(got, expected):
        if np.allclose(got, expected[:, ::-1]):
            return fail("each row is reversed: index with offset + np.arange(n_params).")
        return fail(
            "row i should be table[offsets[i] : offsets[i] + n_params]; build the indices as "
            "offsets[:, None] + np.arange(n_params)."
        )
    offsets, n_params = np.arange(0, 900, 3), 50  # other offsets and another length
    got, problem = call(noise_from_table, table.copy(), offsets.copy(), n_params)
    if problem is None:
        got, problem = as_array(got, "noise_from_table", (len(offsets), n_params))
    if problem:
        return fail(f"with 300 offsets and n_params=50: {problem}")
    if not np.allclose(got, table[offsets[:, None] + np.arange(n_params)]):
        return fail(
            "right for the first offsets, wrong for others: use the `offsets` and `n_params` "
            "you are given, not fixed numbers."
        )
    loop = python_loop(noise_from_table)
    if loop:
        return fail(
            f"the numbers are right, but the function uses {loop}: with thousands of offsets "
            "that is thousands of Python steps. Build all the indices at once, "
            "offsets[:, None] + np.arange(n_params), and index the table once."
        )
    return report(
        [],
        "one fancy-indexing operation gathers all the noise, and an offset (one integer) "
        "names a noise vector as well as a seed does.",
    )

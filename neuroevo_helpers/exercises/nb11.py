"""Checks for the exercises of 11_novelty_and_map_elites: the novelty of one behaviour, the
grid cell of a descriptor, and inserting into a grid archive. Each returns True or False
and never raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import call, fail, python_loop, report, shape_error


def _novelty(point, others, k):
    d = np.linalg.norm(np.asarray(others) - np.asarray(point), axis=1)
    return float(np.sort(d)[:k].mean())


def check_novelty_of(novelty_of: Callable) -> bool:
    """`novelty_of(point, others, k)`: the mean distance from `point` to its k nearest in
    `others` (one behaviour per row; `point` itself is not among them)."""
    rng = np.random.default_rng(11)
    others = rng.uniform(0, 1, size=(30, 2))
    point = np.array([0.4, 0.7])
    cases = [(point, others, 5), (np.array([0.9, 0.1]), others, 1), (point, others[:4], 4)]
    cases.append((np.array([0.2, 0.5, 0.1]), rng.uniform(0, 1, size=(12, 3)), 3))
    for p, o, k in cases:
        before = o.copy()
        got, problem = call(novelty_of, p.copy(), o, k)
        if problem:
            if shape_error(problem) or "AxisError" in problem or "is out of bounds" in problem:
                problem += (
                    " Subtract the point from every row at once, others - point (shape (n, d)), "
                    "then take each row's length with np.linalg.norm(..., axis=1): without "
                    "axis=1, the norm is one number for the whole array."
                )
            elif "kth" in problem:
                problem += (
                    " np.partition(d, kth) counts kth from 0: the k smallest are "
                    "np.partition(d, k - 1)[:k] (or simply np.sort(d)[:k])."
                )
            return fail(problem)
        if not np.array_equal(o, before):
            return fail("novelty_of changed `others` in place (e.g. others.sort()): sort a copy.")
        if got is None:
            return fail("novelty_of returned None: did you forget the `return`?")
        if np.size(got) != 1:
            return fail(
                f"novelty_of returned shape {np.shape(got)}; novelty is one number. Did you "
                "forget the mean over the k nearest distances?"
            )
        got = float(np.ravel(got)[0])
        right = _novelty(p, o, k)
        if np.isclose(got, right, rtol=1e-6):
            continue
        d = np.linalg.norm(o - p, axis=1)
        slips = {
            "that is the sum of the k nearest distances; novelty is their *mean*.": np.sort(d)[
                :k
            ].sum(),
            "you took the k *farthest* behaviours: np.sort sorts from near to far, so take the "
            "first k.": np.sort(d)[-k:].mean(),
            "that is the mean distance to *all* the others; keep only the k nearest "
            "(np.sort(distances)[:k]).": d.mean(),
            "those are squared distances: take the square root (np.linalg.norm does).": np.sort(
                d**2
            )[:k].mean(),
            "the distance to the single nearest one; average the k nearest.": d.min(),
            "one neighbour too many: k nearest means np.sort(distances)[:k].": np.sort(d)[
                : k + 1
            ].mean(),
            "one neighbour too few: k nearest means np.sort(distances)[:k].": np.sort(d)[
                : max(k - 1, 1)
            ].mean(),
            "the norm went over the wrong axis: one distance per row of `others` needs "
            "np.linalg.norm(others - point, axis=1).": np.sort(np.linalg.norm(o - p, axis=0))[
                :k
            ].mean(),
            "you skipped the nearest behaviour as if it were the point itself, but the point "
            "is not among `others`: take np.sort(distances)[:k], the first k.": np.sort(d)[
                1 : k + 1
            ].mean(),
            "you counted the point as its own neighbour (a distance of 0): it is not among "
            "`others`, so do not add it.": np.sort(np.append(d, 0.0))[:k].mean(),
            "that is the Manhattan distance (the sum of absolute differences); novelty here "
            "uses the straight-line (Euclidean) distance.": np.sort(np.abs(o - p).sum(axis=1))[
                :k
            ].mean(),
        }
        for hint, wrong in slips.items():
            if np.isclose(got, wrong, rtol=1e-6):
                return fail(hint)
        return fail(
            f"for k={k} and {len(o)} others, expected {right:.4f}, got {got:.4f}: the mean of the "
            "k smallest distances from the point to the rows of `others`."
        )
    loop = python_loop(novelty_of)
    extra = f" (It works; it can also be done without {loop}: others - point, then a norm.)"
    return report([], "A behaviour far from its nearest neighbours is novel." + (
        extra if loop else ""
    ))  # fmt: skip


def _cell(descriptor, low, high, dims):
    d = np.asarray(descriptor, dtype=float)
    idx = np.floor((d - low) / (np.asarray(high) - low) * dims).astype(int)
    return tuple(np.clip(idx, 0, np.asarray(dims) - 1).tolist())


def check_cell_of(cell_of: Callable) -> bool:
    """`cell_of(descriptor, low, high, dims)`: the grid cell of a descriptor, as a tuple of
    ints, with descriptors on or beyond the edges in the nearest edge cell."""
    low, high, dims = np.array([0.0, -1.0]), np.array([1.0, 1.0]), (10, 4)
    cases = [
        ([0.05, -0.9], (0, 0)),
        ([0.55, 0.2], (5, 2)),
        ([0.999, 0.49], (9, 2)),
        ([1.0, 1.0], (9, 3)),  # on the upper edge
        ([1.7, -3.0], (9, 0)),  # beyond the edges
        ([0.3, 0.5], (3, 3)),
    ]
    for descriptor, right in cases:
        got, problem = call(cell_of, np.array(descriptor), low.copy(), high.copy(), dims)
        if problem:
            if "out of bounds" in problem:
                problem += " A descriptor on or beyond the upper edge must land in the last cell."
            elif "'tuple' and 'int'" in problem or "'int' and 'tuple'" in problem:
                problem += " `dims` is a tuple: make it an array first, np.array(dims) - 1."
            return fail(problem)
        if got is None:
            return fail("cell_of returned None: did you forget the `return`?")
        if not isinstance(got, tuple):
            return fail(
                f"cell_of returned a {type(got).__name__}, {got!r}; return a tuple, e.g. "
                "tuple(int(i) for i in idx). A tuple picks one cell, objectives[(5, 2)]; an "
                "array or a list, objectives[np.array([5, 2])], picks whole rows instead."
            )
        try:
            cell = tuple(int(v) for v in np.ravel(got))
        except (TypeError, ValueError):
            return fail(f"cell_of returned {got!r}; return a tuple of whole numbers, e.g. (3, 1).")
        if len(cell) != 2:
            return fail(f"for a 2-D descriptor return 2 indices, one per dimension; got {got!r}.")
        if not all(isinstance(v, (int, np.integer)) for v in got):
            return fail(
                f"cell_of returned {got!r}: cell indices are whole numbers of type int "
                "(an index of 5.0 fails). "
                "Round *down* with np.floor(...) and convert with .astype(int)."
            )
        if cell == right:
            continue
        scaled = (np.array(descriptor) - low) / (high - low) * dims
        if cell == tuple(np.clip(np.round(scaled).astype(int), 0, np.array(dims) - 1)):
            return fail(
                f"for {descriptor} you gave {cell}, the expected cell is {right}: round *down* "
                "(np.floor), not to the nearest whole number; cell i holds [i, i + 1)."
            )
        if cell == tuple(np.floor(scaled).astype(int)):
            return fail(
                f"for {descriptor} you gave {cell}, outside a {dims[0]} x {dims[1]} grid "
                f"(indices 0-{dims[0] - 1} and 0-{dims[1] - 1}): clip the indices to "
                "[0, dims - 1] (np.clip), so edge values land in the edge cells."
            )
        if cell == tuple(v + 1 for v in right):
            return fail(
                f"for {descriptor} you gave {cell}, the expected cell is {right}: cell indices "
                "start at 0, like every NumPy index."
            )
        minus_one = (np.array(descriptor) - low) / (high - low) * (np.array(dims) - 1)
        if cell == tuple(np.clip(np.floor(minus_one).astype(int), 0, np.array(dims) - 1)):
            return fail(
                f"for {descriptor} you gave {cell}, the expected cell is {right}: scale by dims, "
                "not dims - 1 (10 cells split the range into 10 equal parts); clip afterwards."
            )
        if cell == tuple(np.floor(np.array(descriptor) * dims).astype(int).tolist()):
            return fail("scale by the ranges first: (descriptor - low) / (high - low) * dims.")
        return fail(
            f"for descriptor {descriptor} with low {low.tolist()}, high {high.tolist()} and "
            f"dims {dims}: expected cell {right}, got {cell}."
        )
    return report([], "Each descriptor has one cell; the grid's edges catch what falls outside.")


def check_insert(insert: Callable) -> bool:
    """`insert(objectives, cell, objective)`: put `objective` in `cell` of the grid (a
    `dims`-shaped array, -inf where a cell is empty) if the cell is empty or it beats the
    elite; return True if it went in, False if not."""
    grid = np.full((4, 3), -np.inf)
    grid[1, 2], grid[0, 0], grid[3, 0] = 5.0, -2.0, 0.0
    steps = [
        ((2, 1), 0.5, True, "an empty cell takes any newcomer"),
        ((1, 2), 7.0, True, "a better newcomer replaces the elite"),
        ((1, 2), 6.0, False, "a worse newcomer leaves the elite in place"),
        ((0, 0), -2.0, False, "a tie leaves the elite in place (only a better one enters)"),
        ((0, 0), -1.5, True, "a better newcomer replaces the elite"),
        ((3, 0), -1.0, False, "an elite of 0.0 is still an elite (empty cells hold -inf)"),
    ]
    expected = grid.copy()
    for cell, objective, goes_in, rule in steps:
        got, problem = call(insert, grid, cell, objective)
        if problem:
            if "only integers" in problem or "IndexError" in problem:
                problem += " Index the grid with the cell as a tuple: objectives[cell]."
            return fail(problem)
        if got is None:
            return fail(
                "insert returned None: return True if the newcomer went in, False if not "
                "(and write it into `objectives` in place)."
            )
        if goes_in:
            expected[cell] = objective
        if not isinstance(got, (bool, np.bool_)):
            return fail(f"insert returned {got!r}; return True or False.")
        if bool(got) != goes_in:
            hint = (
                f"for cell {cell} and a newcomer scoring {objective}, expected {goes_in}: {rule}."
            )
            if not goes_in and objective == -2.0:
                hint += " Compare with > (strictly better), not >=."
            return fail(hint)
        if grid[cell] != expected[cell]:
            if goes_in:
                return fail(
                    f"insert said True for cell {cell} but did not write the newcomer's "
                    f"{objective} into the grid: objectives[cell] = objective."
                )
            return fail(
                f"insert overwrote cell {cell}'s elite ({expected[cell]}) with a newcomer "
                f"that does not beat it ({objective})."
            )
        if not np.array_equal(grid, expected):
            return fail("insert changed cells other than the one it was given.")
    return report([], "Each cell keeps the best it has seen; the grid fills as the run goes.")

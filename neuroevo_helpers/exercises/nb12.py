"""Checks for the exercises of 12_neat: lining two genomes up by innovation number, and the
compatibility distance. Each returns True or False and never raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..neat import HIDDEN, INPUT, OUTPUT, Genome
from . import call, fail, python_loop, report


def genome_with(innovations, weights=None) -> Genome:
    """A genome whose connection genes carry these innovation numbers (and weights): 2 inputs,
    1 output, one made-up hidden node per gene (only the genes matter here)."""
    innovations = np.array(innovations, dtype=int)
    n = len(innovations)
    return Genome(
        node_ids=np.arange(3 + n),
        node_kinds=np.r_[INPUT, INPUT, OUTPUT, np.full(n, HIDDEN)].astype(int),
        node_bias=np.zeros(3 + n),
        innovation=innovations,
        conn_in=np.zeros(n, dtype=int),
        conn_out=3 + np.arange(n),
        weight=np.ones(n) if weights is None else np.asarray(weights, dtype=float),
        enabled=np.ones(n, dtype=bool),
    )


# ------------------------------------------------------------------------ align


def _align(a, b):
    a, b = np.asarray(a), np.asarray(b)
    matching = np.intersect1d(a, b)
    only = np.setxor1d(a, b)
    end = min(a.max() if len(a) else -1, b.max() if len(b) else -1)
    return matching, only[only <= end], only[only > end]


ALIGN_CASES = [
    ([1, 2, 3, 4, 5, 8], [1, 2, 3, 4, 5, 6, 7, 9, 10]),  # the paper's figure 4
    ([1, 2, 3, 4, 5, 6, 7, 9, 10], [1, 2, 3, 4, 5, 8]),  # the same, the other way round
    ([0, 2, 4, 11, 12, 13], [0, 1, 2, 5]),  # the first genome has the excess
    ([0, 1, 2], [0, 1, 2]),  # identical
    ([3, 4], [0, 1, 7]),  # nothing matching
]


def check_align(align: Callable) -> bool:
    """`align(a, b)`: for two sorted arrays of innovation numbers, three sorted arrays: the
    numbers in both (matching), those in one only within the other's range (disjoint), and
    those in one only beyond the other's largest number (excess)."""
    for a, b in ALIGN_CASES:
        a, b = np.array(a), np.array(b)
        got, problem = call(align, a.copy(), b.copy())
        if problem:
            return fail(problem)
        if got is None:
            return fail("align returned None: did you forget the `return`?")
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            size = f" of length {len(got)}" if hasattr(got, "__len__") else ""
            return fail(
                "align must return three arrays, `return matching, disjoint, excess`; got "
                f"{'an array' if isinstance(got, np.ndarray) else type(got).__name__}{size}."
            )
        try:
            parts = [np.asarray(p, dtype=float).ravel() for p in got]
        except (TypeError, ValueError):
            return fail("align's three results must be arrays of innovation numbers.")
        right = _align(a, b)
        names = ("matching", "disjoint", "excess")
        if all(len(p) == len(r) and np.array_equal(p, r) for p, r in zip(parts, right)):
            continue
        if all(np.array_equal(np.sort(p), r) for p, r in zip(parts, right)):
            return fail(
                "the right numbers, but not in order: return them sorted (np.intersect1d and "
                "np.setxor1d already sort; np.sort does it for anything else)."
            )
        case = f"for a = {a.tolist()} and b = {b.tolist()}"
        only = np.setxor1d(a, b)
        if np.array_equal(parts[0], right[0]):
            if np.array_equal(parts[1], only) and len(parts[2]) == 0:
                return fail(
                    f"{case} every gene in one genome only went into disjoint. Excess genes are "
                    "those beyond the *other* genome's largest number: split the non-matching "
                    "numbers at the smaller of the two genomes' largest numbers."
                )
            end = max(a.max(), b.max())
            if np.array_equal(parts[2], only[only >= end]) or np.array_equal(
                parts[2], only[only > max(a.min(), b.min())]
            ):
                return fail(
                    f"{case} your excess is {parts[2].astype(int).tolist()}, expected "
                    f"{right[2].tolist()}: a gene is excess when it lies beyond the *smaller* of "
                    "the two genomes' largest innovation numbers, min(a.max(), b.max())."
                )
            mine = [only[np.isin(only, a)], only[np.isin(only, b)]]
            if any(np.array_equal(parts[2], m[m > min(a.max(), b.max())]) for m in mine):
                return fail(
                    f"{case} your excess has only one genome's genes: excess genes can come "
                    "from either genome (whichever is longer), so look at both."
                )
            at_end = only == min(a.max(), b.max())
            if at_end.any() and np.array_equal(parts[1], right[1][right[1] != only[at_end][0]]):
                return fail(
                    f"{case} {int(only[at_end][0])} is the smaller genome's largest number, so it "
                    "is still within range: disjoint means <= min(a.max(), b.max()), excess >."
                )
            if np.array_equal(parts[1], right[2]) and np.array_equal(parts[2], right[1]):
                return fail(
                    f"{case} disjoint and excess are swapped: return matching, disjoint, excess."
                )
        if np.array_equal(parts[0], np.union1d(a, b)):
            return fail(
                f"{case} matching holds every number in either genome (np.union1d); matching "
                "genes are those in *both*: np.intersect1d."
            )
        for name, p, r in zip(names, parts, right):
            if not np.array_equal(p, r):
                return fail(
                    f"{case} {name} is {p.astype(int).tolist()}, expected {r.tolist()} "
                    "(matching: in both; disjoint: in one only, up to the smaller of the two "
                    "largest numbers; excess: beyond it)."
                )
    loop = python_loop(align)
    extra = f" (It works; NumPy's set functions do it without {loop}.)" if loop else ""
    return report(
        [], "Two genomes lined up by their history: crossover and speciation use this." + extra
    )


# ---------------------------------------------------------------- compatibility


def _compatibility(a: Genome, b: Genome, c1, c2, c3, small=20):
    matching, disjoint, excess = _align(a.innovation, b.innovation)
    i = np.searchsorted(a.innovation, matching)
    j = np.searchsorted(b.innovation, matching)
    w_bar = float(np.abs(a.weight[i] - b.weight[j]).mean()) if len(matching) else 0.0
    n = max(len(a.innovation), len(b.innovation))
    n = 1 if n < small else n
    return c1 * len(excess) / n + c2 * len(disjoint) / n + c3 * w_bar, (
        i,
        j,
        excess,
        disjoint,
        w_bar,
    )


def _compatibility_cases():
    rng = np.random.default_rng(12)
    small_a = genome_with([1, 2, 3, 4, 5, 8], [0.5, -1.0, 2.0, 0.3, -0.7, 1.1])
    small_b = genome_with([1, 2, 3, 4, 5, 6, 7, 9, 10], rng.normal(size=9))
    big_a = genome_with(np.r_[0:20, 22, 25], rng.normal(size=22))
    big_b = genome_with(np.r_[0:18, 21, 23, 26, 27, 28], rng.normal(size=23))
    twenty = genome_with(np.r_[0:16, 19, 20, 24, 30], rng.normal(size=20))
    return [
        (small_a, small_b, (1.0, 1.0, 0.4)),
        (small_a, small_b, (2.0, 0.5, 3.0)),  # c1 and c2 differ: excess is not disjoint
        (big_a, big_b, (1.0, 1.0, 0.4)),  # 20 genes or more: N is the larger genome's size
        (big_b, big_a, (1.5, 1.0, 1.0)),
        (twenty, small_b, (1.0, 1.0, 0.4)),  # exactly 20 genes: already not "fewer than 20"
        (small_a, small_a.copy(), (1.0, 1.0, 0.4)),  # a genome and itself: 0
    ]


def _by_number(a: Genome, b: Genome) -> float:
    """The slip of indexing weights by innovation number (nan where that is out of range)."""
    matching = np.intersect1d(a.innovation, b.innovation)
    if len(matching) == 0 or matching.max() >= min(len(a.weight), len(b.weight)):
        return np.nan
    return float(np.abs(a.weight[matching] - b.weight[matching]).mean())


def check_compatibility(compatibility: Callable) -> bool:
    """`compatibility(a, b, c1, c2, c3)`: δ = c1·E/N + c2·D/N + c3·W̄ for two genomes, E and
    D their excess and disjoint genes, W̄ the mean |weight difference| of matching genes, N
    the larger genome's gene count, or 1 when both have fewer than 20 genes."""
    for a, b, (c1, c2, c3) in _compatibility_cases():
        before = (a.weight.copy(), b.weight.copy())
        got, problem = call(compatibility, a, b, c1, c2, c3)
        if problem:
            if "searchsorted" in problem or "index" in problem:
                problem += (
                    " To compare matching genes' weights, find where each matching number sits "
                    "in each genome: np.searchsorted(a.innovation, matching)."
                )
            return fail(problem)
        if not (np.array_equal(a.weight, before[0]) and np.array_equal(b.weight, before[1])):
            return fail("compatibility changed a genome's weights: it must only read them.")
        if got is None:
            return fail("compatibility returned None: did you forget the `return`?")
        if np.size(got) != 1:
            return fail(
                f"compatibility returned shape {np.shape(got)}; the distance is one number."
            )
        got = float(np.ravel(got)[0])
        right, (i, j, excess, disjoint, w_bar) = _compatibility(a, b, c1, c2, c3)
        if np.isclose(got, right, rtol=1e-6, atol=1e-12):
            continue
        n_big = max(len(a.innovation), len(b.innovation))
        n = 1 if n_big < 20 else n_big
        E, D = len(excess), len(disjoint)
        diff = a.weight[i] - b.weight[j]
        slips = {
            "you divided by the larger genome's size even though both have fewer than 20 genes: "
            "the paper sets N = 1 for small genomes.": (c1 * E + c2 * D) / n_big + c3 * w_bar,
            "a genome of exactly 20 genes is not small: N = 1 only when both have *fewer* than "
            "20 (n < 20).": (c1 * E + c2 * D) / (1 if n_big <= 20 else n_big) + c3 * w_bar,
            "you did not divide E and D by N: with 20 genes or more, N is the larger genome's "
            "gene count.": c1 * E + c2 * D + c3 * w_bar,
            "excess and disjoint genes are swapped: c1 multiplies the excess, c2 the disjoint.":
                (c1 * D + c2 * E) / n + c3 * w_bar,
            "W̄ is the mean of the *absolute* weight differences: a signed mean lets +1 and -1 "
            "cancel.": (c1 * E + c2 * D) / n + c3 * (diff.mean() if len(diff) else 0.0),
            "that W̄ is the sum of the weight differences; the paper's is their mean.":
                (c1 * E + c2 * D) / n + c3 * np.abs(diff).sum(),
            "you counted every non-matching gene as excess: a gene within the other genome's "
            "range is disjoint.": c1 * (E + D) / n + c3 * w_bar,
            "you counted every non-matching gene as disjoint: a gene beyond the other genome's "
            "largest number is excess.": c2 * (E + D) / n + c3 * w_bar,
            "W̄ is missing its coefficient c3.": (c1 * E + c2 * D) / n + w_bar,
            "N is the *larger* genome's number of genes (max, not min).":
                (c1 * E + c2 * D) / (1 if n_big < 20 else min(len(a.innovation), len(b.innovation)))
                + c3 * w_bar,
            "a.weight[matching] picks weights by position, not by innovation number: find each "
            "matching gene's position with np.searchsorted(a.innovation, matching).":
                (c1 * E + c2 * D) / n + c3 * _by_number(a, b),
        }  # fmt: skip
        for hint, wrong in slips.items():
            if np.isclose(got, wrong, rtol=1e-6, atol=1e-12) and not np.isclose(wrong, right):
                return fail(hint)
        return fail(
            f"for genomes of {len(a.innovation)} and {len(b.innovation)} genes with c1={c1}, "
            f"c2={c2}, c3={c3}: expected {right:.4f}, got {got:.4f} (E={E} excess, D={D} "
            f"disjoint, N={n}, W̄={w_bar:.4f})."
        )
    return report([], "Genomes closer than the threshold share a species.")

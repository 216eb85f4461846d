"""Checks for the exercises of 10_cma_es_and_ars: CMA-ES's step-size update, ARS's choice of
the best directions, and ARS's step. Each returns True or False and never raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import as_array, call, fail, list_instead_of_array, python_loop, report, shape_error


def _chi(n: int) -> float:
    return np.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n**2))


def check_new_sigma(new_sigma: Callable) -> bool:
    """`new_sigma(sigma, p_sigma, c_sigma, d_sigma)`: cumulative step-size adaptation."""
    rng = np.random.default_rng(3)
    cases = []
    for n, scale in ((10, 0.3), (10, 2.5), (4, 1.0), (40, 1.6)):
        p = rng.normal(size=n)
        p *= scale * _chi(n) / np.linalg.norm(p)  # a path shorter or longer than a random walk
        c_sigma, d_sigma = 4 / (n + 5), 1.2 + 4 / (n + 5)
        cases.append((1.7, p, c_sigma, d_sigma))
    for sigma, p, c_sigma, d_sigma in cases:
        before = p.copy()
        got, problem = call(new_sigma, sigma, p, c_sigma, d_sigma)
        if problem:
            return fail(problem)
        if not np.array_equal(p, before):
            return fail("new_sigma changed p_sigma in place: compute with it, do not modify it.")
        if got is None:
            return fail("new_sigma returned None: did you forget the `return`?")
        if np.size(got) != 1:
            return fail(
                f"new_sigma returned shape {np.shape(got)}; sigma is one number for the whole "
                "search. Did you forget to take the length of p_sigma, np.linalg.norm(p_sigma)?"
            )
        got = float(np.ravel(got)[0])
        n, length = len(p), np.linalg.norm(p)
        right = sigma * np.exp(c_sigma / d_sigma * (length / _chi(n) - 1))
        # the approximation of E||N(0, I)|| given, or the exact value: both are right
        if np.isclose(got, right, rtol=3e-3):
            continue
        slips = {
            "the -1 is missing: without it sigma grows every generation, even when the path "
            "is exactly as long as a random walk's.": sigma
            * np.exp(c_sigma / d_sigma * length / _chi(n)),
            "use the length of p_sigma, not its squared length (np.linalg.norm(p_sigma), not "
            "p_sigma @ p_sigma).": sigma * np.exp(c_sigma / d_sigma * (length**2 / _chi(n) - 1)),
            "compare the length with E||N(0, I)||, the expected length of a random path, which "
            "is about sqrt(n) * (1 - 1/(4n) + 1/(21n^2)); n itself is far too large.": sigma
            * np.exp(c_sigma / d_sigma * (length / n - 1)),
            "c_sigma / d_sigma is upside down: the damping d_sigma divides.": sigma
            * np.exp(d_sigma / c_sigma * (length / _chi(n) - 1)),
            "sigma is *multiplied* by exp(...): you added it.": sigma
            + np.exp(c_sigma / d_sigma * (length / _chi(n) - 1)),
            "the sign is flipped: a path *longer* than a random walk's must grow sigma, so "
            "the exponent is ||p_sigma|| / E||N(0, I)|| - 1, not 1 - ...": sigma
            * np.exp(c_sigma / d_sigma * (1 - length / _chi(n))),
            "c_sigma and d_sigma enter as a ratio, c_sigma / d_sigma; you multiplied them.": sigma
            * np.exp(c_sigma * d_sigma * (length / _chi(n) - 1)),
            "the exp is missing: sigma * exp(c_sigma / d_sigma * (...)), so that sigma stays "
            "positive and changes by a factor.": sigma
            * (c_sigma / d_sigma * (length / _chi(n) - 1)),
            "close, but linearised: use exp(...), not 1 + (...).": sigma
            * (1 + c_sigma / d_sigma * (length / _chi(n) - 1)),
            "return the new sigma, not the factor that multiplies it.": np.exp(
                c_sigma / d_sigma * (length / _chi(n) - 1)
            ),
        }
        for hint, wrong in slips.items():
            if np.isclose(got, wrong, rtol=1e-6):
                return fail(hint)
        if np.isclose(
            got, sigma * np.exp(c_sigma / d_sigma * (length / np.sqrt(n) - 1)), rtol=1e-6
        ):
            return fail(
                "close: E||N(0, I)|| is a little less than sqrt(n); use "
                "sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n**2))."
            )
        return fail(
            f"for sigma={sigma}, ||p_sigma||={length:.3f}, n={n}, c_sigma={c_sigma:.3f}, "
            f"d_sigma={d_sigma:.3f}: expected {right:.5f}, got {got:.5f}. The rule: sigma * "
            "exp(c_sigma / d_sigma * (||p_sigma|| / E||N(0, I)|| - 1))."
        )
    return report([], "A path longer than a random walk's grows sigma; a shorter one shrinks it.")


def check_top_directions(top_directions: Callable) -> bool:
    """`top_directions(r_plus, r_minus, b)`: the b directions whose better side scored best."""
    rng = np.random.default_rng(5)
    r_plus, r_minus = rng.normal(-500, 100, 12), rng.normal(-500, 100, 12)
    r_minus[3] = -50.0  # direction 3 is good only on its minus side
    before = (r_plus.copy(), r_minus.copy())
    got, problem = call(top_directions, r_plus, r_minus, 4)
    if problem:
        return fail(problem)
    if not (np.array_equal(r_plus, before[0]) and np.array_equal(r_minus, before[1])):
        return fail(
            "top_directions changed r_plus or r_minus in place: sort a copy, or use argsort."
        )
    problem = list_instead_of_array(got, "top_directions returned")
    if problem is None:
        got, problem = as_array(got, "top_directions' result")
    if problem:
        return fail(problem)
    if got.shape != (4,):
        return fail(f"for b=4, return 4 indices, shape (4,); got shape {got.shape}.")
    if not np.all(got == np.round(got)) or got.min() < 0 or got.max() > 11:
        if np.allclose(np.sort(got), np.sort(np.maximum(r_plus, r_minus))[-4:]):
            return fail("those are the best returns; return the directions' *indices* (argsort).")
        return fail("return indices of directions, whole numbers from 0 to len(r_plus) - 1.")
    got = set(got.astype(int).tolist())
    score = np.maximum(r_plus, r_minus)
    right = set(np.argsort(-score)[:4].tolist())
    if got == right:
        loop = python_loop(top_directions)
        extra = f" (It works; it can also be done without {loop}: np.argsort.)" if loop else ""
        return report(
            [], "Directions are ranked by their better side, max(r_plus, r_minus)." + extra
        )
    slips = {
        "the b *worst* directions: argsort sorts from low to high, so take the last b, or sort "
        "-max(r_plus, r_minus).": set(np.argsort(score)[:4].tolist()),
        "ranked by r_plus alone: a direction whose minus side is good is good too (step the "
        "other way). Rank by max(r_plus, r_minus).": set(np.argsort(-r_plus)[:4].tolist()),
        "ranked by r_plus - r_minus: that is the step's weight, not how good the direction's "
        "best side is. Rank by max(r_plus, r_minus).": set(
            np.argsort(-(r_plus - r_minus))[:4].tolist()
        ),
        "ranked by |r_plus - r_minus|: Mania et al. rank by the better side, max(r_plus, "
        "r_minus).": set(np.argsort(-np.abs(r_plus - r_minus))[:4].tolist()),
        "ranked by the mean of both sides; rank by the better one, max(r_plus, r_minus).": set(
            np.argsort(-(r_plus + r_minus))[:4].tolist()
        ),
    }
    for hint, wrong in slips.items():
        if got == wrong:
            return fail(hint)
    return fail(f"expected the directions {sorted(right)} (any order); got {sorted(got)}.")


def _ars_step(theta, deltas, r_plus, r_minus, b, step_size, *, slip=None):
    """The right step, or one of the usual slips."""
    top = np.argsort(-np.maximum(r_plus, r_minus))[:b]
    top_for_sigma = top
    if slip == "all directions":
        top = top_for_sigma = np.arange(len(r_plus))
    if slip == "all directions, top sigma":
        top = np.arange(len(r_plus))
    if slip == "first b":
        top = top_for_sigma = np.arange(b)
    sigma_r = np.concatenate([r_plus[top_for_sigma], r_minus[top_for_sigma]]).std()
    if slip == "std of differences":
        sigma_r = (r_plus[top] - r_minus[top]).std()
    if slip == "std of plus":
        sigma_r = r_plus[top].std()
    if slip == "std of all":
        sigma_r = np.concatenate([r_plus, r_minus]).std()
    if slip == "no std":
        sigma_r = 1.0
    if slip == "ddof":
        sigma_r = np.concatenate([r_plus[top], r_minus[top]]).std(ddof=1)
    count = len(r_plus) if slip in ("divide by N", "all directions") else b
    if slip == "all directions, over b":
        top = top_for_sigma = np.arange(len(r_plus))
        sigma_r = np.concatenate([r_plus, r_minus]).std()
    sign = -1 if slip == "sign" else 1
    return theta + step_size / (count * sigma_r) * sign * (
        (r_plus[top] - r_minus[top]) @ deltas[top]
    )


def check_ars_step(ars_step: Callable) -> bool:
    """`ars_step(theta, deltas, r_plus, r_minus, b, step_size)`: ARS V1-t's update."""
    rng = np.random.default_rng(8)
    theta, deltas = rng.normal(size=5), rng.normal(size=(8, 5))
    r_plus, r_minus = rng.normal(-300, 80, 8), rng.normal(-300, 80, 8)
    args = (theta, deltas, r_plus, r_minus, 3, 0.02)
    copies = [a.copy() for a in args[:4]]
    got, problem = call(ars_step, *args)
    if problem:
        if shape_error(problem):
            problem += (
                f" Shapes: theta {theta.shape}, deltas {deltas.shape} (one direction per row), "
                f"r_plus and r_minus {r_plus.shape}: weight each row of deltas[top] by its "
                "return difference, (r_plus[top] - r_minus[top]) @ deltas[top]."
            )
        return fail(problem)
    if not all(np.array_equal(a, c) for a, c in zip(args[:4], copies)):
        return fail("ars_step changed one of its inputs in place: return a new theta instead.")
    problem = list_instead_of_array(got, "ars_step returned")
    if problem is None:
        got, problem = as_array(got, "ars_step's result", theta.shape)
    if problem:
        return fail(problem)
    right = _ars_step(*args)
    if np.allclose(got, right):
        return report(
            [], "The step is measured in units of the returns' spread, whatever its scale."
        )
    slips = {
        "all directions": "you stepped along every direction; use only the b best "
        "(top_directions).",
        "std of all": "sigma_R is the standard deviation of the 2b returns of the *top* "
        "directions only (r_plus[top] and r_minus[top] together), not of all returns.",
        "no std": "divide the step by sigma_R, the standard deviation of the top directions' "
        "2b returns: it keeps the step's size independent of the returns' scale.",
        "ddof": "the course takes sigma_R with np.std's default, ddof=0; you used ddof=1.",
        "all directions, over b": "you summed over every direction; sum only over the b "
        "best (top_directions), and take sigma_R from their 2b returns.",
        "all directions, top sigma": "you summed over every direction; sum only over the b "
        "best (top_directions), the same ones whose returns give sigma_R.",
        "first b": "deltas[:b] are the first b directions, not the best: index with "
        "top_directions(r_plus, r_minus, b).",
        "std of differences": "sigma_R is the standard deviation of the 2b returns "
        "themselves (r_plus[top] and r_minus[top] together), not of their differences.",
        "std of plus": "sigma_R uses both sides' returns: the std of r_plus[top] and "
        "r_minus[top] together (np.concatenate), not r_plus alone.",
        "divide by N": "divide by b, the number of directions used, not by all of them.",
        "sign": "the step goes *towards* the better side: weight delta_k by r_plus - r_minus.",
    }
    for slip, hint in slips.items():
        if np.allclose(got, _ars_step(*args, slip=slip)):
            return fail(hint)
    if np.allclose(got, right - theta):
        return fail("return the new theta (theta plus the step), not the step alone.")
    if np.allclose(got, theta):
        return fail("ars_step returned theta unchanged: add the step to it.")
    return fail(
        "not the expected theta. The update: theta + step_size / (b * sigma_R) * sum over the b "
        "best directions of (r_plus - r_minus) * delta."
    )

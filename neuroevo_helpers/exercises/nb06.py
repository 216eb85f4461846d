"""Checks for the exercises of 06_evolution_strategies: centred ranks and the ES gradient
estimate. Each returns True or False and never raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..es import centered_ranks
from . import as_array, call, fail, list_instead_of_array, report, shape_error

ORDER_NOT_RANKS = (
    "np.argsort(fitness) gives the *order* of the samples (position 0 holds the index of the "
    "smallest fitness), not each sample's *rank* (where it lands in that order). The ranks "
    "are the inverse permutation: np.argsort(np.argsort(fitness)), or ranks = np.empty(n); "
    "ranks[np.argsort(fitness)] = np.arange(n)."
)
REVERSED = (
    "the order is reversed: the *highest* fitness should get +0.5 (np.argsort sorts from "
    "low to high; sorting -fitness, or counting from the top, turns that round)."
)
SORT_FITNESS_ITSELF = (
    "then sort the fitness itself, not -fitness: ranks from low to high give the worst -0.5 "
    "and the best +0.5."
)
# How the ranks 0..n-1 are scaled, and what to say about each way that is not right.
SCALINGS = [
    (lambda r, n: r / (n - 1) - 0.5, None),
    (lambda r, n: r, "these are ranks 0..n-1, unscaled: divide by n - 1 and subtract 0.5."),
    (
        lambda r, n: r / (n - 1),
        "the ranks are scaled to [0, 1]: subtract 0.5 to centre them, so the worst gets -0.5 "
        "and the best +0.5.",
    ),
    (
        lambda r, n: r / n - 0.5,
        "divide the ranks by n - 1, not n: they run from 0 to n - 1, so with n the best gets "
        "(n - 1) / n - 0.5 instead of exactly +0.5.",
    ),
    (
        lambda r, n: r / n,
        "divide the ranks by n - 1 (not n), then subtract 0.5: the worst should get -0.5 and "
        "the best +0.5.",
    ),
    (
        lambda r, n: (r + 1) / (n - 1) - 0.5,
        "the ranks start at 1 (as scipy.stats.rankdata's do): the worst should have rank 0, "
        "so subtract 1 before scaling.",
    ),
    (
        lambda r, n: (r + 1) / n - 0.5,
        "the ranks start at 1 (as scipy.stats.rankdata's do) and are divided by n: use ranks "
        "0..n-1, divided by n - 1, then subtract 0.5.",
    ),
]


def _ranks(fitness: np.ndarray, ties: str = "average") -> np.ndarray:
    """Ranks 0..n-1 (ties: their average, or the lowest / highest of the ranks they span)."""
    ranks = np.empty(len(fitness))
    ranks[np.argsort(fitness, kind="stable")] = np.arange(len(fitness))
    _, group = np.unique(fitness, return_inverse=True)
    pick = {"average": np.mean, "min": np.min, "max": np.max}[ties]
    return np.array([pick(ranks[group == g]) for g in group])


def _call_ranks(my_centered_ranks: Callable, fitness: np.ndarray, expected: np.ndarray):
    """(the learner's answer as an array, None), or (None, what is wrong with it)."""
    given = fitness.copy()
    got, problem = call(my_centered_ranks, given)
    if shape_error(problem):
        n = len(fitness)
        return None, (
            f"{problem} Every array here holds one number per sample: fitness is ({n},), and "
            f"so are np.argsort(fitness), np.arange(len(fitness)) and the ranks you return. "
            "Use len(fitness) for n, rather than a fixed size."
        )
    if problem:
        return None, problem
    if not np.array_equal(given, fitness):
        return None, (
            "my_centered_ranks changed the fitness array it was given (fitness.sort() sorts in "
            "place, for one): the ES still needs it. Use np.argsort or np.sort, which return "
            "new arrays."
        )
    problem = list_instead_of_array(got, "my_centered_ranks returned", expected)
    if problem:
        return None, problem
    return as_array(got, "my_centered_ranks", fitness.shape)


def _diagnose_distinct(got: np.ndarray, fitness: np.ndarray) -> list[str] | None:
    """The usual slips, for fitness without ties: order instead of ranks, reversed, scaled
    wrongly. None if `got` is none of them."""
    n = len(fitness)
    order = np.argsort(fitness).astype(float)
    ranks = _ranks(fitness)
    kinds = [
        ([], ranks),
        ([REVERSED], n - 1 - ranks),
        ([ORDER_NOT_RANKS], order),
        ([ORDER_NOT_RANKS, SORT_FITNESS_ITSELF], order[::-1]),
    ]
    for problems, values in kinds:
        for scale, hint in SCALINGS:
            if got.shape == values.shape and np.allclose(got, scale(values, n)):
                return problems + ([hint] if hint else [])
    span = fitness.max() - fitness.min()
    if np.allclose(got, (fitness - fitness.min()) / span - 0.5):
        return [
            "that rescales the fitness values themselves; centred ranks keep only their "
            "order, so that evenly spaced ranks replace the values (one outlier then cannot "
            "dominate)."
        ]
    return None


def check_centered_ranks(my_centered_ranks: Callable) -> bool:
    """`my_centered_ranks(fitness)` -> ranks scaled to [-0.5, 0.5]; ties share their average."""
    # 1. No ties, with an order that is not its own inverse: order and ranks differ
    fitness = np.array([3.0, -1.0, 10.0, 7.0, 0.5, 2.0])
    expected = centered_ranks(fitness)
    got, problem = _call_ranks(my_centered_ranks, fitness, expected)
    if problem:
        return fail(problem)
    if not np.allclose(got, expected):
        problems = _diagnose_distinct(got, fitness)
        if problems:
            return report(problems, "")
        if np.allclose(got, np.sort(expected)):
            return fail(
                "these are the right values, but in sorted order: each sample keeps its place "
                "and gets its own rank (here the sample at index 2, fitness 10.0, gets +0.5)."
            )
        return fail(
            f"for fitness {fitness.tolist()} expected {np.round(expected, 3).tolist()}, got "
            f"{np.round(got, 3).tolist()}: the worst gets -0.5, the best +0.5, evenly spaced."
        )
    # 2. Another length: nothing fixed to 6
    other = np.random.default_rng(0).normal(size=9)
    got, problem = _call_ranks(my_centered_ranks, other, centered_ranks(other))
    if problem:
        return fail(f"for 9 values: {problem}")
    if not np.allclose(got, centered_ranks(other)):
        return fail(
            "right for 6 values, but not for 9: use len(fitness), not a fixed number of samples."
        )
    # 3. Ties: equal fitness, equal rank (the average of the ranks they span)
    for fitness, tie in [([3.0, -1.0, 10.0, 3.0, 0.5], 3.0), ([500, 20, 500, 500, 31], 500)]:
        fitness = np.array(fitness, dtype=float)
        expected = centered_ranks(fitness)
        got, problem = _call_ranks(my_centered_ranks, fitness, expected)
        if problem:
            return fail(f"for fitness {fitness.tolist()}: {problem}")
        if np.allclose(got, expected):
            continue
        n, tied = len(fitness), fitness == tie
        shared = float(expected[tied][0])
        if not np.allclose(got[tied], got[tied][0]):
            return fail(
                f"for fitness {fitness.tolist()}, the samples with equal fitness "
                f"{tie:g} got different values {np.round(got[tied], 3).tolist()}: "
                f"equal fitness should get an equal rank, the average of the ranks they span "
                f"(here {shared:g}). Ties are common in RL: many samples can score CartPole's 500."
            )
        for ties, word in [("min", "lowest"), ("max", "highest")]:
            if np.allclose(got, _ranks(fitness, ties) / (n - 1) - 0.5):
                return fail(
                    f"for fitness {fitness.tolist()}, tied samples got the {word} of the ranks "
                    f"they span; give them the *average* (here {shared:g}), so that the ranks "
                    "still add up to 0."
                )
        return fail(
            f"for fitness {fitness.tolist()} (with ties) expected "
            f"{np.round(expected, 3).tolist()}, got {np.round(got, 3).tolist()}."
        )
    return report([], "centred ranks: worst -0.5, best +0.5, ties share their rank.")


def _shape_hint(problem: str) -> str:
    """What goes in and out of estimate_gradient, and the usual cause of a shape error."""
    shapes = (
        "Shapes: eps is (n, n_params), here (500, 3); fitness_fn(center + sigma * eps) gives "
        "one fitness per sample, (500,); g has one number per parameter, (3,)."
    )
    if "core dimension" in problem or "not aligned" in problem:  # a matrix product
        cause = (
            "A matrix product needs the inner sizes to match: eps @ fitness is (500, 3) @ "
            "(500,), 3 against 500. Put the fitness first, fitness @ eps, (500,) @ (500, 3) "
            "-> (3,), or turn eps round: eps.T @ fitness."
        )
    else:
        cause = (
            "The usual cause: fitness * eps, (500,) times (500, 3), which NumPy cannot line "
            "up (it matches the *last* axes, 500 against 3). Weight and sum the rows in one "
            "go with fitness @ eps, (500,) @ (500, 3) -> (3,), or make the fitness a column "
            "first: (fitness[:, None] * eps).sum(axis=0)."
        )
    return f"{problem} {shapes} {cause}"


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
    if shape_error(problem):
        return fail(_shape_hint(problem))
    if problem is None:
        problem = list_instead_of_array(got, "estimate_gradient returned", expected)
    if problem is None:
        got, problem = as_array(got, "estimate_gradient")
    if problem:
        return fail(problem)
    if got.shape != center.shape:
        hints = {
            (500,): " That is one number per sample; the gradient has one per parameter. Sum "
            "the weighted noise over the samples (axis 0), or use fitness @ eps.",
            (): " That is one number: the sum ran over every axis. Sum over the samples only "
            "(axis=0), or use fitness @ eps.",
            (500, 3): " That is each sample's weighted noise; add them up over the samples "
            "(axis 0), or use fitness @ eps.",
            (1, 3): " Drop the extra axis: fitness @ eps is already (3,).",
        }
        return fail(
            f"estimate_gradient returned shape {got.shape}; expected {center.shape}, one number "
            f"per parameter.{hints.get(got.shape, '')}"
        )
    if not np.allclose(got, expected):
        n, shaped = len(eps), fitness - fitness.mean()
        slips = [
            (fitness @ eps / (n * sigma), "subtract the population's mean fitness before "
             "weighting the noise."),
            (shaped @ eps / n, "divide by n * sigma, not just n."),
            (shaped @ eps / (n * sigma**2), "divide by n * sigma, not n * sigma²."),
            (shaped @ eps / (eps.shape[1] * sigma), "divide by the number of *samples*, "
             "n = len(eps) (here 500), not by the number of parameters, eps.shape[1]."),
            (shaped @ eps / ((n - 1) * sigma), "divide by n, not n - 1: g is a plain mean "
             "over the samples (n - 1 belongs to a sample variance, not here)."),
            (shaped / fitness.std() @ eps / (n * sigma), "the fitness is divided by its "
             "standard deviation: this estimate uses F - F.mean() as it is."),
            ((fitness - np.median(fitness)) @ eps / (n * sigma), "subtract the *mean* fitness "
             "(fitness.mean()), not the median."),
            (centered_ranks(fitness) @ eps / (n * sigma), "those are centred ranks, OpenAI-ES's "
             "shaping; this estimate weights the noise by F - F.mean() itself."),
            (np.zeros(3), "the estimate is all zeros: is every sample scored at the center? "
             "Score each at its own point: fitness_fn(center + sigma * eps) takes all of them "
             "at once and gives (n,)."),
        ]  # fmt: skip
        unscaled = fitness_fn(center + eps)
        slips.append(
            (
                (unscaled - unscaled.mean()) @ eps / (n * sigma),
                "evaluate the fitness at center + sigma * eps, not center + eps.",
            )  # fmt: skip
        )
        minus = fitness_fn(center - sigma * eps)
        slips.append(
            (
                (minus - minus.mean()) @ eps / (n * sigma),
                "evaluate the fitness at "
                "center + sigma * eps: with a minus, each eps is weighted by the fitness of the "
                "opposite point, and g points the wrong way.",
            )  # fmt: skip
        )
        for wrong, hint in slips:
            if np.allclose(got, wrong):
                return fail(hint)
        again, _ = call(estimate_gradient, fitness_fn, center.copy(), sigma, eps.copy())
        if again is not None and not np.allclose(np.asarray(again, dtype=float), got):
            return fail(
                "the same inputs gave a different g twice: use the noise `eps` you are given, "
                "rather than drawing new noise."
            )
        return fail(
            f"expected {np.round(expected, 3).tolist()}, got {np.round(got, 3).tolist()}. "
            "g = (F - F.mean()) @ eps / (n * sigma) with F = fitness_fn(center + sigma * eps)."
        )
    # Other sizes: 40 samples of 2 parameters, so nothing can be fixed to 500 or 3
    center, eps = np.array([0.5, 1.5]), rng.normal(size=(40, 2))
    fitness = fitness_fn(center + sigma * eps)
    got, problem = call(estimate_gradient, fitness_fn, center.copy(), sigma, eps.copy())
    if problem is None:
        got, problem = as_array(got, "estimate_gradient", center.shape)
    if problem:
        return fail(f"for 40 samples of 2 parameters: {problem}")
    if not np.allclose(got, (fitness - fitness.mean()) @ eps / (len(eps) * sigma)):
        return fail(
            "right for 500 samples of 3 parameters, but not for 40 of 2: use len(eps) and "
            "the arrays you are given, not fixed numbers."
        )
    return report([], "the ES gradient estimate, with the mean fitness as a baseline.")

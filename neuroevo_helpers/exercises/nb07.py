"""Checks for the exercises of 07_comparison: returns-to-go and sampling actions from a
softmax. Each returns True or False and never raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import call, fail, list_instead_of_array, python_loop, report, shape_error


def _to_go(rewards: np.ndarray) -> np.ndarray:
    return np.flip(np.cumsum(np.flip(rewards, axis=0), axis=0), axis=0)


def _returns_problem(got, rewards: np.ndarray) -> str | None:
    """What is wrong with `got` as the returns-to-go of `rewards`, or None if it is right."""
    expected = _to_go(rewards)
    if got is None:
        return "returns_to_go returned None: did you forget the `return`?"
    problem = list_instead_of_array(got, "returns_to_go returned", expected)
    if problem:
        return problem
    got = np.asarray(got, dtype=float)
    if got.shape != rewards.shape:
        hint = ""
        if got.shape == (rewards.size,):
            hint = (
                " np.cumsum without an axis flattens the array: give it axis=0, the time "
                "axis, and flip along axis=0 too."
            )
        elif got.shape == rewards.shape[::-1]:
            hint = " The axes are swapped: keep time as axis 0, episodes as axis 1."
        return f"expected the shape of rewards, {rewards.shape}; got {got.shape}.{hint}"
    if np.allclose(got, expected):
        return None
    slips = [
        (np.cumsum(rewards, axis=0), "that is the sum of the rewards *so far*; return-to-go "
         "sums the rewards from each step to the end: flip, cumsum, flip back (axis=0)."),
        (np.flip(np.cumsum(np.flip(rewards, axis=1), axis=1), axis=1), "you summed across "
         "episodes (axis 1); sum over time, axis 0."),
        (np.cumsum(np.flip(rewards, axis=0), axis=0), "right sums, upside down: flip the "
         "result back along axis 0 so that row t belongs to step t."),
        (rewards.sum(axis=0) - np.cumsum(rewards, axis=0), "total minus the sum so far "
         "leaves out each step's own reward; return-to-go includes it (or subtract the sum "
         "*before* the step)."),
        (np.flip(np.cumsum(np.flip(rewards, axis=0), axis=0), axis=None), "flip back along "
         "axis 0 only; flipping every axis also swaps the episodes."),
        (expected - rewards, "each step's own reward is left out: return-to-go starts with "
         "the reward of step t itself."),
        (np.broadcast_to(rewards.sum(axis=0), rewards.shape), "every row is the episode's "
         "total: row t should sum only the rewards from step t on (a cumulative sum)."),
        (np.trunc(expected), "the sums were cut to whole numbers: keep the float dtype "
         "(np.zeros_like of an integer array, or .astype(int), drops the fractions)."),
    ]  # fmt: skip
    for wrong, hint in slips:
        if np.allclose(got, wrong):
            return hint
    return (
        f"for rewards {rewards.tolist()} expected {np.round(expected, 3).tolist()}, got "
        f"{np.round(got, 3).tolist()}."
    )


def check_returns_to_go(returns_to_go: Callable) -> bool:
    """`returns_to_go(rewards)`: for (T, n) rewards, the sum of each reward and all later ones."""
    rewards = np.array([[1.0, 2.0], [0.0, 1.0], [3.0, 0.0], [1.0, 5.0]])  # (T=4, n=2)
    got, problem = call(returns_to_go, rewards.copy())
    if shape_error(problem):
        return fail(
            f"{problem} rewards has shape (T, n_episodes), here (4, 2), and so does the "
            "result. np.cumsum and np.flip keep that shape when given axis=0."
        )
    problem = problem or _returns_problem(got, rewards)
    if problem:
        return fail(problem)
    other = np.random.default_rng(0).normal(size=(7, 3)).round(2)  # other sizes, fractions
    got, problem = call(returns_to_go, other.copy())
    problem = problem or _returns_problem(got, other)
    if problem:
        return fail(
            "right for the first example, but not for other rewards, (7, 3), with fractions: "
            + problem
        )
    loop = python_loop(returns_to_go)
    if loop:
        return fail(
            f"the numbers are right, but the function uses {loop}, and the exercise asks for "
            "none: a loop over the steps is a Python step per time step. np.cumsum(..., "
            "axis=0) sums along time in one call: flip time, cumsum, flip back."
        )
    return report([], "each step's return-to-go: its reward and every later one.")


def _sampling_shape_hint(problem: str) -> str:
    if "1-dimensional" in problem:
        return (
            f"{problem} rng.choice takes one probability vector, not one per row; to draw "
            "for every row at once, compare one uniform number per row with the row's "
            "cumulative sums: (probs.cumsum(axis=1) < rng.random((len(probs), 1))).sum(axis=1)."
        )
    return (
        f"{problem} probs has shape (n, n_actions), here (20000, 3), and the result one action "
        "per row, (20000,). Comparing probs.cumsum(axis=1), (20000, 3), with one draw per row "
        "of shape (20000,) fails: NumPy lines up the *last* axes, 3 against 20000. Make the "
        "draws a column, rng.random((len(probs), 1)) (or draws[:, None]), shape (20000, 1), "
        "which broadcasts across the 3 actions."
    )


def check_sample_actions(sample_actions: Callable) -> bool:
    """`sample_actions(probs, rng)`: one action per row, drawn with the row's probabilities."""
    probs = np.tile([0.1, 0.6, 0.3], (20_000, 1))
    probs[10_000:] = [0.7, 0.0, 0.3]  # the second half never picks action 1
    got, problem = call(sample_actions, probs.copy(), np.random.default_rng(0))
    if shape_error(problem):
        return fail(_sampling_shape_hint(problem))
    if problem:
        return fail(problem)
    if got is None:
        return fail("sample_actions returned None: did you forget the `return`?")
    problem = list_instead_of_array(got, "sample_actions returned")
    if problem:
        return fail(problem)
    got = np.asarray(got)
    if got.shape != (20_000,):
        hint = {
            (20_000, 3): " Are these one-hot rows? Turn them into indices with .argmax(axis=1).",
            (20_000, 1): " Drop the last axis: .sum(axis=1) without keepdims, or [:, 0].",
        }.get(got.shape, "")
        return fail(f"expected one action per row, shape (20000,); got {got.shape}.{hint}")
    if not np.issubdtype(got.dtype, np.integer):
        return fail(f"actions must be integers (indices), got dtype {got.dtype}.")
    if got.min() < 0 or got.max() > 3:
        return fail(f"actions must lie in 0..2; got values from {got.min()} to {got.max()}.")
    # Slips made with the same generator, so the same draws: recognised exactly
    cumulative = probs.cumsum(axis=1)
    draws = np.random.default_rng(0).random((len(probs), 1))
    if np.array_equal(got, (cumulative < np.random.default_rng(0).random(probs.shape)).sum(1)):
        return fail(
            "one uniform number per *entry* of probs: each row needs a single draw, shape "
            "(len(probs), 1), compared with all of that row's cumulative sums."
        )
    if np.array_equal(got, (probs < draws).sum(axis=1)) or np.array_equal(
        got, np.argmax(probs > draws, axis=1)
    ):
        return fail(
            "the draw is compared with the probabilities themselves; compare it with their "
            "*cumulative* sums, probs.cumsum(axis=1), which cut [0, 1) into one interval "
            "per action."
        )
    down_columns = probs.cumsum(axis=0)  # summed across rows: a slip with the axis
    if any(
        np.array_equal(got, slip)
        for slip in (
            (down_columns < draws).sum(axis=1),
            (down_columns <= draws).sum(axis=1),
            (down_columns > draws).sum(axis=1),
            np.argmax(down_columns > draws, axis=1),
            np.argmax(down_columns >= draws, axis=1),
        )
    ) or (len(np.unique(got[:10])) > 1 and np.all(got[10:] == got[-1])):
        return fail(
            "the cumulative sum must run along each row, probs.cumsum(axis=1): axis=0 sums "
            "down the columns, across different states, so after a few rows every sum "
            "passes 1 and all rows get the same action."
        )
    if got.max() == 3:
        return fail(
            "actions came out as 1..3: count the cumulative sums that lie *below* the "
            "draw, (probs.cumsum(axis=1) < draws).sum(axis=1), which gives 0..2."
        )
    if np.all(got == np.argmax(probs, axis=1)):
        return fail(
            "every row got its most likely action: that is the argmax (or one random number "
            "shared by all rows). Draw one number per row, rng.random((len(probs), 1)), and "
            "compare it with probs.cumsum(axis=1)."
        )
    if len(np.unique(got[:10_000])) == 1 or len(np.unique(got[10_000:])) == 1:
        return fail(
            "rows with the same probabilities all got the same action: draw one "
            "random number per row, rng.random((len(probs), 1))."
        )
    share_first = np.bincount(got[:10_000], minlength=3) / 10_000
    share_second = np.bincount(got[10_000:], minlength=3) / 10_000
    if share_second[1] > 0:
        return fail(
            "rows whose action 1 has probability 0 still chose it: each row must use "
            "its own probabilities."
        )
    if not (
        np.allclose(share_first, [0.1, 0.6, 0.3], atol=0.02)
        and np.allclose(share_second, [0.7, 0.0, 0.3], atol=0.02)
    ):
        return fail(
            f"actions came out with shares {np.round(share_first, 2).tolist()}; "
            "expected about [0.1, 0.6, 0.3] for those rows."
        )
    again, _ = call(sample_actions, probs.copy(), np.random.default_rng(0))
    if again is None or not np.array_equal(np.asarray(again), got):
        return fail("the same rng seed gave different actions: draw all randomness from `rng`.")
    loop = python_loop(sample_actions)
    if loop:
        return fail(
            f"the actions come out right, but the function uses {loop}, and the exercise asks "
            "for none: that is a Python step per row, thousands per generation. Draw one "
            "number per row at once, rng.random((len(probs), 1)), and count the cumulative "
            "sums below it: (probs.cumsum(axis=1) < draws).sum(axis=1)."
        )
    return report([], "one action per row, drawn with that row's probabilities.")

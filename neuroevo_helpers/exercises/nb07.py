"""Checks for the exercises of 07_comparison: returns-to-go and sampling actions from a
softmax. Each returns True or False and never raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import call, fail, report


def check_returns_to_go(returns_to_go: Callable) -> bool:
    """`returns_to_go(rewards)`: for (T, n) rewards, the sum of each reward and all later ones."""
    rewards = np.array([[1.0, 2.0], [0.0, 1.0], [3.0, 0.0], [1.0, 5.0]])  # (T=4, n=2)
    expected = np.array([[5.0, 8.0], [4.0, 6.0], [4.0, 5.0], [1.0, 5.0]])
    got, problem = call(returns_to_go, rewards.copy())
    if problem:
        return fail(problem)
    if got is None:
        return fail("returns_to_go returned None: did you forget the `return`?")
    got = np.asarray(got, dtype=float)
    if got.shape != rewards.shape:
        return fail(f"expected the shape of rewards, {rewards.shape}; got {got.shape}.")
    if np.allclose(got, expected):
        return report([], "each step's return-to-go: its reward and every later one.")
    if np.allclose(got, np.cumsum(rewards, axis=0)):
        return fail(
            "that is the sum of the rewards *so far*; return-to-go sums the rewards "
            "from each step to the end: flip, cumsum, flip back (axis=0)."
        )
    if np.allclose(got, np.flip(np.cumsum(np.flip(rewards, axis=1), axis=1), axis=1)):
        return fail("you summed across episodes (axis 1); sum over time, axis 0.")
    if np.allclose(got, np.cumsum(np.flip(rewards, axis=0), axis=0)):
        return fail(
            "right sums, upside down: flip the result back along axis 0 so that row t "
            "belongs to step t."
        )
    if np.allclose(got, rewards.sum(axis=0) - np.cumsum(rewards, axis=0)):
        return fail(
            "total minus the sum so far leaves out each step's own reward; return-to-go "
            "includes it (or subtract the sum *before* the step)."
        )
    if np.allclose(got, np.flip(np.cumsum(np.flip(rewards, axis=0), axis=0), axis=None)):
        return fail("flip back along axis 0 only; flipping every axis also swaps the episodes.")
    return fail(
        f"for rewards {rewards.tolist()} expected {expected.tolist()}, got "
        f"{np.round(got, 3).tolist()}."
    )


def check_sample_actions(sample_actions: Callable) -> bool:
    """`sample_actions(probs, rng)`: one action per row, drawn with the row's probabilities."""
    probs = np.tile([0.1, 0.6, 0.3], (20_000, 1))
    probs[10_000:] = [0.7, 0.0, 0.3]  # the second half never picks action 1
    got, problem = call(sample_actions, probs.copy(), np.random.default_rng(0))
    if problem:
        return fail(problem)
    if got is None:
        return fail("sample_actions returned None: did you forget the `return`?")
    got = np.asarray(got)
    if got.shape != (20_000,):
        return fail(f"expected one action per row, shape (20000,); got {got.shape}.")
    if not np.issubdtype(got.dtype, np.integer):
        return fail(f"actions must be integers (indices), got dtype {got.dtype}.")
    if got.min() < 0 or got.max() > 3:
        return fail(f"actions must lie in 0..2; got values from {got.min()} to {got.max()}.")
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
    return report([], "one action per row, drawn with that row's probabilities.")

"""Checks for the exercises of 13_bipedal_walker: the fall rule and the patience rule of the
walker's training shaping, written by the learner. Each returns True or False and never
raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..shaping import FALL
from . import as_array, call, fail, list_instead_of_array, python_loop, report


def _shaped(rewards, terminated, fall_reward, *, every=False, any_end=False, at_most=False):
    """The right shaped rewards, or one of the usual slips (for hints)."""
    rewards, terminated = np.asarray(rewards, float), np.asarray(terminated, bool)
    fell = rewards <= FALL if at_most else rewards == FALL
    where = fell if every else terminated if any_end else terminated & fell
    return np.where(where, fall_reward, rewards)


def check_shaped_rewards(shaped_rewards: Callable) -> bool:
    """`shaped_rewards(rewards, terminated, fall_reward)`: one step of many copies."""
    rewards = np.array([0.31, -100.0, -100.0, 2.4, -0.02, -100.0, -130.0])
    terminated = np.array([False, True, False, True, False, True, True])
    expected = _shaped(rewards, terminated, 0.0)
    kept = rewards.copy(), terminated.copy()
    got, problem = call(shaped_rewards, rewards, terminated, 0.0)
    if problem and "truth value of an array" in problem:
        return fail(
            f"{problem} Python's `and` wants one True or False; for arrays, element by element, "
            "use `&`: terminated & (rewards == -100)."
        )
    if problem and "bitwise_and" in problem:
        return fail(
            f"{problem} `&` binds tighter than `==`: terminated & rewards == -100 reads as "
            "(terminated & rewards) == -100. Put the comparison in parentheses: terminated & "
            "(rewards == -100)."
        )
    if problem is None:
        problem = list_instead_of_array(got, "shaped_rewards returned", expected)
    if problem is None:
        got, problem = as_array(got, "shaped_rewards", expected.shape)
    if problem:
        return fail(problem)
    if not (np.array_equal(rewards, kept[0]) and np.array_equal(terminated, kept[1])):
        return fail(
            "shaped_rewards changed the rewards array it was given: the training loop still "
            "needs the env's own rewards (and a test score would then be shaped too). Build "
            "a new array, e.g. with np.where, instead of assigning into `rewards`."
        )
    slips = {
        "every": "a -100 replaced where the episode did not end (index 2). Only the step that "
        "ends the episode with -100 is a fall: combine both conditions, terminated & "
        "(rewards == -100).",
        "any_end": "a step that ended its episode with a reward other than -100 was replaced "
        "(index 3 earned 2.4). The walker's episode also ends when it reaches the far end of "
        "the course: that is its best moment, not a fall. Replace only where the reward is "
        "-100.",
        "at_most": "a reward below -100 (index 6: -130) was replaced. The fall pays exactly "
        "-100; test for equality, rewards == -100.",
    }
    if not np.allclose(got, expected):
        shown = f"The check's step: rewards {rewards.tolist()}, terminated {terminated.tolist()}."
        for slip, hint in slips.items():
            if np.allclose(got, _shaped(rewards, terminated, 0.0, **{slip: True})):
                return fail(f"{hint} {shown}")
        return fail(
            f"for rewards {rewards.tolist()} and terminated {terminated.tolist()} with "
            f"fall_reward=0, expected {expected.tolist()}; got {np.round(got, 3).tolist()}."
        )
    again, problem = call(shaped_rewards, rewards, terminated, -20.0)
    if problem is None:
        again, problem = as_array(again, "shaped_rewards", expected.shape)
    if problem:
        return fail(f"with fall_reward=-20: {problem}")
    if not np.allclose(again, _shaped(rewards, terminated, -20.0)):
        return fail(
            "right for fall_reward=0, wrong for fall_reward=-20: use the fall_reward argument "
            "instead of a fixed 0."
        )
    return report([], "Only falls are repaid; reaching the far end keeps its reward.")


def _steps(
    rewards, patience, *, start_first=False, ties=False, off_by_one=False, too_late=False,
    raw=False,
):  # fmt: skip
    """Steps played under the patience rule, or one of the usual slips (for hints)."""
    rewards = np.asarray(rewards, float)
    values = rewards if raw else np.cumsum(rewards)
    best = values[0] if start_first else 0.0
    since = 0
    for t, value in enumerate(values, start=1):
        if (value >= best) if ties else (value > best):
            best, since = value, 0
        elif not (start_first and t == 1):
            since += 1
        if since >= patience + too_late:
            return t - 1 if off_by_one else t
    return len(values)


def check_steps_played(steps_played: Callable) -> bool:
    """`steps_played(rewards, patience)`: how many steps one episode plays under the rule."""
    rng = np.random.default_rng(13)
    walks = np.concatenate(
        [
            rng.uniform(0.1, 0.3, 60),
            np.full(40, -0.05),
            rng.uniform(0.1, 0.3, 30),
            np.full(200, -0.04),
        ]
    )
    cases = [
        ("a walker that takes one step forward, then stands",
         np.concatenate([[0.5], np.full(60, -0.05)]), 10),  # fmt: skip
        ("a walker that stands still from the start (-0.05 a step)", np.full(300, -0.05), 100),
        ("a walker that walks on to the end", rng.uniform(0.05, 0.3, 250), 100),
        ("a walker that walks, pauses 40 steps, walks, then stops", walks, 50),
        ("a walker that returns exactly to its best and stays there",
         np.concatenate([[1.0, -0.5, 0.5], np.zeros(20)]), 10),  # fmt: skip
        ("a walker that slips back, then steps forward without a new high",
         np.concatenate([[2.0], np.full(10, -0.3), np.full(8, 0.2), np.full(30, -0.01)]), 15),
        ("an episode shorter than the patience", np.full(30, -0.1), 100),
    ]  # fmt: skip
    slips = {
        "start_first": "the best so far starts at 0, the return before any step: a walker "
        "whose first step already loses must not have that loss as its best.",
        "ties": "a return equal to the best so far is no new high: use >, not >=, or a walker "
        "that stands still at its best would never be stopped.",
        "off_by_one": "one step short: the step that completes `patience` steps without a new "
        "high is played, and counts.",
        "too_late": "one step too many: the episode ends at the step where the count of steps "
        "without a new high *reaches* patience (count >= patience), not when it passes it.",
        "raw": "compare the *return so far* (np.cumsum(rewards)) with its best, not each "
        "step's reward: a positive step after a slip backwards is no new high until the "
        "return passes its old best.",
    }
    for name, rewards, patience in cases:
        expected = _steps(rewards, patience)
        got, problem = call(steps_played, rewards.copy(), patience)
        if problem:
            return fail(f"for {name}: {problem}")
        if got is None:
            return fail(f"for {name}, steps_played returned None: did you forget a `return`?")
        if not isinstance(got, (int, np.integer)) and not (
            np.ndim(got) == 0 and float(got).is_integer()
        ):
            return fail(f"steps_played should return one whole number of steps; got {got!r}.")
        if int(got) == expected:
            continue
        for slip, hint in slips.items():
            if int(got) == _steps(rewards, patience, **{slip: True}):
                return fail(f"for {name} (patience {patience}): {hint}")
        if expected == len(rewards):
            return fail(
                f"for {name} (patience {patience}), the episode is never cut: return its "
                f"length, {len(rewards)}; got {got}."
            )
        return fail(
            f"for {name} (patience {patience}): expected {expected} steps; got {got}. The rule: "
            "after each step, if the return so far beats its best (which starts at 0), reset "
            "a counter to 0, else add 1; stop once the counter reaches patience."
        )
    loop = python_loop(steps_played)
    note = (
        f" (Your version has {loop}; np.cumsum, np.maximum.accumulate and np.flatnonzero do it "
        "without one, as the solutions show.)"
        if loop
        else ""
    )
    return report([], f"That is the rule nh.Shaping applies to every copy at each step.{note}")

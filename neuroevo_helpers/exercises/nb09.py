"""Checks for the exercises of 09_capstone_continuous_control: an agent file run with numpy
alone, how many episodes a fair score needs, and merging observation statistics. Each
returns True or False and never raises."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from . import as_array, call, fail, list_instead_of_array, report, shape_error


def _agent_arrays(rng: np.random.Generator) -> dict:
    """A small agent file's arrays: 3 observations, hidden 5 and 4, 2 actions in [-2, 1]."""
    sizes = np.array([3, 5, 4, 2])
    n_params = sum(int(a) * int(b) + int(b) for a, b in zip(sizes[:-1], sizes[1:]))
    return {
        "params": rng.normal(0, 0.8, n_params),
        "layer_sizes": sizes,
        "obs_mean": np.array([1.0, -2.0, 0.5]),
        "obs_std": np.array([2.0, 0.5, 1.0]),
        "action_low": np.array([-2.0, -2.0]),
        "action_high": np.array([1.0, 1.0]),
    }


def _other_agent_arrays(rng: np.random.Generator) -> dict:
    """Another network size: 2 observations, one hidden layer of 6, 3 actions in [-1, 3]."""
    return {
        "params": rng.normal(0, 0.8, 2 * 6 + 6 + 6 * 3 + 3),
        "layer_sizes": np.array([2, 6, 3]),
        "obs_mean": np.array([0.5, -1.0]),
        "obs_std": np.array([1.5, 3.0]),
        "action_low": np.array([-1.0, -1.0, -1.0]),
        "action_high": np.array([3.0, 3.0, 3.0]),
    }


def _fixed_sizes(problem: str, sizes) -> bool:
    """True if `problem` is a reshape error into a shape that is no layer of `sizes`: the
    sign of layer sizes written into the code instead of read from the file."""
    found = re.search(r"cannot reshape array of size \d+ into shape \((\d+), ?(\d+)\)", problem)
    if found is None:
        return False
    layers = {(int(a), int(b)) for a, b in zip(sizes[:-1], sizes[1:])}
    shape = (int(found[1]), int(found[2]))
    return shape not in layers and shape[::-1] not in layers


def _reference(arrays: dict, obs: np.ndarray) -> np.ndarray:
    """The right actions, from the package's own network."""
    from ..network import MLP

    kept = {k: tuple(arrays[k]) for k in ("obs_mean", "obs_std", "action_low", "action_high")}
    policy = MLP(tuple(arrays["layer_sizes"]), "tanh", "tanh", **kept)
    return policy.act(arrays["params"], obs)


def _walk(
    arrays: dict,
    obs: np.ndarray,
    last_tanh=True,
    transposed=False,
    bias_first=False,
    hidden=np.tanh,
    halved=False,
    normalize=True,
    scale=True,
    skip_bias=True,
) -> np.ndarray:
    """The agent's actions, with one of the usual slips made on purpose (for hints)."""
    x = (obs - arrays["obs_mean"]) / arrays["obs_std"] if normalize else obs
    params, start = arrays["params"], 0
    sizes = [int(n) for n in arrays["layer_sizes"]]
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if bias_first:
            b = params[start : start + n_out]
            W = params[start + n_out : start + n_out + n_in * n_out].reshape(n_in, n_out)
        elif transposed:
            W = params[start : start + n_in * n_out].reshape(n_out, n_in).T
            b = params[start + n_in * n_out : start + n_in * n_out + n_out]
        else:
            W = params[start : start + n_in * n_out].reshape(n_in, n_out)
            b = params[start + n_in * n_out : start + n_in * n_out + n_out]
        start += n_in * n_out + (n_out if skip_bias else 0)
        x = x @ W + b
        last = i == len(sizes) - 2
        x = (np.tanh(x) if last_tanh else x) if last else hidden(x)
    if not scale:
        return x
    low, high = arrays["action_low"], arrays["action_high"]
    return low + (x + 1) * (high - low) if halved else low + (x + 1) / 2 * (high - low)


def check_act_from_file(act_from_file: Callable) -> bool:
    """`act_from_file(arrays, obs)`: a saved tanh agent's actions for a batch of obs."""
    rng = np.random.default_rng(0)
    arrays = _agent_arrays(rng)
    obs = rng.normal(0, 2, (6, 3))
    expected = _reference(arrays, obs)
    got, problem = call(act_from_file, {k: v.copy() for k, v in arrays.items()}, obs.copy())
    if problem and _fixed_sizes(problem, arrays["layer_sizes"]):
        return fail(
            f"{problem} This agent file is not the lander's: read the layer sizes from the "
            "file, arrays['layer_sizes'] (here [3, 5, 4, 2]), not fixed numbers; the check "
            "also tries another network size."
        )
    if shape_error(problem):
        return fail(
            f"{problem} Shapes: obs is (batch, n_obs), here (6, 3); each W is (n_in, n_out), "
            "the first (3, 5); each b is (n_out,). The batch goes first, h @ W + b: (6, 3) @ "
            "(3, 5) -> (6, 5), then (6, 5) @ (5, 4), and so on to (6, 2). W @ h, or W read as "
            "(n_out, n_in), does not line up."
        )
    if problem is None:
        problem = list_instead_of_array(got, "act_from_file returned", expected)
    if problem is None:
        got, problem = as_array(got, "act_from_file")
    if problem:
        return fail(problem)
    if got.shape != expected.shape:
        return fail(
            f"for 6 observations and 2 actions, expected shape {expected.shape}; got "
            f"{got.shape}. Keep the batch axis: obs @ W works on all rows at once."
        )
    if np.allclose(got, expected):
        single, problem = call(act_from_file, arrays, obs[0])
        if problem is None:
            single, problem = as_array(single, "act_from_file", (2,))
        if problem:
            return fail(f"for one observation of shape (3,): {problem}")
        if not np.allclose(single, expected[0]):
            return fail("right for a batch, wrong for one observation of shape (3,).")
        other = _other_agent_arrays(rng)
        other_obs = rng.normal(0, 2, (4, 2))
        got, problem = call(act_from_file, {k: v.copy() for k, v in other.items()}, other_obs)
        if problem is None:
            got, problem = as_array(got, "act_from_file", (4, 3))
        if problem or not np.allclose(got, _reference(other, other_obs)):
            return fail(
                "right for this agent file, but not for another with layer sizes [2, 6, 3]: "
                "read the sizes from arrays['layer_sizes'] and walk every layer, not fixed "
                "numbers." + (f" There, {problem}" if problem else "")
            )
        return report(
            [],
            "that is all an agent file needs to run: np.load, then a few lines of NumPy.",
        )
    hints = [
        (_walk(arrays, obs, normalize=False), "the observations are not normalised: "
         "start with (obs - obs_mean) / obs_std."),
        (_walk(arrays, obs, scale=False), "the actions are still in (-1, 1): scale them "
         "to [action_low, action_high], low + (a + 1) / 2 * (high - low)."),
        (_walk(arrays, obs, last_tanh=False), "the last layer has no tanh: squash it into "
         "(-1, 1) with np.tanh before scaling, as for every other layer."),
        (_walk(arrays, obs, transposed=True), "each W is read transposed: the next n_in * "
         "n_out numbers reshaped to (n_in, n_out), so that obs @ W works (not (n_out, n_in))."),
        (_walk(arrays, obs, bias_first=True), "the bias is read before the weights: each layer "
         "stores W (n_in * n_out numbers) first, then b (n_out)."),
        (_walk(arrays, obs, hidden=lambda x: np.maximum(x, 0)), "the hidden layers use ReLU: "
         "this agent file's layers all use tanh."),
        (_walk(arrays, obs, halved=True), "the scaling is off: low + (a + 1) / 2 * (high - "
         "low) maps -1 to low and 1 to high."),
        (_walk(arrays, obs, skip_bias=False), "after each layer's b, move on past it too: "
         "the next layer's W starts n_in * n_out + n_out numbers after this one's."),
    ]  # fmt: skip
    for wrong, hint in hints:
        if wrong.shape == got.shape and np.allclose(got, wrong):
            return fail(hint)
    return fail(
        "the actions differ. Walk the layers in order: W is the next n_in * n_out numbers "
        "reshaped to (n_in, n_out), then b is the next n_out; tanh after every layer, the "
        "last one included, then scale."
    )


def check_episodes_needed(episodes_needed: Callable) -> bool:
    """`episodes_needed(std, margin)`: episodes for a standard error of at most `margin`."""
    cases = [
        (100.0, 5.0, 400),
        (100.0, 10.0, 100),
        (60.0, 20.0, 9),
        (50.0, 20.0, 7),
        (10.0, 50.0, 1),
    ]
    for std, margin, expected in cases:
        got, problem = call(episodes_needed, std, margin)
        if problem is None and isinstance(got, (list, tuple)):
            problem = (
                f"episodes_needed returned a {type(got).__name__}; return one number, the "
                "count of episodes."
            )
        if problem is None:
            got, problem = as_array(got, "episodes_needed", ())
        if problem:
            return fail(problem)
        if got == expected:
            continue
        exact = (std / margin) ** 2
        if exact != int(exact) and got in (round(exact), int(exact)):
            return fail(
                f"episodes_needed({std:g}, {margin:g}) gave {float(got):g}, but (std / margin)**2 "
                f"is {exact:g}, and {float(got):g} episodes leave the standard error above the "
                f"margin ({std / np.sqrt(got):.1f} > {margin:g}). Round *up*, with np.ceil: "
                "round() and int() can round down."
            )
        if exact == int(exact) and got == exact + 1:
            return fail(
                f"episodes_needed({std:g}, {margin:g}) gave {float(got):g}: with {exact:g} "
                f"episodes the standard error is exactly {margin:g}, and 'at most' allows that. "
                "Use <= (or np.ceil of (std / margin)**2), not a strict <."
            )
        if np.isclose(got, exact):
            return fail(
                f"episodes_needed({std:g}, {margin:g}) gave {float(got):g}: round up to a whole "
                "number of episodes (np.ceil), since a fraction of an episode cannot be played."
            )
        if np.isclose(got, np.ceil(std / margin**2)) or np.isclose(got, std / margin**2):
            return fail(
                f"episodes_needed({std:g}, {margin:g}) gave {float(got):g}, std / margin**2: "
                "** binds tighter than /, so only the margin was squared. Square the ratio: "
                "(std / margin) ** 2."
            )
        if np.isclose(got, np.ceil((margin / std) ** 2)) or np.isclose(got, (margin / std) ** 2):
            return fail(
                f"episodes_needed({std:g}, {margin:g}) gave {float(got):g}: std / sqrt(n) <= "
                "margin means sqrt(n) >= std / margin, so n = (std / margin) ** 2, not "
                "(margin / std) ** 2."
            )
        if np.isclose(got, np.ceil(std / margin)):
            return fail(
                f"episodes_needed({std:g}, {margin:g}) gave {float(got):g}: the standard error "
                "is std / sqrt(n), so n grows with the *square* of std / margin."
            )
        return fail(f"episodes_needed({std:g}, {margin:g}) should be {expected}; got {got}.")
    return report([], "halving the noise in a score costs four times the episodes.")


def check_merge_stats(merge_stats: Callable) -> bool:
    """`merge_stats(a, b)`: (count, mean, var) of two batches together, from their own."""
    rng = np.random.default_rng(0)
    first, second = rng.normal(3, 2, (50, 4)), rng.normal(-1, 0.5, (20, 4))
    a = (len(first), first.mean(axis=0), first.var(axis=0))
    b = (len(second), second.mean(axis=0), second.var(axis=0))
    both = np.concatenate([first, second])
    got, problem = call(merge_stats, a, b)
    if problem:
        return fail(problem)
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        return fail("return three things, as a tuple: (count, mean, var).")
    count, mean, var = got
    if count != len(both):
        return fail(f"the count should be {len(both)}, the two counts added; got {count}.")
    problem = list_instead_of_array(mean, "merge_stats returned its mean as")
    if problem is None:
        mean, problem = as_array(mean, "the mean", (4,))
    if problem:
        return fail(problem)
    if not np.allclose(mean, both.mean(axis=0)):
        if np.allclose(mean, (a[1] + b[1]) / 2):
            return fail("the mean is the plain average of the two means: weight each by its count.")
        return fail("the mean is wrong: (count_a * mean_a + count_b * mean_b) / count.")
    problem = list_instead_of_array(var, "merge_stats returned its variance as")
    if problem is None:
        var, problem = as_array(var, "the variance", (4,))
    if problem:
        return fail(problem)
    if not np.allclose(var, both.var(axis=0)):
        pooled = (a[0] * a[2] + b[0] * b[2]) / len(both)
        between = a[0] * b[0] / len(both) * (a[1] - b[1]) ** 2
        if np.allclose(var, pooled + between):
            return fail(
                "the term for the spread between the batches is too large: it too is divided "
                "by count, count_a * count_b / count**2 * (mean_a - mean_b) ** 2."
            )
        if np.allclose(var, (a[2] + b[2]) / 2):
            return fail(
                "that is the plain average of the two variances: weight each by its count, and "
                "add the spread between the two means, count_a * count_b / count**2 * "
                "(mean_a - mean_b) ** 2."
            )
        if np.allclose(var, pooled):
            return fail(
                "the variance misses the spread *between* the two batches: add "
                "count_a * count_b / count * (mean_a - mean_b) ** 2, divided by count."
            )
        if np.allclose(var, both.var(axis=0, ddof=1), rtol=0.02) or np.allclose(
            var, pooled * len(both) / (len(both) - 1), rtol=0.02
        ):
            return fail(
                "the variance is off by a few percent: is there a count - 1 (ddof=1) somewhere? "
                "The variances here are np.var's default, the mean square deviation (divide by "
                "the count, ddof=0), and so should the merged one be."
            )
        return fail(
            "the variance is wrong. Add the two batches' squared deviations, each about its own "
            "mean (count_a * var_a + count_b * var_b), the spread between the batches "
            "(count_a * count_b / count * (mean_a - mean_b) ** 2), and divide by count; compare "
            "with np.var of both batches together."
        )
    return report(
        [],
        "statistics kept this way can be updated after every generation without storing a "
        "single observation.",
    )

"""Checks for the exercises of 01_activation_functions.

Each check calls the learner's function on a few chosen inputs, in order, and stops at
the first input that goes wrong: it prints that input, what was expected, what came back
and a hint, and returns False. It never raises.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import call, not_an_array, report


def _show(a) -> str:
    """A short one-line text form of an array for messages."""
    text = np.array2string(np.asarray(a, dtype=float), precision=4, separator=", ")
    return " ".join(text.split())


def _compare(label: str, got, expected: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """(got as a float array, None) when it matches `expected`, else (array or None, why)."""
    problem = not_an_array(
        got, "your function", "NumPy's functions (np.where, np.tanh, ...) return one."
    )
    if problem:
        return None, f"{label}: {problem}"
    try:
        arr = np.asarray(got, dtype=float)
    except Exception:  # a string, None, a ragged list...: say so rather than raise
        return None, f"{label}: returned {got!r}, which is not an array of numbers."
    if arr.shape != expected.shape:
        return None, (
            f"{label}: expected an array of shape {expected.shape}, got shape {arr.shape}. "
            "Work element by element (or along the last axis) and keep the input's shape."
        )
    if not np.allclose(arr, expected, rtol=1e-6, atol=1e-9):
        return arr, f"{label}: expected {_show(expected)}, got {_show(arr)}."
    return arr, None


def _error_hint(label: str, error: str, numpy_fn: str = "np.exp") -> str:
    """The message of an error raised by the learner's function, with a hint; `numpy_fn`
    names the NumPy function the exercise needs in place of the `math` module's."""
    if "not written yet" in error:
        return error + " Replace `raise NotImplementedError` with your code."
    message = f"{label}: {error}"
    if "truth value" in error:
        message += (
            " Python's `if`, `max` and `min` see a whole array at once; use NumPy's "
            "element-wise np.where, np.maximum or np.minimum instead."
        )
    elif "converted to Python scalars" in error:  # math.tanh(array), math.exp(array)
        message += f" Use {numpy_fn}: math functions take one number, not an array."
    return message


def _unchanged(label: str, given: np.ndarray, original: np.ndarray, how: str) -> str | None:
    """None if the learner's function left its input as it was; else what it did, and `how`
    to avoid it."""
    if np.array_equal(given, original):
        return None
    return (
        f"{label}: your function changed the array it was given, from {_show(original)} "
        f"to {_show(given)}. {how} Leave the input alone: the caller may still need it."
    )


# Exercise 1 -------------------------------------------------------------------------


def _leaky_relu(x: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    return np.where(x > 0, x, alpha * x)


def check_leaky_relu(fn: Callable) -> bool:
    """Check `fn(x, alpha=0.01)`: x where x > 0, alpha * x elsewhere, element by element."""
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    x2d = np.array([[-2.0, 0.5, 3.0], [1.0, -0.5, 0.0]])
    cases = [("leaky_relu(x)", x, {}), ("leaky_relu(x, alpha=0.2)", x, {"alpha": 0.2})]
    cases.append(("leaky_relu(x, alpha=0.1) on a (2, 3) array", x2d, {"alpha": 0.1}))
    problems = []
    with np.errstate(all="ignore"):
        for label, xs, kwargs in cases:
            alpha = kwargs.get("alpha", 0.01)
            given = xs.copy()
            got, error = call(fn, given, **kwargs)
            if error:
                problems.append(_error_hint(label, error))
                break
            arr, why = _compare(f"{label} with x = {_show(xs)}", got, _leaky_relu(xs, alpha))
            if arr is not None and why:
                if np.allclose(arr, np.maximum(xs, 0.0)):
                    why += " That is plain ReLU: negative inputs should become alpha * x, not 0."
                elif np.allclose(arr, alpha * xs):
                    why += " Positive inputs should pass through unchanged; only negatives * alpha."
                elif np.allclose(arr, _leaky_relu(xs)):
                    why += f" Use the `alpha` argument (here {alpha}) instead of a fixed 0.01."
            if why:
                problems.append(why)
            changed = _unchanged(label, given, xs, "Return a new array (np.where builds one).")
            if changed:
                problems.append(changed)
            if problems:
                break
    return report(problems, "leaky_relu keeps positives and scales negatives by alpha.")


# Exercise 2 -------------------------------------------------------------------------


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def check_log_softmax(fn: Callable) -> bool:
    """Check `fn(z)`: log(softmax(z)) along the last axis, finite even for huge logits."""
    cases = [
        ("small logits", np.array([1.0, 2.0, 3.0])),
        ("huge logits", np.array([1000.0, 0.0])),
        ("a batch of 2 rows", np.array([[1000.0, 0.0], [0.0, -5.0]])),
    ]
    problems = []
    with np.errstate(all="ignore"):
        for label, z in cases:
            given = z.copy()
            got, error = call(fn, given)
            if error:
                problems.append(_error_hint(label, error, "np.exp and np.log"))
                break
            changed = _unchanged(
                label,
                given,
                z,
                "An in-place update such as `z -= np.max(...)` writes into the caller's "
                "array; use a new name: shifted = z - np.max(z, axis=-1, keepdims=True).",
            )
            if changed:
                problems.append(changed)
                break
            arr, why = _compare(f"{label}, z = {_show(z)}", got, _log_softmax(z))
            shifted = z - np.max(z, axis=-1, keepdims=True)
            log_sum = np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
            if arr is not None and why:  # arr has z's shape here
                if np.allclose(arr, -_log_softmax(z)):
                    why += (
                        " That is minus the answer: the signs are flipped. "
                        "log_softmax(z) = (z - m) - log(sum(exp(z - m))), m = max(z); "
                        "every entry is <= 0, the log of a probability."
                    )
                elif np.allclose(arr, shifted + log_sum):
                    why += (
                        " Subtract the log of the sum, do not add it: "
                        "(z - m) - log(sum(exp(z - m))). Every entry should be <= 0."
                    )
                elif np.allclose(arr, shifted):
                    why += (
                        " That is only z - max(z), the shift. Also subtract the log of the "
                        "normaliser, log(sum(exp(z - m))), so that the exps of the results "
                        "sum to 1."
                    )
                elif np.any(np.isnan(arr)):
                    why += (
                        " A nan means exp overflowed (exp(1000) is inf, and inf / inf is "
                        "nan): subtract the largest logit before calling np.exp."
                    )
                elif np.any(np.isneginf(arr)):
                    why += (
                        " A -inf means the log of a probability that underflowed to 0 "
                        "(exp(-1000) is 0.0 in float64). Stay in log space: "
                        "log_softmax(z) = (z - m) - log(sum(exp(z - m))) with m = max(z)."
                    )
                elif z.ndim == 2:
                    why += (
                        " Each row is its own softmax: take the max and the sum along the "
                        "last axis, with axis=-1 and keepdims=True."
                    )
            if why:
                problems.append(why)
                break
    return report(problems, "log_softmax stays finite and exact even for logits of 1000.")


# Exercise 3 -------------------------------------------------------------------------


def _squash_action(x: np.ndarray, low, high) -> np.ndarray:
    return low + (np.tanh(x) + 1.0) / 2.0 * (np.asarray(high) - low)


def check_squash_action(fn: Callable) -> bool:
    """Check `fn(x, low, high)`: low + (tanh(x) + 1) / 2 * (high - low), with broadcasting."""
    x = np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])
    x_batch = np.array([[-1000.0, -1000.0], [0.0, 0.0], [1000.0, 1.0]])
    low_batch, high_batch = np.array([-1.0, 0.0]), np.array([1.0, 10.0])  # one per action dim
    cases = [
        ("Pendulum's torque range low=-2, high=2", x, -2.0, 2.0),
        ("the range low=0, high=1", x, 0.0, 1.0),
        ("a (3, 2) batch, low=[-1, 0], high=[1, 10]", x_batch, low_batch, high_batch),
    ]
    problems = []
    with np.errstate(all="ignore"):
        for label, xs, low, high in cases:
            got, error = call(fn, xs.copy(), low, high)
            if error:
                problems.append(_error_hint(label, error, "np.tanh"))
                break
            arr, why = _compare(f"{label}, x = {_show(xs)}", got, _squash_action(xs, low, high))
            if arr is not None and why:
                lo, hi = np.broadcast_to(low, xs.shape), np.broadcast_to(high, xs.shape)
                zero = xs == 0.0
                if np.any(arr < lo - 1e-9) or np.any(arr > hi + 1e-9):
                    why += (
                        " Some actions fall outside [low, high]. tanh gives (-1, 1): shift it "
                        "to (0, 1) with (tanh(x) + 1) / 2, then scale by (high - low) and add "
                        "low. (ReLU, or no activation at all, cannot keep an action bounded.)"
                    )
                elif np.allclose(arr, np.clip(xs, lo, hi)):
                    why += (
                        " Clipping is bounded but flat: every output beyond the bounds gives "
                        "the same action, so a mutation there changes nothing. Use tanh, "
                        "which is bounded and strictly increasing."
                    )
                elif np.allclose(arr, lo + (hi - lo) / (1.0 + np.exp(-xs))):
                    why += " That is a sigmoid; this exercise asks for tanh: (tanh(x) + 1) / 2."
                elif not np.allclose(arr[zero], ((lo + hi) / 2.0)[zero]):
                    why += (
                        " An output of 0 should give the middle of the range, (low + high) / 2:"
                        " shift tanh's (-1, 1) to (0, 1) before scaling by (high - low)."
                    )
                else:
                    why += " Expected low + (tanh(x) + 1) / 2 * (high - low)."
            if why:
                problems.append(why)
                break
    return report(problems, "squash_action maps any network output into [low, high].")

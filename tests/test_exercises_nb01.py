"""The checks of 01_activation_functions accept right answers and explain typical wrong ones."""

import math

import numpy as np
import pytest

from neuroevo_helpers import sigmoid, softmax
from neuroevo_helpers.exercises.nb01 import check_leaky_relu, check_log_softmax, check_squash_action


def not_written(*args, **kwargs):
    raise NotImplementedError


def returns_text(*args, **kwargs):
    return "hello"


def leaky_relu_right(x, alpha=0.01):
    return np.where(x > 0, x, alpha * x)


def leaky_relu_also_right(x, alpha=0.01):
    return np.maximum(x, alpha * x)  # the same for 0 <= alpha <= 1


def leaky_relu_in_place(x, alpha=0.01):
    x[x < 0] *= alpha
    return x


def log_softmax_right(z):
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def log_softmax_global_max(z):
    shifted = z - np.max(z)  # one max for the whole batch
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def log_softmax_in_place(z):
    z -= np.max(z, axis=-1, keepdims=True)  # changes the caller's array
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def log_softmax_signs_flipped(z):
    return -log_softmax_right(z)


def log_softmax_adds_the_log_sum(z):
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted + np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def squash_with_math_tanh(x, low, high):
    return low + (math.tanh(x) + 1.0) / 2.0 * (high - low)


def squash_right(x, low, high):
    return low + (np.tanh(x) + 1.0) / 2.0 * (high - low)


@pytest.mark.parametrize(
    "check, answer",
    [
        (check_leaky_relu, leaky_relu_right),
        (check_leaky_relu, leaky_relu_also_right),
        (check_log_softmax, log_softmax_right),
        (check_squash_action, squash_right),
    ],
)
def test_right_answers_pass(check, answer, capsys):
    assert check(answer) is True
    assert capsys.readouterr().out.startswith("Correct!")


WRONG = [
    (check_leaky_relu, not_written, "not written yet"),
    (check_leaky_relu, returns_text, "returned a str; return a NumPy array"),
    (check_leaky_relu, lambda x, alpha=0.01: np.maximum(x, 0.0), "plain ReLU"),
    (check_leaky_relu, lambda x, alpha=0.01: np.where(x > 0, x, 0.01 * x), "`alpha` argument"),
    (check_leaky_relu, lambda x, alpha=0.01: alpha * x, "pass through unchanged"),
    (check_leaky_relu, lambda x, alpha=0.01: max(x, alpha * x), "np.where"),
    (check_leaky_relu, leaky_relu_in_place, "changed the array it was given"),
    (check_leaky_relu, lambda x, alpha=0.01: leaky_relu_right(x).tolist(), "returned a list"),
    (check_log_softmax, lambda z: None, "forget the `return`"),
    (check_log_softmax, lambda z: tuple(log_softmax_right(z)), "returned a tuple; return a"),
    (check_squash_action, lambda x, low, high: list(squash_right(x, low, high)), "NumPy array"),
    (check_log_softmax, not_written, "not written yet"),
    (check_log_softmax, lambda z: np.log(softmax(z)), "underflowed to 0"),
    (check_log_softmax, lambda z: np.log(np.exp(z) / np.sum(np.exp(z))), "exp overflowed"),
    (check_log_softmax, log_softmax_global_max, "axis=-1"),
    (check_log_softmax, lambda z: z - np.max(z), "expected"),
    (check_log_softmax, lambda z: z - np.max(z), "That is only z - max(z), the shift"),
    (check_log_softmax, log_softmax_in_place, "changed the array it was given"),
    (check_log_softmax, log_softmax_in_place, "z -= np.max(...)"),
    (check_log_softmax, log_softmax_signs_flipped, "the signs are flipped"),
    (check_log_softmax, log_softmax_adds_the_log_sum, "Subtract the log of the sum"),
    (check_log_softmax, lambda z: math.exp(z), "Use np.exp and np.log: math functions take"),
    (check_squash_action, squash_with_math_tanh, "Use np.tanh: math functions take one number"),
    (check_log_softmax, lambda z: np.zeros(4), "shape"),
    (check_squash_action, not_written, "not written yet"),
    (check_squash_action, lambda x, low, high: high * np.tanh(x), "outside [low, high]"),
    (check_squash_action, lambda x, low, high: np.clip(x, low, high), "Clipping"),
    (check_squash_action, lambda x, low, high: low + (high - low) * sigmoid(x), "sigmoid"),
    (check_squash_action, lambda x, low, high: np.maximum(x, 0.0), "outside [low, high]"),
    (check_squash_action, lambda x, low, high: low + np.tanh(x) * (high - low), "outside"),
]


@pytest.mark.parametrize(
    "check, answer, hint", WRONG, ids=[f"{check.__name__}: {hint}" for check, _, hint in WRONG]
)
def test_wrong_answers_fail_with_a_helpful_message(check, answer, hint, capsys):
    assert check(answer) is False  # and does not raise
    out = capsys.readouterr().out
    assert out.startswith("Not yet:")
    assert hint in out


def test_checks_stay_quiet_about_numpy_warnings():
    # A naive answer overflows inside the check; the learner sees the message, not warnings.
    with np.errstate(all="raise"):
        assert check_log_softmax(lambda z: np.log(np.exp(z) / np.sum(np.exp(z)))) is False

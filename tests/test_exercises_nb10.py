"""The checks of 10_cma_es_and_ars's exercises: right answers pass, the usual slips are named."""

import numpy as np

from neuroevo_helpers.exercises.nb10 import (
    _ars_step,
    check_ars_step,
    check_new_sigma,
    check_top_directions,
)


def chi(n):
    return np.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n**2))


def new_sigma(sigma, p, c, d):
    return sigma * np.exp(c / d * (np.linalg.norm(p) / chi(len(p)) - 1))


def test_new_sigma(capsys):
    assert check_new_sigma(new_sigma)
    assert "Correct!" in capsys.readouterr().out
    slips = {
        "the -1 is missing": lambda s, p, c, d: s * np.exp(c / d * np.linalg.norm(p) / chi(len(p))),
        "squared length": lambda s, p, c, d: s * np.exp(c / d * (p @ p / chi(len(p)) - 1)),
        "upside down": lambda s, p, c, d: s * np.exp(d / c * (np.linalg.norm(p) / chi(len(p)) - 1)),
        "a little less than sqrt(n)": lambda s, p, c, d: (
            s * np.exp(c / d * (np.linalg.norm(p) / np.sqrt(len(p)) - 1))
        ),
        "not the factor": lambda s, p, c, d: np.exp(c / d * (np.linalg.norm(p) / chi(len(p)) - 1)),
        "one number": lambda s, p, c, d: s * np.exp(c / d * (p / chi(len(p)) - 1)),
        "not written yet": lambda s, p, c, d: (_ for _ in ()).throw(NotImplementedError),
        "forget the `return`": lambda s, p, c, d: None,
        "sign is flipped": lambda s, p, c, d: (
            s * np.exp(c / d * (1 - np.linalg.norm(p) / chi(len(p))))
        ),
        "exp is missing": lambda s, p, c, d: s * (c / d * (np.linalg.norm(p) / chi(len(p)) - 1)),
        "linearised": lambda s, p, c, d: s * (1 + c / d * (np.linalg.norm(p) / chi(len(p)) - 1)),
        "as a ratio": lambda s, p, c, d: s * np.exp(c * d * (np.linalg.norm(p) / chi(len(p)) - 1)),
    }
    for words, wrong in slips.items():
        assert not check_new_sigma(wrong)
        assert words in capsys.readouterr().out, words

    def in_place(s, p, c, d):
        p *= 2
        return new_sigma(s, p, c, d)

    assert not check_new_sigma(in_place)
    assert "in place" in capsys.readouterr().out

    from scipy.special import gammaln

    def exact(s, p, c, d):  # the exact E||N(0, I)||, or the approximation without its last term
        n = len(p)
        expected = np.sqrt(2) * np.exp(gammaln((n + 1) / 2) - gammaln(n / 2))
        return np.array([s * np.exp(c / d * (np.linalg.norm(p) / expected - 1))])

    def shorter(s, p, c, d):
        n = len(p)
        return s * np.exp(c / d * (np.linalg.norm(p) / (np.sqrt(n) * (1 - 1 / (4 * n))) - 1))

    assert check_new_sigma(exact) and check_new_sigma(shorter)  # a (1,) array is one number


def test_top_directions(capsys):
    assert check_top_directions(lambda rp, rm, b: np.argsort(-np.maximum(rp, rm))[:b])
    assert "Correct!" in capsys.readouterr().out

    def looped(rp, rm, b):
        best = [max(p, m) for p, m in zip(rp, rm)]
        return np.argsort(best)[::-1][:b]

    assert check_top_directions(looped)
    assert "np.argsort" in capsys.readouterr().out
    slips = {
        "*worst*": lambda rp, rm, b: np.argsort(np.maximum(rp, rm))[:b],
        "r_plus alone": lambda rp, rm, b: np.argsort(-rp)[:b],
        "r_plus - r_minus": lambda rp, rm, b: np.argsort(-(rp - rm))[:b],
        "|r_plus - r_minus|": lambda rp, rm, b: np.argsort(-np.abs(rp - rm))[:b],
        "*indices*": lambda rp, rm, b: np.sort(np.maximum(rp, rm))[-b:],
        "shape (4,)": lambda rp, rm, b: np.argsort(-np.maximum(rp, rm))[: b + 1],
        "NumPy array": lambda rp, rm, b: list(np.argsort(-np.maximum(rp, rm))[:b]),
    }
    for words, wrong in slips.items():
        assert not check_top_directions(wrong)
        assert words in capsys.readouterr().out, words


def test_ars_step(capsys):
    def right(theta, deltas, rp, rm, b, lr):
        return _ars_step(theta, deltas, rp, rm, b, lr)

    assert check_ars_step(right)
    assert "Correct!" in capsys.readouterr().out
    for slip, words in {
        "all directions": "every direction",
        "std of all": "*top* directions only",
        "no std": "divide the step by sigma_R",
        "ddof": "ddof=1",
        "divide by N": "divide by b",
        "sign": "*towards*",
        "all directions, over b": "take sigma_R from their 2b returns",
        "all directions, top sigma": "the same ones whose returns give sigma_R",
        "first b": "deltas[:b]",
        "std of differences": "not of their differences",
        "std of plus": "not r_plus alone",
    }.items():
        assert not check_ars_step(lambda *a, slip=slip: _ars_step(*a, slip=slip))
        assert words in capsys.readouterr().out, slip

    def step_only(theta, deltas, rp, rm, b, lr):
        return right(theta, deltas, rp, rm, b, lr) - theta

    assert not check_ars_step(step_only)
    assert "not the step alone" in capsys.readouterr().out

    def transposed(theta, deltas, rp, rm, b, lr):
        top = np.argsort(-np.maximum(rp, rm))[:b]
        return theta + lr * (deltas[top].T @ (rp - rm)[top][None])

    assert not check_ars_step(transposed)
    assert "Shapes" in capsys.readouterr().out or "shape" in capsys.readouterr().out

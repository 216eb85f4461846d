"""The checks of 06_evolution_strategies' exercises."""

import numpy as np

from neuroevo_helpers import centered_ranks
from neuroevo_helpers.exercises.nb06 import check_centered_ranks, check_es_gradient


def by_position(fitness):
    ranks = np.empty(len(fitness))
    ranks[np.argsort(fitness, kind="stable")] = np.arange(len(fitness))
    return ranks


def test_centered_ranks_right_and_wrong(capsys):
    assert check_centered_ranks(centered_ranks)
    assert "Correct!" in capsys.readouterr().out
    assert not check_centered_ranks(lambda f: by_position(f) / (len(f) - 1) - 0.5)
    assert "average of the ranks" in capsys.readouterr().out
    assert not check_centered_ranks(by_position)
    assert "divide by n - 1 and subtract 0.5" in capsys.readouterr().out
    assert not check_centered_ranks(lambda f: by_position(f) / len(f) - 0.5)
    assert "not n" in capsys.readouterr().out
    assert not check_centered_ranks(lambda f: -centered_ranks(f))
    assert "reversed" in capsys.readouterr().out
    assert not check_centered_ranks(lambda f: np.argsort(f, kind="stable") / (len(f) - 1) - 0.5)
    assert "not each sample's rank" in capsys.readouterr().out


def gradient(fitness_fn, center, sigma, eps, baseline=True, divide=lambda n, s: n * s):
    fitness = fitness_fn(center + sigma * eps)
    if baseline:
        fitness = fitness - fitness.mean()
    return fitness @ eps / divide(len(eps), sigma)


def test_es_gradient_right_and_wrong(capsys):
    assert check_es_gradient(gradient)
    assert "Correct!" in capsys.readouterr().out
    assert not check_es_gradient(lambda *a: gradient(*a, baseline=False))
    assert "mean fitness" in capsys.readouterr().out
    assert not check_es_gradient(lambda *a: gradient(*a, divide=lambda n, s: n))
    assert "not just n" in capsys.readouterr().out
    assert not check_es_gradient(lambda *a: gradient(*a, divide=lambda n, s: n * s**2))
    assert "sigma²" in capsys.readouterr().out


def test_checks_never_raise_on_odd_answers(capsys):
    assert not check_centered_ranks(lambda f: None)
    assert "forget the `return`" in capsys.readouterr().out
    assert not check_centered_ranks(lambda f: f[:2])
    assert "expected (5,)" in capsys.readouterr().out
    assert not check_es_gradient(lambda *a: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not check_es_gradient(lambda f, c, s, e: np.zeros(7))
    assert "expected (3,)" in capsys.readouterr().out


def test_more_typical_mistakes_get_a_hint(capsys):
    def unstable(f):  # argsort of argsort: ties in whatever order the sort leaves them
        ranks = np.argsort(np.argsort(-np.asarray(f)))[::-1].astype(float)
        return np.argsort(np.argsort(f, kind="quicksort")) / (len(f) - 1) - 0.5 + 0 * ranks

    assert not check_centered_ranks(unstable)
    assert "average of the ranks" in capsys.readouterr().out

    def no_sigma_inside(fitness_fn, center, sigma, eps):
        fitness = fitness_fn(center + eps)
        return (fitness - fitness.mean()) @ eps / (len(eps) * sigma)

    assert not check_es_gradient(no_sigma_inside)
    assert "not center + eps" in capsys.readouterr().out

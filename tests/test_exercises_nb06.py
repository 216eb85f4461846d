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
    assert "gives the *order* of the samples" in capsys.readouterr().out


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
    assert "expected (6,)" in capsys.readouterr().out
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


def test_centered_ranks_names_order_versus_rank(capsys):
    # argsort once, with any tie-breaking and any scaling: the order, not the ranks
    for kind in ("quicksort", "stable"):
        assert not check_centered_ranks(
            lambda f, k=kind: np.argsort(f, kind=k) / (len(f) - 1) - 0.5
        )
        out = capsys.readouterr().out
        assert (
            "gives the *order* of the samples" in out and "np.argsort(np.argsort(fitness))" in out
        )
        assert "tie" not in out  # not mistaken for a problem with ties
    assert not check_centered_ranks(lambda f: np.argsort(f) / len(f) - 0.5)
    out = capsys.readouterr().out
    assert "*order*" in out and "by n - 1, not n" in out
    assert not check_centered_ranks(lambda f: np.argsort(-f) / (len(f) - 1) - 0.5)
    out = capsys.readouterr().out
    assert "*order*" in out and "not -fitness" in out


def test_centered_ranks_names_the_scaling_slips(capsys):
    n_minus_1 = lambda f: len(f) - 1  # noqa: E731
    slips = [
        (lambda f: by_position(f) / len(f) - 0.5, "by n - 1, not n"),  # n instead of n - 1
        (lambda f: by_position(f) / n_minus_1(f), "subtract 0.5 to centre them"),  # in [0, 1]
        (lambda f: by_position(f), "unscaled: divide by n - 1 and subtract 0.5"),
        (lambda f: by_position(-f) / n_minus_1(f) - 0.5, "reversed"),  # descending ranks
        (lambda f: (by_position(f) + 1) / n_minus_1(f) - 0.5, "ranks start at 1"),
        (lambda f: (by_position(f) + 1) / len(f) - 0.5, "ranks start at 1"),
        (lambda f: (f - f.min()) / (f.max() - f.min()) - 0.5, "rescales the fitness values"),
        (lambda f: np.sort(centered_ranks(f)), "in sorted order"),
    ]
    for slip, hint in slips:
        assert not check_centered_ranks(slip)
        assert hint in capsys.readouterr().out, hint


def test_centered_ranks_refuses_lists_fixed_sizes_and_changed_input(capsys):
    assert not check_centered_ranks(lambda f: list(centered_ranks(f)))
    out = capsys.readouterr().out
    assert "returned a list; return a NumPy array" in out and "numbers in it are right" in out

    def sorts_in_place(fitness):
        fitness.sort()
        return np.arange(len(fitness)) / (len(fitness) - 1) - 0.5

    assert not check_centered_ranks(sorts_in_place)
    assert "changed the fitness array" in capsys.readouterr().out
    assert not check_centered_ranks(lambda f: by_position(f) / 5 - 0.5)  # n fixed to 6
    assert "not for 9" in capsys.readouterr().out

    def lowest_rank_for_ties(fitness):
        ranks = np.searchsorted(np.sort(fitness), fitness)  # a tie gets the first rank it spans
        return ranks / (len(fitness) - 1) - 0.5

    assert not check_centered_ranks(lowest_rank_for_ties)
    assert "the lowest of the ranks" in capsys.readouterr().out


def test_es_gradient_explains_shape_errors(capsys):
    def times(fitness_fn, center, sigma, eps):  # (n,) * (n, n_params): cannot broadcast
        fitness = fitness_fn(center + sigma * eps)
        return ((fitness - fitness.mean()) * eps).sum(axis=0) / (len(eps) * sigma)

    assert not check_es_gradient(times)
    out = capsys.readouterr().out
    assert "broadcast" in out and "(500,) times (500, 3)" in out and "fitness[:, None]" in out

    def noise_first(fitness_fn, center, sigma, eps):  # (n, n_params) @ (n,): sizes mismatch
        fitness = fitness_fn(center + sigma * eps)
        return eps @ (fitness - fitness.mean()) / (len(eps) * sigma)

    assert not check_es_gradient(noise_first)
    out = capsys.readouterr().out
    assert "inner sizes to match" in out and "eps.T @ fitness" in out

    def per_sample(fitness_fn, center, sigma, eps):  # the mean over the wrong axis
        fitness = fitness_fn(center + sigma * eps)
        return ((fitness - fitness.mean())[:, None] * eps).mean(axis=1) / sigma

    assert not check_es_gradient(per_sample)
    assert "one number per sample" in capsys.readouterr().out


def test_es_gradient_names_more_slips(capsys):
    slips = [
        (dict(divide=lambda n, s: (n - 1) * s), "not n - 1"),
        (dict(divide=lambda n, s: 3 * s), "not by the number of parameters"),
    ]
    for slip, hint in slips:
        assert not check_es_gradient(lambda *a, slip=slip: gradient(*a, **slip))
        assert hint in capsys.readouterr().out, hint
    assert not check_es_gradient(lambda *a: list(gradient(*a)))
    assert "returned a list; return a NumPy array" in capsys.readouterr().out

    def fresh_noise(fitness_fn, center, sigma, eps):  # ignores the eps it is given
        return gradient(fitness_fn, center, sigma, np.random.default_rng().normal(size=eps.shape))

    assert not check_es_gradient(fresh_noise)
    assert "use the noise `eps` you are given" in capsys.readouterr().out

    def fixed_sizes(fitness_fn, center, sigma, eps):  # right only for 500 samples
        fitness = fitness_fn(center + sigma * eps)
        return (fitness - fitness.mean()) @ eps / (500 * sigma)

    assert not check_es_gradient(fixed_sizes)
    assert "not for 40 of 2" in capsys.readouterr().out


def test_centered_ranks_explains_shape_errors(capsys):
    def one_too_many(fitness):
        ranks = np.empty(len(fitness))
        ranks[np.argsort(fitness)] = np.arange(len(fitness) + 1)  # cannot be assigned
        return ranks / (len(fitness) - 1) - 0.5

    assert not check_centered_ranks(one_too_many)
    out = capsys.readouterr().out
    assert "one number per sample: fitness is (6,)" in out and "len(fitness)" in out

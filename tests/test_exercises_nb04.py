"""The checks of 04_genetic_algorithm's exercises."""

import numpy as np

from neuroevo_helpers.exercises.nb04 import check_breed, check_choose_elite


def breed(parents, n_children, sigma, rng, scale=lambda s: s):
    picks = rng.integers(len(parents), size=n_children)
    return parents[picks] + scale(sigma) * rng.normal(size=(n_children, parents.shape[1]))


def test_breed_right_and_wrong(capsys):
    assert check_breed(breed)
    assert "Correct!" in capsys.readouterr().out
    assert not check_breed(lambda p, n, s, rng: breed(p, n, s, rng, scale=lambda s: s**2))
    assert "sigma²" in capsys.readouterr().out
    assert not check_breed(lambda p, n, s, rng: breed(p, n, s, rng, scale=np.sqrt))
    assert "√sigma" in capsys.readouterr().out
    assert not check_breed(lambda p, n, s, rng: p[rng.integers(len(p), size=n)])
    assert "exact copies" in capsys.readouterr().out
    assert not check_breed(lambda p, n, s, rng: p[:1] + s * rng.normal(size=(n, p.shape[1])))
    assert "equally often" in capsys.readouterr().out
    assert not check_breed(lambda p, n, s, rng: breed(p, n, s, np.random.default_rng()))
    assert "same rng seed" in capsys.readouterr().out

    def in_place(p, n, s, rng):
        p += 0.0 * p + 1e-3
        return breed(p, n, s, rng)

    assert not check_breed(in_place)
    assert "in place" in capsys.readouterr().out

    def shared_noise(p, n, s, rng):
        return p[rng.integers(len(p), size=n)] + s * rng.normal(size=p.shape[1])

    assert not check_breed(shared_noise)
    assert "same noise" in capsys.readouterr().out


def choose(population, fitness, refit_fn, n_candidates, seed, order=lambda f: np.argsort(-f)):
    candidates = order(fitness)[:n_candidates]
    return int(candidates[np.argmax(refit_fn(population[candidates], seed).fitness)])


def test_choose_elite_right_and_wrong(capsys):
    assert check_choose_elite(choose)
    assert "Correct!" in capsys.readouterr().out
    assert not check_choose_elite(lambda pop, fit, refit, n, seed: int(np.argmax(fit)))
    assert "top *training* score" in capsys.readouterr().out
    assert not check_choose_elite(lambda *a: choose(*a, order=np.argsort))
    assert "ascending" in capsys.readouterr().out

    def position(pop, fit, refit, n, seed):
        candidates = np.argsort(-fit)[:n]
        return int(np.argmax(refit(pop[candidates], seed).fitness))

    assert not check_choose_elite(position)
    assert "position among the candidates" in capsys.readouterr().out

    def everyone(pop, fit, refit, n, seed):
        return int(np.argmax(refit(pop, seed).fitness))

    assert not check_choose_elite(everyone)
    assert "whole population" in capsys.readouterr().out


def test_checks_never_raise_on_odd_answers(capsys):
    assert not check_breed(lambda *a: None)
    assert "forget the `return`" in capsys.readouterr().out
    assert not check_breed(lambda p, n, s, rng: p)
    assert "expected shape (2000, 40)" in capsys.readouterr().out
    assert not check_breed(lambda *a: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not check_choose_elite(lambda *a: None)
    assert "forget the `return`" in capsys.readouterr().out
    assert not check_choose_elite(lambda pop, fit, refit, n, seed: np.argsort(-fit)[:2])
    assert "one index" in capsys.readouterr().out


def test_more_typical_mistakes_get_a_hint(capsys):
    def cycling(p, n, s, rng):
        return p[np.arange(n) % len(p)] + s * rng.normal(size=(n, p.shape[1]))

    assert not check_breed(cycling)
    assert "cycle through the parents" in capsys.readouterr().out
    assert not check_breed(
        lambda p, n, s, rng: p[rng.integers(len(p), size=n)] + rng.normal(size=p.shape)
    )
    assert "one row per child" in capsys.readouterr().out

    def evaluation_not_fitness(pop, fit, refit, n, seed):
        candidates = np.argsort(-fit)[:n]
        return int(candidates[np.argmax(refit(pop[candidates], seed))])

    assert not check_choose_elite(evaluation_not_fitness)
    assert ".fitness" in capsys.readouterr().out

    def one_short(pop, fit, refit, n, seed):
        return choose(pop, fit, refit, n - 1, seed)

    assert not check_choose_elite(one_short)
    assert "only 7 candidates" in capsys.readouterr().out

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


def test_breed_asks_for_an_array_and_no_loop(capsys):
    def looped(p, n, s, rng):
        return np.array(
            [p[rng.integers(len(p))] + s * rng.normal(size=p.shape[1]) for _ in range(n)]
        )

    assert not check_breed(looped)
    assert "uses a loop inside a comprehension, and the exercise asks for none" in (
        capsys.readouterr().out
    )
    assert not check_breed(lambda p, n, s, rng: list(breed(p, n, s, rng)))
    assert "returned a list; return a NumPy array" in capsys.readouterr().out


def test_breed_names_the_parent_never_chosen(capsys):
    def minus_one(p, n, s, rng):
        return p[rng.integers(len(p) - 1, size=n)] + s * rng.normal(size=(n, p.shape[1]))

    assert not check_breed(minus_one)
    assert "the last parent is never chosen" in capsys.readouterr().out

    def from_one(p, n, s, rng):
        return p[rng.integers(1, len(p), size=n)] + s * rng.normal(size=(n, p.shape[1]))

    assert not check_breed(from_one)
    assert "row 0, is never chosen" in capsys.readouterr().out


def test_choose_elite_wants_an_integer_index(capsys):
    assert not check_choose_elite(lambda *a: float(choose(*a)))
    assert "an index must be an integer" in capsys.readouterr().out
    assert check_choose_elite(lambda *a: np.int64(choose(*a)))  # a NumPy integer is fine
    assert "Correct!" in capsys.readouterr().out

    def score(pop, fit, refit, n, seed):
        candidates = np.argsort(-fit)[:n]
        return refit(pop[candidates], seed).fitness.max()

    assert not check_choose_elite(score)
    assert "not its score" in capsys.readouterr().out

    def lowest(pop, fit, refit, n, seed):
        candidates = np.argsort(-fit)[:n]
        return int(candidates[np.argmin(refit(pop[candidates], seed).fitness)])

    assert not check_choose_elite(lowest)
    assert "*lowest* re-evaluated score" in capsys.readouterr().out


def test_choose_elite_calls_refit_fn_once_with_the_candidates_and_the_seed(capsys):
    def one_too_many(pop, fit, refit, n, seed):
        return choose(pop, fit, refit, n + 1, seed)  # the 9th candidate is not the best

    assert not check_choose_elite(one_too_many)
    out = capsys.readouterr().out
    assert "you re-evaluated 9 candidates; take exactly n_candidates = 8" in out

    def wrong_seed(pop, fit, refit, n, seed):
        return choose(pop, fit, refit, n, seed + 1)

    assert not check_choose_elite(wrong_seed)
    out = capsys.readouterr().out
    assert "refit_fn got seed 4, but choose_elite was given seed 3" in out

    def one_call_per_candidate(pop, fit, refit, n, seed):
        candidates = np.argsort(-fit)[:n]
        refit_scores = [refit(pop[[c]], seed).fitness[0] for c in candidates]
        return int(candidates[np.argmax(refit_scores)])

    assert not check_choose_elite(one_call_per_candidate)
    out = capsys.readouterr().out
    assert "you called refit_fn once per candidate (8 calls of one row each)" in out

    def one_vector_per_call(pop, fit, refit, n, seed):
        candidates = np.argsort(-fit)[:n]
        return int(candidates[np.argmax([refit(pop[c], seed).fitness[0] for c in candidates])])

    assert not check_choose_elite(one_vector_per_call)  # a 1-D row counts as one network
    assert "once per candidate" in capsys.readouterr().out

    def seed_by_keyword(pop, fit, refit, n, seed):
        candidates = np.argsort(-fit)[:n]
        return candidates[np.argmax(refit(population=pop[candidates], seed=seed).fitness)]

    assert check_choose_elite(seed_by_keyword)
    assert "Correct!" in capsys.readouterr().out

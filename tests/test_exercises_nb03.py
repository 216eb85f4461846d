"""The checks of 03_policies_and_random_search's exercises."""

import numpy as np

import neuroevo_helpers as nh
from neuroevo_helpers.exercises.nb03 import check_random_search, check_top_k


def test_top_k_right_and_wrong(capsys):
    assert check_top_k(lambda pop, fit, k: pop[np.argsort(fit)[::-1][:k]])
    assert "Correct!" in capsys.readouterr().out
    assert not check_top_k(lambda pop, fit, k: pop[np.argsort(fit)[:k]])
    assert "least" in capsys.readouterr().out
    assert not check_top_k(lambda pop, fit, k: pop[np.argsort(fit)[-k:]])
    assert "worst first" in capsys.readouterr().out
    assert not check_top_k(lambda pop, fit, k: np.argsort(fit)[::-1][:k])
    assert "returned indices" in capsys.readouterr().out


def best_of(policy, env_id, n_samples, n_episodes, rng, pick=np.argmax):
    population = policy.init_params(rng, n_samples)
    fitness = nh.evaluate(
        policy, population, env_id, n_episodes, seed=nh.protocol.training_seed(rng, n_episodes)
    ).fitness
    return population[pick(fitness)]


def test_random_search_right_and_wrong(capsys):
    assert check_random_search(best_of)
    assert "Correct!" in capsys.readouterr().out
    assert not check_random_search(lambda *args: best_of(*args, pick=np.argmin))
    assert "highest" in capsys.readouterr().out
    assert not check_random_search(lambda policy, *args: np.zeros(3))
    assert "shape (114,)" in capsys.readouterr().out


def test_checks_never_raise_on_odd_answers(capsys):
    assert not check_top_k(lambda pop, fit, k: None)
    assert "forget the `return`" in capsys.readouterr().out
    assert not check_top_k(lambda pop, fit, k: pop[np.argsort(fit)[::-1][:k]][[1, 0, 3, 2]])
    assert "not in order" in capsys.readouterr().out
    assert not check_random_search(lambda policy, env_id, n, e, rng: None)
    assert "forget the `return`" in capsys.readouterr().out

    def returns_evaluation(policy, env_id, n, e, rng):
        return nh.evaluate(policy, policy.init_params(rng, n), env_id, e, seed=0)

    assert not check_random_search(returns_evaluation)
    assert "params" in capsys.readouterr().out

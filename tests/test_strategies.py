"""Every ask/tell strategy (GA, ES, CMA-ES, sep-CMA-ES, ARS) on the same tests: one
training loop drives them all."""

import numpy as np
import pytest

from neuroevo_helpers import (
    ARS,
    CMAES,
    ES,
    GA,
    Evaluation,
    SepCMAES,
    centered_ranks,
    evaluate,
    policy_for_env,
    train,
)


def sphere(population, seed):
    """Fitness = -|x - 1|^2 plus episode-like noise that depends on the seed."""
    noise = np.random.default_rng(seed).normal(0, 0.01, size=(len(population), 2))
    returns = -np.sum((population - 1.0) ** 2, axis=1, keepdims=True) + noise
    return Evaluation(returns.mean(axis=1), returns, returns.size)


KINDS = ["ga", "es", "cmaes", "sepcmaes", "ars"]


def make(kind, seed=0, n_params=6):
    rng = np.random.default_rng(seed)
    start = np.zeros(n_params)
    if kind == "ga":
        return GA(start + rng.normal(0, 0.5, size=(40, n_params)), 8, 0.1, rng), rng
    if kind in ("cmaes", "sepcmaes"):
        return (CMAES if kind == "cmaes" else SepCMAES)(start, 0.5, rng, pop_size=40), rng
    if kind == "ars":
        return ARS(start, 20, 10, 0.05, 0.05, rng), rng
    return ES(start, pop_size=40, sigma=0.1, lr=0.05, rng=rng), rng


@pytest.mark.parametrize("kind", KINDS)
def test_shapes_improvement_and_same_seed_same_numbers(kind):
    runs = []
    for _ in range(2):
        strategy, rng = make(kind, seed=3)
        assert strategy.ask().shape == (40, 6)
        runs.append(train(strategy, sphere, 60, rng, progress=False))
    assert runs[0].history == runs[1].history
    np.testing.assert_array_equal(runs[0].best_params, runs[1].best_params)
    assert runs[0].best_fitness > -0.05  # from -6 at the start to near the optimum
    np.testing.assert_allclose(runs[0].best_params, 1.0, atol=0.15)


@pytest.mark.parametrize("kind", KINDS)
def test_resume_gives_exactly_the_uninterrupted_numbers(kind, tmp_path):
    full_strategy, rng = make(kind, seed=7)
    full = train(full_strategy, sphere, 8, rng, progress=False)

    calls = []

    def ctrl_c_at_4(population, seed):
        calls.append(seed)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return sphere(population, seed)

    strategy, rng = make(kind, seed=7)
    part = train(strategy, ctrl_c_at_4, 8, rng, checkpoint=tmp_path / "run.npz", progress=False)
    assert part.interrupted and len(part.history["best"]) == 3
    strategy, rng = make(kind, seed=99)  # a fresh start: everything comes from the file
    resumed = train(strategy, sphere, 8, rng, checkpoint=tmp_path / "run.npz", progress=False)
    assert resumed.history == full.history
    np.testing.assert_array_equal(resumed.best_params, full.best_params)
    np.testing.assert_array_equal(strategy.ask(), full_strategy.ask())


def test_es_result_is_its_center_scored_on_the_same_episodes():
    es, rng = make("es")
    result = train(es, sphere, 1, rng, progress=False)
    np.testing.assert_array_equal(result.best_params, np.zeros(6))  # the center it started from
    assert result.history["episodes"] == [(40 + 1) * 2]  # the center's episodes count too


def test_centered_ranks_and_mirrored_sampling():
    np.testing.assert_allclose(centered_ranks([10.0, -3.0, 7.0]), [0.5, -0.5, 0.0])
    es = ES(np.ones(3), pop_size=6, sigma=0.5, lr=0.1, rng=np.random.default_rng(0))
    population = es.ask()
    np.testing.assert_allclose(population[:3] - 1, -(population[3:] - 1))  # +eps and -eps


def test_es_gradient_points_uphill_without_any_trick():
    """Plain ES (no ranks, no Adam): the step follows the true gradient of a linear fitness."""
    es = ES(np.zeros(4), 2000, 0.1, 0.01, np.random.default_rng(1), rank_shaping=False, adam=False)
    slope = np.array([1.0, -2.0, 0.5, 0.0])
    population = es.ask()
    es.tell(population, population @ slope)
    np.testing.assert_allclose(es.center / 0.01, slope, atol=0.15)  # gradient estimate ~ slope


def test_es_bad_input_is_explained():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="pop_size must be even"):
        ES(np.zeros(3), 7, 0.1, 0.1, rng)
    with pytest.raises(ValueError, match="sigma must be a positive number"):
        ES(np.zeros(3), 8, 0.0, 0.1, rng)
    with pytest.raises(ValueError, match=r"one finite parameter vector.*init_params\(rng\)"):
        ES(np.zeros((2, 3)), 8, 0.1, 0.1, rng)
    es = ES(np.zeros(3), 8, 0.1, 0.1, rng)
    with pytest.raises(ValueError, match="do not look like samples from N"):
        es.tell(np.zeros((8, 3)), np.zeros(8))  # the center itself, 8 times: no noise at all
    with pytest.raises(ValueError, match=r"tell expects a population like ask\(\)'s \(8, 3\)"):
        es.tell(np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="weight_decay must be >= 0"):
        ES(np.zeros(3), 8, 0.1, 0.1, rng, weight_decay=-1)


def test_es_solves_cartpole_quickly():
    policy = policy_for_env("CartPole-v1")
    rng = np.random.default_rng(0)
    es = ES(policy.init_params(rng), pop_size=50, sigma=0.2, lr=0.2, rng=rng)
    result = train(
        es, lambda pop, seed: evaluate(policy, pop, "CartPole-v1", 3, seed), 40, rng, progress=False
    )
    held_out = evaluate(policy, result.best_params, "CartPole-v1", 100, seed=10**9).fitness
    assert held_out >= 475

"""The reference GA and the Ctrl-C-safe, resumable training loop."""

import numpy as np
import pytest

from neuroevo_helpers import GA, Evaluation, evaluate, policy_for_env, train


def noisy_sphere(population, seed):
    """Fitness = -|x|^2 plus noise that depends on the episode seed, like a real env."""
    noise = np.random.default_rng(seed).normal(0, 0.1, size=(len(population), 3))
    returns = -np.sum(population**2, axis=1, keepdims=True) + noise  # (pop_size, 3 "episodes")
    return Evaluation(returns.mean(axis=1), returns, 10 * returns.size)


def ctrl_c_at_generation(n):
    """noisy_sphere, but the n-th call raises KeyboardInterrupt, as Ctrl-C would."""
    calls = []

    def evaluate_fn(population, seed):
        calls.append(seed)
        if len(calls) == n:
            raise KeyboardInterrupt
        return noisy_sphere(population, seed)

    return evaluate_fn


def make_ga(seed=0, pop_size=20):
    rng = np.random.default_rng(seed)
    return GA(rng.normal(2.0, 1.0, size=(pop_size, 5)), n_parents=5, sigma=0.1, rng=rng), rng


def test_tell_keeps_the_elite_and_mutates_the_rest():
    ga, _ = make_ga()
    population = ga.ask()
    fitness = -np.sum(population**2, axis=1)
    ga.tell(population, fitness)
    nxt = ga.ask()
    best = population[np.argmax(fitness)]
    np.testing.assert_array_equal(nxt[0], best)  # the elite, unmutated
    parents = population[np.argsort(-fitness)[:5]]
    gaps = np.min(np.linalg.norm(nxt[1:, None] - parents[None], axis=2), axis=1)
    assert np.all(gaps > 0) and np.all(gaps < 1.0)  # each child is near one parent
    assert nxt.shape == population.shape and ga.generation == 1


def test_ga_improves_and_same_seed_gives_same_numbers():
    runs = []
    for _ in range(2):
        ga, rng = make_ga(seed=3)
        runs.append(train(ga, noisy_sphere, 30, rng, progress=False))
    assert runs[0].history == runs[1].history
    np.testing.assert_array_equal(runs[0].best_params, runs[1].best_params)
    assert runs[0].history["mean"][-1] > runs[0].history["mean"][0] + 10  # from about -25 to near 0
    assert runs[0].history["episodes"][-1] == 30 * 20 * 3


def test_ga_solves_cartpole_quickly():
    policy = policy_for_env("CartPole-v1")
    rng = np.random.default_rng(0)
    ga = GA(policy.init_params(rng, 64), n_parents=10, sigma=0.1, rng=rng)
    result = train(
        ga, lambda pop, seed: evaluate(policy, pop, "CartPole-v1", 5, seed), 10, rng, progress=False
    )
    held_out = evaluate(policy, result.best_params, "CartPole-v1", 100, seed=10**9).fitness
    assert held_out >= 475


def test_ctrl_c_returns_the_best_so_far():
    ga, rng = make_ga()
    result = train(ga, ctrl_c_at_generation(4), 10, rng, progress=False)
    assert result.interrupted and len(result.history["best"]) == 3
    assert result.best_fitness == max(result.history["best"]) and result.best_params.shape == (5,)


def test_resume_gives_exactly_the_uninterrupted_numbers(tmp_path):
    full_ga, rng = make_ga(seed=7)
    full = train(full_ga, noisy_sphere, 8, rng, checkpoint=tmp_path / "full.npz", progress=False)

    ga, rng = make_ga(seed=7)
    part = train(
        ga, ctrl_c_at_generation(4), 8, rng, checkpoint=tmp_path / "run.npz", progress=False
    )
    assert part.interrupted and len(part.history["best"]) == 3
    ga, rng = make_ga(seed=99)  # a fresh process: state comes from the checkpoint alone
    resumed = train(ga, noisy_sphere, 8, rng, checkpoint=tmp_path / "run.npz", progress=False)
    assert resumed.history == full.history
    np.testing.assert_array_equal(resumed.best_params, full.best_params)
    np.testing.assert_array_equal(ga.ask(), full_ga.ask())  # the GA itself is where it would be
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full.npz", "run.npz"]  # no temp files


def test_bad_input_is_explained(tmp_path):
    ga, rng = make_ga()
    with pytest.raises(ValueError, match=r"tell expects the asked population \(20, 5\)"):
        ga.tell(ga.ask()[:10], np.zeros(10))
    with pytest.raises(ValueError, match="n_parents <= pop_size"):
        GA(np.zeros((4, 3)), n_parents=5, sigma=0.1, rng=rng)
    with pytest.raises(ValueError, match="sigma must be a positive number"):
        GA(np.zeros((4, 3)), n_parents=2, sigma=0.0, rng=rng)
    with pytest.raises(ValueError, match=r"finite 2-D array.*init_params"):
        GA(np.zeros(12), n_parents=2, sigma=0.1, rng=rng)
    with pytest.raises(ValueError, match="n_generations must be a whole number >= 1"):
        train(ga, noisy_sphere, 0, rng, progress=False)

    class Other(GA):
        pass

    train(ga, noisy_sphere, 2, rng, checkpoint=tmp_path / "ga.npz", progress=False)
    other = Other(np.zeros((20, 5)), n_parents=5, sigma=0.1, rng=rng)
    with pytest.raises(ValueError, match="holds a GA run, not a Other run"):
        train(other, noisy_sphere, 4, rng, checkpoint=tmp_path / "ga.npz", progress=False)


def test_tell_keeps_the_elite_it_is_given():
    ga, _ = make_ga()
    population = ga.ask()
    fitness = -np.sum(population**2, axis=1)
    worst = int(np.argmin(fitness))
    ga.tell(population, fitness, elite=np.array([worst]))
    np.testing.assert_array_equal(ga.ask()[0], population[worst])
    for bad in (np.array([0, 1]), np.array([20]), np.array([0.0])):
        with pytest.raises(ValueError, match="elite must hold the indices of the 1 individual"):
            ga.tell(ga.ask(), fitness, elite=bad)


def test_breed_can_be_overridden():
    class Cloning(GA):
        def breed(self, parents, n_children):
            return np.repeat(parents[:1], n_children, axis=0)

    rng = np.random.default_rng(0)
    ga = Cloning(rng.normal(size=(6, 3)), n_parents=2, sigma=0.1, rng=rng)
    population = ga.ask()
    fitness = np.arange(6.0)
    ga.tell(population, fitness)
    np.testing.assert_array_equal(ga.ask(), np.repeat(population[5:], 6, axis=0))


def test_reevaluation_chooses_the_elite_and_counts_its_episodes():
    """The elite is the best of the top candidates on the *extra* episodes."""

    def sphere(population, seed):  # no noise: the true fitness, on 2 "episodes"
        returns = -np.sum(population**2, axis=1, keepdims=True).repeat(2, axis=1)
        return Evaluation(returns.mean(axis=1), returns, 10 * returns.size)

    def lucky_first(population, seed):  # individual 0 looks best in training only
        result = sphere(population, seed)
        result.fitness[0] += 1000.0
        return result

    ga, rng = make_ga(seed=1)
    first = ga.ask()
    true_fitness = sphere(first, 0).fitness
    top = np.argsort(-lucky_first(first, 0).fitness, kind="stable")[:5]
    assert top[0] == 0 and true_fitness[0] < true_fitness[top].max()
    result = train(ga, lucky_first, 1, rng, reevaluate_fn=sphere, n_candidates=5, progress=False)
    np.testing.assert_array_equal(ga.ask()[0], first[top[np.argmax(true_fitness[top])]])
    assert result.best_fitness == true_fitness[top].max()  # judged by the second score
    assert result.history["episodes"] == [20 * 2 + 5 * 2]  # the extra episodes count too

    class NoElite:
        pass

    with pytest.raises(ValueError, match="needs an n_elite <= n_candidates=10; NoElite has"):
        train(NoElite(), sphere, 1, rng, reevaluate_fn=sphere)


def test_reevaluation_is_reproducible_and_resumes_exactly(tmp_path):
    options = dict(reevaluate_fn=noisy_sphere, n_candidates=4, progress=False)
    full_ga, rng = make_ga(seed=5)
    full = train(full_ga, noisy_sphere, 6, rng, **options)
    ga, rng = make_ga(seed=5)
    part = train(ga, ctrl_c_at_generation(3), 6, rng, checkpoint=tmp_path / "r.npz", **options)
    assert part.interrupted
    ga, rng = make_ga(seed=123)
    resumed = train(ga, noisy_sphere, 6, rng, checkpoint=tmp_path / "r.npz", **options)
    assert resumed.history == full.history
    np.testing.assert_array_equal(ga.ask(), full_ga.ask())


def test_train_keeps_the_candidates_of_the_generations_asked_for():
    policy = policy_for_env("CartPole-v1")
    rng = np.random.default_rng(0)
    ga = GA(policy.init_params(rng, 16), n_parents=4, sigma=0.1, rng=rng)
    result = train(
        ga, lambda pop, seed: evaluate(policy, pop, "CartPole-v1", 1, seed), 4,
        np.random.default_rng(1), snapshots=(0, 2, 9), progress=False,
    )  # fmt: skip
    assert sorted(result.snapshots) == [0, 2]  # generation 9 never came
    assert all(p.shape == (policy.n_params,) for p in result.snapshots.values())

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


def test_top_k_asks_for_an_array_and_no_loop(capsys):
    assert not check_top_k(lambda pop, fit, k: list(pop[np.argsort(fit)[::-1][:k]]))
    assert "returned a list; return a NumPy array" in capsys.readouterr().out

    def looped(population, fitness, k):
        order = np.argsort(fitness)[::-1]
        return np.array([population[i] for i in order[:k]])  # right rows, one at a time

    assert not check_top_k(looped)
    assert "uses a loop inside a comprehension" in capsys.readouterr().out
    assert not check_top_k(lambda pop, fit, k: [pop[0], pop[1][:2]])  # ragged: no exception
    assert "return a NumPy array" in capsys.readouterr().out
    assert not check_top_k(lambda pop, fit, k: np.sort(fit)[::-1][:k])
    assert "the k best fitness values" in capsys.readouterr().out
    assert not check_top_k(lambda pop, fit, k: pop[np.argsort(fit)[::-1][:4]])  # k fixed at 4
    assert "for k=10 of a (50, 5) population" in capsys.readouterr().out


def search_with_a_loop(policy, env_id, n_samples, n_episodes, rng):
    """Right answer, wrong way: one nh.evaluate call per network."""
    population = policy.init_params(rng, n_samples)
    seed = nh.protocol.training_seed(rng, n_episodes)
    fitness = [nh.evaluate(policy, p, env_id, n_episodes, seed).fitness for p in population]
    return population[np.argmax(fitness)]


def test_random_search_counts_the_calls_of_evaluate(capsys):
    original = nh.evaluate
    assert not check_random_search(search_with_a_loop)
    assert "called nh.evaluate 256 times; the exercise asks for exactly one" in (
        capsys.readouterr().out
    )
    assert nh.evaluate is original  # put back after the check

    def no_evaluate(policy, env_id, n_samples, n_episodes, rng):
        population = policy.init_params(rng, n_samples)
        scores = [nh.rollout(env_id, policy, p, seed=0).episode_return for p in population]
        return population[np.argmax(scores)]

    assert not check_random_search(no_evaluate)
    assert "never called nh.evaluate" in capsys.readouterr().out

    def crashes_after_a_call(policy, env_id, n_samples, n_episodes, rng):
        nh.evaluate(policy, policy.init_params(rng, 2), env_id, 1, 0)
        raise RuntimeError("a bug")

    assert not check_random_search(crashes_after_a_call)
    assert "RuntimeError" in capsys.readouterr().out
    assert nh.evaluate is original


def test_random_search_counts_an_imported_evaluate(capsys):
    # the learner may have written `from neuroevo_helpers import evaluate`: still counted
    namespace = {"evaluate": nh.evaluate, "np": np, "nh": nh}
    exec(
        "def search(policy, env_id, n_samples, n_episodes, rng):\n"
        "    population = policy.init_params(rng, n_samples)\n"
        "    fitness = [evaluate(policy, p, env_id, n_episodes, 0).fitness for p in population]\n"
        "    return population[np.argmax(fitness)]\n",
        namespace,
    )
    assert not check_random_search(namespace["search"])
    assert "called nh.evaluate 256 times" in capsys.readouterr().out
    assert namespace["evaluate"] is nh.evaluate  # restored


def test_random_search_explains_odd_returns(capsys):
    def all_of_them(policy, env_id, n, e, rng):
        return policy.init_params(rng, n)

    assert not check_random_search(all_of_them)
    assert "That is every network" in capsys.readouterr().out

    def fitness_only(policy, env_id, n, e, rng):
        return nh.evaluate(policy, policy.init_params(rng, n), env_id, e, 0).fitness

    assert not check_random_search(fitness_only)
    assert "one number per network" in capsys.readouterr().out

    def as_list(policy, env_id, n, e, rng):
        return list(best_of(policy, env_id, n, e, rng))

    assert not check_random_search(as_list)
    assert "returned a list; return a NumPy array" in capsys.readouterr().out


def test_top_k_must_leave_its_inputs_alone(capsys):
    def sorts_fitness(population, fitness, k):
        order = np.argsort(fitness)[::-1]
        fitness.sort()  # in place: the caller's fitness is now in another order
        return population[order[:k]]

    assert not check_top_k(sorts_fitness)
    out = capsys.readouterr().out
    assert (
        "top_k changed the fitness array it was given (fitness.sort(), for one, sorts in place)"
        in out
    )

    def sorts_population(population, fitness, k):
        best = population[np.argsort(fitness)[::-1][:k]]
        population.sort(axis=0)
        return best

    assert not check_top_k(sorts_population)
    assert "changed the population array it was given" in capsys.readouterr().out


def test_random_search_names_the_usual_slips(capsys):
    def one_network(policy, env_id, n_samples, n_episodes, rng):
        population = policy.init_params(rng)  # n_samples forgotten: one network
        fitness = nh.evaluate(policy, population, env_id, n_episodes, seed=0).fitness
        return population[np.argmax(fitness)]  # a float: the network's first weight

    assert not check_random_search(one_network)
    out = capsys.readouterr().out
    assert "nh.evaluate got one network, shape (114,), not a population" in out
    assert "policy.init_params(rng, n_samples) makes the population" in out

    def index(policy, env_id, n_samples, n_episodes, rng):
        population = policy.init_params(rng, n_samples)
        fitness = nh.evaluate(policy, population, env_id, n_episodes, seed=0).fitness
        return np.argmax(fitness)

    assert not check_random_search(index)
    out = capsys.readouterr().out
    assert "one number (an index?): return the row itself, population[index]" in out
    assert "return a NumPy array" not in out

    def global_randn(policy, env_id, n_samples, n_episodes, rng):
        population = np.random.randn(n_samples, policy.n_params)  # N(0, 1), not from rng
        fitness = nh.evaluate(policy, population, env_id, n_episodes, seed=0).fitness
        return population[np.argmax(fitness)]

    assert not check_random_search(global_randn)
    out = capsys.readouterr().out
    assert "your function uses np.random.randn, not the rng passed in" in out
    assert "policy.init_params(rng, n_samples)" in out

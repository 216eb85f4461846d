"""Checks for the exercises of 03_policies_and_random_search."""

import ast
import inspect
import textwrap
from collections.abc import Callable

import numpy as np

from ..envs import policy_for_env
from ..protocol import score_on_test
from . import call, fail, numpy_result, python_loop, report


def check_top_k(top_k) -> bool:
    """`top_k(population, fitness, k)` must return the k fittest rows, best first."""
    # two sizes, so that a k or a shape written into the function shows
    for pop_size, n_params, k in ((10, 3, 4), (50, 5, 10)):
        rng = np.random.default_rng(pop_size)
        population = rng.normal(size=(pop_size, n_params))  # (pop_size, n_params)
        fitness = rng.permutation(pop_size).astype(float)
        order = np.argsort(fitness)[::-1]  # best first
        expected = population[order[:k]]
        case = f"for k={k} of a ({pop_size}, {n_params}) population"
        given_population, given_fitness = population.copy(), fitness.copy()
        got, problem = call(top_k, given_population, given_fitness, k)
        if problem is None:
            for name, given, original in (
                ("fitness", given_fitness, fitness),
                ("population", given_population, population),
            ):
                if not np.array_equal(given, original):
                    problem = (
                        f"top_k changed the {name} array it was given ({name}.sort(), for "
                        "one, sorts in place). Leave it alone, the caller still needs it: "
                        "np.argsort(fitness) gives the order without changing anything."
                    )
                    break
        if problem is None:
            got, problem = numpy_result(
                got, "top_k", "Indexing the population with an array of row numbers gives one."
            )
        if problem:
            return fail(problem)
        if got.shape != (k, n_params):
            hint = ""
            if got.shape == (k,) and np.allclose(np.sort(got), np.sort(fitness[order[:k]])):
                hint = (
                    " You returned the k best fitness values; return the rows of the "
                    "population: population[order[:k]]."
                )
            elif got.ndim == 1:
                hint = " You returned indices; index the population with them."
            elif got.ndim == 2 and got.shape[1] == n_params:
                hint = f" That is {got.shape[0]} rows: [:k] takes exactly k."
            return fail(f"{case}, expected shape ({k}, {n_params}), got {got.shape}.{hint}")
        if np.allclose(got, expected):
            continue
        if np.allclose(got, expected[::-1]):
            return fail(
                f"{case}: the rows are the right ones but worst first: higher fitness is better."
            )
        if np.allclose(got, population[order[::-1][:k]]):
            return fail(f"{case}: these are the {k} *least* fit rows: np.argsort sorts ascending.")
        if sorted(map(tuple, got)) == sorted(map(tuple, expected)):
            return fail(f"{case}: the right {k} rows, but not in order: put the fittest first.")
        return fail(
            f"{case}: not the {k} fittest rows. Hint: np.argsort(fitness) gives the sorting "
            "indices, lowest fitness first."
        )
    loop = python_loop(top_k)
    if loop:
        return fail(
            f"the rows are right, but top_k uses {loop}, and the exercise asks for none. One "
            "np.argsort and one indexing, population[order[:k]], pick all k rows at once."
        )
    return report([], "top_k returns the k fittest individuals, best first.")


def _counting_evaluate(fn: Callable, *args) -> tuple:
    """Call `fn(*args)` while recording its calls of `nh.evaluate`: (result, problem, shapes),
    with the shape of the population each call got.

    `nh.evaluate` is looked up when it is called, so it is replaced for the duration of the
    call (and so is any name in `fn`'s module bound to it, as after `from neuroevo_helpers
    import evaluate`), and always restored."""
    import neuroevo_helpers

    original, calls = neuroevo_helpers.evaluate, []

    def evaluate(*a, **kw):
        calls.append(np.shape(a[1] if len(a) > 1 else kw.get("population")))
        return original(*a, **kw)

    namespace = getattr(fn, "__globals__", {})
    names = [name for name, value in namespace.items() if value is original]
    try:
        neuroevo_helpers.evaluate = evaluate
        for name in names:
            namespace[name] = evaluate
        result, problem = call(fn, *args)
    finally:
        neuroevo_helpers.evaluate = original
        for name in names:
            namespace[name] = original
    return result, problem, calls


def _global_random(fn: Callable) -> str | None:
    """The first `np.random.<name>` (or `numpy.random.<name>`) in `fn`'s own source, e.g.
    'np.random.randn'; None if there is none, or if the source cannot be read."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "random"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in ("np", "numpy")
        ):
            return f"{node.value.value.id}.random.{node.attr}"
    return None


def check_random_search(random_search) -> bool:
    """`random_search(policy, env_id, n_samples, n_episodes, rng)` must find a good network,
    scoring all `n_samples` networks in one call of `nh.evaluate`."""
    policy = policy_for_env("CartPole-v1")
    n_samples = 256
    best, problem, shapes = _counting_evaluate(
        random_search, policy, "CartPole-v1", n_samples, 3, np.random.default_rng(1)
    )
    n_calls = len(shapes)
    if problem:
        return fail(problem)
    if hasattr(best, "fitness"):
        return fail("you returned nh.evaluate's result; return the fittest network's params.")
    if n_calls == 1 and len(shapes[0]) == 1:  # policy.init_params(rng): one network
        return fail(
            f"nh.evaluate got one network, shape {shapes[0]}, not a population. "
            "policy.init_params(rng, n_samples) makes the population, shape "
            f"({n_samples}, {policy.n_params}), one row per network."
        )
    if isinstance(best, (int, np.integer)) and not isinstance(best, bool):
        return fail(
            f"your function returned {best}, one number (an index?): return the row itself, "
            "population[index]."
        )
    best, problem = numpy_result(
        best, "your function", "population[np.argmax(fitness)] is the fittest network's row."
    )
    if problem:
        return fail(problem)
    if best.shape != (policy.n_params,):
        hint = ""
        if best.shape == (n_samples, policy.n_params):
            hint = " That is every network: keep only the fittest, population[np.argmax(fitness)]."
        elif best.shape == (n_samples,):
            hint = " That is one number per network (their fitness?): return the fittest row."
        elif best.shape == ():
            hint = " One number (an index?): return the row itself, population[index]."
        return fail(
            f"return one network's params, shape ({policy.n_params},); got {best.shape}.{hint}"
        )
    if n_calls != 1:
        what = "never called nh.evaluate" if n_calls == 0 else f"called nh.evaluate {n_calls} times"
        return fail(
            f"your function {what}; the exercise asks for exactly one call. Draw all "
            f"{n_samples} networks at once, population = policy.init_params(rng, n_samples) "
            "(shape (n_samples, n_params)), and score them together: nh.evaluate(policy, "
            "population, env_id, n_episodes, seed).fitness holds one score per network."
        )
    drawn = _global_random(random_search)
    if drawn:
        unit = " (yours are N(0, 1))" if drawn.endswith(("randn", "standard_normal")) else ""
        return fail(
            f"your function uses {drawn}, not the rng passed in, so the same rng does not "
            "give the same search. Draw the networks with policy.init_params(rng, n_samples): "
            f"it also starts the weights at the right scale, N(0, 1/n_in){unit}."
        )
    test_mean = score_on_test(policy, best, "CartPole-v1").fitness  # 100 test episodes
    if test_mean < 200:
        return fail(
            f"the network you returned averages {test_mean:.1f} on 100 test episodes; the "
            f"best of {n_samples} random networks should reach 200 or more. Are you returning "
            "the network with the *highest* training fitness (np.argmax), from the same "
            "population you scored?"
        )
    return report(
        [], f"your random search found a network averaging {test_mean:.1f} on 100 test episodes."
    )

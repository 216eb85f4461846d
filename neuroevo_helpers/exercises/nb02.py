"""Checks for the exercises of 02_numpy_network: `flatten`, a sparse mutation, and a
mutation of the output layer only. Each returns True or False and never raises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..network import MLP
from . import call, fail, numpy_result, python_loop, report

LAYER_SIZES = ((4, 16, 2), (6, 32, 32, 3), (3, 8, 1))


def _where(net: MLP, index: int) -> str:
    """Name the weight or bias at `index` of a flat vector, e.g. 'W1[0, 3]' or 'b2[1]'."""
    start = 0
    for k, ((n_in, n_out), _) in enumerate(net.shapes, start=1):
        if index < start + n_in * n_out:
            i, j = divmod(index - start, n_out)
            return f"W{k}[{i}, {j}]"
        start += n_in * n_out
        if index < start + n_out:
            return f"b{k}[{index - start}]"
        start += n_out
    return f"index {index}, past the end"


# ---- Exercise 1: flatten ------------------------------------------------------------------


def _flat(layers, order: str = "C", biases_last: bool = False, b_first: bool = False):
    """The right layout (by default) and the wrong ones learners often write."""
    if biases_last:
        return np.concatenate([W.ravel() for W, _ in layers] + [b for _, b in layers])
    pairs = [(b, W.ravel(order)) if b_first else (W.ravel(order), b) for W, b in layers]
    return np.concatenate([piece for pair in pairs for piece in pair])


def check_flatten(flatten: Callable) -> bool:
    """Check `flatten(layers) -> params`, the inverse of `MLP.unflatten`, on several networks."""
    for sizes in LAYER_SIZES:
        net = MLP(sizes)
        expected = np.arange(net.n_params, dtype=float)  # each entry holds its own index
        layers = [(W.copy(), b.copy()) for W, b in net.unflatten(expected)]
        result, error = call(flatten, layers)
        if error and "input array" in error and "dimension" in error:  # np.concatenate
            error += (
                " W is 2-D and b is 1-D, and np.concatenate joins arrays with the same number "
                "of dimensions: ravel each W first, W.ravel()."
            )
        elif error and "values to unpack" in error:  # (W1, b1), (W2, b2) = layers
            error += (
                f" This network has {len(sizes) - 1} layers (the check tries 2 and 3): loop "
                "over them all, for W, b in layers, instead of unpacking a fixed number."
            )
        if error is None:
            result, error = numpy_result(
                result, "flatten", "np.concatenate joins the pieces into one."
            )
        if error:
            return fail(f"For layer sizes {sizes}: {error}")
        if result.shape != expected.shape:
            n_weights = sum(n_in * n_out for (n_in, n_out), _ in net.shapes)
            alone = " (the weights alone: add each b)" if result.size == n_weights else ""
            return fail(
                f"For layer sizes {sizes}, flatten returned shape {result.shape}{alone}; expected "
                f"one flat vector of shape ({net.n_params},). Ravel each W and np.concatenate "
                "the pieces in order: W1, b1, W2, b2, ..."
            )
        if np.array_equal(result, expected):
            continue
        if np.array_equal(result, _flat(layers, order="F")):
            hint = "W was flattened column by column; the layout is row-major: W.ravel()."
        elif np.array_equal(result, _flat(layers, biases_last=True)):
            hint = "all weights come first, then all biases; the layout is W1, b1, W2, b2, ..."
        elif np.array_equal(result, _flat(layers, b_first=True)):
            hint = "each layer's b comes before its W; the layout puts W first, then b."
        else:
            k = int(np.flatnonzero(result != expected)[0])
            value = result[k]
            if value == int(value) and 0 <= value < net.n_params:
                value = _where(net, int(value))  # the arange input names where it came from
            hint = f"position {k} should hold {_where(net, k)} but holds {value}."
        return fail(f"For layer sizes {sizes}: {hint}")
    sizes = ", ".join(str(s) for s in LAYER_SIZES)
    return report([], f"flatten undoes MLP.unflatten for layer sizes {sizes}.")


# ---- Exercises 2 and 3: mutations ---------------------------------------------------------


def _mutate(fn: Callable, population: np.ndarray, *args) -> tuple[np.ndarray | None, str | None]:
    """Call a learner's mutation; (new population, None), or (None, what is wrong)."""
    original = population.copy()
    result, error = call(fn, population, *args)
    if not np.array_equal(population, original):
        population[...] = original  # so that later calls start from the same parents
        return None, (
            f"{fn.__name__} changed the population it was given. Return a new array "
            "(population + noise, or work on a population.copy()): parents must stay as they were."
        )
    if error is None:
        result, error = numpy_result(result, fn.__name__)
    if error is None and result.shape != population.shape:
        error = f"{fn.__name__} returned shape {result.shape}; expected {population.shape}."
    return (None, error) if error else (result, None)


def _rng_problems(fn: Callable, population: np.ndarray, first: np.ndarray, *args) -> list[str]:
    """Same seed -> same result, another seed -> another one. `first` used default_rng(1)."""
    again, _ = _mutate(fn, population, *args, np.random.default_rng(1))
    other, _ = _mutate(fn, population, *args, np.random.default_rng(2))
    if again is None or not np.array_equal(again, first):
        return [
            "two calls with np.random.default_rng(1) gave different results: draw every random "
            "number from the rng argument, not from np.random.* or a new default_rng()."
        ]
    if other is not None and np.array_equal(other, first):
        return ["different seeds gave the same result: draw the noise from the rng argument."]
    return []


def _std_problems(noise: np.ndarray, sigma: float) -> list[str]:
    """The noise must have standard deviation sigma; name the usual mix-ups."""
    std = float(noise.std())
    if 0.85 * sigma <= std <= 1.15 * sigma:
        return []
    problem = f"the noise has standard deviation {std:.4f}; expected sigma = {sigma}."
    if abs(std - sigma**2) < 0.2 * sigma**2:
        problem += " That is sigma**2: sigma is the standard deviation, so multiply by sigma."
    elif abs(std - np.sqrt(sigma)) < 0.2 * np.sqrt(sigma):
        problem += " That is sqrt(sigma): sigma is already the standard deviation."
    else:
        problem += " Multiply standard normal noise, rng.normal(size=...), by sigma."
    return [problem]


def check_mutate_sparse(mutate_sparse: Callable) -> bool:
    """Check `mutate_sparse(population, sigma, fraction, rng)`: noise on a random fraction only."""
    population = MLP((4, 16, 2)).init_params(np.random.default_rng(0), pop_size=200)  # (200, 114)
    sigma = 0.1
    result, error = _mutate(mutate_sparse, population, sigma, 0.1, np.random.default_rng(1))
    if error:
        return fail(f"{error} (It got population (200, 114), sigma=0.1, fraction=0.1, rng.)")
    changed = result != population  # (pop_size, n_params): True where noise was added
    share = float(changed.mean())
    if share == 0:
        return fail("nothing changed: add sigma * rng.normal(...) where the mask is True.")
    if share < 0.5 and np.all(changed == changed[0]):
        return fail(
            "every individual had the same entries mutated: draw the mask with the population's "
            "full shape, rng.random(population.shape), so that each individual gets its own."
        )
    problems = []
    if 0.85 <= share <= 0.95:
        problems.append(
            f"with fraction=0.1 it changed {share:.1%} of the entries: the mask is inverted. "
            "Mutate where rng.random(population.shape) < fraction."
        )
    elif not 0.08 <= share <= 0.12:
        problems.append(
            f"with fraction=0.1 it changed {share:.1%} of the entries; expected about 10%. Draw "
            "a mask, rng.random(population.shape) < fraction, and add noise only where it is True."
        )
    problems += _std_problems((result - population)[changed], sigma)
    if problems:
        return report(problems, "")
    wider, error = _mutate(mutate_sparse, population, sigma, 0.3, np.random.default_rng(1))
    if error:
        problems.append(f"with fraction=0.3: {error}")
    elif not 0.27 <= float((wider != population).mean()) <= 0.33:
        share = float((wider != population).mean())
        problems.append(f"with fraction=0.3 it changed {share:.1%}: use the fraction argument.")
    problems += _rng_problems(mutate_sparse, population, result, sigma, 0.1)
    loop = python_loop(mutate_sparse)
    if loop and not problems:
        problems.append(
            f"the numbers are right, but mutate_sparse uses {loop}, and the exercise asks for "
            "none (a Python step per weight is what made the second write-up's mutation slow). "
            "Draw the whole mask at once, rng.random(population.shape) < fraction, and add "
            "mask * sigma * rng.normal(size=population.shape)."
        )
    return report(problems, "each individual gets N(0, sigma²) noise on its own random 10%.")


def check_mutate_output_layer(mutate_output_layer: Callable) -> bool:
    """Check `mutate_output_layer(population, sigma, layer_sizes, rng)` on two networks."""
    sigma = 0.1
    for sizes in LAYER_SIZES[:2]:
        net = MLP(sizes)
        population = net.init_params(np.random.default_rng(0), pop_size=100)  # (100, n_params)
        args = (sigma, sizes, np.random.default_rng(1))
        result, error = _mutate(mutate_output_layer, population, *args)
        if error:
            return fail(f"For layer sizes {sizes}: {error}")
        n_in, n_out = sizes[-2:]
        start = net.n_params - (n_in * n_out + n_out)  # the output layer is params[..., start:]
        where = (
            f"the output layer is W{len(sizes) - 1} then b{len(sizes) - 1}, the last "
            f"{n_in} * {n_out} + {n_out} = {n_in * n_out + n_out} entries, params[..., {start}:]"
        )
        changed = result != population  # (pop_size, n_params)
        if changed[:, :start].any():
            k = int(np.flatnonzero(changed[:, :start].any(axis=0))[0])
            return fail(f"For layer sizes {sizes}, {_where(net, k)} changed, but {where}.")
        problems = []
        for part, share in (
            ("weights", changed[:, start:-n_out].mean()),
            ("biases", changed[:, -n_out:].mean()),
        ):
            if share < 1:
                amount = "none" if share == 0 else f"only {share:.0%}"
                problems.append(f"{amount} of the output layer's {part} changed; {where}.")
        if not problems:
            noise = (result - population)[:, start:]  # (pop_size, n_last)
            problems = _std_problems(noise, sigma)
            if np.allclose(noise, noise[0]):
                problems.append("every individual got the same noise: draw it per individual.")
        if problems:
            return report([f"For layer sizes {sizes}, {p}" for p in problems], "")
    problems = _rng_problems(mutate_output_layer, population, result, sigma, sizes)
    return report(problems, "only the output layer's W and b get N(0, sigma²) noise.")

"""The exercise checks of 02_numpy_network: True for a right answer; False, with a helpful
message, for typical wrong ones; never an exception."""

import numpy as np
import pytest

from neuroevo_helpers.exercises.nb02 import (
    check_flatten,
    check_mutate_output_layer,
    check_mutate_sparse,
)

# ---- right answers ------------------------------------------------------------------------


def flatten(layers):
    return np.concatenate([np.concatenate([W.ravel(), b]) for W, b in layers])


def mutate_sparse(population, sigma, fraction, rng):
    mask = rng.random(population.shape) < fraction
    return population + mask * sigma * rng.normal(size=population.shape)


def mutate_output_layer(population, sigma, layer_sizes, rng):
    n_in, n_out = layer_sizes[-2:]
    n_last = n_in * n_out + n_out
    child = population.copy()
    child[..., -n_last:] += sigma * rng.normal(size=child[..., -n_last:].shape)
    return child


# ---- typical wrong answers ----------------------------------------------------------------


def stub(*args):
    raise NotImplementedError


def crashes(*args):
    return np.zeros(3) @ np.zeros(4)  # a shape bug inside the learner's code


def flatten_column_major(layers):
    return np.concatenate([np.concatenate([W.ravel(order="F"), b]) for W, b in layers])


def flatten_weights_first(layers):
    return np.concatenate([W.ravel() for W, _ in layers] + [b for _, b in layers])


def flatten_no_biases(layers):
    return np.concatenate([W.ravel() for W, _ in layers])


def flatten_no_return(layers):
    np.concatenate([np.concatenate([W.ravel(), b]) for W, b in layers])


def flatten_no_ravel(layers):
    return np.concatenate([np.concatenate([W, b]) for W, b in layers])


def flatten_two_layers(layers):
    (W1, b1), (W2, b2) = layers  # right for (4, 16, 2) only
    return np.concatenate([W1.ravel(), b1, W2.ravel(), b2])


def flatten_with_a_loop(layers):  # a loop over the layers is fine here: the text allows it
    pieces = []
    for W, b in layers:
        pieces += [W.ravel(), b]
    return np.concatenate(pieces)


def flatten_list_of_pieces(layers):
    return [piece for W, b in layers for piece in (W.ravel(), b)]


def mutate_everything(population, sigma, fraction, rng):
    return population + sigma * rng.normal(size=population.shape)


def mutate_in_place(population, sigma, fraction, rng):
    mask = rng.random(population.shape) < fraction
    population += mask * sigma * rng.normal(size=population.shape)
    return population


def mutate_inverted_mask(population, sigma, fraction, rng):
    mask = rng.random(population.shape) > fraction
    return population + mask * sigma * rng.normal(size=population.shape)


def mutate_variance(population, sigma, fraction, rng):
    mask = rng.random(population.shape) < fraction
    return population + mask * sigma**2 * rng.normal(size=population.shape)


def mutate_global_rng(population, sigma, fraction, rng):
    mask = np.random.random(population.shape) < fraction
    return population + mask * sigma * np.random.normal(size=population.shape)


def mutate_one_mask(population, sigma, fraction, rng):
    mask = rng.random(population.shape[-1]) < fraction  # shared by every individual
    return population + mask * sigma * rng.normal(size=population.shape)


def mutate_fixed_fraction(population, sigma, fraction, rng):
    mask = rng.random(population.shape) < 0.1
    return population + mask * sigma * rng.normal(size=population.shape)


def mutate_first_layer(population, sigma, layer_sizes, rng):
    n_first = layer_sizes[0] * layer_sizes[1] + layer_sizes[1]
    child = population.copy()
    child[:, :n_first] += sigma * rng.normal(size=(len(child), n_first))
    return child


def mutate_output_weights_only(population, sigma, layer_sizes, rng):
    n_in, n_out = layer_sizes[-2:]
    child = population.copy()
    start = child.shape[1] - n_in * n_out - n_out
    child[:, start:-n_out] += sigma * rng.normal(size=(len(child), n_in * n_out))
    return child


def mutate_output_hardcoded(population, sigma, layer_sizes, rng):
    child = population.copy()
    child[:, -34:] += sigma * rng.normal(size=(len(child), 34))  # right for (4, 16, 2) only
    return child


def mutate_output_same_noise(population, sigma, layer_sizes, rng):
    n_in, n_out = layer_sizes[-2:]
    n_last = n_in * n_out + n_out
    child = population.copy()
    child[:, -n_last:] += sigma * rng.normal(size=n_last)
    return child


def mutate_sparse_rows(population, sigma, fraction, rng):
    children = population.copy()
    for child in children:  # a loop over individuals: right numbers, forbidden by the text
        child += (rng.random(child.shape) < fraction) * sigma * rng.normal(size=child.shape)
    return children


def mutate_sparse_genes(population, sigma, fraction, rng):
    return np.array([[p + sigma * rng.normal() if rng.random() < fraction else p for p in row]
                     for row in population])  # fmt: skip


def mutate_sparse_as_list(population, sigma, fraction, rng):
    return list(mutate_sparse(population, sigma, fraction, rng))


def mutate_output_in_place(population, sigma, layer_sizes, rng):
    n_in, n_out = layer_sizes[-2:]
    n_last = n_in * n_out + n_out
    population[:, -n_last:] += sigma * rng.normal(size=(len(population), n_last))
    return population


# ---- tests --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "check, answer",
    [
        (check_flatten, flatten),
        (check_flatten, flatten_with_a_loop),
        (check_mutate_sparse, mutate_sparse),
        (check_mutate_output_layer, mutate_output_layer),
    ],
)
def test_right_answer_passes(check, answer, capsys):
    assert check(answer) is True
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize(
    "check, wrong, hint",
    [
        (check_flatten, stub, "not written yet"),
        (check_flatten, crashes, "raised ValueError"),
        (check_flatten, flatten_column_major, "row-major: W.ravel()"),
        (check_flatten, flatten_weights_first, "all weights come first"),
        (check_flatten, flatten_no_biases, "the weights alone: add each b"),
        (check_flatten, flatten_no_return, "forget the `return`"),
        (check_flatten, flatten_list_of_pieces, "returned a list; return a NumPy array"),
        (check_flatten, flatten_no_ravel, "ravel each W first, W.ravel()"),
        (check_flatten, flatten_two_layers, "(6, 32, 32, 3): calling flatten_two_layers raised"),
        (check_flatten, flatten_two_layers, "has 3 layers"),
        (check_flatten, flatten_two_layers, "loop over them all, for W, b in layers"),
        (check_mutate_sparse, stub, "not written yet"),
        (check_mutate_sparse, mutate_everything, "expected about 10%"),
        (check_mutate_sparse, mutate_in_place, "changed the population it was given"),
        (check_mutate_sparse, mutate_inverted_mask, "the mask is inverted"),
        (check_mutate_sparse, mutate_variance, "That is sigma**2"),
        (check_mutate_sparse, mutate_global_rng, "draw every random number from the rng"),
        (check_mutate_sparse, mutate_one_mask, "the same entries mutated"),
        (check_mutate_sparse, mutate_fixed_fraction, "use the fraction argument"),
        (check_mutate_sparse, mutate_sparse_rows, "uses a for loop, and the exercise asks"),
        (check_mutate_sparse, mutate_sparse_genes, "uses a loop inside a comprehension"),
        (check_mutate_sparse, mutate_sparse_as_list, "returned a list; return a NumPy array"),
        (check_mutate_output_layer, stub, "not written yet"),
        (check_mutate_output_layer, mutate_first_layer, "W1[0, 0] changed"),
        (
            check_mutate_output_layer,
            mutate_output_weights_only,
            "none of the output layer's biases",
        ),
        (check_mutate_output_layer, mutate_output_hardcoded, "only 32% of the output layer's"),
        (check_mutate_output_layer, mutate_output_same_noise, "the same noise"),
        (check_mutate_output_layer, mutate_output_in_place, "changed the population it was given"),
    ],
)
def test_wrong_answer_is_explained(check, wrong, hint, capsys):
    assert check(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:")
    assert hint in out, out

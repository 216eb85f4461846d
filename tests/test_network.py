"""The MLP policy: layout, batched forward pass, and clear errors."""

import numpy as np
import pytest

from neuroevo_helpers import MLP, relu, sigmoid, softmax


def test_n_params_and_layout():
    net = MLP((4, 16, 2))
    assert net.n_params == 4 * 16 + 16 + 16 * 2 + 2 == 114
    params = np.arange(net.n_params, dtype=float)
    (W1, b1), (W2, b2) = net.unflatten(params)
    # documented layout: W1 row-major, then b1, then W2, then b2
    assert W1.shape == (4, 16) and W1[0, 1] == 1 and W1[1, 0] == 16
    assert b1[0] == 64 and W2[0, 0] == 80 and b2[-1] == 113


def test_forward_matches_hand_written_and_loop():
    rng = np.random.default_rng(0)
    net = MLP((5, 7, 3, 2), hidden_activation="relu")
    population = net.init_params(rng, pop_size=6)  # (6, n_params)
    obs = rng.normal(size=(6, 4, 5))  # 4 observations per network
    out = net.forward(population, obs)
    assert out.shape == (6, 4, 2)
    for i, params in enumerate(population):
        h = obs[i]
        layers = net.unflatten(params)
        for k, (W, b) in enumerate(layers):
            h = h @ W + b
            h = relu(h) if k < len(layers) - 1 else h
        np.testing.assert_allclose(out[i], h, rtol=1e-12)
        np.testing.assert_allclose(net.forward(params, obs[i]), h, rtol=1e-12)


def test_population_with_one_obs_each():
    rng = np.random.default_rng(1)
    net = MLP((4, 16, 2))
    population = net.init_params(rng, pop_size=3)
    obs = rng.normal(size=(3, 4))
    assert net.forward(population, obs).shape == (3, 2)
    assert net.act(population, obs).shape == (3,)


def test_tanh_head_is_scaled_to_bounds():
    net = MLP((3, 8, 2), output="tanh", action_low=(-2.0, 0.0), action_high=(2.0, 1.0))
    params = net.init_params(np.random.default_rng(2)) * 50  # saturate
    actions = net.act(params, np.random.default_rng(3).normal(size=(1000, 3)))
    assert actions.shape == (1000, 2)
    assert actions[:, 0].min() >= -2 and actions[:, 0].max() <= 2
    assert actions[:, 1].min() >= 0 and actions[:, 1].max() <= 1
    assert actions[:, 0].min() < -1.5 and actions[:, 0].max() > 1.5  # uses the whole range


def test_init_params_seeded_and_scaled():
    net = MLP((100, 50, 2))
    a = net.init_params(np.random.default_rng(7), pop_size=4)
    b = net.init_params(np.random.default_rng(7), pop_size=4)
    np.testing.assert_array_equal(a, b)
    W1, b1 = net.unflatten(a)[0]
    assert abs(W1.std() - 0.1) < 0.01  # N(0, 1/n_in): std 1/sqrt(100)
    assert np.all(b1 == 0)


def test_stable_activations():
    x = np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):  # an overflow would raise here
        s = sigmoid(x)
        p = softmax(np.array([[1000.0, 999.0], [-1000.0, -1000.0]]))
    np.testing.assert_allclose(s, [0, 1 / (1 + np.e), 0.5, 1 / (1 + np.exp(-1)), 1], atol=1e-12)
    np.testing.assert_allclose(p.sum(axis=1), 1)
    np.testing.assert_allclose(p[1], [0.5, 0.5])


@pytest.mark.parametrize(
    "params, match",
    [
        (np.zeros(113), r"needs n_params=114.*\(114,\)"),
        (np.zeros((3, 115)), r"shape \(3, 115\).*\(pop_size, 114\)"),
        (np.zeros((2, 3, 114)), r"shape \(2, 3, 114\)"),
        (np.full(114, np.nan), r"NaN or inf.*lower sigma"),
    ],
)
def test_bad_params_are_explained(params, match):
    net = MLP((4, 16, 2))
    with pytest.raises(ValueError, match=match):
        net.forward(params, np.zeros(4))


def test_bad_obs_and_shapes_are_explained():
    net = MLP((4, 16, 2))
    population = np.zeros((5, net.n_params))
    with pytest.raises(ValueError, match="last axis of obs must have length 4"):
        net.forward(population[0], np.zeros(3))
    with pytest.raises(
        ValueError, match=r"population of 5 networks needs obs of shape \(5, \.\.\., 4\)"
    ):
        net.forward(population, np.zeros((4, 4)))
    with pytest.raises(ValueError, match="at least an input and an output"):
        MLP((4,))
    with pytest.raises(ValueError, match="Unknown hidden_activation 'gelu'"):
        MLP((4, 2), hidden_activation="gelu")
    with pytest.raises(ValueError, match="pop_size must be a whole number >= 1"):
        net.init_params(np.random.default_rng(0), pop_size=0)


def test_observations_are_normalised_before_the_first_layer():
    rng = np.random.default_rng(4)
    plain = MLP((2, 8, 3))
    scaled = MLP((2, 8, 3), obs_mean=(-0.3, 0.0), obs_std=(0.9, 0.07))
    population = plain.init_params(rng, pop_size=5)
    obs = rng.normal(size=(5, 6, 2))
    expected = plain.forward(population, (obs - np.array([-0.3, 0.0])) / np.array([0.9, 0.07]))
    np.testing.assert_allclose(scaled.forward(population, obs), expected, rtol=1e-12)
    with pytest.raises(ValueError, match="obs_std must be one finite number or 2 of them"):
        MLP((2, 3), obs_mean=0.0, obs_std=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="Give both obs_mean and obs_std"):
        MLP((2, 3), obs_mean=0.0)
    with pytest.raises(ValueError, match="obs_std must be > 0"):
        MLP((2, 3), obs_mean=0.0, obs_std=(1.0, 0.0))

"""Population evaluation on real gymnasium environments."""

import numpy as np
import pytest

from neuroevo_helpers import MLP, evaluate, evaluate_one_by_one, make_env, policy_for_env

# A hand-written CartPole controller: push the cart toward the side the pole leans to
# (angle + angular velocity > 0 -> push right). Outputs: [left, right].
LEAN = MLP((4, 2))
W = np.zeros((4, 2))
W[2:, 1], W[2:, 0] = 1.0, -1.0
LEAN_PARAMS = np.concatenate([W.ravel(), np.zeros(2)])
ALWAYS_LEFT = np.concatenate([np.zeros(8), [1.0, 0.0]])  # bias picks action 0


def test_hand_written_policy_returns():
    good = evaluate(LEAN, LEAN_PARAMS, "CartPole-v1", n_episodes=100, seed=1000)
    bad = evaluate(LEAN, ALWAYS_LEFT, "CartPole-v1", n_episodes=100, seed=1000)
    assert good.episode_returns.shape == (100,)
    assert good.fitness >= 475  # this simple rule solves CartPole-v1
    assert 8 <= bad.episode_returns.min() and bad.episode_returns.max() <= 11  # falls at once
    # CartPole pays 1 per step: steps counted == return summed, so no step after an
    # episode's end (auto-reset) was counted.
    assert good.n_steps == good.episode_returns.sum() and bad.n_steps == bad.episode_returns.sum()


def test_same_seed_same_numbers_and_common_starts():
    net = policy_for_env("CartPole-v1")
    population = net.init_params(np.random.default_rng(0), pop_size=8)
    a = evaluate(net, population, "CartPole-v1", n_episodes=3, seed=5)
    b = evaluate(net, population, "CartPole-v1", n_episodes=3, seed=5)
    np.testing.assert_array_equal(a.episode_returns, b.episode_returns)
    assert a.fitness.shape == (8,) and a.episode_returns.shape == (8, 3)
    # every individual faces the same start states: identical networks score identically
    twins = evaluate(net, np.stack([population[0]] * 4), "CartPole-v1", n_episodes=3, seed=5)
    assert np.all(twins.episode_returns == twins.episode_returns[0])
    other = evaluate(net, population, "CartPole-v1", n_episodes=3, seed=6)
    assert not np.array_equal(a.episode_returns, other.episode_returns)


@pytest.mark.parametrize("env_id", ["CartPole-v1", "Acrobot-v1", "Pendulum-v1"])
def test_batched_equals_one_by_one(env_id):
    net = policy_for_env(env_id, hidden=(8,))
    population = net.init_params(np.random.default_rng(3), pop_size=3)
    kwargs = dict(n_episodes=2, seed=11, max_episode_steps=60)
    batched = evaluate(net, population, env_id, **kwargs, backend="gymnasium")  # same episodes
    slow = evaluate_one_by_one(net, population, env_id, **kwargs)
    np.testing.assert_allclose(batched.episode_returns, slow.episode_returns, rtol=1e-9)
    assert batched.n_steps == slow.n_steps


def test_time_limit_is_respected():
    result = evaluate(LEAN, LEAN_PARAMS, "CartPole-v1", n_episodes=5, seed=1, max_episode_steps=50)
    assert np.all(result.episode_returns == 50) and result.n_steps == 250


def test_policy_for_env_shapes():
    assert policy_for_env("CartPole-v1").layer_sizes == (4, 16, 2)
    pendulum = policy_for_env("Pendulum-v1", hidden=(32, 32))
    assert pendulum.layer_sizes == (3, 32, 32, 1) and pendulum.output == "tanh"
    assert pendulum.action_low == (-2.0,) and pendulum.action_high == (2.0,)


def test_unknown_env_suggests_close_matches():
    with pytest.raises(ValueError, match=r"Unknown environment id 'CartPole-v2'.*'CartPole-v1'"):
        make_env("CartPole-v2")
    with pytest.raises(ValueError, match=r"Did you mean.*'Acrobot-v1'"):
        evaluate(LEAN, LEAN_PARAMS, "Acrobat-v1")


def test_bad_evaluation_input_is_explained():
    with pytest.raises(ValueError, match="n_episodes must be a whole number >= 1; got 0"):
        evaluate(LEAN, LEAN_PARAMS, "CartPole-v1", n_episodes=0)
    with pytest.raises(ValueError, match="pop_size must be >= 1"):
        evaluate(LEAN, np.zeros((0, LEAN.n_params)), "CartPole-v1")
    with pytest.raises(ValueError, match=r"needs n_params=10"):
        evaluate(LEAN, np.zeros((4, 11)), "CartPole-v1")
    with pytest.raises(ValueError, match="NaN or inf"):
        evaluate(LEAN, np.full((2, 10), np.inf), "CartPole-v1")
    with pytest.raises(ValueError, match=r"does not fit Acrobot-v1.*6 observations and 3 actions"):
        evaluate(LEAN, LEAN_PARAMS, "Acrobot-v1")
    with pytest.raises(TypeError, match="policy must be an MLP"):
        evaluate("CartPole-v1", LEAN_PARAMS, "CartPole-v1")


def test_seeds_accept_numpy_ints_and_reject_the_rest():
    rng = np.random.default_rng(0)
    seed = rng.integers(10**9)  # a NumPy integer, as a learner would pass it
    a = evaluate(LEAN, LEAN_PARAMS, "CartPole-v1", n_episodes=2, seed=seed)
    assert np.array_equal(
        a.episode_returns, evaluate(LEAN, LEAN_PARAMS, "CartPole-v1", 2, int(seed)).episode_returns
    )
    for bad in (None, 1.5, -1):
        with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
            evaluate(LEAN, LEAN_PARAMS, "CartPole-v1", seed=bad)


def test_init_params_without_rng_is_explained():
    with pytest.raises(TypeError, match=r"needs a random generator first.*default_rng"):
        LEAN.init_params(64)


def test_policy_for_env_can_normalise_bounded_observations():
    car = policy_for_env("MountainCar-v0", normalize=True)
    np.testing.assert_allclose(car.obs_mean, (-0.3, 0.0), atol=1e-6)
    np.testing.assert_allclose(car.obs_std, (0.9, 0.07), atol=1e-6)
    with pytest.raises(ValueError, match="needs finite observation bounds.*normalize=False"):
        policy_for_env("CartPole-v1", normalize=True)


def test_evaluate_calls_a_subclass_that_changes_forward():
    class Flipped(MLP):  # like 04's FirstWriteUpNet: a subclass with its own forward
        def forward(self, params, obs):
            return -super().forward(params, obs)

    policy = Flipped((4, 16, 2))
    population = policy.init_params(np.random.default_rng(0), 8)
    batched = evaluate(policy, population, "CartPole-v1", 3, seed=5)
    looped = evaluate_one_by_one(policy, population, "CartPole-v1", 3, seed=5)
    plain = evaluate(MLP((4, 16, 2)), population, "CartPole-v1", 3, seed=5)
    assert np.array_equal(batched.episode_returns, looped.episode_returns)
    assert not np.array_equal(batched.episode_returns, plain.episode_returns)


def test_observation_stats_are_seeded_and_floored():
    import neuroevo_helpers as nh
    from neuroevo_helpers import observation_stats

    mean, std = observation_stats("LunarLanderContinuous-v3", n_episodes=3, seed=5)
    again = observation_stats("LunarLanderContinuous-v3", n_episodes=3, seed=5)
    other = observation_stats("LunarLanderContinuous-v3", n_episodes=3, seed=6)
    assert mean.shape == std.shape == (8,)
    assert np.array_equal(mean, again[0]) and np.array_equal(std, again[1])
    assert not np.array_equal(mean, other[0])
    assert std.min() >= 1e-3
    seen = nh.random_play_observations("LunarLanderContinuous-v3", n_episodes=3, seed=5)
    assert seen.shape[1] == 8 and np.allclose(seen.mean(axis=0), mean, rtol=1e-3, atol=1e-6)
    # CartPole's cart starts near the middle: every observation is small, none is constant
    mean, std = observation_stats("CartPole-v1", n_episodes=5, min_std=0.5)
    assert np.all(np.abs(mean) < 0.5) and std.min() >= 0.5
    with pytest.raises(ValueError, match="min_std must be > 0"):
        observation_stats("CartPole-v1", min_std=0)
    with pytest.raises(ValueError, match="n_episodes"):
        observation_stats("CartPole-v1", n_episodes=0)

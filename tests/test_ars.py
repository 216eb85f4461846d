"""ARS: its update by hand, its running normalisation folded into the first layer, and V2-t
learning a real env through `recipes.build` and `train`."""

import numpy as np
import pytest

import neuroevo_helpers as nh
from neuroevo_helpers import ARS, RunningStats, recipes


def test_the_step_uses_the_top_directions_divided_by_their_return_std():
    rng = np.random.default_rng(0)
    ars = ARS(np.zeros(3), n_directions=4, n_top=2, step_size=0.1, noise=0.5, rng=rng)
    population = ars.ask()
    delta = (population[:4] - 0) / 0.5  # rows k and k + 4 are +delta_k and -delta_k
    np.testing.assert_allclose(population[4:], -population[:4])
    r_plus, r_minus = np.array([1.0, 5.0, 2.0, 0.0]), np.array([3.0, 0.0, 1.0, 4.0])
    ars.tell(population, np.concatenate([r_plus, r_minus]))
    # best side per direction: 3, 5, 2, 4 -> directions 1 and 3
    top = [1, 3]
    sigma_r = np.std([5.0, 0.0, 0.0, 4.0])
    expected = 0.1 / (2 * sigma_r) * ((5 - 0) * delta[1] + (0 - 4) * delta[3])
    np.testing.assert_allclose(ars.theta, expected)
    assert ars.generation == 1 and top == [1, 3]


def test_rows_in_any_order_and_equal_returns():
    a = ARS(np.ones(4), 6, 3, 0.05, 0.1, np.random.default_rng(2))
    b = ARS(np.ones(4), 6, 3, 0.05, 0.1, np.random.default_rng(2))
    x = a.ask()
    b.ask()
    fitness = -np.sum(x**2, axis=1)
    shuffle = np.random.default_rng(0).permutation(len(x))
    a.tell(x, fitness)
    b.tell(x[shuffle], fitness[shuffle])
    np.testing.assert_allclose(a.theta, b.theta)
    c = ARS(np.ones(4), 6, 3, 0.05, 0.1, np.random.default_rng(2))
    c.tell(c.ask(), np.zeros(12))  # every return equal: no direction is better, no step
    np.testing.assert_array_equal(c.theta, np.ones(4))


def test_running_stats_match_numpy_over_batches():
    data = np.random.default_rng(0).normal([1.0, -2.0], [0.5, 3.0], size=(1000, 2))
    stats = RunningStats(2)
    np.testing.assert_array_equal(stats.std, 1.0)  # before any data: no scaling
    for batch in np.array_split(data, 7):
        stats.update(np.stack([np.full(2, len(batch)), batch.sum(0), (batch**2).sum(0)]))
    np.testing.assert_allclose(stats.mean, data.mean(axis=0))
    np.testing.assert_allclose(stats.std, data.std(axis=0))
    with pytest.raises(ValueError, match="obs_moments"):
        stats.update(np.zeros((2, 2)))


def test_evaluate_reports_the_moments_of_the_observations_played():
    import gymnasium as gym

    policy = nh.policy_for_env("CartPole-v1", hidden=())
    params = policy.init_params(np.random.default_rng(0))
    result = nh.evaluate(policy, params, "CartPole-v1", 2, seed=5, backend="gymnasium")
    seen, env = [], gym.make("CartPole-v1")
    for e in range(2):  # the same episodes, one step at a time
        obs, _ = env.reset(seed=5 + e)
        done = False
        while not done:
            seen.append(obs)
            obs, _, terminated, truncated, _ = env.step(int(policy.act(params, obs)))
            done = terminated or truncated
    seen = np.array(seen, dtype=float)
    assert result.obs_moments.shape == (3, 4)
    np.testing.assert_array_equal(result.obs_moments[0], len(seen))
    assert len(seen) == result.n_steps  # one observation per step played
    np.testing.assert_allclose(result.obs_moments[1], seen.sum(axis=0), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(result.obs_moments[2], (seen**2).sum(axis=0), rtol=1e-6)


@pytest.mark.parametrize("hidden", [(), (8,)])
def test_normalisation_is_folded_into_the_first_layer(hidden):
    policy = nh.policy_for_env("Pendulum-v1", hidden=hidden)
    ars = ARS(policy.init_params(np.random.default_rng(1)), 4, 2, 0.02, 0.03,
              np.random.default_rng(0), policy=policy)  # fmt: skip
    ars.stats.update(np.stack([np.full(3, 50.0), [10.0, -5.0, 40.0], [60.0, 80.0, 900.0]]))
    obs = np.random.default_rng(2).normal(size=(7, 3)) * [1, 1, 5]
    normalised = (obs - ars.stats.mean) / ars.stats.std
    np.testing.assert_allclose(
        policy.forward(ars.center, obs), policy.forward(ars.theta, normalised), atol=1e-12
    )
    rows = ars._unfold(ars.ask(), *ars._asked)  # back in theta's space: theta +- noise * delta
    np.testing.assert_allclose(rows[:4] + rows[4:], np.tile(2 * ars.theta, (4, 1)), atol=1e-12)
    assert not np.allclose(rows[:4], ars.theta)


def test_v2t_learns_cartpole_through_the_recipe_and_resumes(tmp_path):
    settings = recipes.recipe("ars", "CartPole-v1")
    assert settings["hidden"] == () and settings["obs_norm"]

    def one_run(checkpoint=None, stop_after=None):
        rngs = nh.protocol.generators(0)
        policy, ars, fitness_fn, _ = recipes.build("ars", "CartPole-v1", settings, rngs.noise,
                                                   "gymnasium", init_rng=rngs.init)  # fmt: skip
        calls = []

        def play(population, seed):
            calls.append(seed)
            if stop_after is not None and len(calls) > stop_after:
                raise KeyboardInterrupt
            return fitness_fn(population, seed)

        result = nh.train(ars, play, 12, rngs.episodes, checkpoint=checkpoint, progress=False)
        return policy, ars, result

    policy, ars, full = one_run()
    assert ars.stats.count > 0  # it learned the observations' scale from what it played
    assert max(full.history["best"]) >= 200  # from 9 at the start (a zero policy)
    one_run(tmp_path / "ars.npz", stop_after=5)
    _, resumed_ars, resumed = one_run(tmp_path / "ars.npz")
    assert resumed.history == full.history
    np.testing.assert_array_equal(resumed_ars.center, ars.center)


def test_bad_input_is_explained():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="n_top keeps the best"):
        ARS(np.zeros(3), 4, 5, 0.02, 0.03, rng)
    with pytest.raises(ValueError, match="noise must be a positive number"):
        ARS(np.zeros(3), 4, 2, 0.02, 0.0, rng)
    scaled = nh.policy_for_env("Pendulum-v1", hidden=(), normalize=True)
    with pytest.raises(ValueError, match="normalises observations itself"):
        ARS(np.zeros(scaled.n_params), 4, 2, 0.02, 0.03, rng, policy=scaled)
    ars = ARS(np.zeros(3), 4, 2, 0.02, 0.03, rng)
    rows = ars.ask()
    with pytest.raises(ValueError, match="not pairs"):
        ars.tell(rows + rng.normal(size=rows.shape), np.zeros(8))

"""Training-only shaping (nh.Shaping): what it changes, and that validation and test refuse it."""

import numpy as np
import pytest

import neuroevo_helpers as nh
from neuroevo_helpers import protocol, recipes
from neuroevo_helpers.backends import envpool_installed

ENV = "BipedalWalker-v3"
LINEAR = nh.policy_for_env(ENV, hidden=())


def biased(*torques):
    """A linear walker that ignores what it sees and applies fixed torques (tanh(3) ~ 1)."""
    params = np.zeros(LINEAR.n_params)
    params[-4:] = 3 * np.array(torques, dtype=float)
    return params


FALLS = biased(1, 1, 1, 1)  # throws itself over within a few hundred steps: -100
STANDS = biased(1, 0, -1, 0)  # braced on its legs until the time limit, paying torque


def test_step_rule_by_hand():
    shaping = nh.Shaping(fall_reward=0.0, patience=2)
    state = shaping.start(3)
    returns, running = np.zeros(3), np.array([True, True, False])
    reward, stop = shaping.step(
        state, returns, np.array([-100.0, 1.0, -100.0]), np.array([True, False, True]), running
    )
    assert reward.tolist() == [0.0, 1.0, 0.0]  # only a -100 that ends the episode is replaced
    assert not stop.any()
    returns += reward * running
    running = np.array([False, True, False])  # copy 0's episode ended with its fall
    # copy 1 stalls: two steps without a new high, then it is stopped
    for expected in ([False, False, False], [False, True, False]):
        reward, stop = shaping.step(state, returns, np.array([0.0, -0.5, 0.0]),
                                    np.zeros(3, dtype=bool), running)  # fmt: skip
        returns += reward * running
        assert stop.tolist() == expected
    # a -100 that does not end the episode is kept
    reward, _ = shaping.step(state, returns, np.full(3, -100.0), np.zeros(3, dtype=bool), running)
    assert reward.tolist() == [-100.0] * 3


def test_fall_reward_replaces_exactly_the_fall():
    plain = nh.evaluate(LINEAR, FALLS, ENV, 3, seed=0, backend="gymnasium")
    shaped = nh.evaluate(LINEAR, FALLS, ENV, 3, seed=0, backend="gymnasium",
                         shaping=nh.Shaping(fall_reward=0.0))  # fmt: skip
    assert plain.episode_returns.max() < -100  # it fell every time
    np.testing.assert_allclose(shaped.episode_returns - plain.episode_returns, 100.0)
    assert shaped.n_steps == plain.n_steps < 3 * 1600


def test_patience_cuts_episodes_that_stop_improving():
    plain = nh.evaluate(LINEAR, STANDS, ENV, 3, seed=0, backend="gymnasium")
    assert plain.n_steps == 3 * 1600  # standing to the time limit
    shaped = nh.evaluate(LINEAR, STANDS, ENV, 3, seed=0, backend="gymnasium",
                         shaping=nh.Shaping(patience=50))  # fmt: skip
    # its return only falls (torque costs), so it never beats 0: cut after 50 steps each
    assert shaped.n_steps == 3 * 50
    short = nh.evaluate(LINEAR, STANDS, ENV, 3, seed=0, backend="gymnasium", max_episode_steps=50)
    np.testing.assert_allclose(shaped.episode_returns, short.episode_returns)


@pytest.mark.skipif(not envpool_installed(), reason="envpool is not installed")
def test_shaping_on_envpool_too():
    def play(params, shaping=None):
        return nh.evaluate(LINEAR, params, ENV, 2, seed=0, backend="envpool", shaping=shaping)

    fell, fell_shaped = play(FALLS), play(FALLS, nh.Shaping(fall_reward=0.0))
    np.testing.assert_allclose(fell_shaped.episode_returns - fell.episode_returns, 100.0)
    assert play(STANDS).n_steps == 2 * 1600
    assert play(STANDS, nh.Shaping(patience=50)).n_steps == 2 * 50


def test_validation_and_test_refuse_shaping():
    for score in (protocol.score_on_validation, protocol.score_on_test):
        with pytest.raises(ValueError, match="shaping changes only training episodes"):
            score(LINEAR, FALLS, ENV, 100, shaping=nh.Shaping(fall_reward=0.0))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(patience=0), "patience must be a whole number"),
        (dict(patience=2.5), "patience must be a whole number"),
        (dict(fall_reward=float("nan")), "fall_reward must be a finite number"),
    ],
)
def test_bad_settings_get_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        nh.Shaping(**kwargs)


def test_evaluate_refuses_other_shaping():
    with pytest.raises(TypeError, match="shaping must be None or nh.Shaping"):
        nh.evaluate(LINEAR, FALLS, ENV, 1, shaping={"fall_reward": 0})


def test_recipes_build_shaping_from_settings():
    assert recipes.shaping_for({"n_episodes": 1}) is None
    assert recipes.shaping_for({"fall_reward": 0, "patience": 100}) == nh.Shaping(0, 100)

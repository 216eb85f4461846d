"""The course's own env, neuroevo_helpers/CyclicMDP-v0."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import neuroevo_helpers as nh
from neuroevo_helpers.cyclic_mdp import CORRECT, ENV_ID


def test_passes_gymnasiums_checker_and_renders():
    env = gym.make(ENV_ID, render_mode="rgb_array")
    check_env(env.unwrapped)
    env.reset(seed=0)
    frame = env.render()
    assert frame.shape == (120, 360, 3) and frame.dtype == np.uint8
    env.close()


def test_the_right_policy_gets_the_maximum_and_random_play_about_a_third():
    right = nh.rollout(ENV_ID, lambda obs: CORRECT[int(np.argmax(obs))], seed=3)
    assert right.episode_return == 30 and right.length == 30
    random = [nh.rollout(ENV_ID, None, seed=s).episode_return for s in range(200)]
    assert 5 < np.mean(random) < 12


def test_batched_evaluation_matches_a_loop_and_wrong_actions_are_refused():
    policy = nh.policy_for_env(ENV_ID, hidden=(4,))
    population = policy.init_params(np.random.default_rng(0), 6)
    batched = nh.evaluate(policy, population, ENV_ID, 3, seed=5)
    slow = nh.evaluate_one_by_one(policy, population, ENV_ID, 3, seed=5)
    np.testing.assert_array_equal(batched.episode_returns, slow.episode_returns)
    env = gym.make(ENV_ID)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="action 0, 1 or 2"):
        env.unwrapped.step(3)

"""The course's own deceptive maze, neuroevo_helpers/DeceptiveMaze-v0: the single env (the
reference, plain Python) and its NumPy vector version, step for step."""

import math

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import neuroevo_helpers as nh
from neuroevo_helpers import maze


def test_passes_gymnasiums_checker_and_renders_the_maze():
    env = gym.make(maze.ENV_ID, render_mode="rgb_array")
    check_env(env.unwrapped)
    env.reset(seed=0)
    frame = env.render()
    assert frame.dtype == np.uint8 and frame.shape == (272, 592, 3)
    assert (frame == (40, 170, 60)).all(axis=-1).any()  # the goal is drawn
    assert gym.spec(maze.ENV_ID).max_episode_steps == 400
    env.close()


def test_the_vector_env_matches_the_single_env_step_for_step():
    n, rng = 12, np.random.default_rng(0)
    seeds = [int(s) for s in rng.integers(10**6, size=n)]
    vec = gym.make_vec(maze.ENV_ID, n, vectorization_mode="vector_entry_point")
    singles = [gym.make(maze.ENV_ID) for _ in range(n)]
    obs_v, _ = vec.reset(seed=seeds)
    obs_s = np.stack([env.reset(seed=s)[0] for env, s in zip(singles, seeds)])
    np.testing.assert_array_equal(obs_v, obs_s)
    for _ in range(400):
        actions = rng.uniform(-1.3, 1.3, size=(n, 2))  # outside [-1, 1] too: both clip
        obs_v, rew_v, term_v, trunc_v, _ = vec.step(actions)
        out = [env.step(a) for env, a in zip(singles, actions)]
        np.testing.assert_allclose(obs_v, np.stack([o[0] for o in out]), atol=1e-6)
        np.testing.assert_allclose(rew_v, [o[1] for o in out], atol=1e-12)
        assert (term_v == [o[2] for o in out]).all() and (trunc_v == [o[3] for o in out]).all()
    assert trunc_v.all()  # all 400 steps played, so the time limit ended every episode
    vec.close()


def test_sensors_walls_and_the_goal():
    env = maze.DeceptiveMaze()
    obs, _ = env.reset(seed=0)
    assert obs.shape == (12,) and np.isclose(math.dist((env.x, env.y), maze.START), 0, atol=3)
    # facing right at the start: the goal is ahead (radar slice 0), the floor 17 below
    env.x, env.y, env.heading = 30.0, 22.0, 0.0
    obs = env._obs()
    np.testing.assert_array_equal(obs[6:10], [1, 0, 0, 0])
    assert np.isclose(obs[0] * maze.RANGE, 17.0)  # rangefinder at -90 degrees: the floor
    # 45 degrees: the long wall from (58, 65) to (241, 135), worked out by hand
    assert np.isclose(obs[3] * maze.RANGE, 73.952, atol=1e-3)
    assert np.isclose(obs[2] * maze.RANGE, 65.162, atol=1e-3)  # ahead: wall (114,5)-(73,42)
    # a robot pushing into the floor does not move
    env.x, env.y, env.heading, env.speed = 30.0, 13.5, 270.0, 3.0
    env.step(np.array([0.0, 1.0]))
    assert (env.x, env.y) == (30.0, 13.5)
    with pytest.raises(ValueError, match="2 finite actions"):
        env.step(np.array([np.nan, 0.0]))


def test_reaching_the_goal_pays_one_and_ends_the_episode():
    env = maze.DeceptiveMaze()
    env.reset(seed=0)
    env.x, env.y, env.heading, env.speed = maze.GOAL[0] - 6.0, maze.GOAL[1], 0.0, 2.0
    env.distance = 6.0
    _, reward, terminated, truncated, _ = env.step(np.array([0.0, 0.0]))
    assert terminated and not truncated
    assert np.isclose(reward, 1 + 2.0 / maze.START_DISTANCE)


def test_evaluate_uses_the_vector_env_and_agrees_with_the_slow_loop():
    policy = nh.policy_for_env(maze.ENV_ID, hidden=(8,))
    population = policy.init_params(np.random.default_rng(1), 5)
    final = nh.FinalObservation((10, 11), names=("x", "y"))
    fast = nh.evaluate(policy, population, maze.ENV_ID, 2, seed=7, descriptor=final)
    slow = nh.evaluate_one_by_one(policy, population, maze.ENV_ID, 2, seed=7)
    np.testing.assert_allclose(fast.episode_returns, slow.episode_returns, atol=1e-9)
    assert fast.n_steps == slow.n_steps
    assert fast.descriptors.shape == (5, 2, 2)
    where = maze.final_position(fast.descriptors)
    assert np.all((where >= maze.LOW) & (where <= maze.HIGH))
    # robot 3's last position in its second episode, as the single env sees it
    env = gym.make(maze.ENV_ID)
    obs, _ = env.reset(seed=8)
    done = False
    while not done:
        obs, _, terminated, truncated, _ = env.step(policy.act(population[3], obs))
        done = terminated or truncated
    np.testing.assert_allclose(where[3, 1], (env.unwrapped.x, env.unwrapped.y), atol=0.01)

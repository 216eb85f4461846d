"""Rollouts and GIFs: valid, looping, small, and never half-written."""

import gymnasium as gym
import imageio.v3 as iio
import numpy as np
import pytest

import neuroevo_helpers.gifs as gifs
from neuroevo_helpers import record_gif, rollout, show_gif

from .test_envs import LEAN, LEAN_PARAMS


def test_rollout_random_and_policy():
    random_ep = rollout("CartPole-v1", None, seed=3)
    assert random_ep == rollout("CartPole-v1", None, seed=3)  # seeded random actions
    assert random_ep.frames == [] and random_ep.length == random_ep.episode_return
    ep = rollout("CartPole-v1", LEAN, LEAN_PARAMS, seed=1000, render=True, every=5)
    assert ep.episode_return == 500
    assert len(ep.frames) == 500 // 5 + 1 and ep.frames[0].shape == (400, 600, 3)
    assert rollout("CartPole-v1", lambda obs: 0, seed=0).length < 15  # a plain function works


def test_full_episode_gif_is_valid_looping_and_small(tmp_path):
    path = tmp_path / "lean.gif"
    ep = record_gif(path, "CartPole-v1", LEAN, LEAN_PARAMS, label="lean", seed=1000)
    assert ep.episode_return == 500
    frames = iio.imread(path)
    meta = iio.immeta(path)
    assert frames.ndim == 4 and frames.shape[0] > 1  # animated
    assert meta["loop"] == 0  # loops forever
    assert meta["duration"] == 40  # 50 fps env, every 2nd frame
    assert path.stat().st_size < 300_000  # a 500-step episode, well under 1 MB
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_failure_leaves_no_half_written_file(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"old")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(gifs.iio, "imwrite", fail)
    with pytest.raises(OSError, match="disk full"):
        gifs.write_video(path, [np.zeros((4, 4, 3), np.uint8)] * 2)
    assert path.read_bytes() == b"old"  # the old file is untouched
    assert list(tmp_path.iterdir()) == [path]  # and no temporary file is left


def test_bad_paths_are_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist: create it first"):
        record_gif(tmp_path / "missing" / "a.gif", "CartPole-v1")
    with pytest.raises(ValueError, match="must end in .gif"):
        record_gif(tmp_path / "a.mp4", "CartPole-v1")  # record_side_by_side writes MP4
    with pytest.raises(ValueError, match="scale must be in"):
        record_gif(tmp_path / "a.gif", "CartPole-v1", scale=2)
    with pytest.raises(FileNotFoundError, match="write it first"):
        show_gif(tmp_path / "nothing.gif")


class NoFrames(gym.Env):
    metadata = {"render_modes": []}
    observation_space = gym.spaces.Box(-1, 1, (2,))
    action_space = gym.spaces.Discrete(2)


def test_env_that_cannot_render_is_explained(tmp_path):
    gym.register("TestNoFrames-v0", entry_point=NoFrames)
    try:
        with pytest.raises(ValueError, match=r"TestNoFrames-v0 cannot render frames.*rgb_array"):
            record_gif(tmp_path / "a.gif", "TestNoFrames-v0")
    finally:
        del gym.registry["TestNoFrames-v0"]


def test_bad_policy_is_explained():
    with pytest.raises(ValueError, match="needs its params"):
        rollout("CartPole-v1", LEAN)
    with pytest.raises(ValueError, match="plays one network"):
        rollout("CartPole-v1", LEAN, np.zeros((2, LEAN.n_params)))
    with pytest.raises(ValueError, match="does not fit Pendulum-v1"):
        rollout("Pendulum-v1", LEAN, LEAN_PARAMS)


def test_show_gif_displays(tmp_path):
    path = record_gif(tmp_path / "a.gif", "CartPole-v1", None, seed=0) and tmp_path / "a.gif"
    image = show_gif(path)
    assert image.format == "gif" and image.data[:6] == b"GIF89a"


def test_rollout_misuse_is_explained_and_plain_functions_are_forgiven():
    with pytest.raises(ValueError, match="params were given but no policy"):
        rollout("CartPole-v1", None, LEAN_PARAMS)
    with pytest.raises(TypeError, match=r"got a ndarray.*rollout\(env_id, policy, params\)"):
        rollout("CartPole-v1", LEAN_PARAMS)
    # a function returning a NumPy bool, or a float for a continuous env, still works
    assert rollout("CartPole-v1", lambda obs: obs[2] + obs[3] > 0, seed=1000).episode_return == 500
    assert rollout("Pendulum-v1", lambda obs: 0.5, seed=0).length == 200

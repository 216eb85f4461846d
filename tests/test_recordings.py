"""Recordings for slides: side by side or in a grid, as GIF and MP4, legible and honest.

Every file is decoded: its size, frame count, looping, held last frame and title band.
"""

import re
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

import neuroevo_helpers.gifs as gifs
from neuroevo_helpers import record_side_by_side, rollout
from neuroevo_helpers.__main__ import main
from neuroevo_helpers.agents import load_agent
from neuroevo_helpers.gifs import TITLE_BG, median_episode_seed, record_panels
from neuroevo_helpers.protocol import TEST_SEED

from .test_envs import LEAN, LEAN_PARAMS

ROOT = Path(__file__).resolve().parents[1]
RANDOM = ("random actions", None, None)


def n_frames(length: int, every: int) -> int:
    """Frames a recording of an episode of `length` steps keeps: the start, every
    `every`-th step, and the last step."""
    return 1 + length // every + (length % every != 0)


def title_band(frame: np.ndarray) -> bool:
    """A dark band across the top with light text in it."""
    band = frame[: max(8, frame.shape[1] // 40)].astype(int)
    dark = np.abs(band - np.array(TITLE_BG)).sum(axis=-1) < 40
    return dark.mean() > 0.7 and (band.min(axis=-1) > 200).any()


def test_side_by_side_gif_is_wide_titled_counted_and_held(tmp_path):
    path = tmp_path / "pair.gif"
    left, right = record_side_by_side(
        path, "CartPole-v1", RANDOM, ("lean", LEAN, LEAN_PARAMS), seed=1000, every=10
    )
    assert left.ending.startswith("pole fell, step") and right.ending == "time limit, 500 steps"
    frames = iio.imread(path)
    assert frames.shape[2] == 960 and frames.shape[0] == n_frames(500, 10) + 1  # + the ending
    assert title_band(frames[0])
    assert iio.immeta(path)["loop"] == 0
    assert iio.immeta(path, index=0)["duration"] == 200  # 50 fps env, every 10th frame
    assert iio.immeta(path, index=len(frames) - 1)["duration"] >= 2000  # held before the loop
    # The random half ended long before the last frame: dimmed, where it was white.
    white = [(frames[i, 100:-60, :400] == 255).all(axis=-1).mean() for i in (0, -1)]
    assert white[0] > 0.8 and white[1] < 0.2
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_mp4_is_h264_yuv420p_with_even_size_every_frame_and_a_hold(tmp_path):
    path = tmp_path / "talk.mp4"
    right = ("always right", lambda obs: 1, None)
    left, right = record_side_by_side(path, "CartPole-v1", RANDOM, right, seed=3, width=961)
    meta = iio.immeta(path, plugin="FFMPEG")
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    assert meta["fps"] == 50  # CartPole's render_fps: every step is a frame
    frames = iio.imread(path, plugin="FFMPEG")
    assert frames.shape[1] % 2 == 0 and frames.shape[2] % 2 == 0 and frames.shape[2] >= 960
    longest = max(left.length, right.length)
    assert frames.shape[0] == n_frames(longest, 1) + 1 + 2 * 50  # + the ending, held 2 s
    assert title_band(frames[0])
    assert path.stat().st_size < 1_000_000


def test_progression_grid_plays_every_panel_on_one_episode(tmp_path):
    path = tmp_path / "grid.gif"
    panels = [("never moves left", lambda obs: 1, None), ("lean", LEAN, LEAN_PARAMS)] * 2
    episodes = record_panels(path, "CartPole-v1", panels, seeds=[7] * 4, width=640, every=25)
    assert [ep.episode_return for ep in episodes[:2]] == [
        rollout("CartPole-v1", lambda obs: 1, seed=7).episode_return,
        500.0,
    ]
    frames = iio.imread(path)
    assert frames.shape[2] == 640 and frames.shape[1] > 0.8 * frames.shape[2]  # two rows of two
    assert title_band(frames[0])


def test_how_episodes_end_is_read_from_the_last_step():
    end = gifs._ending
    assert end("CartPole-v1", True, 1.0, np.array([0.1, 0, 0.3, 0]), 21) == "pole fell, step 21"
    assert end("CartPole-v1", True, 1.0, np.array([2.5, 0, 0, 0]), 80).startswith("cart left")
    assert end("CartPole-v1", False, 1.0, np.zeros(4), 500) == "time limit, 500 steps"
    lander = "LunarLanderContinuous-v3"
    assert end(lander, True, -100.0, np.zeros(8), 90) == "crashed, step 90"
    assert end(lander, True, -100.0, np.array([1.2, *[0] * 7]), 90).startswith("left the screen")
    assert end(lander, True, 103.5, np.zeros(8), 300) == "landed, step 300"
    assert end("Acrobot-v1", True, 0.0, np.zeros(6), 94) == "swung up, step 94"
    assert end("BipedalWalker-v3", True, -100.0, np.zeros(24), 60) == "fell, step 60"


def test_the_random_side_is_the_median_of_its_episodes():
    seeds = range(TEST_SEED, TEST_SEED + 20)
    seed, value = median_episode_seed("CartPole-v1", None, None, seeds)
    returns = [rollout("CartPole-v1", None, seed=s).episode_return for s in seeds]
    assert seed in seeds and value == rollout("CartPole-v1", None, seed=seed).episode_return
    assert sorted(returns)[9] <= value <= sorted(returns)[10]  # one of the middle two


def test_bad_recording_input_is_explained(tmp_path):
    pair = ("CartPole-v1", RANDOM, RANDOM)
    with pytest.raises(ValueError, match=r"must end in .gif or .mp4"):
        record_side_by_side(tmp_path / "a.avi", *pair)
    with pytest.raises(ValueError, match="width must be a whole number of pixels"):
        record_side_by_side(tmp_path / "a.gif", *pair, width=100)
    with pytest.raises(ValueError, match="seed must be one int or a pair"):
        record_side_by_side(tmp_path / "a.gif", *pair, seed=(1, 2, 3))
    with pytest.raises(ValueError, match="one seed per panel"):
        record_panels(tmp_path / "a.gif", "CartPole-v1", [RANDOM] * 2, seeds=[1])
    with pytest.raises(ValueError, match=r"\(height, width, 3\) uint8"):
        gifs.write_gif(tmp_path / "a.gif", [np.zeros((4, 4))])


def test_mp4_without_the_ffmpeg_plugin_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # as if not installed
    with pytest.raises(ImportError, match=r'pip install "imageio\[ffmpeg\]"'):
        gifs.write_mp4(tmp_path / "a.mp4", [np.zeros((4, 4, 3), np.uint8)] * 2)
    assert list(tmp_path.iterdir()) == []


def test_record_progression_trains_and_records_four_stages(tmp_path, capsys):
    out = tmp_path / "learning.gif"
    args = ["record", "--env", "CartPole-v1", "--generations", "8", "--progression"]
    assert main([*args, "--width", "480", "--out", str(out)]) == 0
    info = load_agent(tmp_path / "learning.npz").info
    assert list(info["progression_generations"])[:3] == [1, 3, 5]  # counted from 1
    assert info["progression_params"].shape[0] == len(info["progression_generations"])
    np.testing.assert_array_equal(info["progression_params"][-1], load_agent(
        tmp_path / "learning.npz").params)  # fmt: skip
    printed = capsys.readouterr().out
    assert "returns 1:" in printed
    if "note: every stage scored the same" in printed:  # then they really all did
        assert len(set(re.findall(r"\d+: (-?[\d.]+)", printed.split("returns")[-1]))) == 1
    frames = iio.imread(out)
    assert frames.shape[2] == 480 and frames.shape[1] > 0.8 * 480 and title_band(frames[0])


# The shipped gallery: every file decoded and checked.
GALLERY = sorted((ROOT / "assets" / "gallery").glob("*.*"))


def test_the_gallery_has_a_gif_and_an_mp4_for_every_agent():
    agents = sorted(p.stem for p in (ROOT / "assets" / "agents").glob("*.npz"))
    names = {p.name for p in GALLERY}
    for stem in agents:
        assert {f"{stem}.gif", f"{stem}.mp4"} <= names, "run `python -m neuroevo_helpers gallery`"


@pytest.mark.parametrize("path", GALLERY, ids=lambda p: p.name)
def test_gallery_file_is_legible_looping_and_small(path):
    agent = load_agent(ROOT / "assets" / "agents" / f"{path.stem.removesuffix('_progression')}.npz")
    mp4 = path.suffix == ".mp4"
    frames = iio.imread(path, plugin="FFMPEG") if mp4 else iio.imread(path)
    assert frames.shape[2] >= 960 and title_band(frames[0]), path.name
    assert path.stat().st_size <= (1_000_000 if mp4 else 3_000_000), path.name
    # The frame count follows from the episodes that were played: the random side's typical
    # episode and the agent's first test episode (or the agent at each stage of training).
    fps = gifs._fps(agent.env_id)
    if "progression" in path.stem:
        lengths = [rollout(agent.env_id, agent.policy, p, seed=TEST_SEED).length
                   for p in np.atleast_2d(agent.info["progression_params"])]  # fmt: skip
    else:
        seed, _ = median_episode_seed(agent.env_id, None, None, range(TEST_SEED, TEST_SEED + 20))
        played = [(None, None, seed), (agent.policy, agent.params, TEST_SEED)]
        lengths = [rollout(agent.env_id, pol, p, seed=s).length for pol, p, s in played]
    every = gifs.frame_step(fps, max(lengths), mp4)
    expected = max(n_frames(n, every) for n in lengths) + 1
    if mp4:
        assert frames.shape[0] == expected + round(2 * fps / every), path.name  # held ending
        assert iio.immeta(path, plugin="FFMPEG")["codec"] == "h264"
    else:
        assert frames.shape[0] == expected, path.name
        assert iio.immeta(path)["loop"] == 0
        assert iio.immeta(path, index=expected - 1)["duration"] >= 2000  # the held ending

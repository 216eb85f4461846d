"""Roll out a policy, render it, and write looping GIFs (alone or two side by side)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import imageio.v3 as iio
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ._files import atomic_path
from .backends import to_env
from .envs import check_policy_fits, env_metadata, env_spec, make_env
from .network import MLP, _check_seed

# A policy for `rollout`: an MLP (with its params), a function obs -> action, or None
# for uniformly random actions.
Policy = MLP | Callable[[np.ndarray], np.ndarray] | None


class Episode(NamedTuple):
    """One rolled-out episode."""

    episode_return: float
    length: int  # env steps taken
    frames: list[np.ndarray]  # (height, width, 3) uint8 images; empty unless render=True
    frame_steps: tuple[int, ...] = ()  # for each frame: the env steps taken before it
    frame_returns: tuple[float, ...] = ()  # for each frame: the return so far
    ending: str = ""  # how the episode ended, in words: "pole fell, step 21"


def rollout(
    env_id: str,
    policy: Policy = None,
    params: np.ndarray | None = None,
    *,
    seed: int = 0,
    render: bool = False,
    every: int = 1,
    max_episode_steps: int | None = None,
) -> Episode:
    """Play one episode from `env.reset(seed=seed)`.

    With `render=True`, keep every `every`-th frame and the last one (a frame costs 2-5 ms),
    with the step and the return so far at each.
    """
    if not (isinstance(every, int) and every >= 1):
        raise ValueError(f"every must be a whole number >= 1; got {every!r}.")
    seed = _check_seed(seed)
    kwargs = {} if max_episode_steps is None else {"max_episode_steps": max_episode_steps}
    env = make_env(env_id, render_mode="rgb_array" if render else None, **kwargs)
    act = _as_function(policy, params, env, env_id, seed)
    try:
        obs, _ = env.reset(seed=seed)
        frames = [env.render()] if render else []
        steps, returns = ([0], [0.0]) if render else ([], [])
        episode_return, length, done = 0.0, 0, False
        while not done:
            obs, reward, terminated, truncated, _ = env.step(act(obs))
            episode_return += float(reward)
            length += 1
            done = terminated or truncated
            if render and (length % every == 0 or done):
                frames.append(env.render())
                steps.append(length)
                returns.append(episode_return)
    finally:
        env.close()
    ending = _ending(env_id, bool(terminated), float(reward), np.asarray(obs), length)
    return Episode(episode_return, length, frames, tuple(steps), tuple(returns), ending)


def _ending(env_id: str, terminated: bool, reward: float, obs: np.ndarray, length: int) -> str:
    """How an episode ended, in a few words, read from its last step."""
    if not terminated:
        return f"time limit, {length} steps"
    name = env_id.split("/")[-1].split("-v")[0]
    if name == "CartPole":
        return (
            f"cart left the track, step {length}"
            if abs(obs[0]) > 2.4
            else (f"pole fell, step {length}")
        )
    if name.startswith("LunarLander"):
        if reward > -100:  # the lander came to rest: +100
            return f"landed, step {length}"
        if abs(obs[0]) >= 1:
            return f"left the screen, step {length}"
        return f"crashed, step {length}"
    if name.startswith("BipedalWalker"):
        return f"fell, step {length}" if reward <= -100 else f"reached the end, step {length}"
    if name == "Acrobot":
        return f"swung up, step {length}"
    if name.startswith("MountainCar"):
        return f"reached the flag, step {length}"
    if name == "DeceptiveMaze":
        return f"reached the goal, step {length}"
    return f"episode over, step {length}"


def _as_function(policy: Policy, params, env, env_id: str, seed: int) -> Callable:
    if policy is None:
        if params is not None:
            raise ValueError("params were given but no policy: rollout(env_id, policy, params).")
        env.action_space.seed(seed)  # random actions, reproducible from the seed
        return lambda obs: env.action_space.sample()
    if isinstance(policy, MLP):
        if params is None:
            raise ValueError("An MLP policy needs its params: rollout(env_id, policy, params).")
        params = policy.check_params(params)
        if params.ndim != 1:
            raise ValueError(f"rollout plays one network; params must be 1-D, got {params.shape}.")
        check_policy_fits(policy, env.observation_space, env.action_space, env_id)
        return lambda obs: to_env(policy.act(params, obs), env.action_space)
    if callable(policy):
        return lambda obs: to_env(policy(obs), env.action_space)  # e.g. True -> 1
    raise TypeError(
        f"policy must be an MLP, a function obs -> action, or None; got a {type(policy).__name__}. "
        "To play a network, pass both: rollout(env_id, policy, params)."
    )


def write_gif(
    path: str | os.PathLike, frames: list[np.ndarray], fps: float = 25, *, hold: float = 0.0
) -> Path:
    """Write `frames` (each `(height, width, 3)` uint8) as a GIF that loops forever.

    The last frame stays on screen for `hold` extra seconds before the loop restarts. The
    file appears only once it is complete: a failure leaves no half-written GIF.
    """
    path = _check_out_path(path, (".gif",))
    frames = _check_frames(frames)
    # A GIF holds at most 256 colours per frame. Snapping to the 216 "web-safe" colours
    # ourselves keeps colours stable across frames and makes writing about 3x faster.
    frames = ((frames.astype(np.uint16) + 25) // 51 * 51).astype(np.uint8)
    # GIF delays are in hundredths of a second; browsers slow delays under 20 ms down.
    duration_ms = max(20, 10 * round(100 / fps))
    durations = [duration_ms] * len(frames)
    durations[-1] += 10 * round(100 * hold)
    with atomic_path(path) as tmp:
        iio.imwrite(tmp, frames, extension=".gif", duration=durations, loop=0)
    return path


def write_mp4(
    path: str | os.PathLike, frames: list[np.ndarray], fps: float = 25, *, hold: float = 0.0
) -> Path:
    """Write `frames` as an H.264 MP4 (yuv420p) that PowerPoint, Keynote and Google Slides play.

    Uses imageio's ffmpeg plugin (`pip install "imageio[ffmpeg]"`, which brings its own
    ffmpeg). Odd frame sizes are padded by a pixel (H.264 needs even ones); the last frame
    is repeated for `hold` seconds. Written atomically, like `write_gif`.
    """
    path = _check_out_path(path, (".mp4",))
    frames = _check_frames(frames)
    try:
        import imageio_ffmpeg  # noqa: F401  (imageio's ffmpeg plugin needs it)
    except ImportError:
        raise ImportError(
            'Writing MP4 needs imageio\'s ffmpeg plugin: pip install "imageio[ffmpeg]" (the '
            "course's set-up installs it), or write a .gif instead."
        ) from None
    n, height, width = frames.shape[:3]
    frames = np.pad(frames, ((0, 0), (0, height % 2), (0, width % 2), (0, 0)), mode="edge")
    frames = np.concatenate([frames, np.repeat(frames[-1:], round(hold * fps), axis=0)])
    with atomic_path(path) as tmp:
        iio.imwrite(
            tmp, frames, plugin="FFMPEG", fps=fps, codec="libx264", pixelformat="yuv420p",
            macro_block_size=2, quality=6, ffmpeg_log_level="error",
            output_params=["-movflags", "+faststart"],  # plays while it downloads
        )  # fmt: skip
    return path


def write_video(
    path: str | os.PathLike, frames: list[np.ndarray], fps: float = 25, *, hold: float = 0.0
) -> Path:
    """`write_gif` or `write_mp4`, chosen by the file's ending (.gif or .mp4)."""
    path = _check_out_path(path, VIDEO_SUFFIXES)
    writer = write_mp4 if path.suffix.lower() == ".mp4" else write_gif
    return writer(path, frames, fps, hold=hold)


def record_gif(
    path: str | os.PathLike,
    env_id: str,
    policy: Policy = None,
    params: np.ndarray | None = None,
    *,
    label: str | None = None,
    seed: int = 0,
    every: int = 2,
    scale: float = 0.5,
) -> Episode:
    """Roll out one episode and write it as a GIF, captioned with `label` and the return.

    Keeps every `every`-th frame, resized by `scale` (a 500-step CartPole episode: about
    100 kB). Returns the episode, without its frames.
    """
    _check_out_path(path, (".gif",))  # fail before the rollout, not after it
    _check_scale(scale)
    episode = rollout(env_id, policy, params, seed=seed, render=True, every=every)
    frames = [_resize(f, scale) for f in episode.frames]
    if label is not None:
        frames = _caption(frames, f"{label} · return {episode.episode_return:g}")
    write_gif(path, frames, _fps(env_id) / every)
    return episode._replace(frames=[])


# A side (label, policy, params) of a side-by-side recording, e.g. ("random", None, None).
Side = tuple[str, Policy, "np.ndarray | None"]


def record_side_by_side(
    path: str | os.PathLike,
    env_id: str,
    left: Side,
    right: Side,
    *,
    seed: int | tuple[int, int] = 0,
    title: str | None = None,
    width: int = 960,
    every: int | None = None,
    hold: float = 2.0,
) -> tuple[Episode, Episode]:
    """Two policies side by side, for a slide: a GIF or an MP4 (by `path`'s ending).

    `left` and `right` are `(label, policy, params)`, e.g. `("random actions", None, None)`.
    `seed` is the episode seed of both, or one per side. The recording is `width` pixels
    wide, with a title band (`title`, or the env id), each half's label, a live step
    counter and return, and, when a half's episode ends, how it ended ("pole fell, step
    21") over its dimmed last frame while the other plays on. The last frame holds for
    `hold` seconds before the loop restarts. Every `every`-th frame is kept (default: about
    25 per second of play for a GIF, every frame for an MP4, fewer for long episodes:
    `frame_step`).
    """
    panels = [(label, policy, params) for label, policy, params in (left, right)]
    seeds = (seed, seed) if isinstance(seed, (int, np.integer)) else tuple(seed)
    if len(seeds) != 2:
        raise ValueError(f"seed must be one int or a pair (left, right); got {seed!r}.")
    return tuple(
        record_panels(path, env_id, panels, seeds=seeds, title=title, width=width,
                      columns=2, every=every, hold=hold)
    )  # fmt: skip


def record_panels(
    path: str | os.PathLike,
    env_id: str,
    panels: list[Side],
    *,
    seeds: list[int],
    title: str | None = None,
    width: int = 960,
    columns: int = 2,
    every: int | None = None,
    hold: float = 2.0,
) -> list[Episode]:
    """Several policies playing at once in a grid of `columns` (see `record_side_by_side`):
    e.g. one agent at four points of its training. Returns the episodes, without frames."""
    path = _check_out_path(path, VIDEO_SUFFIXES)  # fail before the rollouts, not after them
    if not (isinstance(width, (int, np.integer)) and 320 <= width <= 3840):
        raise ValueError(f"width must be a whole number of pixels from 320 to 3840; got {width!r}.")
    if len(seeds) != len(panels) or not panels:
        raise ValueError(f"give one seed per panel: {len(panels)} panels, {len(seeds)} seeds.")
    fps = _fps(env_id)
    if every is None:  # the episodes' lengths first (no frames: cheap), to keep files small
        longest = max(rollout(env_id, policy, params, seed=int(s)).length
                      for (_, policy, params), s in zip(panels, seeds, strict=True))  # fmt: skip
        every = frame_step(fps, longest, path.suffix.lower() == ".mp4")
    episodes = [
        rollout(env_id, policy, params, seed=int(s), render=True, every=every)
        for (_, policy, params), s in zip(panels, seeds, strict=True)
    ]
    frames = _compose([label for label, _, _ in panels], episodes, title or env_id, width, columns)
    write_video(path, frames, fps / every, hold=hold)
    return [ep._replace(frames=[]) for ep in episodes]


# The most frames a recording keeps: a walker's 1,500-step episodes at 25 frames a second
# would make a GIF of several MB; past these, frames are skipped (the video plays as fast).
MAX_GIF_FRAMES, MAX_MP4_FRAMES = 400, 300


def frame_step(fps: float, longest: int, mp4: bool) -> int:
    """Keep every how-many-th frame: about 25 a second for a GIF (every one for an MP4), fewer
    where the longest episode of `longest` steps would pass MAX_GIF_FRAMES (MAX_MP4_FRAMES)."""
    base = 1 if mp4 else max(1, round(fps / 25))
    return max(base, -(-int(longest) // (MAX_MP4_FRAMES if mp4 else MAX_GIF_FRAMES)))


def median_episode_seed(
    env_id: str, policy: Policy = None, params: np.ndarray | None = None, seeds=range(20)
) -> tuple[int, float]:
    """The seed among `seeds` whose episode return is nearest the median of them all (ties:
    the lower return), and that return: a typical episode, not a chosen one."""
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("median_episode_seed needs at least one seed.")
    returns = np.array([rollout(env_id, policy, params, seed=s).episode_return for s in seeds])
    gap = np.abs(returns - np.median(returns))
    i = min(range(len(seeds)), key=lambda j: (gap[j], returns[j]))
    return seeds[i], float(returns[i])


def show_gif(path: str | os.PathLike, width: int | None = None):
    """Display a GIF in a notebook (for GitHub readers, also link it from a markdown cell)."""
    from IPython.display import Image as IPImage

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No GIF at {path}: write it first with record_gif(...).")
    return IPImage(data=path.read_bytes(), format="gif", width=width)


VIDEO_SUFFIXES = (".gif", ".mp4")


def _fps(env_id: str) -> float:
    return float(env_metadata(env_spec(env_id)).get("render_fps") or 30)


def _check_out_path(path: str | os.PathLike, suffixes=(".gif",)) -> Path:
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise ValueError(f"The output file must end in {' or '.join(suffixes)}; got {str(path)!r}.")
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"The folder {str(path.parent)!r} for {path.name!r} does not exist: create it "
            f"first (Path({str(path.parent)!r}).mkdir(parents=True)) or pick another path."
        )
    return path


def _check_frames(frames) -> np.ndarray:
    if len(frames) < 1:
        raise ValueError("No frames to write: render an episode first (rollout(..., render=True)).")
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(
            "frames must be a list of (height, width, 3) uint8 images, all the same size; got "
            f"an array of shape {frames.shape} and dtype {frames.dtype}."
        )
    return frames


def _check_scale(scale: float) -> None:
    if not 0 < scale <= 1:
        raise ValueError(f"scale must be in (0, 1], e.g. 0.5 for half size; got {scale!r}.")


def _resize(frame: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1:
        return frame
    h, w = frame.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(frame).resize(size, Image.Resampling.BILINEAR))


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans, the font matplotlib ships, at `size` pixels."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), size)


def _caption(frames: list[np.ndarray], text: str) -> list[np.ndarray]:
    """The frames with a white strip on top holding `text` (drawn once, stacked on each)."""
    height, width = frames[0].shape[:2]
    strip = Image.new("RGB", (width, max(16, height // 11)), "white")
    font = _font(max(10, strip.height - 6))
    ImageDraw.Draw(strip).text((5, strip.height // 2), text, fill="black", font=font, anchor="lm")
    strip = np.asarray(strip)
    return [np.concatenate([strip, f], axis=0) for f in frames]


# Colours of the recordings (GIF-safe: each channel a multiple of 51): a dark title band
# and dividers, white label strips, dark text.
TITLE_BG, TITLE_FG = (51, 51, 51), (255, 255, 255)
STRIP_BG, STRIP_FG = (255, 255, 255), (51, 51, 51)


def _compose(
    labels: list[str], episodes: list[Episode], title: str, width: int, columns: int
) -> list[np.ndarray]:
    """The recording's frames: a title band over a grid of panels. Each panel is a label
    strip, the env's frame, and a status strip (step and return; how it ended, once it has,
    over the dimmed last frame)."""
    unit = width / 960  # sizes are designed at 960 px and scale with the width
    gap = max(2, round(6 * unit))
    columns = min(columns, len(episodes))
    rows = -(-len(episodes) // columns)
    panel_w = (width - gap * (columns - 1)) // columns
    h0, w0 = episodes[0].frames[0].shape[:2]
    frame_h = round(h0 * panel_w / w0)
    label_h, status_h, title_h = round(40 * unit), round(38 * unit), round(54 * unit)
    panel_h = label_h + frame_h + status_h
    height = title_h + rows * panel_h + (rows - 1) * gap
    canvas = Image.new("RGB", (width, height), TITLE_BG)  # shows in the gaps: dividers
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, width - 1, title_h - 1), fill=TITLE_BG)
    title_font = _font_to_fit(title, round(30 * unit), width - round(24 * unit))
    draw.text((width // 2, title_h // 2), _fit(title, title_font, width - 20), fill=TITLE_FG,
              font=title_font, anchor="mm")  # fmt: skip
    corners = [
        (c * (panel_w + gap), title_h + r * (panel_h + gap))
        for r in range(rows)
        for c in range(columns)
    ][: len(episodes)]
    for (x, y), label in zip(corners, labels, strict=True):
        draw.rectangle((x, y, x + panel_w - 1, y + label_h - 1), fill=STRIP_BG)
        label_font = _font_to_fit(label, round(24 * unit), panel_w - 16)
        text = _fit(label, label_font, panel_w - 16)
        draw.text((x + panel_w // 2, y + label_h // 2), text, fill=STRIP_FG, font=label_font,
                  anchor="mm")  # fmt: skip
    background = np.asarray(canvas)
    status_font, bold_font = _font(round(22 * unit)), _font(round(22 * unit), True)
    end_font = _font(round(28 * unit), True)
    resized = [[_fit_frame(f, panel_w, frame_h) for f in ep.frames] for ep in episodes]
    ended = [_ended_panel(ep, frames[-1], end_font, unit) for ep, frames in zip(episodes, resized)]
    out = []
    # One frame more than the longest episode: the last shows every panel's ending.
    for t in range(max(len(frames) for frames in resized) + 1):
        frame = background.copy()
        for (x, y), ep, frames, end in zip(corners, episodes, resized, ended, strict=True):
            done = t >= len(frames)
            image = end if done else frames[t]
            frame[y + label_h : y + label_h + frame_h, x : x + panel_w] = image
            font = bold_font if done else status_font
            status = _status(ep, min(t, len(frames) - 1), done, panel_w, status_h, font)
            frame[y + label_h + frame_h : y + panel_h, x : x + panel_w] = status
        out.append(frame)
    return out


def _font_to_fit(text: str, size: int, max_width: int) -> ImageFont.FreeTypeFont:
    """The bold font at `size`, or smaller (down to 3/4 of it) if `text` is too wide."""
    font = _font(size, True)
    while font.getlength(text) > max_width and font.size > 0.75 * size:
        font = _font(font.size - 1, True)
    return font


def _fit(text: str, font, max_width: int) -> str:
    """`text`, shortened with an ellipsis if it is wider than `max_width` pixels."""
    if font.getlength(text) <= max_width:
        return text
    while text and font.getlength(text + "…") > max_width:
        text = text[:-1]
    return text + "…"


def _fit_frame(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    image = Image.fromarray(frame)
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(image)


def _ended_panel(ep: Episode, last: np.ndarray, font, unit: float) -> np.ndarray:
    """The last frame, dimmed, with how the episode ended written across it."""
    dimmed = (0.45 * last + 0.55 * 128).astype(np.uint8)
    image = Image.fromarray(dimmed)
    draw = ImageDraw.Draw(image)
    centre = (image.width // 2, image.height // 2)
    box = draw.textbbox(centre, ep.ending, font=font, anchor="mm")
    pad = round(10 * unit)
    draw.rectangle(
        (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad),
        fill=STRIP_BG, outline=TITLE_BG, width=max(2, round(3 * unit)),
    )  # fmt: skip
    draw.text(centre, ep.ending, fill=STRIP_FG, font=font, anchor="mm")
    return np.asarray(image)


def _status(ep: Episode, i: int, done: bool, width: int, height: int, font) -> np.ndarray:
    """The strip under a panel: "step 120 · return 120" (in bold, final, once it ended)."""
    if done:
        text = f"{ep.length} steps · return {_rounded(ep.episode_return)}"
    else:
        text = f"step {ep.frame_steps[i]} · return {_rounded(ep.frame_returns[i])}"
    image = Image.new("RGB", (width, height), STRIP_BG)
    ImageDraw.Draw(image).text(
        (width // 2, height // 2), _fit(text, font, width - 12), fill=STRIP_FG, font=font,
        anchor="mm",
    )  # fmt: skip
    return np.asarray(image)


def _rounded(value: float) -> str:
    """A return as people read it: whole numbers, thousands separated, a real minus sign."""
    value = round(value) or 0  # no "-0"
    return f"{value:,}".replace("-", "−")

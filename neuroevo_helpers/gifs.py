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

    With `render=True`, keep every `every`-th frame and the last one (a frame costs 2-5 ms).
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
        episode_return, length, done = 0.0, 0, False
        while not done:
            obs, reward, terminated, truncated, _ = env.step(act(obs))
            episode_return += float(reward)
            length += 1
            done = terminated or truncated
            if render and (length % every == 0 or done):
                frames.append(env.render())
    finally:
        env.close()
    return Episode(episode_return, length, frames)


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


def write_gif(path: str | os.PathLike, frames: list[np.ndarray], fps: float = 25) -> Path:
    """Write `frames` (each `(height, width, 3)` uint8) as a GIF that loops forever.

    The file appears only once it is complete: a failure leaves no half-written GIF.
    """
    path = _check_out_path(path)
    if len(frames) < 1:
        raise ValueError("No frames to write: render an episode first (rollout(..., render=True)).")
    # A GIF holds at most 256 colours per frame. Snapping to the 216 "web-safe" colours
    # ourselves keeps colours stable across frames and makes writing about 3x faster.
    frames = ((np.stack(frames).astype(np.uint16) + 25) // 51 * 51).astype(np.uint8)
    # GIF delays are in hundredths of a second; browsers slow delays under 20 ms down.
    duration_ms = max(20, 10 * round(100 / fps))
    with atomic_path(path) as tmp:
        iio.imwrite(tmp, frames, extension=".gif", duration=duration_ms, loop=0)
    return path


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
    _check_out_path(path)  # fail before the rollout, not after it
    _check_scale(scale)
    episode = rollout(env_id, policy, params, seed=seed, render=True, every=every)
    frames = [_resize(f, scale) for f in episode.frames]
    if label is not None:
        frames = _caption(frames, f"{label} · return {episode.episode_return:g}")
    write_gif(path, frames, _fps(env_id) / every)
    return episode._replace(frames=[])


def record_side_by_side(
    path: str | os.PathLike,
    env_id: str,
    left: tuple[str, Policy, np.ndarray | None],
    right: tuple[str, Policy, np.ndarray | None],
    *,
    seed: int = 0,
    every: int = 2,
    scale: float = 0.5,
) -> tuple[Episode, Episode]:
    """Two policies from the same start state, side by side, each captioned with label and return.

    `left` and `right` are `(label, policy, params)`, e.g. `("random", None, None)`. The
    shorter episode holds its last frame until the longer one ends.
    """
    _check_out_path(path)
    _check_scale(scale)
    halves, episodes = [], []
    for label, policy, params in (left, right):
        ep = rollout(env_id, policy, params, seed=seed, render=True, every=every)
        frames = [_resize(f, scale) for f in ep.frames]
        halves.append(_caption(frames, f"{label} · return {ep.episode_return:g}"))
        episodes.append(ep._replace(frames=[]))
    n = max(len(h) for h in halves)
    a, b = (np.stack(h + [h[-1]] * (n - len(h))) for h in halves)
    gap = np.full(a.shape[:2] + (4, 3), 255, dtype=np.uint8)  # a white line between halves
    write_gif(path, list(np.concatenate([a, gap, b], axis=2)), _fps(env_id) / every)
    return episodes[0], episodes[1]


def show_gif(path: str | os.PathLike, width: int | None = None):
    """Display a GIF in a notebook (for GitHub readers, also link it from a markdown cell)."""
    from IPython.display import Image as IPImage

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No GIF at {path}: write it first with record_gif(...).")
    return IPImage(data=path.read_bytes(), format="gif", width=width)


def _fps(env_id: str) -> float:
    return float(env_metadata(env_spec(env_id)).get("render_fps") or 30)


def _check_out_path(path: str | os.PathLike) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"The output file must end in .gif; got {str(path)!r}.")
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"The folder {str(path.parent)!r} for {path.name!r} does not exist: create it "
            f"first (Path({str(path.parent)!r}).mkdir(parents=True)) or pick another path."
        )
    return path


def _check_scale(scale: float) -> None:
    if not 0 < scale <= 1:
        raise ValueError(f"scale must be in (0, 1], e.g. 0.5 for half size; got {scale!r}.")


def _resize(frame: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1:
        return frame
    h, w = frame.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(frame).resize(size, Image.Resampling.BILINEAR))


def _caption(frames: list[np.ndarray], text: str) -> list[np.ndarray]:
    """The frames with a white strip on top holding `text` (drawn once, stacked on each)."""
    height, width = frames[0].shape[:2]
    strip = Image.new("RGB", (width, max(14, height // 12)), "white")
    font = ImageFont.load_default(size=max(10, strip.height - 4))
    ImageDraw.Draw(strip).text((4, 1), text, fill="black", font=font)
    strip = np.asarray(strip)
    return [np.concatenate([strip, f], axis=0) for f in frames]

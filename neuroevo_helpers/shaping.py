"""Training-only changes to episodes: what a walker is rewarded for while it learns.

`nh.evaluate(..., shaping=Shaping(...))` plays the episodes as usual but changes two
things in what training sees, never in what validation or test episodes score:

- `fall_reward`: a step that *ends* the episode with a reward of exactly -100 (BipedalWalker's
  fall, LunarLander's crash) is paid `fall_reward` instead. A walker that may fall without
  the -100 tries to move; one that fears it learns to stand still for 1,600 steps.
- `patience`: an episode whose return has not reached a new high for `patience` steps is
  ended there, as if its time limit had come. A walker standing still (or shuffling back)
  stops costing env steps after `patience` of them; one that walks on is never cut.

Both are the course's own choices for BipedalWalker-v3 (13_bipedal_walker measures what
each one does). The scores that choose and judge an agent always come from the unchanged
env: `protocol.score_on_validation` and `score_on_test` take no shaping.
"""

from __future__ import annotations

import dataclasses

import numpy as np

FALL = -100.0  # the reward of BipedalWalker's fall (and LunarLander's crash)


@dataclasses.dataclass(frozen=True)
class Shaping:
    """What training episodes change (see the module docstring); None leaves it as it is."""

    fall_reward: float | None = None
    patience: int | None = None

    def __post_init__(self) -> None:
        if self.fall_reward is not None and not np.isfinite(self.fall_reward):
            raise ValueError(
                f"fall_reward must be a finite number, e.g. 0; got {self.fall_reward!r}."
            )
        if self.patience is not None and (
            isinstance(self.patience, bool) or not isinstance(self.patience, (int, np.integer))
            or self.patience < 1
        ):  # fmt: skip
            raise ValueError(
                f"patience must be a whole number of steps >= 1, e.g. 100; got {self.patience!r}."
            )

    def start(self, n_envs: int) -> dict:
        """The per-copy state: best return so far and steps since it was reached."""
        return {"best": np.zeros(n_envs), "since": np.zeros(n_envs, dtype=int)}

    def step(self, state: dict, returns: np.ndarray, reward: np.ndarray, terminated: np.ndarray,
             running: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """This step's rewards as training sees them, and which copies to stop now.

        `returns` are the returns before this step; `running` marks the copies this step
        played.
        """
        reward = np.asarray(reward, dtype=float)
        if self.fall_reward is not None:
            reward = np.where(terminated & (reward == FALL), self.fall_reward, reward)
        stop = np.zeros(len(reward), dtype=bool)
        if self.patience is not None:
            now = returns + reward * running
            higher = now > state["best"]
            state["best"] = np.where(higher, now, state["best"])
            state["since"] = np.where(higher, 0, state["since"] + 1)
            stop = running & (state["since"] >= self.patience)
        return reward, stop


def check_shaping(shaping) -> None:
    """A clear error for anything but None or a `Shaping`."""
    if shaping is not None and not isinstance(shaping, Shaping):
        raise TypeError(
            f"shaping must be None or nh.Shaping(fall_reward=..., patience=...); got "
            f"{type(shaping).__name__}."
        )

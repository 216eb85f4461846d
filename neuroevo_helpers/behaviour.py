"""Behaviour descriptors: what an episode *did*, read from its observations as it plays.

Novelty search and MAP-Elites (11_novelty_and_map_elites) judge individuals by where they
went, not only by their return. `evaluate(..., descriptor=d)` follows every episode with
`d` and returns `Evaluation.descriptors`, `(pop_size, n_episodes, d.size)`. A descriptor is
read from the observations alone, so it is the same on every backend (gymnasium, envpool,
worker processes). Two kinds:

- `FinalObservation(indices)`: some entries of the observation an episode ends on, e.g.
  the maze robot's final position, or MountainCar's final position and velocity;
- `Touchdown(...)`: LunarLander's horizontal position and vertical speed at the first step
  a leg touches the ground (or at the episode's end if none does): a landing style.

Each has `start(obs) -> state`, `step(state, obs, stepped)` (after every env step, for the
copies in `stepped`, which were still playing) and `finish(state) -> (n_envs, size)`.
"""

from __future__ import annotations

import numpy as np


class FinalObservation:
    """Entries `indices` of the observation each episode ends on."""

    def __init__(self, indices, names=None) -> None:
        indices = tuple(int(i) for i in np.atleast_1d(indices))
        if not indices:
            raise ValueError("FinalObservation needs at least one observation index, e.g. (0, 1).")
        self.indices = indices
        self.names = tuple(names) if names is not None else tuple(f"obs[{i}]" for i in indices)
        if len(self.names) != len(indices):
            raise ValueError(f"give one name per index: {len(indices)} indices, names={names!r}.")
        self.size = len(indices)

    def _pick(self, obs: np.ndarray) -> np.ndarray:
        if max(self.indices) >= obs.shape[-1] or min(self.indices) < -obs.shape[-1]:
            raise ValueError(
                f"FinalObservation{self.indices} asks for observation entries this env does not "
                f"have: it has {obs.shape[-1]} (indices 0 to {obs.shape[-1] - 1})."
            )
        return obs[:, list(self.indices)].astype(float)

    def start(self, obs: np.ndarray) -> np.ndarray:
        return self._pick(obs)

    def step(self, state: np.ndarray, obs: np.ndarray, stepped: np.ndarray) -> np.ndarray:
        state[stepped] = self._pick(obs)[stepped]
        return state

    def finish(self, state: np.ndarray) -> np.ndarray:
        return state

    def __repr__(self) -> str:
        return f"FinalObservation({self.indices}, names={self.names})"


class Touchdown:
    """A landing's style: (x, vertical speed) when a leg first touches, for LunarLander.

    LunarLander's observation holds x at `x`, the vertical speed at `vy`, and the two leg
    contacts at `legs`. If no leg ever touches, the values at the episode's end are kept.
    """

    names = ("x at touchdown", "vertical speed at touchdown")
    size = 2

    def __init__(self, x: int = 0, vy: int = 3, legs=(6, 7)) -> None:
        self.x, self.vy, self.legs = int(x), int(vy), tuple(int(i) for i in legs)

    def start(self, obs: np.ndarray) -> np.ndarray:
        # columns: x, vy, touched yet (0 or 1)
        return np.column_stack([obs[:, self.x], obs[:, self.vy], np.zeros(len(obs))]).astype(float)

    def step(self, state: np.ndarray, obs: np.ndarray, stepped: np.ndarray) -> np.ndarray:
        untouched = stepped & (state[:, 2] == 0)
        state[untouched, 0] = obs[untouched, self.x]
        state[untouched, 1] = obs[untouched, self.vy]
        state[untouched, 2] = (obs[untouched][:, list(self.legs)] > 0.5).any(axis=1)
        return state

    def finish(self, state: np.ndarray) -> np.ndarray:
        return state[:, :2]

    def __repr__(self) -> str:
        return f"Touchdown(x={self.x}, vy={self.vy}, legs={self.legs})"


def check_descriptor(descriptor) -> None:
    """A clear error for something that is not a descriptor (before any episode is played)."""
    if descriptor is None:
        return
    missing = [m for m in ("start", "step", "finish", "size") if not hasattr(descriptor, m)]
    if missing:
        raise TypeError(
            f"descriptor must be a behaviour descriptor such as nh.FinalObservation((0, 1)); "
            f"got {descriptor!r}, which has no {', '.join(missing)}."
        )

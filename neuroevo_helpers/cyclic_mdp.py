"""CyclicMDP: the third write-up's toy task (3 observations, 3 actions) as a gymnasium env.

Three states sit on a cycle. The observation is the current state, one-hot. In state `s`
one action is right, `CORRECT[s]`: it pays 1 and moves to the next state on the cycle.
Any other action pays 0 and sends the agent back to state 0. An episode lasts 30 steps, so
the best return is 30, and a random policy averages about 10 (it is right 1 time in 3).
The right actions differ from state to state, so the policy must read its observation.

Registered as `neuroevo_helpers/CyclicMDP-v0` when `neuroevo_helpers` is imported.
Taught in 06_evolution_strategies.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

ENV_ID = "neuroevo_helpers/CyclicMDP-v0"
CORRECT = (1, 2, 0)  # the right action in states 0, 1, 2
EPISODE_STEPS = 30


class CyclicMDP(gym.Env):
    """Three states on a cycle, observed one-hot; episodes start in a random state.

    In state `s` the right action is `CORRECT[s]`: it pays 1 and moves on to the next state.
    A wrong action pays 0 and sends the agent back to state 0. Episodes last 30 steps (the
    registered time limit), so 30 is the best return and random actions average 10.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(self, render_mode: str | None = None) -> None:
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"CyclicMDP renders only 'rgb_array'; got {render_mode!r}.")
        self.render_mode = render_mode
        self.observation_space = gym.spaces.Box(0.0, 1.0, shape=(3,), dtype=np.float32)
        self.action_space = gym.spaces.Discrete(3)
        self.state = 0

    def _obs(self) -> np.ndarray:
        return np.eye(3, dtype=np.float32)[self.state]

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.state = int(self.np_random.integers(3))  # start anywhere on the cycle
        return self._obs(), {}

    def step(self, action):
        if not self.action_space.contains(action):
            raise ValueError(f"CyclicMDP takes an action 0, 1 or 2; got {action!r}.")
        right = int(action) == CORRECT[self.state]
        self.state = (self.state + 1) % 3 if right else 0
        return self._obs(), float(right), False, False, {}

    def render(self) -> np.ndarray | None:
        """Three squares, the current state lit: a picture small enough for a GIF."""
        if self.render_mode != "rgb_array":
            return None
        frame = np.full((120, 360, 3), 255, dtype=np.uint8)
        for s in range(3):
            colour = (230, 120, 40) if s == self.state else (200, 200, 200)
            frame[30:90, 120 * s + 30 : 120 * s + 90] = colour
        return frame


def register() -> None:
    """Make `gym.make("neuroevo_helpers/CyclicMDP-v0")` work (once per process)."""
    if ENV_ID not in gym.registry:
        gym.register(
            id=ENV_ID,
            entry_point=CyclicMDP,
            max_episode_steps=EPISODE_STEPS,
            reward_threshold=float(EPISODE_STEPS),
        )

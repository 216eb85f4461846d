"""Where `evaluate` runs its env copies: gymnasium's own envs, or envpool's C++ ones.

Three ways to step `n` copies of an env, all behind the same small interface
(`single_observation_space`, `single_action_space`, `reset(seeds)`, `step(actions,
running)`, `close()`), so `evaluate` has one loop for all of them:

- `_NativeCopies`: gymnasium's NumPy vector CartPole (one array operation steps them all).
- `_EnvCopies`: one gymnasium env per copy, stepped one by one in Python, skipping copies
  whose episode is over. Works for every gymnasium env, the course's own and a learner's.
- `_EnvpoolCopies`: envpool, C++ envs stepped by a thread pool, one call per step for all
  the copies still running. Optional: it has wheels for CPython 3.11-3.13 only.

gymnasium is the judge: every test score the course reports runs with
`backend=JUDGE`. envpool's envs agree with gymnasium's in distribution (tests/test_backends.py
checks each env with a two-sample test), not episode by episode: its random start states
come from its own generator, so the same seed gives other start states there.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys

import gymnasium as gym
import numpy as np

BACKENDS = ("auto", "gymnasium", "envpool")
JUDGE = "gymnasium"  # test scores, in agent files too, the `evaluate` command

# gymnasium's native NumPy vector envs: CartPole only (gymnasium 1.4).
NATIVE_VECTOR_ENVS = ("CartPole-v0", "CartPole-v1")
# The course's own envs with a vector version (their `vector_entry_point`) that seeds each
# copy like the single env: every copy steps in the same NumPy operations.
OWN_VECTOR_ENVS = ("neuroevo_helpers/DeceptiveMaze-v0",)
BATCHED_ENVS = NATIVE_VECTOR_ENVS + OWN_VECTOR_ENVS  # one process steps all their copies
# The envs envpool serves whose agreement with gymnasium's is tested (tests/test_backends.py).
# CartPole is left to gymnasium's native vector env under "auto": it was faster there
# (benchmarks/run.py measures both).
ENVPOOL_ENVS = (
    "CartPole-v1",
    "Acrobot-v1",
    "MountainCar-v0",
    "MountainCarContinuous-v0",
    "Pendulum-v1",
    "LunarLander-v3",
    "LunarLanderContinuous-v3",
    "BipedalWalker-v3",
)
# Box2D envs cost 50-250 µs a step even in C++: there a second thread pays. The classic
# control envs cost about 1 µs, and a second thread only adds hand-over time.
_BOX2D = ("LunarLander-v3", "LunarLanderContinuous-v3", "BipedalWalker-v3")
_SEED_LIMIT = 2**31 - 1  # envpool keeps seeds as 32-bit ints

NO_ENVPOOL = (
    "envpool is not installed (it has wheels for CPython 3.11-3.13 on Linux, macOS arm64 and "
    "Windows): every env runs on gymnasium alone, correct but slower."
)
_said_no_envpool = False


def envpool_turned_off() -> bool:
    """Is envpool turned off by `NEUROEVO_NO_ENVPOOL` (set, and not "0")?"""
    return os.environ.get("NEUROEVO_NO_ENVPOOL", "") not in ("", "0")


def no_envpool_reason() -> str:
    """Why envpool does not serve here, in one sentence or two, worded for the situation."""
    if envpool_turned_off():
        return (
            "envpool is turned off here (NEUROEVO_NO_ENVPOOL is set): every env runs on "
            "gymnasium alone, as on a machine without envpool."
        )
    return NO_ENVPOOL


def envpool_installed() -> bool:
    """Is envpool importable here? (Checked without importing it: that takes about 1 s.)

    `NEUROEVO_NO_ENVPOOL=1` in the environment makes the course behave as if it were not,
    to check on one machine what a learner without envpool sees.
    """
    if envpool_turned_off():
        return False
    return importlib.util.find_spec("envpool") is not None


def choose_backend(env_id: str, backend: str = "auto", last_seed: int = 0) -> str:
    """The backend `evaluate(..., backend=backend)` uses for `env_id`: "gymnasium" or "envpool".

    "auto" takes envpool where it is installed and serves the env (see `ENVPOOL_ENVS`), except
    CartPole, whose gymnasium vector env is faster; gymnasium otherwise. "gymnasium" and
    "envpool" force one, with a clear error if envpool cannot serve. Under "auto", episodes
    seeded up to `last_seed` >= 2**31 play on gymnasium: envpool holds 32-bit seeds.
    """
    if backend not in BACKENDS:
        raise ValueError(f"Unknown backend {backend!r}; choose one of {BACKENDS}.")
    if backend == "gymnasium":
        return "gymnasium"
    if backend == "envpool":
        if not envpool_installed():
            fix = (
                "unset NEUROEVO_NO_ENVPOOL"
                if envpool_turned_off()
                else "install it with `pip install envpool` (Python 3.11-3.13)"
            )
            raise ValueError(
                f"backend='envpool' was asked for, but {no_envpool_reason()} To use it, {fix}; "
                "or use backend='auto' or backend='gymnasium'."
            )
        if env_id not in ENVPOOL_ENVS:
            raise ValueError(
                f"envpool does not serve {env_id!r} here; it serves {', '.join(ENVPOOL_ENVS)}. "
                "Use backend='auto' or backend='gymnasium' for this env."
            )
        return "envpool"
    if env_id in NATIVE_VECTOR_ENVS or env_id not in ENVPOOL_ENVS or last_seed > _SEED_LIMIT:
        return "gymnasium"
    if envpool_installed():
        return "envpool"
    _say_no_envpool()
    return "gymnasium"


def _say_no_envpool() -> None:
    """Say once per session (on stderr) that envpool is missing, where it would have served."""
    global _said_no_envpool
    if not _said_no_envpool:
        _said_no_envpool = True
        print(f"Note: {no_envpool_reason()}", file=sys.stderr)


def describe_backends() -> str:
    """One line for a notebook's set-up cell: which backend evaluations run on here."""
    global _said_no_envpool
    if not envpool_installed():
        _said_no_envpool = True  # said here, once: evaluate need not say it again
        return f"Backend: gymnasium only. {no_envpool_reason()}"
    from importlib.metadata import version

    return (
        f"Backend: envpool {version('envpool')} for training on "
        f"{', '.join(e for e in ENVPOOL_ENVS if e not in NATIVE_VECTOR_ENVS)}; "
        "gymnasium for CartPole, every other env and every test score."
    )


def make_copies(backend: str, env_id: str, n_envs: int, max_episode_steps: int | None):
    """`n_envs` copies of `env_id` on `backend` ("gymnasium" or "envpool", see choose_backend)."""
    kwargs = {} if max_episode_steps is None else {"max_episode_steps": max_episode_steps}
    if backend == "envpool":
        return _EnvpoolCopies(env_id, n_envs, kwargs)
    if env_id in OWN_VECTOR_ENVS:
        return _VectorCopies(env_id, n_envs, kwargs)
    copies = _NativeCopies if env_id in NATIVE_VECTOR_ENVS else _EnvCopies
    return copies(env_id, n_envs, kwargs)


def to_env(action, space: gym.Space):
    """What a single env accepts: a Python int for Discrete, an array of the Box's shape."""
    if isinstance(space, gym.spaces.Discrete):
        return int(action)  # also turns True/False and NumPy integers into 0/1
    return np.asarray(action, dtype=space.dtype).reshape(space.shape)


class _NativeCopies:
    """gymnasium's native vector env, with the same `step(actions, running)` as `_EnvCopies`.

    A vector step costs about the same for 16 copies as for 1,000 (a few array operations
    either way), so once most episodes are over, the finished copies are dropped: the
    copies still running move to a smaller vector env, state and step counts included.
    """

    def __init__(self, env_id: str, n_envs: int, kwargs: dict) -> None:
        self.env_id, self.kwargs, self.n_envs = env_id, kwargs, n_envs
        self.env = self._make(n_envs)
        self.live = np.arange(n_envs)  # the copies this vector env holds, in order
        self.single_observation_space = self.env.single_observation_space
        self.single_action_space = self.env.single_action_space

    def _make(self, n_envs: int):
        return gym.make_vec(
            self.env_id, n_envs, vectorization_mode="vector_entry_point", **self.kwargs
        )

    def reset(self, seeds: list[int]) -> np.ndarray:
        """Copy i from `seeds[i]`, exactly as a single env's `reset(seed=seeds[i])`."""
        # The native CartPole vector env draws all starts from one generator. To give each
        # episode its own seed, take the start state from gymnasium's single CartPole env
        # and hand it to the vector env (its state is an array of shape (4, n_envs)).
        self.env.reset(seed=seeds[0])
        one = gym.make(self.env_id)
        starts = {}
        for s in set(seeds):
            one.reset(seed=s)
            starts[s] = np.array(one.unwrapped.state, dtype=np.float64)
        one.close()
        self.env.unwrapped.state = np.stack([starts[s] for s in seeds], axis=1)
        return self.env.unwrapped.state.T.astype(np.float32)

    def step(self, actions: np.ndarray, running: np.ndarray) -> tuple:
        if np.count_nonzero(running) <= len(self.live) // 2:  # mostly finished: drop them
            self._keep(running[self.live])
        obs, reward, terminated, truncated, _ = self.env.step(actions[self.live])
        full_obs = np.zeros((self.n_envs, *obs.shape[1:]), dtype=obs.dtype)
        full_obs[self.live] = obs
        full_reward = np.zeros(self.n_envs, dtype=reward.dtype)  # float32, as gymnasium gives
        full_reward[self.live] = reward
        full_terminated = np.ones(self.n_envs, dtype=bool)  # dropped copies are over
        full_terminated[self.live] = terminated
        full_truncated = np.zeros(self.n_envs, dtype=bool)
        full_truncated[self.live] = truncated
        return full_obs, full_reward, full_terminated, full_truncated

    def _keep(self, mask: np.ndarray) -> None:
        """Move the copies in `mask` to a new, smaller vector env (CartPoleVectorEnv's state)."""
        old = self.env.unwrapped
        self.env = self._make(int(mask.sum()))
        new = self.env.unwrapped
        new.reset(seed=0)  # sets up its arrays; every one is overwritten next
        new.state, new.steps = old.state[:, mask], old.steps[mask]
        new.prev_done = old.prev_done[mask]
        old.close()
        self.live = self.live[mask]

    def close(self) -> None:
        self.env.close()


class _VectorCopies:
    """A vector env of the course's own whose `reset(seed=[...])` seeds each copy exactly as
    the single env's `reset(seed=...)` (tests/test_maze.py checks it step for step)."""

    def __init__(self, env_id: str, n_envs: int, kwargs: dict) -> None:
        self.env = gym.make_vec(env_id, n_envs, vectorization_mode="vector_entry_point", **kwargs)
        self.single_observation_space = self.env.single_observation_space
        self.single_action_space = self.env.single_action_space

    def reset(self, seeds: list[int]) -> np.ndarray:
        return self.env.reset(seed=[int(s) for s in seeds])[0]

    def step(self, actions: np.ndarray, running: np.ndarray) -> tuple:
        # every copy steps (one array operation either way); `evaluate` ignores the copies
        # whose episode is over, as it does with the native CartPole
        obs, reward, terminated, truncated, _ = self.env.step(actions)
        return obs, reward, terminated | ~running, truncated

    def close(self) -> None:
        self.env.close()


class _EnvCopies:
    """Copies of an env with no vector version, stepped one by one, skipping finished ones.

    A sync vector env would step every copy until the longest episode ends; with Acrobot
    (about 50 µs a step) most of that time would go on episodes that are already over.
    """

    def __init__(self, env_id: str, n_envs: int, kwargs: dict) -> None:
        self.envs = [gym.make(env_id, **kwargs) for _ in range(n_envs)]
        self.single_observation_space = self.envs[0].observation_space
        self.single_action_space = self.envs[0].action_space

    def reset(self, seeds: list[int]) -> np.ndarray:
        return np.stack([env.reset(seed=s)[0] for env, s in zip(self.envs, seeds)])

    def step(self, actions: np.ndarray, running: np.ndarray) -> tuple:
        n = len(self.envs)
        obs = np.zeros((n, *self.single_observation_space.shape))
        reward, terminated, truncated = np.zeros(n), ~running, np.zeros(n, dtype=bool)
        for i in np.flatnonzero(running):
            action = to_env(actions[i], self.single_action_space)
            obs[i], reward[i], terminated[i], truncated[i], _ = self.envs[i].step(action)
        return obs, reward, terminated, truncated

    def close(self) -> None:
        for env in self.envs:
            env.close()


@functools.cache
def _spaces(env_id: str) -> tuple[gym.Space, gym.Space]:
    """gymnasium's observation and action spaces of `env_id`, read once per process (making
    a Box2D env only to read them costs about a millisecond, on every evaluation)."""
    env = gym.make(env_id)
    try:
        return env.observation_space, env.action_space
    finally:
        env.close()


class _EnvpoolCopies:
    """envpool's C++ copies of an env: one call steps every copy still running.

    envpool seeds copy i from `env_seed[i]`, so copies given the same seed start from the
    same state (the course's common random starts hold here too), though not from the
    state gymnasium's `reset(seed=...)` gives. Only running copies are stepped, so no
    copy plays on after its episode ends. The time limit is always passed explicitly
    (the gymnasium spec's, or `max_episode_steps`), so both backends end episodes alike.
    """

    def __init__(self, env_id: str, n_envs: int, kwargs: dict) -> None:
        self.env_id, self.n_envs = env_id, n_envs
        self.max_episode_steps = kwargs.get("max_episode_steps", gym.spec(env_id).max_episode_steps)
        self.threads = _threads(env_id, n_envs)
        self.pool = None
        # gymnasium's spaces (envpool's are the same shapes and bounds, in float32)
        self.single_observation_space, self.single_action_space = _spaces(env_id)

    def reset(self, seeds: list[int]) -> np.ndarray:
        import warnings

        if max(seeds) > _SEED_LIMIT:
            raise ValueError(
                f"envpool takes seeds below 2**31; this evaluation needs seed {max(seeds)}. "
                "Use a smaller seed, or backend='gymnasium'."
            )
        with warnings.catch_warnings():  # envpool builds float64 Boxes that gymnasium casts
            warnings.simplefilter("ignore", UserWarning)
            import envpool

            self.pool = envpool.make_gymnasium(
                self.env_id,
                num_envs=self.n_envs,
                batch_size=self.n_envs,
                num_threads=self.threads,
                seed=0,
                env_seed=[int(s) for s in seeds],
                max_episode_steps=self.max_episode_steps,
            )
            obs, info = self.pool.reset()  # (it builds its spaces here)
        return self._in_order(obs, info["env_id"], np.float32)

    def _in_order(self, values: np.ndarray, ids: np.ndarray, dtype, fill=0) -> np.ndarray:
        """envpool answers in the order its threads finish: put each row at its copy's index."""
        out = np.full((self.n_envs, *values.shape[1:]), fill, dtype=dtype)
        out[ids] = values
        return out

    def step(self, actions: np.ndarray, running: np.ndarray) -> tuple:
        ids = np.flatnonzero(running).astype(np.int32)
        obs, reward, terminated, truncated, info = self.pool.step(actions[ids], ids)
        got = info["env_id"]
        return (
            self._in_order(obs, got, np.float32),
            self._in_order(reward, got, np.float64),
            self._in_order(terminated, got, bool, fill=True),  # copies not stepped are over
            self._in_order(truncated, got, bool),
        )

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


def _threads(env_id: str, n_envs: int) -> int:
    """envpool threads: all the cores this process may use for Box2D envs, one otherwise."""
    if env_id not in _BOX2D:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, n_envs))

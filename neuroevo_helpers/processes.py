"""Spreading a population over processes, for envs that no batched backend steps.

gymnasium steps Acrobot, LunarLander and the rest one copy at a time in Python, so one
process uses one core. `evaluate(..., workers=N)` splits the population into N shares,
plays each in its own process and puts the returns back in order: every episode keeps its
seed, so the numbers are the same as in one process. The processes are started once and
kept for the next call (starting them costs about a second).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import gymnasium as gym
import numpy as np

from .backends import BATCHED_ENVS
from .network import _check_count

_pool: tuple[int, ProcessPoolExecutor] | None = None  # (workers, the processes), kept


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def n_workers(
    workers: int | None, policy, spec: gym.envs.registration.EnvSpec, pop_size: int, backend: str
) -> int:
    """How many processes `evaluate` uses: 1 unless gymnasium steps the copies one by one."""
    if workers is not None:
        _check_count("workers", workers)
    if backend != "gymnasium" or spec.id in BATCHED_ENVS:
        return 1  # envpool, the vector CartPole and the course's vector envs are batched already
    if workers is None:
        # A worker rebuilds the policy and the env by importing them: not possible for a
        # class defined in a notebook (module __main__) or an env made by a function.
        portable = _importable(policy) and isinstance(spec.entry_point, str)
        portable = portable and not spec.entry_point.startswith("__main__")
        workers = cores() if portable and _main_is_safe() else 1
    return max(1, min(workers, pop_size))


def _importable(policy) -> bool:
    """Can another process rebuild `policy`? (Not a class from a notebook or a function.)"""
    if type(policy).__module__ == "__main__":
        return False
    try:
        pickle.dumps(policy)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _main_is_safe() -> bool:
    """Can a worker start without running the caller's script again?

    A new process imports the main module. A notebook or the interpreter has none to run,
    and `python -m ...` modules keep their `if __name__ == "__main__":` block; a plain script
    may have none, so a script gets processes only when it asks with `workers=`.
    """
    main = sys.modules.get("__main__")
    return getattr(main, "__file__", None) is None or getattr(main, "__spec__", None) is not None


def share(
    play,
    policy,
    population: np.ndarray,
    spec,
    n_episodes: int,
    seed: int,
    max_episode_steps,
    workers: int,
):
    """`play` on `workers` shares of the population, in parallel: `[(returns, n_steps), ...]`."""
    pool = _executor(workers)
    parts = np.array_split(population, workers)
    futures = [
        pool.submit(_play_share, play, policy, part, spec, n_episodes, seed, max_episode_steps)
        for part in parts
    ]
    try:
        return [f.result() for f in futures]
    except BrokenProcessPool as error:
        _forget()
        raise RuntimeError(
            "A worker process stopped before it could play its share. In a script, put the "
            'code that calls evaluate under `if __name__ == "__main__":` (each new process '
            "imports the script), or pass workers=1."
        ) from error


def _play_share(play, policy, population, spec, n_episodes, seed, max_episode_steps):
    """In a worker: register the env as the parent knows it, then play its share."""
    if spec.id not in gym.registry:
        gym.registry[spec.id] = spec
    return play(policy, population, spec.id, n_episodes, seed, max_episode_steps, "gymnasium")


def _forget() -> None:
    """Drop the kept processes (after a failure: the next call starts new ones)."""
    global _pool
    if _pool is not None:
        _pool[1].shutdown(wait=False, cancel_futures=True)
        _pool = None


def _executor(workers: int) -> ProcessPoolExecutor:
    """The kept processes, started (or restarted with another size) when needed."""
    global _pool
    if _pool is None or _pool[0] != workers:
        if _pool is not None:
            _pool[1].shutdown()
        # "forkserver" (Linux) starts workers from a clean process, never a copy of one that
        # runs threads (Jupyter's, envpool's); "spawn" elsewhere.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_interrupts)
        _pool = (workers, pool)
    return _pool[1]


def _ignore_interrupts() -> None:
    """In a worker: leave Ctrl-C (SIGINT) to the parent.

    Jupyter's stop button and a kernel shutdown send SIGINT to the whole process group. The
    parent stops waiting and raises KeyboardInterrupt as usual (`nh.train` keeps the best so
    far); the workers finish their share quietly instead of each printing a traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

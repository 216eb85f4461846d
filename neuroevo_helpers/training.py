"""One training loop for any strategy with `ask()` / `tell(population, fitness)`.

It shows a progress bar, survives Ctrl-C (returning the best agent found so far and the
history instead of losing them), and can checkpoint every generation so that a stopped
run resumes with exactly the numbers an uninterrupted run would have produced.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ._files import atomic_path
from .envs import Evaluation
from .network import _check_count

HELD_OUT_SEED = 10**9  # training seeds are drawn below this; held-out checks start here


class TrainResult(NamedTuple):
    """What `train` returns."""

    best_params: np.ndarray  # the individual with the best training fitness seen so far
    best_fitness: float  # its training fitness (optimistic: a maximum of noisy scores)
    history: dict  # per generation: best, mean, episodes, env_steps (cumulative)
    interrupted: bool  # True if Ctrl-C stopped the run early


def train(
    strategy,
    evaluate_fn: Callable[[np.ndarray, int], Evaluation],
    n_generations: int,
    rng: np.random.Generator,
    *,
    checkpoint: str | os.PathLike | None = None,
    progress: bool = True,
) -> TrainResult:
    """Run ask -> evaluate -> tell until `n_generations` generations are done.

    `evaluate_fn(population, seed)` scores a population, e.g.
    `lambda pop, seed: nh.evaluate(policy, pop, "CartPole-v1", 5, seed)`. Every generation
    gets fresh episode seeds from `rng`, all below `HELD_OUT_SEED`. With `checkpoint`, the
    run is saved after every generation and, if the file exists, resumed from it.
    """
    _check_count("n_generations", n_generations)
    best_params, best_fitness = None, -np.inf
    history = {"best": [], "mean": [], "episodes": [], "env_steps": []}
    if checkpoint is not None and Path(checkpoint).exists():
        best_params, best_fitness, history = _load_checkpoint(checkpoint, strategy, rng)
    from tqdm.auto import tqdm  # imported here: `import neuroevo_helpers` stays light

    interrupted = False
    bar = tqdm(total=n_generations, initial=len(history["best"]), disable=not progress, unit="gen")
    try:
        while len(history["best"]) < n_generations:
            population = strategy.ask()  # (pop_size, n_params)
            result = evaluate_fn(population, int(rng.integers(HELD_OUT_SEED)))
            strategy.tell(population, result.fitness)
            i = int(np.argmax(result.fitness))
            if result.fitness[i] > best_fitness:
                best_params, best_fitness = population[i].copy(), float(result.fitness[i])
            _record(history, best_fitness, result)
            if checkpoint is not None:
                _save_checkpoint(checkpoint, strategy, rng, best_params, best_fitness, history)
            bar.update()
            bar.set_postfix(best=f"{best_fitness:.1f}", mean=f"{history['mean'][-1]:.1f}")
    except KeyboardInterrupt:  # Ctrl-C, or the stop button in a notebook
        interrupted = True
        print(f"Interrupted after {len(history['best'])} generations; returning the best so far.")
    finally:
        bar.close()
    if best_params is None:
        raise RuntimeError("Stopped before the first generation finished: nothing to return.")
    return TrainResult(best_params, best_fitness, history, interrupted)


def _record(history: dict, best_fitness: float, result: Evaluation) -> None:
    previous = (history["episodes"][-1], history["env_steps"][-1]) if history["best"] else (0, 0)
    history["best"].append(best_fitness)
    history["mean"].append(float(np.mean(result.fitness)))
    history["episodes"].append(previous[0] + int(np.size(result.episode_returns)))
    history["env_steps"].append(previous[1] + int(result.n_steps))


def _save_checkpoint(path, strategy, rng, best_params, best_fitness, history) -> None:
    """Write the run to a .npz (arrays, plus JSON text for the rest: no pickles), atomically."""
    path = Path(path)
    state = strategy.state()
    arrays = {f"strategy.{k}": v for k, v in state.items() if isinstance(v, np.ndarray)}
    meta = {
        "strategy": {k: v for k, v in state.items() if not isinstance(v, np.ndarray)},
        "strategy_class": type(strategy).__name__,
        "rng_state": rng.bit_generator.state,
        "best_fitness": best_fitness,
        "history": history,
    }
    with atomic_path(path) as tmp:
        np.savez(tmp, best_params=best_params, meta=np.array(json.dumps(meta)), **arrays)


def _load_checkpoint(path, strategy, rng) -> tuple[np.ndarray, float, dict]:
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if meta["strategy_class"] != type(strategy).__name__:
            raise ValueError(
                f"{path} holds a {meta['strategy_class']} run, not a {type(strategy).__name__} "
                "run: pass the same kind of strategy, or another checkpoint path."
            )
        arrays = {k.split(".", 1)[1]: data[k] for k in data.files if k.startswith("strategy.")}
        strategy.set_state({**meta["strategy"], **arrays})
        rng.bit_generator.state = meta["rng_state"]
        return data["best_params"], float(meta["best_fitness"]), meta["history"]

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
from .protocol import TEST_SEED, training_seed

# Held-out episodes that *judge* (never choose) are the protocol's test episodes. Those that
# choose (an answer, when to stop, a setting) are validation episodes: protocol.VALIDATION_SEED.
HELD_OUT_SEED = TEST_SEED


class TrainResult(NamedTuple):
    """What `train` returns."""

    best_params: np.ndarray  # the answer (see `train`: how it is chosen)
    best_fitness: float  # its validation score, or else its training score
    history: dict  # per generation: best, mean, validation, episodes, env_steps (cumulative)
    interrupted: bool  # True if Ctrl-C stopped the run early
    snapshots: dict | None = None  # generation (from 0) -> that generation's candidate


def train(
    strategy,
    evaluate_fn: Callable[[np.ndarray, int], Evaluation],
    n_generations: int,
    rng: np.random.Generator,
    *,
    reevaluate_fn: Callable[[np.ndarray, int], Evaluation] | None = None,
    n_candidates: int = 10,
    validate_fn: Callable[[np.ndarray], Evaluation | float] | None = None,
    validate_every: int = 1,
    checkpoint: str | os.PathLike | None = None,
    progress: bool | str = True,
    snapshots=(),
) -> TrainResult:
    """Run ask -> evaluate -> tell until `n_generations` generations are done.

    `evaluate_fn(population, seed)` scores a population, e.g.
    `lambda pop, seed: nh.evaluate(policy, pop, "CartPole-v1", 5, seed)`. Every generation
    gets fresh training episodes from `rng` (first seeds below `VALIDATION_SEED -
    MAX_TRAINING_EPISODES`, so up to that many episodes stay training episodes). With
    `checkpoint`, the run is saved after every generation and, if the file exists, resumed
    from it. `progress` shows a progress bar (a string: the bar's label, e.g. "GA, seed 3").
    `snapshots` lists generations (counted from 0) whose candidate is kept in
    `result.snapshots`, e.g. to show an agent at several points of its training.

    Each generation has an answer candidate: an ES's center (its answer is the center of
    its search distribution, not any sample; it is scored with the population on the same
    episodes), a GA's re-evaluated elite, a strategy's own `candidate()` (MAP-Elites: its
    archive's best elite; novelty search: its best scorer so far), or else the
    generation's best scorer. The answer:

    - with `validate_fn(params)` (e.g. `lambda p: protocol.score_on_validation(policy, p,
      env_id, 20)`), the candidate is scored on validation episodes every
      `validate_every` generations and after the last; the answer is the candidate with
      the best validation score (ties: the newest), and `best_fitness` is that score;
    - without it, the latest center or elite, or for a plain GA the best training score so
      far. (Picking the best of many noisy training scores picks a lucky one: 04's
      winner's curse. That is why the ES's answer is its latest center, not its best.)

    With `reevaluate_fn` (a GA only), the `n_candidates` fittest and the previous elite are
    scored again on fresh training episodes, and the best of *those* scores chooses the
    elite, as in Such et al. (2017). The extra episodes count in the history's budget;
    validation episodes do not (they choose, they do not train). Taught in
    04_genetic_algorithm and 07_comparison.
    """
    _check_count("n_generations", n_generations)
    _check_count("validate_every", validate_every)
    if reevaluate_fn is not None:
        _check_count("n_candidates", n_candidates)
        if n_candidates < getattr(strategy, "n_elite", n_candidates + 1):
            raise ValueError(
                f"reevaluate_fn chooses the elite of a GA among the n_candidates fittest, so "
                f"the strategy needs an n_elite <= n_candidates={n_candidates}; "
                f"{type(strategy).__name__} has n_elite={getattr(strategy, 'n_elite', None)}."
            )
    best_params, best_fitness, latest = None, -np.inf, None
    history = {"best": [], "mean": [], "validation": [], "episodes": [], "env_steps": []}
    mode = "validation" if validate_fn is not None else "training"  # what chooses the answer
    if checkpoint is not None and Path(checkpoint).exists():
        best_params, best_fitness, history, saved_mode = _load_checkpoint(checkpoint, strategy, rng)
        if saved_mode != mode:  # chosen another way: choose again from here on
            best_params, best_fitness = None, -np.inf

    latest_kind = getattr(strategy, "center", None) is not None or reevaluate_fn is not None
    interrupted, kept = False, {}
    from .progress import progress_bar  # here: `import neuroevo_helpers` stays light

    bar = progress_bar(
        total=n_generations, initial=len(history["best"]), disable=not progress, unit="gen",
        desc=progress if isinstance(progress, str) else None,
    )  # fmt: skip
    try:
        while len(history["best"]) < n_generations:
            params, score, fitness, used = _one_generation(
                strategy, evaluate_fn, rng, reevaluate_fn, n_candidates
            )
            generation, latest = len(history["best"]) + 1, params
            if generation - 1 in snapshots:
                kept[generation - 1] = params
            checked = None
            if validate_fn is not None and (
                generation % validate_every == 0 or generation == n_generations
            ):
                result = validate_fn(params)
                checked = float(getattr(result, "fitness", result))
                if checked >= best_fitness:  # ties: the newer one, which survived longer
                    best_params, best_fitness = params, checked
            elif validate_fn is None and (latest_kind or score >= best_fitness):
                best_params, best_fitness = params, score
            _record(history, score, checked, fitness, used)
            if checkpoint is not None:
                _save_checkpoint(
                    checkpoint, strategy, rng, best_params, best_fitness, history, mode
                )
            bar.update()
            bar.set_postfix(answer=f"{best_fitness:.1f}", mean=f"{history['mean'][-1]:.1f}")
    except KeyboardInterrupt:  # Ctrl-C, or the stop button in a notebook
        interrupted = True
        print(f"Interrupted after {len(history['best'])} generations; returning the answer so far.")
    finally:
        bar.close()
    if best_params is None and latest is not None and validate_fn is not None:
        # stopped before the first validation: the latest candidate is the only one
        result = validate_fn(latest)
        best_params, best_fitness = latest, float(getattr(result, "fitness", result))
    if best_params is None:
        raise RuntimeError("Stopped before the answer was first chosen: nothing to return.")
    return TrainResult(best_params, best_fitness, history, interrupted, kept)


def _one_generation(strategy, evaluate_fn, rng, reevaluate_fn, n_candidates) -> tuple:
    """ask -> evaluate -> tell, once. Returns this generation's answer (params), its score,
    the population's fitness, and every Evaluation it paid for."""
    population = strategy.ask()  # (pop_size, n_params)
    center = getattr(strategy, "center", None)  # an ES's answer, scored on the same episodes
    scored = population if center is None else np.concatenate([population, center[None]])
    result = evaluate_fn(scored, training_seed(rng))
    fitness = result.fitness[: len(population)]
    if center is not None:
        strategy.tell(population, fitness)
        return center.copy(), float(result.fitness[-1]), fitness, [result]
    if reevaluate_fn is None:
        strategy.tell(population, fitness)
        if hasattr(strategy, "candidate"):  # its own: MAP-Elites' best elite, novelty
            # search's best scorer so far (neither keeps it in the population)
            params, score = strategy.candidate()
            return params, score, fitness, [result]
        i = int(np.argmax(fitness))
        return population[i].copy(), float(fitness[i]), fitness, [result]
    candidates = np.argsort(-fitness, kind="stable")[:n_candidates]
    # The previous elite (the first n_elite rows after generation 0: GA.tell puts them
    # there) is always a candidate, as in Such et al.: a lucky newcomer must beat it on
    # the same fresh episodes to take its place.
    if getattr(strategy, "generation", 0) > 0:
        previous = np.arange(strategy.n_elite)
        candidates = np.concatenate([candidates, previous[~np.isin(previous, candidates)]])
    extra = reevaluate_fn(population[candidates], training_seed(rng))
    scores = np.atleast_1d(extra.fitness)  # (n_candidates,)
    elite = candidates[np.argsort(-scores, kind="stable")[: strategy.n_elite]]
    strategy.tell(population, fitness, elite=elite)
    return population[elite[0]].copy(), float(scores.max()), fitness, [result, extra]


def _record(history: dict, score: float, checked, fitness: np.ndarray, used: list) -> None:
    """Append one generation: the candidate's training score and validation score (None if
    not validated), the population mean, and the budget spent so far."""
    previous = (history["episodes"][-1], history["env_steps"][-1]) if history["best"] else (0, 0)
    history["best"].append(score)
    history["validation"].append(checked)
    history["mean"].append(float(np.mean(fitness)))
    history["episodes"].append(previous[0] + sum(int(np.size(r.episode_returns)) for r in used))
    history["env_steps"].append(previous[1] + sum(int(r.n_steps) for r in used))


def _save_checkpoint(path, strategy, rng, best_params, best_fitness, history, mode) -> None:
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
        "answer_mode": mode,
        "has_answer": best_params is not None,
    }
    answer = np.zeros(0) if best_params is None else best_params  # none chosen yet
    with atomic_path(path) as tmp:
        np.savez(tmp, best_params=answer, meta=np.array(json.dumps(meta)), **arrays)


def _load_checkpoint(path, strategy, rng) -> tuple[np.ndarray | None, float, dict, str]:
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
        history = meta["history"]
        history.setdefault("validation", [None] * len(history["best"]))  # older checkpoints
        answer = data["best_params"] if meta.get("has_answer", True) else None
        mode = meta.get("answer_mode", "training")
        return answer, float(meta["best_fitness"]), history, mode

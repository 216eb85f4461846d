"""Random search, the GA, OpenAI-ES and REINFORCE at equal budgets of env steps.

Each run trains one method on one env from one seed until it *solves* the env or spends its
budget. Solved means: the method's current answer scores at least the threshold as a mean
over 100 held-out episodes (seeds from `HELD_OUT_SEED` up). That check runs whenever the
answer's training score reaches the threshold, and at every twentieth of the budget; its
time counts in the wall-clock seconds, its env steps do not count in the budget.

Used by 07_comparison; the full-size comparison is one command (it takes about half an hour):

    python -m neuroevo_helpers compare --backend gymnasium --out assets/07_comparison.json
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

from ._files import atomic_path
from .backends import JUDGE, choose_backend
from .envs import evaluate, policy_for_env
from .network import MLP
from .recipes import build, episodes_fn, policy_for, recipe
from .reinforce import Reinforce
from .training import HELD_OUT_SEED, _one_generation

# Budgets of env steps per run, and thresholds (Pendulum has none in its spec: -200 is the
# course's bar for a pendulum held upright from most starts).
BUDGETS = {
    "CartPole-v1": 1_000_000,
    "Acrobot-v1": 1_000_000,
    "Pendulum-v1": 6_000_000,
    "LunarLanderContinuous-v3": 10_000_000,  # 09: GA and ES only (`methods`)
}
THRESHOLDS = {"Pendulum-v1": -200.0}
METHODS = ("random search", "GA", "ES", "REINFORCE")
REINFORCE_SETTINGS = dict(hidden=16, n_episodes=10, lr=0.01)
RANDOM_SEARCH_SETTINGS = dict(hidden=16, pop_size=64, n_episodes=3)


def threshold(env_id: str) -> float:
    """The env's "solved" return: its spec's reward_threshold, or the course's choice."""
    value = THRESHOLDS.get(env_id, gym.spec(env_id).reward_threshold)
    if value is None:
        raise ValueError(f"{env_id} has no reward threshold; add one to THRESHOLDS.")
    return float(value)


def methods_for(env_id: str) -> tuple[str, ...]:
    """REINFORCE here handles discrete actions only."""
    return METHODS if policy_for_env(env_id).output == "argmax" else METHODS[:3]


class RandomSearch:
    """Fresh random networks every generation (03's random search) behind ask/tell."""

    def __init__(self, policy: MLP, pop_size: int, rng: np.random.Generator) -> None:
        self.policy, self.pop_size, self.rng = policy, pop_size, rng

    def ask(self) -> np.ndarray:
        return self.policy.init_params(self.rng, self.pop_size)

    def tell(self, population: np.ndarray, fitness: np.ndarray) -> None:
        """Nothing to learn: the best so far is kept by the training loop."""


def settings_for(method: str, env_id: str) -> dict:
    """The settings a method uses on an env (saved with the results, to show what ran).

    Every method gets the same network: random search and REINFORCE scale observations
    wherever the GA's recipe does.
    """
    if method in ("GA", "ES"):
        return recipe(method.lower(), env_id)
    settings = RANDOM_SEARCH_SETTINGS if method == "random search" else REINFORCE_SETTINGS
    return {**settings, "normalize": recipe("ga", env_id).get("normalize", False)}


def run(
    method: str,
    env_id: str,
    seed: int,
    budget: int | None = None,
    settings: dict | None = None,
    backend: str = "auto",
) -> dict:
    """One run until solved or out of budget; returns its curve and when it solved.

    `settings` replaces the method's default settings for this env (`settings_for`).
    Training runs on `backend` (see `nh.evaluate`; the record says which one ran); the
    held-out checks always on gymnasium (`JUDGE`).
    """
    budget = budget or BUDGETS[env_id]
    goal = threshold(env_id)
    settings = settings_for(method, env_id) if settings is None else settings
    rng = np.random.default_rng(seed)
    backend = choose_backend(env_id, backend)
    step = _stepper(method, env_id, settings, rng, backend)
    record = {"method": method, "env_id": env_id, "seed": seed, "budget": budget}
    record["backend"] = backend
    record |= {"env_steps": [], "score": [], "solved_steps": None, "solved_seconds": None}
    start, env_steps, next_check, best = time.perf_counter(), 0, budget / 20, (None, -np.inf)
    held, checking = None, 0.0  # checking: seconds spent on held-out checks

    def held_out(params) -> float:
        nonlocal checking
        began = time.perf_counter()
        score = evaluate(policy, params, env_id, 100, HELD_OUT_SEED, backend=JUDGE).fitness
        checking += time.perf_counter() - began
        return score

    while env_steps < budget:
        params, score, policy, used = step()
        env_steps += used
        # The answer: the best so far (ties: the newest), as in nh.train; a re-evaluated
        # elite, or REINFORCE's current policy, is always the answer.
        if score >= best[1] or method == "REINFORCE" or settings.get("reevaluate"):
            best = (params, score)
        record["env_steps"].append(env_steps)
        record["score"].append(float(best[1]))
        if best[1] >= goal or env_steps >= next_check:
            next_check = env_steps + budget / 20
            held = held_out(best[0])
            if held >= goal:
                record["solved_steps"] = env_steps
                record["solved_seconds"] = time.perf_counter() - start
                break
    record["seconds"] = time.perf_counter() - start
    if record["solved_steps"] is None:  # the final answer, judged the same way
        held = held_out(best[0])
    record["held_out"] = float(held)
    record["check_seconds"] = checking  # of "seconds", plus the final check if unsolved
    return record


def _stepper(method: str, env_id: str, settings: dict, rng: np.random.Generator, backend: str):
    """A function that runs one generation (or update): -> (answer, score, policy, env steps)."""
    if method == "REINFORCE":
        policy = policy_for(env_id, settings)
        params, n_episodes = policy.init_params(rng), settings["n_episodes"]
        agent = Reinforce(policy, params, env_id, n_episodes, settings["lr"], rng, backend)

        def reinforce_step():
            seed = int(rng.integers(HELD_OUT_SEED))
            batch = agent.step(seed)
            # Its score, like the other methods': the greedy (argmax) policy's mean return,
            # here on the batch's start states. These monitoring episodes are not training,
            # so, like the held-out checks, they count in the time but not in the budget.
            score = evaluate(policy, agent.params, env_id, n_episodes, seed, backend=backend)
            return agent.params, float(score.fitness), policy, int(batch.running.sum())

        return reinforce_step
    if method == "random search":
        policy = policy_for(env_id, settings)
        strategy = RandomSearch(policy, settings["pop_size"], rng)
        fitness_fn = episodes_fn(policy, env_id, settings["n_episodes"], backend)
        refit_fn = None
    else:
        policy, strategy, fitness_fn, refit_fn = build(
            method.lower(), env_id, settings, rng, backend
        )

    def generation():
        params, score, _, used = _one_generation(strategy, fitness_fn, rng, refit_fn, 10)
        return params, score, policy, sum(int(u.n_steps) for u in used)

    return generation


def compare(
    env_ids,
    seeds,
    out: Path | None = None,
    budget_scale: float = 1.0,
    methods=None,
    backend: str = "auto",
) -> dict:
    """Every method (or those in `methods`) on every env from every seed, training on
    `backend`; written to `out` as JSON if given."""
    unknown = sorted(set(methods or ()) - set(METHODS))
    if unknown:
        raise ValueError(f"Unknown methods {unknown}; choose from {list(METHODS)}.")
    results = {"runs": [], "settings": {}, "budgets": {}, "thresholds": {}}
    for env_id in env_ids:
        budget = int(BUDGETS[env_id] * budget_scale)
        results["budgets"][env_id], results["thresholds"][env_id] = budget, threshold(env_id)
        for method in [m for m in methods_for(env_id) if methods is None or m in methods]:
            results["settings"][f"{method} on {env_id}"] = settings_for(method, env_id)
            for seed in seeds:
                results["runs"].append(run(method, env_id, seed, budget, backend=backend))
                done = results["runs"][-1]
                print(
                    f"{env_id:<12} {method:<14} seed {seed}: solved at "
                    f"{done['solved_steps']} steps, {done['seconds']:.1f} s",
                    flush=True,
                )
    if out is not None:
        with atomic_path(Path(out)) as tmp:
            tmp.write_text(json.dumps(results, indent=1))
    return results

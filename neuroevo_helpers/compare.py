"""Random search, the GA, OpenAI-ES and REINFORCE at equal budgets of env steps.

Each run trains one method on one env from one seed until its answer passes validation or
the budget is spent, under the course's protocol (`neuroevo_helpers.protocol`): the answer
is chosen on validation episodes, and scored once, at the end, on 100 test episodes on
gymnasium. Solved means both passed. Validation and test time counts in the wall-clock
seconds; their env steps do not count in the budget.

Used by 07_comparison and 09; 07's stored comparison is one command (15-45 minutes):

    python -m neuroevo_helpers compare --env Acrobot-v1 Pendulum-v1 --seeds 10 \
        --backend auto --out assets/07_comparison.json
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import NamedTuple

import gymnasium as gym
import numpy as np

from . import protocol
from ._files import atomic_path
from .backends import choose_backend
from .envs import evaluate, policy_for_env
from .network import MLP
from .recipes import build, episodes_fn, policy_for, recipe
from .reinforce import Reinforce
from .training import _one_generation

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
# 10_cma_es_and_ars's methods: run only when asked for (`methods=`), so 07's default is unchanged
EXTRA_METHODS = ("CMA-ES", "ARS", "NEAT")  # NEAT: 12_neat
ALL_METHODS = METHODS + EXTRA_METHODS
# recipes.recipe's names
RECIPE_KEYS = {"GA": "ga", "ES": "es", "CMA-ES": "cmaes", "ARS": "ars", "NEAT": "neat"}
REINFORCE_SETTINGS = dict(hidden=16, n_episodes=10, lr=0.01)
RANDOM_SEARCH_SETTINGS = dict(hidden=16, pop_size=64, n_episodes=3)
# What `tune` chose where it moved from the defaults above (assets/tuning.json); the GA's
# and ES's tuned settings are in their recipes.
TUNED = {
    ("random search", "CartPole-v1"): dict(pop_size=32),
    ("random search", "Acrobot-v1"): dict(pop_size=16),
    ("REINFORCE", "CartPole-v1"): dict(lr=0.03),
    ("REINFORCE", "Acrobot-v1"): dict(lr=0.3),
}


def threshold(env_id: str) -> float:
    """The env's "solved" return: its spec's reward_threshold, or the course's choice."""
    value = THRESHOLDS.get(env_id, gym.spec(env_id).reward_threshold)
    if value is None:
        raise ValueError(f"{env_id} has no reward threshold; add one to THRESHOLDS.")
    return float(value)


def methods_for(env_id: str, methods=METHODS) -> tuple[str, ...]:
    """`methods` that can run on `env_id`: REINFORCE here handles discrete actions only."""
    discrete = policy_for_env(env_id).output == "argmax"
    return tuple(m for m in methods if discrete or m != "REINFORCE")


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
    if method in RECIPE_KEYS:
        return recipe(RECIPE_KEYS[method], env_id)
    settings = RANDOM_SEARCH_SETTINGS if method == "random search" else REINFORCE_SETTINGS
    settings = {**settings, **TUNED.get((method, env_id), {})}
    return {**settings, "normalize": recipe("ga", env_id).get("normalize", False)}


def run(
    method: str,
    env_id: str,
    seed: int,
    budget: int | None = None,
    settings: dict | None = None,
    backend: str = "auto",
    n_validation: int = 100,
    n_test: int = protocol.N_TEST,
) -> dict:
    """One run under the course's protocol (`neuroevo_helpers.protocol`), until its answer
    passes validation or the budget is spent.

    Training runs on `backend`. Every twentieth of the budget, and whenever the candidate's
    training score reaches the threshold, the candidate (the latest center, elite, or the
    generation's best) is scored on the same `n_validation` validation episodes, on the
    training backend: validation chooses, it does not judge. The answer is the candidate
    with the best validation score so far; the run stops at the first validation pass.
    Then, once, the answer is scored on `n_test` test episodes on gymnasium: the run is
    *solved* if both passed, and `solved_steps` is where validation passed.

    Validation and test episodes count in the time, not in the budget of env steps.
    """
    budget = budget or BUDGETS[env_id]
    goal = threshold(env_id)
    settings = settings_for(method, env_id) if settings is None else settings
    rngs = protocol.generators(seed)
    backend = choose_backend(env_id, backend)
    step = _stepper(method, env_id, settings, rngs, backend)
    record = {"method": method, "env_id": env_id, "seed": seed, "budget": budget}
    record["backend"] = backend
    record |= {"env_steps": [], "score": [], "validation": []}
    start, env_steps, next_check = time.perf_counter(), 0, budget / 20
    answer, answer_score, validated_steps = None, -np.inf, None
    checking = 0.0  # seconds spent on validation and test episodes
    while env_steps < budget:
        params, score, policy, used = step()
        env_steps += used
        record["env_steps"].append(env_steps)
        record["score"].append(float(score))
        if score >= goal or env_steps >= next_check or env_steps >= budget:
            next_check = env_steps + budget / 20
            began = time.perf_counter()
            checked = protocol.score_on_validation(
                policy, params, env_id, n_validation, backend=backend
            ).fitness
            checking += time.perf_counter() - began
            record["validation"].append([env_steps, float(checked)])
            if checked >= answer_score:  # ties: the newer one
                answer, answer_score = params, float(checked)
            if checked >= goal:
                validated_steps = env_steps
                break
    record["seconds"] = time.perf_counter() - start  # training and validation
    began = time.perf_counter()
    tested = protocol.score_on_test(policy, answer, env_id, n_test).episode_returns
    record["check_seconds"] = checking + time.perf_counter() - began
    record["validated_steps"] = validated_steps
    record["answer_validation"] = answer_score
    record["test"] = float(tested.mean())
    record["test_sem"] = float(tested.std(ddof=1) / np.sqrt(len(tested)))
    record["test_passed"] = protocol.solved(tested, goal)
    solved = validated_steps is not None and record["test_passed"]
    record["solved_steps"] = validated_steps if solved else None
    record["solved_seconds"] = record["seconds"] if solved else None
    return record


def run_full_budget(
    method: str,
    env_id: str,
    seed: int,
    settings: dict,
    budget: int,
    backend: str = "auto",
    n_checks: int = 15,
    n_validation: int = 50,
    n_test: int = protocol.N_TEST,
) -> dict:
    """One run that trains for the whole budget, as `record` does (10_cma_es_and_ars).

    At every `n_checks`-th of the budget, the candidate (latest center, or the generation's
    best) is scored on the same `n_validation` validation episodes. Two stopping rules are
    read from those scores alone, and each answer is then scored once on `n_test` test
    episodes on gymnasium:

    - "best": the best-validated candidate over the whole budget (ties: the newer one);
    - "first pass": the first candidate whose validation score reached the threshold, as
      `run` stops (None if none did). Its `seconds` are the training time until then.
    """
    goal = threshold(env_id)
    rngs = protocol.generators(seed)
    backend = choose_backend(env_id, backend)
    step = _stepper(method, env_id, settings, rngs, backend)
    record = {"method": method, "env_id": env_id, "seed": seed, "budget": budget}
    record |= {"backend": backend, "settings": settings, "validation": []}
    start, env_steps, next_check, checking = time.perf_counter(), 0, budget / n_checks, 0.0
    best, first = None, None  # (params, validation score, env steps, seconds)
    while env_steps < budget:
        params, _, policy, used = step()
        env_steps += used
        if env_steps >= next_check or env_steps >= budget:
            next_check += budget / n_checks
            began = time.perf_counter()
            checked = float(protocol.score_on_validation(
                policy, params, env_id, n_validation, backend=backend).fitness)  # fmt: skip
            checking += time.perf_counter() - began
            record["validation"].append([env_steps, checked])
            now = (params, checked, env_steps, time.perf_counter() - start - checking)
            if best is None or checked >= best[1]:
                best = now
            if first is None and checked >= goal:
                first = now
    record["seconds"] = time.perf_counter() - start - checking  # training only
    for rule, chosen in (("best", best), ("first pass", first)):
        if chosen is None:
            record[rule] = None
            continue
        tested = protocol.score_on_test(policy, chosen[0], env_id, n_test).episode_returns
        # fewer than 100 test episodes compare runs, and call nothing solved
        passed = bool(protocol.solved(tested, goal)) if n_test >= protocol.N_TEST else None
        record[rule] = {
            "validation": chosen[1], "env_steps": chosen[2], "seconds": chosen[3],
            "test": float(tested.mean()),
            "test_sem": float(tested.std(ddof=1) / np.sqrt(len(tested))),
            "test_passed": passed,
            "params": [float(v) for v in chosen[0]],
        }  # fmt: skip
    return record


def full_budget_runs(
    variants: dict,
    env_id: str,
    seeds,
    budget: int,
    out: Path,
    command: str,
    backend="auto",
    **checks,
) -> dict:
    """`run_full_budget` for every variant (name -> (method, settings)) from every seed,
    written to `out` as JSON with the `command` that made it (10_cma_es_and_ars). `checks`
    (`n_checks`, `n_validation`, `n_test`) go to `run_full_budget`."""
    todo = [(name, seed) for name in variants for seed in seeds]
    runs = {name: [] for name in variants}
    from .progress import progress_bar  # here: `import neuroevo_helpers` stays light

    for name, seed in progress_bar(todo, desc=f"{env_id}: {len(variants)} variants x "
                                   f"{len(list(seeds))} seeds", unit="run"):  # fmt: skip
        method, settings = variants[name]
        runs[name].append(
            run_full_budget(method, env_id, seed, settings, budget, backend, **checks)
        )
    results = {"command": command, "env_id": env_id, "budget": budget, "runs": runs} | checks
    with atomic_path(Path(out)) as tmp:
        tmp.write_text(json.dumps(results, indent=1))
    return results


def _stepper(method: str, env_id: str, settings: dict, rngs: protocol.Generators, backend: str):
    """A function that runs one generation (or update): -> (candidate, its training score,
    policy, env steps). Each purpose draws from its own generator in `rngs`."""
    if method == "REINFORCE":
        policy = policy_for(env_id, settings)
        params, n_episodes = policy.init_params(rngs.init), settings["n_episodes"]
        agent = Reinforce(policy, params, env_id, n_episodes, settings["lr"], rngs.noise, backend)

        def reinforce_step():
            seed = protocol.training_seed(rngs.episodes, 2 * n_episodes)
            batch = agent.step(seed)
            # Its score, like the other methods': the greedy (argmax) policy's mean return,
            # on other training episodes. These monitoring episodes are not training, so,
            # like validation, they count in the time but not in the budget.
            score = evaluate(
                policy, agent.params, env_id, n_episodes, seed + n_episodes, backend=backend
            )
            return agent.params, float(score.fitness), policy, int(batch.running.sum())

        return reinforce_step
    if method == "random search":
        policy = policy_for(env_id, settings)
        strategy = RandomSearch(policy, settings["pop_size"], rngs.noise)
        fitness_fn = episodes_fn(policy, env_id, settings["n_episodes"], backend)
        refit_fn = None
    else:
        policy, strategy, fitness_fn, refit_fn = build(
            RECIPE_KEYS[method], env_id, settings, rngs.noise, backend, init_rng=rngs.init
        )

    def generation():
        params, score, _, used = _one_generation(strategy, fitness_fn, rngs.episodes, refit_fn, 10)
        return params, score, policy, sum(int(u.n_steps) for u in used)

    return generation


def compare(
    env_ids,
    seeds,
    out: Path | None = None,
    budget_scale: float = 1.0,
    methods=None,
    backend: str = "auto",
    progress: bool = True,
) -> dict:
    """Every method (or those in `methods`) on every env from every seed, training on
    `backend`; written to `out` as JSON if given. A progress bar counts the runs."""
    unknown = sorted(set(methods or ()) - set(ALL_METHODS))
    if unknown:
        raise ValueError(f"Unknown methods {unknown}; choose from {list(ALL_METHODS)}.")
    seeds = list(seeds)
    todo = [(env_id, method) for env_id in env_ids
            for method in methods_for(env_id, methods or METHODS)]  # fmt: skip
    results = {"runs": [], "settings": {}, "budgets": {}, "thresholds": {}}
    from .progress import progress_bar  # here: `import neuroevo_helpers` stays light

    bar = progress_bar(total=len(todo) * len(seeds), unit="run", disable=not progress)
    for env_id, method in todo:
        budget = int(BUDGETS[env_id] * budget_scale)
        results["budgets"][env_id], results["thresholds"][env_id] = budget, threshold(env_id)
        results["settings"][f"{method} on {env_id}"] = settings_for(method, env_id)
        for seed in seeds:
            bar.set_description(f"{method} on {env_id}, seed {seed}")
            results["runs"].append(run(method, env_id, seed, budget, backend=backend))
            bar.update()
    bar.close()
    if out is not None:
        with atomic_path(Path(out)) as tmp:
            tmp.write_text(json.dumps(results, indent=1))
    return results


# ---------------------------------------------------------------------------------------
# Fair tuning: the same small budget for every method, on seeds that are never reported

TUNING_SEEDS = (1000, 1001, 1002)  # reported runs use seeds 0, 1, 2, ...: never these
# Four settings per method: what each one changes from its defaults (settings_for).
TUNING_GRIDS = {
    "random search": [dict(pop_size=p) for p in (16, 32, 64, 128)],
    "GA": [dict(sigma=s) for s in (0.1, 0.3, 1.0, 3.0)],
    "ES": [dict(sigma=s, lr=lr) for s, lr in ((0.1, 0.1), (0.2, 0.1), (0.5, 0.3), (1.0, 1.0))],
    "REINFORCE": [dict(lr=lr) for lr in (0.01, 0.03, 0.1, 0.3)],
    "CMA-ES": [dict(sigma=s) for s in (0.5, 1.0, 2.0, 4.0)],
    "ARS": [
        dict(step_size=a, noise=v) for a, v in ((0.02, 0.03), (0.05, 0.1), (0.1, 0.3), (0.3, 1.0))
    ],
    "NEAT": [dict(weight_power=p) for p in (0.25, 0.5, 1.0, 2.5)],
}


def tune(
    method: str,
    env_id: str,
    grid: list[dict] | None = None,
    seeds=TUNING_SEEDS,
    budget: int | None = None,
    backend: str = "auto",
) -> dict:
    """Try each setting of `grid` (default: TUNING_GRIDS[method]) from each tuning seed, and
    choose by `_choose`: most runs that pass validation, then the fewest median env steps
    to pass (a run that never passes counts as infinitely slow); where settings tie on both,
    the method's default if it is among them (nothing shows a reason to move), else the
    higher median validation score.

    Only validation decides: every run also plays its test episodes (compare.run always
    does), but the choice never reads them. Returns the settings chosen, and every run.
    """
    if set(seeds) & set(range(0, 1000)):
        raise ValueError(
            f"tuning seeds must not overlap the reported seeds (0-999); got {sorted(seeds)}. "
            f"Use seeds from {TUNING_SEEDS[0]} up."
        )
    grid = TUNING_GRIDS[method] if grid is None else grid
    base = settings_for(method, env_id)
    tried = []
    for change in grid:
        settings = {**base, **change}
        runs = [run(method, env_id, s, budget, settings=settings, backend=backend) for s in seeds]
        steps = [r["validated_steps"] if r["validated_steps"] is not None else np.inf for r in runs]
        score = float(np.median([r["answer_validation"] for r in runs]))
        n_passed = sum(r["validated_steps"] is not None for r in runs)
        tried.append(dict(change=change, n_passed=n_passed, median_steps=float(np.median(steps)),
                          score=score, runs=runs))  # fmt: skip
    best = _choose(tried, base)
    return {"method": method, "env_id": env_id, "seeds": list(seeds),
            "settings": {**base, **best["change"]}, "tried": tried}  # fmt: skip


def _choose(tried: list[dict], base: dict) -> dict:
    """The setting `tune` keeps (see its docstring); reads validation results only."""
    key = lambda t: (-t["n_passed"], t["median_steps"])  # noqa: E731
    tied = [t for t in tried if key(t) == min(key(t) for t in tried)]
    default = [t for t in tied if all(base.get(k) == v for k, v in t["change"].items())]
    return default[0] if default else max(tied, key=lambda t: t["score"])


# ---------------------------------------------------------------------------------------
# Reading results: one row per method, and curves of the answer's validation score


class Summary(NamedTuple):
    """One method on one env, over its seeds (07 and 09 print and plot these)."""

    n_runs: int
    n_validated: int  # runs whose answer passed validation
    n_solved: int  # runs whose answer then passed its test too
    solved: protocol.Interval  # share whose answer then passed its test too (Wilson)
    steps: protocol.Interval  # median env steps to solve, "never" counted as infinite
    seconds: float  # median wall-clock seconds to solve (inf if half never solved)


def summarize(results: dict, env_id: str, methods=None) -> dict[str, Summary]:
    """Per method: runs that passed validation and that were solved (validation, then test),
    with a 95% interval; median env steps and seconds to solve, with a bootstrap interval
    for the steps. A run that was not solved counts as infinitely slow."""
    rows = {}
    for method, runs in _runs_by_method(results, env_id, methods):
        steps = [np.inf if r["solved_steps"] is None else r["solved_steps"] for r in runs]
        seconds = [np.inf if r["solved_seconds"] is None else r["solved_seconds"] for r in runs]
        n_solved = sum(r["solved_steps"] is not None for r in runs)
        rows[method] = Summary(
            n_runs=len(runs),
            n_validated=sum(r["validated_steps"] is not None for r in runs),
            n_solved=n_solved,
            solved=protocol.success_rate(n_solved, len(runs)),
            steps=_median(steps),
            seconds=float(np.median(seconds)),
        )
    return rows


def _runs_by_method(results: dict, env_id: str, methods=None):
    """(method, its runs on env_id) for each method (default: all that fit) that has runs."""
    for method in methods or methods_for(env_id, ALL_METHODS):
        runs = [r for r in results["runs"] if r["env_id"] == env_id and r["method"] == method]
        if runs:
            yield method, runs


def _median(values) -> protocol.Interval:
    """The median with its bootstrap interval; one run alone has no spread to resample."""
    if len(values) > 1:
        return protocol.median_interval(values)
    return protocol.Interval(float(values[0]), float(values[0]), float(values[0]))


def print_summary(results: dict, env_id: str, methods=None) -> dict[str, Summary]:
    """`summarize`, printed as a table; returns the rows."""
    rows = summarize(results, env_id, methods)
    print(f"{env_id}: threshold {results['thresholds'][env_id]:g}, budget "
          f"{results['budgets'][env_id]:,} env steps per run")  # fmt: skip
    print(f"{'method':<14} {'passed':>6} {'solved':>7} {'95% interval':>13}   "
          f"{'env steps to solve: median [95%]':<33} {'median s':>8}")  # fmt: skip
    for method, row in rows.items():
        low, high = row.solved.low, row.solved.high
        steps = f"{_k(row.steps.estimate)} [{_k(row.steps.low)}, {_k(row.steps.high)}]"
        seconds = "never" if np.isinf(row.seconds) else f"{row.seconds:.2g}"
        print(f"{method:<14} {row.n_validated:>3}/{row.n_runs:<2} "
              f"{row.n_solved:>4}/{row.n_runs:<2} "
              f"{f'{low:.0%}-{high:.0%}':>13}   {steps:<33} {seconds:>8}")  # fmt: skip
    return rows


def _k(steps: float) -> str:
    if np.isinf(steps):
        return "never"
    return f"{steps / 1e6:.2g}M" if steps >= 1e6 else f"{steps / 1e3:.0f}k"


def validation_curves(results: dict, env_id: str, ax=None, methods=None):
    """Each method's answer, scored on validation episodes at every check: the median over
    seeds, with a 95% bootstrap interval of that median as a band.

    A run's answer is the best-validated candidate so far, so its curve never falls; a run
    that stopped early keeps its answer to the end of the budget. The x axis is the budget's
    twentieths, where every run checks (it may overshoot a check by one generation).
    """
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(7, 3.8))[1]
    budget = results["budgets"][env_id]
    grid = np.arange(1, 21) * budget / 20
    for method, runs in _runs_by_method(results, env_id, methods):
        ys = np.array([_answer_curve(r["validation"], grid, budget) for r in runs])
        bands = [_median(column) for column in ys.T]
        (line,) = ax.plot(grid, [b.estimate for b in bands], label=f"{method} ({len(runs)} seeds)")
        ax.fill_between(grid, [b.low for b in bands], [b.high for b in bands],
                        color=line.get_color(), alpha=0.2, lw=0)  # fmt: skip
    ax.axhline(results["thresholds"][env_id], color="grey", ls=":", lw=1)
    ax.set(title=f"{env_id}: the answer's validation score", xlabel="env steps",
           ylabel="validation mean, 100 episodes")  # fmt: skip
    ax.legend(fontsize="x-small", loc="lower right")
    return ax


def _answer_curve(checks: list, grid: np.ndarray, budget: int) -> np.ndarray:
    """The best validation score so far at each point of `grid` (a check made up to one
    twentieth of the budget late still counts at its point)."""
    steps = np.array([s for s, _ in checks], dtype=float)
    best = np.maximum.accumulate([v for _, v in checks])
    # the last check made before the next grid point
    index = np.searchsorted(steps, grid + budget / 20, side="left") - 1
    return np.where(index >= 0, best[np.maximum(index, 0)], np.nan)

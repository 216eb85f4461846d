"""11_novelty_and_map_elites's measured comparison: searching for the objective (GA, ES)
against searching for novelty (novelty search) and for diversity (MAP-Elites), on two
deceptive tasks, at equal budgets and with the course's protocol.

Every method gets the same network, the same number of training episodes (population x
episodes x generations), the same mutation size where it has one, and no tuning: the
settings below were set once for all four, before any run was scored, and are not tuned
per method (said in the notebook). Each run's answer is chosen on 20 validation episodes
every 5 generations and scored once on 100 test episodes with gymnasium's env.

`runs(...)` plays many seeds and writes them, with the command that made them, to a JSON
file (atomically). The notebook's FULL_SIZE path calls it; CI runs a smaller version.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from ._files import atomic_path
from .behaviour import FinalObservation, Touchdown
from .envs import env_spec, evaluate
from .es import ES
from .ga import GA
from .maze import ENV_ID as MAZE
from .protocol import TEST_SEED, VALIDATION_SEED, generators, training_seed
from .qd import GridArchive, MapElites, NoveltySearch
from .recipes import policy_for
from .training import train

METHODS = ("GA", "ES", "Novelty search", "MAP-Elites")

SETTINGS = {
    MAZE: dict(
        hidden=(16,), normalize=False, pop_size=200, n_parents=20, sigma=0.3, lr=0.1,
        n_episodes=1, n_generations=100, descriptor=FinalObservation((10, 11), ("x", "y")),
        bounds=((0.0, 0.0), (1.0, 1.0)), grid=(30, 15), k=15, threshold=0.05, qd_offset=-1.0,
    ),
    "MountainCar-v0": dict(
        hidden=(16,), normalize=True, pop_size=64, n_parents=10, sigma=0.3, lr=0.1,
        n_episodes=3, n_generations=60,
        descriptor=FinalObservation((0, 1), ("position", "velocity")),
        bounds=((-1.2, -0.07), (0.6, 0.07)), grid=(20, 20), k=15, threshold=0.05,
        qd_offset=-200.0,
    ),
    # landing styles (MAP-Elites only, from a trained lander): where and how hard it touches
    # down; 3 episodes per score, so that fewer elites hold their cell by one lucky episode
    "LunarLanderContinuous-v3": dict(
        hidden=(32, 32), normalize="random episodes", obs_episodes=30, pop_size=128,
        sigma=0.05, n_episodes=3, n_generations=100, descriptor=Touchdown(),
        bounds=((-1.0, -1.5), (1.0, 0.0)), grid=(16, 10), qd_offset=-600.0,
    ),
}  # fmt: skip


def build(
    method: str, env_id: str, settings: dict, rng: np.random.Generator, backend: str = "auto",
    *, init_rng: np.random.Generator | None = None,
):  # fmt: skip
    """`(policy, strategy, fitness_fn)` for `train`: `fitness_fn` passes the descriptors on.

    The strategy draws its noise from `rng`, the starting networks from `init_rng` (by
    default `rng` too)."""
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {METHODS}.")
    s = settings
    policy = policy_for(env_id, s)
    start = policy.init_params(rng if init_rng is None else init_rng, s["pop_size"])
    if method == "GA":
        strategy = GA(start, s["n_parents"], s["sigma"], rng)
    elif method == "ES":  # pop_size samples (mirrored pairs), from one starting network
        strategy = ES(start[0], s["pop_size"], s["sigma"], s["lr"], rng)
    elif method == "Novelty search":
        strategy = NoveltySearch(
            start, s["n_parents"], s["sigma"], rng, bounds=s["bounds"], k=s["k"],
            threshold=s["threshold"],
        )  # fmt: skip
    else:
        archive = GridArchive(policy.n_params, s["grid"], s["bounds"], s["qd_offset"])
        strategy = MapElites(archive, start[0], s["sigma"], s["pop_size"], rng)
    descriptor = s["descriptor"]

    def fitness_fn(population, seed):
        result = evaluate(
            policy, population, env_id, s["n_episodes"], seed, backend=backend,
            descriptor=descriptor,
        )  # fmt: skip
        if hasattr(strategy, "observe"):
            strategy.observe(result.descriptors)
        return result

    return policy, strategy, fitness_fn


def run_one(
    method: str,
    env_id: str,
    seed: int,
    settings: dict | None = None,
    *,
    backend: str = "auto",
    n_test: int = 100,
    progress: bool | str = False,
) -> dict:
    """Train one run, choose its answer on validation, score it on `n_test` test episodes.

    Returns a JSON-ready record; its answer's parameters are under the key "answer" (an
    array, which `runs` stores beside the JSON file)."""
    s = {**SETTINGS[env_id], **(settings or {})}
    gens = generators(seed)
    policy, strategy, fitness_fn = build(method, env_id, s, gens.noise, backend, init_rng=gens.init)
    descriptor = s["descriptor"]
    best_episode = [-np.inf]  # the best single training episode of any individual

    def tracked(population, episode_seed):
        played = fitness_fn(population, episode_seed)
        best_episode[0] = max(best_episode[0], float(np.max(played.episode_returns)))
        return played

    started = time.perf_counter()
    result = train(
        strategy, tracked, s["n_generations"], gens.episodes,
        validate_fn=lambda p: evaluate(policy, p, env_id, 20, VALIDATION_SEED, backend=backend),
        validate_every=5, progress=progress,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    test = evaluate(
        policy, result.best_params, env_id, n_test, TEST_SEED, backend="gymnasium",
        descriptor=descriptor,
    )  # fmt: skip
    threshold = env_spec(env_id).reward_threshold
    out = {
        "method": method,
        "seed": seed,
        "test_mean": float(test.fitness),
        "solved": bool(test.fitness >= threshold),
        "test_at_goal": float(np.mean(_at_goal(env_id, test.episode_returns))),
        # Lehman & Stanley's measure: did any training episode of any individual arrive?
        "found_goal": bool(_at_goal(env_id, np.array(best_episode))[0]),
        "best_training_episode": best_episode[0],
        "validation": float(result.best_fitness),
        "env_steps": int(result.history["env_steps"][-1]),
        "episodes": int(result.history["episodes"][-1]),
        "seconds": round(seconds, 1),
        "best_curve": [float(v) for v in result.history["best"]],
        "answer_final": np.round(test.descriptors.mean(axis=0), 4).tolist(),
        "answer": result.best_params,
    }
    if method == "Novelty search":
        out["archive_size"] = len(strategy.archive)
    if method == "MAP-Elites":
        out["coverage"] = strategy.archive.coverage()
        out["qd_score"] = strategy.archive.qd_score()
    return out


def _at_goal(env_id: str, returns: np.ndarray) -> np.ndarray:
    """Which episodes reached the goal: the maze pays 1 on arrival, MountainCar ends early."""
    if env_id == MAZE:
        return returns > 1.0
    return returns > -200.0


def runs(
    methods, env_id: str, seeds, out: str | Path, command: str, settings: dict | None = None,
    progress: bool = True,
) -> dict:  # fmt: skip
    """Every method on every seed; written to `out` (JSON, atomically) after each run, the
    answers' parameters to the .npz file of the same name (keys "method/seed")."""
    from .progress import progress_bar

    out = Path(out)
    s = {**SETTINGS[env_id], **(settings or {})}
    record = {
        "env_id": env_id,
        "command": command,
        "settings": {k: (repr(v) if k == "descriptor" else v) for k, v in s.items()},
        "runs": [],
    }
    answers = {}
    jobs = [(m, seed) for m in methods for seed in seeds]
    for method, seed in progress_bar(jobs, desc=env_id.split("/")[-1], disable=not progress):
        one = run_one(method, env_id, seed, settings)
        answers[f"{method}/{seed}"] = one.pop("answer")
        record["runs"].append(one)
        with atomic_path(out) as tmp:
            tmp.write_text(json.dumps(record, indent=1))
        with atomic_path(out.with_suffix(".npz")) as tmp:
            np.savez(tmp, **answers)
    return record


def coverage_curves(
    env_id: str, seed: int, library: str, settings: dict | None = None, *, save=None,
    progress: bool | str = False, x0: np.ndarray | None = None,
) -> dict:  # fmt: skip
    """MAP-Elites from `seed` with the course's `MapElites` or pyribs' `GridArchive` and
    `GaussianEmitter` (library "course" or "pyribs"), on the same network, descriptors,
    grid, sigma, batch and budget: coverage and QD score after every generation. With
    `save` (the course's only), the final archive is written there with its policy, for
    `record --agent FILE --cell ...`. `x0`: where the search starts (default: a random
    network from the seed)."""
    s = {**SETTINGS[env_id], **(settings or {})}
    gens = generators(seed)
    policy = policy_for(env_id, s)
    x0 = policy.init_params(gens.init) if x0 is None else policy.check_params(x0)
    if library == "course":
        archive = GridArchive(policy.n_params, s["grid"], s["bounds"], s["qd_offset"])
        emitter = MapElites(archive, x0, s["sigma"], s["pop_size"], gens.noise)
        ask, stats = emitter.ask, lambda: (archive.coverage(), archive.qd_score())

        def tell(population, objective, descriptors):
            emitter.observe(descriptors)
            emitter.tell(population, objective)

    elif library == "pyribs":
        from ribs.archives import GridArchive as RibsArchive
        from ribs.emitters import GaussianEmitter
        from ribs.schedulers import Scheduler

        low, high = s["bounds"]
        archive = RibsArchive(
            solution_dim=policy.n_params, dims=s["grid"], ranges=list(zip(low, high)),
            qd_score_offset=s["qd_offset"], seed=seed,
        )  # fmt: skip
        emitter = GaussianEmitter(
            archive, sigma=s["sigma"], x0=x0, batch_size=s["pop_size"], seed=seed
        )
        scheduler = Scheduler(archive, [emitter])
        ask = scheduler.ask
        stats = lambda: (archive.stats.coverage, float(archive.stats.qd_score))  # noqa: E731

        def tell(population, objective, descriptors):
            scheduler.tell(objective, descriptors.mean(axis=1))

    else:
        raise ValueError(f"library must be 'course' or 'pyribs'; got {library!r}.")
    coverage, qd_score = [], []
    from .progress import progress_bar

    bar = progress_bar(range(s["n_generations"]), desc=progress or "", disable=not progress)
    for _ in bar:
        population = ask()
        result = evaluate(
            policy, population, env_id, s["n_episodes"], training_seed(gens.episodes),
            descriptor=s["descriptor"],
        )  # fmt: skip
        tell(population, result.fitness, result.descriptors)
        c, q = stats()
        coverage.append(float(c))
        qd_score.append(float(q))
    if save is not None:
        archive.save(save, policy=policy, env_id=env_id)
    return {"library": library, "seed": seed, "coverage": coverage, "qd_score": qd_score}


def library_comparison(env_id: str, seeds, out: str | Path, command: str) -> dict:
    """`coverage_curves` with the course's MAP-Elites and pyribs' on every seed, written to
    `out` (JSON, atomically) after each run."""
    from .progress import progress_bar

    out = Path(out)
    record = {"env_id": env_id, "command": command, "runs": []}
    jobs = [(lib, seed) for seed in seeds for lib in ("course", "pyribs")]
    for library, seed in progress_bar(jobs, desc="MAP-Elites: course and pyribs"):
        record["runs"].append(coverage_curves(env_id, seed, library))
        with atomic_path(out) as tmp:
            tmp.write_text(json.dumps(record))
    return record


LANDER = "LunarLanderContinuous-v3"


def landing_styles(out: str | Path, command: str, start: str | Path, seed: int = 0) -> dict:
    """MAP-Elites on the lander from `seed` (SETTINGS[LANDER]), starting from the agent file
    `start` (a trained lander with the settings' network): the curves to `out` (JSON), the
    archive with its policy beside it (`out` with .npz), both atomically."""
    from .agents import load_agent

    out = Path(out)
    agent = load_agent(start, env_id=LANDER)
    if agent.policy != policy_for(LANDER, SETTINGS[LANDER]):
        raise ValueError(f"{start} holds another network than SETTINGS[{LANDER!r}] asks for.")
    record = coverage_curves(
        LANDER, seed, "course", save=out.with_suffix(".npz"), progress="landing styles",
        x0=agent.params,
    )  # fmt: skip
    record["command"] = command
    with atomic_path(out) as tmp:
        tmp.write_text(json.dumps(record))
    return record


if __name__ == "__main__":
    # python -m neuroevo_helpers.deceptive ENV OUT [SEEDS] [METHODS...]
    # python -m neuroevo_helpers.deceptive --libraries ENV OUT [SEEDS]
    import sys

    if sys.argv[1] == "--libraries":
        library_comparison(
            sys.argv[2], range(int(sys.argv[4]) if len(sys.argv) > 4 else 5), sys.argv[3],
            "python -m neuroevo_helpers.deceptive " + " ".join(sys.argv[1:]),
        )  # fmt: skip
        sys.exit()
    env, path = sys.argv[1], sys.argv[2]
    n_seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    chosen = sys.argv[4:] or list(METHODS)
    runs(
        chosen,
        env,
        range(n_seeds),
        path,
        "python -m neuroevo_helpers.deceptive " + " ".join(sys.argv[1:]),
    )

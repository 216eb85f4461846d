"""Command line: train an agent and record it next to random actions (GIF or MP4),
evaluate an agent, re-make the README's gallery, or compare the course's methods at
equal budgets.

python -m neuroevo_helpers record --env CartPole-v1 --algo ga --seed 0 --out cartpole.gif
python -m neuroevo_helpers record --env CartPole-v1 --agent cartpole.npz --out talk.mp4
python -m neuroevo_helpers record --env CartPole-v1 --agent cartpole.npz --progression --out a.gif
python -m neuroevo_helpers record --agent archive.npz --cell 12 3 --out elite.gif
python -m neuroevo_helpers evaluate --agent cartpole.npz --episodes 100
python -m neuroevo_helpers gallery      # the README's gallery, re-made from assets/agents
python -m neuroevo_helpers compare --backend gymnasium --out assets/07_comparison.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

from ._files import atomic_path
from .agents import load_agent, save_agent
from .backends import BACKENDS, JUDGE, choose_backend
from .compare import ALL_METHODS, BUDGETS, METHODS, compare, methods_for, threshold, tune
from .envs import env_spec, evaluate
from .gifs import median_episode_seed, record_panels, record_side_by_side
from .protocol import N_TEST, TEST_SEED, generators, score_on_test, score_on_validation, seed_range
from .recipes import RECIPES, build, recipe
from .training import train


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, TypeError, FileNotFoundError, OSError) as error:
        parser.exit(2, f"error: {error}\n")  # one line, non-zero exit: no traceback
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m neuroevo_helpers", description=__doc__.split("\n\n")[0].replace("\n", " ")
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    record = commands.add_parser(
        "record",
        help="train an agent (or load one) and record it next to random actions, as GIF or MP4",
        description="Train an agent (or load one with --agent) and record it for a slide or a "
        "README: random actions on the left, the evolved network on the right, each with its "
        "live step count and return, and how its episode ended. No episode is picked for "
        "looking good: the evolved network plays a test episode (seed "
        f"{TEST_SEED:,} + --seed), never one used to train or choose it, and the random "
        "side plays the most typical of 20 random test episodes (the one whose return is "
        "nearest their median). --progression shows the agent at four points of its training "
        "instead.",
    )
    record.add_argument(
        "--env",
        metavar="ENV_ID",
        help="gymnasium id, e.g. CartPole-v1 (with --agent: the agent file's env by default)",
    )
    record.add_argument(
        "--algo",
        choices=sorted(RECIPES),
        help="training algorithm: ga (genetic algorithm), es (OpenAI-ES), cmaes (CMA-ES), ars "
        "(augmented random search) or neat (NEAT: the network's shape evolves too); default ga",
    )
    record.add_argument(
        "--seed", type=int, default=0, help="seed for training and the recording (default: 0)"
    )
    record.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="where to write the recording: FILE.gif (README, web pages) or FILE.mp4 (slides: "
        "H.264, plays in PowerPoint, Keynote and Google Slides)",
    )
    record.add_argument(
        "--width",
        type=int,
        default=960,
        help="width of the recording in pixels (default: 960; 1920 fills a full-HD slide)",
    )
    record.add_argument(
        "--progression",
        action="store_true",
        help="record the agent at generation 0, a quarter, half way and its answer, all playing "
        "the same test episode (with --agent: an agent file saved by this command)",
    )
    record.add_argument(
        "--agent", type=Path, metavar="FILE.npz", help="record this agent instead of training"
    )
    record.add_argument(
        "--cell",
        type=int,
        nargs="+",
        metavar="INDEX",
        help="with --agent a MAP-Elites archive file (GridArchive.save with its policy): record "
        "the elite of this cell, e.g. --cell 12 3 (default: the best elite)",
    )
    record.add_argument(
        "--save",
        type=Path,
        metavar="FILE.npz",
        help="where to save the trained agent (default: next to the recording)",
    )
    record.add_argument(
        "--generations", type=int, help="override the env's default number of generations"
    )
    record.add_argument(
        "--backend",
        choices=BACKENDS,
        help="what plays the training episodes: auto (the default) takes envpool's C++ envs "
        "where envpool is installed and serves the env, except CartPole, whose gymnasium vector "
        "env is faster; gymnasium plays gymnasium's own envs; envpool forces envpool. The "
        "test score is always gymnasium's. Training only: not with --agent",
    )
    record.set_defaults(run=run_record)

    check = commands.add_parser(
        "evaluate", help="mean and std of an agent's return on fresh episodes"
    )
    check.add_argument(
        "--agent", required=True, type=Path, metavar="FILE.npz", help="the agent file"
    )
    check.add_argument(
        "--episodes", type=int, default=100, help="number of episodes (default: 100)"
    )
    check.add_argument(
        "--seed",
        type=int,
        default=TEST_SEED,
        help=f"first episode seed (default: {TEST_SEED}, the course's test episodes)",
    )
    check.set_defaults(run=run_evaluate)

    gallery = commands.add_parser(
        "gallery",
        help="re-make every random-vs-evolved GIF from the shipped agents",
        description="For each agent FOLDER/NAME.npz, run `record --env ENV --agent "
        "FOLDER/NAME.npz --out OUT/NAME.gif --seed 0`: the README's gallery, re-made.",
    )
    gallery.add_argument(
        "--agents", type=Path, default=Path("assets/agents"), metavar="FOLDER",
        help="folder of agent files (default: assets/agents)",
    )  # fmt: skip
    gallery.add_argument(
        "--out", type=Path, default=Path("assets/gallery"), metavar="FOLDER",
        help="folder for the GIFs (default: assets/gallery)",
    )  # fmt: skip
    gallery.set_defaults(run=run_gallery)

    versus = commands.add_parser(
        "compare",
        help="random search, GA, ES and REINFORCE at equal budgets (notebook 07's results)",
        description="Run every method from every seed on each env until its answer passes "
        "validation or the budget is spent, under the course's protocol (answer chosen on "
        "validation episodes, scored once on 100 test episodes), and write the runs as JSON. "
        "The default, Acrobot-v1 and Pendulum-v1 with 10 seeds, takes 15-45 minutes on a "
        "2-core laptop.",
    )
    versus.add_argument(
        "--env",
        nargs="+",
        default=["Acrobot-v1", "Pendulum-v1"],
        metavar="ENV_ID",
        help=f"envs to compare on, from {', '.join(BUDGETS)} (default: Acrobot-v1 Pendulum-v1)",
    )
    versus.add_argument(
        "--methods",
        nargs="+",
        choices=ALL_METHODS,
        metavar="METHOD",
        help=f"compare only these, from {', '.join(repr(m) for m in ALL_METHODS)} (default: "
        f"{', '.join(repr(m) for m in METHODS)}, those that fit the env)",
    )
    versus.add_argument(
        "--seeds", type=int, default=10, help="how many seeds per method (default: 10)"
    )
    versus.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="the first of them (default: 0); choose seeds that no setting was tuned on",
    )
    versus.add_argument(
        "--tune",
        action="store_true",
        help="instead of comparing, tune each method: the four settings of its grid from the "
        "tuning seeds 1000-1002 (never reported), chosen on validation; --seeds is ignored",
    )
    versus.add_argument(
        "--backend",
        default="auto",
        choices=BACKENDS,
        help="what plays the training episodes (default: auto, envpool where installed); the "
        "test episodes are always gymnasium's",
    )
    versus.add_argument(
        "--out", required=True, type=Path, metavar="FILE.json", help="where to write the results"
    )
    versus.set_defaults(run=run_compare)
    return parser


def run_record(args: argparse.Namespace) -> int:
    if args.agent is None and args.env is None:
        raise ValueError("say which env to train on (--env CartPole-v1), or give an --agent file.")
    if args.agent is None:
        env_spec(args.env)
    if args.out.suffix.lower() not in (".gif", ".mp4"):
        raise ValueError(f"--out must end in .gif or .mp4; got {str(args.out)!r}.")
    _check_output("--out", args.out, args.out.suffix.lower())
    if not 320 <= args.width <= 3840:
        raise ValueError(f"--width must be from 320 to 3840 pixels; got {args.width}.")
    if args.generations is not None and args.generations < 1:
        raise ValueError(f"--generations must be >= 1; got {args.generations}.")
    if args.agent is not None:
        given = [
            option
            for option, value in (
                ("--algo", args.algo),
                ("--backend", args.backend),
                ("--generations", args.generations),
                ("--save", args.save),
            )
            if value is not None
        ]
        if given:
            raise ValueError(
                f"{' and '.join(given)} {'apply' if len(given) > 1 else 'applies'} only when "
                "training, but --agent records an agent already trained; leave "
                f"{'them' if len(given) > 1 else 'it'} out, or drop --agent to train a new one."
            )
        agent = load_agent(args.agent, env_id=args.env, cell=getattr(args, "cell", None))
        args.env = agent.env_id
    elif getattr(args, "cell", None) is not None:
        raise ValueError("--cell picks an elite of an archive file: give the archive with --agent.")
    else:
        args.algo = args.algo or "ga"
        agent = load_agent(train_agent(args), env_id=args.env)
    algorithm = str(agent.info.get("algorithm", "evolved")).upper()
    if "cell" in agent.info:  # an elite of a MAP-Elites archive
        algorithm = f"MAP-Elites, cell {tuple(agent.info['cell'].tolist())}"
    generations = agent.info.get("generations")
    trained = f"{algorithm}, {generations} generations" if generations else algorithm
    test_seed = TEST_SEED + args.seed  # test episodes: never used to choose the agent
    if args.progression:
        return _record_progression(args, agent, algorithm, test_seed)
    random_seed, _ = median_episode_seed(args.env, None, None, range(test_seed, test_seed + 20))
    left, right = record_side_by_side(
        args.out,
        args.env,
        ("random actions (typical of 20)", None, None),
        (f"evolved: {trained}", agent.policy, agent.params),
        seed=(random_seed, test_seed),
        title=f"{args.env} · random vs {trained}",
        width=args.width,
    )
    print(
        f"wrote {args.out} ({_size(args.out)}): random {left.episode_return:.1f} "
        f"({left.ending}) vs evolved ({trained}) {right.episode_return:.1f} ({right.ending}), "
        f"on test episodes {random_seed} and {test_seed}"
    )
    return 0


def _record_progression(args, agent, algorithm: str, test_seed: int) -> int:
    if "progression_params" not in agent.info:
        raise ValueError(
            f"{str(args.agent)!r} holds only the final network, not the networks along its "
            "training: train it again with this command (drop --agent; add --save FILE.npz to "
            "keep the agent) and --progression will use the networks it saves."
        )
    generations = [int(g) for g in np.atleast_1d(agent.info["progression_generations"])]
    stages = np.atleast_2d(agent.info["progression_params"])
    labels = [f"generation {g}" for g in generations]
    labels[-1] += " (the answer)"
    episodes = record_panels(
        args.out,
        args.env,
        [(label, agent.policy, params) for label, params in zip(labels, stages, strict=True)],
        seeds=[test_seed] * len(stages),
        title=f"{args.env} · {algorithm} learning, generation by generation",
        width=args.width,
    )
    scores = ", ".join(f"{g}: {ep.episode_return:.1f}" for g, ep in zip(generations, episodes))
    print(f"wrote {args.out} ({_size(args.out)}): test episode {test_seed}, returns {scores}")
    if len({round(ep.episode_return, 1) for ep in episodes}) == 1:
        print(
            "note: every stage scored the same on this episode, so the recording shows no "
            "learning (the first generation's best was already as good: an easy task); "
            "try a harder env, e.g. Acrobot-v1 or Pendulum-v1"
        )
    return 0


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.2f} MB"


def run_gallery(args: argparse.Namespace) -> int:
    agents = sorted(args.agents.glob("*.npz")) if args.agents.is_dir() else []
    if not agents:
        raise FileNotFoundError(
            f"No agent files (*.npz) in {str(args.agents)!r}; run this from the course folder, "
            "or point --agents at a folder of agents."
        )
    if not args.out.is_dir():
        raise FileNotFoundError(f"The folder {str(args.out)!r} does not exist; create it first.")
    for path in agents:
        agent = load_agent(path)
        kinds = [False] + [True] * ("progression_params" in agent.info)
        for progression in kinds:
            for suffix in (".gif", ".mp4"):
                out = args.out / f"{path.stem}{'_progression' * progression}{suffix}"
                print(
                    f"record --env {agent.env_id} --agent {path} --out {out} --seed 0"
                    + " --progression" * progression
                )
                run_record(
                    argparse.Namespace(
                        env=agent.env_id, agent=path, out=out, seed=0, width=960,
                        progression=progression, algo=None, generations=None, backend=None,
                        save=None,
                    )  # what `record --agent` gets: nothing about training
                )  # fmt: skip
    return 0


N_VALIDATION = 50  # validation episodes per check; record checks 20 times per run


def train_agent(args: argparse.Namespace):
    settings = recipe(args.algo, args.env)
    if args.generations is not None:
        settings["n_generations"] = args.generations
    save = args.save if args.save is not None else args.out.with_suffix(".npz")
    if save == args.out.with_suffix(".npz") and args.save is None and save.exists():
        print(f"(replacing {save}: pass --save to keep the agent elsewhere)")
    _check_output("--save", save, ".npz")
    rngs = generators(args.seed)
    backend = _cli_backend(args.env, args.backend or "auto")
    policy, strategy, fitness_fn, refit_fn = build(
        args.algo, args.env, settings, rngs.noise, backend, init_rng=rngs.init
    )
    print(f"training {args.algo.upper()} on {args.env} ({backend}): {settings}")
    n_generations = settings["n_generations"]

    def validate(params):  # chooses the answer among checkpoints: validation episodes
        return score_on_validation(policy, params, args.env, N_VALIDATION, backend=backend)

    start = time.perf_counter()
    stages = sorted({0, n_generations // 4, n_generations // 2})  # for record --progression
    result = train(
        strategy, fitness_fn, n_generations, rngs.episodes, reevaluate_fn=refit_fn,
        validate_fn=validate, validate_every=max(1, n_generations // 20), snapshots=stages,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    tested = score_on_test(policy, result.best_params, args.env, 100)  # once, on gymnasium
    history = {f"history_{k}": np.array(v, dtype=float) for k, v in result.history.items()}
    validated = result.history["validation"]
    answer_generation = max(
        (g for g, v in enumerate(validated) if v is not None and v == result.best_fitness),
        default=len(validated) - 1,
    )
    stages = [g for g in stages if g in result.snapshots and g < answer_generation]
    save_agent(
        save, policy, result.best_params, args.env, algorithm=args.algo, seed=args.seed,
        generations=len(result.history["best"]), env_steps=result.history["env_steps"][-1],
        seconds=round(seconds, 1), backend=backend, validation_mean=result.best_fitness,
        validation_episodes=N_VALIDATION, test_mean=tested.fitness,
        test_std=float(tested.episode_returns.std()), test_episodes=100,
        **{k: v for k, v in settings.items() if k != "hidden" and v is not None}, **history,
        progression_generations=np.array([*stages, answer_generation]) + 1,  # from 1, as read
        progression_params=np.stack([*(result.snapshots[g] for g in stages), result.best_params]),
    )  # fmt: skip
    threshold = env_spec(args.env).reward_threshold
    verdict = (
        ""
        if threshold is None
        else f" (threshold {threshold:g}: {'met' if tested.fitness >= threshold else 'not met'})"
    )
    print(f"saved {save}: test mean {tested.fitness:.1f} over 100 episodes{verdict}")
    return save


def _cli_backend(env_id: str, backend: str) -> str:
    """choose_backend, with its errors worded for the command line (--backend gymnasium)."""
    try:
        return choose_backend(env_id, backend)
    except ValueError as error:
        raise ValueError(re.sub(r"backend='(\w+)'", r"--backend \1", str(error))) from None


def _check_output(option: str, path: Path, suffix: str) -> None:
    """A clear error, before any training, if `path` cannot be written as asked."""
    if path.suffix.lower() != suffix:
        raise ValueError(f"{option} must end in {suffix}; got {str(path)!r}.")
    if not path.parent.is_dir():
        raise ValueError(
            f"{option}: the folder {str(path.parent)!r} does not exist; create it first."
        )


def run_compare(args: argparse.Namespace) -> int:
    unknown = [env_id for env_id in args.env if env_id not in BUDGETS]
    if unknown:
        raise ValueError(f"no comparison budget for {unknown}; choose from {list(BUDGETS)}.")
    if args.seeds < 1:
        raise ValueError(f"--seeds must be >= 1; got {args.seeds}.")
    if args.first_seed < 0 or (not args.tune and args.first_seed + args.seeds > 1000):
        raise ValueError(
            f"reported seeds must lie in 0-999 (1000 and up are for tuning); got --first-seed "
            f"{args.first_seed} with --seeds {args.seeds}."
        )
    _check_output("--out", args.out, ".json")
    for env_id in args.env:
        _cli_backend(env_id, args.backend)
    if args.tune:
        tuned = [
            tune(method, env_id, backend=args.backend)
            for env_id in args.env
            for method in methods_for(env_id, args.methods or METHODS)
        ]
        for t in tuned:
            print(f"{t['env_id']:<12} {t['method']:<14} chose {t['settings']}", flush=True)
        results = {"tuning": tuned}
    else:
        seeds = range(args.first_seed, args.first_seed + args.seeds)
        results = compare(args.env, seeds, methods=args.methods, backend=args.backend)
    command = "python -m neuroevo_helpers compare" + " --tune" * args.tune
    command += f" --env {' '.join(args.env)}"
    if args.methods:
        command += f" --methods {' '.join(repr(m) for m in args.methods)}"
    if not args.tune:
        command += f" --seeds {args.seeds}" + f" --first-seed {args.first_seed}" * bool(
            args.first_seed
        )
    command += f" --backend {args.backend} --out {args.out}"
    with atomic_path(args.out) as tmp:
        tmp.write_text(json.dumps({"command": command, **results}, indent=1))
    print(f"wrote {args.out}")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    agent = load_agent(args.agent)
    if args.episodes < 1:
        raise ValueError(f"--episodes must be >= 1; got {args.episodes}.")
    result = evaluate(
        agent.policy, agent.params, agent.env_id, args.episodes, seed=args.seed, backend=JUDGE
    )
    returns = result.episode_returns
    mean, std = returns.mean(), returns.std()
    print(f"{agent.env_id}: mean {mean:.2f}, std {std:.2f} over {args.episodes} episodes")
    print(_threshold_line(agent.env_id, mean, args.episodes, args.seed))
    return 0


def _threshold_line(env_id: str, mean: float, n_episodes: int, seed: int) -> str:
    """Whether `mean` meets the env's threshold, and whether that may be called solved."""
    try:
        goal = threshold(env_id)
    except ValueError:
        return f"{env_id} has no threshold (no reward_threshold in its spec)."
    met = mean >= goal
    test = seed_range(seed) == seed_range(seed + n_episodes - 1) == "test"
    if n_episodes < N_TEST or not test:
        return (
            f"threshold {goal:g}: {'met' if met else 'not met'}; calling it solved needs at "
            f"least {N_TEST} test episodes (the default: --seed {TEST_SEED})"
        )
    return (
        f"threshold {goal:g}: {'met' if met else 'not met'} over {n_episodes} test episodes, "
        + ("so solved" if met else "so not solved")
    )


if __name__ == "__main__":
    sys.exit(main())

"""The course's speed claims, measured side by side in one run; prints markdown tables.

    python benchmarks/run.py              # throughput, and time to solve CartPole-v1 and
                                          # Acrobot-v1 (GA and ES, 10 seeds each): ~4 min
    python benchmarks/run.py --envs Pendulum-v1 --skip-throughput   # Pendulum-v1: ~30 min
    python benchmarks/run.py --skip-solve # throughput alone: ~2 min
    python benchmarks/run.py --quick      # a smoke test: tiny sizes (numbers mean nothing)

1. Evaluation throughput on identical work: the same networks play the same episodes,
   once in the first write-up's style (one env per network, one forward pass per step:
   `nh.evaluate_one_by_one`) and once batched (`nh.evaluate`: one forward pass per step for
   the whole population). The two must give identical returns; the script checks it. Always
   on CartPole-v1 and Acrobot-v1, whatever `--envs` says; `--skip-throughput` leaves it out.
2. Time to solve, for the GA and OpenAI-ES with the course's settings (`record`'s recipes)
   and budgets (those of 07_comparison): the run stops when its current answer scores at
   least the env's threshold as a mean over 100 held-out episodes. Those checks run in
   the timed loop, so the seconds include them (rules: `neuroevo_helpers/compare.py`;
   Pendulum-v1's threshold, -200, is the course's: its spec has none). `--skip-solve`
   leaves it out.

The README quotes this script's output. Timings vary with the machine and its load;
env steps and solve counts do not (every run is seeded).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

import neuroevo_helpers as nh
from neuroevo_helpers import compare
from neuroevo_helpers._files import atomic_path

TARGETS = {  # the course's speed targets
    "ratio": 30.0,  # on the workload marked target=True
    ("CartPole-v1", "GA"): 3.0,
    ("CartPole-v1", "ES"): 5.0,
}
DEFAULT_ENVS = ("CartPole-v1", "Acrobot-v1")


def timed(fn, *args):
    """(result, wall-clock seconds)."""
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def ga_populations(policy, n_generations, pop_size, n_episodes, n_parents, rng):
    """The populations a GA evaluates on CartPole-v1: with n_parents=1 (keep the single
    best, sigma 0.1) that is the first write-up's GA; with 10, the course's (04)."""
    ga = nh.GA(policy.init_params(rng, pop_size), n_parents=n_parents, sigma=0.1, rng=rng)
    populations = []
    for generation in range(n_generations):
        population = ga.ask()
        populations.append(population)
        ga.tell(
            population,
            nh.evaluate(policy, population, "CartPole-v1", n_episodes, generation).fitness,
        )
    return populations


def on_gymnasium(*args):
    """`nh.evaluate` on gymnasium's envs: the episodes `evaluate_one_by_one` plays."""
    return nh.evaluate(*args, backend="gymnasium")


def throughput(workloads) -> list[dict]:
    """Loop vs batched on each workload: env steps per second and the ratio."""
    rows = []
    for name, env_id, policy, populations, n_episodes, target in workloads:

        def run_all(evaluate, populations=populations, env_id=env_id, policy=policy, n=n_episodes):
            results = [evaluate(policy, p, env_id, n, 1000 + g) for g, p in enumerate(populations)]
            return np.concatenate([r.episode_returns for r in results]), sum(
                r.n_steps for r in results
            )

        # Three interleaved rounds, the fastest of each side: a busy moment on the machine
        # then slows one round, not one side, and both sides get the same number of tries.
        loop_s = batch_s = np.inf
        for _ in range(3):
            (loop_returns, steps), seconds = timed(run_all, nh.evaluate_one_by_one)
            loop_s = min(loop_s, seconds)
            (batch_returns, batch_steps), seconds = timed(run_all, on_gymnasium)
            batch_s = min(batch_s, seconds)
        if batch_steps != steps or not np.allclose(loop_returns, batch_returns):
            sys.exit(f"{name}: the two evaluations disagree; the comparison would be unfair.")
        rows.append(
            dict(
                name=name,
                target=target,
                steps=steps,
                episode_length=steps / loop_returns.size,
                loop=steps / loop_s,
                batched=steps / batch_s,
                ratio=loop_s / batch_s,
            )
        )
        print(f"  measured: {name}", file=sys.stderr, flush=True)
    return rows


def time_to_solve(env_ids, seeds, budget_scale: float) -> list[dict]:
    rows = []
    for env_id in env_ids:
        budget = int(compare.BUDGETS[env_id] * budget_scale)
        for method in ("GA", "ES"):
            runs = [compare.run(method, env_id, seed, budget) for seed in seeds]
            print(f"  measured: {method} on {env_id}", file=sys.stderr, flush=True)
            # An unsolved run counts as infinitely slow: the median reads "not solved"
            # when half the seeds failed, and the worst is "not solved".
            solved = [r["solved_steps"] is not None for r in runs]
            seconds = [r["solved_seconds"] if ok else np.inf for r, ok in zip(runs, solved)]
            steps = [r["solved_steps"] if ok else np.inf for r, ok in zip(runs, solved)]
            solved_s = [s for s in seconds if np.isfinite(s)]
            rows.append(
                dict(
                    env_id=env_id, method=method, budget=budget, n_runs=len(runs),
                    solved=sum(solved),
                    median_s=float(np.median(seconds)), worst_s=float(np.max(seconds)),
                    median_steps=float(np.median(steps)),
                    solved_median_s=float(np.median(solved_s or [np.inf])),
                )
            )  # fmt: skip
    return rows


def fmt_seconds(value: float) -> str:
    return "not solved" if not np.isfinite(value) else f"{value:.1f} s"


def markdown(
    machine: str, tp_rows: list[dict], solve_rows: list[dict], command: str, quick: bool
) -> str:
    lines = [f"Measured with `{command}` on {machine}.", ""]
    if tp_rows:
        lines += [
            "**Evaluation throughput, identical work** (env steps per second; same networks, "
            "same episodes, identical returns)",
            "",
            "| workload | env steps | mean episode length | one network at a time | batched "
            "| ratio |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in tp_rows:
            lines.append(
                f"| {r['name']} | {r['steps']:,} | {r['episode_length']:.0f} | {r['loop']:,.0f} "
                f"| {r['batched']:,.0f} "
                f"| **{r['ratio']:.1f}x** |"
            )
        lines.append("")
    if solve_rows:
        lines += [
            "**Time to solve** (held-out mean over 100 episodes >= the env's threshold; the "
            "checks are timed too)",
            "",
            "| env | method | budget (env steps) | solved | median time | worst time "
            "| median env steps | median time of the solved runs |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in solve_rows:
            steps = "-" if not np.isfinite(r["median_steps"]) else f"{r['median_steps']:,.0f}"
            lines.append(
                f"| {r['env_id']} | {r['method']} | {r['budget']:,} | {r['solved']}/{r['n_runs']} "
                f"| {fmt_seconds(r['median_s'])} | {fmt_seconds(r['worst_s'])} | {steps} "
                f"| {fmt_seconds(r['solved_median_s'])} |"
            )
        lines.append("")
    if not quick:  # tiny sizes say nothing about the targets
        lines += targets(tp_rows, solve_rows)
    return "\n".join(lines) + "\n"


def targets(tp_rows: list[dict], solve_rows: list[dict]) -> list[str]:
    """The course's speed targets, each with its measured value and whether it is met."""
    checks = []
    for r in tp_rows:
        if r["target"]:
            checks.append(
                (
                    f"throughput ratio, {r['name']}",
                    f">= {TARGETS['ratio']:.0f}x",
                    f"{r['ratio']:.1f}x",
                    r["ratio"] >= TARGETS["ratio"],
                )
            )
    for r in solve_rows:
        limit = TARGETS.get((r["env_id"], r["method"]))
        if limit is None:
            continue
        solved = r["solved"] == r["n_runs"]
        checks.append(
            (
                f"{r['method']} on {r['env_id']}: solved",
                f"{r['n_runs']}/{r['n_runs']}",
                f"{r['solved']}/{r['n_runs']}",
                solved,
            )
        )
        checks.append(
            (
                f"{r['method']} on {r['env_id']}: median time",
                f"< {limit:.0f} s",
                fmt_seconds(r["median_s"]),
                r["median_s"] < limit,
            )
        )
    if not checks:
        return []
    lines = ["**Targets**", "", "| target | wanted | measured | met |", "|---|---|---|---|"]
    lines += [
        f"| {name} | {want} | {got} | {'yes' if ok else '**no**'} |"
        for name, want, got, ok in checks
    ]
    return lines + [""]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, gymnasium {gym.__version__}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--envs",
        nargs="+",
        default=list(DEFAULT_ENVS),
        choices=list(compare.BUDGETS),
        help="envs for the time-to-solve runs (default: %(default)s)",
    )
    parser.add_argument(
        "--seeds", type=int, default=10, help="seeds 0..N-1 per method (default 10; --quick: 2)"
    )
    parser.add_argument(
        "--skip-throughput", action="store_true", help="only the time-to-solve runs"
    )
    parser.add_argument("--skip-solve", action="store_true", help="only the throughput")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes and budgets, 2 seeds: checks that the script works (numbers mean nothing)",
    )
    parser.add_argument("--out", type=Path, help="also write the tables to this markdown file")
    args = parser.parse_args(argv)
    if args.skip_throughput and args.skip_solve:
        parser.error("--skip-throughput with --skip-solve leaves nothing to measure; drop one.")
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1; got {args.seeds}.")
    if args.out is not None and not args.out.parent.is_dir():
        parser.error(f"--out: the folder {args.out.parent} does not exist; create it first.")
    given = sys.argv[1:] if argv is None else argv
    command = " ".join(["python benchmarks/run.py", *given])

    rng = np.random.default_rng(0)
    tp_rows = []
    if not args.skip_throughput:
        # The first write-up's published run: 5 generations of 64 networks x 15 episodes.
        n_gen, pop, eps = (2, 16, 2) if args.quick else (5, 64, 15)
        cartpole = nh.policy_for_env("CartPole-v1")
        acrobot = nh.policy_for_env("Acrobot-v1")
        populations = ga_populations(cartpole, n_gen, pop, eps, 1, rng)
        balancing = ga_populations(cartpole, 2 * n_gen, pop, eps, 10, rng)[n_gen:]
        few = max(pop // 4, 2)
        workloads = [
            (f"CartPole-v1: the first write-up's run, {n_gen} generations of {pop} networks "
             f"x {eps} episodes", "CartPole-v1", cartpole, populations[:n_gen], eps, True),
            ("CartPole-v1: its generation 0 alone (random networks: most episodes are short)",
             "CartPole-v1", cartpole, populations[:1], eps, False),
            (f"CartPole-v1: the course's GA (04), generations {n_gen}-{2 * n_gen - 1}",
             "CartPole-v1", cartpole, balancing, eps, False),
            (f"Acrobot-v1: {few} random networks x 3 episodes (no vector env: its copies are "
             "stepped one by one)", "Acrobot-v1", acrobot, [acrobot.init_params(rng, few)], 3,
             False),
        ]  # fmt: skip
        tp_rows = throughput(workloads)
    solve_rows = []
    if not args.skip_solve:
        seeds = range(2 if args.quick else args.seeds)
        solve_rows = time_to_solve(args.envs, seeds, 0.02 if args.quick else 1.0)
    report = markdown(machine(), tp_rows, solve_rows, command, args.quick)
    print(report)
    if args.out is not None:
        with atomic_path(args.out) as tmp:
            tmp.write_text(report)


if __name__ == "__main__":
    main()

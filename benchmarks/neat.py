"""NEAT's forward pass: a whole population of different genomes in one padded, batched pass
against the simple loop (one genome at a time, its own forward pass in topological order).

    python benchmarks/neat.py           # about 1-2 minutes on a 2-core machine
    python benchmarks/neat.py --quick   # a smoke test: tiny sizes (numbers mean nothing)

(Run nothing else meanwhile: the timings would disturb each other.)

The genomes are those a NEAT run on CartPole-v1 evolves (the course's recipe, seed 0,
`--generations` generations, 100 genomes of 0 to a few hidden nodes), and the same
population grown by extra structural mutations (to 10-20 hidden nodes, what a harder
task evolves). Two measurements, each on identical work, the fastest of 3 rounds:

1. **Network only**: every genome computes its actions for `--steps` observations one
   step at a time, as in an episode: `neat.forward(genome, obs)` per genome per step,
   against one `PaddedGenomes.forward` per step for the whole population. Both must give
   the same outputs (checked to 1e-12).
2. **Whole episodes** on gymnasium's CartPole-v1 (one env per genome, 3 episodes each):
   the loop steps one env and one genome at a time; the batched way is
   `nh.evaluate(policy, policy.encode(genomes), ..., backend="gymnasium", workers=1)`. Both
   must return the same returns, episode by episode.

Prints a markdown table: seconds of each way and the ratio (loop / batched).
"""

from __future__ import annotations

import argparse
import platform
import time

import gymnasium as gym
import numpy as np

import neuroevo_helpers as nh
from neuroevo_helpers import neat
from neuroevo_helpers.recipes import build, recipe

ENV_ID = "CartPole-v1"
HEADER = "| genomes | hidden nodes (min-max) | measured | loop s | batched s | loop / batched |"


def evolved(n_generations: int, pop_size: int):
    """The policy, genomes and innovation record of a NEAT run on CartPole-v1 after
    `n_generations` (seed 0)."""
    settings = {**recipe("neat", ENV_ID), "pop_size": pop_size}
    rngs = nh.protocol.generators(0)
    policy, strategy, fitness_fn, _ = build("neat", ENV_ID, settings, rngs.noise, "gymnasium")
    for _ in range(n_generations):
        population = strategy.ask()
        seed = nh.protocol.training_seed(rngs.episodes)
        strategy.tell(population, fitness_fn(population, seed).fitness)
    return policy, list(strategy.genomes), strategy.innovations


def grown(genomes: list, record: neat.Innovations, hidden: int, seed: int = 1) -> list:
    """Each genome with extra structural mutations until it has `hidden` hidden nodes."""
    rng = np.random.default_rng(seed)
    out = []
    for g in genomes:
        while np.sum(g.node_kinds == neat.HIDDEN) < hidden:
            g = neat.add_node(g, record, rng)
            g = neat.add_connection(g, record, rng)
        out.append(g)
    return out


def network_only(policy, genomes, n_steps: int, rng) -> tuple[float, float]:
    """Seconds of the loop and of the batched pass over `n_steps` steps of observations."""
    obs = rng.standard_normal((n_steps, len(genomes), policy.layer_sizes[0]))
    population = policy.encode(genomes)
    start = time.perf_counter()
    looped = np.stack(
        [[neat.forward(g, o[i][None])[0] for i, g in enumerate(genomes)] for o in obs]
    )
    loop = time.perf_counter() - start
    start = time.perf_counter()
    batched = np.stack([policy.forward(population, o[:, None, :])[:, 0] for o in obs])
    padded = time.perf_counter() - start
    np.testing.assert_allclose(batched, looped, atol=1e-12)
    return loop, padded


def episodes_loop(genomes, n_episodes: int, seed: int) -> np.ndarray:
    """One gymnasium env per genome, `neat.forward` per step: returns (pop, n_episodes)."""
    returns = np.zeros((len(genomes), n_episodes))
    for i, g in enumerate(genomes):
        env = gym.make(ENV_ID)
        for e in range(n_episodes):
            obs, _ = env.reset(seed=seed + e)
            done = False
            while not done:
                action = int(np.argmax(neat.forward(g, np.asarray(obs, dtype=float)[None])[0]))
                obs, reward, terminated, truncated, _ = env.step(action)
                returns[i, e] += reward
                done = terminated or truncated
        env.close()
    return returns


def whole_episodes(policy, genomes, n_episodes: int) -> tuple[float, float]:
    start = time.perf_counter()
    looped = episodes_loop(genomes, n_episodes, seed=0)
    loop = time.perf_counter() - start
    start = time.perf_counter()
    batched = nh.evaluate(
        policy, policy.encode(genomes), ENV_ID, n_episodes, 0, backend="gymnasium", workers=1
    )  # fmt: skip
    padded = time.perf_counter() - start
    np.testing.assert_array_equal(batched.episode_returns, looped)  # the same episodes
    return loop, padded


def fastest(fn, rounds: int) -> tuple[float, float]:
    runs = [fn() for _ in range(rounds)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--generations", type=int, default=10, help="NEAT generations (10)")
    parser.add_argument("--steps", type=int, default=200, help="steps of network-only (200)")
    args = parser.parse_args(argv)
    if args.generations < 1 or args.steps < 1:
        parser.error("--generations and --steps must be at least 1")
    pop, gens, steps, rounds, eps = (
        (8, 2, 5, 1, 1) if args.quick else (100, args.generations, args.steps, 3, 3)
    )
    policy, small, record = evolved(gens, pop)
    big_policy = neat.PaddedGenomes(policy.layer_sizes, output=policy.output, max_hidden=20)
    big = grown(small, record, 5 if args.quick else 15)
    rng = np.random.default_rng(0)
    how = "quick: sizes too small to mean anything" if args.quick else "fastest of 3 rounds"
    machine = platform.processor() or platform.machine()
    lines = [f"NEAT forward pass, {machine}, {how}", "", HEADER, "|" + "---|" * 6]
    for name, pol, genomes in (("evolved", policy, small), ("grown", big_policy, big)):
        hidden = [int(np.sum(g.node_kinds == neat.HIDDEN)) for g in genomes]
        size = f"{min(hidden)}-{max(hidden)}"
        for what, fn, fn_args in (
            (f"network only, {steps} steps", network_only, (pol, genomes, steps, rng)),
            (f"CartPole-v1, {eps} episodes each", whole_episodes, (pol, genomes, eps)),
        ):
            loop, padded = fastest(lambda: fn(*fn_args), rounds)  # noqa: B023 (called here)
            lines.append(
                f"| {len(genomes)} {name} | {size} | {what} | {loop:.3f} | {padded:.3f} | "
                f"**{loop / padded:.1f}x** |"
            )
    table = "\n".join(lines)
    print(table)
    return table


if __name__ == "__main__":
    main()

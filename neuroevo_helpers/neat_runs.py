"""12_neat's measured runs: the course's NEAT against neat-python on XOR.

Both solve XOR as neat-python's own example does: two inputs, one output, fitness 4 minus
the squared error on the four cases, solved when a genome's fitness reaches 3.9; a
population of 150 and at most 300 generations. Each library runs with its own settings
(the course's: the paper's rates; neat-python's: its XOR example's configuration, below),
so the comparison asks whether the two are *in the same range*, not which one is tuned
better. The course's network reads its output as (tanh + 1) / 2, neat-python's is a
sigmoid.

    python -m neuroevo_helpers.neat_runs xor assets/12_xor.json --seeds 30

writes every run (atomically) with the command that made it. neat-python is a test
dependency (`pip install -e .[dev]`); only `xor_neat_python` needs it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ._files import atomic_path
from .neat import HIDDEN, NEAT, PaddedGenomes

XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])
SOLVED = 3.9  # neat-python's example: a squared error of at most 0.1 over the four cases
POP_SIZE, MAX_GENERATIONS = 150, 300


def xor_fitness(policy: PaddedGenomes, population: np.ndarray) -> np.ndarray:
    """4 minus the squared error of each genome on XOR's four cases, the output read as
    (tanh + 1) / 2, in one batched pass: `(pop_size,)`."""
    cases = np.broadcast_to(XOR_INPUTS, (len(population), 4, 2))
    out = (policy.forward(population, cases)[..., 0] + 1.0) / 2.0
    return 4.0 - ((out - XOR_TARGETS) ** 2).sum(axis=1)


def xor_course(
    seed: int, pop_size: int = POP_SIZE, max_generations: int = MAX_GENERATIONS, **settings
) -> dict:
    """The course's NEAT on XOR from `seed`: how many generations and evaluations it took
    (None if not solved), and the winner's size."""
    policy = PaddedGenomes((2, 1), output="tanh", max_hidden=settings.pop("max_hidden", 30))
    strategy = NEAT(policy, pop_size, np.random.default_rng(seed), **settings)
    started = time.perf_counter()
    for generation in range(max_generations):
        population = strategy.ask()
        fitness = xor_fitness(policy, population)
        if fitness.max() >= SOLVED:
            winner = strategy.genomes[int(np.argmax(fitness))]
            return _record(
                "course", seed, generation + 1, pop_size, started,
                int(np.sum(winner.node_kinds == HIDDEN)), int(winner.enabled.sum()),
            )  # fmt: skip
        strategy.tell(population, fitness)
    return _record("course", seed, None, pop_size, started, None, None)


NEAT_PYTHON_CONFIG = """
[NEAT]
fitness_criterion = max
fitness_threshold = 3.9
pop_size = {pop_size}
reset_on_extinction = False
no_fitness_termination = False

[DefaultGenome]
activation_default = sigmoid
activation_mutate_rate = 0.0
activation_options = sigmoid
aggregation_default = sum
aggregation_mutate_rate = 0.0
aggregation_options = sum
bias_init_mean = 0.0
bias_init_stdev = 1.0
bias_max_value = 30.0
bias_min_value = -30.0
bias_mutate_power = 0.5
bias_mutate_rate = 0.7
bias_replace_rate = 0.1
compatibility_disjoint_coefficient = 1.0
compatibility_weight_coefficient = 0.5
conn_add_prob = 0.5
conn_delete_prob = 0.5
enabled_default = True
enabled_mutate_rate = 0.01
feed_forward = True
initial_connection = full
node_add_prob = 0.2
node_delete_prob = 0.2
num_hidden = 0
num_inputs = 2
num_outputs = 1
response_init_mean = 1.0
response_init_stdev = 0.0
response_max_value = 30.0
response_min_value = -30.0
response_mutate_power = 0.0
response_mutate_rate = 0.0
response_replace_rate = 0.0
weight_init_mean = 0.0
weight_init_stdev = 1.0
weight_max_value = 30
weight_min_value = -30
weight_mutate_power = 0.5
weight_mutate_rate = 0.8
weight_replace_rate = 0.1

[DefaultSpeciesSet]
compatibility_threshold = 3.0

[DefaultStagnation]
species_fitness_func = max
max_stagnation = 20
species_elitism = 2

[DefaultReproduction]
elitism = 2
survival_threshold = 0.2
"""  # neat-python's XOR example (examples/xor/config-feedforward), pop_size aside


def xor_neat_python(
    seed: int, pop_size: int = POP_SIZE, max_generations: int = MAX_GENERATIONS
) -> dict:
    """neat-python on XOR from `seed`, with its example's configuration, scored the same way."""
    import neat  # the reference: a test dependency only

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config"
        path.write_text(NEAT_PYTHON_CONFIG.format(pop_size=pop_size))
        config = neat.Config(
            neat.DefaultGenome, neat.DefaultReproduction, neat.DefaultSpeciesSet,
            neat.DefaultStagnation, str(path),
        )  # fmt: skip
    generations = [0]

    def score(genomes, config):
        generations[0] += 1
        for _, genome in genomes:
            net = neat.nn.FeedForwardNetwork.create(genome, config)
            out = np.array([net.activate(x)[0] for x in XOR_INPUTS])
            genome.fitness = 4.0 - float(((out - XOR_TARGETS) ** 2).sum())

    started = time.perf_counter()
    winner = neat.Population(config, seed=seed).run(score, max_generations)
    if winner.fitness < SOLVED:
        return _record("neat-python", seed, None, pop_size, started, None, None)
    enabled = [c for c in winner.connections.values() if c.enabled]
    hidden = [k for k in winner.nodes if k not in config.genome_config.output_keys]
    return _record(
        "neat-python", seed, generations[0], pop_size, started, len(hidden), len(enabled)
    )


def _record(library, seed, generations, pop_size, started, hidden, connections) -> dict:
    return {
        "library": library,
        "seed": seed,
        "generations": generations,  # generations scored until a genome reached 3.9
        "evaluations": None if generations is None else generations * pop_size,
        "hidden": hidden,  # the winner's hidden nodes and enabled connections
        "connections": connections,
        "seconds": round(time.perf_counter() - started, 2),
    }


def xor_comparison(seeds, out: str | Path | None, command: str, progress: bool = True) -> dict:
    """Both libraries on XOR from every seed; written to `out` (JSON) after each run."""
    from .progress import progress_bar

    record = {
        "command": command, "solved_at": SOLVED, "pop_size": POP_SIZE,
        "max_generations": MAX_GENERATIONS, "runs": [],
    }  # fmt: skip
    jobs = [(run, seed) for run in (xor_course, xor_neat_python) for seed in seeds]
    for run, seed in progress_bar(jobs, desc="XOR", disable=not progress):
        record["runs"].append(run(seed))
        if out is not None:
            with atomic_path(Path(out)) as tmp:
                tmp.write_text(json.dumps(record, indent=1))
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m neuroevo_helpers.neat_runs")
    parser.add_argument("experiment", choices=["xor"])
    parser.add_argument("out", type=Path, help="the JSON file to write")
    parser.add_argument("--seeds", type=int, default=30, help="seeds 0 .. N-1 (default 30)")
    args = parser.parse_args(argv)
    command = "python -m neuroevo_helpers.neat_runs " + " ".join(argv or sys.argv[1:])
    xor_comparison(range(args.seeds), args.out, command)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The course's speed and memory claims, measured side by side in one run; prints markdown tables.

    python benchmarks/run.py              # throughput, memory, and time to solve CartPole-v1
                                          # and Acrobot-v1 (GA and ES, 10 seeds each): 5-7 min
    python benchmarks/run.py --envs Pendulum-v1 --skip-throughput   # Pendulum-v1, 10 seeds
    python benchmarks/run.py --lander --skip-throughput --skip-solve  # lander recipe: 8-9 min
    python benchmarks/run.py --skip-solve # throughput and memory alone: 4-5 min
    python benchmarks/run.py --quick      # a smoke test: tiny sizes (numbers mean nothing)

(Times on a 2-core machine. Run nothing else meanwhile: the timings would disturb each other.)

1. Evaluation throughput, in env steps per second, on identical work: the same networks
   play the same number of episodes from the same episode seeds, four ways.
   (a) The first write-up's own loop, ported: its network class (a ReLU after every layer,
       the output's too, then softmax and argmax), a new env for every network, one forward
       pass per step. CartPole-v1 only, on its own GA run (rows "the first write-up's run").
   (b) One network at a time, tight: one gymnasium env per network and the policy's forward
       pass with no checks at any step. The fair baseline: `nh.evaluate_one_by_one` checks
       the parameters and the observation at every step, which costs about as much again.
   (c) Batched on gymnasium, `nh.evaluate(..., backend="gymnasium", workers=1)`: one forward
       pass per step for the whole population, in one process; gymnasium's NumPy vector env
       for CartPole, one env per copy elsewhere.
   (d) Batched on envpool, `nh.evaluate(..., backend="envpool")`: the same on envpool's C++
       envs, with the threads `nh.evaluate` gives them ("-" where envpool is not installed).
   (a) and (b) must return exactly what (c) returns, episode by episode; the script checks
   it. envpool draws start states from its own generator, so (d) plays other episodes from
   the same seeds: its steps are counted and shown apart, and every ratio compares steps
   per second. Rounds, each running every way in turn; the fastest round of each way
   counts (a busy moment slows one round, not one way): three, or two for the first
   write-up's run, whose rounds take about a minute each. Workloads: the first write-up's
   run (its network, GA and settings: 5 generations of 64 networks x 15 episodes, on
   CartPole-v1's 500-step cap, not its 10,000, which would make (a) take minutes a round),
   and for each other env one generation of random networks of the size the course's GA
   recipe evaluates (`neuroevo_helpers/recipes.py`); BipedalWalker-v3, which has no recipe,
   16 networks x 1 episode cut at 300 steps (a step there costs 0.2-0.3 ms in Python).
2. Memory: the peak resident memory (VmHWM on Linux) of the largest batched evaluation the
   course runs, 128 networks x 5 LunarLanderContinuous-v3 episodes with the (8, 32, 32, 2)
   net, on envpool and on gymnasium, each in a fresh process so the number is that
   evaluation's; the memory the process held before it (Python, NumPy, gymnasium, envpool
   imported, the networks drawn) is shown apart. `--skip-throughput` leaves out 1 and 2.
3. Time to solve, for the GA and OpenAI-ES with the course's settings (`record`'s recipes)
   and budgets (those of 07_comparison), under the course's protocol
   (`neuroevo_helpers/protocol.py`, rules in `neuroevo_helpers/compare.py`): every
   twentieth of the budget, and whenever the training score reaches the env's threshold,
   the candidate is scored on 100 validation episodes on the training backend, and the run
   stops at the first validation pass; then its answer is scored once on 100 test episodes
   on gymnasium. A run is solved if both passed (Pendulum-v1's threshold, -200, is the
   course's: its spec has none). The time to solve runs to that validation pass,
   validation included; the total time includes every validation and the test, and shows
   their share. Training runs on `nh.evaluate`'s default backend, in this process (a plain
   script gets no worker processes from `nh.evaluate` unless it asks for them). The total
   wall time of these runs is printed too. `--skip-solve` leaves it out.
4. `--lander`: the shipped lander recipe trained as `python -m neuroevo_helpers record --env
   LunarLanderContinuous-v3 --algo es` trains it (seed 0, its generators, the whole budget
   of 200 generations). Every 10 generations the ES center is scored on 100 validation
   episodes on the training backend, and the best-validated center is the answer (as
   `nh.train` chooses it; `record` plays 50 validation episodes, this run 100). At the
   first validation pass that checkpoint is scored once on 100 test episodes on gymnasium
   (threshold 200): solved if it passes too. Reports the first validation pass, its test
   mean, the time to solve (to that pass, validation included), the whole budget's time
   (with and without the validation and test episodes) and the test mean of the answer at
   the end, scored once. Not part of the default run: it takes about eight minutes.

With full sizes a Targets table follows, saying for each of the course's targets whether
this run met it and, where a measurement says why not, the reason (Pendulum-v1's total
time is judged only on 10 seeds, the size its target is set for). The README quotes this
script's output. Timings vary with the machine and its load; env steps, returns and solve
counts do not (every run is seeded).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import NamedTuple

import gymnasium as gym
import numpy as np

import neuroevo_helpers as nh
from neuroevo_helpers import compare, protocol, recipes
from neuroevo_helpers._files import atomic_path
from neuroevo_helpers.backends import (
    ENVPOOL_ENVS,
    _threads,
    choose_backend,
    envpool_installed,
    envpool_turned_off,
)
from neuroevo_helpers.network import ACTIVATIONS
from neuroevo_helpers.training import _one_generation


def no_envpool_here() -> str:
    """What an envpool cell says when envpool does not run here."""
    if envpool_turned_off():
        return "envpool is turned off here (NEUROEVO_NO_ENVPOOL)"
    return "envpool is not installed here"


TARGETS = {  # the course's targets
    "write-up vs (b)": 30.0,  # the batched backend "auto" picks, over (b), on the write-up's run
    "write-up vs (a)": 60.0,  # the same over (a)
    "envpool vs (b)": {"Acrobot-v1": 20.0, "Pendulum-v1": 20.0, "LunarLanderContinuous-v3": 10.0},
    "memory GiB": 2.0,
    ("CartPole-v1", "GA"): 3.0,  # median seconds to solve
    ("CartPole-v1", "ES"): 5.0,
    "Pendulum-v1 total s": 300.0,  # both methods, 10 seeds each
    "lander solved s": 180.0,
    "lander budget s": 600.0,
}
DEFAULT_ENVS = ("CartPole-v1", "Acrobot-v1")
LANDER = "LunarLanderContinuous-v3"
LANDER_CHECK_EVERY = 10  # generations between validations of the lander run's ES center
WAYS = {
    "a": "(a) first write-up's loop",
    "b": "(b) one network at a time",
    "c": "(c) batched, gymnasium",
    "d": "(d) batched, envpool",
}


def timed(fn, *args):
    """(result, wall-clock seconds)."""
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


# ---------------------------------------------------------------------------------------
# The first write-up's network and loop, ported; the tight loop (b).


class FirstWriteUpNetwork:
    """The first write-up's network class, ported: a weight matrix and a bias per layer, a
    ReLU after every layer (the output's too), a softmax, and the argmax as the action."""

    def __init__(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        self.weights, self.biases = weights, biases

    @classmethod
    def from_params(cls, policy: nh.MLP, params: np.ndarray) -> FirstWriteUpNetwork:
        """The network whose weights are `params` (the course's flat layout), so that all
        four ways play the very same networks."""
        layers = policy.unflatten(params)
        return cls([W.copy() for W, _ in layers], [b.copy() for _, b in layers])

    def forward(self, x: np.ndarray) -> np.ndarray:
        for W, b in zip(self.weights, self.biases):
            x = np.maximum(np.dot(x, W) + b, 0.0)
        e = np.exp(x - np.max(x))
        return e / np.sum(e)

    def predict(self, obs: np.ndarray):
        return np.argmax(self.forward(obs))


def first_write_up_loop(networks, env_id, n_episodes, seed, max_episode_steps):
    """(a): the write-up's evaluation. A new env for every network; each step, one forward
    pass of one network on one observation. Returns (returns (n, n_episodes), env steps)."""
    returns, n_steps = np.zeros((len(networks), n_episodes)), 0
    for i, network in enumerate(networks):
        env = gym.make(env_id, max_episode_steps=max_episode_steps)
        for e in range(n_episodes):
            # The write-up did not seed its episodes; seeded here so that all four ways
            # play the same ones.
            obs, _ = env.reset(seed=seed + e)
            length, done = 0, False
            while not done:
                obs, _, terminated, truncated, _ = env.step(network.predict(obs))
                length += 1
                done = terminated or truncated
            # It recorded the last step's index, one less than the episode's length
            # (CartPole's return); the length is kept here, to check against (c)'s returns.
            returns[i, e] = length
            n_steps += length
        env.close()
    return returns, n_steps


def tight_actor(policy: nh.MLP, params: np.ndarray):
    """One network's action for one observation, its forward pass written out: nothing
    checked, reshaped or looked up at a step. The same operations in the same order as
    `nh.evaluate`'s batched pass, so the same actions to the last bit."""
    *inner, (W_out, b_out) = policy._split(params)
    hidden = ACTIVATIONS[policy.hidden_activation]
    mean = None if policy.obs_mean is None else np.asarray(policy.obs_mean)
    std = None if policy.obs_std is None else np.asarray(policy.obs_std)
    low = None if policy.action_low is None else np.asarray(policy.action_low)
    high = None if policy.action_high is None else np.asarray(policy.action_high)
    write_up = isinstance(policy, FirstWriteUpMLP)  # a ReLU and a softmax on the output

    def act(obs):
        h = obs if mean is None else (obs - mean) / std
        for W, b in inner:
            h = hidden(h @ W + b)
        out = h @ W_out + b_out
        if write_up:
            out = nh.softmax(nh.relu(out))
        if policy.output == "argmax":
            return int(np.argmax(out))
        out = np.tanh(out)
        return out if low is None else low + (out + 1.0) * 0.5 * (high - low)

    return act


def one_network_at_a_time(policy, population, env_id, n_episodes, seed, max_episode_steps):
    """(b): one gymnasium env per network, one forward pass per step (`tight_actor`),
    nothing checked at any step (the population fits the policy: `nh.evaluate` checks it
    on the same work). Returns (returns (pop_size, n_episodes), env steps)."""
    kwargs = {} if max_episode_steps is None else {"max_episode_steps": max_episode_steps}
    returns, n_steps = np.zeros((len(population), n_episodes)), 0
    for i, params in enumerate(population):
        env = gym.make(env_id, **kwargs)
        space = env.action_space
        act = tight_actor(policy, params)
        discrete = isinstance(space, gym.spaces.Discrete)
        for e in range(n_episodes):
            obs, _ = env.reset(seed=seed + e)
            total, done = 0.0, False
            while not done:
                # float64 observations, as `nh.evaluate` feeds them: the same rounding
                action = act(np.asarray(obs, dtype=float))
                if not discrete:
                    action = action.astype(space.dtype)
                obs, reward, terminated, truncated, _ = env.step(action)
                total += float(reward)
                n_steps += 1
                done = terminated or truncated
            returns[i, e] = total
        env.close()
    return returns, n_steps


class FirstWriteUpMLP(nh.MLP):
    """The first write-up's network as an `nh.MLP`, for (b), (c) and (d): ReLU hidden units,
    a ReLU on the output too, then softmax; the argmax picks the action. It overrides the
    unchecked forward pass, so `nh.evaluate` runs it on its fast path."""

    def _forward(self, layers, obs, population):
        return nh.softmax(nh.relu(super()._forward(layers, obs, population)))


def first_write_up_init(policy: nh.MLP, rng: np.random.Generator, pop_size: int) -> np.ndarray:
    """The write-up's initialisation in the course's layout: weights N(0, 1), biases 0."""
    chunks = []
    for (n_in, n_out), _ in policy.shapes:
        chunks += [rng.normal(size=(pop_size, n_in * n_out)), np.zeros((pop_size, n_out))]
    return np.concatenate(chunks, axis=1)


def ga_populations(policy, population, n_generations, n_episodes, n_parents, rng, cap=None):
    """The populations a GA evaluates on CartPole-v1 from `population`: with n_parents=1
    (keep the single best, sigma 0.1) that is the first write-up's GA."""
    ga = nh.GA(population, n_parents=n_parents, sigma=0.1, rng=rng)
    populations = []
    for generation in range(n_generations):
        population = ga.ask()
        populations.append(population)
        result = nh.evaluate(policy, population, "CartPole-v1", n_episodes, generation, cap)
        ga.tell(population, result.fitness)
    return populations


# ---------------------------------------------------------------------------------------
# 1. Throughput


class Workload(NamedTuple):
    name: str
    env_id: str
    policy: nh.MLP
    populations: list  # of (pop_size, n_params) arrays, evaluated in turn
    n_episodes: int
    max_episode_steps: int | None = None
    write_up: bool = False  # the first write-up's run: (a) runs too
    rounds: int = 3
    parts: tuple = ()  # (row name, generation index): rows for single generations

    @property
    def cap(self) -> int:
        return self.max_episode_steps or gym.spec(self.env_id).max_episode_steps


def ways_for(workload: Workload) -> dict:
    """The evaluations to time on this workload: way -> fn(generation, seed) -> (returns, steps)."""
    w = workload
    ways = {}
    if w.write_up:
        networks = [
            [FirstWriteUpNetwork.from_params(w.policy, p) for p in pop] for pop in w.populations
        ]
        ways["a"] = lambda g, seed: first_write_up_loop(
            networks[g], w.env_id, w.n_episodes, seed, w.cap
        )
    ways["b"] = lambda g, seed: one_network_at_a_time(
        w.policy, w.populations[g], w.env_id, w.n_episodes, seed, w.max_episode_steps
    )
    for way, backend in (("c", "gymnasium"), ("d", "envpool")):
        if backend == "envpool" and not (envpool_installed() and w.env_id in ENVPOOL_ENVS):
            continue

        def batched(g, seed, backend=backend):
            result = nh.evaluate(
                w.policy, w.populations[g], w.env_id, w.n_episodes, seed, w.max_episode_steps,
                backend=backend, workers=1,
            )  # fmt: skip
            return result.episode_returns, result.n_steps

        ways[way] = batched
    return ways


def warm_up(workload: Workload) -> None:
    """One tiny evaluation on each backend first: imports and first-call costs stay out of
    the timings."""
    for backend in ("gymnasium", "envpool"):
        if backend == "envpool" and not (envpool_installed() and workload.env_id in ENVPOOL_ENVS):
            continue
        params = workload.populations[0][:1]
        nh.evaluate(workload.policy, params, workload.env_id, 1, 0, 5, backend=backend, workers=1)


def measure(workload: Workload, rounds: int) -> list[dict]:
    """Time every way on the workload, `rounds` times in turn; one row for the whole of it,
    one per `parts` entry."""
    ways = ways_for(workload)
    warm_up(workload)
    n_gen = len(workload.populations)
    seconds = {way: np.full((rounds, n_gen), np.inf) for way in ways}
    results = {}
    for r in range(rounds):
        for way, fn in ways.items():
            for g in range(n_gen):
                results[way, g], seconds[way][r, g] = timed(fn, g, 1000 + g)
    for g in range(n_gen):  # the same work: (a) and (b) return exactly what (c) returns
        c_returns, c_steps = results["c", g]
        for way in ("a", "b"):
            if way in ways:
                returns, steps = results[way, g]
                if steps != c_steps or not np.array_equal(returns, c_returns):
                    sys.exit(
                        f"{workload.name}, generation {g}: {WAYS[way]} and (c) returned different "
                        "episodes; the comparison would be unfair."
                    )
    rows = [_row(workload, workload.name, range(n_gen), seconds, results, whole=True)]
    for name, g in workload.parts:
        rows.append(_row(workload, name, [g], seconds, results, whole=False))
    return rows


def _row(w: Workload, name: str, gens, seconds: dict, results: dict, whole: bool) -> dict:
    gens = list(gens)
    speed, steps = {}, {}
    for way in seconds:
        steps[way] = sum(results[way, g][1] for g in gens)
        # the fastest round: whole rounds for the whole run, one generation's best otherwise
        speed[way] = steps[way] / seconds[way][:, gens].sum(axis=1).min()
    n_episodes = sum(results["c", g][0].size for g in gens)
    row = dict(
        name=name, env_id=w.env_id, write_up=w.write_up and whole, auto=choose_backend(w.env_id),
        steps=steps["c"], episodes=n_episodes, envpool_steps=steps.get("d"), speed=speed,
    )  # fmt: skip
    if w.env_id.startswith("CartPole"):  # returns are lengths: the batch's own step count
        row["batched_steps"] = int(sum(results["c", g][0].max() for g in gens))
    return row


def envpool_alone(env_id: str, n_copies: int, max_episode_steps: int, n_steps: int) -> dict:
    """envpool's env alone (no network: every action 0), with the copies and threads of (d):
    env steps per second, the fastest of 3 tries. The ceiling of (d) on this machine."""
    import envpool

    threads = _threads(env_id, n_copies)  # as nh.evaluate sets them
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        pool = envpool.make_gymnasium(
            env_id, num_envs=n_copies, batch_size=n_copies, seed=0, num_threads=threads,
            max_episode_steps=max_episode_steps,
        )  # fmt: skip
        pool.reset()
    one = gym.make(env_id)
    space = one.action_space
    one.close()
    actions = np.zeros((n_copies, *space.shape), dtype=space.dtype)
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(n_steps):
            pool.step(actions)
        best = min(best, time.perf_counter() - start)
    pool.close()
    return dict(speed=n_copies * n_steps / best, threads=threads)


def throughput_workloads(quick: bool, rng: np.random.Generator) -> list[Workload]:
    n_gen, pop, eps = (2, 8, 2) if quick else (5, 64, 15)
    first_net = FirstWriteUpMLP((4, 16, 2), hidden_activation="relu")
    populations = ga_populations(
        first_net, first_write_up_init(first_net, rng, pop), n_gen, eps, 1, rng
    )
    workloads = [
        Workload(
            f"CartPole-v1: the first write-up's run (its network and GA), {n_gen} generations "
            f"of {pop} networks x {eps} episodes, 500-step cap",
            "CartPole-v1", first_net, populations, eps, write_up=True, rounds=2,
            parts=(("CartPole-v1: that run's generation 0 alone (random networks: most "
                    "episodes are short)", 0),
                   (f"CartPole-v1: that run's generation {n_gen - 1} alone", n_gen - 1)),
        )
    ]  # fmt: skip
    for env_id in ("Acrobot-v1", "MountainCar-v0", "Pendulum-v1", LANDER):
        settings = recipes.recipe("ga", env_id)
        policy = recipes.policy_for(env_id, settings)
        n, eps = (4, 1) if quick else (settings["pop_size"], settings["n_episodes"])
        workloads.append(
            Workload(
                f"{env_id}: {n} random {policy.layer_sizes} networks x {eps} "
                f"episode{'s' * (eps > 1)} (one GA generation)",
                env_id, policy, [policy.init_params(rng, n)], eps,
            )
        )  # fmt: skip
    walker = nh.policy_for_env("BipedalWalker-v3", hidden=(recipes.GA_FALLBACK["hidden"],))
    n, cap = (2, 20) if quick else (16, 300)
    workloads.append(
        Workload(
            f"BipedalWalker-v3: {n} random {walker.layer_sizes} networks x 1 episode, "
            f"episodes cut at {cap} steps",
            "BipedalWalker-v3", walker, [walker.init_params(rng, n)], 1, max_episode_steps=cap,
        )
    )  # fmt: skip
    return workloads


def throughput(workloads: list[Workload], quick: bool) -> list[dict]:
    rows = []
    for workload in workloads:
        new = measure(workload, 2 if quick else workload.rounds)
        if (
            envpool_installed()
            and workload.env_id in TARGETS["envpool vs (b)"]
            and workload.env_id in ENVPOOL_ENVS
        ):  # what the env alone allows: says why an envpool target is missed
            n_copies = len(workload.populations[0]) * workload.n_episodes
            new[0]["envpool_alone"] = envpool_alone(
                workload.env_id, n_copies, workload.cap, 5 if quick else 100
            )
        rows += new
        print(f"  measured: {workload.name}", file=sys.stderr, flush=True)
    return rows


# ---------------------------------------------------------------------------------------
# 2. Memory

# Run in a fresh process: its peak resident memory is this evaluation's (plus the imports,
# which it reports apart). On Linux the peak is VmHWM in /proc/self/status, the high-water
# mark of this process's own memory: ru_maxrss would not do, because Linux carries it over
# from the parent through fork and exec, so a large parent shows up as the child's peak.
# Elsewhere ru_maxrss (macOS gives it in bytes, others in KiB).
MEMORY_CHILD = """
import json, resource, sys, time
import numpy as np
import neuroevo_helpers as nh
from neuroevo_helpers import recipes

def peak_bytes():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    unit = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit

backend, pop_size, n_episodes, cap = sys.argv[1], *map(int, sys.argv[2:5])
if backend == "envpool":
    import envpool  # imported before the baseline: the evaluation's own memory shows apart
env_id = "LunarLanderContinuous-v3"
policy = recipes.policy_for(env_id, recipes.recipe("ga", env_id))
population = policy.init_params(np.random.default_rng(0), pop_size)
before = peak_bytes()
start = time.perf_counter()
# workers=1: one process (gymnasium's copies could go to worker processes, and this
# process's peak would then leave their memory out)
result = nh.evaluate(
    policy, population, env_id, n_episodes, 0, cap or None, backend=backend, workers=1
)
seconds = time.perf_counter() - start
peak = peak_bytes()
print(json.dumps(dict(layers=list(policy.layer_sizes), before=before, peak=peak,
                      steps=result.n_steps, seconds=seconds)))
"""


def memory(quick: bool) -> list[dict]:
    """Peak resident memory of the largest batched evaluation, per backend, each in a fresh
    process."""
    pop_size, n_episodes, cap = (8, 1, 50) if quick else (128, 5, 0)
    rows = []
    for backend in ("envpool", "gymnasium"):
        row = dict(backend=backend, pop_size=pop_size, n_episodes=n_episodes, cap=cap)
        if backend == "envpool" and not envpool_installed():
            rows.append({**row, "error": no_envpool_here()})
            continue
        child = subprocess.run(
            [sys.executable, "-c", MEMORY_CHILD, backend, str(pop_size), str(n_episodes), str(cap)],
            capture_output=True, text=True, timeout=1800,
        )  # fmt: skip
        if child.returncode != 0:
            last = (child.stderr.strip().splitlines() or ["no output"])[-1]
            rows.append({**row, "error": f"the measuring process failed: {last}"})
        else:
            rows.append({**row, **json.loads(child.stdout.strip().splitlines()[-1])})
        print(f"  measured: memory on {backend}", file=sys.stderr, flush=True)
    return rows


# ---------------------------------------------------------------------------------------
# 3. Time to solve


def time_to_solve(env_ids, seeds, budget_scale: float) -> tuple[list[dict], dict]:
    """One row per (env, method), and the wall time of each env's runs.

    Solved, as `compare.run` records it: the run's answer passed validation, then its test.
    """
    rows, wall = [], {}
    for env_id in env_ids:
        budget = int(compare.BUDGETS[env_id] * budget_scale)
        start = time.perf_counter()
        for method in ("GA", "ES"):
            # each run's own wall time: compare.run's "seconds" leaves out the test episodes
            # that every run plays at its end, and they take time too
            runs = []
            for seed in seeds:
                run, seconds = timed(compare.run, method, env_id, seed, budget)
                runs.append({**run, "wall_s": seconds})
            print(f"  measured: {method} on {env_id}", file=sys.stderr, flush=True)
            # An unsolved run counts as infinitely slow: the median reads "not solved"
            # when half the seeds failed, and the worst is "not solved".
            solved = [r["solved_steps"] is not None for r in runs]
            validated = [r["validated_steps"] is not None for r in runs]
            seconds = [r["solved_seconds"] if ok else np.inf for r, ok in zip(runs, solved)]
            steps = [r["solved_steps"] if ok else np.inf for r, ok in zip(runs, solved)]
            solved_s = [s for s in seconds if np.isfinite(s)]
            rows.append(
                dict(
                    env_id=env_id, method=method, budget=budget, n_runs=len(runs),
                    validated=sum(validated), solved=sum(solved),
                    median_s=float(np.median(seconds)), worst_s=float(np.max(seconds)),
                    median_steps=float(np.median(steps)),
                    solved_median_s=float(np.median(solved_s or [np.inf])),
                    total_s=float(sum(r["wall_s"] for r in runs)),
                    checks_s=float(sum(r["check_seconds"] for r in runs)),
                    # never passed validation: these runs played their whole budget
                    unvalidated_s=float(
                        sum(r["wall_s"] for r, ok in zip(runs, validated) if not ok)
                    ),
                )
            )  # fmt: skip
        wall[env_id] = time.perf_counter() - start
    return rows, wall


# ---------------------------------------------------------------------------------------
# 4. The lander recipe


def lander_run(quick: bool) -> dict:
    """The ES recipe for LunarLanderContinuous-v3 from seed 0, as `record` trains it (the
    same generators and generations as `nh.train`), under the course's protocol.

    Every `check_every` generations (and after the last) the ES center is scored on
    validation episodes on the training backend; the answer is the best-validated center
    (ties: the newer one, as `nh.train` chooses it). The checkpoint of the first validation
    pass is scored once on test episodes on gymnasium: the run is solved if it passes too.
    At the end the answer is scored once on test episodes (the same score, not a second
    one, if it is that checkpoint). The time to solve runs to the first validation pass,
    validation included, as `compare.run` counts it.
    """
    settings = recipes.recipe("es", LANDER)
    n_generations = 2 if quick else settings["n_generations"]
    check_every, n_episodes = (1, 10) if quick else (LANDER_CHECK_EVERY, protocol.N_TEST)
    goal = compare.threshold(LANDER)
    start = time.perf_counter()
    rngs = protocol.generators(0)  # as `record` draws them for seed 0
    backend = choose_backend(LANDER)  # as `record` chooses it
    policy, strategy, fitness_fn, refit_fn = recipes.build(
        "es", LANDER, settings, rngs.noise, backend, init_rng=rngs.init
    )
    answer, answer_validation, answer_generation = None, -np.inf, None
    env_steps, checks_s, validations, first_pass = 0, 0.0, [], None
    for generation in range(1, n_generations + 1):
        params, _, _, used = _one_generation(strategy, fitness_fn, rngs.episodes, refit_fn, 10)
        env_steps += sum(int(u.n_steps) for u in used)
        if generation % check_every and generation != n_generations:
            continue
        check_start = time.perf_counter()
        validated = float(
            protocol.score_on_validation(
                policy, params, LANDER, n_episodes, backend=backend
            ).fitness
        )
        checks_s += time.perf_counter() - check_start
        validations.append((generation, validated))
        if validated >= answer_validation:  # ties: the newer one, as nh.train
            answer, answer_validation, answer_generation = params, validated, generation
        elapsed = time.perf_counter() - start
        print(
            f"  lander: generation {generation}, validation mean {validated:.1f} "
            f"({elapsed:.0f} s)", file=sys.stderr, flush=True,
        )  # fmt: skip
        if first_pass is None and validated >= goal:
            first_pass = dict(
                generation=generation, env_steps=env_steps, seconds=elapsed, checks_s=checks_s
            )
            test_start = time.perf_counter()  # that checkpoint's test: once
            tested = protocol.score_on_test(policy, params, LANDER, n_episodes)
            checks_s += time.perf_counter() - test_start
            # what protocol.solved decides (it refuses quick mode's 10 episodes)
            first_pass |= dict(test=float(tested.fitness), test_passed=bool(tested.fitness >= goal))
            print(f"  lander: its test mean {tested.fitness:.1f}", file=sys.stderr, flush=True)
    if first_pass is not None and answer_generation == first_pass["generation"]:
        final = first_pass["test"]  # the same checkpoint: scored once
    else:
        test_start = time.perf_counter()
        final = float(protocol.score_on_test(policy, answer, LANDER, n_episodes).fitness)
        checks_s += time.perf_counter() - test_start
    total = time.perf_counter() - start
    return dict(
        generations=n_generations, env_steps=env_steps, first_pass=first_pass,
        solved=first_pass is not None and bool(first_pass["test_passed"]), total_s=total,
        checks_s=checks_s, validations=validations, answer_generation=answer_generation,
        answer_validation=answer_validation, final_test=final, n_episodes=n_episodes,
        check_every=check_every, goal=goal, backend=backend,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------
# Tables


def fmt_seconds(value: float) -> str:
    return "not solved" if not np.isfinite(value) else f"{value:.1f} s"


def fmt_speed(row: dict, way: str) -> str:
    value = row["speed"].get(way)
    return "-" if value is None else f"{value:,.0f}"


def ratio(row: dict, top: str, bottom: str) -> float | None:
    speed = row["speed"]
    return speed[top] / speed[bottom] if top in speed and bottom in speed else None


def auto_way(row: dict) -> str:
    return "d" if row["auto"] == "envpool" else "c"


THROUGHPUT_HEADER = (
    "| workload | env steps (gymnasium / envpool) | mean episode length (gymnasium / envpool) "
    f"| {' | '.join(WAYS.values())} | (c)/(b) | (d)/(b) | auto/(a) |"
)
SOLVE_HEADER = (
    "| env | method | budget (env steps) | passed validation | solved | median time "
    "| worst time | median env steps | median time of the solved runs | total time "
    "| of which validation and test episodes |"
)
MEMORY_HEADER = (
    "| evaluation | backend | env copies | env steps | time | peak resident memory "
    "| before the evaluation |"
)
LANDER_HEADER = (
    "| run | generations | env steps | first validation pass | its test mean | time to solve "
    "| whole budget | of which validation and test episodes "
    "| test mean of the answer at the end |"
)
TARGETS_HEADER = "| target | wanted | measured | met | why not |"


def throughput_table(rows: list[dict]) -> list[str]:
    lines = [
        "**Evaluation throughput** (env steps per second on identical work: the same networks, "
        "episode counts and episode seeds; (a) and (b) return exactly what (c) returns)",
        "",
        THROUGHPUT_HEADER,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        n_ep = r["episodes"]
        steps, length = f"{r['steps']:,}", f"{r['steps'] / n_ep:.0f}"
        if r["envpool_steps"] is not None:
            steps += f" / {r['envpool_steps']:,}"
            length += f" / {r['envpool_steps'] / n_ep:.0f}"
        ratios = []
        for top in ("c", "d"):
            value = ratio(r, top, "b")
            cell = "-" if value is None else f"{value:.1f}x"
            ratios.append(f"**{cell}**" if value is not None and auto_way(r) == top else cell)
        value = ratio(r, auto_way(r), "a")
        ratios.append("-" if value is None else f"**{value:.1f}x**")
        speeds = " | ".join(fmt_speed(r, way) for way in WAYS)
        lines.append(f"| {r['name']} | {steps} | {length} | {speeds} | {' | '.join(ratios)} |")
    lines += [
        "",
        "envpool plays other episodes from the same seeds, so (d) counts its own env steps "
        "(after the slash). **Bold**: the batched backend `nh.evaluate` picks by default "
        '(`backend="auto"`: gymnasium\'s NumPy vector env for CartPole, envpool elsewhere); '
        "auto/(a) is that backend against the first write-up's loop.",
        "",
    ]
    return lines


def fmt_bytes(value: float) -> str:
    return f"{value / 2**30:.2f} GiB" if value >= 2**30 else f"{value / 2**20:.0f} MiB"


def memory_table(rows: list[dict]) -> list[str]:
    lines = [
        "**Peak memory of the largest batched evaluation** (each in a fresh process; "
        "VmHWM on Linux, imports included: the last column is what the process held before "
        "the evaluation began)",
        "",
        MEMORY_HEADER,
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        n = r["n_episodes"]
        what = f"{r['pop_size']} networks x {n} {LANDER} episode{'s' * (n > 1)}"
        if r.get("cap"):
            what += f", cut at {r['cap']} steps"
        copies = f"{r['pop_size'] * r['n_episodes']:,}"
        if "error" in r:
            lines.append(f"| {what} | {r['backend']} | {copies} | - | - | - ({r['error']}) | - |")
            continue
        what += f", {tuple(r['layers'])} net"
        lines.append(
            f"| {what} | {r['backend']} | {copies} | {r['steps']:,} | {r['seconds']:.1f} s "
            f"| {fmt_bytes(r['peak'])} | {fmt_bytes(r['before'])} |"
        )
    return lines + [""]


def solve_table(rows: list[dict], wall: dict) -> list[str]:
    lines = [
        "**Time to solve** (under the course's protocol: a run stops at its first validation "
        "pass, 100 episodes on the training backend, and is solved only if its answer then "
        "passes 100 test episodes on gymnasium; the time to solve runs to that validation "
        "pass, validation included; the total time includes every validation and the test)",
        "",
        SOLVE_HEADER,
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        steps = "-" if not np.isfinite(r["median_steps"]) else f"{r['median_steps']:,.0f}"
        checks = f"{r['checks_s']:.1f} s ({100 * r['checks_s'] / r['total_s']:.0f}%)"
        lines.append(
            f"| {r['env_id']} | {r['method']} | {r['budget']:,} | {r['validated']}/{r['n_runs']} "
            f"| {r['solved']}/{r['n_runs']} | {fmt_seconds(r['median_s'])} "
            f"| {fmt_seconds(r['worst_s'])} | {steps} | {fmt_seconds(r['solved_median_s'])} "
            f"| {r['total_s']:.1f} s | {checks} |"
        )
    each = ", ".join(f"{env_id} {seconds:.1f} s" for env_id, seconds in wall.items())
    lines += ["", f"Wall time of all these runs: {sum(wall.values()):.1f} s ({each}).", ""]
    return lines


def lander_table(lander: dict) -> list[str]:
    first = lander["first_pass"]
    passed = "none" if first is None else f"generation {first['generation']}"
    test = "-" if first is None else f"{first['test']:.1f}"
    to_solve = f"{first['seconds']:.1f} s" if lander["solved"] else "not solved"
    validations = ", ".join(f"{g}: {m:.0f}" for g, m in lander["validations"])
    n, episodes = lander["check_every"], lander["n_episodes"]
    every = "generation" if n == 1 else f"{n} generations"
    return [
        f"**The shipped lander recipe** (ES on {LANDER}, seed 0, as `python -m "
        "neuroevo_helpers record --env LunarLanderContinuous-v3 --algo es` trains it, on "
        f'`backend="auto"`, here {lander["backend"]}; every {every} the ES center is scored '
        f"on {episodes} validation episodes and the best-validated one is the answer; the "
        f"first to pass validation is scored once on {episodes} test episodes on gymnasium, "
        "solved if it passes too; the answer at the end is scored once on the same test "
        "episodes)",
        "",
        LANDER_HEADER,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| ES, seed 0 | {lander['generations']} | {lander['env_steps']:,} | {passed} | {test} "
        f"| {to_solve} | {lander['total_s']:.1f} s | {lander['checks_s']:.1f} s "
        f"| {lander['final_test']:.1f} |",
        "",
        f"Validation means (generation: mean): {validations or 'none'}. The answer at the "
        f"end: generation {lander['answer_generation']}'s center (validation mean "
        f"{lander['answer_validation']:.1f}).",
        "",
    ]


def markdown(
    machine: str,
    tp_rows: list[dict],
    memory_rows: list[dict],
    solve_rows: list[dict],
    wall: dict,
    lander: dict | None,
    command: str,
    quick: bool,
) -> str:
    lines = [f"Measured with `{command}` on {machine}.", ""]
    if tp_rows:
        lines += throughput_table(tp_rows)
    if memory_rows:
        lines += memory_table(memory_rows)
    if solve_rows:
        lines += solve_table(solve_rows, wall)
    if lander is not None:
        lines += lander_table(lander)
    if not quick:  # tiny sizes say nothing about the targets
        lines += targets(tp_rows, memory_rows, solve_rows, wall, lander)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# Targets


def _write_up_reasons(r: dict) -> str:
    """Why batching gains less than hoped on the write-up's run, from its own numbers."""
    parts = []
    if "batched_steps" in r:
        parts.append(
            f"the batch steps its copies together until the longest episode ends: "
            f"{r['batched_steps']:,} batched steps for {r['steps']:,} env steps "
            f"({r['steps'] / r['batched_steps']:.0f} copies a step on average)"
        )
    b = r["speed"].get("b")
    if b is not None:
        parts.append(f"(b) takes {1e6 / b:.0f} µs a step")
    return "; ".join(parts)


def _unsolved_reasons(r: dict) -> str:
    """Why a method's runs were not solved: they never passed validation, or their answer
    failed its test."""
    unvalidated, failed_test = r["n_runs"] - r["validated"], r["validated"] - r["solved"]
    parts = []
    if unvalidated:
        parts.append(f"{unvalidated} run(s) spent their budget without passing validation")
    if failed_test:
        parts.append(f"{failed_test} passed validation but failed the test")
    return "; ".join(parts)


def targets(
    tp_rows: list[dict],
    memory_rows: list[dict],
    solve_rows: list[dict],
    wall: dict,
    lander: dict | None,
) -> list[str]:
    """The course's targets: wanted, measured, met, and why not where the numbers say."""
    checks = []  # (target, wanted, measured, met: True/False/None (not measured), why not)
    for r in tp_rows:
        if r.get("write_up"):
            name, way = r["name"].split(" (")[0], WAYS[auto_way(r)]
            for bottom, key in (("b", "write-up vs (b)"), ("a", "write-up vs (a)")):
                value = ratio(r, auto_way(r), bottom)
                if value is None:
                    continue
                ok = value >= TARGETS[key]
                why = ""
                if not ok:
                    why = _write_up_reasons(r)
                    if bottom == "a":
                        relative = r["speed"]["a"] / r["speed"]["b"]
                        why += f"; (a) itself runs at {relative:.2f}x the speed of (b)"
                checks.append(
                    (f"{name}: {way} over {WAYS[bottom]}", f">= {TARGETS[key]:.0f}x",
                     f"{value:.1f}x", ok, why)
                )  # fmt: skip
        limit = TARGETS["envpool vs (b)"].get(r["env_id"])
        if limit is None:
            continue
        name = f"{r['env_id']}: (d) batched, envpool over (b) one network at a time"
        value = ratio(r, "d", "b")
        if value is None:
            checks.append((name, f">= {limit:.0f}x", "-", None, no_envpool_here()))
            continue
        why = ""
        if value < limit and "envpool_alone" in r:
            alone, threads = r["envpool_alone"]["speed"], r["envpool_alone"]["threads"]
            ceiling = alone / r["speed"]["b"]
            why = (
                f"envpool's env alone (no network, every action 0; the same copies and "
                f"{threads} thread{'s' * (threads > 1)}, as (d)) steps {alone:,.0f}/s here, "
                f"{ceiling:.1f}x (b): "
            )
            reached = r["speed"]["d"] / alone
            why += (
                "the env itself caps (d) below the target"
                + (
                    f" ((d) came out at {100 * reached:.0f}% of the env alone: the network "
                    "and bookkeeping add little there, and the two timings differ by "
                    "run-to-run noise)"
                    if reached >= 0.95
                    else f"; (d) reaches {100 * reached:.0f}% of it, the rest being "
                    "`nh.evaluate`'s own work per step (forward pass, bookkeeping)"
                    if reached < 0.8
                    else ""
                )
                if ceiling < limit
                else f"(d) reaches {100 * r['speed']['d'] / alone:.0f}% of that; the rest "
                "is `nh.evaluate`'s own work per step (forward pass, bookkeeping)"
            )
        checks.append((name, f">= {limit:.0f}x", f"{value:.1f}x", value >= limit, why))
    limit = TARGETS["memory GiB"]
    for r in memory_rows:
        name = f"peak memory, {r['pop_size']} x {r['n_episodes']} lander episodes on {r['backend']}"
        if "error" in r:
            checks.append((name, f"< {limit:.0f} GiB", "-", None, r["error"]))
        else:
            ok = r["peak"] < limit * 2**30
            checks.append((name, f"< {limit:.0f} GiB", fmt_bytes(r["peak"]), ok, ""))
    for r in solve_rows:
        limit = TARGETS.get((r["env_id"], r["method"]))
        if limit is None:
            continue
        solved = r["solved"] == r["n_runs"]
        why = "" if solved else _unsolved_reasons(r)
        checks.append(
            (f"{r['method']} on {r['env_id']}: solved", f"{r['n_runs']}/{r['n_runs']}",
             f"{r['solved']}/{r['n_runs']}", solved, why)
        )  # fmt: skip
        checks.append(
            (f"{r['method']} on {r['env_id']}: median time", f"< {limit:.0f} s",
             fmt_seconds(r["median_s"]), r["median_s"] < limit, "")
        )  # fmt: skip
    pendulum = [r for r in solve_rows if r["env_id"] == "Pendulum-v1"]
    if pendulum and all(r["n_runs"] == 10 for r in pendulum):  # the target is for 10 seeds
        total, limit = wall["Pendulum-v1"], TARGETS["Pendulum-v1 total s"]
        unvalidated = sum(r["n_runs"] - r["validated"] for r in pendulum)
        why = ""
        if total >= limit and unvalidated:
            unvalidated_s = sum(r["unvalidated_s"] for r in pendulum)
            why = (
                f"{unvalidated} of {sum(r['n_runs'] for r in pendulum)} runs never passed "
                f"validation and spent their whole budget: {unvalidated_s:.0f} s of the "
                f"{total:.0f} s"
            )
        checks.append(
            ("Pendulum-v1 time to solve, GA and ES x 10 seeds: total wall time",
             f"< {limit / 60:.0f} min", f"{total:.0f} s", total < limit, why)
        )  # fmt: skip
    if lander is not None:
        first, limit = lander["first_pass"], TARGETS["lander solved s"]
        seconds = first["seconds"] if lander["solved"] else np.inf
        end = f"the answer at the end scores {lander['final_test']:.1f} on test episodes"
        why = ""
        if first is None:
            why = (
                f"no validation passed (the best validation mean: "
                f"{lander['answer_validation']:.1f}); {end}"
            )
        elif not lander["solved"]:
            why = (
                f"validation first passed at generation {first['generation']}, but that "
                f"checkpoint's test mean is {first['test']:.1f}; {end}"
            )
        elif seconds >= limit:
            why = (
                f"validation first passed at generation {first['generation']} of "
                f"{lander['generations']}, after {first['env_steps']:,} env steps; "
                f"{first['checks_s']:.0f} s of the {seconds:.0f} s went on validation episodes"
            )
        checks.append(
            (f"{LANDER} recipe: solved (validation passed, then test mean >= "
             f"{lander['goal']:.0f} over {lander['n_episodes']} episodes)",
             f"< {limit / 60:.0f} min", fmt_seconds(seconds), seconds < limit, why)
        )  # fmt: skip
        limit = TARGETS["lander budget s"]
        training = lander["total_s"] - lander["checks_s"]
        why = ""
        if training >= limit:
            why = f"{lander['env_steps']:,} env steps at {lander['env_steps'] / training:,.0f}/s"
        checks.append(
            (f"{LANDER} recipe: whole budget ({lander['generations']} generations) of "
             "training, without the validation and test episodes", f"< {limit / 60:.0f} min",
             f"{training:.1f} s", training < limit, why)
        )  # fmt: skip
    if not checks:
        return []
    lines = ["**Targets**", "", TARGETS_HEADER, "|---|---|---|---|---|"]
    for name, want, got, ok, why in checks:
        met = "not measured" if ok is None else "yes" if ok else "**no**"
        lines.append(f"| {name} | {want} | {got} | {met} | {why} |")
    lines.append("")
    missed = [name for name, _, _, ok, _ in checks if ok is not None and not ok]
    unmeasured = [name for name, _, _, ok, _ in checks if ok is None]
    if missed:
        lines.append(f"Not met: {'; '.join(missed)}.")
    if unmeasured:
        lines.append(f"Not measured here: {'; '.join(unmeasured)}.")
    if not missed and not unmeasured:
        lines.append("Every target here is met.")
    return lines + [""]


# ---------------------------------------------------------------------------------------


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
    try:
        envpool = f"envpool {importlib.metadata.version('envpool')}"
        if not envpool_installed():
            envpool += " (turned off by NEUROEVO_NO_ENVPOOL)"
    except importlib.metadata.PackageNotFoundError:
        envpool = "no envpool"
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, gymnasium {gym.__version__}, {envpool}"
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
        "--skip-throughput",
        action="store_true",
        help="leave out the throughput and memory measurements",
    )
    parser.add_argument(
        "--skip-solve", action="store_true", help="leave out the time-to-solve runs"
    )
    parser.add_argument(
        "--lander",
        action="store_true",
        help=f"also train the shipped {LANDER} recipe (ES, seed 0) and time it (about 8 min)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes and budgets, 2 seeds: checks that the script works (numbers mean nothing)",
    )
    parser.add_argument("--out", type=Path, help="also write the tables to this markdown file")
    args = parser.parse_args(argv)
    if args.skip_throughput and args.skip_solve and not args.lander:
        parser.error(
            "--skip-throughput with --skip-solve leaves nothing to measure; drop one, or add "
            "--lander."
        )
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1; got {args.seeds}.")
    if args.out is not None and not args.out.parent.is_dir():
        parser.error(f"--out: the folder {args.out.parent} does not exist; create it first.")
    given = sys.argv[1:] if argv is None else argv
    command = " ".join(["python benchmarks/run.py", *given])

    start = time.perf_counter()
    rng = np.random.default_rng(0)
    tp_rows, memory_rows = [], []
    if not args.skip_throughput:
        tp_rows = throughput(throughput_workloads(args.quick, rng), args.quick)
        memory_rows = memory(args.quick)
    solve_rows, wall = [], {}
    if not args.skip_solve:
        seeds = range(2 if args.quick else args.seeds)
        solve_rows, wall = time_to_solve(args.envs, seeds, 0.02 if args.quick else 1.0)
    lander = lander_run(args.quick) if args.lander else None
    report = markdown(
        machine(), tp_rows, memory_rows, solve_rows, wall, lander, command, args.quick
    )
    print(report)
    if args.out is not None:
        with atomic_path(args.out) as tmp:
            tmp.write_text(report)
    print(f"  the whole run took {time.perf_counter() - start:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

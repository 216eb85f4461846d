"""The course's evaluation protocol: which episodes train, which choose, which judge.

Every episode seed belongs to one of three disjoint ranges:

- **training** seeds, `[0, VALIDATION_SEED)`: the episodes every generation is scored on.
  `training_seed` draws them so that `seed + n_episodes` never reaches the next range.
- **validation** seeds, `[VALIDATION_SEED, TEST_SEED)`: used to *choose*: which center or
  elite is the answer, when a run stops, which setting a tuning run keeps.
- **test** seeds, `[TEST_SEED, TEST_END)`: used to *score*, once per checkpoint or at the
  end, and never to choose anything.

**Solved** means: the answer chosen on validation episodes has a mean return of at least
the env's threshold over at least 100 test episodes, played on gymnasium's own envs
(`nh.JUDGE`). Validation may run on the training backend (it only chooses); the test
always runs on the judge.

A claim that one method or setting beats another rests on at least 10 seeds and an
interval. The functions at the end compute them with scipy.stats: a Wilson interval for
a success rate, a bootstrap interval for a median or an interquartile mean, and the words
that follow from two intervals. Taught in 07_comparison.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
from scipy import stats

from .backends import JUDGE
from .envs import Evaluation, evaluate
from .network import _check_count

VALIDATION_SEED = 10**9  # training seeds are below this
TEST_SEED = 2 * 10**9  # validation seeds are below this
TEST_END = 3 * 10**9
N_TEST = 100  # the fewest test episodes a "solved" may rest on
MAX_TRAINING_EPISODES = 10_000  # the most episodes one training evaluation may play
MIN_SEEDS = 10  # the fewest seeds a comparison may rest on


class Generators(NamedTuple):
    """One random generator per purpose, so that changing one use leaves the others alone."""

    init: np.random.Generator  # the starting network(s)
    noise: np.random.Generator  # the strategy's own draws: mutations, samples, actions
    episodes: np.random.Generator  # training episode seeds


def generators(seed: int) -> Generators:
    """Three independent generators from one seed (numpy's SeedSequence.spawn)."""
    return Generators(*(np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)))


def seed_range(seed: int) -> str:
    """Which range an episode seed is in: "training", "validation", "test" or "outside"."""
    if 0 <= seed < VALIDATION_SEED:
        return "training"
    if VALIDATION_SEED <= seed < TEST_SEED:
        return "validation"
    if TEST_SEED <= seed < TEST_END:
        return "test"
    return "outside"


def training_seed(rng: np.random.Generator, n_episodes: int = MAX_TRAINING_EPISODES) -> int:
    """A fresh first seed for up to `n_episodes` training episodes: all of them stay
    training episodes (`seed + n_episodes <= VALIDATION_SEED`). `nh.train` draws every
    generation's seed this way, for evaluations of up to MAX_TRAINING_EPISODES episodes."""
    _check_count("n_episodes", n_episodes)
    if n_episodes > VALIDATION_SEED:
        raise ValueError(f"n_episodes must be below {VALIDATION_SEED:,}; got {n_episodes:,}.")
    return int(rng.integers(VALIDATION_SEED - n_episodes + 1))


def score_on_validation(
    policy, params, env_id: str, n_episodes: int = N_TEST, *, backend: str = "auto", **kwargs
) -> Evaluation:
    """Score `params` on validation episodes, to choose between answers or to stop a run.

    The same `n_episodes` episodes every time (seeds from VALIDATION_SEED up), so the
    scores of different checkpoints compare on equal terms. Any backend may play them.
    """
    _check_episodes(n_episodes, TEST_SEED - VALIDATION_SEED)
    _check_unshaped(kwargs, "Validation")
    return evaluate(policy, params, env_id, n_episodes, VALIDATION_SEED, backend=backend, **kwargs)


def score_on_test(policy, params, env_id: str, n_episodes: int = N_TEST, **kwargs) -> Evaluation:
    """Score the chosen answer on test episodes (seeds from TEST_SEED up), on gymnasium.

    Never choose anything with this score: it is the verdict. Fewer than 100 episodes
    cannot call an env solved (`solved` refuses them).
    """
    _check_episodes(n_episodes, TEST_END - TEST_SEED)
    _check_unshaped(kwargs, "Test")
    return evaluate(policy, params, env_id, n_episodes, TEST_SEED, backend=JUDGE, **kwargs)


def solved(test_scores: Evaluation | np.ndarray, threshold: float) -> bool:
    """Solved: a mean over at least N_TEST test episodes of at least `threshold`."""
    returns = np.asarray(getattr(test_scores, "episode_returns", test_scores), dtype=float)
    if returns.ndim != 1 or len(returns) < N_TEST:
        raise ValueError(
            f"'solved' needs the returns of one answer over at least {N_TEST} test episodes, "
            f"a 1-D array; got shape {returns.shape}. Score it with protocol.score_on_test(...)."
        )
    return bool(returns.mean() >= threshold)


def _check_unshaped(kwargs: dict, kind: str) -> None:
    if kwargs.get("shaping") is not None:
        raise ValueError(
            f"{kind} episodes score the env as it is: shaping changes only training episodes. "
            "Leave shaping out here."
        )


def _check_episodes(n_episodes: int, room: int) -> None:
    _check_count("n_episodes", n_episodes)
    if n_episodes > room:
        raise ValueError(f"n_episodes must be at most {room:,}; got {n_episodes:,}.")


# ---------------------------------------------------------------------------------------
# Intervals


class Interval(NamedTuple):
    """An estimate with its 95% (or other) confidence interval."""

    estimate: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{_number(self.estimate)} [{_number(self.low)}, {_number(self.high)}]"


def _number(x: float) -> str:
    """3 significant digits; whole numbers from 1,000 up, with thousands separators."""
    return f"{x:,.0f}" if np.isfinite(x) and abs(x) >= 1000 else f"{x:.3g}"


def success_rate(n_success: int, n_runs: int, confidence: float = 0.95) -> Interval:
    """The share of runs that succeeded, with a Wilson score interval."""
    if any(int(x) != x for x in (n_success, n_runs)):
        raise ValueError(f"counts must be whole numbers; got {n_success} of {n_runs}.")
    n_success, n_runs = int(n_success), int(n_runs)
    if n_runs < 1 or not 0 <= n_success <= n_runs:
        raise ValueError(
            f"need 0 <= n_success <= n_runs and n_runs >= 1; got {n_success} of {n_runs}."
        )
    ci = stats.binomtest(n_success, n_runs).proportion_ci(confidence, method="wilson")
    return Interval(n_success / n_runs, float(ci.low), float(ci.high))


def iqm(values) -> float:
    """The interquartile mean: the mean of the middle half (robust to a few wild runs)."""
    return float(stats.trim_mean(_values(values, "iqm"), 0.25))


def median_interval(values, confidence: float = 0.95, seed: int = 0) -> Interval:
    """The median, with a bootstrap (BCa) interval; infinite values (e.g. "never solved",
    counted as infinitely slow) are allowed."""
    return _bootstrap(values, np.median, confidence, seed, "median_interval")


def iqm_interval(values, confidence: float = 0.95, seed: int = 0) -> Interval:
    """The interquartile mean, with a bootstrap (BCa) interval."""
    return _bootstrap(values, lambda v, axis=-1: stats.trim_mean(v, 0.25, axis=axis),
                      confidence, seed, "iqm_interval")  # fmt: skip


def _values(values, name: str, finite: bool = True) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"{name} needs a 1-D array of at least 2 values; got {values.shape}.")
    if finite and not np.all(np.isfinite(values)):
        raise ValueError(f"{name} needs finite values; got {values[~np.isfinite(values)]}.")
    if np.isnan(values).any():
        raise ValueError(f"{name} got NaN values; drop or replace them first.")
    return values


def _bootstrap(values, statistic, confidence: float, seed: int, name: str) -> Interval:
    values = _values(values, name, finite=name == "iqm_interval")
    estimate = float(statistic(values))
    if np.all(values == values[0]):  # all equal (all never-solved too): nothing to resample
        return Interval(estimate, estimate, estimate)
    # BCa where it can work; percentile where it cannot: with infinities ("never solved"),
    # or when ties make BCa's acceleration undefined (it then returns NaN)
    methods = ("BCa", "percentile") if np.all(np.isfinite(values)) else ("percentile",)
    for method in methods:
        with warnings.catch_warnings(), np.errstate(invalid="ignore"):
            # inf - inf in scipy's own diagnostics, and its degenerate-data warning: the
            # NaN it warns about is handled below
            warnings.simplefilter("ignore", RuntimeWarning)
            result = stats.bootstrap(
                (values,), lambda v, axis=-1: statistic(v, axis=axis),
                confidence_level=confidence, n_resamples=9999, method=method,
                rng=np.random.default_rng(seed), vectorized=True,
            )  # fmt: skip
        low, high = (float(x) for x in result.confidence_interval)
        if not (np.isnan(low) or np.isnan(high)):
            return Interval(estimate, low, high)
    raise ValueError(f"{name}: the bootstrap gave no interval for {values.tolist()}.")


def verdict(
    a: Interval, b: Interval, names: tuple[str, str] = ("A", "B"), higher: str = "higher"
) -> str:
    """The words two intervals allow: "A is higher", "B is higher", or "no clear difference";
    `higher` names what a higher value means (e.g. "slower" for env steps to solve).

    Intervals that overlap are called "no clear difference": a cautious rule, which may
    miss a real difference but never claims one the intervals do not show.
    """
    both = f"({names[0]} {a}, {names[1]} {b})"
    if a.low > b.high:
        return f"{names[0]} is {higher} {both}"
    if b.low > a.high:
        return f"{names[1]} is {higher} {both}"
    return f"no clear difference {both}"


def same_as_stored(again, stored, what: str = "the re-run", made_on: str = "") -> bool:
    """Compare a re-run's numbers with a stored run's, print what the comparison means, and
    return True if they are the same (to 9 significant digits).

    The same code and seed give the same numbers on the same kind of processor. NumPy and
    OpenBLAS choose their routines by processor (AVX2, AVX-512, Arm), and these round the
    last digit differently; over many generations of selection a run then drifts apart,
    though it stays a run of the same method. `made_on` says where the stored runs were made.
    Used by 05_mutation_and_crossover, 07_comparison, 10_cma_es_and_ars,
    11_novelty_and_map_elites and 12_neat.
    """
    again = np.atleast_1d(np.asarray(again, dtype=float))
    stored = np.atleast_1d(np.asarray(stored, dtype=float))
    if again.shape == stored.shape and np.allclose(again, stored, rtol=1e-9, atol=0):
        print(f"{what}: the same numbers as the stored run.")
        return True
    print(
        f"{what}: not the same numbers as the stored run. The same code and seed give the "
        "same numbers on the same kind of processor, but NumPy and OpenBLAS choose their "
        "routines by processor (AVX2, AVX-512, Arm) and these round the last digit "
        "differently; over many generations a run drifts apart."
        + (f" The stored runs were made {made_on}." if made_on else "")
    )
    return False

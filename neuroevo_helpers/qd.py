"""Searching for behaviour, not score: novelty search and MAP-Elites.

Both strategies work with `train` like the GA and the ES, with one extra call: the fitness
function tells them what each individual *did* (its behaviour descriptor, see
`neuroevo_helpers.behaviour`) before `train` tells them its return:

    def fitness(population, seed):
        result = nh.evaluate(policy, population, env_id, 1, seed, descriptor=descriptor)
        strategy.observe(result.descriptors)   # (pop_size, n_episodes, size)
        return result

- `NoveltySearch` (Lehman & Stanley 2011) is the course's GA selecting on *novelty*: the
  mean distance from an individual's descriptor to its `k` nearest neighbours among the
  population and an archive of earlier novel behaviours. The return plays no part in
  selection; `train` still uses it to pick the answer (validated as usual).
- `MapElites` (Mouret & Clune 2015) keeps a `GridArchive`: the descriptor space cut into
  cells, each holding the best individual (by return) that landed in it. New individuals
  are copies of elites drawn uniformly from the archive plus Gaussian noise, like pyribs'
  `GaussianEmitter`; tests/test_qd.py checks the archive's coverage against pyribs'.

Descriptors are scaled to [0, 1] by the `bounds` (or `ranges`) given, so distances weigh
each dimension alike. Taught in 11_novelty_and_map_elites.
"""

from __future__ import annotations

import numpy as np

from .es import _told
from .ga import GA
from .network import _check_count, _check_positive


def novelty(descriptors: np.ndarray, archive: np.ndarray | None = None, k: int = 15) -> np.ndarray:
    """Each row's mean distance to its `k` nearest neighbours among the others and `archive`.

    `descriptors` is `(n, size)`; `archive` `(m, size)` (or None). A row is never its own
    neighbour; with fewer than `k` others, all of them count.
    """
    points = np.asarray(descriptors, dtype=float)
    if points.ndim != 2 or len(points) == 0:
        raise ValueError(
            f"descriptors must be a 2-D array (n, size) with n >= 1; got shape {points.shape}. "
            "One descriptor is points[None]."
        )
    archive = np.zeros((0, points.shape[1])) if archive is None else np.asarray(archive, float)
    if archive.ndim != 2 or archive.shape[1] != points.shape[1]:
        raise ValueError(
            f"the archive must be (m, {points.shape[1]}), one descriptor per row like the "
            f"population's; got shape {archive.shape}."
        )
    _check_count("k", k)
    reference = np.concatenate([points, archive])
    distances = np.linalg.norm(points[:, None, :] - reference[None, :, :], axis=-1)  # (n, n + m)
    distances[np.arange(len(points)), np.arange(len(points))] = np.inf  # not its own neighbour
    k = min(k, len(reference) - 1)
    if k == 0:  # a single point and no archive: nothing to compare with
        return np.zeros(len(points))
    nearest = np.partition(distances, k - 1, axis=1)[:, :k]
    return nearest.mean(axis=1)


def _scaled(descriptors, low: np.ndarray, high: np.ndarray, pop_size: int) -> np.ndarray:
    """`(pop_size, size)`: each individual's descriptor, averaged over its episodes and scaled
    to [0, 1] by the bounds."""
    d = np.asarray(descriptors, dtype=float)
    if d.ndim == 3:  # (pop_size, n_episodes, size) as evaluate gives: the episodes' mean
        d = d.mean(axis=1)
    if d.shape != (pop_size, len(low)):
        raise ValueError(
            f"observe expects one descriptor of size {len(low)} per individual, (pop_size, "
            f"n_episodes, {len(low)}) as evaluate(..., descriptor=...) gives with pop_size="
            f"{pop_size}; got shape {np.shape(descriptors)}."
        )
    return (d - low) / (high - low)


def _check_bounds(bounds, name: str) -> tuple[np.ndarray, np.ndarray]:
    low, high = (np.asarray(b, dtype=float) for b in bounds)
    if low.shape != high.shape or low.ndim != 1 or not np.all(high > low):
        raise ValueError(
            f"{name} must be (low, high), one value per descriptor dimension with high > low, "
            f"e.g. ((0, 0), (1, 1)); got {bounds!r}."
        )
    return low, high


class NoveltySearch:
    """The GA of 04, selecting on novelty instead of return (Lehman & Stanley 2011).

    Each generation: novelty of every individual against the population and the archive
    (`novelty`, `k` neighbours); truncation selection on it; every individual whose novelty
    beats `threshold` joins the archive. The threshold adapts, after the paper's rule: up
    20% after a generation that added more than 4, down 5% after `patience` generations
    that added none. `bounds` scale the descriptors to [0, 1].

    Selection keeps no memory of the return, so a robot that reached the goal in one
    generation may have no descendant that does. `candidate()` (which `train` asks for its
    answer) is therefore the best scorer seen in any generation so far, by training return.
    """

    def __init__(
        self,
        population: np.ndarray,
        n_parents: int,
        sigma: float,
        rng: np.random.Generator,
        *,
        bounds,
        k: int = 15,
        threshold: float = 0.05,
        patience: int = 5,
        n_elite: int = 1,
    ) -> None:
        self.ga = GA(population, n_parents, sigma, rng, n_elite)
        self.low, self.high = _check_bounds(bounds, "bounds")
        _check_count("k", k)
        _check_count("patience", patience)
        _check_positive("threshold", threshold, 0.05)
        self.k, self.threshold, self.patience = int(k), float(threshold), int(patience)
        self.archive = np.zeros((0, len(self.low)))
        self.idle, self.observed = 0, None
        self.last_novelty = None
        self.best_params, self.best_score = None, -np.inf  # the best scorer so far

    @property
    def generation(self) -> int:
        return self.ga.generation

    def ask(self) -> np.ndarray:
        return self.ga.ask()

    def observe(self, descriptors: np.ndarray) -> None:
        """The asked population's descriptors, `(pop_size, n_episodes, size)`, before `tell`."""
        self.observed = _scaled(descriptors, self.low, self.high, len(self.ga.population))

    def tell(self, population: np.ndarray, fitness: np.ndarray) -> None:
        """Select on novelty (from the observed descriptors); `fitness` is not used to select."""
        if self.observed is None:
            raise RuntimeError(
                "tell needs the population's descriptors first: call observe(result.descriptors) "
                "in the fitness function, with evaluate(..., descriptor=...)."
            )
        scores = novelty(self.observed, self.archive, self.k)
        fitness = np.asarray(fitness, dtype=float)
        i = int(np.argmax(fitness))
        if fitness[i] > self.best_score:  # the answer's candidate: remembered, never selected on
            self.best_params, self.best_score = (
                np.array(population[i], dtype=float),
                float(fitness[i]),
            )
        self.ga.tell(population, scores)
        novel = scores > self.threshold
        self.archive = np.concatenate([self.archive, self.observed[novel]])
        if novel.sum() > 4:
            self.threshold *= 1.2
        self.idle = 0 if novel.any() else self.idle + 1
        if self.idle >= self.patience:
            self.threshold *= 0.95
            self.idle = 0
        self.last_novelty, self.observed = scores, None

    def candidate(self) -> tuple[np.ndarray, float]:
        """`train`'s answer candidate: the best training scorer of all generations so far."""
        return self.best_params.copy(), self.best_score

    def state(self) -> dict:
        return {
            **{f"ga_{k}": v for k, v in self.ga.state().items()},
            "archive": self.archive.copy(),
            "threshold": self.threshold,
            "idle": self.idle,
            "best_params": self.best_params.copy(),
            "best_score": self.best_score,
        }

    def set_state(self, state: dict) -> None:
        self.ga.set_state({k[3:]: v for k, v in state.items() if k.startswith("ga_")})
        self.archive = np.array(state["archive"], dtype=float).reshape(-1, len(self.low))
        self.threshold, self.idle = float(state["threshold"]), int(state["idle"])
        self.best_params = np.array(state["best_params"], dtype=float)
        self.best_score = float(state["best_score"])


class GridArchive:
    """The descriptor space cut into a grid; each cell keeps its best individual.

    `dims` cells per dimension over `ranges` = (low, high); a descriptor outside the ranges
    counts in the nearest edge cell (as in pyribs). `add` takes a whole batch at once.
    `qd_offset` is subtracted from objectives in the QD score (the sum over filled cells), so
    that it grows with every cell filled: set it at or below the lowest possible return.
    """

    def __init__(self, n_params: int, dims, ranges, qd_offset: float = 0.0) -> None:
        _check_count("n_params", n_params)
        self.dims = tuple(int(d) for d in np.atleast_1d(dims))
        if any(d < 1 for d in self.dims):
            raise ValueError(f"dims must be >= 1 cells per dimension, e.g. (20, 20); got {dims!r}.")
        self.low, self.high = _check_bounds(ranges, "ranges")
        if len(self.low) != len(self.dims):
            raise ValueError(
                f"one range per dimension: dims {self.dims} but ranges for {len(self.low)}."
            )
        n_cells = int(np.prod(self.dims))
        self.n_params, self.qd_offset = int(n_params), float(qd_offset)
        self.params = np.zeros((n_cells, self.n_params))
        self.objective = np.full(n_cells, -np.inf)
        self.descriptors = np.zeros((n_cells, len(self.dims)))
        self.filled = np.zeros(n_cells, dtype=bool)

    @property
    def n_cells(self) -> int:
        return len(self.filled)

    def index_of(self, descriptors: np.ndarray) -> np.ndarray:
        """The cell (flat index) of each descriptor row."""
        d = np.asarray(descriptors, dtype=float).reshape(-1, len(self.dims))
        scaled = (d - self.low) / (self.high - self.low) * self.dims
        cells = np.clip(np.floor(scaled).astype(int), 0, np.array(self.dims) - 1)
        return np.ravel_multi_index(tuple(cells.T), self.dims)

    def add(self, params: np.ndarray, objective: np.ndarray, descriptors: np.ndarray) -> np.ndarray:
        """Insert a batch; returns per row 2 (a new cell), 1 (beat the cell's elite) or 0.

        Within a batch, the best of the rows landing in one cell competes for it.
        """
        params = np.asarray(params, dtype=float)
        objective = np.asarray(objective, dtype=float).reshape(-1)
        descriptors = np.asarray(descriptors, dtype=float).reshape(len(objective), -1)
        if params.shape != (len(objective), self.n_params) or descriptors.shape[1] != len(
            self.dims
        ):
            raise ValueError(
                f"add takes params (n, {self.n_params}), objective (n,) and descriptors "
                f"(n, {len(self.dims)}); got {params.shape}, {objective.shape} and "
                f"{descriptors.shape}."
            )
        cells = self.index_of(descriptors)
        order = np.lexsort((-objective, cells))  # by cell, best first within a cell
        firsts = order[np.unique(cells[order], return_index=True)[1]]  # each cell's best row
        status = np.zeros(len(objective), dtype=int)
        better = objective[firsts] > self.objective[cells[firsts]]
        winners = firsts[better]
        status[winners] = np.where(self.filled[cells[winners]], 1, 2)
        target = cells[winners]
        self.params[target], self.objective[target] = params[winners], objective[winners]
        self.descriptors[target], self.filled[target] = descriptors[winners], True
        return status

    def coverage(self) -> float:
        """The fraction of cells filled."""
        return float(self.filled.mean())

    def qd_score(self) -> float:
        """The sum over filled cells of (objective - qd_offset)."""
        return float(np.sum(self.objective[self.filled] - self.qd_offset))

    def best(self) -> tuple[np.ndarray, float]:
        """The params and objective of the best elite (an error if the archive is empty)."""
        if not self.filled.any():
            raise ValueError("The archive is empty: add individuals first.")
        i = int(np.argmax(np.where(self.filled, self.objective, -np.inf)))
        return self.params[i].copy(), float(self.objective[i])

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """`(n, n_params)`: elites drawn uniformly (with replacement) from the filled cells."""
        cells = np.flatnonzero(self.filled)
        return self.params[cells[rng.integers(len(cells), size=n)]]

    def heatmap(self) -> np.ndarray:
        """The objectives as a `dims`-shaped array, NaN where a cell is empty."""
        return np.where(self.filled, self.objective, np.nan).reshape(self.dims)

    def save(self, path, *, policy=None, env_id: str | None = None) -> None:
        """The filled cells to an .npz file (arrays only, no pickles), written atomically.

        With `policy` and `env_id`, the file also says how to rebuild the network, so that
        `nh.agents.load_agent(path, cell=...)` and `record --agent path --cell ...` can
        play any elite."""
        from pathlib import Path

        from ._files import atomic_path

        path = Path(path)
        if path.suffix != ".npz":
            raise ValueError(f"save an archive to an .npz file, e.g. 'archive.npz'; got {path}.")
        if (policy is None) != (env_id is None):
            raise ValueError("give both policy and env_id (to play the elites later), or neither.")
        keep = np.flatnonzero(self.filled)
        extra = {}
        if policy is not None:
            from .agents import OPTIONAL
            from .envs import env_spec

            env_spec(env_id)
            policy.check_params(self.params[:1])
            extra = {
                "layer_sizes": np.array(policy.layer_sizes),
                "hidden_activation": np.array(policy.hidden_activation),
                "output": np.array(policy.output),
                "env_id": np.array(env_id),
                **{k: np.array(getattr(policy, k)) for k in OPTIONAL
                   if getattr(policy, k) is not None},
            }  # fmt: skip
        with atomic_path(path) as tmp:
            np.savez(
                tmp,
                cells=keep,
                params=self.params[keep],
                objective=self.objective[keep],
                descriptors=self.descriptors[keep],
                dims=np.array(self.dims),
                low=self.low,
                high=self.high,
                qd_offset=np.array(self.qd_offset),
                **extra,
            )

    @classmethod
    def load(cls, path) -> GridArchive:
        """An archive saved by `save`, with a clear error for a file that is not one."""
        with np.load(path, allow_pickle=False) as data:
            needed = {"cells", "params", "objective", "descriptors", "dims", "low", "high"}
            if not needed <= set(data.files):
                raise ValueError(
                    f"{path} is not a saved GridArchive: it lacks "
                    f"{', '.join(sorted(needed - set(data.files)))}. Save one with archive.save()."
                )
            archive = cls(
                data["params"].shape[1],
                tuple(data["dims"]),
                (data["low"], data["high"]),
                float(data["qd_offset"]) if "qd_offset" in data.files else 0.0,
            )
            cells = data["cells"]
            archive.params[cells], archive.objective[cells] = data["params"], data["objective"]
            archive.descriptors[cells], archive.filled[cells] = data["descriptors"], True
        return archive


class MapElites:
    """MAP-Elites with Gaussian variation (Mouret & Clune 2015; pyribs' GaussianEmitter).

    Each generation asks for `batch_size` individuals: elites drawn uniformly from the
    archive, each plus N(0, sigma^2) noise on every parameter (while the archive is empty,
    `x0` plus that noise). `tell` adds them with their returns and observed descriptors.
    """

    def __init__(
        self,
        archive: GridArchive,
        x0: np.ndarray,
        sigma: float,
        batch_size: int,
        rng: np.random.Generator,
    ) -> None:
        if not isinstance(archive, GridArchive):
            raise TypeError(f"archive must be a GridArchive; got {type(archive).__name__}.")
        x0 = np.asarray(x0, dtype=float)
        if x0.shape != (archive.n_params,) or not np.all(np.isfinite(x0)):
            raise ValueError(
                f"x0 must be one finite params vector of the archive's size ({archive.n_params},);"
                f" got shape {x0.shape}."
            )
        _check_positive("sigma", sigma, 0.1)
        _check_count("batch_size", batch_size)
        self.archive, self.x0, self.sigma = archive, x0, float(sigma)
        self.batch_size, self.rng = int(batch_size), rng
        self.generation, self.observed, self._asked = 0, None, None

    def ask(self) -> np.ndarray:
        if self.archive.filled.any():
            parents = self.archive.sample(self.batch_size, self.rng)
        else:
            parents = np.broadcast_to(self.x0, (self.batch_size, len(self.x0)))
        noise = self.rng.normal(size=parents.shape)
        self._asked = parents + self.sigma * noise
        return self._asked.copy()

    def observe(self, descriptors: np.ndarray) -> None:
        """The asked batch's descriptors, `(batch_size, n_episodes, size)`, before `tell`."""
        d = np.asarray(descriptors, dtype=float)
        self.observed = d.mean(axis=1) if d.ndim == 3 else d

    def tell(self, population: np.ndarray, fitness: np.ndarray) -> np.ndarray:
        """Add the batch to the archive; returns `GridArchive.add`'s status per row."""
        if self._asked is None:
            raise RuntimeError("tell before ask: call ask() first, then evaluate what it gave.")
        population, fitness = _told(population, fitness, *self._asked.shape)
        if self.observed is None or len(self.observed) != len(population):
            raise RuntimeError(
                "tell needs the batch's descriptors first: call observe(result.descriptors) "
                "in the fitness function, with evaluate(..., descriptor=...)."
            )
        status = self.archive.add(population, fitness, self.observed)
        self.generation += 1
        self.observed = None
        return status

    def candidate(self) -> tuple[np.ndarray, float]:
        """`train`'s answer candidate: the archive's best elite and its (training) return."""
        return self.archive.best()

    def state(self) -> dict:
        a = self.archive
        return {
            "params": a.params.copy(),
            "objective": a.objective.copy(),
            "descriptors": a.descriptors.copy(),
            "filled": a.filled.copy(),
            "generation": self.generation,
            "rng_state": self.rng.bit_generator.state,
        }

    def set_state(self, state: dict) -> None:
        a = self.archive
        a.params[:], a.objective[:] = state["params"], state["objective"]
        a.descriptors[:], a.filled[:] = state["descriptors"], np.asarray(state["filled"], bool)
        self.generation = int(state["generation"])
        self.rng.bit_generator.state = state["rng_state"]

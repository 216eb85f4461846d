"""A reference genetic algorithm with an `ask()` / `tell(population, fitness)` interface.

Truncation selection with elitism, after Such et al. (2017), "Deep Neuroevolution": the
`n_parents` fittest individuals become parents; the next population is the `n_elite`
fittest, unchanged, plus children, each a uniformly chosen parent plus Gaussian noise of
standard deviation `sigma` on every parameter. Taught in 04_genetic_algorithm.

To choose the elite the way that paper does (re-evaluate the top candidates on extra
episodes so a lucky score cannot win), pass the chosen indices as `tell(..., elite=...)`;
`train(..., reevaluate_fn=...)` does this for you. To try other variation operators,
subclass and override `breed` (05_mutation_and_crossover).
"""

from __future__ import annotations

import numpy as np

from .network import _check_count, _check_positive


class GA:
    """Truncation-selection GA; all state is explicit, so a run can be saved and resumed."""

    def __init__(
        self,
        population: np.ndarray,
        n_parents: int,
        sigma: float,
        rng: np.random.Generator,
        n_elite: int = 1,
    ) -> None:
        population = np.array(population, dtype=float)  # a copy: the caller's array stays
        if population.ndim != 2 or not np.all(np.isfinite(population)):
            raise ValueError(
                f"population must be a finite 2-D array (pop_size, n_params); got shape "
                f"{population.shape}. Make one with policy.init_params(rng, pop_size)."
            )
        _check_count("n_parents", n_parents)
        if n_parents > len(population) or not 0 <= n_elite < len(population):
            raise ValueError(
                f"need 1 <= n_parents <= pop_size and 0 <= n_elite < pop_size; got "
                f"n_parents={n_parents}, n_elite={n_elite}, pop_size={len(population)}."
            )
        _check_positive("sigma", sigma, 0.02)
        self.population, self.rng = population, rng
        self.n_parents, self.sigma, self.n_elite = int(n_parents), float(sigma), int(n_elite)
        self.generation = 0

    def ask(self) -> np.ndarray:
        """The population to evaluate now, `(pop_size, n_params)`."""
        return self.population.copy()

    def tell(
        self, population: np.ndarray, fitness: np.ndarray, elite: np.ndarray | None = None
    ) -> None:
        """Select on `fitness` (higher is better) and breed the next population.

        `elite`: indices of the `n_elite` individuals to carry over unmutated; by default
        the fittest. Parents are always the `n_parents` fittest by `fitness`.
        """
        population, fitness = np.asarray(population, dtype=float), np.asarray(fitness, dtype=float)
        if population.shape != self.population.shape or fitness.shape != (len(population),):
            raise ValueError(
                f"tell expects the asked population {self.population.shape} and one fitness "
                f"per individual ({len(self.population)},); "
                f"got {population.shape} and {fitness.shape}."
            )
        order = np.argsort(-fitness, kind="stable")  # best first; ties keep their order
        elite = order[: self.n_elite] if elite is None else self._check_elite(elite)
        parents = population[order[: self.n_parents]]  # (n_parents, n_params)
        children = self.breed(parents, len(population) - self.n_elite)
        self.population = np.concatenate([population[elite], children])
        self.generation += 1

    def breed(self, parents: np.ndarray, n_children: int) -> np.ndarray:
        """`(n_children, n_params)`: each a uniformly chosen parent plus N(0, sigma^2) noise."""
        picks = self.rng.integers(len(parents), size=n_children)
        noise = self.rng.normal(size=(n_children, parents.shape[1]))
        return parents[picks] + self.sigma * noise  # one vectorised add for all children

    def _check_elite(self, elite) -> np.ndarray:
        elite = np.asarray(elite)
        pop_size = len(self.population)
        ok = elite.dtype.kind in "iu" and elite.shape == (self.n_elite,)
        if not ok or np.any((elite < 0) | (elite >= pop_size)):
            raise ValueError(
                f"elite must hold the indices of the {self.n_elite} individual(s) to keep, each "
                f"in [0, {pop_size}); got {elite!r}."
            )
        return elite

    def state(self) -> dict:
        """Everything needed to resume: arrays and plain numbers, no pickles."""
        return {
            "population": self.population.copy(),
            "n_parents": self.n_parents,
            "sigma": self.sigma,
            "n_elite": self.n_elite,
            "generation": self.generation,
            "rng_state": self.rng.bit_generator.state,
        }

    def set_state(self, state: dict) -> None:
        """Continue exactly where `state()` was taken (the rng is updated in place)."""
        self.population = np.array(state["population"], dtype=float)
        self.n_parents, self.sigma = int(state["n_parents"]), float(state["sigma"])
        self.n_elite, self.generation = int(state["n_elite"]), int(state["generation"])
        self.rng.bit_generator.state = state["rng_state"]

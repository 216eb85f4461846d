"""A reference OpenAI-style evolution strategy with the GA's `ask()` / `tell()` interface.

After Salimans et al. (2017), "Evolution Strategies as a Scalable Alternative to
Reinforcement Learning": the search distribution is N(center, sigma^2 I). Each generation
samples `pop_size` points around `center`, and the fitness-weighted sum of their noise
estimates the gradient of the expected fitness; `center` moves up that gradient. The tricks,
each switchable so that a notebook can measure what it changes: mirrored sampling (every
noise vector is tried as +eps and -eps), centred-rank fitness shaping, Adam, and weight
decay. Taught in 06_evolution_strategies.
"""

from __future__ import annotations

import numpy as np

from .network import _check_count


def _chi2_two_sided(x: float, df: int) -> float:
    """Two-sided p-value of x under a chi-squared law with `df` degrees of freedom."""
    from scipy import stats  # imported here: `import neuroevo_helpers` stays light

    return float(min(1.0, 2 * min(stats.chi2.sf(x, df), stats.chi2.cdf(x, df))))


def centered_ranks(fitness: np.ndarray) -> np.ndarray:
    """Fitness replaced by its rank, scaled to [-0.5, 0.5] (the worst gets -0.5).

    Equal fitness gets an equal rank, the average of the ranks it spans: with discrete
    returns (CartPole's many 500s) ties are common, and ranking them by position would push
    the center in a random direction.
    """
    fitness = np.asarray(fitness, dtype=float)
    ranks = np.empty(len(fitness))
    ranks[np.argsort(fitness, kind="stable")] = np.arange(len(fitness))
    _, tie_group, group_size = np.unique(fitness, return_inverse=True, return_counts=True)
    ranks = (np.bincount(tie_group, weights=ranks) / group_size)[tie_group]  # ties: the average
    return ranks / max(len(fitness) - 1, 1) - 0.5


class Adam:
    """Adam (Kingma & Ba, 2015) for *ascent*: `step(gradient)` returns the change to apply."""

    def __init__(self, n_params: int, lr: float, beta1: float = 0.9, beta2: float = 0.999):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, 1e-8
        self.m, self.v, self.t = np.zeros(n_params), np.zeros(n_params), 0

    def step(self, gradient: np.ndarray) -> np.ndarray:
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * gradient
        self.v = self.beta2 * self.v + (1 - self.beta2) * gradient**2
        m_hat = self.m / (1 - self.beta1**self.t)  # bias correction: the first steps
        v_hat = self.v / (1 - self.beta2**self.t)
        return self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class ES:
    """OpenAI-ES; all state is explicit, so a run can be saved and resumed like the GA's."""

    def __init__(
        self,
        center: np.ndarray,
        pop_size: int,
        sigma: float,
        lr: float,
        rng: np.random.Generator,
        *,
        mirrored: bool = True,
        rank_shaping: bool = True,
        adam: bool = True,
        weight_decay: float = 0.0,
    ) -> None:
        center = np.array(center, dtype=float)  # a copy: the caller's array stays
        if center.ndim != 1 or not np.all(np.isfinite(center)):
            raise ValueError(
                f"center must be one finite parameter vector (n_params,); got shape "
                f"{center.shape}. Make one with policy.init_params(rng)."
            )
        _check_count("pop_size", pop_size)
        if mirrored and pop_size % 2:
            raise ValueError(
                f"mirrored sampling evaluates each noise vector as +eps and -eps, so pop_size "
                f"must be even; got {pop_size}. Use {pop_size + 1}, or mirrored=False."
            )
        for name, value in (("sigma", sigma), ("lr", lr)):
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, e.g. 0.1; got {value!r}.")
        if not (np.isfinite(weight_decay) and weight_decay >= 0):
            raise ValueError(f"weight_decay must be >= 0, e.g. 0.005; got {weight_decay!r}.")
        self.center, self.rng = center, rng
        self.pop_size, self.sigma, self.lr = int(pop_size), float(sigma), float(lr)
        self.mirrored, self.rank_shaping, self.weight_decay = mirrored, rank_shaping, weight_decay
        self.optimizer = Adam(len(center), lr) if adam else None
        self.generation = 0

    def ask(self) -> np.ndarray:
        """`pop_size` samples around `center`, `(pop_size, n_params)`; mirrored: +eps, -eps."""
        n = self.pop_size // 2 if self.mirrored else self.pop_size
        eps = self.rng.normal(size=(n, len(self.center)))
        return self.center + self.sigma * (np.concatenate([eps, -eps]) if self.mirrored else eps)

    def tell(self, population: np.ndarray, fitness: np.ndarray) -> None:
        """Estimate the fitness gradient from `population` and step `center` up it.

        Each row's noise is read back from the row itself, `(row - center) / sigma`, so
        the rows may come in any order (with their fitness in the same order), and a worker
        may rebuild them from seeds. A population that cannot come from the current search
        distribution (one from an earlier generation, another ES's, rows that are not
        mirrored pairs) gets a clear error instead of a silent wrong step.
        """
        population, fitness = np.asarray(population, dtype=float), np.asarray(fitness, dtype=float)
        expected = (self.pop_size, len(self.center))
        if population.shape != expected or fitness.shape != expected[:1]:
            raise ValueError(
                f"tell expects a population like ask()'s {expected} and one fitness per "
                f"individual ({self.pop_size},); got {population.shape} and {fitness.shape}."
            )
        if not (np.all(np.isfinite(population)) and np.all(np.isfinite(fitness))):
            raise ValueError("tell got NaN or infinite values in the population or the fitness.")
        noise = (population - self.center) / self.sigma  # (pop_size, n_params)
        self._check_noise(noise)
        weights = centered_ranks(fitness) if self.rank_shaping else fitness - fitness.mean()
        gradient = weights @ noise / (self.pop_size * self.sigma)  # (n_params,)
        gradient -= self.weight_decay * self.center  # pulls the parameters toward 0
        step = self.optimizer.step(gradient) if self.optimizer else self.lr * gradient
        self.center = self.center + step
        self.generation += 1

    def _check_noise(self, noise: np.ndarray) -> None:
        """Could these rows be this generation's samples, N(center, sigma^2 I)?"""
        hint = (
            " Pass the population from this generation's ask() (rows in any order, the fitness "
            "in the same order), before the center or sigma change."
        )
        if self.mirrored:
            # +eps and -eps pair up: sorted by their first number, row k and row n-1-k are
            # a pair (rounding in (row - center) / sigma allows a tiny mismatch)
            order = np.argsort(noise[:, 0], kind="stable")
            gap = np.abs(noise[order] + noise[order[::-1]]).max()
            if gap > 1e-6 * max(1.0, np.abs(noise).max()):
                raise ValueError(
                    "tell got rows that are not mirrored pairs (center + sigma * eps and "
                    f"center - sigma * eps): the closest pairing is off by {gap:.3g} sigma." + hint
                )
            noise = noise[order[len(noise) // 2 :]]  # one of each pair: the independent draws
        # the sum of squares of independent N(0, 1) numbers follows a chi-squared law
        df, total = noise.size, float(np.sum(noise**2))
        p = _chi2_two_sided(total, df)
        if p < 1e-9:
            raise ValueError(
                f"tell got rows that do not look like samples from N(center, sigma^2 I): "
                f"their noise has a mean square of {total / df:.3g} where about 1 is expected "
                f"(p = {p:.1g})." + hint
            )

    def state(self) -> dict:
        """Everything needed to resume: arrays and plain numbers, no pickles."""
        state = {
            "center": self.center.copy(),
            "generation": self.generation,
            "rng_state": self.rng.bit_generator.state,
        }
        if self.optimizer is not None:
            state |= {"adam_m": self.optimizer.m, "adam_v": self.optimizer.v}
            state["adam_t"] = self.optimizer.t
        return state

    def set_state(self, state: dict) -> None:
        """Continue exactly where `state()` was taken (the rng is updated in place)."""
        self.center = np.array(state["center"], dtype=float)
        self.generation = int(state["generation"])
        self.rng.bit_generator.state = state["rng_state"]
        if self.optimizer is not None:
            self.optimizer.m = np.array(state["adam_m"], dtype=float)
            self.optimizer.v = np.array(state["adam_v"], dtype=float)
            self.optimizer.t = int(state["adam_t"])

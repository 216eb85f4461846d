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

from .network import _check_count, _check_positive


def _chi2_upper(x: float, df: int) -> float:
    """P(chi-squared with `df` degrees of freedom > x)."""
    from scipy import stats

    return float(stats.chi2.sf(x, df))


def _mirror_gap(noise: np.ndarray, tolerance: float) -> tuple[float, np.ndarray]:
    """How far the rows are from pairing up as +eps and -eps (the largest mismatch of a
    number, in sigma), and an order in which row k pairs with row n-1-k.

    Sorted by their projection on a fixed random direction, mirrored rows sit symmetrically;
    where two projections are too close to order reliably, each row is matched with its
    nearest mirror instead.
    """
    direction = np.random.default_rng(20170310).standard_normal(noise.shape[1])
    order = np.argsort(noise @ direction, kind="stable")
    gap = float(np.abs(noise[order] + noise[order[::-1]]).max(initial=0.0))
    if gap <= tolerance:
        return gap, order
    # every row's nearest mirror: |a + b|^2 = |a|^2 + |b|^2 + 2 a.b, for all pairs at once
    squares = np.sum(noise**2, axis=1)
    distance = squares[:, None] + squares[None, :] + 2 * noise @ noise.T
    nearest = np.argmin(distance, axis=1)
    gap = float(np.abs(noise + noise[nearest]).max(initial=0.0))
    mutual = np.array_equal(nearest[nearest], np.arange(len(noise)))
    if gap > tolerance or not mutual:
        return max(gap, tolerance * 2), order
    pairs = np.unique(np.sort(np.stack([np.arange(len(noise)), nearest], axis=1), axis=1), axis=0)
    return gap, np.concatenate([pairs[:, 0], pairs[::-1, 1]])


def _chi2_two_sided(x: float, df: int) -> float:
    """Two-sided p-value of x under a chi-squared law with `df` degrees of freedom."""
    from scipy import stats  # imported here: `import neuroevo_helpers` stays light

    return float(min(1.0, 2 * min(stats.chi2.sf(x, df), stats.chi2.cdf(x, df))))


def _told(population, fitness, pop_size: int, n_params: int) -> tuple[np.ndarray, np.ndarray]:
    """What `tell` was given, as float arrays, checked: a population like ask()'s and one
    finite fitness per row (ES, CMA-ES and ARS share this check)."""
    population, fitness = np.asarray(population, dtype=float), np.asarray(fitness, dtype=float)
    expected = (pop_size, n_params)
    if population.shape != expected or fitness.shape != expected[:1]:
        raise ValueError(
            f"tell expects a population like ask()'s {expected} and one fitness per "
            f"individual ({pop_size},); got {population.shape} and {fitness.shape}."
        )
    if not (np.all(np.isfinite(population)) and np.all(np.isfinite(fitness))):
        raise ValueError("tell got NaN or infinite values in the population or the fitness.")
    return population, fitness


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
        _check_positive("sigma", sigma, 0.1)
        _check_positive("lr", lr, 0.1)
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
        given = np.asarray(population)
        precision = np.finfo(given.dtype if given.dtype.kind == "f" else float).eps
        population, fitness = _told(population, fitness, self.pop_size, len(self.center))
        noise = (population - self.center) / self.sigma  # (pop_size, n_params)
        self._check_noise(noise, self._rounding(precision, noise))
        weights = centered_ranks(fitness) if self.rank_shaping else fitness - fitness.mean()
        gradient = weights @ noise / (self.pop_size * self.sigma)  # (n_params,)
        gradient -= self.weight_decay * self.center  # pulls the parameters toward 0
        step = self.optimizer.step(gradient) if self.optimizer else self.lr * gradient
        self.center = self.center + step
        self.generation += 1

    def _check_noise(self, noise: np.ndarray, tolerance: float) -> None:
        """Could these rows be this generation's samples, N(center, sigma^2 I)?

        `tolerance`: how far (in sigma) rounding may move a number of `noise`, from the
        precision the population came in (float32 rows round more than float64 ones).
        """
        hint = (
            " Pass the population from this generation's ask() (rows in any order, the fitness "
            "in the same order), before the center or sigma change."
        )
        if self.mirrored:
            gap, order = _mirror_gap(noise, tolerance)
            if gap > tolerance:
                raise ValueError(
                    "tell got rows that are not mirrored pairs (center + sigma * eps and "
                    f"center - sigma * eps): paired up as well as they can be, some still "
                    f"differ by {gap:.3g} sigma." + hint
                )
            noise = noise[order[len(noise) // 2 :]]  # one of each pair: the independent draws
        # the sum of squares of independent N(0, 1) numbers follows a chi-squared law: too
        # large or too small a spread means another sigma
        df, total = noise.size, float(np.sum(noise**2))
        p = _chi2_two_sided(total, df)
        if p < 1e-9:
            raise ValueError(
                f"tell got rows that do not look like samples from N(center, sigma^2 I): "
                f"their noise has a mean square of {total / df:.3g} where about 1 is expected "
                f"(p = {p:.1g})." + hint
            )
        if not self.mirrored:  # a shifted center: the rows' mean drifts away from it
            shift = noise.sum(axis=0) / np.sqrt(len(noise))  # each N(0, 1) if centred here
            p = _chi2_upper(float(np.sum(shift**2)), noise.shape[1])
            if p < 1e-9:
                raise ValueError(
                    "tell got rows centred somewhere else than the current center (p = "
                    f"{p:.1g}): a population from an earlier generation?" + hint
                )

    def _rounding(self, precision: float, noise: np.ndarray) -> float:
        """How far rounding can move a number of (row - center) / sigma, in sigma: the
        precision the rows came in (its machine epsilon), times the size of the numbers."""
        size = np.abs(self.center).max(initial=0.0) + self.sigma * np.abs(noise).max(initial=0.0)
        return 16 * precision * size / self.sigma + 1e-12

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

"""CMA-ES with the GA's `ask()` / `tell()` interface, after Hansen's tutorial.

N. Hansen (2016), "The CMA Evolution Strategy: A Tutorial" (arXiv:1604.00772). The search
distribution is N(center, sigma^2 C). Each generation, the best half of the samples moves
the center (weighted recombination); two evolution paths remember where the recent steps
went: one sets sigma (cumulative step-size adaptation), the other stretches C along
successful steps (the rank-one update), and the spread of this generation's good and bad
samples reshapes it further (the rank-mu update, with negative "active" weights for the
worst). C is decomposed as B diag(D^2) B^T only every few generations, so a generation
costs O(n^2) rather than O(n^3).

Full C needs n^2 numbers: a 1,500-parameter network needs 2.25M. `SepCMAES` keeps only
the diagonal (Ros & Hansen 2008), O(n) per sample, for networks with thousands of
parameters. Taught in 10_cma_es_and_ars. Fitness is *maximised*, as everywhere in the
course (the tutorial minimises).
"""

from __future__ import annotations

import numpy as np

from .es import _told
from .network import _check_count, _check_positive


def default_pop_size(n_params: int) -> int:
    """The tutorial's population size, 4 + floor(3 ln n): 17 for 100 parameters."""
    return 4 + int(3 * np.log(n_params))


class CMAES:
    """CMA-ES; all state is explicit, so a run can be saved and resumed like the GA's.

    `pop_size` None: the tutorial's default. `active=False` drops the negative weights (the
    worst samples then play no part in the covariance update), as the tutorial's basic
    algorithm and 10_cma_es_and_ars's from-scratch version do.
    """

    diagonal = False  # SepCMAES: True

    def __init__(
        self,
        center: np.ndarray,
        sigma: float,
        rng: np.random.Generator,
        pop_size: int | None = None,
        *,
        active: bool = True,
    ) -> None:
        center = np.array(center, dtype=float)  # a copy: the caller's array stays
        if center.ndim != 1 or center.size < 2 or not np.all(np.isfinite(center)):
            raise ValueError(
                f"center must be one finite parameter vector (n_params,) with n_params >= 2; "
                f"got shape {center.shape}. Make one with policy.init_params(rng)."
            )
        _check_positive("sigma", sigma, 0.5)
        n = center.size
        pop_size = default_pop_size(n) if pop_size is None else pop_size
        _check_count("pop_size", pop_size)
        if pop_size < 4:
            raise ValueError(
                f"pop_size must be >= 4 (the best half moves the center); got {pop_size}."
            )
        self.center, self.sigma, self.rng = center, float(sigma), rng
        self.active = bool(active) and not self.diagonal
        self.pop_size, self.generation = int(pop_size), 0
        self._set_constants(n)
        self.p_sigma, self.p_c = np.zeros(n), np.zeros(n)
        if self.diagonal:
            self.C = np.ones(n)  # the diagonal of C
        else:
            self.C, self.B = np.eye(n), np.eye(n)
        self.D = np.ones(n)  # square roots of C's eigenvalues
        self.decomposed_at = 0  # generation of the last eigendecomposition

    # -- the constants of the tutorial's Table 1 ------------------------------------
    def _set_constants(self, n: int) -> None:
        lam = self.pop_size
        self.mu = lam // 2
        raw = np.log((lam + 1) / 2) - np.log(np.arange(1, lam + 1))  # w'_i, decreasing
        pos, neg = raw[raw > 0], raw[raw < 0]
        self.mu_eff = pos.sum() ** 2 / (pos**2).sum()
        mu_eff_neg = neg.sum() ** 2 / (neg**2).sum() if neg.size else 0.0
        self.c_c = (4 + self.mu_eff / n) / (n + 4 + 2 * self.mu_eff / n)
        self.c_sigma = (self.mu_eff + 2) / (n + self.mu_eff + 5)
        self.d_sigma = 1 + 2 * max(0.0, np.sqrt((self.mu_eff - 1) / (n + 1)) - 1) + self.c_sigma
        c1 = 2 / ((n + 1.3) ** 2 + self.mu_eff)
        c_mu = min(1 - c1, 2 * (self.mu_eff - 2 + 1 / self.mu_eff) / ((n + 2) ** 2 + self.mu_eff))
        if self.diagonal:  # Ros & Hansen: a diagonal C can learn (n + 2) / 3 times faster
            c1 *= (n + 2) / 3
            c_mu = min(1 - c1, c_mu * (n + 2) / 3)
        self.c1, self.c_mu = c1, c_mu
        weights = np.where(raw > 0, raw / pos.sum(), 0.0)
        if self.active and neg.size:  # active CMA: the worst samples shrink C
            scale = min(
                1 + c1 / c_mu,  # alpha_mu^-
                1 + 2 * mu_eff_neg / (self.mu_eff + 2),  # alpha_mu_eff^-
                (1 - c1 - c_mu) / (n * c_mu),  # alpha_posdef^-
            )
            weights = np.where(raw < 0, raw * scale / -neg.sum(), weights)
        self.weights = weights  # (pop_size,): positive for the best mu, sum of those = 1
        self.chi_n = np.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n**2))  # E||N(0, I)||
        # decompose C every this many generations: O(n^3) once per O(n) generations
        self.decompose_every = max(1, int(1 / ((c1 + c_mu) * n * 10)))

    # -- ask / tell ---------------------------------------------------------------
    def ask(self) -> np.ndarray:
        """`pop_size` samples of N(center, sigma^2 C), `(pop_size, n_params)`."""
        z = self.rng.standard_normal((self.pop_size, self.center.size))
        y = z * self.D if self.diagonal else (z * self.D) @ self.B.T  # ~ N(0, C)
        return self.center + self.sigma * y

    def tell(self, population: np.ndarray, fitness: np.ndarray) -> None:
        """Update center, sigma, C and both paths from this generation's samples.

        Rows may come in any order (their fitness in the same order): each sample's step
        is read back from the row, `(row - center) / sigma`.
        """
        population, fitness = _told(population, fitness, self.pop_size, self.center.size)
        n = self.center.size
        order = np.argsort(-fitness, kind="stable")  # best first
        y = (population[order] - self.center) / self.sigma  # (pop_size, n), ~ N(0, C)
        y_w = self.weights[: self.mu] @ y[: self.mu]  # the weighted mean step
        self.center = self.center + self.sigma * y_w  # c_m = 1

        inv_sqrt_y_w = self._inv_sqrt_C(y_w)
        self.p_sigma = (1 - self.c_sigma) * self.p_sigma + np.sqrt(
            self.c_sigma * (2 - self.c_sigma) * self.mu_eff
        ) * inv_sqrt_y_w
        norm = np.linalg.norm(self.p_sigma)
        # h_sigma stalls the rank-one update while p_sigma is long (sigma is about to grow)
        fade = np.sqrt(1 - (1 - self.c_sigma) ** (2 * (self.generation + 1)))
        h_sigma = float(norm / fade < (1.4 + 2 / (n + 1)) * self.chi_n)
        self.p_c = (1 - self.c_c) * self.p_c + h_sigma * np.sqrt(
            self.c_c * (2 - self.c_c) * self.mu_eff
        ) * y_w

        weights = self.weights.copy()
        if np.any(weights < 0):  # the tutorial's w°: negative steps rescaled to length sqrt(n)
            bad = weights < 0
            weights[bad] *= n / np.maximum(np.sum(self._inv_sqrt_C(y[bad]) ** 2, axis=1), 1e-300)
        lost = (1 - h_sigma) * self.c_c * (2 - self.c_c)
        keep = 1 + self.c1 * lost - self.c1 - self.c_mu * self.weights.sum()
        if self.diagonal:
            self.C = keep * self.C + self.c1 * self.p_c**2 + self.c_mu * (weights @ y**2)
        else:
            rank_mu = (y * weights[:, None]).T @ y  # sum_i w_i y_i y_i^T
            self.C = keep * self.C + self.c1 * np.outer(self.p_c, self.p_c) + self.c_mu * rank_mu
        self.sigma *= np.exp((self.c_sigma / self.d_sigma) * (norm / self.chi_n - 1))
        self.generation += 1
        if self.diagonal:
            self.D = np.sqrt(self.C)
        elif self.generation - self.decomposed_at >= self.decompose_every:
            self._decompose()
        if not (np.all(np.isfinite(self.center)) and np.isfinite(self.sigma)):
            raise FloatingPointError(
                "CMA-ES diverged (a non-finite center or sigma): start with a smaller sigma."
            )

    def _inv_sqrt_C(self, v: np.ndarray) -> np.ndarray:
        """C^(-1/2) v for a vector or for rows, from the latest decomposition."""
        if self.diagonal:
            return v / self.D
        return ((v @ self.B) / self.D) @ self.B.T

    def _decompose(self) -> None:
        """C = B diag(D^2) B^T (the O(n^3) part), after making C exactly symmetric."""
        self.C = (self.C + self.C.T) / 2
        eigenvalues, self.B = np.linalg.eigh(self.C)
        self.D = np.sqrt(np.maximum(eigenvalues, 1e-20))
        self.decomposed_at = self.generation

    @property
    def condition(self) -> float:
        """C's condition number, (largest / smallest axis length)^2 of the search ellipsoid."""
        return float((self.D.max() / self.D.min()) ** 2)

    # -- checkpoints --------------------------------------------------------------
    def state(self) -> dict:
        """Everything needed to resume: arrays and plain numbers, no pickles."""
        state = {
            "center": self.center.copy(),
            "sigma": self.sigma,
            "C": self.C.copy(),
            "D": self.D.copy(),
            "p_sigma": self.p_sigma.copy(),
            "p_c": self.p_c.copy(),
            "generation": self.generation,
            "decomposed_at": self.decomposed_at,
            "rng_state": self.rng.bit_generator.state,
        }
        if not self.diagonal:
            state["B"] = self.B.copy()
        return state

    def set_state(self, state: dict) -> None:
        """Continue exactly where `state()` was taken (the rng is updated in place)."""
        for key in ("center", "C", "D", "p_sigma", "p_c") + (() if self.diagonal else ("B",)):
            setattr(self, key, np.array(state[key], dtype=float))
        if self.center.size != self.p_c.size or self.C.shape[0] != self.center.size:
            raise ValueError("set_state got arrays of different sizes: is it this strategy's?")
        self._set_constants(self.center.size)
        self.sigma = float(state["sigma"])
        self.generation, self.decomposed_at = int(state["generation"]), int(state["decomposed_at"])
        self.rng.bit_generator.state = state["rng_state"]


class SepCMAES(CMAES):
    """sep-CMA-ES (Ros & Hansen 2008): CMA-ES with a diagonal C, O(n) memory and time per
    sample, for networks too big for a full n x n covariance. It learns each parameter's
    scale but not correlations between parameters; no negative weights."""

    diagonal = True

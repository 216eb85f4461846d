"""Augmented Random Search (ARS) with the GA's `ask()` / `tell()` interface.

After Mania, Guy & Recht (2018), "Simple random search provides a competitive approach to
reinforcement learning". Each generation tries `n_directions` random directions delta, each
as theta + noise * delta and theta - noise * delta, and steps along the `n_top` directions
whose better side scored best ("-t"), each weighted by the difference of its two returns,
the whole step divided by the standard deviation of those 2 * n_top returns:

    theta += step_size / (n_top * sigma_R) * sum_k (r_k+ - r_k-) delta_k

V2 also normalises observations by their running mean and standard deviation over every
state seen so far. Here that normalisation is folded into the network's first layer, so
the rows `ask()` returns, and `center`, are ordinary parameters of the *un*-normalised
policy: `train`, `evaluate`, agent files and `record` use them as they are. Taught in
10_cma_es_and_ars.
"""

from __future__ import annotations

import numpy as np

from .es import _mirror_gap, _told
from .network import MLP, _check_count, _check_positive


class RunningStats:
    """Mean and standard deviation of observations, merged batch by batch (Chan et al.).

    `update(moments)` takes the `(3, n_obs)` count, sum and sum of squares that
    `nh.evaluate` returns as `Evaluation.obs_moments`. Before any data: mean 0, std 1.
    """

    def __init__(self, n_obs: int, min_std: float = 1e-2) -> None:
        self.count, self.min_std = 0.0, float(min_std)
        self.mean, self.m2 = np.zeros(n_obs), np.zeros(n_obs)

    def update(self, moments: np.ndarray) -> None:
        moments = np.asarray(moments, dtype=float)
        if moments.shape != (3, self.mean.size):
            raise ValueError(
                f"moments must be (3, {self.mean.size}): count, sum and sum of squares per "
                f"observation, as in nh.evaluate(...).obs_moments; got shape {moments.shape}."
            )
        count = float(moments[0, 0])
        if count <= 0:
            return
        mean = moments[1] / count
        m2 = np.maximum(moments[2] - count * mean**2, 0.0)
        total = self.count + count
        delta = mean - self.mean
        self.mean = self.mean + delta * count / total
        self.m2 = self.m2 + m2 + delta**2 * self.count * count / total
        self.count = total

    @property
    def std(self) -> np.ndarray:
        if self.count < 2:
            return np.ones_like(self.mean)
        return np.maximum(np.sqrt(self.m2 / self.count), self.min_std)


class ARS:
    """ARS V1-t (`policy=None`) or V2-t (`policy=` the MLP, to normalise its observations).

    With V2, whoever evaluates the population passes the observations' moments to
    `observe()` before `tell()` (`recipes.build` does); they shape the next generation.
    """

    def __init__(
        self,
        center: np.ndarray,
        n_directions: int,
        n_top: int,
        step_size: float,
        noise: float,
        rng: np.random.Generator,
        *,
        policy: MLP | None = None,
    ) -> None:
        theta = np.array(center, dtype=float)  # a copy: the caller's array stays
        if theta.ndim != 1 or not np.all(np.isfinite(theta)):
            raise ValueError(
                f"center must be one finite parameter vector (n_params,); got shape "
                f"{theta.shape}. Make one with np.zeros(policy.n_params) or "
                "policy.init_params(rng)."
            )
        _check_count("n_directions", n_directions)
        _check_count("n_top", n_top)
        if n_top > n_directions:
            raise ValueError(
                f"n_top keeps the best of the n_directions directions, so it must be <= "
                f"n_directions={n_directions}; got {n_top}."
            )
        _check_positive("step_size", step_size, 0.02)
        _check_positive("noise", noise, 0.03)
        if policy is not None:
            if not isinstance(policy, MLP) or policy.n_params != theta.size:
                raise ValueError(
                    "policy must be the MLP whose parameters center holds (for V2's "
                    "observation normalisation), or None for V1."
                )
            if policy.obs_mean is not None:
                raise ValueError(
                    "ARS V2 normalises observations itself: give it a policy without "
                    "obs_mean/obs_std (e.g. policy_for_env(env_id, normalize=False))."
                )
        self.theta, self.rng, self.policy = theta, rng, policy
        self.n_directions, self.n_top = int(n_directions), int(n_top)
        self.step_size, self.noise = float(step_size), float(noise)
        self.pop_size = 2 * self.n_directions
        n_obs = policy.layer_sizes[0] if policy is not None else 0
        self.stats, self._pending = RunningStats(n_obs), np.zeros((3, n_obs))
        self._asked = None  # the normalisation the last ask() used
        self.generation = 0

    # -- normalisation folded into the first layer ------------------------------------
    def _first_layer(self, params: np.ndarray):
        n_in, n_out = self.policy.layer_sizes[:2]
        W = params[..., : n_in * n_out].reshape(params.shape[:-1] + (n_in, n_out))
        return W, params[..., n_in * n_out : n_in * n_out + n_out], n_in * n_out + n_out

    def _fold(self, params: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
        """Parameters acting on normalised observations -> the same network on raw ones:
        ((x - mean) / std) @ W + b = x @ (W / std) + (b - (mean / std) @ W)."""
        if self.policy is None:
            return params.copy()
        W, b, end = self._first_layer(params)
        W_raw = W / std[:, None]
        b_raw = b - np.einsum("i,...io->...o", mean / std, W)
        flat = W_raw.reshape(params.shape[:-1] + (-1,))
        return np.concatenate([flat, b_raw, params[..., end:]], axis=-1)

    def _unfold(self, params: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
        if self.policy is None:
            return params
        W_raw, b_raw, end = self._first_layer(params)
        W = W_raw * std[:, None]
        b = b_raw + np.einsum("i,...io->...o", mean, W_raw)
        flat = W.reshape(params.shape[:-1] + (-1,))
        return np.concatenate([flat, b, params[..., end:]], axis=-1)

    @property
    def center(self) -> np.ndarray:
        """The current policy (theta with the current normalisation folded in)."""
        return self._fold(self.theta, self.stats.mean, self.stats.std)

    # -- ask / tell -----------------------------------------------------------------
    def ask(self) -> np.ndarray:
        """`2 * n_directions` rows: theta + noise * delta_k for each k, then theta - noise * delta_k
        (the same order; `tell` accepts any)."""
        delta = self.rng.standard_normal((self.n_directions, self.theta.size))
        rows = self.theta + self.noise * np.concatenate([delta, -delta])
        self._asked = (self.stats.mean.copy(), self.stats.std.copy())
        return self._fold(rows, *self._asked)

    def observe(self, obs_moments: np.ndarray | None) -> None:
        """Add the moments of the observations this generation's episodes saw (V2)."""
        if self.policy is not None and obs_moments is not None:
            self._pending = self._pending + np.asarray(obs_moments, dtype=float)

    def tell(self, population: np.ndarray, fitness: np.ndarray) -> None:
        """Step theta along the best directions; then update the normalisation (V2).

        Rows may come in any order (their fitness in the same order): they are paired up
        again as theta + noise * delta and theta - noise * delta.
        """
        population, fitness = _told(population, fitness, self.pop_size, self.theta.size)
        asked = self._asked or (self.stats.mean, self.stats.std)
        noise = (self._unfold(population, *asked) - self.theta) / self.noise
        size = np.abs(self.theta).max(initial=0.0) + self.noise * np.abs(noise).max(initial=0.0)
        gap, order = _mirror_gap(noise, 1e-6 * size / self.noise + 1e-9)
        if gap > 1e-6 * size / self.noise + 1e-9:
            raise ValueError(
                "tell got rows that are not pairs theta + noise * delta and theta - noise * "
                f"delta (some differ by {gap:.3g} noise): pass this generation's ask() rows."
            )
        plus, minus = order[: self.n_directions], order[::-1][: self.n_directions]
        r_plus, r_minus, delta = fitness[plus], fitness[minus], noise[plus]
        top = np.argsort(-np.maximum(r_plus, r_minus), kind="stable")[: self.n_top]
        sigma_r = np.concatenate([r_plus[top], r_minus[top]]).std()
        if sigma_r > 0:  # all returns equal: no direction is better, no step
            step = (r_plus[top] - r_minus[top]) @ delta[top]
            self.theta = self.theta + self.step_size / (self.n_top * sigma_r) * step
        if self.policy is not None:
            self.stats.update(self._pending)
            self._pending = np.zeros_like(self._pending)
        self._asked = None
        self.generation += 1

    # -- checkpoints -------------------------------------------------------------------
    def state(self) -> dict:
        """Everything needed to resume: arrays and plain numbers, no pickles."""
        return {
            "theta": self.theta.copy(),
            "stats_count": self.stats.count,
            "stats_mean": self.stats.mean.copy(),
            "stats_m2": self.stats.m2.copy(),
            "pending": self._pending.copy(),
            "generation": self.generation,
            "rng_state": self.rng.bit_generator.state,
        }

    def set_state(self, state: dict) -> None:
        """Continue exactly where `state()` was taken (the rng is updated in place)."""
        theta = np.array(state["theta"], dtype=float)
        if theta.shape != self.theta.shape:
            raise ValueError(f"set_state got theta {theta.shape}, this ARS has {self.theta.shape}.")
        self.theta = theta
        self.stats.count = float(state["stats_count"])
        self.stats.mean = np.array(state["stats_mean"], dtype=float)
        self.stats.m2 = np.array(state["stats_m2"], dtype=float)
        self._pending = np.array(state["pending"], dtype=float).reshape(self._pending.shape)
        self.generation = int(state["generation"])
        self.rng.bit_generator.state = state["rng_state"]

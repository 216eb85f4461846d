"""Activation functions and a NumPy MLP policy that runs a whole population at once.

Parameter layout (fixed; every notebook and saved agent relies on it): one individual
is one flat float vector `params`. For each layer in order it holds the weight matrix
`W` of shape `(n_in, n_out)` flattened row-major, then the bias `b` of shape `(n_out,)`.
A population is a 2-D array `(pop_size, n_params)`, one individual per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def relu(x: np.ndarray) -> np.ndarray:
    """max(0, x). Taught in 01_activation_functions."""
    return np.maximum(x, 0.0)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, squashing into (-1, 1). Taught in 01_activation_functions."""
    return np.tanh(x)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) without overflow for large |x|. Taught in 01_activation_functions."""
    z = np.exp(-np.abs(x))  # never overflows: exponent <= 0
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """exp(x) / sum(exp(x)), shifted by the max so it cannot overflow. Taught in 01."""
    z = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return z / np.sum(z, axis=axis, keepdims=True)


ACTIVATIONS = {"relu": relu, "tanh": tanh, "sigmoid": sigmoid}
OUTPUTS = ("argmax", "tanh")


@dataclass(frozen=True)
class MLP:
    """A fully connected policy network described by its shape; it holds no weights.

    `output="argmax"` picks a discrete action (the index of the largest output);
    `output="tanh"` squashes each output into (-1, 1) and scales it to
    `[action_low, action_high]` for continuous actions. With `obs_mean` and `obs_std`,
    observations are normalised, `(obs - obs_mean) / obs_std`, before the first layer.
    Taught in 02_numpy_network.
    """

    layer_sizes: tuple[int, ...]
    hidden_activation: str = "tanh"
    output: str = "argmax"
    action_low: tuple[float, ...] | None = None
    action_high: tuple[float, ...] | None = None
    obs_mean: tuple[float, ...] | None = None
    obs_std: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        sizes = tuple(int(n) for n in self.layer_sizes)
        object.__setattr__(self, "layer_sizes", sizes)
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                f"layer_sizes must list at least an input and an output size, all >= 1; "
                f"got {self.layer_sizes}. Example: MLP((4, 16, 2))."
            )
        if self.hidden_activation not in ACTIVATIONS:
            raise ValueError(
                f"Unknown hidden_activation {self.hidden_activation!r}; "
                f"choose one of {sorted(ACTIVATIONS)}."
            )
        if self.output not in OUTPUTS:
            raise ValueError(f"Unknown output {self.output!r}; choose one of {OUTPUTS}.")
        for name, n in [("action_low", -1), ("action_high", -1), ("obs_mean", 0), ("obs_std", 0)]:
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _per_unit(name, value, sizes[n]))
        if (self.obs_mean is None) != (self.obs_std is None):
            raise ValueError("Give both obs_mean and obs_std, or neither.")
        if self.obs_std is not None and min(self.obs_std) <= 0:
            raise ValueError(f"obs_std must be > 0 everywhere; got {self.obs_std}.")

    def __repr__(self) -> str:
        """The fields that are set: `MLP(layer_sizes=(4, 16, 2), hidden_activation='tanh', ...)`."""
        fields = ["layer_sizes", "hidden_activation", "output"]
        fields += [
            f for f in ("action_low", "action_high", "obs_mean", "obs_std") if getattr(self, f)
        ]
        return f"MLP({', '.join(f'{f}={getattr(self, f)!r}' for f in fields)})"

    @property
    def shapes(self) -> list[tuple[tuple[int, int], tuple[int]]]:
        """The (W shape, b shape) of each layer, in the order they sit in `params`."""
        return [
            ((n_in, n_out), (n_out,)) for n_in, n_out in zip(self.layer_sizes, self.layer_sizes[1:])
        ]

    @property
    def n_params(self) -> int:
        """Length of one flat parameter vector."""
        return sum(n_in * n_out + n_out for (n_in, n_out), _ in self.shapes)

    def init_params(self, rng: np.random.Generator, pop_size: int | None = None) -> np.ndarray:
        """Random parameters: W ~ N(0, 1/n_in) (keeps each layer's outputs near unit scale), b = 0.

        Returns `(n_params,)`, or `(pop_size, n_params)` when `pop_size` is given.
        """
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"init_params needs a random generator first, got {type(rng).__name__}: "
                "policy.init_params(np.random.default_rng(SEED), pop_size)."
            )
        if pop_size is not None:
            _check_count("pop_size", pop_size)
        batch = () if pop_size is None else (int(pop_size),)
        chunks = []
        for (n_in, n_out), _ in self.shapes:
            chunks.append(rng.normal(0.0, 1.0 / np.sqrt(n_in), size=batch + (n_in * n_out,)))
            chunks.append(np.zeros(batch + (n_out,)))
        return np.concatenate(chunks, axis=-1)

    def unflatten(self, params: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """`(W, b)` per layer (views of `params` when it is a float array), leading axes kept."""
        return self._split(self.check_params(params))

    def _split(self, params: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """`unflatten` without the checks, for callers that checked `params` already."""
        batch, layers, start = params.shape[:-1], [], 0
        for (n_in, n_out), _ in self.shapes:
            W = params[..., start : start + n_in * n_out].reshape(batch + (n_in, n_out))
            start += n_in * n_out
            b = params[..., start : start + n_out]
            start += n_out
            layers.append((W, b))
        return layers

    def forward(self, params: np.ndarray, obs: np.ndarray) -> np.ndarray:
        """Network outputs before the action is chosen (logits, or scaled tanh actions).

        One network: `params (n_params,)` with `obs (..., n_in)`.
        A population: `params (pop_size, n_params)` with `obs (pop_size, ..., n_in)`:
        row i of obs goes through network i. One batched matmul per layer, no Python
        loop over individuals.
        """
        params = self.check_params(params)
        obs = self._check_obs(params, obs)
        return self._forward(self._split(params), obs, population=params.ndim == 2)

    def act(self, params: np.ndarray, obs: np.ndarray) -> np.ndarray:
        """Actions for `obs`: integer indices for `argmax`, float vectors for `tanh`."""
        return self._choose(self.forward(params, obs))

    def _actor(self, population: np.ndarray):
        """`act_alive(alive, obs)`: the actions of the networks `population[alive]` for their
        `obs`, for a population that was checked once (`evaluate` calls it every step, and the
        checks would cost as much as a small network). A subclass that changed `forward` or
        `act` (04's does) is called through them, checks included."""
        if type(self).forward is not MLP.forward or type(self).act is not MLP.act:
            return lambda alive, obs: self.act(population[alive], obs)
        layers, n_alive = None, -1

        def act_alive(alive: np.ndarray, obs: np.ndarray) -> np.ndarray:
            nonlocal layers, n_alive
            if alive.sum() != n_alive:  # a network finished its episodes (alive only shrinks)
                n_alive, layers = alive.sum(), self._split(population[alive])
            return self._choose(self._forward(layers, obs, population=True))

        return act_alive

    def _choose(self, out: np.ndarray) -> np.ndarray:
        return np.argmax(out, axis=-1) if self.output == "argmax" else out

    def _forward(self, layers: list, obs: np.ndarray, population: bool) -> np.ndarray:
        """`forward` on layers from `_split`, without checks (see `_actor`)."""
        if self.obs_mean is not None:
            obs = (obs - np.asarray(self.obs_mean)) / np.asarray(self.obs_std)
        h = obs.reshape(obs.shape[0], -1, obs.shape[-1]) if population else obs  # (P, B, n_in)
        act = ACTIVATIONS[self.hidden_activation]
        for i, (W, b) in enumerate(layers):
            h = h @ W + (b[:, None, :] if population else b)  # (P, B, n_out) or (..., n_out)
            if i < len(layers) - 1:
                h = act(h)
        if self.output == "tanh":
            h = np.tanh(h)
            if self.action_low is not None and self.action_high is not None:
                low, high = np.asarray(self.action_low), np.asarray(self.action_high)
                h = low + (h + 1.0) * 0.5 * (high - low)
        return h.reshape(obs.shape[:-1] + (self.layer_sizes[-1],))

    def check_params(self, params: np.ndarray) -> np.ndarray:
        """Return params as a float array, or raise a clear error if it cannot be this net's."""
        params = np.asarray(params, dtype=float)
        if params.ndim not in (1, 2) or params.shape[-1] != self.n_params:
            raise ValueError(
                f"params has shape {params.shape}, but this network {self.layer_sizes} needs "
                f"n_params={self.n_params}: pass one vector of shape ({self.n_params},) or a "
                f"population of shape (pop_size, {self.n_params})."
            )
        if not np.all(np.isfinite(params)):
            bad = np.argwhere(~np.isfinite(params))[0]
            raise ValueError(
                f"params contain NaN or inf (first at index {tuple(int(i) for i in bad)}). "
                "A mutation or update step probably blew up: lower sigma or the learning rate."
            )
        return params

    def _check_obs(self, params: np.ndarray, obs: np.ndarray) -> np.ndarray:
        obs = np.asarray(obs, dtype=float)
        n_in = self.layer_sizes[0]
        if obs.ndim == 0 or obs.shape[-1] != n_in:
            raise ValueError(
                f"obs has shape {obs.shape}, but the network's input size is {n_in}: "
                f"the last axis of obs must have length {n_in}."
            )
        if params.ndim == 2 and (obs.ndim < 2 or obs.shape[0] != params.shape[0]):
            raise ValueError(
                f"A population of {params.shape[0]} networks needs obs of shape "
                f"({params.shape[0]}, ..., {n_in}), one row per network; got {obs.shape}."
            )
        return obs


def _per_unit(name: str, value, n: int) -> tuple[float, ...]:
    """`value` (one number, or one per unit) as a tuple of n finite floats, or a clear error."""
    array = np.asarray(value, dtype=float)
    if array.ndim > 1 or array.size not in (1, n) or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be one finite number or {n} of them; got {value!r}.")
    return tuple(float(v) for v in np.broadcast_to(array, (n,)))


def _check_count(name: str, value: int) -> None:
    """Raise a clear error unless `value` is a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1; got {value!r}.")


def _check_positive(name: str, value, example: float) -> None:
    """Raise a clear error unless `value` is a finite number > 0 (`example`: a sensible one)."""
    try:
        ok = bool(np.isfinite(value) and value > 0)
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"{name} must be a positive number, e.g. {example}; got {value!r}.")


def _check_seed(seed: int) -> int:
    """A seed as a Python int (NumPy integers welcome), or a clear error."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(
            f"seed must be a whole number >= 0, e.g. seed=0 or seed=int(rng.integers(10**9)); "
            f"got {seed!r}."
        )
    return int(seed)

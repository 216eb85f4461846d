"""REINFORCE in NumPy: the policy-gradient baseline that evolution is compared against.

The policy is the course's `MLP` read as a softmax over its outputs (discrete actions). Each
update plays `n_episodes` episodes at once with actions *sampled* from the softmax, weights
every step's log-probability gradient by its normalised return-to-go, and takes an Adam
step up that gradient. The backward pass is written out by hand, layer by layer: no autograd.
Taught in 07_comparison.
"""

from __future__ import annotations

from typing import NamedTuple

import gymnasium as gym
import numpy as np

from .backends import choose_backend, make_copies
from .envs import check_policy_fits, env_spec
from .es import Adam
from .network import ACTIVATIONS, MLP, _check_count, softmax


class Batch(NamedTuple):
    """Episodes played at once, time-major; entries after an episode's end are masked out."""

    obs: np.ndarray  # (T, n_episodes, n_obs)
    actions: np.ndarray  # (T, n_episodes) integers
    rewards: np.ndarray  # (T, n_episodes)
    running: np.ndarray  # (T, n_episodes) True while the episode is still going
    episode_returns: np.ndarray  # (n_episodes,)


def play(
    policy: MLP,
    params: np.ndarray,
    env_id: str,
    n_episodes: int,
    seed: int,
    rng,
    backend: str = "auto",
) -> Batch:
    """Play `n_episodes` episodes (starts from seeds seed, seed+1, ...), sampling actions.

    The episodes run on `backend`, as in `nh.evaluate`.
    """
    env_spec(env_id)  # clear error for unknown ids
    chosen = choose_backend(env_id, backend, last_seed=seed + n_episodes - 1)
    env = make_copies(chosen, env_id, n_episodes, None)
    try:
        if not isinstance(env.single_action_space, gym.spaces.Discrete):
            raise ValueError(
                f"REINFORCE here needs discrete actions; {env_id} has continuous ones."
            )
        check_policy_fits(policy, env.single_observation_space, env.single_action_space, env_id)
        obs = env.reset([seed + e for e in range(n_episodes)])
        running = np.ones(n_episodes, dtype=bool)
        steps = {"obs": [], "actions": [], "rewards": [], "running": []}
        while running.any():
            probs = softmax(policy.forward(params, obs))  # (n_episodes, n_actions)
            draws = rng.random((n_episodes, 1))
            actions = (probs.cumsum(axis=1) < draws).sum(axis=1).clip(max=probs.shape[1] - 1)
            next_obs, reward, terminated, truncated = env.step(actions, running)
            for key, value in zip(steps, (obs, actions, np.where(running, reward, 0.0), running)):
                steps[key].append(np.array(value))
            running = running & ~(terminated | truncated)
            obs = next_obs
    finally:
        env.close()
    batch = {key: np.stack(values) for key, values in steps.items()}
    return Batch(**batch, episode_returns=batch["rewards"].sum(axis=0))


def policy_gradient(policy: MLP, params: np.ndarray, batch: Batch) -> np.ndarray:
    """The REINFORCE gradient of the expected return, `(n_params,)`, by hand-written backprop.

    Each step's weight is its return-to-go, normalised over the batch (a baseline that
    lowers the variance without biasing the gradient much).
    """
    rewards = batch.rewards
    to_go = np.flip(np.cumsum(np.flip(rewards, axis=0), axis=0), axis=0)  # (T, n_episodes)
    valid = batch.running
    advantage = (to_go - to_go[valid].mean()) / (to_go[valid].std() + 1e-8)
    x = batch.obs[valid]  # (n_steps, n_obs): every step played, in one batch
    weight = advantage[valid]  # (n_steps,)
    if policy.obs_mean is not None:
        x = (x - np.asarray(policy.obs_mean)) / np.asarray(policy.obs_std)

    # Forward, keeping each layer's input and output for the backward pass.
    layers, act = policy.unflatten(params), ACTIVATIONS[policy.hidden_activation]
    inputs, h = [], x
    for k, (W, b) in enumerate(layers):
        inputs.append(h)
        h = h @ W + b
        if k < len(layers) - 1:
            h = act(h)
    probs = softmax(h)  # (n_steps, n_actions)

    # d log pi(a|s) / d logits = onehot(a) - probs; weighted by the advantage, averaged.
    delta = -probs
    delta[np.arange(len(delta)), batch.actions[valid]] += 1.0
    delta *= weight[:, None] / batch.obs.shape[1]  # mean over episodes

    grads = []
    for k in range(len(layers) - 1, -1, -1):
        W, _ = layers[k]
        grads.append((inputs[k].T @ delta, delta.sum(axis=0)))  # dW, db of layer k
        if k > 0:
            delta = delta @ W.T  # back into the hidden layer's output...
            h_k = inputs[k]
            if policy.hidden_activation == "tanh":  # ...and through its activation
                delta *= 1.0 - h_k**2
            elif policy.hidden_activation == "relu":
                delta *= h_k > 0
            else:  # sigmoid
                delta *= h_k * (1.0 - h_k)
    return np.concatenate([np.concatenate([dW.ravel(), db]) for dW, db in reversed(grads)])


class Reinforce:
    """REINFORCE with Adam, stepped one update at a time (`step()`), like an ask/tell loop."""

    def __init__(
        self,
        policy: MLP,
        params: np.ndarray,
        env_id: str,
        n_episodes: int,
        lr: float,
        rng: np.random.Generator,
        backend: str = "auto",
    ) -> None:
        if policy.output != "argmax":
            raise ValueError("REINFORCE here needs a discrete-action policy (output='argmax').")
        _check_count("n_episodes", n_episodes)
        self.policy, self.params = policy, policy.check_params(params).copy()
        self.env_id, self.n_episodes, self.rng = env_id, int(n_episodes), rng
        self.optimizer = Adam(policy.n_params, lr)
        self.backend = backend

    def step(self, seed: int) -> Batch:
        """Play a batch of episodes from `seed`, then take one gradient step. Returns the batch."""
        batch = play(
            self.policy, self.params, self.env_id, self.n_episodes, seed, self.rng, self.backend
        )
        self.params = self.params + self.optimizer.step(
            policy_gradient(self.policy, self.params, batch)
        )
        return batch

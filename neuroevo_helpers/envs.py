"""Gymnasium environments: creating them with clear errors, and scoring a population.

Seeding rule used everywhere in the course: in one call with `seed=s`, episode `e` of
*every* individual starts from `env.reset(seed=s + e)`. All individuals therefore face
the same `n_episodes` start states (common random numbers), so differences in fitness
come from the networks and not from luck of the draw. Use a fresh `seed` for every
generation, and seed ranges never used in training for validation and test (`protocol`).
"""

from __future__ import annotations

import difflib
import functools
import os
from typing import NamedTuple

import gymnasium as gym
import numpy as np

from . import processes
from .backends import choose_backend, make_copies, to_env
from .behaviour import check_descriptor
from .network import MLP, _check_count, _check_seed
from .shaping import check_shaping


def make_env(env_id: str, render_mode: str | None = None, **kwargs) -> gym.Env:
    """`gym.make` with clear errors: unknown ids get close matches, bad render modes a hint."""
    spec = env_spec(env_id)
    if render_mode is not None:
        modes = spec_render_modes(spec)
        if render_mode not in modes:
            raise ValueError(
                f"{env_id} cannot render frames with render_mode={render_mode!r}; it supports "
                f"{modes or 'no render mode at all'}. Pick an env that lists 'rgb_array'."
            )
        # pygame needs a video driver; "dummy" renders off-screen and stays quiet.
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    return gym.make(env_id, render_mode=render_mode, **kwargs)


def env_spec(env_id: str) -> gym.envs.registration.EnvSpec:
    """The registered spec of `env_id`, or a ValueError naming the closest known ids."""
    if not isinstance(env_id, str) or env_id not in gym.registry:
        close = difflib.get_close_matches(str(env_id), list(gym.registry), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"Unknown environment id {env_id!r}.{hint} "
            "See all ids with: import gymnasium; gymnasium.pprint_registry()"
        )
    return gym.spec(env_id)


def env_metadata(spec: gym.envs.registration.EnvSpec) -> dict:
    """An env's class metadata (render modes, fps), read without creating the env."""
    entry = spec.entry_point
    env_class = entry if callable(entry) else gym.envs.registration.load_env_creator(entry)
    return dict(getattr(env_class, "metadata", {}))


def spec_render_modes(spec: gym.envs.registration.EnvSpec) -> list[str]:
    """The render modes an env declares, read from its class without creating it."""
    return list(env_metadata(spec).get("render_modes", []))


def policy_for_env(
    env_id: str,
    hidden: tuple[int, ...] = (16,),
    hidden_activation: str = "tanh",
    normalize: bool = False,
) -> MLP:
    """An MLP shaped for `env_id`: argmax over discrete actions, scaled tanh for boxes.

    `normalize=True` maps each observation's bounds to [-1, 1] before the first layer
    (`obs_mean`, `obs_std` from the observation space; it needs finite bounds). It matters
    where inputs differ in scale, e.g. MountainCar's velocity is at most 0.07.
    """
    env = make_env(env_id)
    obs_space, act_space = env.observation_space, env.action_space
    env.close()
    if not (isinstance(obs_space, gym.spaces.Box) and len(obs_space.shape) == 1):
        raise ValueError(f"{env_id} has observations {obs_space}; the MLP needs a flat Box.")
    scaling = {}
    if normalize:
        if not obs_space.is_bounded():
            raise ValueError(
                f"normalize=True needs finite observation bounds, and {env_id}'s are "
                f"{obs_space.low.tolist()} to {obs_space.high.tolist()}: use normalize=False."
            )
        low, high = obs_space.low.astype(float), obs_space.high.astype(float)
        # float32 bounds: 0.07, not 0.0700000003
        scaling = dict(
            obs_mean=_rounded((high + low) / 2, 6), obs_std=_rounded((high - low) / 2, 6)
        )
    sizes = (obs_space.shape[0], *hidden)
    if isinstance(act_space, gym.spaces.Discrete):
        return MLP((*sizes, int(act_space.n)), hidden_activation, "argmax", **scaling)
    if isinstance(act_space, gym.spaces.Box) and len(act_space.shape) == 1:
        low, high = tuple(act_space.low.tolist()), tuple(act_space.high.tolist())
        return MLP((*sizes, act_space.shape[0]), hidden_activation, "tanh", low, high, **scaling)
    raise ValueError(f"{env_id} has actions {act_space}; the MLP handles Discrete or a flat Box.")


def random_play_observations(env_id: str, n_episodes: int = 30, seed: int = 0) -> np.ndarray:
    """Every observation of `n_episodes` episodes of random actions, `(n_steps, n_obs)`.

    Episode `e` starts from `reset(seed=seed + e)`, and the random actions come from the
    action space seeded with `seed`, so the same arguments give the same observations.
    """
    _check_count("n_episodes", n_episodes)
    _check_seed(seed)
    env = make_env(env_id)
    try:
        if not (isinstance(env.observation_space, gym.spaces.Box) and env.observation_space.shape):
            raise ValueError(f"{env_id} has observations {env.observation_space}; need a flat Box.")
        env.action_space.seed(seed)
        seen = []
        for e in range(n_episodes):
            obs, _ = env.reset(seed=seed + e)
            seen.append(obs)
            done = False
            while not done:
                obs, _, terminated, truncated, _ = env.step(env.action_space.sample())
                seen.append(obs)
                done = terminated or truncated
    finally:
        env.close()
    return np.asarray(seen, dtype=float)


def observation_stats(
    env_id: str, n_episodes: int = 30, seed: int = 0, min_std: float = 1e-3
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each observation over `n_episodes` of random actions.

    For `MLP(..., obs_mean=mean, obs_std=std)` where the observation bounds say little
    about the values an agent sees (LunarLander's bounds are +-2.5 to +-10, yet most of its
    observations stay within +-1). The episodes are `random_play_observations(env_id,
    n_episodes, seed)`, so the same arguments give the same numbers. `min_std` keeps a
    nearly constant observation from being divided by almost zero. Taught in
    09_capstone_continuous_control.
    """
    if not min_std > 0:
        raise ValueError(f"min_std must be > 0, e.g. 1e-3; got {min_std!r}.")
    seen = random_play_observations(env_id, n_episodes, seed)
    # short numbers in the agent file
    return _rounded(seen.mean(axis=0), 4), _rounded(np.maximum(seen.std(axis=0), min_std), 4)


def _rounded(values: np.ndarray, digits: int) -> np.ndarray:
    """`values` rounded to `digits` significant digits (as text would show them)."""
    return np.vectorize(lambda v: float(f"{v:.{digits}g}"))(values)


class Evaluation(NamedTuple):
    """What `evaluate` returns."""

    fitness: np.ndarray  # (pop_size,) mean return per individual; a float for one vector
    episode_returns: np.ndarray  # (pop_size, n_episodes), or (n_episodes,) for one vector
    n_steps: int  # env steps that counted (none after an episode's end)
    # (3, n_obs): the count, sum and sum of squares of the observations the networks acted
    # on (ARS's running normalisation learns from them); None from evaluate_one_by_one
    obs_moments: np.ndarray | None = None
    # (pop_size, n_episodes, size) behaviour descriptors, with `evaluate(..., descriptor=)`
    descriptors: np.ndarray | None = None


def evaluate(
    policy: MLP,
    population: np.ndarray,
    env_id: str,
    n_episodes: int = 1,
    seed: int = 0,
    max_episode_steps: int | None = None,
    *,
    backend: str = "auto",
    workers: int | None = None,
    descriptor=None,
    shaping=None,
) -> Evaluation:
    """Mean episode return of every individual over `n_episodes`, all run at once.

    The env is copied `pop_size * n_episodes` times; each step does one batched forward
    pass for the whole population. Episodes end on termination or the env's time limit
    (`max_episode_steps` overrides it). See the module docstring for how `seed` picks the
    start states.

    `backend` says what steps the copies (see `neuroevo_helpers.backends`): "auto" takes
    envpool's C++ envs where envpool is installed and serves the env, gymnasium's native
    vector CartPole, and gymnasium's envs copy by copy otherwise; "gymnasium" or "envpool"
    forces one. The two give the same distribution of returns but not the same episodes
    for a seed, so test scores use `backend=nh.JUDGE` ("gymnasium").

    `workers` spreads the population over that many processes, for envs that gymnasium
    steps copy by copy (no batched backend); the default uses the machine's cores, never
    more processes than individuals, and stays in this process where a worker could not
    rebuild the policy or the env (a class defined in a notebook). Same numbers either way.

    `descriptor` (e.g. `nh.FinalObservation((0, 1))`, see `neuroevo_helpers.behaviour`)
    follows every episode and fills `Evaluation.descriptors`: what each episode did.

    `shaping` (`nh.Shaping`, training episodes only) changes the rewards training sees and
    may end episodes early (see `neuroevo_helpers.shaping`); the returns and step counts
    are then those of the shaped episodes.
    """
    population, single, seed = _check_inputs(policy, population, n_episodes, seed)
    check_descriptor(descriptor)
    check_shaping(shaping)
    spec = env_spec(env_id)  # clear error for unknown ids
    chosen = choose_backend(env_id, backend, last_seed=seed + n_episodes - 1)
    n_workers = processes.n_workers(workers, policy, spec, len(population), chosen)
    play = functools.partial(_play, descriptor=descriptor, shaping=shaping)
    if n_workers > 1:
        shares = processes.share(
            play, policy, population, spec, n_episodes, seed, max_episode_steps, n_workers
        )
        returns = np.concatenate([r for r, _, _, _ in shares])
        n_steps, moments = sum(n for _, n, _, _ in shares), sum(m for _, _, m, _ in shares)
        described = None if descriptor is None else np.concatenate([d for *_, d in shares])
    else:
        returns, n_steps, moments, described = play(
            policy, population, env_id, n_episodes, seed, max_episode_steps, chosen
        )
    return _evaluation(returns, int(n_steps), single, moments, described)


def _play(
    policy: MLP,
    population: np.ndarray,
    env_id: str,
    n_episodes: int,
    seed: int,
    max_episode_steps: int | None,
    backend: str,
    descriptor=None,
    shaping=None,
) -> tuple[np.ndarray, int, np.ndarray, np.ndarray | None]:
    """`evaluate`'s loop on checked inputs: `(returns (pop_size, n_episodes), n_steps,
    obs_moments, descriptors (pop_size, n_episodes, size) or None)`."""
    pop_size, n_envs = population.shape[0], population.shape[0] * n_episodes
    env = make_copies(backend, env_id, n_envs, max_episode_steps)
    try:
        check_policy_fits(policy, env.single_observation_space, env.single_action_space, env_id)
        obs = env.reset([seed + e for e in range(n_episodes)] * pop_size)
        traced = None if descriptor is None else descriptor.start(obs.reshape(n_envs, -1))
        returns, running, n_steps = np.zeros(n_envs), np.ones(n_envs, dtype=bool), 0
        space = env.single_action_space
        actions = np.zeros((pop_size, n_episodes, *space.shape), dtype=space.dtype)
        if isinstance(space, gym.spaces.Box):  # a valid action for copies whose episode is over
            actions[:] = np.clip(0, space.low, space.high)
        act = policy._actor(population)  # checked above: no checks at every step
        alive = np.ones(pop_size, dtype=bool)
        moments = np.zeros((3, policy.layer_sizes[0]))
        shaped = None if shaping is None else shaping.start(n_envs)
        while running.any():
            seen = obs.reshape(n_envs, -1)[running]
            moments[0] += len(seen)
            moments[1:] += seen.sum(axis=0), np.sum(seen**2, axis=0)
            obs = obs.reshape(pop_size, n_episodes, -1)  # row i is seen by network i
            actions[alive] = act(alive, obs[alive])  # one batched pass, networks still playing
            obs, reward, terminated, truncated = env.step(
                actions.reshape(n_envs, *space.shape), running
            )
            stop = False
            if shaping is not None:  # training only: other rewards, stuck episodes cut short
                reward, stop = shaping.step(shaped, returns, reward, terminated, running)
            returns += reward * running  # steps after an episode's end (auto-reset) count 0
            if descriptor is not None:
                traced = descriptor.step(traced, obs.reshape(n_envs, -1), running)
            n_steps += np.count_nonzero(running)
            running &= ~(terminated | truncated | stop)
            alive = running.reshape(pop_size, n_episodes).any(axis=1)
    finally:
        env.close()
    if descriptor is not None:
        traced = descriptor.finish(traced).reshape(pop_size, n_episodes, -1)
    return returns.reshape(pop_size, n_episodes), int(n_steps), moments, traced


def evaluate_one_by_one(
    policy: MLP,
    population: np.ndarray,
    env_id: str,
    n_episodes: int = 1,
    seed: int = 0,
    max_episode_steps: int | None = None,
) -> Evaluation:
    """The same as `evaluate`, written the slow way: one env per network, one step at a time.

    The style of the first seed, kept as a reference for tests and timings. Same seeds,
    so the same returns as `evaluate`.
    """
    population, single, seed = _check_inputs(policy, population, n_episodes, seed)
    returns, n_steps = np.zeros((population.shape[0], n_episodes)), 0
    kwargs = {} if max_episode_steps is None else {"max_episode_steps": max_episode_steps}
    for i, params in enumerate(population):
        env = make_env(env_id, **kwargs)  # one env per network, as in the first seed
        check_policy_fits(policy, env.observation_space, env.action_space, env_id)
        for e in range(n_episodes):
            obs, _ = env.reset(seed=seed + e)
            done = False
            while not done:
                obs, reward, terminated, truncated, _ = env.step(
                    to_env(policy.act(params, obs), env.action_space)
                )
                returns[i, e] += reward
                n_steps += 1
                done = terminated or truncated
        env.close()
    return _evaluation(returns, n_steps, single)


def _evaluation(
    returns: np.ndarray, n_steps: int, single: bool, moments=None, described=None
) -> Evaluation:
    """Package `(pop_size, n_episodes)` returns; for one params vector, drop the population axis."""
    if single:
        one = None if described is None else described[0]
        return Evaluation(float(returns[0].mean()), returns[0], n_steps, moments, one)
    return Evaluation(returns.mean(axis=1), returns, n_steps, moments, described)


def check_policy_fits(policy: MLP, obs_space, act_space, env_id: str) -> None:
    """Raise a clear error if the network's input or output size does not match the env."""
    n_obs = obs_space.shape[0] if obs_space.shape else None
    n_act = int(act_space.n) if isinstance(act_space, gym.spaces.Discrete) else act_space.shape[0]
    if (policy.layer_sizes[0], policy.layer_sizes[-1]) != (n_obs, n_act):
        raise ValueError(
            f"The network {policy.layer_sizes} does not fit {env_id}, which has {n_obs} "
            f"observations and {n_act} actions: build it with policy_for_env({env_id!r})."
        )


def _check_inputs(
    policy: MLP, population, n_episodes: int, seed: int
) -> tuple[np.ndarray, bool, int]:
    """The checks both evaluations share: `(population as 2-D, was it one vector?, seed)`."""
    single = np.asarray(population).ndim == 1
    population = np.atleast_2d(_check_population(policy, population))
    _check_count("n_episodes", n_episodes)
    return population, single, _check_seed(seed)


def _check_population(policy: MLP, population: np.ndarray) -> np.ndarray:
    if not isinstance(policy, MLP):
        raise TypeError(f"policy must be an MLP (see policy_for_env); got {type(policy).__name__}.")
    population = np.asarray(population, dtype=float)
    if population.ndim == 2 and population.shape[0] == 0:
        raise ValueError("The population is empty: pop_size must be >= 1.")
    return policy.check_params(population)

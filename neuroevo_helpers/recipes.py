"""Default settings per env for each method, in one place: `record` and the comparison of
07_comparison both build their runs from here.

Budgets were measured with seeds 0-2 on a 2-core laptop; on CartPole-v1, Acrobot-v1 and
Pendulum-v1, sigma (and the ES's learning rate) were then tuned by `compare.tune` on the
tuning seeds 1000-1002, choosing on validation episodes only (`assets/tuning.json`). The
README lists the times. `hidden` is one hidden layer's size, or a tuple of sizes. `normalize`
is False, True (scale each observation to [-1, 1] from the env's bounds) or
"random episodes" (subtract the mean and divide by the standard deviation seen in
`obs_episodes` seeded episodes of random actions: `observation_stats`). `reevaluate` > 0
chooses a GA's elite by scoring the 10 fittest again on that many fresh episodes.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .ars import ARS
from .cmaes import CMAES, SepCMAES
from .envs import Evaluation, evaluate, observation_stats, policy_for_env
from .es import ES
from .ga import GA
from .neat import NEAT, PaddedGenomes
from .network import MLP
from .shaping import Shaping

GA_RECIPES = {
    "CartPole-v1": dict(
        hidden=16, pop_size=64, n_parents=10, sigma=0.1, n_episodes=5, n_generations=15
    ),
    "Acrobot-v1": dict(
        hidden=16, pop_size=64, n_parents=10, sigma=0.1, n_episodes=3, n_generations=20
    ),
    "MountainCar-v0": dict(
        hidden=16, normalize=True, pop_size=64, n_parents=10, sigma=0.1, n_episodes=5,
        reevaluate=10, n_generations=30,
    ),
    "Pendulum-v1": dict(
        hidden=16, normalize=True, pop_size=256, n_parents=20, sigma=1.0, n_episodes=3,
        reevaluate=10, n_generations=40,
    ),
    # Notebook 09: a larger network, observations scaled by what random play sees.
    "LunarLanderContinuous-v3": dict(
        hidden=(32, 32), normalize="random episodes", obs_episodes=30, pop_size=128,
        n_parents=20, sigma=0.05, n_episodes=3, reevaluate=5, n_generations=150,
    ),
}  # fmt: skip
GA_FALLBACK = dict(hidden=32, pop_size=64, n_parents=10, sigma=0.1, n_episodes=3, n_generations=50)

ES_RECIPES = {
    "CartPole-v1": dict(hidden=16, pop_size=50, sigma=0.2, lr=0.1, n_episodes=3, n_generations=40),
    "Acrobot-v1": dict(hidden=16, pop_size=50, sigma=0.5, lr=0.3, n_episodes=3, n_generations=40),
    "MountainCar-v0": dict(
        hidden=16, normalize=True, pop_size=50, sigma=0.2, lr=0.1, n_episodes=3, n_generations=60
    ),
    "Pendulum-v1": dict(
        hidden=16, normalize=True, pop_size=100, sigma=0.5, lr=0.3, n_episodes=3, n_generations=100
    ),
    "LunarLanderContinuous-v3": dict(
        hidden=(32, 32), normalize="random episodes", obs_episodes=30, pop_size=64, sigma=0.1,
        lr=0.03, n_episodes=5, n_generations=200,
    ),
}  # fmt: skip
ES_FALLBACK = dict(hidden=32, pop_size=50, sigma=0.1, lr=0.05, n_episodes=3, n_generations=100)

# 10_cma_es_and_ars. CMA-ES adapts sigma itself: the recipe sets where it starts. On CartPole,
# Acrobot and Pendulum, CMA-ES's sigma and ARS's step_size and noise were tuned like the
# others' (`compare.tune`, seeds 1000-1002; assets/10_tuning.json).
# `pop_size` None: the tutorial's 4 + 3 ln(n_params).
CMAES_RECIPES = {
    "CartPole-v1": dict(hidden=16, pop_size=None, sigma=2.0, n_episodes=3, n_generations=40),
    "Acrobot-v1": dict(hidden=16, pop_size=None, sigma=0.5, n_episodes=3, n_generations=60),
    "MountainCar-v0": dict(
        hidden=16, normalize=True, pop_size=None, sigma=1.0, n_episodes=3, n_generations=100
    ),
    "Pendulum-v1": dict(
        hidden=16, normalize=True, pop_size=None, sigma=4.0, n_episodes=3, n_generations=300
    ),
    # 2,000-odd parameters: the diagonal variant (sep-CMA-ES), O(n) per sample
    "LunarLanderContinuous-v3": dict(
        hidden=(32, 32), normalize="random episodes", obs_episodes=30, pop_size=64,
        sigma=0.1, n_episodes=5, n_generations=300, diagonal=True,
    ),
}  # fmt: skip
CMAES_FALLBACK = dict(hidden=16, pop_size=None, sigma=1.0, n_episodes=3, n_generations=100)

# ARS V2-t: `hidden=()` is a linear policy, started from zeros as in Mania et al.; observations
# are normalised by ARS's running statistics (`obs_norm`), so never by `normalize`.
ARS_RECIPES = {
    "CartPole-v1": dict(
        hidden=(), n_directions=8, n_top=4, step_size=0.05, noise=0.1, n_episodes=1,
        n_generations=40, obs_norm=True,
    ),
    "Acrobot-v1": dict(
        hidden=(), n_directions=8, n_top=4, step_size=0.3, noise=1.0, n_episodes=1,
        n_generations=100, obs_norm=True,
    ),
    "Pendulum-v1": dict(
        hidden=16, n_directions=32, n_top=16, step_size=0.3, noise=1.0, n_episodes=3,
        n_generations=300, obs_norm=True,
    ),
    "LunarLanderContinuous-v3": dict(
        hidden=(32, 32), n_directions=32, n_top=16, step_size=0.02, noise=0.03,
        n_episodes=3, n_generations=300, obs_norm=True,
    ),
    # 13_bipedal_walker: a linear walker (100 parameters). Training episodes only: a fall pays
    # 0 instead of -100, and an episode ends after 100 steps without a new high
    # (`shaping.Shaping`); validation and test episodes score the env as it is.
    "BipedalWalker-v3": dict(
        hidden=(), n_directions=32, n_top=16, step_size=0.02, noise=0.03, n_episodes=1,
        n_generations=400, obs_norm=True, fall_reward=0.0, patience=100,
    ),
}  # fmt: skip
ARS_FALLBACK = dict(
    hidden=(), n_directions=16, n_top=8, step_size=0.02, noise=0.03, n_episodes=1,
    n_generations=100, obs_norm=True,
)  # fmt: skip

# 12_neat: NEAT grows its networks from no hidden node (`max_hidden` bounds the padded form,
# `neat.PaddedGenomes`); its other settings are the paper's. `weight_power` was tuned on
# CartPole-v1 and Acrobot-v1 like the GA's sigma (`compare.tune`, seeds 1000-1002;
# assets/12_tuning.json); on the lander it is neat-python's 0.5, untried against others.
NEAT_RECIPES = {
    "CartPole-v1": dict(
        pop_size=100, max_hidden=20, weight_power=0.5, n_episodes=3, n_generations=40
    ),
    "Acrobot-v1": dict(
        pop_size=100, max_hidden=20, weight_power=0.25, n_episodes=3, n_generations=60
    ),
    "LunarLanderContinuous-v3": dict(
        normalize="random episodes", obs_episodes=30, pop_size=150, max_hidden=30,
        weight_power=0.5, n_episodes=3, n_generations=300,
    ),
}  # fmt: skip
NEAT_FALLBACK = dict(pop_size=100, max_hidden=20, weight_power=0.5, n_episodes=3, n_generations=100)

RECIPES = {
    "ga": (GA_RECIPES, GA_FALLBACK),
    "es": (ES_RECIPES, ES_FALLBACK),
    "cmaes": (CMAES_RECIPES, CMAES_FALLBACK),
    "ars": (ARS_RECIPES, ARS_FALLBACK),
    "neat": (NEAT_RECIPES, NEAT_FALLBACK),
}


def recipe(algo: str, env_id: str) -> dict:
    """A copy of the default settings of `algo` ('ga', 'es', 'cmaes', 'ars' or 'neat') for
    `env_id`."""
    if algo not in RECIPES:
        raise ValueError(f"Unknown algorithm {algo!r}; choose one of {sorted(RECIPES)}.")
    recipes, fallback = RECIPES[algo]
    return dict(recipes.get(env_id, fallback))


def build(
    algo: str,
    env_id: str,
    settings: dict,
    rng: np.random.Generator,
    backend: str = "auto",
    *,
    init_rng: np.random.Generator | None = None,
):
    """The policy, the strategy, and its evaluate (and re-evaluate) functions for `train`.

    The strategy draws its noise from `rng`, the starting networks from `init_rng` (by
    default `rng` too; `protocol.generators(seed)` gives one generator per purpose). The
    episodes run on `backend` (see `nh.evaluate`).
    """
    if algo not in RECIPES:
        raise ValueError(f"Unknown algorithm {algo!r}; choose one of {sorted(RECIPES)}.")
    policy = policy_for(env_id, settings)
    init_rng = rng if init_rng is None else init_rng
    groups, shaping = settings.get("start_groups", 1), shaping_for(settings)
    fitness_fn = episodes_fn(policy, env_id, settings["n_episodes"], backend, groups, shaping)
    if algo == "ars":
        if settings.get("obs_norm", True) and settings.get("normalize", False):
            raise ValueError(
                "ARS with obs_norm=True normalises observations itself: drop normalize."
            )
        linear = len(policy.layer_sizes) == 2  # from zeros, as in Mania et al.
        center = np.zeros(policy.n_params) if linear else policy.init_params(init_rng)
        strategy = ARS(
            center, settings["n_directions"], settings["n_top"], settings["step_size"],
            settings["noise"], rng, policy=policy if settings.get("obs_norm", True) else None,
        )  # fmt: skip
        play = fitness_fn

        def fitness_fn(population, seed):  # the states it saw shape the next normalisation
            result = play(population, seed)
            strategy.observe(result.obs_moments)
            return result

        return policy, strategy, fitness_fn, None
    if algo == "neat":
        strategy = NEAT(
            policy, settings["pop_size"], rng, weight_power=settings["weight_power"],
            start_rng=init_rng,
        )  # fmt: skip
        return policy, strategy, fitness_fn, None
    if algo == "cmaes":
        kind = SepCMAES if settings.get("diagonal", False) else CMAES
        strategy = kind(
            policy.init_params(init_rng), settings["sigma"], rng, settings["pop_size"],
            active=settings.get("active", True),
        )  # fmt: skip
        return policy, strategy, fitness_fn, None
    if algo == "ga":
        strategy = GA(
            policy.init_params(init_rng, settings["pop_size"]),
            settings["n_parents"],
            settings["sigma"],
            rng,
        )
    else:
        strategy = ES(
            policy.init_params(init_rng),
            settings["pop_size"],
            settings["sigma"],
            settings["lr"],
            rng,
            mirrored=settings.get("mirrored", True),
        )
    reevaluate = settings.get("reevaluate", 0)
    refit_fn = (
        episodes_fn(policy, env_id, reevaluate, backend, shaping=shaping)
        if reevaluate > 0
        else None
    )
    return policy, strategy, fitness_fn, refit_fn


NORMALIZE = (False, True, "random episodes")


def policy_for(env_id: str, settings: dict) -> MLP:
    """The network a recipe asks for: its hidden layers, observations scaled as `normalize` says
    (NEAT's recipes: genomes padded to `max_hidden` hidden nodes, no hidden layers)."""
    if "max_hidden" in settings:
        base = policy_for(
            env_id, {k: v for k, v in settings.items() if k != "max_hidden"} | {"hidden": ()}
        )
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        return PaddedGenomes(**fields, max_hidden=settings["max_hidden"])
    hidden = settings["hidden"]
    hidden = (hidden,) if isinstance(hidden, int) else tuple(hidden)
    normalize = settings.get("normalize", False)
    if normalize not in NORMALIZE:
        raise ValueError(f"normalize must be one of {NORMALIZE}; got {normalize!r}.")
    if normalize != "random episodes":
        return policy_for_env(env_id, hidden=hidden, normalize=normalize)
    mean, std = observation_stats(env_id, settings.get("obs_episodes", 30))
    return dataclasses.replace(
        policy_for_env(env_id, hidden=hidden), obs_mean=tuple(mean), obs_std=tuple(std)
    )


def shaping_for(settings: dict) -> Shaping | None:
    """The training-only `Shaping` a recipe asks for (`fall_reward`, `patience`), or None."""
    fall_reward, patience = settings.get("fall_reward"), settings.get("patience")
    if fall_reward is None and patience is None:
        return None
    return Shaping(fall_reward=fall_reward, patience=patience)


def episodes_fn(
    policy: MLP,
    env_id: str,
    n_episodes: int,
    backend: str = "auto",
    start_groups: int = 1,
    shaping: Shaping | None = None,
):
    """`(population, seed) -> nh.evaluate(...)` on `n_episodes` episodes, on `backend`.

    Every individual plays the same episodes (common random starts). With `start_groups`
    > 1, the population is split into that many groups, each playing its own episodes
    (group k from seed + k * n_episodes): 10_cma_es_and_ars measures what common starts buy.
    """

    def fitness_fn(population, seed):
        if start_groups == 1:
            return evaluate(
                policy, population, env_id, n_episodes, seed, backend=backend, shaping=shaping
            )
        parts = [
            evaluate(
                policy,
                group,
                env_id,
                n_episodes,
                seed + k * n_episodes,
                backend=backend,
                shaping=shaping,
            )
            for k, group in enumerate(np.array_split(population, start_groups))
        ]
        return Evaluation(
            np.concatenate([p.fitness for p in parts]),
            np.concatenate([p.episode_returns for p in parts]),
            sum(p.n_steps for p in parts),
            sum(p.obs_moments for p in parts),
        )

    return fitness_fn

"""Shared helpers for the course "Neuroevolution with NumPy".

Only what two or more notebooks need lives here; each function that a notebook teaches
says so in its docstring.

Importing it also registers the course's own envs, `neuroevo_helpers/CyclicMDP-v0` and
`neuroevo_helpers/DeceptiveMaze-v0`.
"""

from . import cyclic_mdp, maze, protocol
from .ars import ARS, RunningStats
from .backends import JUDGE, describe_backends
from .behaviour import FinalObservation, Touchdown
from .cmaes import CMAES, SepCMAES
from .envs import (
    Evaluation,
    env_spec,
    evaluate,
    evaluate_one_by_one,
    make_env,
    observation_stats,
    policy_for_env,
    random_play_observations,
)
from .es import ES, centered_ranks
from .ga import GA
from .gifs import (
    Episode,
    median_episode_seed,
    record_gif,
    record_panels,
    record_side_by_side,
    rollout,
    show_gif,
    write_gif,
    write_mp4,
)
from .network import MLP, relu, sigmoid, softmax, tanh
from .plotting import plot_fitness, plot_runs
from .progress import progress_bar
from .qd import GridArchive, MapElites, NoveltySearch, novelty
from .shaping import Shaping
from .training import HELD_OUT_SEED, TrainResult, train

cyclic_mdp.register()
maze.register()

__all__ = [
    "ARS",
    "CMAES",
    "ES",
    "FinalObservation",
    "GA",
    "GridArchive",
    "HELD_OUT_SEED",
    "JUDGE",
    "MLP",
    "MapElites",
    "NoveltySearch",
    "TrainResult",
    "train",
    "Episode",
    "Evaluation",
    "centered_ranks",
    "describe_backends",
    "env_spec",
    "evaluate",
    "evaluate_one_by_one",
    "make_env",
    "median_episode_seed",
    "observation_stats",
    "novelty",
    "plot_fitness",
    "plot_runs",
    "progress_bar",
    "protocol",
    "policy_for_env",
    "random_play_observations",
    "record_gif",
    "record_panels",
    "record_side_by_side",
    "relu",
    "RunningStats",
    "SepCMAES",
    "Shaping",
    "rollout",
    "show_gif",
    "sigmoid",
    "softmax",
    "tanh",
    "Touchdown",
    "write_gif",
    "write_mp4",
]

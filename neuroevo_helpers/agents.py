"""Saving and loading trained agents as plain NumPy `.npz` files.

An agent file holds only arrays, numbers and text, so anyone can read it with numpy
alone, and loading never unpickles anything: a file from a stranger cannot run code.

Keys: `params` (the flat vector, in the layout of `network.py`), `layer_sizes`,
`hidden_activation`, `output` (`argmax` or `tanh`), `env_id`, `action_low` and
`action_high` (for `tanh`), `obs_mean` and `obs_std` (if the network normalises its
observations: `(obs - obs_mean) / obs_std` before the first layer), and how it was
trained: `algorithm`, `seed`, `generations`, `env_steps`, `backend`, `validation_mean` and
`validation_episodes` (the score that chose it), and `test_mean`, `test_std` and
`test_episodes` (its verdict on gymnasium's test episodes, never used to choose; files
made before the course's protocol have `held_out_mean` instead).

A NEAT agent (a `neat.PaddedGenomes` policy) is saved as its genome instead of `params`:
the node genes `node_ids`, `node_kinds`, `node_bias` and the connection genes `innovation`,
`conn_in`, `conn_out`, `weight`, `enabled`, with `max_hidden` (the padded size it was
trained with). Loading checks the genome (`Genome.check`: a malformed one is refused with
the reason) and gives `params` in the padded form, so `evaluate` and `record` treat it like
any network; `info["genome"]` is the genome itself.

A MAP-Elites archive saved with its policy (`GridArchive.save(path, policy=..., env_id=...)`)
is read the same way: `load_agent(path, cell=(i, j))` gives the elite of that cell, and
without `cell` the best elite. Its `params` is 2-D (one row per filled cell, listed in
`cells`), with `objective`, `descriptors`, `dims`, `low` and `high` beside it.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ._files import atomic_path
from .envs import check_policy_fits, env_spec, make_env
from .neat import Genome, PaddedGenomes
from .network import MLP

REQUIRED = ("params", "layer_sizes", "hidden_activation", "output", "env_id")
OPTIONAL = ("action_low", "action_high", "obs_mean", "obs_std")  # MLP fields, when set
GENOME = ("node_ids", "node_kinds", "node_bias", "innovation", "conn_in", "conn_out", "weight",
          "enabled")  # fmt: skip


class Agent(NamedTuple):
    """A loaded agent: the network, its parameters, its env, and how it was trained."""

    policy: MLP
    params: np.ndarray
    env_id: str
    info: dict  # algorithm, seed, budget, validation and test scores: whatever the file records


def save_agent(
    path: str | os.PathLike, policy: MLP, params: np.ndarray, env_id: str, **info
) -> Path:
    """Write an agent file atomically (a failure leaves no half-written file).

    For a `neat.PaddedGenomes` policy, `params` is a row of `policy.encode` or a `Genome`;
    the file holds the genome's arrays (see the module's docstring)."""
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"An agent file must end in .npz; got {str(path)!r}.")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"The folder {str(path.parent)!r} does not exist: create it first.")
    env_spec(env_id)
    if isinstance(policy, PaddedGenomes):
        genome = params if isinstance(params, Genome) else policy.decode(params)
        policy.encode([genome.check()])  # refuses a genome that does not fit the policy
        arrays = {key: getattr(genome, key) for key in GENOME}
        arrays["max_hidden"] = np.array(policy.max_hidden)
    elif isinstance(params, Genome):
        raise TypeError("a Genome is saved with a neat.PaddedGenomes policy, not an MLP.")
    else:
        arrays = {"params": policy.check_params(params)}
    arrays |= {
        "layer_sizes": np.array(policy.layer_sizes),
        "hidden_activation": np.array(policy.hidden_activation),
        "output": np.array(policy.output),
        "env_id": np.array(env_id),
    }
    for key in OPTIONAL:
        if getattr(policy, key) is not None:
            arrays[key] = np.array(getattr(policy, key))
    for key, value in info.items():
        arrays[key] = np.array(value)
        if arrays[key].dtype == object:
            raise TypeError(f"{key}={value!r} is not a number, text or array; it cannot be saved.")
    with atomic_path(path) as tmp:
        np.savez(tmp, **arrays)
    return path


def load_agent(path: str | os.PathLike, env_id: str | None = None, cell=None) -> Agent:
    """Read an agent file without unpickling; check it is complete and fits its env.

    For an archive file (see the module docstring), the elite of `cell` (a tuple of
    indices), or the best elite if `cell` is None."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No agent file at {str(path)!r}.")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{str(path)!r} is not an agent file: it is not a NumPy .npz archive.")
    try:
        with np.load(path, allow_pickle=False) as data:
            fields = {key: data[key] for key in data.files}
    except ValueError:  # NumPy refuses object arrays without allow_pickle
        raise ValueError(
            f"{str(path)!r} is not an agent file: it holds pickled Python objects, which are "
            "never loaded here because unpickling a stranger's file can run their code."
        ) from None
    neat = "node_ids" in fields
    required = (
        [k for k in REQUIRED if k != "params"] + [*GENOME, "max_hidden"] if neat else REQUIRED
    )
    missing = [key for key in required if key not in fields]
    if missing:
        raise ValueError(f"{str(path)!r} is not an agent file: it has no {', '.join(missing)}.")
    saved_env = str(fields["env_id"])
    if env_id is not None and env_id != saved_env:
        raise ValueError(f"{str(path)!r} is an agent for {saved_env}, not for {env_id}.")
    if "cells" in fields:
        fields = _elite(path, fields, cell)
    elif cell is not None:
        raise ValueError(
            f"{str(path)!r} holds one agent, not a MAP-Elites archive: leave out the cell."
        )
    kind, extra = (PaddedGenomes, {"max_hidden": int(fields["max_hidden"])}) if neat else (MLP, {})
    policy = kind(
        tuple(fields["layer_sizes"].tolist()),
        str(fields["hidden_activation"]),
        str(fields["output"]),
        **{k: tuple(fields[k].tolist()) for k in OPTIONAL if k in fields},
        **extra,
    )
    info = {
        k: v.item() if v.ndim == 0 else v
        for k, v in fields.items()
        if k not in (*REQUIRED, *OPTIONAL, *GENOME, "max_hidden")
    }
    if neat:
        info["genome"] = _genome(path, fields)
        try:
            params = policy.encode([info["genome"]])[0]
        except ValueError as error:
            raise ValueError(f"{str(path)!r} holds a genome that does not fit: {error}") from None
    else:
        params = policy.check_params(fields["params"])
    env = make_env(saved_env)  # also a clear error if the env id is unknown here
    check_policy_fits(policy, env.observation_space, env.action_space, saved_env)
    env.close()
    return Agent(policy, params, saved_env, info)


def _genome(path: Path, fields: dict) -> Genome:
    """The genome in a NEAT agent file, checked (a malformed one is refused with the reason)."""
    kinds = {"weight": float, "node_bias": float, "enabled": bool}
    try:
        genome = Genome(**{k: np.asarray(fields[k], dtype=kinds.get(k, int)) for k in GENOME})
        if any(getattr(genome, k).ndim != 1 for k in GENOME):
            raise ValueError("every gene array must be one-dimensional.")
        return genome.check()
    except (ValueError, TypeError) as error:
        raise ValueError(f"{str(path)!r} holds a malformed NEAT genome: {error}") from None


def _elite(path: Path, fields: dict, cell) -> dict:
    """An archive file's fields with `params` set to one elite's (and the archive's arrays
    replaced by that elite's cell, return and descriptor)."""
    dims = tuple(int(d) for d in fields["dims"])
    cells = fields["cells"]
    if len(cells) == 0:
        raise ValueError(f"{str(path)!r} is an empty archive: it has no elite to load.")
    if cell is None:
        row = int(np.argmax(fields["objective"]))
    else:
        cell = tuple(int(c) for c in np.atleast_1d(cell))
        if len(cell) != len(dims) or not all(0 <= c < d for c, d in zip(cell, dims)):
            raise ValueError(
                f"cell {cell} is not in {str(path)!r}'s grid of {dims} cells: give "
                f"{len(dims)} indices, each from 0 to its dimension's size - 1."
            )
        flat = np.ravel_multi_index(cell, dims)
        found = np.flatnonzero(cells == flat)
        if len(found) == 0:
            raise ValueError(
                f"cell {cell} of {str(path)!r} is empty: {len(cells)} of {int(np.prod(dims))} "
                "cells hold an elite; leave out the cell to take the best one."
            )
        row = int(found[0])
    out = {k: v for k, v in fields.items() if k not in ("cells", "objective", "descriptors")}
    out["params"] = fields["params"][row]
    out["cell"] = np.array(np.unravel_index(int(cells[row]), dims))
    out["elite_return"] = fields["objective"][row]
    out["descriptor"] = fields["descriptors"][row]
    return out

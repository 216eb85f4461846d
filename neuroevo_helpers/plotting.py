"""Fitness curves: one run, or several seeds as a mean with a shaded min-max band.

A run's history is a dict of equal-length lists, one entry per generation:
`best` and `mean` fitness, and (for other x-axes) the cumulative `episodes` and
`env_steps` used so far. Helpers take and return a matplotlib `Axes`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import EngFormatter

X_AXES = {"generation": "generation", "episodes": "episodes", "env_steps": "env steps"}


def plot_fitness(
    history: dict,
    ax: Axes | None = None,
    x: str = "generation",
    target: float | None = None,
    label: str = "",
) -> Axes:
    """Best and mean fitness per generation of one run."""
    ax = ax if ax is not None else plt.figure(figsize=(6, 3.5)).gca()
    xs = _x_values(history, x)
    prefix = f"{label} " if label else ""
    best = ax.plot(xs, history["best"], label=f"{prefix}best")[0]
    ax.plot(xs, history["mean"], "--", color=best.get_color(), label=f"{prefix}mean")
    return _finish(ax, x, target)


def plot_runs(
    histories: list[dict],
    ax: Axes | None = None,
    x: str = "generation",
    key: str = "best",
    target: float | None = None,
    label: str = "",
    color: str | None = None,
) -> Axes:
    """Mean of `key` over several runs (seeds), with a band from the worst to the best run.

    Runs whose x-values differ (env steps vary between runs) are compared on a common
    grid by linear interpolation, up to where the shortest run ends.
    """
    if len(histories) < 1:
        raise ValueError("plot_runs needs at least one history (one per seed).")
    ax = ax if ax is not None else plt.figure(figsize=(6, 3.5)).gca()
    xs = [np.asarray(_x_values(h, x, (key,)), dtype=float) for h in histories]
    grid = np.linspace(max(v[0] for v in xs), min(v[-1] for v in xs), 100)
    if all(len(v) == len(xs[0]) and np.array_equal(v, xs[0]) for v in xs):
        grid = xs[0]  # the runs share their x-values: no interpolation needed
    ys = np.stack([np.interp(grid, v, h[key]) for v, h in zip(xs, histories)])
    name = label or key
    mean_label = f"{name} (mean of {len(histories)} runs)"
    line = ax.plot(grid, ys.mean(axis=0), label=mean_label, color=color)[0]
    ax.fill_between(grid, ys.min(axis=0), ys.max(axis=0), color=line.get_color(), alpha=0.2, lw=0)
    return _finish(ax, x, target)


def _x_values(history: dict, x: str, keys=("best", "mean")) -> list:
    if x not in X_AXES:
        raise ValueError(f"x must be one of {list(X_AXES)}; got {x!r}.")
    for key in keys:
        if key not in history:
            raise ValueError(f"The history has no {key!r} list; it has {sorted(history)}.")
    if x == "generation":
        return list(range(len(history[keys[0]])))
    if x not in history:
        raise ValueError(
            f"x={x!r} needs a cumulative {x!r} list in the history; it has {sorted(history)}."
        )
    return history[x]


def _finish(ax: Axes, x: str, target: float | None) -> Axes:
    if target is not None:
        ax.axhline(target, color="grey", lw=1, ls=":", label=f"target {target:g}")
    ax.set_xlabel(X_AXES[x])
    if x != "generation":
        ax.xaxis.set_major_formatter(EngFormatter(sep=""))  # 150000 -> 150k
    ax.set_ylabel("fitness (mean episode return)")
    ax.legend(loc="best", fontsize="small")
    return ax

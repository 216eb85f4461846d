"""Fitness curves take and return an Axes and draw what they say."""

import matplotlib.pyplot as plt
import pytest
from matplotlib.collections import PolyCollection

from neuroevo_helpers import plot_fitness, plot_runs


def history(offset=0.0, steps_per_gen=100):
    best = [10 + offset + 20 * g for g in range(6)]
    return {
        "best": best,
        "mean": [b / 2 for b in best],
        "episodes": [30 * (g + 1) for g in range(6)],
        "env_steps": [steps_per_gen * (g + 1) for g in range(6)],
    }


def test_plot_fitness_one_run():
    fig, ax = plt.subplots()
    assert plot_fitness(history(), ax=ax, target=475) is ax
    best, mean, target = ax.get_lines()
    assert list(best.get_ydata()) == history()["best"] and list(mean.get_xdata()) == list(range(6))
    assert target.get_ydata()[0] == 475
    assert ax.get_xlabel() == "generation"
    plt.close(fig)


def test_plot_runs_mean_and_band():
    fig, ax = plt.subplots()
    runs = [history(0), history(10), history(20)]
    plot_runs(runs, ax=ax, x="episodes")
    (line,) = ax.get_lines()
    assert list(line.get_ydata()) == [20 + 20 * g for g in range(6)]  # mean of the three
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1
    assert ax.get_xlabel() == "episodes" and "3 runs" in line.get_label()
    plt.close(fig)


def test_plot_runs_env_steps_on_a_common_grid():
    fig, ax = plt.subplots()
    plot_runs([history(0, 100), history(0, 120)], ax=ax, x="env_steps")
    (line,) = ax.get_lines()
    assert line.get_xdata()[0] == 120 and line.get_xdata()[-1] == 600
    plt.close(fig)


def test_plot_errors_are_explained():
    with pytest.raises(ValueError, match="x must be one of"):
        plot_fitness(history(), x="time")
    with pytest.raises(ValueError, match="needs a cumulative 'env_steps' list"):
        plot_fitness({"best": [1], "mean": [1]}, x="env_steps")
    with pytest.raises(ValueError, match="no 'mean' list"):
        plot_fitness({"best": [1]})
    with pytest.raises(ValueError, match="at least one history"):
        plot_runs([])
    plt.close("all")

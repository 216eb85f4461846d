"""The checks of 05_mutation_and_crossover's exercises."""

import numpy as np

from neuroevo_helpers.exercises.nb05 import check_one_point_crossover, check_uniform_reset


def one_point(mothers, fathers, rng, low=1, first=None):
    n_children, n_params = mothers.shape
    cut = rng.integers(low, n_params, size=n_children)
    from_mother = np.arange(n_params) < cut[:, None]
    a, b = (fathers, mothers) if first == "father" else (mothers, fathers)
    return np.where(from_mother, a, b)


def test_one_point_crossover_right_and_wrong(capsys):
    assert check_one_point_crossover(one_point)
    assert "Correct!" in capsys.readouterr().out
    assert not check_one_point_crossover(lambda m, f, rng: one_point(m, f, rng, first="father"))
    assert "father's genes come first" in capsys.readouterr().out
    assert not check_one_point_crossover(lambda m, f, rng: one_point(m, f, rng, low=0))
    assert "from 1 to n_params - 1" in capsys.readouterr().out

    def one_cut(m, f, rng):
        return np.where(np.arange(m.shape[1]) < rng.integers(1, m.shape[1]), m, f)

    assert not check_one_point_crossover(one_cut)
    assert "same cut" in capsys.readouterr().out
    assert not check_one_point_crossover(
        lambda m, f, rng: np.where(rng.random(m.shape) < 0.5, m, f)
    )
    assert "mother's genes up to the cut" in capsys.readouterr().out
    assert not check_one_point_crossover(lambda m, f, rng: (m + f) / 2)
    assert "copied from one of its two parents" in capsys.readouterr().out


def reset(population, rate, low, high, rng, flip=False):
    mask = rng.random(population.shape) < rate
    mask = ~mask if flip else mask
    return np.where(mask, rng.uniform(low, high, size=population.shape), population)


def test_uniform_reset_right_and_wrong(capsys):
    assert check_uniform_reset(reset)
    assert "Correct!" in capsys.readouterr().out
    assert not check_uniform_reset(lambda *a: reset(*a, flip=True))
    assert "inverted" in capsys.readouterr().out
    assert not check_uniform_reset(lambda p, r, lo, hi, rng: reset(p, r, 0.0, 5.0, rng))
    assert "range from" in capsys.readouterr().out

    def whole_rows(p, r, lo, hi, rng):
        rows = rng.random(len(p)) < r
        return np.where(rows[:, None], rng.uniform(lo, hi, size=p.shape), p)

    assert not check_uniform_reset(whole_rows)
    assert "each *gene*" in capsys.readouterr().out

    def normal_values(p, r, lo, hi, rng):
        return np.where(
            rng.random(p.shape) < r, rng.normal(0, 0.2, size=p.shape).clip(-0.99, 0.99), p
        )

    assert not check_uniform_reset(normal_values)
    assert "not uniform" in capsys.readouterr().out

    def in_place(p, r, lo, hi, rng):
        mask = rng.random(p.shape) < r
        p[mask] = rng.uniform(lo, hi, size=int(mask.sum()))
        return p

    assert not check_uniform_reset(in_place)
    assert "in place" in capsys.readouterr().out


def test_checks_never_raise_on_odd_answers(capsys):
    assert not check_one_point_crossover(lambda *a: None)
    assert "forget the `return`" in capsys.readouterr().out
    assert not check_one_point_crossover(lambda m, f, rng: m[:, :3])
    assert "expected (3000, 10)" in capsys.readouterr().out
    assert not check_uniform_reset(lambda *a: "nope")
    assert "returned a str; return a NumPy array" in capsys.readouterr().out
    assert not check_uniform_reset(lambda p, *a: p.copy())
    assert "no gene changed" in capsys.readouterr().out


def test_more_typical_mistakes_get_a_hint(capsys):
    def less_or_equal(m, f, rng):
        cut = rng.integers(1, m.shape[1], size=len(m))
        return np.where(np.arange(m.shape[1]) <= cut[:, None], m, f)

    assert not check_one_point_crossover(less_or_equal)
    assert "not <=" in capsys.readouterr().out

    def no_column(m, f, rng):
        return np.where(np.arange(m.shape[1]) < rng.integers(1, m.shape[1], size=len(m)), m, f)

    assert not check_one_point_crossover(no_column)
    assert "cut[:, None]" in capsys.readouterr().out

    def one_value(p, r, lo, hi, rng):
        return np.where(rng.random(p.shape) < r, rng.uniform(lo, hi), p)

    assert not check_uniform_reset(one_value)
    assert "same value" in capsys.readouterr().out


def test_one_point_crossover_asks_for_an_array_and_no_loop(capsys):
    def looped(m, f, rng):
        children = f.copy()
        for child, mother in zip(children, m):
            cut = rng.integers(1, m.shape[1])
            child[:cut] = mother[:cut]
        return children

    assert not check_one_point_crossover(looped)
    assert "uses a for loop, and the exercise asks for none" in capsys.readouterr().out
    assert not check_one_point_crossover(lambda m, f, rng: list(one_point(m, f, rng)))
    assert "returned a list; return a NumPy array" in capsys.readouterr().out


def test_uniform_reset_names_more_mistakes(capsys):
    assert not check_uniform_reset(lambda *a: list(reset(*a)))
    assert "returned a list; return a NumPy array" in capsys.readouterr().out

    def added(p, r, lo, hi, rng):
        return p + (rng.random(p.shape) < r) * rng.uniform(lo, hi, size=p.shape)

    assert not check_uniform_reset(added)
    assert "replace the gene instead" in capsys.readouterr().out

    def whole_numbers(p, r, lo, hi, rng):
        return np.where(rng.random(p.shape) < r, rng.integers(lo, hi, size=p.shape), p)

    assert not check_uniform_reset(whole_numbers)
    assert "rng.integers draws integers" in capsys.readouterr().out

    def high_only(p, r, lo, hi, rng):
        return np.where(rng.random(p.shape) < r, rng.uniform(hi, size=p.shape), p)

    assert not check_uniform_reset(high_only)
    assert "takes high as its *low* bound" in capsys.readouterr().out


def test_one_point_crossover_says_high_is_exclusive(capsys):
    def high_too_low(m, f, rng):  # high is exclusive: the last cut never comes up
        cut = rng.integers(1, m.shape[1] - 1, size=len(m))
        return np.where(np.arange(m.shape[1]) < cut[:, None], m, f)

    assert not check_one_point_crossover(high_too_low)
    out = capsys.readouterr().out
    assert "the last cut, 9, never occurs" in out and "rng.integers(1, n_params" in out


def test_one_point_crossover_names_the_wrong_axis(capsys):
    def rows_as_params(m, f, rng):  # n_params from the wrong axis: works only when square
        n_params = len(m)
        cut = rng.integers(1, n_params, size=len(m))
        return np.where(np.arange(n_params) < cut[:, None], m, f)

    assert not check_one_point_crossover(rows_as_params)
    out = capsys.readouterr().out
    assert "mothers.shape[1]" in out and "cut[:, None]" not in out


def test_uniform_reset_refuses_one_mask_for_all_individuals(capsys):
    def one_mask_for_all(p, r, lo, hi, rng):  # shape (n_params,): the same genes in every row
        return np.where(rng.random(p.shape[1]) < r, rng.uniform(lo, hi, size=p.shape), p)

    assert not check_uniform_reset(one_mask_for_all)
    assert "its own mask, shape (pop_size, n_params)" in capsys.readouterr().out

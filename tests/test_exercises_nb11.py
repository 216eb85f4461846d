"""The checks of 11_novelty_and_map_elites's exercises: right answers pass, the usual slips
are named."""

import numpy as np

from neuroevo_helpers.exercises.nb11 import check_cell_of, check_insert, check_novelty_of


def novelty_of(point, others, k):
    return np.sort(np.linalg.norm(others - point, axis=1))[:k].mean()


def test_novelty_of(capsys):
    assert check_novelty_of(novelty_of)
    assert "Correct!" in capsys.readouterr().out

    def looped(point, others, k):
        distances = sorted(float(np.linalg.norm(row - point)) for row in others)
        return sum(distances[:k]) / k

    assert check_novelty_of(looped)
    assert "without a loop inside a comprehension" in capsys.readouterr().out
    slips = {
        "*mean*": lambda p, o, k: np.sort(np.linalg.norm(o - p, axis=1))[:k].sum(),
        "*farthest*": lambda p, o, k: np.sort(np.linalg.norm(o - p, axis=1))[-k:].mean(),
        "to *all* the others": lambda p, o, k: np.linalg.norm(o - p, axis=1).mean(),
        "squared distances": lambda p, o, k: np.sort(((o - p) ** 2).sum(axis=1))[:k].mean(),
        "single nearest": lambda p, o, k: np.linalg.norm(o - p, axis=1).min(),
        "one neighbour too many": lambda p, o, k: np.sort(np.linalg.norm(o - p, axis=1))[
            : k + 1
        ].mean(),
        "wrong axis": lambda p, o, k: np.sort(np.linalg.norm(o - p, axis=0))[:k].mean(),
        "Manhattan": lambda p, o, k: np.sort(np.abs(o - p).sum(axis=1))[:k].mean(),
        "as if it were the point itself": lambda p, o, k: np.sort(np.linalg.norm(o - p, axis=1))[
            1 : k + 1
        ].mean(),
        "its own neighbour": lambda p, o, k: np.sort(np.linalg.norm(np.vstack([o, p]) - p, axis=1))[
            :k
        ].mean(),
        "axis=1": lambda p, o, k: np.sort(np.linalg.norm(o - p))[:k].mean(),
        "np.partition(d, k - 1)": lambda p, o, k: np.partition(np.linalg.norm(o - p, axis=1), k)[
            :k
        ].mean(),
        "one number": lambda p, o, k: np.sort(np.linalg.norm(o - p, axis=1))[:k],
        "not written yet": lambda p, o, k: (_ for _ in ()).throw(NotImplementedError),
        "forget the `return`": lambda p, o, k: None,
    }
    for words, wrong in slips.items():
        assert not check_novelty_of(wrong), words
        assert words in capsys.readouterr().out, words

    def in_place(point, others, k):
        others.sort(axis=0)
        return novelty_of(point, others, k)

    assert not check_novelty_of(in_place)
    assert "in place" in capsys.readouterr().out


def cell_of(descriptor, low, high, dims):
    scaled = (descriptor - low) / (high - low) * np.array(dims)
    return tuple(np.clip(np.floor(scaled).astype(int), 0, np.array(dims) - 1))


def test_cell_of(capsys):
    assert check_cell_of(cell_of)
    assert "Correct!" in capsys.readouterr().out
    slips = {
        "round *down*": lambda d, lo, hi, dims: tuple(
            np.clip(np.round((d - lo) / (hi - lo) * dims).astype(int), 0, np.array(dims) - 1)
        ),
        "clip the indices": lambda d, lo, hi, dims: tuple(
            np.floor((d - lo) / (hi - lo) * dims).astype(int)
        ),
        "whole numbers": lambda d, lo, hi, dims: tuple((d - lo) / (hi - lo) * dims),
        "scale by the ranges": lambda d, lo, hi, dims: tuple(
            np.clip(np.floor(d * dims).astype(int), 0, np.array(dims) - 1)
        ),
        "forget the `return`": lambda d, lo, hi, dims: None,
        "return a tuple": lambda d, lo, hi, dims: np.array(cell_of(d, lo, hi, dims)),
        "whole numbers of type int": lambda d, lo, hi, dims: tuple(
            float(v) for v in cell_of(d, lo, hi, dims)
        ),
        "start at 0": lambda d, lo, hi, dims: tuple(int(v) + 1 for v in cell_of(d, lo, hi, dims)),
        "not dims - 1": lambda d, lo, hi, dims: tuple(
            np.clip(np.floor((d - lo) / (hi - lo) * (np.array(dims) - 1)).astype(int), 0, 9)
        ),
        "np.array(dims) - 1": lambda d, lo, hi, dims: tuple(
            np.clip(np.floor((d - lo) / (hi - lo) * dims).astype(int), 0, dims - 1)
        ),
    }
    for words, wrong in slips.items():
        assert not check_cell_of(wrong), words
        assert words in capsys.readouterr().out, words


def insert(objectives, cell, objective):
    if objective > objectives[cell]:
        objectives[cell] = objective
        return True
    return False


def test_insert(capsys):
    assert check_insert(insert)
    assert "Correct!" in capsys.readouterr().out

    def ties_enter(objectives, cell, objective):
        if objective >= objectives[cell]:
            objectives[cell] = objective
            return True
        return False

    def forgets_to_write(objectives, cell, objective):
        return bool(objective > objectives[cell])

    def always(objectives, cell, objective):
        objectives[cell] = objective
        return True

    def no_return(objectives, cell, objective):
        if objective > objectives[cell]:
            objectives[cell] = objective

    def zero_is_empty(objectives, cell, objective):
        if not objectives[cell] or objective > objectives[cell]:
            objectives[cell] = objective
            return True
        return False

    for wrong, words in (
        (zero_is_empty, "an elite of 0.0 is still an elite"),
        (ties_enter, "strictly better"),
        (forgets_to_write, "did not write"),
        (always, "expected False"),
        (no_return, "returned None"),
    ):
        assert not check_insert(wrong), words
        assert words in capsys.readouterr().out, words

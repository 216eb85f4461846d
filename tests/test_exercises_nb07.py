"""The checks of 07_comparison's exercises."""

import numpy as np

from neuroevo_helpers.exercises.nb07 import check_returns_to_go, check_sample_actions


def test_returns_to_go_right_and_wrong(capsys):
    assert check_returns_to_go(lambda r: np.flip(np.cumsum(np.flip(r, axis=0), axis=0), axis=0))
    assert "Correct!" in capsys.readouterr().out
    assert not check_returns_to_go(lambda r: np.cumsum(r, axis=0))
    assert "so far" in capsys.readouterr().out
    assert not check_returns_to_go(lambda r: np.flip(np.cumsum(np.flip(r, axis=1), axis=1), axis=1))
    assert "axis 0" in capsys.readouterr().out
    assert not check_returns_to_go(lambda r: None)
    assert "forget the `return`" in capsys.readouterr().out


def sample(probs, rng):
    return (probs.cumsum(axis=1) < rng.random((len(probs), 1))).sum(axis=1)


def test_sample_actions_right_and_wrong(capsys):
    assert check_sample_actions(sample)
    assert "Correct!" in capsys.readouterr().out
    assert not check_sample_actions(lambda p, rng: np.argmax(p, axis=1))
    assert "argmax" in capsys.readouterr().out
    assert not check_sample_actions(lambda p, rng: rng.choice(3, size=len(p), p=p[0]))
    assert "its own probabilities" in capsys.readouterr().out
    assert not check_sample_actions(lambda p, rng: sample(p, np.random.default_rng()))
    assert "same rng seed" in capsys.readouterr().out
    assert not check_sample_actions(lambda p, rng: sample(p, rng).astype(float))
    assert "integers" in capsys.readouterr().out


def test_more_typical_mistakes_get_a_hint(capsys):
    assert not check_returns_to_go(lambda r: np.cumsum(np.flip(r, axis=0), axis=0))
    assert "upside down" in capsys.readouterr().out
    assert not check_returns_to_go(lambda r: r.sum(axis=0) - np.cumsum(r, axis=0))
    assert "own reward" in capsys.readouterr().out
    assert not check_sample_actions(lambda p, rng: (p.cumsum(axis=1) < rng.random()).sum(axis=1))
    assert "one number per row" in capsys.readouterr().out
    assert not check_sample_actions(
        lambda p, rng: (p.cumsum(axis=1) > rng.random((len(p), 1))).sum(axis=1)
    )
    assert "below" in capsys.readouterr().out

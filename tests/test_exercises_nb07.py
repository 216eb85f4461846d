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


def to_go(rewards):
    return np.flip(np.cumsum(np.flip(rewards, axis=0), axis=0), axis=0)


def to_go_for_loop(rewards):
    out = np.zeros_like(rewards)
    for t in range(len(rewards)):
        out[t] = rewards[t:].sum(axis=0)
    return out


def to_go_while_loop(rewards):
    out, running, t = np.zeros_like(rewards), np.zeros(rewards.shape[1]), len(rewards)
    while t > 0:
        t -= 1
        running = running + rewards[t]
        out[t] = running
    return out


def test_returns_to_go_asks_for_no_loop(capsys):
    for fn in (to_go_for_loop, to_go_while_loop):
        assert not check_returns_to_go(fn)
        out = capsys.readouterr().out
        assert "the numbers are right, but the function uses a" in out and "np.cumsum" in out
    assert not check_returns_to_go(lambda r: np.array([r[t:].sum(axis=0) for t in range(len(r))]))
    assert "a loop inside a comprehension" in capsys.readouterr().out


def test_returns_to_go_more_slips(capsys):
    assert not check_returns_to_go(lambda r: to_go(r).tolist())
    out = capsys.readouterr().out
    assert "returned a list; return a NumPy array" in out and "numbers in it are right" in out
    assert not check_returns_to_go(lambda r: np.cumsum(r[::-1])[::-1])  # no axis: flattened
    assert "without an axis flattens" in capsys.readouterr().out
    assert not check_returns_to_go(lambda r: to_go(r).T)
    assert "axes are swapped" in capsys.readouterr().out
    assert not check_returns_to_go(lambda r: to_go(r).astype(int))  # whole-number example passes
    assert "cut to whole numbers" in capsys.readouterr().out
    assert not check_returns_to_go(lambda r: to_go(r[:4, :2]))  # sizes of the first example
    assert "not for other rewards, (7, 3)" in capsys.readouterr().out
    assert not check_returns_to_go(lambda r: to_go(r) + r[:, :, None])  # a shape error
    assert "(T, n_episodes), here (4, 2)" in capsys.readouterr().out


def sample_for_loop(probs, rng):
    actions = np.empty(len(probs), dtype=int)
    for i, row in enumerate(probs):
        actions[i] = rng.choice(len(row), p=row)
    return actions


def test_sample_actions_asks_for_no_loop(capsys):
    assert not check_sample_actions(sample_for_loop)
    out = capsys.readouterr().out
    assert "the actions come out right, but the function uses a for loop" in out
    assert "rng.random((len(probs), 1))" in out
    assert not check_sample_actions(lambda p, rng: np.array([rng.choice(3, p=row) for row in p]))
    assert "a loop inside a comprehension" in capsys.readouterr().out


def test_sample_actions_explains_shape_errors_and_more_slips(capsys):
    assert not check_sample_actions(lambda p, rng: (p.cumsum(axis=1) < rng.random(len(p))).sum(1))
    out = capsys.readouterr().out
    assert "broadcast" in out and "3 against 20000" in out and "(len(probs), 1)" in out
    assert not check_sample_actions(lambda p, rng: rng.choice(p.shape[1], size=len(p), p=p))
    assert "rng.choice takes one probability vector" in capsys.readouterr().out
    assert not check_sample_actions(lambda p, rng: sample(p, rng).tolist())
    assert "returned a list; return a NumPy array" in capsys.readouterr().out
    assert not check_sample_actions(lambda p, rng: rng.multinomial(1, p))
    assert ".argmax(axis=1)" in capsys.readouterr().out
    assert not check_sample_actions(lambda p, rng: (p.cumsum(axis=1) < rng.random(p.shape)).sum(1))
    assert "one uniform number per *entry*" in capsys.readouterr().out
    assert not check_sample_actions(lambda p, rng: (p < rng.random((len(p), 1))).sum(axis=1))
    assert "*cumulative* sums" in capsys.readouterr().out


def test_sample_actions_names_a_cumsum_down_the_columns(capsys):
    slips = [
        lambda p, rng: (p.cumsum(axis=0) < rng.random((len(p), 1))).sum(axis=1),
        lambda p, rng: np.argmax(p.cumsum(axis=0) > rng.random((len(p), 1)), axis=1),
        lambda p, rng: (p.cumsum(axis=0) < rng.random(len(p))[:, None]).sum(1).astype(np.int32),
    ]
    for slip in slips:
        assert not check_sample_actions(slip)
        out = capsys.readouterr().out
        assert "along each row, probs.cumsum(axis=1)" in out and "axis=0 sums down" in out

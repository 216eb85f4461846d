"""The checks of 13_bipedal_walker's exercises: right answers pass, the usual slips are named,
and the checks' rule is the one nh.Shaping applies."""

import numpy as np
import pytest

import neuroevo_helpers as nh
from neuroevo_helpers.exercises import nb13
from neuroevo_helpers.exercises.nb13 import check_shaped_rewards, check_steps_played


def shaped_rewards(rewards, terminated, fall_reward):
    return np.where(terminated & (rewards == -100), fall_reward, rewards)


def steps_played(rewards, patience):
    returns = np.cumsum(rewards)
    best_before = np.maximum.accumulate(np.concatenate([[0.0], returns]))[:-1]
    steps = np.arange(1, len(rewards) + 1)
    last_high = np.maximum.accumulate(np.where(returns > best_before, steps, 0))
    cut = np.flatnonzero(steps - last_high >= patience)
    return int(cut[0] + 1) if cut.size else len(rewards)


def in_place(rewards, terminated, fall_reward):
    rewards[terminated & (rewards == -100)] = fall_reward
    return rewards


def test_shaped_rewards(capsys):
    assert check_shaped_rewards(shaped_rewards)
    assert "Correct!" in capsys.readouterr().out
    slips = {
        "did not end": lambda r, t, f: np.where(r == -100, f, r),
        "far end": lambda r, t, f: np.where(t, f, r),
        "equality": lambda r, t, f: np.where(t & (r <= -100), f, r),
        "changed the rewards array": in_place,
        "fixed 0": lambda r, t, f: np.where(t & (r == -100), 0, r),
        "NumPy array": lambda r, t, f: list(shaped_rewards(r, t, f)),
        "not written yet": lambda r, t, f: (_ for _ in ()).throw(NotImplementedError),
        "use `&`": lambda r, t, f: np.where(t and (r == -100), f, r),
        "parentheses": lambda r, t, f: np.where(t & r == -100, f, r),
    }
    for words, slip in slips.items():
        assert not check_shaped_rewards(slip), words
        assert words in capsys.readouterr().out


def test_steps_played(capsys):
    assert check_steps_played(steps_played)
    out = capsys.readouterr().out
    assert "Correct!" in out and "loop" not in out

    def with_loop(rewards, patience):
        best, since, total = 0.0, 0, 0.0
        for t, r in enumerate(rewards, 1):
            total += r
            best, since = (total, 0) if total > best else (best, since + 1)
            if since >= patience:
                return t
        return len(rewards)

    assert check_steps_played(with_loop)
    assert "for loop" in capsys.readouterr().out
    slips = {
        "starts at 0": dict(start_first=True),
        "use >, not >=": dict(ties=True),
        "one step short": dict(off_by_one=True),
        "one step too many": dict(too_late=True),
        "np.cumsum": dict(raw=True),
    }
    for words, slip in slips.items():
        assert not check_steps_played(lambda r, p, slip=slip: nb13._steps(r, p, **slip)), words
        assert words in capsys.readouterr().out
    assert not check_steps_played(lambda r, p: None)
    assert "forget a `return`" in capsys.readouterr().out
    assert not check_steps_played(lambda r, p: [len(r)])
    assert "one whole number" in capsys.readouterr().out


@pytest.mark.parametrize("seed", range(5))
def test_the_checks_rule_is_the_packages(seed):
    """The checks' reference `_steps` stops where nh.Shaping stops a copy."""
    rng = np.random.default_rng(seed)
    rewards = rng.normal(0.02, 0.3, (8, 400))
    shaping = nh.Shaping(patience=25)
    state, returns = shaping.start(8), np.zeros(8)
    running, played = np.ones(8, dtype=bool), np.zeros(8, dtype=int)
    for t in range(400):
        reward, stop = shaping.step(state, returns, rewards[:, t], np.zeros(8, dtype=bool), running)
        returns += reward * running
        played += running
        running &= ~stop
    assert played.tolist() == [nb13._steps(r, 25) for r in rewards]
    assert played.tolist() == [steps_played(r, 25) for r in rewards]

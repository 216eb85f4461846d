"""The checks of 00_welcome's exercises accept right answers and explain wrong ones."""

import numpy as np

from neuroevo_helpers import make_env
from neuroevo_helpers.exercises.nb00 import check_lean_policy, check_run_episode


def run_episode(env_id, policy, seed, off_by_one=False, ignore_seed=False):
    env = make_env(env_id)
    obs, _ = env.reset(seed=None if ignore_seed else seed)
    total, done, t = 0.0, False, 0
    while not done:
        obs, reward, terminated, truncated, _ = env.step(policy(obs))
        total, t, done = total + reward, t + 1, terminated or truncated
    return t - 1 if off_by_one else total


def test_run_episode_right_and_wrong(capsys):
    assert check_run_episode(run_episode)
    assert "Correct!" in capsys.readouterr().out
    assert not check_run_episode(lambda e, p, s: run_episode(e, p, s, off_by_one=True))
    assert "Off by one" in capsys.readouterr().out
    assert not check_run_episode(lambda e, p, s: None)
    assert "forget the `return`" in capsys.readouterr().out
    assert not check_run_episode(lambda e, p, s: [1.0] * 10)  # the rewards, not their sum
    assert "returned a list; return one number" in capsys.readouterr().out


def test_run_episode_stub_and_crash_do_not_raise(capsys):
    def stub(env_id, policy, seed):
        raise NotImplementedError

    assert not check_run_episode(stub)
    assert "not written yet" in capsys.readouterr().out
    assert not check_run_episode(lambda e, p, s: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_lean_policy_right_and_wrong(capsys):
    assert check_lean_policy(lambda obs: int(obs[2] + obs[3] > 0))
    assert "Correct!" in capsys.readouterr().out
    assert not check_lean_policy(lambda obs: int(obs[2] > 0))  # about 40: not enough
    assert "obs[3]" in capsys.readouterr().out
    assert not check_lean_policy(lambda obs: 7)  # not an action
    assert "returned 7; return one action, 0 (push left) or 1" in capsys.readouterr().out


def test_lean_policy_says_what_an_action_is(capsys):
    def no_return(obs):
        int(obs[2] + obs[3] > 0)

    assert not check_lean_policy(no_return)
    assert "forget the `return`" in capsys.readouterr().out
    assert not check_lean_policy(lambda obs: np.array([int(obs[2] > 0)]))  # an array, not an int
    assert "return one action" in capsys.readouterr().out
    assert not check_lean_policy(lambda obs: 0.5)
    assert "returned 0.5" in capsys.readouterr().out
    assert check_lean_policy(lambda obs: obs[2] + obs[3] > 0)  # a NumPy bool is a fine 0 or 1
    assert "Correct!" in capsys.readouterr().out

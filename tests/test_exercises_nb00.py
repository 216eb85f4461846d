"""The checks of 00_welcome's exercises accept right answers and explain wrong ones."""

import numpy as np

from neuroevo_helpers import make_env
from neuroevo_helpers.exercises.nb00 import check_lean_policy, check_run_episode


def run_episode(env_id, policy, seed, off_by_one=False, ignore_seed=False, ignore_truncated=False):
    env = make_env(env_id)
    obs, _ = env.reset(seed=None if ignore_seed else seed)
    total, done, t = 0.0, False, 0
    while not done:
        obs, reward, terminated, truncated, _ = env.step(policy(obs))
        total, t = total + reward, t + 1
        done = terminated if ignore_truncated else terminated or truncated
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


def test_run_episode_must_stop_at_the_time_limit(capsys):
    # stops only when the pole falls: the 'balance' policy keeps it up past 500 steps
    assert not check_run_episode(lambda e, p, s: run_episode(e, p, s, ignore_truncated=True))
    out = capsys.readouterr().out
    assert "'balance' policy, seed 1: the episode went on past the 500-step time limit" in out
    assert "ends when truncated is True (the time limit)" in out


def test_a_fresh_kernel_is_told_to_run_the_setup_cell(capsys):
    namespace = {}  # the Setup cell's imports never ran: no np, no nh
    exec(
        "def run_episode(env_id, policy, seed):\n"
        "    env = nh.make_env(env_id)\n"
        "def lean_policy(obs):\n"
        "    return int(np.sign(obs[2]) > 0)\n",
        namespace,
    )
    assert not check_run_episode(namespace["run_episode"])
    out = capsys.readouterr().out
    assert "NameError(\"name 'nh' is not defined\")" in out
    assert "Run the notebook's Setup cell (the imports) first." in out
    assert not check_lean_policy(namespace["lean_policy"])
    assert "Run the notebook's Setup cell (the imports) first." in capsys.readouterr().out

    def other_name(env_id, policy, seed):
        return undefined_name  # noqa: F821 (a learner's typo, not a missing import)

    assert not check_run_episode(other_name)
    assert "Setup cell" not in capsys.readouterr().out


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
    out = capsys.readouterr().out
    assert "returned 7; return one action, 0 (push left) or 1" in out
    assert "with obs = [0.0, 0.0, 0.05, 0.1]" in out  # rounded, not 0.05000000074505806
    assert "int(obs[2] > 0)" not in out  # that example is itself a wrong answer (about 40)


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

"""The checks of 09_capstone_continuous_control's exercises."""

import numpy as np

from neuroevo_helpers.exercises.nb09 import (
    check_act_from_file,
    check_episodes_needed,
    check_merge_stats,
)


def act(arrays, obs, normalize=True, scale=True):
    h = (obs - arrays["obs_mean"]) / arrays["obs_std"] if normalize else obs
    params, start, sizes = arrays["params"], 0, arrays["layer_sizes"]
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = params[start : start + n_in * n_out].reshape(n_in, n_out)
        start += n_in * n_out
        h = np.tanh(h @ W + params[start : start + n_out])
        start += n_out
    low, high = arrays["action_low"], arrays["action_high"]
    return low + (h + 1) / 2 * (high - low) if scale else h


def test_act_from_file_right_and_wrong(capsys):
    assert check_act_from_file(act)
    assert "Correct!" in capsys.readouterr().out
    assert not check_act_from_file(lambda a, o: act(a, o, normalize=False))
    assert "not normalised" in capsys.readouterr().out
    assert not check_act_from_file(lambda a, o: act(a, o, scale=False))
    assert "still in (-1, 1)" in capsys.readouterr().out
    assert not check_act_from_file(lambda a, o: act(a, np.atleast_2d(o))[0])
    assert "shape" in capsys.readouterr().out
    assert not check_act_from_file(lambda a, o: act(a, o)[..., ::-1])
    assert "Walk the layers" in capsys.readouterr().out
    assert not check_act_from_file(lambda a, o: None)
    assert "forget the `return`" in capsys.readouterr().out


def test_episodes_needed_right_and_wrong(capsys):
    assert check_episodes_needed(lambda s, m: int(np.ceil((s / m) ** 2)))
    assert "Correct!" in capsys.readouterr().out
    assert not check_episodes_needed(lambda s, m: (s / m) ** 2)
    assert "round up" in capsys.readouterr().out
    assert not check_episodes_needed(lambda s, m: int(np.ceil(s / m)))
    assert "square" in capsys.readouterr().out

    def broken(s, m):
        raise NotImplementedError

    assert not check_episodes_needed(broken)
    assert "not written yet" in capsys.readouterr().out


def merge(a, b, between=True):
    (na, ma, va), (nb, mb, vb) = a, b
    n = na + nb
    mean = (na * ma + nb * mb) / n
    var = (na * va + nb * vb) / n
    if between:
        var = var + na * nb / n**2 * (ma - mb) ** 2
    return n, mean, var


def test_merge_stats_right_and_wrong(capsys):
    assert check_merge_stats(merge)
    assert "Correct!" in capsys.readouterr().out
    assert not check_merge_stats(lambda a, b: merge(a, b, between=False))
    assert "between" in capsys.readouterr().out
    assert not check_merge_stats(lambda a, b: (a[0] + b[0], (a[1] + b[1]) / 2, a[2]))
    assert "weight each by its count" in capsys.readouterr().out
    assert not check_merge_stats(lambda a, b: merge(a, b)[:2])
    assert "tuple of three" in capsys.readouterr().out
    assert not check_merge_stats(lambda a, b: (a[0], *merge(a, b)[1:]))
    assert "the two counts added" in capsys.readouterr().out

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


def test_act_from_file_names_the_usual_slips(capsys):
    def walk(arrays, obs, last=np.tanh, hidden=np.tanh, order="W b", shape="in out"):
        h = (obs - arrays["obs_mean"]) / arrays["obs_std"]
        params, start, sizes = arrays["params"], 0, [int(n) for n in arrays["layer_sizes"]]
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            w_at, b_at = (start, start + n_in * n_out) if order == "W b" else (start + n_out, start)
            W = params[w_at : w_at + n_in * n_out]
            W = W.reshape(n_in, n_out) if shape == "in out" else W.reshape(n_out, n_in).T
            h = h @ W + params[b_at : b_at + n_out]
            h = last(h) if i == len(sizes) - 2 else hidden(h)
            start += n_in * n_out + n_out
        low, high = arrays["action_low"], arrays["action_high"]
        return low + (h + 1) / 2 * (high - low)

    assert check_act_from_file(walk)
    capsys.readouterr()
    slips = [
        (dict(last=lambda x: x), "the last layer has no tanh"),
        (dict(shape="out in"), "read transposed"),
        (dict(order="b W"), "the bias is read before the weights"),
        (dict(hidden=lambda x: np.maximum(x, 0)), "the hidden layers use ReLU"),
    ]
    for slip, hint in slips:
        assert not check_act_from_file(lambda a, o, slip=slip: walk(a, o, **slip))
        assert hint in capsys.readouterr().out, slip


def test_episodes_needed_right_and_wrong(capsys):
    assert check_episodes_needed(lambda s, m: int(np.ceil((s / m) ** 2)))
    assert "Correct!" in capsys.readouterr().out
    assert not check_episodes_needed(lambda s, m: (s / m) ** 2)
    assert "round up" in capsys.readouterr().out
    assert not check_episodes_needed(lambda s, m: int(np.ceil(s / m)))
    assert "square" in capsys.readouterr().out
    assert not check_episodes_needed(lambda s, m: round((s / m) ** 2))
    assert "Round *up*, with np.ceil" in capsys.readouterr().out
    assert not check_episodes_needed(lambda s, m: int((s / m) ** 2))
    assert "Round *up*, with np.ceil" in capsys.readouterr().out
    assert not check_episodes_needed(lambda s, m: int((s / m) ** 2) + 1)  # a strict <
    assert "not a strict <" in capsys.readouterr().out

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
    assert "return three things" in capsys.readouterr().out
    assert check_merge_stats(lambda a, b: list(merge(a, b)))  # a list of three is fine too
    capsys.readouterr()

    def sample_variance(a, b):  # merges as if the variances divided by count - 1
        (na, ma, va), (nb, mb, vb) = a, b
        n, mean, _ = merge(a, b)
        var = ((na - 1) * va + (nb - 1) * vb + na * nb / n * (ma - mb) ** 2) / (n - 1)
        return n, mean, var

    assert not check_merge_stats(sample_variance)
    assert "ddof" in capsys.readouterr().out
    assert not check_merge_stats(lambda a, b: (a[0], *merge(a, b)[1:]))
    assert "the two counts added" in capsys.readouterr().out


def test_more_slips_get_a_hint(capsys):
    assert not check_act_from_file(lambda a, o: act(a, o).tolist())
    out = capsys.readouterr().out
    assert "returned a list; return a NumPy array" in out and "numbers in it are right" in out

    def weights_first(arrays, obs):  # W @ h: the matrix product does not line up
        h, start, sizes = obs, 0, [int(n) for n in arrays["layer_sizes"]]
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            h = np.tanh(arrays["params"][start : start + n_in * n_out].reshape(n_in, n_out) @ h)
            start += n_in * n_out + n_out
        return h

    assert not check_act_from_file(weights_first)
    out = capsys.readouterr().out
    assert "Shapes: obs is (batch, n_obs), here (6, 3)" in out and "h @ W + b" in out

    def bias_not_skipped(arrays, obs):
        h = (obs - arrays["obs_mean"]) / arrays["obs_std"]
        params, start, sizes = arrays["params"], 0, [int(n) for n in arrays["layer_sizes"]]
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            W = params[start : start + n_in * n_out].reshape(n_in, n_out)
            h = np.tanh(h @ W + params[start + n_in * n_out : start + n_in * n_out + n_out])
            start += n_in * n_out  # forgets the bias
        low, high = arrays["action_low"], arrays["action_high"]
        return low + (h + 1) / 2 * (high - low)

    assert not check_act_from_file(bias_not_skipped)
    assert "move on past it too" in capsys.readouterr().out

    assert not check_episodes_needed(lambda s, m: [int(np.ceil((s / m) ** 2))])
    assert "returned a list; return one number" in capsys.readouterr().out
    assert not check_episodes_needed(lambda s, m: int(np.ceil(s / m**2)))
    assert "** binds tighter than /" in capsys.readouterr().out
    assert not check_episodes_needed(lambda s, m: int(np.ceil((m / s) ** 2)))
    assert "not (margin / std) ** 2" in capsys.readouterr().out

    assert not check_merge_stats(
        lambda a, b: (merge(a, b)[0], list(merge(a, b)[1]), merge(a, b)[2])
    )
    assert "returned its mean as a list" in capsys.readouterr().out
    assert not check_merge_stats(lambda a, b: (*merge(a, b)[:2], (a[2] + b[2]) / 2))
    assert "plain average of the two variances" in capsys.readouterr().out

    def between_too_large(a, b):
        (na, ma, va), (nb, mb, vb) = a, b
        n, mean, _ = merge(a, b)
        return n, mean, (na * va + nb * vb) / n + na * nb / n * (ma - mb) ** 2

    assert not check_merge_stats(between_too_large)
    assert "too large: it too is divided by count" in capsys.readouterr().out


def act_with_sizes(arrays, obs, sizes):
    return act(dict(arrays, layer_sizes=np.array(sizes)), obs)


def test_act_from_file_asks_for_the_sizes_in_the_file(capsys):
    assert not check_act_from_file(lambda a, o: act_with_sizes(a, o, [8, 32, 32, 2]))
    out = capsys.readouterr().out
    assert "arrays['layer_sizes']" in out and "W @ h" not in out
    # the check's own sizes, written in: right for its first file only
    assert not check_act_from_file(lambda a, o: act_with_sizes(a, o, [3, 5, 4, 2]))
    out = capsys.readouterr().out
    assert "another with layer sizes [2, 6, 3]" in out and "arrays['layer_sizes']" in out

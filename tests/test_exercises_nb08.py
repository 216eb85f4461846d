"""The checks of 08_scaling_up's exercises."""

import numpy as np

from neuroevo_helpers.exercises.nb08 import (
    check_amdahl,
    check_members_from_seeds,
    check_noise_from_table,
)


def test_amdahl_right_and_wrong(capsys):
    assert check_amdahl(lambda p, n: 1 / ((1 - np.asarray(p)) + np.asarray(p) / np.asarray(n)))
    assert "Correct!" in capsys.readouterr().out
    assert not check_amdahl(lambda p, n: (1 - p) + p / n)
    assert "1 divided by it" in capsys.readouterr().out
    assert not check_amdahl(lambda p, n: 1 / (p + (1 - p) / n))
    assert "swapped" in capsys.readouterr().out
    assert not check_amdahl(lambda p, n: p * n + (1 - p))
    assert "adds up work" in capsys.readouterr().out
    assert not check_amdahl(lambda p, n: 1 / ((1 - p) + p / n) if np.isscalar(p) else None)
    assert "NumPy arrays" in capsys.readouterr().out
    assert not check_amdahl(lambda p, n: (1 / ((1 - p) + p / n), (1 - p) + p / n))
    assert "return one number" in capsys.readouterr().out

    def with_if(p, n):
        if p == 1:  # fine for numbers, ambiguous for arrays
            return n
        return 1 / ((1 - p) + p / n)

    assert not check_amdahl(with_if)
    assert "An `if`" in capsys.readouterr().out


def noise(seeds, n):
    return np.stack([np.random.default_rng(int(s)).standard_normal(n) for s in seeds])


def test_members_from_seeds_right_and_wrong(capsys):
    def right(center, sigma, seeds):
        eps = noise(seeds, len(center))
        return center + sigma * np.concatenate([eps, -eps])

    assert check_members_from_seeds(right)
    assert "Correct!" in capsys.readouterr().out
    assert not check_members_from_seeds(lambda c, s, seeds: c + s * noise(seeds, len(c)))
    assert "only the + members" in capsys.readouterr().out

    def interleaved(center, sigma, seeds):
        eps = noise(seeds, len(center))
        return center + sigma * np.stack([eps, -eps], axis=1).reshape(-1, len(center))

    assert not check_members_from_seeds(interleaved)
    assert "wrong order" in capsys.readouterr().out
    assert not check_members_from_seeds(lambda c, s, seeds: right(c, 1.0, seeds))
    assert "scaled" in capsys.readouterr().out
    assert not check_members_from_seeds(lambda c, s, seeds: None)
    assert "forget the `return`" in capsys.readouterr().out

    def noise_per_seed(center, sigma, seeds):  # n_params taken from the wrong array
        eps = noise(seeds, len(seeds))
        return center + sigma * np.concatenate([eps, -eps])

    assert not check_members_from_seeds(noise_per_seed)
    assert "noise_from_seeds(seeds, len(center))" in capsys.readouterr().out


def test_noise_from_table_right_and_wrong(capsys):
    def right(table, offsets, n):
        return table[np.asarray(offsets)[:, None] + np.arange(n)]

    assert check_noise_from_table(right)
    assert "Correct!" in capsys.readouterr().out
    assert not check_noise_from_table(lambda t, o, n: right(t, o, n)[:, ::-1])
    assert "reversed" in capsys.readouterr().out
    assert not check_noise_from_table(lambda t, o, n: right(t, np.asarray(o) + 1, n))
    assert "largest allowed" in capsys.readouterr().out
    assert not check_noise_from_table(lambda t, o, n: t[o])
    assert "shape" in capsys.readouterr().out
    assert not check_noise_from_table(lambda t, o, n: right(t, o // 2, n))
    assert "offsets[:, None]" in capsys.readouterr().out
    assert not check_noise_from_table(lambda t, o, n: t[np.asarray(o)[:, None] + np.arange(10)])
    assert "expected (300, 50)" in capsys.readouterr().out
    assert not check_noise_from_table(lambda t, o, n: t[np.asarray(o) + np.arange(n)])
    assert "make offsets a column first, offsets[:, None]" in capsys.readouterr().out


def looped(table, offsets, n_params):
    rows = []
    for offset in offsets:
        rows.append(table[offset : offset + n_params])
    return np.array(rows)


def comprehension(table, offsets, n_params):
    return np.stack([table[o : o + n_params] for o in offsets])


def test_noise_from_table_asks_for_no_loop(capsys):
    for fn in (looped, comprehension):
        assert not check_noise_from_table(fn)
        assert "the numbers are right, but the function uses a" in capsys.readouterr().out


def test_more_slips_get_a_hint(capsys):
    assert not check_amdahl(lambda p, n: 1 / (1 - p) + p / n)  # brackets left out
    assert "only (1 - p) is under the 1 /" in capsys.readouterr().out
    assert not check_amdahl(lambda p, n: [1 / ((1 - p) + p / n)])
    assert "returned a list; for two numbers, return one number" in capsys.readouterr().out

    def with_math(p, n):
        import math

        return math.pow((1 - p) + p / n, -1)

    assert not check_amdahl(with_math)
    assert "Python's math module" in capsys.readouterr().out

    def members(center, sigma, seeds):
        eps = noise(seeds, len(center))
        return list(center + sigma * np.concatenate([eps, -eps]))

    assert not check_members_from_seeds(members)
    out = capsys.readouterr().out
    assert "returned a list; return a NumPy array" in out and "numbers in it are right" in out


def test_noise_from_table_refuses_lists_and_names_swapped_axes(capsys):
    def rows(table, offsets, n):
        return list(table[np.asarray(offsets)[:, None] + np.arange(n)])

    assert not check_noise_from_table(rows)
    assert "returned a list; return a NumPy array" in capsys.readouterr().out
    assert not check_noise_from_table(lambda t, o, n: [t[x : x + n] for x in o])
    out = capsys.readouterr().out
    assert "returned a list made with a loop inside a comprehension" in out
    assert not check_noise_from_table(
        lambda t, o, n: t[np.asarray(o)[None] + np.arange(n)[:, None]]
    )
    assert "The axes are swapped" in capsys.readouterr().out


def test_amdahl_refuses_a_list_for_arrays(capsys):
    def list_for_arrays(p, n):
        if np.ndim(p):
            return [1 / ((1 - a) + a / b) for a, b in zip(p, n)]
        return 1 / ((1 - p) + p / n)

    assert not check_amdahl(list_for_arrays)
    out = capsys.readouterr().out
    assert "with NumPy arrays" in out and "returned a list; return a NumPy array" in out


def test_members_from_seeds_says_where_noise_from_seeds_comes_from(capsys):
    def without_section_5(center, sigma, seeds):
        eps = noise_from_seeds(seeds, len(center))  # noqa: F821 (section 5 not run)
        return center + sigma * np.concatenate([eps, -eps])

    assert not check_members_from_seeds(without_section_5)
    out = capsys.readouterr().out
    assert "section 5's first code cell" in out and "define noise_from_seeds here" in out


def test_noise_from_table_explains_a_slice_with_an_array_start(capsys):
    assert not check_noise_from_table(lambda t, o, n: t[o : o + n])
    out = capsys.readouterr().out
    assert "one start, not an array of them" in out and "offsets[:, None] + np.arange" in out

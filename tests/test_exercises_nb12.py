"""The checks of 12_neat's exercises: right answers pass, the usual slips are named."""

import numpy as np

from neuroevo_helpers import neat
from neuroevo_helpers.exercises.nb12 import check_align, check_compatibility


def align(a, b):
    matching = np.intersect1d(a, b)
    only = np.setxor1d(a, b)
    end = min(a.max(), b.max())
    return matching, only[only <= end], only[only > end]


def test_align(capsys):
    assert check_align(align)
    assert check_align(lambda a, b: neat.align(_g(a), _g(b)))
    assert "Correct!" in capsys.readouterr().out
    slips = {
        "went into disjoint": lambda a, b: (np.intersect1d(a, b), np.setxor1d(a, b), np.array([])),
        "*smaller*": lambda a, b: (
            np.intersect1d(a, b),
            np.setxor1d(a, b)[np.setxor1d(a, b) < max(a.max(), b.max())],
            np.setxor1d(a, b)[np.setxor1d(a, b) >= max(a.max(), b.max())],
        ),
        "only one genome's genes": lambda a, b: (
            np.intersect1d(a, b),
            np.setxor1d(a, b)[np.setxor1d(a, b) <= min(a.max(), b.max())],
            np.setdiff1d(b, a)[np.setdiff1d(b, a) > min(a.max(), b.max())],
        ),
        "swapped": lambda a, b: align(a, b)[::2] + align(a, b)[1:2],
        "np.intersect1d": lambda a, b: (np.union1d(a, b), *align(a, b)[1:]),
        "not in order": lambda a, b: tuple(x[::-1] for x in align(a, b)),
        "still within range": lambda a, b: (
            np.intersect1d(a, b),
            np.setxor1d(a, b)[np.setxor1d(a, b) < min(a.max(), b.max())],
            np.setxor1d(a, b)[np.setxor1d(a, b) >= min(a.max(), b.max())],
        ),
        "three arrays": lambda a, b: np.intersect1d(a, b),
        "forget the `return`": lambda a, b: None,
        "not written yet": _not_written,
    }
    for words, wrong in slips.items():
        assert not check_align(wrong), words
        out = capsys.readouterr().out
        assert words in out, (words, out)


def test_align_with_a_loop_passes_and_says_numpy_can_do_it(capsys):
    def looped(a, b):
        matching = [x for x in a if x in b]
        end = min(max(a), max(b))
        only = sorted(x for x in [*a, *b] if x not in matching)
        return matching, [x for x in only if x <= end], [x for x in only if x > end]

    assert check_align(looped)
    assert "without a loop" in capsys.readouterr().out


def _g(innovations):
    from neuroevo_helpers.exercises.nb12 import genome_with

    return genome_with(innovations)


def _not_written(*args):
    raise NotImplementedError


def compatibility(a, b, c1=1.0, c2=1.0, c3=0.4):
    return neat.compatibility(a, b, c1, c2, c3)


def test_compatibility(capsys):
    assert check_compatibility(compatibility)
    assert "Correct!" in capsys.readouterr().out

    def parts(a, b):
        m, d, e = align(a.innovation, b.innovation)
        i, j = np.searchsorted(a.innovation, m), np.searchsorted(b.innovation, m)
        big = max(len(a.innovation), len(b.innovation))
        return len(e), len(d), a.weight[i] - b.weight[j], big, (1 if big < 20 else big)

    def by_number(a, b):
        m = np.intersect1d(a.innovation, b.innovation)
        if m.max() >= min(len(a.weight), len(b.weight)):
            raise IndexError("index out of bounds")  # what NumPy raises there
        return np.abs(a.weight[m] - b.weight[m]).mean()

    def slip(kind):
        def wrong(a, b, c1=1.0, c2=1.0, c3=0.4):
            E, D, diff, big, n = parts(a, b)
            w = np.abs(diff).mean() if len(diff) else 0.0
            small = min(len(a.innovation), len(b.innovation))
            if kind == "by number":  # may raise, as the slip itself would
                return (c1 * E + c2 * D) / n + c3 * by_number(a, b)
            return {
                "always N": (c1 * E + c2 * D) / big + c3 * w,
                "no N": c1 * E + c2 * D + c3 * w,
                "swapped": (c1 * D + c2 * E) / n + c3 * w,
                "signed": (c1 * E + c2 * D) / n + c3 * (diff.mean() if len(diff) else 0.0),
                "sum": (c1 * E + c2 * D) / n + c3 * np.abs(diff).sum(),
                "all excess": c1 * (E + D) / n + c3 * w,
                "all disjoint": c2 * (E + D) / n + c3 * w,
                "no c3": (c1 * E + c2 * D) / n + w,
                "min N": (c1 * E + c2 * D) / (1 if big < 20 else small) + c3 * w,
                "<= 20": (c1 * E + c2 * D) / (1 if big <= 20 else big) + c3 * w,
            }[kind]

        return wrong

    named = {
        "always N": "N = 1 for small genomes",
        "no N": "did not divide E and D by N",
        "swapped": "c1 multiplies the excess",
        "signed": "*absolute*",
        "sum": "their mean",
        "all excess": "is disjoint",
        "all disjoint": "is excess",
        "no c3": "coefficient c3",
        "min N": "*larger* genome",
        "<= 20": "exactly 20 genes",
        "by number": "by position",
    }
    for kind, words in named.items():
        assert not check_compatibility(slip(kind)), kind
        out = capsys.readouterr().out
        assert words in out, (kind, out)

    def in_place(a, b, c1=1.0, c2=1.0, c3=0.4):
        a.weight -= b.weight[: len(a.weight)].mean()
        return compatibility(a, b, c1, c2, c3)

    assert not check_compatibility(in_place)
    assert "only read them" in capsys.readouterr().out
    assert not check_compatibility(lambda a, b, c1, c2, c3: np.zeros(2))
    assert "one number" in capsys.readouterr().out

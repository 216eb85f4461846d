"""The course's NEAT against neat-python (the reference) on XOR: the stored 30-seed
comparison says they are in the same range, and a re-run of two seeds of each reproduces it.

The stored runs are re-made by the command in assets/12_xor.json (about 3 minutes)."""

import json
from pathlib import Path

import numpy as np
import pytest

from neuroevo_helpers import neat_runs, protocol

pytest.importorskip("neat", reason="neat-python is a test dependency: pip install -e .[dev]")
STORED = json.loads((Path(__file__).resolve().parents[1] / "assets" / "12_xor.json").read_text())
# The processor the stored course runs were made on (OpenBLAS picks its kernels by processor,
# and a run can drift from the last digit on): elsewhere a re-run must still solve XOR.
MADE_ON = "a 2-core Xeon with AVX-512 (OpenBLAS's SkylakeX kernels)"


def runs(library):
    return [r for r in STORED["runs"] if r["library"] == library]


def test_the_stored_comparison_has_both_libraries_in_the_same_range():
    course, reference = runs("course"), runs("neat-python")
    assert len(course) == len(reference) >= 20
    assert [r["seed"] for r in course] == [r["seed"] for r in reference]
    for library in (course, reference):  # every run solved XOR within 300 generations
        assert all(r["generations"] is not None for r in library)
    ours = protocol.median_interval([r["generations"] for r in course])
    theirs = protocol.median_interval([r["generations"] for r in reference])
    # "the same range": each median within a factor of 3 of the other, and the paper's
    # average (32 generations; Stanley & Miikkulainen 2002) inside the course's interval
    # widened by half its width
    assert 1 / 3 <= ours.estimate / theirs.estimate <= 3, (ours, theirs)
    width = ours.high - ours.low
    assert ours.low - width / 2 <= 32 <= ours.high + width / 2, ours
    hidden = np.mean([r["hidden"] for r in course])
    assert 1 <= hidden <= 5  # XOR needs at least one hidden node; the paper's mean is 2.35


@pytest.mark.parametrize("seed", [0, 1])
def test_a_re_run_reproduces_the_stored_runs(seed):
    stored = {r["library"]: r for r in STORED["runs"] if r["seed"] == seed}
    again = neat_runs.xor_neat_python(seed)
    assert again["generations"] == stored["neat-python"]["generations"], (
        "neat-python's run differs from the stored one: another neat-python version? "
        f"Re-make assets/12_xor.json with: {STORED['command']}"
    )
    ours = neat_runs.xor_course(seed)
    same = protocol.same_as_stored(
        ours["generations"], stored["course"]["generations"], f"the course's XOR run {seed}",
        made_on=MADE_ON,
    )  # fmt: skip
    assert same or ours["generations"] is not None

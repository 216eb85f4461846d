"""08_scaling_up: a learner without Ray is told how to install it."""

import json
import sys
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "08_scaling_up.ipynb"


def test_missing_ray_gets_install_instructions(monkeypatch):
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    source = next(
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and "import ray\n" in "".join(c["source"])
    )
    monkeypatch.setitem(sys.modules, "ray", None)  # what Python does when Ray is not installed
    with pytest.raises(ModuleNotFoundError, match=r'%pip install "ray>=2\.9".*restart the kernel'):
        exec(source, {})

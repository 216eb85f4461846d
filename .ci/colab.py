"""Give every notebook its "Open in Colab" badge and its Colab set-up cell.

    python .ci/colab.py          # add or update them in every notebook (after adding one)
    python .ci/colab.py --check  # exit 1 and list the notebooks that differ (the tests do this)

The badge goes at the end of the notebook's first (title) cell. The set-up cell goes just
before the first code cell: on Colab it clones the course (for `assets/` and the package),
installs what Colab lacks, and moves into the notebook's folder, so relative paths like
`../assets/` work; anywhere else it does nothing. The repository address is read from
`[project.urls]` in pyproject.toml: change it there, then run this script again.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLONE = "/content/course"
# What Colab does not already have (it has numpy, matplotlib, pillow, tqdm, ipywidgets).
# Each must appear, exactly, in pyproject.toml's dependencies (tests/test_colab.py checks).
COLAB_NEEDS = ['"gymnasium[classic-control,box2d]>=1.4"', '"imageio>=2.34"']
EXTRA_NEEDS = {  # the dev extra's, where a notebook needs it
    "08_scaling_up.ipynb": ['"ray>=2.9"'],
    "10_cma_es_and_ars.ipynb": ['"cma>=4.0"'],
    "11_novelty_and_map_elites.ipynb": ['"ribs>=0.7"'],
}
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
MARK = "# Colab only:"


@functools.cache
def repository() -> str:
    """The course's GitHub address, from pyproject.toml (read once)."""
    match = re.search(r'^Repository = "(https://github\.com/[^"]+)"', _pyproject(), re.M)
    if not match:
        sys.exit('pyproject.toml needs [project.urls] Repository = "https://github.com/OWNER/NAME"')
    return match.group(1)


def _pyproject() -> str:
    return (ROOT / "pyproject.toml").read_text()


def badge(notebook: Path) -> str:
    """The markdown badge that opens `notebook` in Colab from GitHub's main branch."""
    where = notebook.relative_to(ROOT).as_posix()
    colab = repository().replace("https://github.com/", "https://colab.research.google.com/github/")
    return f"[![Open in Colab]({BADGE_IMAGE})]({colab}/blob/main/{where})"


def setup_cell(notebook: Path) -> str:
    """The source of the Colab set-up cell for `notebook`."""
    folder = notebook.parent.relative_to(ROOT).as_posix()
    needs = " ".join(COLAB_NEEDS + EXTRA_NEEDS.get(notebook.name, []))
    return (
        f"{MARK} fetch the course and install what Colab lacks (about a minute).\n"
        "# Anywhere else (JupyterLab, Binder, CI) this cell does nothing.\n"
        "import os\n"
        "import sys\n"
        "from importlib.util import find_spec\n"
        "\n"
        f'COURSE = "{repository()}"\n'
        'if "google.colab" in sys.modules:\n'
        f'    if not os.path.isdir("{CLONE}"):\n'
        f"        !git clone --quiet --depth 1 {{COURSE}} {CLONE}\n"
        '    if find_spec("Box2D") is None or find_spec("neuroevo_helpers") is None:\n'
        "        # gymnasium brings pygame-ce, which clashes with Colab's own pygame\n"
        "        %pip uninstall --quiet --yes pygame\n"
        f"        %pip install --quiet --no-deps {CLONE}\n"
        f"        %pip install --quiet {needs}\n"
        f"    %cd {CLONE}/{folder}"
    )


def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").rglob("[0-9][0-9]_*.ipynb"))


def updated(notebook: Path, nb: dict) -> dict:
    """`nb`, the notebook read from `notebook`, with its badge and set-up cell in place."""
    cells = nb["cells"]
    title = "".join(cells[0]["source"])
    title = re.sub(r"\n*\[!\[Open in Colab\][^\n]*", "", title).rstrip("\n")
    cells[0]["source"] = _lines(f"{title}\n\n{badge(notebook)}")
    old = [i for i, c in enumerate(cells) if "".join(c["source"]).startswith(MARK)]
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    if old:
        cells[old[0]]["source"] = _lines(setup_cell(notebook))
    else:
        cell = {
            "cell_type": "code",
            "execution_count": None,
            "id": "colab-setup",
            "metadata": {},
            "outputs": [],
            "source": _lines(setup_cell(notebook)),
        }
        cells.insert(first_code, cell)
    return nb


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def dump(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for notebook in notebooks():
        current = dump(json.loads(notebook.read_text()))
        text = dump(updated(notebook, json.loads(current)))
        if text != current:
            stale.append(notebook.relative_to(ROOT).as_posix())
            if not check:
                notebook.write_text(text)
    if check and stale:
        print("No Colab badge or set-up cell, or an old one, in:", *stale, sep="\n  ")
        print("Run `python .ci/colab.py` to add or update them.")
        return 1
    print(
        f"{'Checked' if check else 'Updated'} {len(notebooks())} notebooks; {len(stale)} changed."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

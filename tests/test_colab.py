"""Every notebook opens in Colab and sets itself up there; Binder builds from .binder/."""

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("colab", ROOT / ".ci" / "colab.py")
colab = importlib.util.module_from_spec(spec)
spec.loader.exec_module(colab)

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_notebook_has_its_badge_and_set_up_cell(capsys):
    assert colab.notebooks(), "no notebooks found"
    assert colab.main(["--check"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("notebook", colab.notebooks(), ids=lambda p: p.name)
def test_the_set_up_cell_comes_first_and_is_valid_python(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    first_code = next(c for c in cells if c["cell_type"] == "code")
    source = "".join(first_code["source"])
    assert source == colab.setup_cell(notebook)
    compile(TransformerManager().transform_cell(source), notebook.name, "exec")
    folder = notebook.parent.relative_to(ROOT).as_posix()
    assert source.endswith(f"%cd {colab.CLONE}/{folder}")  # so ../assets/ resolves


def test_colab_installs_only_the_courses_own_requirements():
    deps = (
        PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["dev"]
    )
    needs = [n for extra in colab.EXTRA_NEEDS.values() for n in extra] + colab.COLAB_NEEDS
    # An extra may be left out where the notebooks do not need it: imageio[ffmpeg] writes
    # the command line's MP4s, and the notebooks only write GIFs.
    ours = {d.split(";")[0].strip() for d in deps}
    ours |= {re.sub(r"\[[^]]*\]", "", d) for d in ours if not d.startswith("gymnasium")}
    for need in needs:
        assert need.strip('"') in ours, need


def test_badges_and_binder_point_at_the_repository():
    repository = PYPROJECT["project"]["urls"]["Repository"]
    assert colab.repository() == repository
    readme = (ROOT / "README.md").read_text()
    name = repository.removeprefix("https://github.com/")
    assert f"https://mybinder.org/v2/gh/{name}/HEAD" in readme
    assert re.search(rf"colab\.research\.google\.com/github/{name}/blob/main/notebooks/", readme)


def test_binder_installs_the_course_as_environment_yml_does():
    binder = yaml.safe_load((ROOT / ".binder" / "environment.yml").read_text())
    python = [d for d in binder["dependencies"] if str(d).startswith("python")]
    assert sorted(binder["dependencies"]) == ["pip", *python]
    version = tuple(int(x) for x in python[0].split("=")[1].split("."))
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert version >= tuple(int(x) for x in minimum.split("."))
    post_build = (ROOT / ".binder" / "postBuild").read_text()
    assert 'pip install --no-cache-dir --editable ".[dev]"' in post_build
    assert "--editable .[dev]" in (ROOT / "environment.yml").read_text()

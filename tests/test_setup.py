"""The project's set-up files agree with each other and with the README."""

import re
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
README = (ROOT / "README.md").read_text()


def readme_commands() -> list[str]:
    """The commands in the README's quickstart block, comments stripped."""
    block = re.search(r"## Quickstart.*?```(?:bash|sh)?\n(.*?)```", README, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]


def test_readme_has_exactly_two_commands_and_ci_runs_the_second():
    lab, test = readme_commands()
    assert lab == "python3 course.py lab" and test == "python3 course.py test"
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test in ci_lines  # .ci/run runs command 2 exactly as printed


def test_environment_yml_installs_the_package_and_nothing_else():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]  # no `defaults`
    conda_deps = [d for d in env["dependencies"] if isinstance(d, str)]
    (pip_section,) = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    python = [d for d in conda_deps if d.startswith("python")]
    # pyproject's lower bound; the upper one keeps conda off Pythons without a Box2D wheel
    assert python == ["python" + PYPROJECT["project"]["requires-python"] + ",<3.14"]
    assert sorted(conda_deps) == ["pip", *python]  # the rest comes from pyproject.toml
    assert pip_section == ["--editable .[dev]"]
    assert "dev" in PYPROJECT["project"]["optional-dependencies"]


def test_dependencies_are_the_courses_and_never_pygame():
    deps = (
        PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["dev"]
    )
    names = {re.split(r"[\[<>=~! ]", d)[0].lower() for d in deps}
    assert {"numpy", "gymnasium", "matplotlib", "imageio", "tqdm", "jupyterlab", "nbval"} <= names
    assert "gymnasium[classic-control,box2d]" in " ".join(deps)
    assert "imageio[ffmpeg]" in " ".join(deps)  # record writes MP4 through it
    assert "pygame" not in names  # gymnasium brings pygame-ce; both define `pygame`
    assert not names & {"torch", "jax", "tensorflow"}  # NumPy is enough


def test_envpool_is_installed_exactly_where_it_has_wheels():
    """envpool (the fast backend) has wheels for CPython 3.11-3.13 on Linux x86-64 and
    aarch64, macOS arm64 and Windows amd64; elsewhere pip must not try to build it."""
    from packaging.requirements import Requirement

    (envpool,) = [
        Requirement(d) for d in PYPROJECT["project"]["dependencies"] if d.startswith("envpool")
    ]

    def wanted(python, platform, machine):
        return envpool.marker.evaluate(
            {"python_version": python, "sys_platform": platform, "platform_machine": machine}
        )

    for python in ("3.11", "3.12", "3.13"):
        assert wanted(python, "linux", "x86_64") and wanted(python, "linux", "aarch64")
        assert wanted(python, "darwin", "arm64") and wanted(python, "win32", "AMD64")
    assert not wanted("3.10", "linux", "x86_64") and not wanted("3.14", "linux", "x86_64")
    assert not wanted("3.12", "darwin", "x86_64")  # Intel macOS: no wheel


def test_lab_answers_jupyterlab_news_question_and_keeps_other_settings(tmp_path, monkeypatch):
    import json

    sys.path.insert(0, str(ROOT))
    try:
        import course
    finally:
        sys.path.remove(str(ROOT))
    monkeypatch.setattr(course, "VENV", tmp_path)
    path = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "dark"}}))
    course.no_news_popup()
    course.no_news_popup()  # twice: the same file
    settings = json.loads(path.read_text())
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "dark"}
    assert settings["@jupyterlab/apputils-extension:notification"] == {
        "fetchNews": "false",  # "none", the default, asks in a pop-up
        "checkForUpdates": False,
    }

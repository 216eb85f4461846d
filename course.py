"""Set up the course and run it: the two commands in README.md.

    python3 course.py lab    # set up (first time only) and open the course in JupyterLab
    python3 course.py test   # set up (if needed) and run every test and every notebook

Both create an isolated environment in `.venv/` next to this file and install the course
into it with pip (a few minutes the first time, a second after). Only the standard
library is used here, so this works on Linux, macOS and Windows with nothing installed
but Python >= 3.10. Extra arguments are passed on: `python3 course.py lab --no-browser`,
`python3 course.py test -k network -x`.
"""

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "course-installed.txt"  # hash of what was installed, to skip re-installs
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*cmd: str | Path, env: dict | None = None) -> None:
    """Run a command from the course folder; stop with its exit code if it fails."""
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)
    if code != 0:
        sys.exit(code)


def create_venv() -> None:
    """`python -m venv .venv`; without ensurepip (Debian, Ubuntu), seed pip from outside."""
    try:
        venv.create(VENV, with_pip=True, clear=True)
        return
    except subprocess.CalledProcessError:
        print("This Python has no ensurepip; installing pip into .venv with the system pip ...")
    venv.create(VENV, with_pip=False, clear=True)
    seeded = subprocess.call(
        [sys.executable, "-m", "pip", "--python", str(PYTHON), "install", "pip"]
    )
    if seeded != 0:
        sys.exit(
            "Could not put pip into .venv. On Debian or Ubuntu, install the venv module with "
            "`sudo apt install python3-venv`, then run this command again."
        )


def healthy() -> bool:
    """Do the course's main packages still import in .venv? (Else reinstall them.)"""
    check = (
        "import neuroevo_helpers, gymnasium, Box2D, imageio_ffmpeg, matplotlib, jupyterlab, nbval"
    )
    return subprocess.call([str(PYTHON), "-c", check], stderr=subprocess.DEVNULL) == 0


def no_news_popup() -> None:
    """JupyterLab asks on its first start whether to fetch Jupyter's news, in a pop-up over
    the first notebook. Answer no for it (and skip its update checks) in the settings that
    .venv's JupyterLab reads: share/jupyter/lab/settings/overrides.json."""
    path = VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    settings = json.loads(path.read_text()) if path.exists() else {}
    wanted = {"fetchNews": "false", "checkForUpdates": False}
    plugin = settings.setdefault("@jupyterlab/apputils-extension:notification", {})
    if plugin.items() >= wanted.items():
        return
    plugin.update(wanted)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n")


def set_up() -> None:
    """Create .venv and install the course with its test tools, unless already done."""
    if sys.version_info < (3, 10):  # noqa: UP036 (this file must run on any Python to say so)
        sys.exit(f"The course needs Python >= 3.10; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating an isolated environment in {VENV} ...", flush=True)
        create_venv()
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and healthy():
        return
    if sys.version_info >= (3, 14):
        print(
            "Note: Box2D (for the lunar lander) has no ready-made package for Python "
            f"{sys.version_info.major}.{sys.version_info.minor} yet, so pip will try to "
            "compile it. If that fails, use Python 3.10 to 3.13 (see TEACHING.md).",
            flush=True,
        )
    print("Installing the course and its dependencies (first time: a few minutes) ...", flush=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    # An editable install: changes to neuroevo_helpers/ take effect without reinstalling.
    # (PYTHONWARNINGS silences setuptools' banner about editable installs.)
    quiet = {**os.environ, "PYTHONWARNINGS": "ignore"}
    run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", ".[dev]", env=quiet)
    STAMP.write_text(wanted + "\n")


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("lab", "test"):
        sys.exit(__doc__)
    command, extra = argv[0], argv[1:]
    set_up()
    try:
        if command == "lab":
            no_news_popup()
            # Serve the whole course folder, so README.md and assets/ (the GIFs) resolve,
            # and open the first notebook.
            lab = [
                f"--ServerApp.root_dir={ROOT}",
                "--LabApp.default_url=/lab/tree/notebooks/00_welcome.ipynb",
            ]
            if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
                print("Running as root (a container?): adding --allow-root for JupyterLab.")
                lab.append("--allow-root")
            run(PYTHON, "-m", "jupyterlab", *lab, *extra)
        else:
            run(PYTHON, "-m", "pytest", *extra)
    except KeyboardInterrupt:  # Ctrl-C stops JupyterLab: no traceback needed
        sys.exit(130)


if __name__ == "__main__":
    main(sys.argv[1:])

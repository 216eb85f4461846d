"""benchmarks/run.py: it runs, it judges targets honestly, and it rejects bad options.

A smoke test at tiny sizes: it measures nothing (speed is never a test here; the script
prints its measurements for people to read and the README to quote)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "run.py"


def load_script():
    spec = importlib.util.spec_from_file_location("benchmark_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_quick_run_prints_and_writes_the_tables(tmp_path):
    out = tmp_path / "bench.md"
    result = run("--quick", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "| workload | env steps | mean episode length |" in result.stdout
    assert "| CartPole-v1 | GA |" in result.stdout and "| Acrobot-v1 | ES |" in result.stdout
    assert "Targets" not in result.stdout  # tiny sizes say nothing about the targets
    assert "`python benchmarks/run.py --quick --out" in result.stdout
    assert out.read_text() + "\n" == result.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["bench.md"]  # no temporary file left


def test_targets_are_judged_from_the_measurements():
    bench = load_script()
    first = "CartPole-v1: the first write-up's run, 5 generations"
    solve = dict(env_id="CartPole-v1", method="GA", n_runs=10, solved=10, median_s=2.0)
    met = "\n".join(bench.targets([dict(name=first, target=True, ratio=31.0)], [solve]))
    assert "**no**" not in met and met.count("| yes |") == 3
    missed = "\n".join(
        bench.targets(
            [dict(name=first, target=True, ratio=29.0), dict(name="other", target=False, ratio=1)],
            [{**solve, "solved": 9, "median_s": 3.5}],
        )
    )
    assert missed.count("| **no** |") == 3 and "9/10" in missed and "29.0x" in missed


def test_bad_options_get_a_clear_error(tmp_path):
    result = run("--out", str(tmp_path / "missing" / "bench.md"))
    assert result.returncode == 2 and "does not exist; create it first" in result.stderr
    result = run("--seeds", "0")
    assert result.returncode == 2 and "--seeds must be at least 1" in result.stderr
    result = run("--skip-throughput", "--skip-solve")
    assert result.returncode == 2 and "leaves nothing to measure" in result.stderr
    result = run("--envs", "CartPole-v0")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_readme_quotes_the_scripts_output_in_its_current_format():
    readme = (ROOT / "README.md").read_text()
    assert "Measured with `python benchmarks/run.py` on" in readme
    assert "`python benchmarks/run.py --envs Pendulum-v1 --skip-throughput` on" in readme
    bench = load_script()
    row = dict(name="w", target=True, steps=1, episode_length=1, loop=1, batched=1, ratio=1)
    header = bench.markdown("m", [row], [], "c", quick=True).splitlines()[4]
    assert header.startswith("| workload |") and header in readme  # re-quote if it changed

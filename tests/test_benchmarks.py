"""benchmarks/run.py: it runs, its four ways play identical work, it judges targets honestly,
and it rejects bad options.

Smoke tests at tiny sizes: they measure nothing (speed is never a test here; the script
prints its measurements for people to read and the README to quote)."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import neuroevo_helpers as nh
from neuroevo_helpers.backends import envpool_installed

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "run.py"
ENVS = (
    "CartPole-v1",
    "Acrobot-v1",
    "MountainCar-v0",
    "Pendulum-v1",
    "LunarLanderContinuous-v3",
    "BipedalWalker-v3",
)


def load_script():
    spec = importlib.util.spec_from_file_location("benchmark_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=None if env is None else {**os.environ, **env},
    )


def table_rows(stdout: str, header: str) -> list[list[str]]:
    """The cells of each row of the table under `header`."""
    lines = stdout.splitlines()
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_quick_run_prints_and_writes_the_tables(tmp_path):
    bench = load_script()
    out = tmp_path / "bench.md"
    result = run("--quick", "--lander", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = table_rows(result.stdout, bench.THROUGHPUT_HEADER)
    assert [r[0].split(":")[0] for r in rows] == ["CartPole-v1"] * 3 + list(ENVS[1:])
    assert "first write-up's run" in rows[0][0] and "generation 0" in rows[1][0]
    first, others = rows[0], rows[3:]
    assert first[3] != "-" and all(r[3] == "-" for r in others)  # (a): the write-up's run only
    assert all(r[4] != "-" and r[5] != "-" for r in rows)  # (b) and (c) everywhere
    assert all((r[6] != "-") == envpool_installed() for r in rows)  # (d) where installed
    assert first[9].startswith("**") and all(r[9] == "-" for r in others)  # auto/(a)
    memory = table_rows(result.stdout, bench.MEMORY_HEADER)
    assert [r[1] for r in memory] == ["envpool", "gymnasium"]
    assert "MiB" in memory[1][5]
    assert "| CartPole-v1 | GA |" in result.stdout and "| Acrobot-v1 | ES |" in result.stdout
    assert "Wall time of all these runs:" in result.stdout
    assert table_rows(result.stdout, bench.LANDER_HEADER)[0][:2] == ["ES, seed 0", "2"]
    assert "Validation means (generation: mean): 1: " in result.stdout  # every generation
    solve = table_rows(result.stdout, bench.SOLVE_HEADER)
    assert [r[:2] for r in solve] == [[e, m] for e in ("CartPole-v1", "Acrobot-v1")
                                      for m in ("GA", "ES")]  # fmt: skip
    for r in solve:  # solved runs passed validation first: never more solved than passed
        passed, solved = (int(cell.split("/")[0]) for cell in r[3:5])
        assert r[3].endswith("/2") and r[4].endswith("/2") and solved <= passed
    assert "Targets" not in result.stdout  # tiny sizes say nothing about the targets
    assert "`python benchmarks/run.py --quick --lander --out" in result.stdout
    assert out.read_text() + "\n" == result.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["bench.md"]  # no temporary file left


def test_without_envpool_the_envpool_columns_say_so():
    bench = load_script()
    result = run("--quick", "--skip-solve", env={"NEUROEVO_NO_ENVPOOL": "1"})
    assert result.returncode == 0, result.stderr
    assert "(turned off by NEUROEVO_NO_ENVPOOL)" in result.stdout or "no envpool" in result.stdout
    rows = table_rows(result.stdout, bench.THROUGHPUT_HEADER)
    assert len(rows) == 8 and all(r[6] == "-" and r[8] == "-" for r in rows)
    memory = table_rows(result.stdout, bench.MEMORY_HEADER)
    assert "envpool is turned off here" in memory[0][5] and "MiB" in memory[1][5]


@pytest.mark.parametrize(
    "env_id, max_episode_steps", [("Pendulum-v1", 50), ("BipedalWalker-v3", 40)]
)
def test_one_network_at_a_time_returns_exactly_what_evaluate_returns(env_id, max_episode_steps):
    bench = load_script()
    policy = nh.policy_for_env(env_id, hidden=(32,))
    population = policy.init_params(np.random.default_rng(1), 3)
    returns, steps = bench.one_network_at_a_time(
        policy, population, env_id, 2, 7, max_episode_steps
    )
    batched = nh.evaluate(
        policy, population, env_id, 2, 7, max_episode_steps, backend="gymnasium", workers=1
    )
    assert steps == batched.n_steps
    np.testing.assert_array_equal(returns, batched.episode_returns)  # exactly: same rounding


def test_the_first_write_ups_loop_plays_the_same_episodes():
    bench = load_script()
    net = bench.FirstWriteUpMLP((4, 16, 2), hidden_activation="relu")
    population = bench.first_write_up_init(net, np.random.default_rng(0), 6)
    W = net.unflatten(population)[0][0]
    assert np.all(net.unflatten(population)[0][1] == 0) and 0.7 < W.std() < 1.3  # N(0, 1), 0
    networks = [bench.FirstWriteUpNetwork.from_params(net, p) for p in population]
    obs = np.array([0.01, -0.3, 0.02, 0.4])
    for network, params in zip(networks, population):
        np.testing.assert_allclose(network.forward(obs), net.forward(params, obs), rtol=1e-12)
    returns, steps = bench.first_write_up_loop(networks, "CartPole-v1", 3, 5, 500)
    batched = nh.evaluate(net, population, "CartPole-v1", 3, 5)
    assert steps == batched.n_steps
    np.testing.assert_array_equal(returns, batched.episode_returns)


def throughput_row(env_id, speed, **extra):
    name = f"{env_id}: a workload"
    auto = "gymnasium" if env_id.startswith("CartPole") else "envpool"
    return {**dict(name=name, env_id=env_id, write_up=False, auto=auto, speed=speed), **extra}


def test_targets_are_judged_from_the_measurements():
    bench = load_script()
    write_up = throughput_row(
        "CartPole-v1",
        {"a": 30_000, "b": 40_000, "c": 1_300_000, "d": 400_000},
        write_up=True,
        steps=1_000_000,
        batched_steps=20_000,
    )
    write_up["name"] = "CartPole-v1: the first write-up's run (its network and GA), ..."
    acrobot = throughput_row(
        "Acrobot-v1",
        {"b": 20_000, "c": 25_000, "d": 500_000},
        envpool_alone=dict(speed=900_000, threads=1),
    )
    lander = throughput_row(
        "LunarLanderContinuous-v3",
        {way: np.float64(s) for way, s in {"b": 10_000, "c": 14_000, "d": 30_000}.items()},
        envpool_alone=dict(speed=np.float64(60_000), threads=2),  # NumPy numbers, as measured
    )
    memory = [
        dict(backend="envpool", pop_size=128, n_episodes=5, peak=600 * 2**20, before=2**28),
        dict(backend="gymnasium", pop_size=128, n_episodes=5, peak=2.5 * 2**30, before=2**28),
    ]
    solve = dict(
        env_id="CartPole-v1", method="GA", n_runs=10, validated=10, solved=10, median_s=2.0
    )
    es = dict(env_id="CartPole-v1", method="ES", n_runs=10, validated=9, solved=7, median_s=4.0)
    pendulum = [
        dict(env_id="Pendulum-v1", method=m, n_runs=10, validated=v, solved=s, median_s=9.0,
             unvalidated_s=u)
        for m, v, s, u in (("GA", 7, 6, 200.0), ("ES", 1, 0, 150.0))
    ]  # fmt: skip
    first_pass = dict(
        generation=60, env_steps=6_000_000, seconds=200.0, checks_s=25.0, test=230.0,
        test_passed=True,
    )  # fmt: skip
    lander_run = dict(
        first_pass=first_pass, solved=True, generations=200, total_s=700.0, checks_s=40.0,
        final_test=250.0, answer_validation=260.0, goal=200.0, n_episodes=100,
        env_steps=22_000_000,
    )  # fmt: skip
    lines = bench.targets(
        [write_up, acrobot, lander], memory, [solve, es, *pendulum], {"Pendulum-v1": 420.0},
        lander_run,
    )  # fmt: skip
    table = {line.split(" | ")[0].lstrip("| "): line for line in lines[4:] if line.startswith("| ")}
    verdict = {name: line.split(" | ")[3] for name, line in table.items()}
    assert len(verdict) == 13 and lines[2] == bench.TARGETS_HEADER
    ways = bench.WAYS
    over_b = f"CartPole-v1: the first write-up's run: {ways['c']} over {ways['b']}"
    over_a = f"CartPole-v1: the first write-up's run: {ways['c']} over {ways['a']}"
    assert verdict[over_b] == "yes" and "32.5x" in table[over_b]  # 1.3M / 40k
    assert verdict[over_a] == "**no**" and "43.3x" in table[over_a]
    assert "20,000 batched steps for 1,000,000 env steps" in table[over_a]
    assert "runs at 0.75x the speed of (b)" in table[over_a]
    assert verdict[f"Acrobot-v1: {ways['d']} over {ways['b']}"] == "yes"
    lander_row = table[f"LunarLanderContinuous-v3: {ways['d']} over {ways['b']}"]
    assert "| **no** |" in lander_row and "6.0x (b): the env itself caps (d)" in lander_row
    assert "2 threads" in lander_row
    assert "| yes |" in table["peak memory, 128 x 5 lander episodes on envpool"]
    assert "2.50 GiB | **no** |" in table["peak memory, 128 x 5 lander episodes on gymnasium"]
    assert verdict["GA on CartPole-v1: solved"] == "yes"
    assert verdict["GA on CartPole-v1: median time"] == "yes"
    es_row = table["ES on CartPole-v1: solved"]
    assert "| 7/10 | **no** |" in es_row and verdict["ES on CartPole-v1: median time"] == "yes"
    assert "1 run(s) spent their budget without passing validation" in es_row
    assert "2 passed validation but failed the test" in es_row
    pendulum_row = table["Pendulum-v1 time to solve, GA and ES x 10 seeds: total wall time"]
    assert "420 s | **no** |" in pendulum_row
    assert "12 of 20 runs never passed validation and spent their whole budget: 350 s" in (
        pendulum_row
    )
    lander_rows = [line for name, line in table.items() if "recipe" in name]
    assert "validation passed, then test mean >= 200 over 100 episodes" in lander_rows[0]
    assert "200.0 s | **no** |" in lander_rows[0] and "generation 60 of 200" in lander_rows[0]
    assert "25 s of the 200 s went on validation episodes" in lander_rows[0]
    assert "660.0 s | **no** |" in lander_rows[1]  # validation and test: not the training time
    assert lines[-2].startswith("Not met: ") and lines[-2].count(";") == 6  # seven misses


@pytest.mark.parametrize(
    "first_pass, solved, measured, why",
    [
        (None, False, "not solved", "no validation passed (the best validation mean: 150.0)"),
        (dict(generation=40, env_steps=4_000_000, seconds=90.0, checks_s=9.0, test=180.0,
              test_passed=False),
         False, "not solved", "generation 40, but that checkpoint's test mean is 180.0"),
        (dict(generation=40, env_steps=4_000_000, seconds=90.0, checks_s=9.0, test=210.0,
              test_passed=True),
         True, "90.0 s", ""),
    ],
)  # fmt: skip
def test_the_lander_is_solved_only_if_its_first_validation_pass_then_passes_its_test(
    first_pass, solved, measured, why
):
    bench = load_script()
    lander_run = dict(
        first_pass=first_pass, solved=solved, generations=200, total_s=300.0, checks_s=30.0,
        final_test=205.0, answer_validation=150.0 if first_pass is None else 215.0, goal=200.0,
        n_episodes=100, env_steps=22_000_000,
    )  # fmt: skip
    lines = bench.targets([], [], [], {}, lander_run)
    row = next(line for line in lines if "recipe: solved" in line)
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2:4] == [measured, "yes" if solved else "**no**"]
    assert why in cells[4] and (
        cells[4] == "" if solved else "the answer at the end scores 205.0" in cells[4]
    )


@pytest.mark.parametrize(
    "validation, tested, first, solved",
    [
        # a better answer later: it is scored on test at the end
        ({20: 210.0, 50: 250.0}, [20, 50], 20, True),
        # the first pass stays the answer: scored once
        ({20: 210.0, 50: 150.0}, [20], 20, True),
        # the first pass fails its test (300 - 120 < 200): not solved, however good the end
        ({120: 205.0, 150: 230.0}, [120, 150], 120, False),
        # no pass: the answer (the newest of equals) is scored at the end alone
        ({}, [200], None, False),
    ],
)
def test_the_lander_run_chooses_on_validation_and_scores_each_checkpoint_once(
    monkeypatch, validation, tested, first, solved
):
    """lander_run's protocol, with training and scoring faked (nothing is played): the
    center is validated every LANDER_CHECK_EVERY generations on the training backend, the
    best-validated one is the answer, and only the first pass and the final answer are
    scored on test episodes, each once."""
    bench = load_script()
    backend = bench.choose_backend(bench.LANDER)
    monkeypatch.setattr(
        bench.recipes, "build", lambda *args, **kwargs: ("policy", None, None, None)
    )
    steps = SimpleNamespace(n_steps=1000)
    generation = iter(range(1, 10_000))
    monkeypatch.setattr(
        bench, "_one_generation", lambda *args: (np.array([next(generation)]), 0.0, None, [steps])
    )
    validated, test_calls = [], []

    def score_on_validation(policy, params, env_id, n_episodes, *, backend):
        assert (policy, env_id, n_episodes) == ("policy", bench.LANDER, 100)
        validated.append((int(params[0]), backend))
        return SimpleNamespace(fitness=validation.get(int(params[0]), 0.0))

    def score_on_test(policy, params, env_id, n_episodes):
        assert (policy, env_id, n_episodes) == ("policy", bench.LANDER, 100)
        test_calls.append(int(params[0]))
        return SimpleNamespace(fitness=300.0 - int(params[0]))  # passes up to generation 100

    monkeypatch.setattr(bench.protocol, "score_on_validation", score_on_validation)
    monkeypatch.setattr(bench.protocol, "score_on_test", score_on_test)
    result = bench.lander_run(quick=False)
    every = bench.LANDER_CHECK_EVERY
    assert validated == [(g, backend) for g in range(every, 201, every)]
    assert test_calls == tested  # never a checkpoint twice, never to choose
    assert result["generations"] == 200 and result["env_steps"] == 200_000
    answer = max(validation, key=validation.get) if validation else 200
    assert result["answer_generation"] == answer and result["final_test"] == 300.0 - answer
    assert result["solved"] is solved
    if first is None:
        assert result["first_pass"] is None
    else:
        assert result["first_pass"]["generation"] == first
        assert result["first_pass"]["test"] == 300.0 - first
        assert result["first_pass"]["test_passed"] is solved
        assert result["first_pass"]["env_steps"] == 1000 * first


def test_unmeasured_targets_are_not_called_met():
    bench = load_script()
    acrobot = throughput_row("Acrobot-v1", {"b": 20_000, "c": 25_000})  # no envpool here
    memory = [dict(backend="envpool", pop_size=128, n_episodes=5, error="envpool is not installed")]
    lines = bench.targets([acrobot], memory, [], {}, None)
    rows = [line for line in lines if line.startswith("| ") and "not measured" in line]
    assert len(rows) == 2 and "**no**" not in "\n".join(lines)
    assert lines[-2].startswith("Not measured here: Acrobot-v1") and "Not met" not in lines[-3]


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
    for command in (
        "python benchmarks/run.py",
        "python benchmarks/run.py --envs Pendulum-v1 --skip-throughput",
        "python benchmarks/run.py --lander --skip-throughput --skip-solve",
    ):
        assert f"Measured with `{command}` on" in readme
    bench = load_script()
    for header in (
        bench.THROUGHPUT_HEADER,
        bench.MEMORY_HEADER,
        bench.SOLVE_HEADER,
        bench.LANDER_HEADER,
        bench.TARGETS_HEADER,
    ):
        assert header in readme.splitlines()  # re-quote the output if a header changed

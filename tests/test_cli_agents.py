"""Agent files (numpy only, never unpickled) and `python -m neuroevo_helpers`."""

import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest

from neuroevo_helpers import policy_for_env
from neuroevo_helpers.__main__ import main
from neuroevo_helpers.agents import load_agent, save_agent


def test_agent_round_trip_with_numpy_alone(tmp_path):
    policy = policy_for_env("Pendulum-v1")
    params = policy.init_params(np.random.default_rng(0))
    path = save_agent(tmp_path / "a.npz", policy, params, "Pendulum-v1", algorithm="ga", seed=3)
    with np.load(path, allow_pickle=False) as data:  # what a stranger would do
        assert str(data["env_id"]) == "Pendulum-v1" and str(data["output"]) == "tanh"
        assert data["params"].shape == (policy.n_params,) and list(data["layer_sizes"]) == [
            3,
            16,
            1,
        ]
    agent = load_agent(path)
    assert agent.policy == policy and agent.info == {"algorithm": "ga", "seed": 3}
    np.testing.assert_array_equal(agent.params, params)


def test_agent_keeps_its_observation_scaling(tmp_path):
    policy = policy_for_env("MountainCar-v0", normalize=True)
    params = policy.init_params(np.random.default_rng(0))
    path = save_agent(tmp_path / "car.npz", policy, params, "MountainCar-v0")
    with np.load(path, allow_pickle=False) as data:
        np.testing.assert_array_equal(data["obs_std"], policy.obs_std)
    assert load_agent(path).policy == policy


def test_record_trains_saves_and_writes_a_gif(tmp_path, capsys):
    gif = tmp_path / "cartpole.gif"
    assert (
        main(
            [
                "record",
                "--env",
                "CartPole-v1",
                "--seed",
                "1",
                "--out",
                str(gif),
                "--generations",
                "3",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "test mean" in out and "wrote" in out
    assert iio.improps(gif).shape[0] > 1 and iio.immeta(gif)["loop"] == 0
    agent = load_agent(tmp_path / "cartpole.npz")
    assert agent.info["algorithm"] == "ga" and agent.info["generations"] == 3
    assert agent.info["test_episodes"] == 100 and agent.info["env_steps"] > 0

    again = tmp_path / "again.gif"
    assert (
        main(
            [
                "record",
                "--env",
                "CartPole-v1",
                "--agent",
                str(tmp_path / "cartpole.npz"),
                "--out",
                str(again),
            ]
        )
        == 0
    )
    assert again.exists()
    assert (
        main(
            [
                "evaluate",
                "--agent",
                str(tmp_path / "cartpole.npz"),
                "--episodes",
                "10",
                "--seed",
                "5",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "CartPole-v1: mean" in out
    assert "calling it solved needs at least 100 test episodes" in out  # 10 training episodes


def test_evaluate_says_whether_the_threshold_is_met_and_solved(capsys):
    from pathlib import Path

    agent = Path(__file__).resolve().parents[1] / "assets" / "agents" / "cartpole_ga.npz"
    assert main(["evaluate", "--agent", str(agent), "--episodes", "100"]) == 0
    assert "threshold 475: met over 100 test episodes, so solved" in capsys.readouterr().out
    # a random network on the same test episodes: the threshold is not met
    from neuroevo_helpers.__main__ import _threshold_line

    assert _threshold_line("CartPole-v1", 20.0, 100, 2 * 10**9).endswith("so not solved")
    assert "no threshold" in _threshold_line("Blackjack-v1", 0.0, 100, 2 * 10**9)


def test_record_uses_the_env_recipe_and_keeps_its_scaling(tmp_path, capsys):
    """MountainCar's recipe scales observations and re-evaluates the elite; both are saved."""
    gif = tmp_path / "car.gif"
    assert main(["record", "--env", "MountainCar-v0", "--out", str(gif), "--generations", "1"]) == 0
    agent = load_agent(tmp_path / "car.npz")
    assert agent.policy.obs_std == policy_for_env("MountainCar-v0", normalize=True).obs_std
    assert agent.info["normalize"] and agent.info["reevaluate"] == 10
    assert "threshold -110" in capsys.readouterr().out


def test_record_with_es_saves_the_center(tmp_path, capsys):
    gif = tmp_path / "es.gif"
    args = ["record", "--env", "CartPole-v1", "--algo", "es", "--out", str(gif)]
    assert main([*args, "--generations", "2"]) == 0
    agent = load_agent(tmp_path / "es.npz")
    assert agent.info["algorithm"] == "es" and agent.info["lr"] == 0.1
    assert "training ES on CartPole-v1" in capsys.readouterr().out


def test_record_saves_the_training_curve(tmp_path):
    assert main(["record", "--env", "CartPole-v1", "--out", str(tmp_path / "cp.gif"),
                 "--generations", "2"]) == 0  # fmt: skip
    info = load_agent(tmp_path / "cp.npz").info
    assert info["history_best"].shape == info["history_env_steps"].shape == (2,)
    assert info["history_env_steps"][-1] == info["env_steps"] and info["seconds"] > 0


def test_gallery_records_every_agent_in_a_folder(tmp_path, agent_file, capsys):
    out = tmp_path / "gifs"
    out.mkdir()
    assert main(["gallery", "--agents", str(tmp_path), "--out", str(out)]) == 0
    assert iio.imread(out / "cp.gif", index=None).ndim == 4  # frames, height, width, channels
    assert f"record --env CartPole-v1 --agent {agent_file}" in capsys.readouterr().out


@pytest.fixture
def agent_file(tmp_path):
    policy = policy_for_env("CartPole-v1")
    return save_agent(
        tmp_path / "cp.npz", policy, policy.init_params(np.random.default_rng(0)), "CartPole-v1"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["record", "--env", "Cartpole-v1", "--out", "{tmp}/x.gif"], "Did you mean 'CartPole-v1'"),
        (["record", "--env", "CartPole-v1", "--out", "{tmp}/missing/x.gif"], "does not exist"),
        (
            ["record", "--env", "CartPole-v1", "--out", "{tmp}/x.txt"],
            "--out must end in .gif or .mp4",
        ),
        (
            ["record", "--env", "CartPole-v1", "--out", "{tmp}/x.gif", "--width", "100"],
            "--width must",
        ),
        (
            [
                "record",
                "--env",
                "CartPole-v1",
                "--agent",
                "{agent}",
                "--out",
                "{tmp}/x.gif",
                "--progression",
            ],
            "holds only the final network",
        ),
        (
            ["record", "--env", "CartPole-v1", "--out", "{tmp}/x.gif", "--generations", "0"],
            "--generations must be >= 1",
        ),
        (
            ["record", "--env", "Acrobot-v1", "--agent", "{agent}", "--out", "{tmp}/x.gif"],
            "not for Acrobot-v1",
        ),
        (
            "record --env CartPole-v1 --agent {agent} --out {tmp}/x.gif "
            "--backend gymnasium".split(),
            "--backend applies only when training, but --agent records an agent already trained",
        ),
        (
            "record --env CartPole-v1 --agent {agent} --out {tmp}/x.gif --generations 3 "
            "--save {tmp}/y.npz".split(),
            "--generations and --save apply only when training",
        ),
        (
            "record --agent {agent} --out {tmp}/x.gif --algo es".split(),
            "--algo applies only when training",
        ),
        (["record", "--out", "{tmp}/x.gif"], "say which env to train on"),
        (
            ["record", "--env", "Taxi-v4", "--out", "{tmp}/x.gif", "--backend", "envpool"],
            "Use --backend auto or --backend gymnasium for this env",
        ),
        (["evaluate", "--agent", "{tmp}/junk.npz"], "not a NumPy .npz archive"),
        (["evaluate", "--agent", "{tmp}/pickled.npz"], "holds pickled Python objects"),
        (["evaluate", "--agent", "{tmp}/nothing.npz"], "No agent file"),
        (["evaluate", "--agent", "{agent}", "--episodes", "0"], "--episodes must be >= 1"),
        (["compare", "--env", "LunarLander-v3", "--out", "{tmp}/c.json"], "no comparison budget"),
        (["compare", "--out", "{tmp}/c.txt"], "--out must end in .json"),
        (["gallery", "--agents", "{tmp}/none"], "No agent files"),
        (["gallery", "--agents", "{tmp}", "--out", "{tmp}/none"], "does not exist"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line(tmp_path, agent_file, capsys, args, message):
    (tmp_path / "junk.npz").write_text("not an archive")
    np.savez(tmp_path / "pickled.npz", params=np.array([object()], dtype=object))
    args = [a.format(tmp=tmp_path, agent=agent_file) for a in args]
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    err = capsys.readouterr().err
    assert exit_info.value.code != 0 and message in err and len(err.strip().splitlines()) == 1


def test_help_documents_every_option():
    result = subprocess.run(
        [sys.executable, "-m", "neuroevo_helpers", "record", "--help"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    options = ("--env", "--algo", "--seed", "--out", "--agent", "--save", "--generations",
               "--width", "--progression")  # fmt: skip
    for option in options:
        assert option in result.stdout
    text = " ".join(result.stdout.split())
    assert "es (OpenAI-ES)" in text and "cmaes (CMA-ES)" in text and "ars (augmented" in text
    assert "neat (NEAT" in text
    assert "plays a test episode" in text and "nearest their median" in text  # honest episodes


def test_shipped_agents_load_and_meet_their_threshold():
    from pathlib import Path

    from neuroevo_helpers.compare import threshold as threshold_of
    from neuroevo_helpers.protocol import score_on_test, seed_range

    shipped = sorted((Path(__file__).resolve().parents[1] / "assets" / "agents").glob("*.npz"))
    envs = {load_agent(path).env_id for path in shipped}
    gallery = {"CartPole-v1", "Acrobot-v1", "Pendulum-v1", "LunarLanderContinuous-v3"}
    assert gallery <= envs, f"assets/agents/ should hold an agent for each of {sorted(gallery)}"
    for path in shipped:
        agent = load_agent(path)
        threshold = threshold_of(agent.env_id)  # the spec's, or the course's (Pendulum: -200)
        # the file's test score, played again: 100 test episodes on gymnasium, which neither
        # trained the agent nor chose it (record chooses on validation episodes)
        assert seed_range(int(agent.info["seed"])) == "training"
        score = score_on_test(agent.policy, agent.params, agent.env_id).fitness
        assert score == pytest.approx(float(agent.info["test_mean"])), f"{path.name}: not as saved"
        assert score >= threshold, f"{path.name}: {score:.1f} < {threshold} on test episodes"


def test_a_gallery_gif_is_what_record_makes(tmp_path):
    """`record --agent` re-makes a gallery GIF byte for byte (the lander: the quickest)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    agent, out = root / "assets/agents/lunarlander_es.npz", tmp_path / "lunarlander_es.gif"
    env_id = "LunarLanderContinuous-v3"
    assert main(["record", "--env", env_id, "--agent", str(agent), "--out", str(out)]) == 0
    assert out.read_bytes() == (root / "assets/gallery" / out.name).read_bytes(), (
        f"assets/gallery/{out.name} is stale: run `python -m neuroevo_helpers gallery`"
    )


def test_the_readme_prints_the_command_that_made_each_shipped_agent():
    from pathlib import Path

    from neuroevo_helpers.backends import ENVPOOL_ENVS, NATIVE_VECTOR_ENVS

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    for path in sorted((root / "assets" / "agents").glob("*.npz")):
        agent = load_agent(path)
        # Where "auto" could pick another backend than the one that trained the agent, the
        # command names it, so it makes the same agent on any install.
        backend = str(agent.info.get("backend", "gymnasium"))  # older files: gymnasium
        either = agent.env_id in NATIVE_VECTOR_ENVS or agent.env_id not in ENVPOOL_ENVS
        flag = "" if either else f" --backend {backend}"
        command = (
            f"record --env {agent.env_id} --algo {agent.info['algorithm']} "
            f"--seed {agent.info['seed']}{flag} --save assets/agents/{path.name} "
            f"--out assets/gallery/{path.stem}.gif"
        )
        assert command in readme, f"README.md should show how {path.name} was made: {command}"


def test_record_takes_the_env_from_the_agent_file(tmp_path, agent_file, capsys):
    assert main(["record", "--agent", str(agent_file), "--out", str(tmp_path / "a.gif")]) == 0
    assert "wrote" in capsys.readouterr().out

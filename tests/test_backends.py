"""The two backends of `evaluate`: gymnasium (the judge) and envpool (fast C++ envs).

envpool draws its start states with its own generator, so a seed gives other episodes
there than on gymnasium: the backends can only agree in distribution. The agreement test
plays the same networks for 100 episodes on each and compares the returns twice: their
means with Welch's two-sample t-test (scipy.stats.ttest_ind, equal_var=False), and their
whole distributions with the two-sample Kolmogorov-Smirnov test (scipy.stats.ks_2samp),
which also notices a changed spread or shape with the same mean.

The tolerance, stated: a pair fails when either p < ALPHA = 0.05 / (2 * N_PAIRS)
(Bonferroni over both tests of every pair), so if the backends truly agree, the whole test
fails by chance with probability at most 5% (and, the seeds being fixed, it then fails
every time, so a pass is not luck that can run out). With 100 episodes a side, Welch's test
detects a true difference of 0.6 standard deviations of the returns with 80% power, the
size a changed time limit, reward scale or reset range makes
(`test_the_agreement_test_can_fail` shows one caught).
"""

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import neuroevo_helpers as nh
from neuroevo_helpers import MLP, backends, evaluate, policy_for_env
from neuroevo_helpers.agents import load_agent

from .test_envs import LEAN, LEAN_PARAMS

needs_envpool = pytest.mark.skipif(
    not backends.envpool_installed(), reason="envpool is not installed here"
)
AGENTS = Path(__file__).resolve().parents[1] / "assets" / "agents"
N_EPISODES = 100


def _hand_written(env_id: str):
    """A simple controller as an MLP, where one exists (episodes of varied length)."""
    if env_id == "CartPole-v1":
        return LEAN, LEAN_PARAMS
    if env_id == "MountainCar-v0":  # push the way the car moves: reaches the flag
        W = np.zeros((2, 3))
        W[1, 2], W[1, 0] = 1.0, -1.0
        return MLP((2, 3)), np.concatenate([W.ravel(), np.zeros(3)])
    if env_id == "MountainCarContinuous-v0":
        return MLP((2, 1), output="tanh", action_low=-1, action_high=1), np.array([0, 1e3, 0])
    return None


def _networks(env_id: str) -> list[tuple[str, MLP, np.ndarray]]:
    """Shipped agents for the env, a hand-written controller, and two random networks."""
    nets = []
    for path in sorted(AGENTS.glob("*.npz")):
        agent = load_agent(path)
        if agent.env_id == env_id:
            nets.append((path.stem, agent.policy, agent.params))
    if _hand_written(env_id) is not None:
        nets.append(("hand-written", *_hand_written(env_id)))
    policy = policy_for_env(env_id)
    n_random = 1 if env_id == "BipedalWalker-v3" else 2  # its episodes are the costliest
    for i, params in enumerate(policy.init_params(np.random.default_rng(7), n_random)):
        nets.append((f"random {i}", policy, params))
    return nets


# BipedalWalker plays its first 400 steps on both sides (a full 1,600-step episode costs
# about 0.3 s on gymnasium); every other env its spec's time limit.
LIMITS = {"BipedalWalker-v3": 400}
PAIRS = [(env_id, name) for env_id in backends.ENVPOOL_ENVS for name, *_ in _networks(env_id)]
ALPHA = 0.05 / (2 * len(PAIRS))


def _agree(a: np.ndarray, b: np.ndarray) -> float:
    """The smaller p-value of Welch's test (means) and the KS test (distributions); 1.0 when
    both sides gave one and the same return."""
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        return 1.0 if a[0] == b[0] else 0.0
    welch = stats.ttest_ind(a, b, equal_var=False).pvalue
    return float(min(welch, stats.ks_2samp(a, b).pvalue))


@needs_envpool
@pytest.mark.parametrize("env_id", backends.ENVPOOL_ENVS)
def test_backends_agree_in_distribution(env_id):
    for name, policy, params in _networks(env_id):
        kwargs = dict(seed=3_000_000, max_episode_steps=LIMITS.get(env_id))
        gym_returns = evaluate(policy, params, env_id, N_EPISODES, backend="gymnasium", **kwargs)
        pool_returns = evaluate(policy, params, env_id, N_EPISODES, backend="envpool", **kwargs)
        a, b = gym_returns.episode_returns, pool_returns.episode_returns
        p = _agree(a, b)
        assert p >= ALPHA, (
            f"{env_id}, {name}: gymnasium {a.mean():.1f} +- {a.std():.1f} vs envpool "
            f"{b.mean():.1f} +- {b.std():.1f} over {N_EPISODES} episodes each: p = {p:.2g} < "
            f"{ALPHA:.2g}. The backends differ for this env: fix the difference, or drop it "
            "from backends.ENVPOOL_ENVS."
        )


@needs_envpool
def test_the_agreement_test_can_fail():
    """A real difference is caught: MountainCar cut at 120 steps instead of its 200.

    The hand-written controller needs 87 to 163 steps (10th to 90th percentile), so the
    cut moves its mean return by about 0.7 standard deviations.
    """
    args = (*_hand_written("MountainCar-v0"), "MountainCar-v0", N_EPISODES)
    full = evaluate(*args, seed=3_000_000, backend="gymnasium").episode_returns
    cut = evaluate(*args, seed=3_000_000, max_episode_steps=120, backend="envpool")
    assert _agree(full, cut.episode_returns) < ALPHA


@needs_envpool
@pytest.mark.parametrize("env_id", ["Acrobot-v1", "Pendulum-v1", "LunarLanderContinuous-v3"])
def test_envpool_is_seeded_with_common_starts_and_keeps_rows_in_order(env_id):
    policy = policy_for_env(env_id, hidden=(8,))
    population = policy.init_params(np.random.default_rng(1), 4)
    run = dict(n_episodes=3, seed=11, max_episode_steps=120, backend="envpool")
    a = evaluate(policy, population, env_id, **run)
    assert np.array_equal(
        a.episode_returns, evaluate(policy, population, env_id, **run).episode_returns
    )
    # each network alone gets the returns it got in the population (envpool's threads
    # answer in any order; the rows must still belong to their networks)
    for i in range(4):
        alone = evaluate(policy, population[i], env_id, **run)
        np.testing.assert_allclose(alone.episode_returns, a.episode_returns[i], rtol=1e-6)
    twins = evaluate(policy, np.stack([population[0]] * 3), env_id, **run)
    assert np.all(twins.episode_returns == twins.episode_returns[0])  # same starts for all
    other = evaluate(policy, population, env_id, **{**run, "seed": 12})
    assert not np.array_equal(a.episode_returns, other.episode_returns)


@needs_envpool
def test_envpool_counts_steps_and_respects_the_time_limit():
    done = evaluate(
        LEAN, LEAN_PARAMS, "CartPole-v1", 5, seed=1, max_episode_steps=50, backend="envpool"
    )
    assert np.all(done.episode_returns == 50) and done.n_steps == 250
    # CartPole pays 1 a step: no step after an episode's end was counted
    policy = policy_for_env("CartPole-v1")
    result = evaluate(
        policy,
        policy.init_params(np.random.default_rng(0), 16),
        "CartPole-v1",
        3,
        backend="envpool",
    )
    assert result.n_steps == result.episode_returns.sum()


def test_auto_takes_envpool_where_it_serves_and_gymnasium_elsewhere(monkeypatch):
    monkeypatch.setattr(backends, "envpool_installed", lambda: True)
    assert backends.choose_backend("Pendulum-v1") == "envpool"
    assert backends.choose_backend("CartPole-v1") == "gymnasium"  # its vector env is faster
    assert backends.choose_backend("neuroevo_helpers/CyclicMDP-v0") == "gymnasium"
    assert backends.choose_backend("Pendulum-v1", "gymnasium") == "gymnasium"
    assert backends.choose_backend("CartPole-v1", "envpool") == "envpool"
    assert nh.JUDGE == "gymnasium"


def test_without_envpool_the_course_runs_on_gymnasium_and_says_so_once(monkeypatch, capsys):
    monkeypatch.setenv("NEUROEVO_NO_ENVPOOL", "1")
    monkeypatch.setattr(backends, "_said_no_envpool", False)
    assert not backends.envpool_installed()
    policy = policy_for_env("Pendulum-v1", hidden=(4,))
    params = policy.init_params(np.random.default_rng(0))
    forced = evaluate(policy, params, "Pendulum-v1", 2, seed=5, backend="gymnasium")
    for _ in range(2):
        auto = evaluate(policy, params, "Pendulum-v1", 2, seed=5)
        assert np.array_equal(auto.episode_returns, forced.episode_returns)
    err = capsys.readouterr().err
    assert err.count("envpool is turned off here") == 1 and len(err.strip().splitlines()) == 1
    assert "gymnasium only" in nh.describe_backends()
    with pytest.raises(
        ValueError, match="backend='envpool' was asked for, but envpool is turned off.*unset"
    ):
        evaluate(policy, params, "Pendulum-v1", backend="envpool")
    # where it is really missing, the message says so and how to install it
    monkeypatch.delenv("NEUROEVO_NO_ENVPOOL")
    monkeypatch.setattr(backends.importlib.util, "find_spec", lambda name: None)
    assert "envpool is not installed" in nh.describe_backends()
    with pytest.raises(ValueError, match="not installed.*pip install envpool"):
        evaluate(policy, params, "Pendulum-v1", backend="envpool")


def test_bad_backend_choices_are_explained(monkeypatch):
    monkeypatch.setattr(backends, "envpool_installed", lambda: True)
    with pytest.raises(ValueError, match=r"Unknown backend 'fast'; choose one of \('auto'"):
        evaluate(LEAN, LEAN_PARAMS, "CartPole-v1", backend="fast")
    with pytest.raises(ValueError, match="envpool does not serve 'neuroevo_helpers/CyclicMDP-v0'"):
        backends.choose_backend("neuroevo_helpers/CyclicMDP-v0", "envpool")


@needs_envpool
def test_auto_plays_seeds_envpool_cannot_hold_on_gymnasium():
    policy = policy_for_env("Pendulum-v1", hidden=(4,))
    params = policy.init_params(np.random.default_rng(0))
    auto = evaluate(policy, params, "Pendulum-v1", 2, seed=3_000_000_000)
    forced = evaluate(policy, params, "Pendulum-v1", 2, seed=3_000_000_000, backend="gymnasium")
    assert np.array_equal(auto.episode_returns, forced.episode_returns)


@needs_envpool
def test_envpool_refuses_seeds_it_cannot_hold():
    with pytest.raises(ValueError, match=r"envpool takes seeds below 2\*\*31.*backend='gymnasium'"):
        evaluate(LEAN, LEAN_PARAMS, "CartPole-v1", 1, seed=2**31, backend="envpool")


def test_workers_give_the_same_numbers_and_are_used_only_where_they_help():
    from neuroevo_helpers import processes

    policy = policy_for_env("Acrobot-v1", hidden=(8,))
    population = policy.init_params(np.random.default_rng(2), 5)
    run = dict(n_episodes=2, seed=9, max_episode_steps=80, backend="gymnasium")
    alone = evaluate(policy, population, "Acrobot-v1", **run, workers=1)
    shared = evaluate(policy, population, "Acrobot-v1", **run, workers=2)
    np.testing.assert_array_equal(alone.episode_returns, shared.episode_returns)
    assert alone.n_steps == shared.n_steps
    spec = nh.env_spec("Acrobot-v1")
    assert processes.n_workers(8, policy, spec, 5, "gymnasium") == 5  # never more than members
    assert processes.n_workers(None, policy, spec, 1, "gymnasium") == 1
    assert processes.n_workers(4, policy, spec, 5, "envpool") == 1  # batched already
    cartpole = nh.env_spec("CartPole-v1")
    assert processes.n_workers(4, policy, cartpole, 5, "gymnasium") == 1

    class Local(MLP):  # defined in a function: another process cannot rebuild it
        pass

    assert processes.n_workers(None, Local((6, 8, 3)), spec, 5, "gymnasium") == 1
    with pytest.raises(ValueError, match="workers must be a whole number >= 1; got 0"):
        evaluate(policy, population, "Acrobot-v1", **run, workers=0)


def test_worker_processes_leave_ctrl_c_to_the_parent():
    """Jupyter's stop button sends SIGINT to every process; only the parent should act on it
    (the workers would each print a KeyboardInterrupt traceback)."""
    import signal

    from neuroevo_helpers import processes

    processes._forget()  # start the workers afresh, under this test
    before = signal.getsignal(signal.SIGINT)
    handler = processes._executor(2).submit(signal.getsignal, signal.SIGINT).result()
    assert handler == signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) == before  # the parent's own handling is untouched

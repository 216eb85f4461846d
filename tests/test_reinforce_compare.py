"""REINFORCE's hand-written gradient, and the comparison runner of 07_comparison."""

import json

import numpy as np
import pytest

import neuroevo_helpers as nh
from neuroevo_helpers.compare import RandomSearch, compare, methods_for, run, threshold
from neuroevo_helpers.network import softmax
from neuroevo_helpers.reinforce import Reinforce, play, policy_gradient


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_policy_gradient_matches_finite_differences(activation):
    """With the batch fixed, the gradient is that of sum(weight * log pi(a|s)) / n_episodes."""
    policy = nh.MLP((4, 5, 3, 2), hidden_activation=activation)
    rng = np.random.default_rng(0)
    params = policy.init_params(rng)
    batch = play(policy, params, "CartPole-v1", 4, seed=3, rng=rng)
    to_go = np.flip(np.cumsum(np.flip(batch.rewards, axis=0), axis=0), axis=0)
    valid = batch.running
    weight = ((to_go - to_go[valid].mean()) / (to_go[valid].std() + 1e-8))[valid]

    def surrogate(p):
        probs = softmax(policy.forward(p, batch.obs[valid]))
        chosen = probs[np.arange(len(probs)), batch.actions[valid]]
        return np.sum(weight * np.log(chosen)) / batch.obs.shape[1]

    grad = policy_gradient(policy, params, batch)
    h = 1e-6
    numeric = np.array(
        [
            (surrogate(params + h * e) - surrogate(params - h * e)) / (2 * h)
            for e in np.eye(len(params))
        ]
    )
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


def test_play_masks_finished_episodes_and_counts_returns():
    policy = nh.policy_for_env("CartPole-v1")
    rng = np.random.default_rng(1)
    batch = play(policy, policy.init_params(rng), "CartPole-v1", 6, seed=0, rng=rng)
    assert batch.obs.shape[1:] == (6, 4) and batch.running.shape == batch.rewards.shape
    np.testing.assert_array_equal(batch.episode_returns, batch.running.sum(axis=0))  # +1 per step
    assert np.all(batch.rewards[~batch.running] == 0)


def test_reinforce_solves_cartpole_and_refuses_continuous_actions():
    policy = nh.policy_for_env("CartPole-v1")
    rng = np.random.default_rng(0)
    agent = Reinforce(policy, policy.init_params(rng), "CartPole-v1", 10, 0.01, rng)
    for _ in range(120):
        agent.step(int(rng.integers(10**9)))
    assert nh.evaluate(policy, agent.params, "CartPole-v1", 100, seed=10**9).fitness >= 475
    pendulum = nh.policy_for_env("Pendulum-v1")
    with pytest.raises(ValueError, match="discrete-action policy"):
        Reinforce(pendulum, pendulum.init_params(rng), "Pendulum-v1", 4, 0.01, rng)


def test_runs_stop_when_solved_and_results_are_plain_json(tmp_path):
    out = tmp_path / "results.json"
    results = compare(["CartPole-v1"], seeds=[0], out=out, budget_scale=0.2)
    assert json.loads(out.read_text()) == results
    assert {r["method"] for r in results["runs"]} == set(methods_for("CartPole-v1"))
    for r in results["runs"]:
        assert r["env_steps"] == sorted(r["env_steps"]) and len(r["env_steps"]) == len(r["score"])
        if r["solved_steps"] is not None:
            assert r["test"] >= threshold("CartPole-v1") and r["test_passed"]
            # validation passed there; the generation that crossed the budget may overshoot it
            assert r["solved_steps"] == r["validated_steps"] == r["env_steps"][-1]
            assert r["env_steps"][-2:-1] < [r["budget"]]
    assert methods_for("Pendulum-v1") == ("random search", "GA", "ES")
    assert threshold("Pendulum-v1") == -200


def test_an_unsolved_run_spends_its_budget_and_random_search_learns_nothing():
    record = run("random search", "Acrobot-v1", seed=0, budget=3_000)
    assert record["solved_steps"] is None and record["env_steps"][-1] >= 3_000
    rs = RandomSearch(nh.policy_for_env("CartPole-v1"), 8, np.random.default_rng(0))
    first = rs.ask()
    rs.tell(first, np.arange(8.0))
    assert rs.ask().shape == first.shape and not np.array_equal(rs.ask(), first)


def test_compare_can_run_some_methods_only():
    results = compare(["CartPole-v1"], seeds=[0], budget_scale=0.05, methods=["GA"])
    assert [r["method"] for r in results["runs"]] == ["GA"]
    assert list(results["settings"]) == ["GA on CartPole-v1"]
    with pytest.raises(ValueError, match="Unknown methods"):
        compare(["CartPole-v1"], seeds=[0], methods=["PPO"])


def test_recipes_with_two_hidden_layers_and_observation_statistics():
    from neuroevo_helpers.recipes import policy_for, recipe

    settings = recipe("es", "LunarLanderContinuous-v3")
    policy = policy_for("LunarLanderContinuous-v3", {**settings, "obs_episodes": 2})
    mean, std = nh.observation_stats("LunarLanderContinuous-v3", n_episodes=2)
    assert policy.layer_sizes == (8, 32, 32, 2) and policy.output == "tanh"
    assert policy.obs_mean == tuple(mean) and policy.obs_std == tuple(std)
    with pytest.raises(ValueError, match="normalize must be one of"):
        policy_for("CartPole-v1", {"hidden": 8, "normalize": "yes"})

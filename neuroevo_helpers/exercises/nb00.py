"""Checks for the exercises of 00_welcome."""

import numpy as np

from ..gifs import rollout
from . import call, report

TIME_LIMIT = 500  # CartPole-v1's: an episode is truncated after 500 steps


class EpisodeTooLong(Exception):
    """Raised by the check's policy when an episode goes on well past the time limit."""


def _counted(policy, limit: int):
    """`policy`, counting its calls in the list it returns; it raises after `limit` calls, so
    that a loop that never stops ends all the same."""
    calls = []

    def counted(obs):
        calls.append(1)
        if len(calls) > limit:
            raise EpisodeTooLong(f"the check stopped the episode after {limit} steps")
        return policy(obs)

    return counted, calls


def check_run_episode(run_episode) -> bool:
    """`run_episode(env_id, policy, seed)` must return the episode's return."""
    problems = []
    for policy, name in (
        (lambda obs: 0, "always push left"),
        (lambda obs: int(obs[2] > 0), "lean"),
        (lambda obs: int(obs[2] + obs[3] > 0), "balance"),  # seed 1 reaches the time limit
    ):
        for seed in (0, 1):
            expected = rollout("CartPole-v1", policy, seed=seed).episode_return
            counted, calls = _counted(policy, TIME_LIMIT + 100)
            got, problem = call(run_episode, "CartPole-v1", counted, seed)
            if len(calls) > TIME_LIMIT + 1:  # one spare call for a policy(obs) after the end
                return report(
                    [
                        f"'{name}' policy, seed {seed}: the episode went on past the "
                        f"{TIME_LIMIT}-step time limit. It also ends when truncated is True "
                        "(the time limit): stop when terminated or truncated."
                    ],
                    "",
                )
            if problem:
                return report([problem], "")
            if got is None:
                problems.append("run_episode returned None: did you forget the `return`?")
            elif not isinstance(got, (int, float, np.number)):
                kind = type(got).__name__
                problems.append(
                    f"run_episode returned {'an' if kind[0] in 'aeiou' else 'a'} {kind}; return "
                    "one number, the sum of the episode's rewards."
                )
            elif got == expected - 1:
                problems.append(
                    f"'{name}' policy, seed {seed}: got {got}, expected {expected}. Off by one: "
                    "count every reward (that is the first write-up's mistake: it kept the "
                    "last step index t, which starts at 0)."
                )
            elif got != expected:
                problems.append(
                    f"'{name}' policy, seed {seed}: got {got}, expected {expected}. Reset with "
                    "env.reset(seed=seed), add up every reward, and stop when terminated or "
                    "truncated is True."
                )
            if problems:
                return report(problems, "")
    return report([], "run_episode adds up every reward of one seeded episode.")


def check_lean_policy(policy) -> bool:
    """`policy(obs) -> action` must reach a mean return of 100 over 20 episodes (random: ~25)."""
    obs = np.array([0.0, 0.0, 0.05, 0.1], dtype=np.float32)  # leaning and falling right
    shown = np.round(obs.astype(float), 3).tolist()  # [0.0, 0.0, 0.05, 0.1], not 0.0500000007
    action, problem = call(policy, obs)
    if problem:
        return report([f"with obs = {shown}: {problem}"], "")
    if action is None:
        return report(["your policy returned None: did you forget the `return`?"], "")
    if np.ndim(action) != 0 or action not in (0, 1):
        return report(
            [
                f"with obs = {shown} your policy returned {action!r}; return one action, "
                "0 (push left) or 1 (push right), e.g. int(some_condition)."
            ],
            "",
        )
    returns = []
    for seed in range(20):
        episode, problem = call(rollout, "CartPole-v1", policy, seed=seed)
        if problem:
            return report([problem + " Your policy must return 0 or 1."], "")
        returns.append(episode.episode_return)
    mean = float(np.mean(returns))
    if mean < 100:
        return report(
            [
                f"mean return over 20 episodes is {mean:.1f}; random actions get about 25, "
                "aim for at least 100. Hint: obs[2] is the pole angle (positive = leaning "
                "right) and obs[3] its angular velocity (positive = falling to the right). "
                "Push the cart (action 1 = push right) toward where the pole is going."
            ],
            "",
        )
    return report([], f"mean return {mean:.1f} over 20 episodes; random actions get about 25.")

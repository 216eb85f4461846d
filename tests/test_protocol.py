"""The evaluation protocol: disjoint seed ranges, a run that never reads a test episode
before it ends, intervals from scipy.stats, and the strategies' contracts it relies on."""

import copy

import numpy as np
import pytest
from scipy import stats

import neuroevo_helpers as nh
from neuroevo_helpers import backends, compare, protocol, training
from neuroevo_helpers.protocol import TEST_END, TEST_SEED, VALIDATION_SEED


def test_the_three_ranges_are_disjoint_and_cover_their_seeds():
    assert 0 < VALIDATION_SEED < TEST_SEED < TEST_END
    assert protocol.seed_range(0) == "training"
    assert protocol.seed_range(VALIDATION_SEED - 1) == "training"
    assert protocol.seed_range(VALIDATION_SEED) == "validation"
    assert protocol.seed_range(TEST_SEED - 1) == "validation"
    assert protocol.seed_range(TEST_SEED) == "test"
    assert protocol.seed_range(TEST_END) == "outside" and protocol.seed_range(-1) == "outside"


def test_training_seeds_leave_room_for_their_episodes():
    class Edge:  # a generator that always draws the largest value it may
        def integers(self, high):
            return high - 1

    for n in (1, 5, protocol.MAX_TRAINING_EPISODES):
        seed = protocol.training_seed(Edge(), n)
        assert protocol.seed_range(seed) == protocol.seed_range(seed + n - 1) == "training"
        assert seed + n == VALIDATION_SEED  # the last one fits exactly
    with pytest.raises(ValueError, match="n_episodes must be a whole number >= 1"):
        protocol.training_seed(np.random.default_rng(0), 0)


def test_generators_are_independent_and_reproducible():
    a, b = protocol.generators(3), protocol.generators(3)
    draws = [g.random(4) for g in a]
    assert all(np.array_equal(d, g.random(4)) for d, g in zip(draws, b))
    assert not np.allclose(draws[0], draws[1]) and not np.allclose(draws[1], draws[2])


def _record_seeds(monkeypatch):
    """Every (first seed, n_episodes, backend) that reaches the env copies, in order."""
    seen = []
    real = backends.make_copies

    def spy(backend, env_id, n_envs, max_episode_steps):
        copies = real(backend, env_id, n_envs, max_episode_steps)
        reset = copies.reset

        def reset_and_record(seeds):
            seen.append((min(seeds), max(seeds), backend))
            return reset(seeds)

        copies.reset = reset_and_record
        return copies

    monkeypatch.setattr("neuroevo_helpers.envs.make_copies", spy)
    return seen


@pytest.mark.parametrize("method", ["GA", "ES", "random search", "REINFORCE"])
def test_a_run_reads_test_episodes_only_once_at_its_end(monkeypatch, method):
    seen = _record_seeds(monkeypatch)
    record = compare.run(method, "CartPole-v1", seed=1, budget=30_000, n_validation=5)
    ranges = [(protocol.seed_range(lo), protocol.seed_range(hi), b) for lo, hi, b in seen]
    assert all(lo == hi for lo, hi, _ in ranges), "an evaluation crossed two ranges"
    kinds = [lo for lo, _, _ in ranges]
    assert kinds.count("test") == 1 and kinds[-1] == "test", kinds  # once, at the very end
    assert ranges[-1][2] == nh.JUDGE  # the test plays on gymnasium
    assert "validation" in kinds and set(kinds) <= {"training", "validation", "test"}
    assert len(record["validation"]) == kinds.count("validation")
    # the answer is the candidate with the best validation score
    assert record["answer_validation"] == max(score for _, score in record["validation"])
    solved = record["validated_steps"] is not None and record["test"] >= 475
    assert (record["solved_steps"] is not None) == solved


def test_a_solved_run_passes_validation_and_then_test():
    record = compare.run("GA", "CartPole-v1", seed=0, budget=200_000)
    assert record["validated_steps"] is not None and record["answer_validation"] >= 475
    assert record["test_passed"] and record["solved_steps"] == record["validated_steps"]
    assert record["env_steps"][-1] == record["validated_steps"]  # it stopped there


def test_solved_needs_a_hundred_test_episodes():
    assert protocol.solved(np.full(100, 480.0), 475)
    assert not protocol.solved(np.full(100, 470.0), 475)
    with pytest.raises(ValueError, match="at least 100 test episodes"):
        protocol.solved(np.full(30, 500.0), 475)


def test_train_chooses_its_answer_on_validation(monkeypatch):
    policy = nh.policy_for_env("CartPole-v1")
    rng = np.random.default_rng(0)
    ga = nh.GA(policy.init_params(rng, 16), n_parents=4, sigma=0.1, rng=rng)
    checked = []

    def validate(params):
        score = protocol.score_on_validation(policy, params, "CartPole-v1", 5).fitness
        checked.append((params.copy(), score))
        return score

    def fitness(population, seed):
        return nh.evaluate(policy, population, "CartPole-v1", 2, seed)

    result = nh.train(ga, fitness, 6, rng, validate_fn=validate, validate_every=2, progress=False)
    assert len(checked) == 3  # generations 2, 4 and 6
    assert result.history["validation"][1::2] == [s for _, s in checked]
    assert result.history["validation"][0::2] == [None] * 3
    best = max(s for _, s in checked)
    newest_best = [p for p, s in checked if s == best][-1]
    assert result.best_fitness == best and np.array_equal(result.best_params, newest_best)


def test_an_es_answer_is_its_latest_center_without_validation():
    policy = nh.policy_for_env("CartPole-v1")
    rng = np.random.default_rng(0)
    es = nh.ES(policy.init_params(rng), 8, 0.2, 0.1, rng)

    def fitness(population, seed):
        return nh.evaluate(policy, population, "CartPole-v1", 2, seed)

    centers = []
    real_tell = es.tell

    def tell(population, fitness):
        centers.append(es.center.copy())  # the center that was scored this generation
        real_tell(population, fitness)

    es.tell = tell
    result = nh.train(es, fitness, 4, rng, progress=False)
    assert np.array_equal(result.best_params, centers[-1])
    assert result.best_fitness == result.history["best"][-1]


# ---------------------------------------------------------------------------------------
# ES.tell reads the noise from the rows it is given


def _es(mirrored=True, seed=0):
    return nh.ES(
        np.linspace(-1, 1, 6), 10, 0.3, 0.05, np.random.default_rng(seed), mirrored=mirrored
    )


@pytest.mark.parametrize("mirrored", [True, False])
def test_es_tell_does_not_depend_on_the_order_of_the_rows(mirrored):
    es = _es(mirrored)
    population = es.ask()
    fitness = np.random.default_rng(1).normal(size=len(population))
    shuffled = copy.deepcopy(es)
    order = np.random.default_rng(2).permutation(len(population))
    es.tell(population, fitness)
    shuffled.tell(population[order], fitness[order])
    np.testing.assert_allclose(es.center, shuffled.center, rtol=0, atol=1e-12)


def test_es_tell_uses_the_rows_it_is_given():
    """The step is the one the rows imply: rebuild it by hand from (row - center) / sigma."""
    plain = dict(mirrored=False, adam=False, rank_shaping=False)
    es = nh.ES(np.zeros(3), 6, 0.5, 0.1, np.random.default_rng(0), **plain)
    population = es.ask()
    fitness = np.arange(6.0)
    eps = (population - es.center) / es.sigma
    expected = es.center + 0.1 * (fitness - fitness.mean()) @ eps / (6 * 0.5)
    es.tell(population, fitness)
    np.testing.assert_allclose(es.center, expected)


@pytest.mark.parametrize(
    "make_bad, message",
    [
        (lambda es, pop: pop[:, ::-1], "not mirrored pairs"),  # columns swapped
        (lambda es, pop: pop + 0.5, "not mirrored pairs"),  # from another center
        (lambda es, pop: np.random.default_rng(5).normal(size=pop.shape), "not mirrored pairs"),
    ],
)
def test_es_tell_refuses_a_population_it_could_not_have_asked(make_bad, message):
    es = _es()
    population = es.ask()
    with pytest.raises(ValueError, match=message):
        es.tell(make_bad(es, population), np.zeros(len(population)))


def test_es_tell_refuses_samples_of_another_sigma():
    es = _es(mirrored=False)
    population = es.ask()
    with pytest.raises(ValueError, match="do not look like samples from N"):
        es.tell(es.center + 10 * (population - es.center), np.zeros(len(population)))
    es.tell(population, np.zeros(len(population)))  # the real one is fine


def test_es_tell_accepts_what_it_asked_many_times_over():
    """No false alarms: 2,000 generations of small populations, all accepted."""
    for seed in range(200):
        es = nh.ES(np.zeros(2), 2, 1.0, 0.1, np.random.default_rng(seed), mirrored=seed % 2 == 0)
        for _ in range(10):
            es.tell(es.ask(), np.random.default_rng(seed).normal(size=2))


def test_the_chi_squared_check_has_the_stated_false_alarm_rate():
    """The check rejects at p < 1e-9: the thresholds scipy gives for 2 and 10,000 numbers."""
    from neuroevo_helpers.es import _chi2_two_sided

    for df in (2, 10_000):
        assert _chi2_two_sided(stats.chi2.ppf(0.5, df), df) == pytest.approx(1.0)
        assert _chi2_two_sided(stats.chi2.isf(1e-10, df), df) < 1e-9


# ---------------------------------------------------------------------------------------
# The GA's elite, as in Such et al.: the previous elite is always a candidate


def test_the_previous_elite_is_always_re_evaluated():
    policy = nh.policy_for_env("CartPole-v1")
    rng = np.random.default_rng(0)
    ga = nh.GA(policy.init_params(rng, 12), n_parents=3, sigma=0.1, rng=rng)
    asked = []

    def refit(candidates, seed):
        asked.append(candidates.copy())
        return nh.evaluate(policy, candidates, "CartPole-v1", 2, seed)

    def unlucky_elite(population, seed):
        result = nh.evaluate(policy, population, "CartPole-v1", 1, seed)
        if ga.generation > 0:  # the carried-over elite scores worst on training episodes
            result.fitness[0] = result.episode_returns[0] = -1.0
        return result

    for _ in range(4):
        elite_before = ga.population[0].copy()
        training._one_generation(ga, unlucky_elite, rng, refit, n_candidates=2)
        if ga.generation > 1:
            assert any(np.array_equal(row, elite_before) for row in asked[-1])
    assert [len(a) for a in asked] == [2, 3, 3, 3]


# ---------------------------------------------------------------------------------------
# Intervals, from scipy.stats


def test_success_rate_is_wilsons_interval():
    rate = protocol.success_rate(3, 10)
    ci = stats.binomtest(3, 10).proportion_ci(0.95, method="wilson")
    assert rate.estimate == 0.3 and (rate.low, rate.high) == pytest.approx((ci.low, ci.high))
    assert protocol.success_rate(10, 10).high == 1.0 and protocol.success_rate(0, 10).low == 0
    with pytest.raises(ValueError, match="0 <= n_success <= n_runs"):
        protocol.success_rate(11, 10)


def test_bootstrap_intervals_cover_the_truth_and_handle_never_solved_runs():
    values = np.random.default_rng(0).normal(10, 2, 40)
    median = protocol.median_interval(values)
    assert median.low < 10 < median.high and median.estimate == np.median(values)
    iqm = protocol.iqm_interval(values)
    assert iqm.low < iqm.estimate < iqm.high and iqm.estimate == protocol.iqm(values)
    slow = protocol.median_interval([1.0, 2.0, 3.0, np.inf, np.inf, np.inf, np.inf])
    assert slow.estimate == np.inf and slow.low <= 3.0
    with pytest.raises(ValueError, match="at least 2 values"):
        protocol.median_interval([1.0])


def test_words_follow_the_intervals():
    a, b = protocol.Interval(0.9, 0.6, 1.0), protocol.Interval(0.2, 0.05, 0.5)
    assert protocol.verdict(a, b, ("ranks", "raw")).startswith("ranks is higher")
    assert protocol.verdict(b, a, ("raw", "ranks")).startswith("ranks is higher")
    five, three = protocol.success_rate(5, 5), protocol.success_rate(3, 5)  # 06's old claim
    assert protocol.verdict(five, three).startswith("no clear difference")


def test_a_re_run_is_the_same_only_to_the_last_digits_and_says_where_it_was_made(capsys):
    stored = [-1083.4845643414837, -181.68468297516]
    assert protocol.same_as_stored(np.array(stored) * (1 + 1e-12), stored)
    assert "the same numbers" in capsys.readouterr().out
    assert not protocol.same_as_stored([-1083.48, -181.68], stored, "seed 0", made_on="on X")
    out = capsys.readouterr().out
    assert out.startswith("seed 0: not the same") and "made on X." in out
    assert not protocol.same_as_stored(stored[:1], stored)  # a shorter run is not the same


# ---------------------------------------------------------------------------------------
# Edge cases found in review


def test_bootstrap_survives_ties_and_runs_that_never_solve():
    tied = [500.0] * 8 + [300.0, 200.0]  # CartPole: returns stop at 500
    for interval in (protocol.median_interval(tied), protocol.iqm_interval(tied)):
        assert np.isfinite([interval.low, interval.high]).all() and interval.high == 500
    assert protocol.median_interval([np.inf] * 10) == (np.inf, np.inf, np.inf)
    with pytest.raises(ValueError, match="whole numbers"):
        protocol.success_rate(2.7, 10)


def test_es_tell_accepts_rows_that_went_through_float32():
    """A worker may send its population back as float32: rounding is not a wrong population."""
    policy = nh.policy_for_env("CartPole-v1")
    for seed in range(10):
        rng = np.random.default_rng(seed)
        es = nh.ES(3 * policy.init_params(rng), 50, 0.02, 0.1, rng)
        es.tell(es.ask().astype(np.float32), rng.normal(size=50))


def test_es_tell_refuses_an_earlier_generation_without_mirrors():
    rng = np.random.default_rng(0)
    es = nh.ES(np.zeros(100), 20, 0.1, 0.1, rng, mirrored=False)
    population = es.ask()
    es.tell(population, rng.normal(size=20))
    with pytest.raises(ValueError, match="N\\(center, sigma\\^2 I\\)|centred somewhere else"):
        es.tell(population, rng.normal(size=20))


def test_es_tell_refuses_swapped_columns_around_a_zero_center():
    rng = np.random.default_rng(0)
    es = nh.ES(np.zeros(6), 10, 0.3, 0.05, rng)
    with pytest.raises(ValueError, match="not mirrored pairs"):
        population = es.ask()
        swapped = population.copy()
        swapped[:5] = swapped[:5, ::-1]  # the + rows lose their mirrors
        es.tell(swapped, np.zeros(10))


def _cartpole_ga(seed):
    policy = nh.policy_for_env("CartPole-v1")
    rng = np.random.default_rng(seed)
    ga = nh.GA(policy.init_params(rng, 8), n_parents=2, sigma=0.1, rng=rng)

    def fitness(population, episode_seed):
        return nh.evaluate(policy, population, "CartPole-v1", 1, episode_seed)

    def validate(params):
        return protocol.score_on_validation(policy, params, "CartPole-v1", 3)

    return ga, fitness, validate, rng


def test_a_run_validated_every_few_generations_resumes_and_stops_cleanly(tmp_path):
    path = tmp_path / "run.npz"
    ga, fitness, validate, rng = _cartpole_ga(0)
    run = dict(validate_fn=validate, validate_every=4, progress=False)
    nh.train(ga, fitness, 2, rng, checkpoint=path, **run)  # no answer chosen yet: saved anyway
    ga, fitness, validate, rng = _cartpole_ga(0)
    resumed = nh.train(ga, fitness, 6, rng, checkpoint=path, **run)
    ga, fitness, validate, rng = _cartpole_ga(0)
    whole = nh.train(ga, fitness, 6, rng, **run)
    # the same run; the first call also validated its own last generation (the second)
    for key in ("best", "mean", "episodes", "env_steps"):
        assert resumed.history[key] == whole.history[key], key
    assert whole.history["validation"][:4] == [None, None, None, whole.history["validation"][3]]
    assert resumed.history["validation"][1] is not None and resumed.history["validation"][3]
    assert resumed.best_fitness == max(v for v in resumed.history["validation"] if v is not None)

    # Ctrl-C before the first validation: the latest candidate, validated then
    ga, fitness, validate, rng = _cartpole_ga(1)
    calls = []

    def stop_at_second(population, seed):
        calls.append(seed)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return fitness(population, seed)

    result = nh.train(ga, stop_at_second, 6, rng, **run)
    assert result.interrupted and result.best_params is not None
    assert result.best_fitness == validate(result.best_params).fitness


def test_tuning_uses_its_own_seeds_and_only_validation_to_choose(monkeypatch):
    grid = [dict(sigma=0.1), dict(sigma=1.0)]
    run = dict(grid=grid, seeds=(1000, 1001), budget=20_000)
    tuned = compare.tune("GA", "CartPole-v1", **run)
    assert [r["seed"] for t in tuned["tried"] for r in t["runs"]] == [1000, 1001] * 2
    # with the test episodes' scores turned upside down, the same setting is chosen
    real = protocol.score_on_test

    def upside_down(*args, **kwargs):
        result = real(*args, **kwargs)
        return result._replace(episode_returns=-result.episode_returns, fitness=-result.fitness)

    monkeypatch.setattr(protocol, "score_on_test", upside_down)
    again = compare.tune("GA", "CartPole-v1", **run)
    assert again["settings"] == tuned["settings"]
    assert [r["test"] for t in again["tried"] for r in t["runs"]] == [
        -r["test"] for t in tuned["tried"] for r in t["runs"]
    ]  # the patch did reach the runs
    with pytest.raises(ValueError, match="must not overlap the reported seeds"):
        compare.tune("GA", "CartPole-v1", grid, seeds=(0, 1000))


def test_tuning_keeps_the_default_where_the_data_cannot_tell_settings_apart():
    def tried(change, n_passed, steps, score):
        return dict(change=change, n_passed=n_passed, median_steps=steps, score=score)

    base = dict(sigma=0.1, lr=0.1)
    same = [tried(dict(sigma=s), 3, 8e4, score) for s, score in ((0.03, -80), (0.1, -95))]
    assert compare._choose(same, base)["change"] == dict(sigma=0.1)  # a tie: stay
    faster = same + [tried(dict(sigma=1.0), 3, 5e4, -99)]
    assert compare._choose(faster, base)["change"] == dict(sigma=1.0)  # faster wins
    more = faster + [tried(dict(sigma=3.0), 3, 6e5, -90), tried(dict(sigma=9.0), 2, 1e4, -80)]
    assert compare._choose(more, base)["change"] == dict(sigma=1.0)  # passing counts first
    apart = [tried(dict(sigma=s), 0, np.inf, score) for s, score in ((0.3, -700), (1.0, -300))]
    assert compare._choose(apart, base)["change"] == dict(sigma=1.0)  # none pass: best score

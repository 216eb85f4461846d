"""Novelty search and MAP-Elites (neuroevo_helpers.qd), the descriptors, and MAP-Elites'
archive against pyribs' GridArchive and GaussianEmitter."""

import numpy as np
import pytest

import neuroevo_helpers as nh
from neuroevo_helpers import maze


def test_novelty_is_the_mean_distance_to_the_k_nearest_others():
    points = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(nh.novelty(points, k=1), [1.0, 1.0, 2.0])
    np.testing.assert_allclose(nh.novelty(points, k=2), [2.0, 1.5, 2.5])
    archive = np.array([[0.0, 0.5]])
    np.testing.assert_allclose(nh.novelty(points, archive, k=1), [0.5, 1.0, 2.0])
    # a single point with nothing to compare against is not novel; k larger than the rest
    assert nh.novelty(points[:1], k=5)[0] == 0.0
    np.testing.assert_allclose(nh.novelty(points, k=10), [2.0, 1.5, 2.5])
    with pytest.raises(ValueError, match="2-D array"):
        nh.novelty(np.zeros(3))
    with pytest.raises(ValueError, match=r"archive must be \(m, 2\)"):
        nh.novelty(points, np.zeros((4, 3)))


def test_grid_archive_keeps_each_cells_best_and_counts_coverage():
    archive = nh.GridArchive(2, (2, 2), ((0, 0), (1, 1)), qd_offset=-1)
    params = np.arange(10.0).reshape(5, 2)
    objective = np.array([1.0, 3.0, 2.0, 5.0, 0.0])
    # rows 0-2 in cell (0, 0), row 3 in (1, 1); row 4 outside the ranges: the nearest edge cell
    descriptors = np.array([[0.1, 0.1], [0.2, 0.3], [0.4, 0.4], [0.9, 0.9], [-5.0, 7.0]])
    status = archive.add(params, objective, descriptors)
    np.testing.assert_array_equal(status, [0, 2, 0, 2, 2])
    assert archive.coverage() == 0.75
    assert archive.qd_score() == pytest.approx((3 + 1) + (5 + 1) + (0 + 1))
    np.testing.assert_array_equal(archive.index_of([[0.1, 0.1], [-5.0, 7.0]]), [0, 1])
    best, value = archive.best()
    np.testing.assert_array_equal(best, params[3]) and value == 5.0
    # a better one replaces the elite (status 1); a worse one is refused (0)
    np.testing.assert_array_equal(
        archive.add(np.ones((2, 2)), [4.0, 4.0], [[0.1, 0.1], [0.9, 0.9]]), [1, 0]
    )
    assert np.isnan(archive.heatmap()[1, 0]) and archive.heatmap()[0, 0] == 4.0
    with pytest.raises(ValueError, match="add takes params"):
        archive.add(np.ones((2, 3)), [1.0, 2.0], [[0, 0], [1, 1]])


def test_grid_archive_saves_and_loads_without_pickles(tmp_path):
    archive = nh.GridArchive(3, (4, 5), ((-1, 0), (1, 2)))
    rng = np.random.default_rng(0)
    archive.add(rng.normal(size=(30, 3)), rng.normal(size=30), rng.uniform(-1, 2, (30, 2)))
    archive.save(tmp_path / "a.npz")
    back = nh.GridArchive.load(tmp_path / "a.npz")
    np.testing.assert_array_equal(back.filled, archive.filled)
    np.testing.assert_array_equal(back.params[back.filled], archive.params[archive.filled])
    with pytest.raises(ValueError, match="npz"):
        archive.save(tmp_path / "a.json")
    np.savez(tmp_path / "other.npz", x=np.zeros(2))
    with pytest.raises(ValueError, match="not a saved GridArchive"):
        nh.GridArchive.load(tmp_path / "other.npz")


def _projection(solutions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The MAP-Elites literature's 'linear projection' test: a shifted sphere to maximise,
    and each half's sum of clipped parameters as the 2-D descriptor."""
    clipped = np.where(np.abs(solutions) > 5.12, 5.12 / solutions, solutions)
    objective = -np.sum((solutions - 2.048) ** 2, axis=1)
    half = solutions.shape[1] // 2
    return objective, np.stack([clipped[:, :half].sum(1), clipped[:, half:].sum(1)], axis=1)


def _coverage_nh(seed, n, generations, batch):
    rng = np.random.default_rng(seed)
    limit = n / 2 * 5.12
    archive = nh.GridArchive(n, (20, 20), ((-limit, -limit), (limit, limit)))
    emitter = nh.MapElites(archive, np.zeros(n), 0.5, batch, rng)
    for _ in range(generations):
        population = emitter.ask()
        objective, descriptors = _projection(population)
        emitter.observe(descriptors)
        emitter.tell(population, objective)
    return archive.coverage()


def _coverage_pyribs(seed, n, generations, batch):
    from ribs.archives import GridArchive
    from ribs.emitters import GaussianEmitter
    from ribs.schedulers import Scheduler

    limit = n / 2 * 5.12
    archive = GridArchive(solution_dim=n, dims=(20, 20), ranges=[(-limit, limit)] * 2, seed=seed)
    emitter = GaussianEmitter(archive, sigma=0.5, x0=np.zeros(n), batch_size=batch, seed=seed)
    scheduler = Scheduler(archive, [emitter])
    for _ in range(generations):
        solutions = scheduler.ask()
        objective, descriptors = _projection(solutions)
        scheduler.tell(objective, descriptors)
    return archive.stats.coverage


def test_map_elites_covers_the_grid_like_pyribs():
    pytest.importorskip("ribs")
    ours = [_coverage_nh(seed, 20, 150, 36) for seed in range(6)]
    theirs = [_coverage_pyribs(seed, 20, 150, 36) for seed in range(6)]
    # the same algorithm, budget and descriptors: our mean sits within pyribs' seeds' spread
    low, high = min(theirs), max(theirs)
    slack = 0.5 * (high - low) + 0.01
    assert low - slack <= np.mean(ours) <= high + slack, (ours, theirs)
    assert 0.05 < np.mean(theirs) < 0.95  # the check is not trivially at an end of the scale


def test_novelty_search_and_map_elites_train_on_the_maze_and_resume(tmp_path):
    policy = nh.policy_for_env(maze.ENV_ID, hidden=(4,))
    final = nh.FinalObservation((10, 11))

    def run(strategy, rng, generations, checkpoint=None):
        def fitness(population, seed):
            result = nh.evaluate(policy, population, maze.ENV_ID, 1, seed, descriptor=final)
            strategy.observe(result.descriptors)
            return result

        return nh.train(strategy, fitness, generations, rng, progress=False, checkpoint=checkpoint)

    rng = np.random.default_rng(0)
    ns = nh.NoveltySearch(policy.init_params(rng, 12), 4, 0.3, rng, bounds=((0, 0), (1, 1)))
    result = run(ns, rng, 3)
    assert len(ns.archive) > 0 and ns.last_novelty.shape == (12,)
    assert len(result.history["best"]) == 3
    # stopped after 2 generations and resumed: the same run as 3 in one go
    rng2 = np.random.default_rng(0)
    ns2 = nh.NoveltySearch(policy.init_params(rng2, 12), 4, 0.3, rng2, bounds=((0, 0), (1, 1)))
    run(ns2, rng2, 2, tmp_path / "ns.npz")
    rng3 = np.random.default_rng(99)
    ns3 = nh.NoveltySearch(policy.init_params(rng3, 12), 4, 0.3, rng3, bounds=((0, 0), (1, 1)))
    run(ns3, rng3, 3, tmp_path / "ns.npz")
    np.testing.assert_array_equal(ns3.archive, ns.archive)
    np.testing.assert_array_equal(ns3.ga.population, ns.ga.population)

    archive = nh.GridArchive(policy.n_params, (10, 5), ((0, 0), (1, 1)), qd_offset=-1)
    me = nh.MapElites(archive, policy.init_params(rng), 0.3, 16, rng)
    run(me, rng, 3)
    assert 0 < archive.coverage() <= 48 / 50 and archive.qd_score() > 0


def test_strategies_refuse_tell_without_descriptors_and_bad_settings():
    rng = np.random.default_rng(0)
    ns = nh.NoveltySearch(np.zeros((4, 3)), 2, 0.1, rng, bounds=((0,), (1,)))
    with pytest.raises(RuntimeError, match="observe"):
        ns.tell(ns.ask(), np.zeros(4))
    with pytest.raises(ValueError, match="one descriptor of size 1"):
        ns.observe(np.zeros((3, 1, 1)))
    with pytest.raises(ValueError, match="bounds must be"):
        nh.NoveltySearch(np.zeros((4, 3)), 2, 0.1, rng, bounds=((1,), (0,)))
    archive = nh.GridArchive(3, (5,), ((0,), (1,)))
    with pytest.raises(ValueError, match="x0 must be"):
        nh.MapElites(archive, np.zeros(2), 0.1, 8, rng)
    me = nh.MapElites(archive, np.zeros(3), 0.1, 8, rng)
    with pytest.raises(RuntimeError, match="tell before ask"):
        me.tell(np.zeros((8, 3)), np.zeros(8))
    population = me.ask()
    with pytest.raises(RuntimeError, match="observe"):
        me.tell(population, np.zeros(8))
    with pytest.raises(TypeError, match="behaviour descriptor"):
        policy = nh.policy_for_env("CartPole-v1")
        nh.evaluate(policy, np.zeros(policy.n_params), "CartPole-v1", descriptor=3)


def test_descriptors_on_every_backend_and_in_worker_processes():
    policy = nh.policy_for_env("MountainCar-v0", hidden=(4,), normalize=True)
    population = policy.init_params(np.random.default_rng(2), 4)
    final = nh.FinalObservation((0, 1), names=("position", "velocity"))
    one = nh.evaluate(policy, population, "MountainCar-v0", 2, 5, backend="gymnasium",
                      workers=1, descriptor=final)  # fmt: skip
    two = nh.evaluate(policy, population, "MountainCar-v0", 2, 5, backend="gymnasium",
                      workers=2, descriptor=final)  # fmt: skip
    np.testing.assert_array_equal(one.descriptors, two.descriptors)
    # the final observation: a car that did not reach the flag is left of 0.5
    assert one.descriptors.shape == (4, 2, 2)
    reached = one.episode_returns > -200
    assert np.all((one.descriptors[..., 0] >= 0.5) == reached)
    with pytest.raises(ValueError, match="has 2"):
        nh.evaluate(policy, population, "MountainCar-v0", descriptor=nh.FinalObservation(5))


def test_touchdown_keeps_the_values_at_first_contact():
    touch = nh.Touchdown()
    obs = np.zeros((2, 8))
    state = touch.start(obs)
    obs[:, 0], obs[:, 3] = [0.1, 0.2], [-0.5, -0.6]
    obs[0, 6] = 1.0  # copy 0 touches down now
    state = touch.step(state, obs.copy(), np.array([True, True]))
    obs[:, 0], obs[:, 3] = 0.9, 0.0
    state = touch.step(state, obs.copy(), np.array([True, True]))
    np.testing.assert_allclose(touch.finish(state), [[0.1, -0.5], [0.9, 0.0]])


def test_record_plays_an_elite_from_an_archive_file(tmp_path, capsys):
    from neuroevo_helpers.__main__ import main
    from neuroevo_helpers.agents import load_agent

    policy = nh.policy_for_env(maze.ENV_ID, hidden=(4,))
    archive = nh.GridArchive(policy.n_params, (3, 2), ((0, 0), (1, 1)), qd_offset=-1)
    rng = np.random.default_rng(0)
    params = policy.init_params(rng, 3)
    archive.add(params, [0.2, 0.5, 0.1], [[0.1, 0.1], [0.9, 0.9], [0.5, 0.2]])
    path = tmp_path / "archive.npz"
    archive.save(path, policy=policy, env_id=maze.ENV_ID)
    best = load_agent(path)
    np.testing.assert_array_equal(best.params, params[1])
    assert tuple(best.info["cell"]) == (2, 1) and best.info["elite_return"] == 0.5
    np.testing.assert_array_equal(load_agent(path, cell=(1, 0)).params, params[2])
    with pytest.raises(ValueError, match=r"cell \(0, 1\) .* is empty"):
        load_agent(path, cell=(0, 1))
    with pytest.raises(ValueError, match="not in"):
        load_agent(path, cell=(5, 0))
    # no pickles: plain arrays only
    with np.load(path, allow_pickle=False) as data:
        assert data["params"].shape == (3, policy.n_params)
    gif = tmp_path / "elite.gif"
    assert main(["record", "--agent", str(path), "--cell", "1", "0", "--out", str(gif),
                 "--width", "400"]) == 0  # fmt: skip
    assert gif.stat().st_size > 1000 and "MAP-Elites, cell (1, 0)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["record", "--env", maze.ENV_ID, "--cell", "1", "0", "--out", str(gif)])
    assert "--cell picks an elite" in capsys.readouterr().err

"""NEAT's genomes: structural mutations, alignment by innovation number, the compatibility
distance, crossover and the forward pass of any feed-forward genome."""

import numpy as np
import pytest

from neuroevo_helpers import neat
from neuroevo_helpers.neat import HIDDEN, INPUT, OUTPUT, Genome


def genome_with(innovations, weights=None):
    """A genome whose connection genes carry the given innovation numbers (2 inputs, 1
    output; the genes' node pairs are made up but distinct)."""
    innovations = np.array(innovations)
    n = len(innovations)
    return Genome(
        node_ids=np.arange(3 + n),
        node_kinds=np.r_[INPUT, INPUT, OUTPUT, np.full(n, HIDDEN)],
        node_bias=np.zeros(3 + n),
        innovation=innovations,
        conn_in=np.zeros(n, dtype=int),
        conn_out=3 + np.arange(n),
        weight=np.ones(n) if weights is None else np.asarray(weights, float),
        enabled=np.ones(n, dtype=bool),
    )


def test_a_minimal_genome_is_a_linear_layer_through_tanh():
    rng = np.random.default_rng(0)
    record = neat.Innovations(3, 2)
    g = neat.minimal_genome(3, 2, record, rng).check()
    assert g.n_inputs == 3 and g.n_outputs == 2 and len(g.innovation) == 6
    obs = rng.standard_normal((5, 3))
    w = np.zeros((3, 2))
    w[g.conn_in, g.conn_out - 3] = g.weight
    np.testing.assert_allclose(neat.forward(g, obs), np.tanh(obs @ w))
    # a second genome gets the same innovation numbers for the same connections
    h = neat.minimal_genome(3, 2, record, rng)
    np.testing.assert_array_equal(g.innovation, h.innovation)


def test_splitting_a_connection_adds_a_node_and_two_genes_the_same_way_everywhere():
    rng = np.random.default_rng(1)
    record = neat.Innovations(2, 1)
    g = neat.minimal_genome(2, 1, record, rng)
    a = neat.add_node(g, record, np.random.default_rng(5)).check()
    b = neat.add_node(g, record, np.random.default_rng(5)).check()  # the same split
    assert len(a.node_ids) == 4 and a.node_kinds[-1] == HIDDEN
    assert len(a.innovation) == 4 and (~a.enabled).sum() == 1
    np.testing.assert_array_equal(a.innovation, b.innovation)  # same numbers, same node id
    np.testing.assert_array_equal(a.node_ids, b.node_ids)
    split = np.flatnonzero(~a.enabled)[0]
    into, out_of = (a.conn_out == 3) & a.enabled, (a.conn_in == 3) & a.enabled
    assert a.weight[into] == 1.0 and a.weight[out_of] == a.weight[split]
    record.new_generation()  # next generation: the same split makes another node
    c = neat.add_node(g, record, np.random.default_rng(5))
    assert c.node_ids[-1] == 4


def test_random_structural_mutations_keep_every_genome_feed_forward():
    rng = np.random.default_rng(2)
    record = neat.Innovations(4, 2)
    g = neat.minimal_genome(4, 2, record, rng)
    for _ in range(150):
        g = (
            neat.add_node(g, record, rng)
            if rng.random() < 0.3
            else neat.add_connection(g, record, rng)
        )
        g = neat.mutate_weights(g, rng)
    g.check()
    assert (g.node_kinds == HIDDEN).sum() > 20
    order = neat.topological_order(g)
    position = {n: i for i, n in enumerate(order)}
    for a, b in zip(g.conn_in[g.enabled], g.conn_out[g.enabled]):
        assert a < 4 or position[a] < position[b]  # every enabled connection goes forward
    assert neat.forward(g, rng.standard_normal((7, 4))).shape == (7, 2)


def test_genes_line_up_as_in_the_papers_figure():
    # Stanley & Miikkulainen (2002), figure 4: parent 1 has genes 1-5 and 8, parent 2 has
    # 1-7, 9 and 10. Matching 1-5; disjoint 6, 7 and 8; excess 9 and 10.
    one, two = genome_with([1, 2, 3, 4, 5, 8]), genome_with([1, 2, 3, 4, 5, 6, 7, 9, 10])
    matching, disjoint, excess = neat.align(one, two)
    assert matching.tolist() == [1, 2, 3, 4, 5]
    assert disjoint.tolist() == [6, 7, 8] and excess.tolist() == [9, 10]
    assert neat.compatibility(one, two) == pytest.approx(2 + 3)  # N = 1 below 20 genes
    heavier = genome_with([1, 2, 3, 4, 5, 8], weights=[3, 1, 1, 1, 1, 1])
    assert neat.compatibility(heavier, two) - neat.compatibility(one, two) == pytest.approx(
        0.4 * 2 / 5
    )
    assert neat.compatibility(one, one) == 0.0


def test_crossover_takes_matching_genes_from_either_and_the_rest_from_the_fitter():
    fitter = genome_with([1, 2, 3, 4, 5, 8], weights=np.zeros(6))
    other = genome_with([1, 2, 3, 4, 5, 6, 7, 9, 10], weights=np.ones(9))
    children = [neat.crossover(fitter, other, np.random.default_rng(s)) for s in range(50)]
    for child in children:
        np.testing.assert_array_equal(child.innovation, fitter.innovation)
        assert child.weight[-1] == 0.0  # gene 8: the fitter's only
    from_other = np.mean([c.weight[:5].mean() for c in children])
    assert 0.35 < from_other < 0.65  # matching genes: half from each parent
    # a gene disabled in one parent is disabled in about 75% of the children
    off = other.copy()
    off.enabled[0] = False
    share = np.mean(
        [not neat.crossover(fitter, off, np.random.default_rng(s)).enabled[0] for s in range(400)]
    )
    assert 0.68 < share < 0.82


def test_malformed_genomes_are_refused_with_a_reason():
    record = neat.Innovations(2, 1)
    g = neat.minimal_genome(2, 1, record, np.random.default_rng(0))
    bad = g.copy()
    bad.conn_out = np.array([0, 2])
    with pytest.raises(ValueError, match="ends in an input"):
        bad.check()
    bad = g.copy()
    bad.weight = np.array([1.0, np.nan])
    with pytest.raises(ValueError, match="finite"):
        bad.check()
    bad = g.copy()
    bad.innovation = np.array([0, 0])
    with pytest.raises(ValueError, match="innovation numbers repeat"):
        bad.check()
    loop = neat.add_node(g, record, np.random.default_rng(0))
    loop = neat._with_connection(loop, 99, 2, 3, 1.0)  # output -> hidden -> output
    with pytest.raises(ValueError, match="cycle"):
        loop.check()
    with pytest.raises(ValueError, match=r"obs must be \(batch, 2\)"):
        neat.forward(g, np.zeros((4, 3)))


def grown(n_in, n_out, rng, steps):
    record = neat.Innovations(n_in, n_out)
    g = neat.minimal_genome(n_in, n_out, record, rng)
    for _ in range(steps):
        g = (
            neat.add_node(g, record, rng)
            if rng.random() < 0.4
            else neat.add_connection(g, record, rng)
        )
        g = neat.mutate_weights(g, rng)
    return g


def test_padded_genomes_compute_every_genome_exactly_in_one_batched_pass():
    rng = np.random.default_rng(3)
    genomes = [grown(4, 2, rng, steps) for steps in (0, 3, 10, 25, 40)]
    policy = neat.PaddedGenomes((4, 2), max_hidden=30)
    population = policy.encode(genomes)
    obs = rng.standard_normal((5, 6, 4))  # row i: 6 observations for genome i
    batched = policy.forward(population, obs)
    for i, g in enumerate(genomes):
        np.testing.assert_allclose(batched[i], neat.forward(g, obs[i]), atol=1e-12)
        np.testing.assert_allclose(policy.forward(population[i], obs[i]), batched[i])
    assert policy.act(population, obs).shape == (5, 6)  # argmax: one action per observation


def test_padded_genomes_play_in_evaluate_and_refuse_what_does_not_fit():
    import neuroevo_helpers as nh

    rng = np.random.default_rng(4)
    genomes = [grown(4, 2, rng, 8) for _ in range(6)]
    policy = neat.PaddedGenomes((4, 2), max_hidden=10)
    result = nh.evaluate(policy, policy.encode(genomes), "CartPole-v1", 2, seed=0)
    assert result.fitness.shape == (6,)
    assert (result.fitness >= 8).all()  # every episode lasts at least 8 steps
    with pytest.raises(ValueError, match="larger max_hidden"):
        neat.PaddedGenomes((4, 2), max_hidden=0).encode(genomes)
    with pytest.raises(ValueError, match=r"takes \(3, 2\)"):
        neat.PaddedGenomes((3, 2), max_hidden=10).encode(genomes)
    with pytest.raises(TypeError, match="encode"):
        policy.init_params(rng, 4)
    disconnected = genomes[0].copy()
    disconnected.enabled[:] = False
    disconnected.node_bias[disconnected.node_kinds == OUTPUT] = [0.5, -0.5]
    out = policy.forward(policy.encode([disconnected])[0], np.zeros((1, 4)))
    np.testing.assert_allclose(out, np.tanh([[0.5, -0.5]]))  # outputs with no inputs: tanh(b)


def xor_fitness(policy, population):
    """4 minus the squared error on XOR's four cases (the third input is a constant 1), the
    output read as (tanh + 1) / 2; and which genomes get all four right."""
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0], dtype=float)
    out = (policy.forward(population, np.broadcast_to(x, (len(population), 4, 3)))[..., 0] + 1) / 2
    return 4 - ((out - y) ** 2).sum(axis=1), ((out > 0.5) == y).all(axis=1)


def test_neat_grows_hidden_nodes_and_solves_xor():
    policy = neat.PaddedGenomes((3, 1), max_hidden=20, output="tanh")
    solved_at = []
    for seed in range(2):
        strategy = neat.NEAT(policy, 150, np.random.default_rng(seed))
        for generation in range(60):
            population = strategy.ask()
            fitness, solved = xor_fitness(policy, population)
            if solved.any():
                winner = strategy.genomes[int(np.argmax(solved))]
                assert (winner.node_kinds == HIDDEN).any()  # XOR needs a hidden node
                solved_at.append(generation)
                break
            strategy.tell(population, fitness)
            assert sum(strategy.species_sizes[-1].values()) == 150
            assert len(strategy.genomes) == 150
    assert len(solved_at) == 2, solved_at  # the paper: 32 generations on average


def test_neat_refuses_what_it_cannot_use():
    with pytest.raises(TypeError, match="PaddedGenomes"):
        neat.NEAT(neat.MLP((3, 1)), 10, np.random.default_rng(0))
    policy = neat.PaddedGenomes((3, 1), max_hidden=5)
    strategy = neat.NEAT(policy, 10, np.random.default_rng(0))
    with pytest.raises(ValueError, match="the 10 rows ask"):
        strategy.tell(strategy.ask(), np.zeros(9))


def test_a_padded_row_decodes_to_a_genome_that_computes_the_same(tmp_path):
    rng = np.random.default_rng(6)
    genomes = [grown(4, 2, rng, steps) for steps in (0, 6, 20)]
    policy = neat.PaddedGenomes((4, 2), max_hidden=20)
    obs = rng.standard_normal((9, 4))
    for row in policy.encode(genomes):
        g = policy.decode(row)
        np.testing.assert_allclose(neat.forward(g, obs), policy.forward(row, obs), atol=1e-12)
        np.testing.assert_array_equal(policy.encode([g])[0][1:], row[1:])  # the same W and b
    with pytest.raises(ValueError, match="one row"):
        policy.decode(policy.encode(genomes))


def test_a_neat_agent_file_holds_its_genome_and_plays_like_any_agent(tmp_path):
    import zipfile

    import neuroevo_helpers as nh
    from neuroevo_helpers.agents import load_agent, save_agent

    rng = np.random.default_rng(7)
    genome = grown(4, 2, rng, 12)
    policy = neat.PaddedGenomes((4, 2), max_hidden=20)
    path = save_agent(tmp_path / "neat.npz", policy, genome, "CartPole-v1", algorithm="neat")
    with np.load(path, allow_pickle=False) as data:  # node and connection arrays, no params
        assert {"node_ids", "conn_in", "weight", "enabled", "innovation"} <= set(data.files)
        assert "params" not in data.files
        np.testing.assert_array_equal(data["innovation"], genome.innovation)
    agent = load_agent(path)
    assert isinstance(agent.policy, neat.PaddedGenomes) and agent.policy.max_hidden == 20
    np.testing.assert_array_equal(agent.info["genome"].weight, genome.weight)
    row = policy.encode([genome])[0]
    np.testing.assert_array_equal(agent.params, row)
    played = nh.evaluate(agent.policy, agent.params, "CartPole-v1", 3, seed=0).episode_returns
    np.testing.assert_array_equal(
        played, nh.evaluate(policy, row, "CartPole-v1", 3, 0).episode_returns
    )

    # a malformed genome is refused with the reason, never half-loaded
    with zipfile.ZipFile(path) as z:
        arrays = {name[:-4]: np.load(z.open(name)) for name in z.namelist()}
    for change, words in [
        ({"conn_out": np.r_[0, genome.conn_out[1:]]}, "ends in an input"),
        ({"weight": genome.weight[:-1]}, "entries for"),
        ({"max_hidden": np.array(0)}, "larger max_hidden"),
    ]:
        bad = tmp_path / "bad.npz"
        np.savez(bad, **{**arrays, **change})
        with pytest.raises(ValueError, match=words):
            load_agent(bad)
    with pytest.raises(TypeError, match="PaddedGenomes"):
        save_agent(tmp_path / "x.npz", nh.MLP((4, 2)), genome, "CartPole-v1")


def test_evaluate_record_and_gallery_take_a_neat_agent_file(tmp_path, capsys):
    import imageio.v3 as iio

    from neuroevo_helpers.__main__ import main
    from neuroevo_helpers.agents import save_agent

    genome = grown(4, 2, np.random.default_rng(8), 6)
    policy = neat.PaddedGenomes((4, 2), max_hidden=10)
    agents = tmp_path / "agents"
    agents.mkdir()
    path = save_agent(agents / "cp_neat.npz", policy, genome, "CartPole-v1", algorithm="neat")
    assert main(["evaluate", "--agent", str(path), "--episodes", "5"]) == 0
    assert "CartPole-v1: mean" in capsys.readouterr().out
    assert main(["record", "--agent", str(path), "--out", str(tmp_path / "one.gif")]) == 0
    assert "evolved (NEAT)" in capsys.readouterr().out
    out = tmp_path / "gallery"
    out.mkdir()
    assert main(["gallery", "--agents", str(agents), "--out", str(out)]) == 0
    assert iio.imread(out / "cp_neat.gif", index=None).ndim == 4
    assert (out / "cp_neat.mp4").stat().st_size > 0

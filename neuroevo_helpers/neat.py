"""NEAT's genomes (Stanley & Miikkulainen 2002): networks whose shape evolves too.

A genome is two tables, kept as NumPy arrays so that it saves to npz without pickles:

- **node genes**: `node_ids` and `node_kinds` (INPUT, OUTPUT or HIDDEN), one bias each
  (`node_bias`; inputs ignore theirs). Inputs are ids 0 .. n_in - 1, outputs the next
  n_out; hidden nodes get new ids as they are added.
- **connection genes**: `innovation` (the gene's historical marking), `conn_in` and
  `conn_out` (node ids), `weight` and `enabled`.

Structural mutations add a connection between two unconnected nodes, or split an enabled
connection with a new node (the old connection is disabled; in -> new gets weight 1 and
new -> out the old weight, so the network computes nearly what it did). An `Innovations`
record hands out innovation numbers: the same new connection (the same pair of nodes) gets
the same number wherever it appears, which is what lets crossover line up two genomes and
the compatibility distance compare them. Only feed-forward genomes are made here: a new
connection never closes a cycle.

`PaddedGenomes` runs a population of different genomes in one batched pass, and `NEAT` is
the generation loop (speciation, fitness sharing) with the `ask`/`tell` of the course's
other strategies. Taught in 12_neat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import MLP, _check_count

INPUT, OUTPUT, HIDDEN = 0, 1, 2


@dataclass
class Genome:
    """One network's genes (see the module's docstring)."""

    node_ids: np.ndarray  # (n_nodes,) int
    node_kinds: np.ndarray  # (n_nodes,) int: INPUT, OUTPUT or HIDDEN
    node_bias: np.ndarray  # (n_nodes,) float
    innovation: np.ndarray  # (n_conns,) int, sorted
    conn_in: np.ndarray  # (n_conns,) int node ids
    conn_out: np.ndarray  # (n_conns,) int node ids
    weight: np.ndarray  # (n_conns,) float
    enabled: np.ndarray  # (n_conns,) bool

    @property
    def n_inputs(self) -> int:
        return int(np.sum(self.node_kinds == INPUT))

    @property
    def n_outputs(self) -> int:
        return int(np.sum(self.node_kinds == OUTPUT))

    def copy(self) -> Genome:
        return Genome(**{k: v.copy() for k, v in vars(self).items()})

    def check(self) -> Genome:
        """Raise ValueError, saying what is wrong, unless the genome is well formed."""
        n, c = len(self.node_ids), len(self.innovation)
        for name in ("node_kinds", "node_bias"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries for {n} nodes.")
        for name in ("conn_in", "conn_out", "weight", "enabled"):
            if len(getattr(self, name)) != c:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries for {c} genes.")
        if len(np.unique(self.node_ids)) != n:
            raise ValueError("node_ids repeat: every node gene needs its own id.")
        if len(np.unique(self.innovation)) != c:
            raise ValueError("innovation numbers repeat: every connection gene needs its own.")
        unknown = ~np.isin(np.concatenate([self.conn_in, self.conn_out]), self.node_ids)
        if unknown.any():
            raise ValueError("a connection names a node that has no node gene.")
        if np.isin(self.conn_out, self.node_ids[self.node_kinds == INPUT]).any():
            raise ValueError("a connection ends in an input node; inputs only send.")
        if not (np.isfinite(self.weight).all() and np.isfinite(self.node_bias).all()):
            raise ValueError("weights and biases must be finite numbers.")
        topological_order(self)  # raises on a cycle
        return self


class Innovations:
    """Innovation numbers and new node ids, shared by a whole population.

    `connection(a, b)` gives the number of the connection a -> b, the same one every time
    it is asked for the same pair; `split(innovation)` gives the id of the node that splits
    that connection, the same one for every genome that splits it in the same generation
    (call `new_generation()` between generations, as the paper does).
    """

    def __init__(self, n_inputs: int, n_outputs: int) -> None:
        _check_count("n_inputs", n_inputs)
        _check_count("n_outputs", n_outputs)
        self.numbers: dict[tuple[int, int], int] = {}
        self.next_node = n_inputs + n_outputs
        self.splits: dict[int, int] = {}

    def connection(self, a: int, b: int) -> int:
        key = (int(a), int(b))
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers)
        return self.numbers[key]

    def split(self, innovation: int) -> int:
        if int(innovation) not in self.splits:
            self.splits[int(innovation)] = self.next_node
            self.next_node += 1
        return self.splits[int(innovation)]

    def new_generation(self) -> None:
        self.splits = {}


def minimal_genome(
    n_inputs: int, n_outputs: int, innovations: Innovations, rng: np.random.Generator
) -> Genome:
    """NEAT's start: every input wired to every output, no hidden node, weights N(0, 1)."""
    ins, outs = np.arange(n_inputs), n_inputs + np.arange(n_outputs)
    a, b = np.repeat(ins, n_outputs), np.tile(outs, n_inputs)
    numbers = np.array([innovations.connection(i, o) for i, o in zip(a, b)], dtype=int)
    order = np.argsort(numbers)
    return Genome(
        node_ids=np.arange(n_inputs + n_outputs),
        node_kinds=np.r_[np.full(n_inputs, INPUT), np.full(n_outputs, OUTPUT)],
        node_bias=np.zeros(n_inputs + n_outputs),
        innovation=numbers[order],
        conn_in=a[order],
        conn_out=b[order],
        weight=rng.standard_normal(len(a)),
        enabled=np.ones(len(a), dtype=bool),
    )


def topological_order(genome: Genome) -> np.ndarray:
    """The non-input node ids in an order where every enabled connection goes forward
    (Kahn's algorithm). Raises ValueError if the enabled connections make a cycle."""
    on = genome.enabled
    src, dst = genome.conn_in[on], genome.conn_out[on]
    waiting = {int(n): 0 for n in genome.node_ids}
    for d in dst:
        waiting[int(d)] += 1
    ready = [int(n) for n in genome.node_ids if waiting[int(n)] == 0]
    order = []
    while ready:
        node = ready.pop()
        order.append(node)
        for d in dst[src == node]:
            waiting[int(d)] -= 1
            if waiting[int(d)] == 0:
                ready.append(int(d))
    if len(order) != len(genome.node_ids):
        raise ValueError(
            "the enabled connections make a cycle; a NEAT genome here is feed-forward."
        )
    inputs = set(genome.node_ids[genome.node_kinds == INPUT].tolist())
    return np.array([n for n in order if n not in inputs], dtype=int)


def forward(genome: Genome, obs: np.ndarray, activation=np.tanh) -> np.ndarray:
    """The genome's network on a batch of observations `(batch, n_inputs)`: each non-input
    node, in topological order, sums its enabled inputs times their weights plus its bias,
    through `activation`. Returns `(batch, n_outputs)`."""
    obs = np.asarray(obs, dtype=float)
    if obs.ndim != 2 or obs.shape[1] != genome.n_inputs:
        raise ValueError(
            f"obs must be (batch, {genome.n_inputs}) for a genome with {genome.n_inputs} "
            f"inputs; got shape {obs.shape}. One observation is obs[None]."
        )
    index = {int(n): i for i, n in enumerate(genome.node_ids)}
    values = np.zeros((obs.shape[0], len(genome.node_ids)))
    values[:, genome.node_kinds == INPUT] = obs  # input ids are 0 .. n_in - 1, in order
    on = genome.enabled
    src, dst, w = genome.conn_in[on], genome.conn_out[on], genome.weight[on]
    for node in topological_order(genome):
        into = dst == node
        cols = [index[int(s)] for s in src[into]]
        i = index[int(node)]
        values[:, i] = activation(values[:, cols] @ w[into] + genome.node_bias[i])
    return values[:, genome.node_kinds == OUTPUT]


def _connected_pairs(genome: Genome) -> set[tuple[int, int]]:
    return set(zip(genome.conn_in.tolist(), genome.conn_out.tolist()))


def _reaches(genome: Genome, start: int, target: int) -> bool:
    """Is there a path start -> ... -> target along enabled connections?"""
    on = genome.enabled
    src, dst = genome.conn_in[on], genome.conn_out[on]
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == target:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(int(d) for d in dst[src == node])
    return False


def _with_connection(genome: Genome, number: int, a: int, b: int, w: float) -> Genome:
    """A copy with one more (enabled) connection gene, kept sorted by innovation."""
    g = genome.copy()
    at = int(np.searchsorted(g.innovation, number))
    g.innovation = np.insert(g.innovation, at, number)
    g.conn_in = np.insert(g.conn_in, at, a)
    g.conn_out = np.insert(g.conn_out, at, b)
    g.weight = np.insert(g.weight, at, w)
    g.enabled = np.insert(g.enabled, at, True)
    return g


def add_connection(
    genome: Genome, innovations: Innovations, rng: np.random.Generator, tries: int = 20
) -> Genome:
    """A copy with a new connection between two nodes not yet connected, weight N(0, 1).
    Never into an input, never closing a cycle; the genome unchanged if `tries` random
    pairs all fail."""
    sources = genome.node_ids[genome.node_kinds != OUTPUT]
    targets = genome.node_ids[genome.node_kinds != INPUT]
    taken = _connected_pairs(genome)
    for _ in range(tries):
        a, b = int(rng.choice(sources)), int(rng.choice(targets))
        if a == b or (a, b) in taken or _reaches(genome, b, a):
            continue
        return _with_connection(genome, innovations.connection(a, b), a, b, rng.standard_normal())
    return genome.copy()


def add_node(genome: Genome, innovations: Innovations, rng: np.random.Generator) -> Genome:
    """A copy with an enabled connection a -> b split by a new hidden node h: a -> b is
    disabled, a -> h gets weight 1 and h -> b the old weight (h's bias 0)."""
    candidates = np.flatnonzero(genome.enabled)
    if len(candidates) == 0:
        return genome.copy()
    k = int(rng.choice(candidates))
    a, b, w = int(genome.conn_in[k]), int(genome.conn_out[k]), float(genome.weight[k])
    h = innovations.split(int(genome.innovation[k]))
    g = genome.copy()
    g.enabled[k] = False
    if h not in g.node_ids:
        g.node_ids = np.append(g.node_ids, h)
        g.node_kinds = np.append(g.node_kinds, HIDDEN)
        g.node_bias = np.append(g.node_bias, 0.0)
    g = _with_connection(g, innovations.connection(a, h), a, h, 1.0)
    return _with_connection(g, innovations.connection(h, b), h, b, w)


def mutate_weights(
    genome: Genome, rng: np.random.Generator, rate: float = 0.8, power: float = 0.5,
    replace: float = 0.1,
) -> Genome:  # fmt: skip
    """A copy whose weights and hidden/output biases are each perturbed by N(0, power²)
    with probability `rate`, or (with probability `replace`) drawn afresh from N(0, 1)."""
    g = genome.copy()
    for values in (g.weight, g.node_bias):
        n = len(values)
        fresh = rng.random(n) < replace
        nudged = ~fresh & (rng.random(n) < rate)
        values[nudged] += power * rng.standard_normal(int(nudged.sum()))
        values[fresh] = rng.standard_normal(int(fresh.sum()))
    g.node_bias[g.node_kinds == INPUT] = 0.0
    return g


def align(a: Genome, b: Genome) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Line two genomes up by innovation number. Returns three sorted arrays of innovation
    numbers: matching (in both), disjoint (in one only, within the other's range) and excess
    (in one only, beyond the other's largest number)."""
    matching = np.intersect1d(a.innovation, b.innovation)
    only = np.setxor1d(a.innovation, b.innovation)
    ends = [g.innovation.max() if len(g.innovation) else -1 for g in (a, b)]
    excess = only[only > min(ends)]
    return matching, only[only <= min(ends)], excess


def compatibility(
    a: Genome, b: Genome, c1: float = 1.0, c2: float = 1.0, c3: float = 0.4,
    small: int = 20,
) -> float:  # fmt: skip
    """The paper's distance δ = c1·E/N + c2·D/N + c3·W̄: E excess and D disjoint genes, W̄ the
    mean weight difference of matching genes, N the larger genome's gene count (1 when both
    have fewer than `small` genes, as the paper does for small genomes)."""
    ia, ib = a.innovation, b.innovation
    if len(ia) == 0 or len(ib) == 0:
        n_excess, n_disjoint, w_bar = len(ia) + len(ib), 0, 0.0
    else:  # counted without building align's arrays: this runs pop_size x species times
        matching, i, j = np.intersect1d(ia, ib, assume_unique=True, return_indices=True)
        n_excess = int(np.sum(ia > ib[-1]) + np.sum(ib > ia[-1]))
        n_disjoint = len(ia) + len(ib) - 2 * len(matching) - n_excess
        w_bar = float(np.abs(a.weight[i] - b.weight[j]).mean()) if len(matching) else 0.0
    n = max(len(ia), len(ib))
    n = 1 if n < small else n
    return c1 * n_excess / n + c2 * n_disjoint / n + c3 * w_bar


def crossover(
    fitter: Genome, other: Genome, rng: np.random.Generator, disable: float = 0.75
) -> Genome:
    """A child of two genomes lined up by innovation number: each matching gene from either
    parent at random, every disjoint and excess gene from the fitter parent (the paper's
    rule for unequal fitness). A gene disabled in either parent is disabled in the child
    with probability `disable`. The child has the fitter parent's nodes."""
    child = fitter.copy()
    matching = np.intersect1d(fitter.innovation, other.innovation)
    i = np.searchsorted(fitter.innovation, matching)
    j = np.searchsorted(other.innovation, matching)
    take_other = rng.random(len(matching)) < 0.5
    child.weight[i[take_other]] = other.weight[j[take_other]]
    either_off = ~fitter.enabled[i] | ~other.enabled[j]
    child.enabled[i] = np.where(either_off, rng.random(len(matching)) >= disable, True)
    shared = np.isin(child.node_ids, other.node_ids) & (child.node_kinds != INPUT)
    order = np.argsort(other.node_ids)
    k = order[np.searchsorted(other.node_ids, child.node_ids[shared], sorter=order)]
    from_other = rng.random(int(shared.sum())) < 0.5
    biases = child.node_bias[shared]
    biases[from_other] = other.node_bias[k][from_other]
    child.node_bias[shared] = biases
    try:
        topological_order(child)
    except ValueError:  # re-enabling genes made a cycle: keep the fitter parent's switches
        child.enabled[i] = fitter.enabled[i]
    return child


def depth(genome: Genome) -> int:
    """How many rounds `PaddedGenomes` needs: a non-input node's level is one more than the
    highest level among its enabled inputs (inputs are 0, a node with no inputs is 1, since
    its value tanh(bias) takes one round); the genome's depth is its highest level."""
    return max(levels(genome).values(), default=0)


def levels(genome: Genome) -> dict[int, int]:
    """Each node's level, as `depth` counts it: inputs 0, every other node one more than the
    highest level among its enabled inputs. (`draw` puts each level in a column.)"""
    on = genome.enabled
    src, dst = genome.conn_in[on], genome.conn_out[on]
    level = {int(n): 0 for n in genome.node_ids}
    for node in topological_order(genome):
        level[int(node)] = 1 + max((level[int(s)] for s in src[dst == node]), default=0)
    return level


def draw(genome: Genome, ax=None, title: str | None = None, input_names=None, output_names=None):
    """Draw a genome with matplotlib: inputs on the left, outputs on the right, hidden nodes
    in columns by level; enabled connections as lines, blue for positive weights and red for
    negative, thicker for larger |weight| (disabled genes are not drawn). Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3))
    level = levels(genome)
    right = max(1, max(level.values()))
    x = {
        n: (right if k == OUTPUT else level[n])
        for n, k in zip(genome.node_ids.tolist(), genome.node_kinds.tolist())
    }
    y = {}
    for column in sorted(set(x.values())):
        nodes = [n for n in genome.node_ids.tolist() if x[n] == column]
        for i, n in enumerate(nodes):
            if len(nodes) > 1:  # first on top
                y[n] = 1.0 - i / (len(nodes) - 1)
            else:  # a lone hidden node off the middle line, so its edges stay apart
                y[n] = 0.5 if column in (0, right) else 0.5 + 0.25 * (-1) ** column
    on = genome.enabled
    w = genome.weight[on]
    scale = max(float(np.abs(w).max()), 1e-9) if len(w) else 1.0
    for a, b, weight in zip(genome.conn_in[on].tolist(), genome.conn_out[on].tolist(), w):
        ax.plot([x[a], x[b]], [y[a], y[b]], color="tab:blue" if weight > 0 else "tab:red",
                lw=0.5 + 3.0 * abs(weight) / scale, alpha=0.7, zorder=1)  # fmt: skip
    colours = {INPUT: "white", OUTPUT: "black", HIDDEN: "lightgrey"}
    for n, k in zip(genome.node_ids.tolist(), genome.node_kinds.tolist()):
        ax.scatter(x[n], y[n], s=160, c=colours[k], edgecolors="black", zorder=2)
    names = [*(input_names or []), *(output_names or [])]
    ids = [
        *genome.node_ids[genome.node_kinds == INPUT],
        *genome.node_ids[genome.node_kinds == OUTPUT],
    ]
    for n, name in zip(ids, names):
        side = (-0.06 if x[int(n)] == 0 else 0.06) * (right + 1)
        ax.text(x[int(n)] + side, y[int(n)], name, ha="right" if side < 0 else "left",
                va="center", fontsize=8)  # fmt: skip
    hidden, conns = int(np.sum(genome.node_kinds == HIDDEN)), int(on.sum())
    ax.set_title(title or f"{hidden} hidden, {conns} connections", fontsize=9)
    margin = 0.35 * (right + 1)
    ax.set_xlim(-margin if input_names else -0.3, right + (margin if output_names else 0.3))
    ax.set_ylim(-0.15, 1.15)
    ax.axis("off")
    return ax


@dataclass(frozen=True, repr=False)
class PaddedGenomes(MLP):
    """NEAT genomes of up to `max_hidden` hidden nodes as fixed-length parameter vectors, so
    that a whole population of different shapes runs in one batched pass (and `evaluate`,
    agent files and `record` treat them like any network).

    A genome becomes `[depth, W, b]`: N = n_in + n_out + max_hidden node slots (inputs, then
    outputs, then hidden nodes), W the N × N matrix of its enabled connections (zero where
    there is none), b the biases. The forward pass sets the input slots and then `depth`
    times recomputes every other slot from all slots at once, tanh(V @ W + b): after k
    rounds every node at most k connections from the inputs has its final value, so `depth`
    rounds (the population's largest) compute every genome exactly. `layer_sizes` is
    (n_in, n_out); `output` and the action bounds work as for `MLP`.
    """

    max_hidden: int = 0

    def __repr__(self) -> str:
        return super().__repr__().replace("MLP(", "PaddedGenomes(", 1)[:-1] + (
            f", max_hidden={self.max_hidden})"
        )

    @property
    def n_nodes(self) -> int:
        return self.layer_sizes[0] + self.layer_sizes[-1] + self.max_hidden

    @property
    def n_params(self) -> int:
        return 1 + self.n_nodes**2 + self.n_nodes

    def init_params(self, rng, pop_size=None):
        raise TypeError(
            "PaddedGenomes has no random parameters of its own: make genomes with "
            "neat.minimal_genome and turn them into parameters with policy.encode(genomes)."
        )

    def encode(self, genomes: list[Genome]) -> np.ndarray:
        """`(len(genomes), n_params)`: each genome's depth, padded W and b."""
        n_in, n_out, n = self.layer_sizes[0], self.layer_sizes[-1], self.n_nodes
        out = np.zeros((len(genomes), self.n_params))
        for row, g in enumerate(genomes):
            if (g.n_inputs, g.n_outputs) != (n_in, n_out):
                raise ValueError(
                    f"genome {row} has {g.n_inputs} inputs and {g.n_outputs} outputs; this "
                    f"policy takes ({n_in}, {n_out})."
                )
            hidden = g.node_ids[g.node_kinds == HIDDEN]
            if len(hidden) > self.max_hidden:
                raise ValueError(
                    f"genome {row} has {len(hidden)} hidden nodes, more than max_hidden="
                    f"{self.max_hidden}: make the policy with a larger max_hidden."
                )
            slot = {int(i): int(i) for i in g.node_ids[g.node_kinds != HIDDEN]}
            slot.update({int(h): n_in + n_out + k for k, h in enumerate(hidden)})
            W, b = np.zeros((n, n)), np.zeros(n)
            on = g.enabled
            rows = [slot[int(i)] for i in g.conn_in[on]]
            cols = [slot[int(i)] for i in g.conn_out[on]]
            np.add.at(W, (rows, cols), g.weight[on])
            b[[slot[int(i)] for i in g.node_ids]] = g.node_bias
            b[:n_in] = 0.0
            out[row] = np.concatenate([[depth(g)], W.ravel(), b])
        return out

    def decode(self, params: np.ndarray) -> Genome:
        """The genome a row of `encode` holds, as far as the network goes: every non-zero
        weight becomes an enabled connection (numbered 0, 1, ... in (from, to) order: the
        run's innovation numbers and disabled genes are not kept in the padded form), and
        every hidden slot with a connection or a bias becomes a hidden node. It computes
        exactly what the row computes (what agent files store)."""
        params = self.check_params(params)
        if params.ndim != 1:
            raise ValueError(f"decode takes one row (n_params,); got shape {params.shape}.")
        n_in, n_out, n = self.layer_sizes[0], self.layer_sizes[-1], self.n_nodes
        W, b = params[1 : 1 + n * n].reshape(n, n), params[1 + n * n :]
        used = (W != 0).any(axis=0) | (W != 0).any(axis=1) | (b != 0)
        used[: n_in + n_out] = True
        ids = np.flatnonzero(used)
        src, dst = np.nonzero(W)
        kinds = np.full(len(ids), HIDDEN)
        kinds[ids < n_in], kinds[(ids >= n_in) & (ids < n_in + n_out)] = INPUT, OUTPUT
        bias = np.where(kinds == INPUT, 0.0, b[ids])
        return Genome(
            node_ids=ids, node_kinds=kinds, node_bias=bias, innovation=np.arange(len(src)),
            conn_in=src, conn_out=dst, weight=W[src, dst], enabled=np.ones(len(src), bool),
        ).check()  # fmt: skip

    def forward(self, params: np.ndarray, obs: np.ndarray) -> np.ndarray:
        params = self.check_params(params)
        obs = self._check_obs(params, obs)
        single = params.ndim == 1
        p, o = (params[None], obs[None]) if single else (params, obs)
        if self.obs_mean is not None:
            o = (o - np.asarray(self.obs_mean)) / np.asarray(self.obs_std)
        n_in, n_out, n = self.layer_sizes[0], self.layer_sizes[-1], self.n_nodes
        W = p[:, 1 : 1 + n * n].reshape(len(p), n, n)[:, :, n_in:]  # into non-input slots
        b = p[:, None, 1 + n * n + n_in :]
        values = np.zeros((len(p), int(np.prod(o.shape[1:-1], dtype=int)), n))
        values[..., :n_in] = o.reshape(len(p), -1, n_in)
        for _ in range(int(p[:, 0].max())):
            values[..., n_in:] = np.tanh(values @ W + b)
        h = values[..., n_in : n_in + n_out]
        if self.output == "tanh" and self.action_low is not None and self.action_high is not None:
            low, high = np.asarray(self.action_low), np.asarray(self.action_high)
            h = low + (h + 1.0) * 0.5 * (high - low)
        h = h.reshape(o.shape[:-1] + (n_out,))
        return h[0] if single else h


class NEAT:
    """NEAT's generation loop with `ask`/`tell`, so `train` runs it like the GA and the ES.

    `ask()` returns the genomes as `policy.encode(genomes)`; `tell(population, fitness)`
    then, as in Stanley & Miikkulainen (2002):

    1. **speciates**: each genome joins the first species whose representative (a random
       member of the species last generation) is within `threshold` compatibility distance,
       or founds a new one;
    2. **shares fitness**: each species gets offspring in proportion to its members' mean
       fitness (shifted so the worst genome scores 0), so a species cannot grow just by
       being large; a species that has not improved its best for `stagnation` generations
       gets none, unless it holds the best genome;
    3. **breeds** within each species: its champion is copied unchanged when the species
       has at least 5 members; the rest are children of its best `survival` fraction, by
       crossover (`crossover_rate`) or copying, then mutation of the weights, a new node
       (`add_node_rate`) or a new connection (`add_connection_rate`), or else of the
       weights by N(0, `weight_power`²) (each child gets one of the three).

    Left out: mating between species (0.1% in the paper) and recurrent connections.
    `species_sizes` holds every generation's {species id: size}.
    """

    def __init__(
        self, policy: PaddedGenomes, pop_size: int, rng: np.random.Generator, *,
        threshold: float = 3.0, survival: float = 0.2, crossover_rate: float = 0.75,
        add_node_rate: float = 0.03, add_connection_rate: float = 0.05,
        stagnation: int = 15, weight_power: float = 0.5,
        start_rng: np.random.Generator | None = None,
    ) -> None:  # fmt: skip
        if not isinstance(policy, PaddedGenomes):
            raise TypeError(
                "NEAT needs a neat.PaddedGenomes policy, e.g. PaddedGenomes((4, 2), max_hidden=20)."
            )
        _check_count("pop_size", pop_size)
        self.policy, self.pop_size, self.rng = policy, pop_size, rng
        self.threshold, self.survival, self.crossover_rate = threshold, survival, crossover_rate
        self.add_node_rate, self.add_connection_rate = add_node_rate, add_connection_rate
        self.stagnation, self.weight_power = stagnation, weight_power
        n_in, n_out = policy.layer_sizes[0], policy.layer_sizes[-1]
        self.innovations = Innovations(n_in, n_out)
        start_rng = rng if start_rng is None else start_rng  # the first genomes' weights
        self.genomes = [
            minimal_genome(n_in, n_out, self.innovations, start_rng) for _ in range(pop_size)
        ]
        self.species: list[dict] = []  # {"id", "representative", "best", "since"}
        self.species_sizes: list[dict[int, int]] = []
        self.generation, self._next_species = 0, 0

    def ask(self) -> np.ndarray:
        """The population to evaluate now, `(pop_size, policy.n_params)`."""
        return self.policy.encode(self.genomes)

    def tell(self, population: np.ndarray, fitness: np.ndarray) -> None:
        fitness = np.asarray(fitness, dtype=float)
        if fitness.shape != (len(self.genomes),) or len(population) != len(self.genomes):
            raise ValueError(
                f"tell needs the {len(self.genomes)} rows ask() gave and one fitness each; got "
                f"{len(population)} rows and fitness of shape {fitness.shape}."
            )
        members = self._speciate()
        shifted = fitness - fitness.min()
        best_overall = int(np.argmax(fitness))
        alive = []
        for s, idx in zip(self.species, members):
            if not idx:
                continue
            top = float(fitness[idx].max())
            if top > s["best"]:
                s["best"], s["since"] = top, self.generation
            if self.generation - s["since"] < self.stagnation or best_overall in idx:
                alive.append((s, idx))
        self.species_sizes.append(
            {s["id"]: len(idx) for s, idx in zip(self.species, members) if idx}
        )
        share = np.array([shifted[idx].mean() for _, idx in alive]) + 1e-12
        counts = _apportion(share / share.sum(), self.pop_size)
        children = []
        for (_, idx), n in zip(alive, counts):
            children += self._breed([idx[i] for i in np.argsort(-fitness[idx], kind="stable")], n)
        for s, idx in alive:  # next generation's representatives
            s["representative"] = self.genomes[int(self.rng.choice(idx))]
        self.species = [s for s, _ in alive]
        self.genomes = children
        self.innovations.new_generation()
        self.generation += 1

    def _speciate(self) -> list[list[int]]:
        members: list[list[int]] = [[] for _ in self.species]
        for i, g in enumerate(self.genomes):
            for k, s in enumerate(self.species):
                if compatibility(g, s["representative"]) < self.threshold:
                    members[k].append(i)
                    break
            else:
                self.species.append(
                    {"id": self._next_species, "representative": g, "best": -np.inf,
                     "since": self.generation}
                )  # fmt: skip
                self._next_species += 1
                members.append([i])
        return members

    def _breed(self, ranked: list[int], n: int) -> list[Genome]:
        """`n` children of a species whose members are `ranked`, best first."""
        out = [self.genomes[ranked[0]].copy()] if n > 0 and len(ranked) >= 5 else []
        parents = ranked[: max(1, int(np.ceil(self.survival * len(ranked))))]
        while len(out) < n:
            a = parents[int(self.rng.integers(len(parents)))]
            if len(parents) > 1 and self.rng.random() < self.crossover_rate:
                b = parents[int(self.rng.integers(len(parents)))]
                fitter, other = (a, b) if ranked.index(a) <= ranked.index(b) else (b, a)
                child = crossover(self.genomes[fitter], self.genomes[other], self.rng)
            else:
                child = self.genomes[a].copy()
            out.append(self._mutate(child))
        return out

    def _mutate(self, g: Genome) -> Genome:
        if self.rng.random() < self.add_node_rate and (
            np.sum(g.node_kinds == HIDDEN) < self.policy.max_hidden
        ):
            return add_node(g, self.innovations, self.rng)
        if self.rng.random() < self.add_connection_rate:
            return add_connection(g, self.innovations, self.rng)
        return mutate_weights(g, self.rng, power=self.weight_power)


def _apportion(shares: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers in proportion to `shares` that add up to `total` (largest remainders)."""
    exact = shares * total
    counts = np.floor(exact).astype(int)
    counts[np.argsort(-(exact - counts), kind="stable")[: total - counts.sum()]] += 1
    return counts

"""CMA-ES and sep-CMA-ES against pycma (the `cma` package), the reference implementation."""

import cma
import numpy as np
import pytest

from neuroevo_helpers import CMAES, SepCMAES
from neuroevo_helpers.cmaes import default_pop_size


def sphere(x):
    return np.sum(x**2, axis=-1)


def ellipsoid(x):  # axis scales from 1 to 1e3: condition number 1e6
    return np.sum(10 ** (6 * np.arange(x.shape[-1]) / (x.shape[-1] - 1)) * x**2, axis=-1)


def rosenbrock(x):
    return np.sum(100 * (x[..., 1:] - x[..., :-1] ** 2) ** 2 + (1 - x[..., :-1]) ** 2, axis=-1)


START, SIGMA, TARGET = np.full(10, 3.0), 2.0, 1e-8


def ours(f, seed, cls=CMAES):
    """Evaluations until the best sample of a generation is below TARGET (fitness = -f)."""
    rng = np.random.default_rng(seed)
    strategy, evaluations = cls(START, SIGMA, rng), 0
    while evaluations < 200_000:
        x = strategy.ask()
        y = f(x)
        evaluations += len(x)
        if y.min() < TARGET:
            return evaluations
        strategy.tell(x, -y)
    return np.inf


def theirs(f, seed, diagonal=False):
    options = {"seed": seed + 1, "verbose": -9, "CMA_diagonal": diagonal, "tolfun": 0}
    options |= {"tolx": 0, "tolfunhist": 0, "tolstagnation": 10**9}
    strategy, evaluations = cma.CMAEvolutionStrategy(START, SIGMA, options), 0
    while evaluations < 200_000:
        x = np.array(strategy.ask())
        y = f(x)
        evaluations += len(x)
        if y.min() < TARGET:
            return evaluations
        strategy.tell(list(x), list(y))
    return np.inf


@pytest.mark.parametrize(
    "f, cls, diagonal",
    [
        (sphere, CMAES, False),
        (ellipsoid, CMAES, False),
        (rosenbrock, CMAES, False),
        (sphere, SepCMAES, True),
        (ellipsoid, SepCMAES, True),
    ],
)
def test_median_evaluations_within_30_percent_of_pycma(f, cls, diagonal):
    """10-D, 10 seeds each: the median number of evaluations to reach 1e-8."""
    mine = np.median([ours(f, seed, cls) for seed in range(10)])
    reference = np.median([theirs(f, seed, diagonal) for seed in range(10)])
    assert np.isfinite(mine) and np.isfinite(reference)
    assert 0.7 <= mine / reference <= 1.3, (f.__name__, cls.__name__, mine, reference)


def test_constants_follow_the_tutorial():
    strategy = CMAES(np.zeros(10), 1.0, np.random.default_rng(0))
    assert strategy.pop_size == default_pop_size(10) == 10 and strategy.mu == 5
    positive = strategy.weights[: strategy.mu]
    assert np.all(np.diff(positive) < 0) and np.isclose(positive.sum(), 1)
    assert np.all(strategy.weights[strategy.mu :] <= 0)  # active CMA: the worst push away
    assert 1 < strategy.mu_eff < strategy.mu  # 5 unequal weights: 3.2 effective
    # pycma's own constants for the same problem
    ref = cma.CMAEvolutionStrategy(np.zeros(10), 1.0, {"verbose": -9}).sp
    np.testing.assert_allclose(strategy.mu_eff, ref.weights.mueff)
    np.testing.assert_allclose(strategy.c1, ref.c1)
    # c_mu: the tutorial's (mu_eff - 2 + 1/mu_eff); pycma adds 0.25 to it (0.0236, not 0.0202)
    expected = 2 * (ref.weights.mueff - 2 + 1 / ref.weights.mueff) / (12**2 + ref.weights.mueff)
    np.testing.assert_allclose(strategy.c_mu, expected)
    assert ref.cmu == pytest.approx(expected + 2 * 0.25 / (12**2 + ref.weights.mueff))
    np.testing.assert_allclose(strategy.c_c, ref.cc)
    np.testing.assert_allclose(strategy.weights[: strategy.mu], ref.weights[:5])


def test_the_search_stretches_along_a_narrow_valley():
    """On an ellipsoid, C learns the axes' scales: its condition number approaches 1e6."""
    rng = np.random.default_rng(1)
    strategy = CMAES(START, SIGMA, rng)
    for _ in range(300):
        x = strategy.ask()
        strategy.tell(x, -ellipsoid(x))
    assert 1e5 < strategy.condition < 1e7
    # the longest axis of the ellipsoid lies along the flattest coordinate (x_0)
    assert np.argmax(np.abs(strategy.B[:, np.argmax(strategy.D)])) == 0


def test_eigendecomposition_is_lazy_and_the_diagonal_one_is_cheap():
    big = CMAES(np.zeros(200), 1.0, np.random.default_rng(0))
    assert big.decompose_every > 1  # O(n^3) only every few generations
    for _ in range(big.decompose_every - 1):
        big.tell(x := big.ask(), -sphere(x))
    assert big.decomposed_at == 0
    big.tell(x := big.ask(), -sphere(x))
    assert big.decomposed_at == big.generation
    sep = SepCMAES(np.zeros(2000), 1.0, np.random.default_rng(0))
    assert sep.C.shape == (2000,)  # the diagonal only: 2,000 numbers, not 4,000,000


def test_rows_in_any_order_give_the_same_step():
    a = CMAES(np.ones(5), 0.5, np.random.default_rng(3))
    b = CMAES(np.ones(5), 0.5, np.random.default_rng(3))
    x = a.ask()
    b.ask()
    shuffle = np.random.default_rng(0).permutation(len(x))
    a.tell(x, -sphere(x))
    b.tell(x[shuffle], -sphere(x[shuffle]))
    np.testing.assert_allclose(a.center, b.center)
    np.testing.assert_allclose(a.C, b.C)
    assert a.sigma == pytest.approx(b.sigma)


def test_bad_input_is_explained():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="center must be one finite parameter vector"):
        CMAES(np.zeros((2, 3)), 1.0, rng)
    with pytest.raises(ValueError, match="sigma must be a positive number"):
        CMAES(np.zeros(3), -1.0, rng)
    with pytest.raises(ValueError, match="pop_size must be >= 4"):
        CMAES(np.zeros(3), 1.0, rng, pop_size=3)
    strategy = CMAES(np.zeros(3), 1.0, rng)
    x = strategy.ask()
    with pytest.raises(ValueError, match="one fitness per"):
        strategy.tell(x, np.zeros(len(x) - 1))
    with pytest.raises(ValueError, match="NaN or infinite"):
        strategy.tell(x, np.full(len(x), np.nan))


def test_active_false_is_the_tutorials_basic_algorithm():
    basic = CMAES(np.zeros(10), 1.0, np.random.default_rng(0), active=False)
    assert np.all(basic.weights >= 0) and np.isclose(basic.weights.sum(), 1)
    assert SepCMAES(np.zeros(10), 1.0, np.random.default_rng(0)).active is False

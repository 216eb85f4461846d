"""13_bipedal_walker's ablation: what each part of the walker's training shaping buys.

The walker recipe (`recipes.recipe("ars", "BipedalWalker-v3")`: a linear policy trained by
ARS, with training-only shaping, `shaping.Shaping`) against the same recipe with one part
of the shaping removed, under the course's protocol: 10 seeds per variant (100-109: the
recipe was set on seed 0), the same budget of env steps, the answer chosen on validation
episodes, then scored once on test episodes on gymnasium.

    python -m neuroevo_helpers.walker_runs assets/13_ablation.json --seeds 10

A smaller budget than the shipped run's (2M env steps, not 25M) keeps it affordable (about
50 minutes on a 2-core laptop); 20 test episodes per run (not 100): the claim compares the
variants across seeds, and calls nothing solved.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .compare import full_budget_runs
from .recipes import recipe

ENV = "BipedalWalker-v3"
BUDGET = 2_000_000
FIRST_SEED = 100
CHECKS = dict(n_checks=10, n_validation=20, n_test=20)


def variants() -> dict:
    """name -> ("ARS", settings): the recipe, without each part of its shaping, without both."""
    base = recipe("ars", ENV)
    return {
        "recipe": ("ARS", base),
        "patience only": ("ARS", base | {"fall_reward": None}),
        "fall_reward only": ("ARS", base | {"patience": None}),
        "neither": ("ARS", base | {"fall_reward": None, "patience": None}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m neuroevo_helpers.walker_runs")
    parser.add_argument("out", type=Path, help="where to write the runs (JSON)")
    parser.add_argument("--seeds", type=int, default=10, help="seeds per variant (default 10)")
    parser.add_argument("--budget", type=int, default=BUDGET, help="env steps per run")
    parser.add_argument("--backend", default="auto", help="training backend (default auto)")
    args = parser.parse_args(argv)
    command = "python -m neuroevo_helpers.walker_runs " + " ".join(argv or sys.argv[1:])
    seeds = range(FIRST_SEED, FIRST_SEED + args.seeds)
    full_budget_runs(variants(), ENV, seeds, args.budget, args.out, command, args.backend, **CHECKS)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

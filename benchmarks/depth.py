"""Defence in depth (issue 14): how long the depth of every goal takes on the
flagship and on layered models of 2,000 (and 10,000) nodes.

To make depths worth computing, the layered models are hardened first: the
optimal mitigation set is deployed, then the optimal set of what is left
(``--layers`` times), so every goal needs one mitigation of each deployed
layer defeated and the MILP (not the depth-1 fast path) decides the depth.

Usage::

    .venv/bin/python benchmarks/depth.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import layered_model

from attackgraph.analysis import analyze, optimal_mitigations
from attackgraph.analysis.analyze import select_goals
from attackgraph.analysis.depth import goal_depths
from attackgraph.analysis.scenario import resolve_scenario
from attackgraph.formats import read_model
from attackgraph.model import AttackModel

ROOT = Path(__file__).resolve().parent.parent


def _model(doc: dict) -> AttackModel:
    import json
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".attackgraph.json", delete=False) as handle:
        json.dump(doc, handle)
    try:
        return read_model(handle.name)
    finally:
        Path(handle.name).unlink()


def hardened(nodes: int, and_fraction: float, layers: int, seed: int = 1) -> AttackModel:
    """A layered model with ``layers`` disjoint optimal sets deployed."""
    doc = layered_model(
        nodes, and_fraction=and_fraction, mitigations=300, seed=seed, defended_fraction=0.7
    )
    for mit in doc["mitigations"]:
        mit.pop("status", None)
    deployed: set[str] = set()
    for _ in range(layers):
        rest = dict(doc, mitigations=[m for m in doc["mitigations"] if m["id"] not in deployed])
        result = optimal_mitigations(_model(rest), time_limit=30)
        if result.status == "infeasible" or not result.mitigations:
            break
        deployed.update(result.mitigations)
    for mit in doc["mitigations"]:
        if mit["id"] in deployed:
            mit["status"] = "deployed"
    return _model(doc)


def timed(func):  # type: ignore[no-untyped-def]
    best, value = float("inf"), None
    for _ in range(3):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return best, value


def depth_only(model: AttackModel, release: str | None = None):  # type: ignore[no-untyped-def]
    scenario = resolve_scenario(model, at_release=release)
    goals = [scenario.graph.index[g] for g in select_goals(model, None)]
    return goal_depths(scenario, goals)


def main(argv: list[str] | None = None) -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="skip the 10,000-node model")
    args = parser.parse_args(argv)
    print("| model | depths (goals) | depth only | analyze without / with depth |")
    print("|---|---|---|---|")
    flagship = read_model(ROOT / "samples" / "azure-sphere-2020.attackgraph.json")
    for release in ("20.07", "20.09"):
        seconds, depths = timed(lambda r=release: depth_only(flagship, r))
        plain, _ = timed(lambda r=release: analyze(flagship, at_release=r, depth=False))
        full, _ = timed(lambda r=release: analyze(flagship, at_release=r))
        print(
            f"| flagship at {release} | {[d.depth for d in depths]} | "
            f"{seconds * 1000:.1f} ms | {plain * 1000:.0f} / {full * 1000:.0f} ms |"
        )
    cases = [(2000, 0.0, 2), (2000, 0.3, 2), (2000, 0.0, 3)]
    if not args.quick:
        cases.append((10000, 0.1, 2))
    for nodes, and_fraction, layers in cases:
        model = hardened(nodes, and_fraction, layers)
        seconds, depths = timed(lambda m=model: depth_only(m))
        values = sorted({d.depth for d in depths}, key=lambda v: -1 if v is None else v)
        proven = all(d.proven for d in depths)
        plain, _ = timed(lambda m=model: analyze(m, max_chains=100, depth=False))
        full, _ = timed(lambda m=model: analyze(m, max_chains=100))
        print(
            f"| {nodes:,} nodes, {and_fraction:.0%} AND, {layers} cuts deployed | "
            f"{values} ({len(depths)}, proven: {proven}) | {seconds * 1000:.0f} ms | "
            f"{plain * 1000:.0f} / {full * 1000:.0f} ms |"
        )


if __name__ == "__main__":
    main()

"""Generate layered attack-graph models for the scale benchmarks.

Layout: ``entries`` entry nodes, then layers of steps where each step has 2
or 3 enablers in the previous layer, then ``goals`` goal nodes fed by the
last layer. A fraction of the steps (``and_fraction``) get ``gate: and``.
``mitigations`` mitigations each block 1 to 30 random steps.

Usage::

    python benchmarks/generate.py NODES OUT.attackgraph.json [--and 0.3] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
from typing import Any

__all__ = ["layered_model", "main"]


def layered_model(
    nodes: int,
    *,
    width: int | None = None,
    entries: int = 20,
    goals: int = 10,
    and_fraction: float = 0.0,
    mitigations: int = 100,
    seed: int = 1,
    unit_costs: bool = False,
    default_probabilities: bool = False,
    defended_fraction: float = 0.5,
    defended_layers: int = 3,
) -> dict[str, Any]:
    """A layered model document (a dict ready for ``json.dump``).

    Parameters
    ----------
    nodes : int
        Total number of nodes (entries + steps + goals).
    width : int, optional
        Steps per layer (default: about ``sqrt(nodes) * 2``, at least 10).
    entries, goals : int
        Number of entry and goal nodes.
    and_fraction : float
        Fraction of the steps that are ``and`` gates.
    mitigations : int
        Number of mitigations, each blocking 1 to 30 steps.
    seed : int
        Random seed.
    unit_costs : bool
        Leave node costs at the default 1 (otherwise random 1..10).
    default_probabilities : bool
        Leave node probabilities at the default 1 (otherwise random 0.3..1).
    defended_fraction : float
        Fraction of the mitigations that block steps of the last
        ``defended_layers`` layers leading to a goal (the others block
        steps anywhere).
    """
    rng = random.Random(seed)
    steps = max(nodes - entries - goals, 1)
    if width is None:
        width = max(10, int((steps**0.5) * 2))
    doc_nodes: list[dict[str, Any]] = []
    edges: list[dict[str, str]] = []
    previous = [f"E{i}" for i in range(entries)]
    for ident in previous:
        doc_nodes.append({"id": ident, "kind": "entry", "label": f"Entry {ident}"})
    step_ids: list[str] = []
    layers: list[list[str]] = []
    made = 0
    layer = 0
    layer_count = -(-steps // width)
    while made < steps:
        count = steps // layer_count + (1 if layer < steps % layer_count else 0)
        current = []
        for i in range(count):
            ident = f"S{layer}_{i}"
            node: dict[str, Any] = {"id": ident, "kind": "step", "label": f"Step {ident}"}
            if rng.random() < and_fraction:
                node["gate"] = "and"
            if not unit_costs:
                node["cost"] = rng.randint(1, 10)
            probability = round(rng.uniform(0.3, 1.0), 2)
            if not default_probabilities:
                node["probability"] = probability
            doc_nodes.append(node)
            for source in rng.sample(previous, min(len(previous), rng.choice((2, 3)))):
                edges.append({"source": source, "target": ident})
            current.append(ident)
        step_ids.extend(current)
        layers.append(current)
        made += count
        previous = current
        layer += 1
    for i in range(goals):
        ident = f"G{i}"
        doc_nodes.append(
            {"id": ident, "kind": "goal", "label": f"Goal {ident}", "impact": rng.randint(1, 10)}
        )
        for source in rng.sample(previous, min(len(previous), rng.choice((2, 3)))):
            edges.append({"source": source, "target": ident})
    # Half of the defences sit near the goals, in the steps of the last
    # `defended_layers` layers that lead to a goal (where a cut is affordable);
    # the others anywhere. So optimal sets exist and are not obvious.
    enablers: dict[str, list[str]] = {}
    for edge in edges:
        enablers.setdefault(edge["target"], []).append(edge["source"])
    cone: set[str] = set()
    frontier = [f"G{i}" for i in range(goals)]
    for _ in range(min(defended_layers, len(layers))):
        frontier = sorted({p for v in frontier for p in enablers.get(v, ())})
        cone.update(frontier)
    near = sorted(cone & set(step_ids))
    mits = []
    for i in range(mitigations):
        pool = near if near and rng.random() < defended_fraction else step_ids
        blocks = rng.sample(pool, min(len(pool), rng.randint(1, 30)))
        mit: dict[str, Any] = {
            "id": f"M{i}",
            "label": f"Mitigation {i}",
            "blocks": blocks,
            "cost": rng.randint(1, 20),
        }
        if rng.random() < 0.1:
            mit["status"] = "deployed"
        mits.append(mit)
    return {
        "format": "attackgraph",
        "version": 1,
        "title": f"Layered benchmark model ({nodes} nodes, {and_fraction:.0%} AND)",
        "nodes": doc_nodes,
        "edges": edges,
        "mitigations": mits,
    }


def main(argv: list[str] | None = None) -> None:
    """Write a layered model to a file."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("nodes", type=int)
    parser.add_argument("out")
    parser.add_argument("--and", dest="and_fraction", type=float, default=0.0)
    parser.add_argument("--mitigations", type=int, default=100)
    parser.add_argument("--goals", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--unit-costs", action="store_true")
    parser.add_argument("--defended-fraction", type=float, default=0.5)
    args = parser.parse_args(argv)
    doc = layered_model(
        args.nodes,
        and_fraction=args.and_fraction,
        mitigations=args.mitigations,
        goals=args.goals,
        seed=args.seed,
        unit_costs=args.unit_costs,
        defended_fraction=args.defended_fraction,
    )
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(doc, handle, indent=2)
        handle.write("\n")


if __name__ == "__main__":
    main()

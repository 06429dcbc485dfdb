"""Loading at scale (issue 16): reading and validating a model against the
floor any NetworkX tool pays (parse the file, build the ``DiGraph``), and
``analyze`` with 100 chains on top, at 2,000, 10,000 and 50,000 nodes, JSON
and YAML, measured side by side in one run.

Usage::

    python benchmarks/load.py [--sizes 2000 10000 50000] [--repeat 3]

Times are CPU seconds of this process (``time.process_time``), the best of
``--repeat`` runs, so other load on the machine disturbs them less. The
floor for YAML uses PyYAML's C loader when it is there, as a tool would.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generate import layered_model

from attackgraph.analysis import analyze
from attackgraph.formats import check_file

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def best(action: Callable[[], object], repeat: int) -> float:
    """The least CPU time of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return min(times)


def floor(path: str, syntax: str) -> nx.DiGraph:
    """What any tool pays: parse the file, build the graph with the node data."""
    with open(path, "rb") as handle:
        doc = json.load(handle) if syntax == "json" else yaml.load(handle, Loader=_LOADER)
    graph = nx.DiGraph()
    graph.add_nodes_from((node["id"], node) for node in doc["nodes"])
    graph.add_edges_from((edge["source"], edge["target"]) for edge in doc.get("edges", []))
    return graph


def load(path: str) -> object:
    """attackgraph's complete, located read of the file."""
    checked = check_file(path)
    if checked.model is None:
        raise SystemExit(f"{path}: {checked.problems[:3]}")
    return checked.model


def load_and_analyze(path: str) -> object:
    """Read, then list the 100 cheapest chains."""
    model = load(path)
    return analyze(model, max_chains=100)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> None:
    """Print one table row per size and syntax."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--syntax", nargs="+", default=["json", "yaml"])
    args = parser.parse_args(argv)
    print(
        "| nodes | syntax | floor | load + validate | ratio | load + analyze (100 chains) | ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            doc = layered_model(size, and_fraction=0.1)
            for syntax in args.syntax:
                path = os.path.join(folder, f"m{size}.attackgraph.{syntax}")
                with open(path, "w", encoding="utf-8") as handle:
                    if syntax == "json":
                        json.dump(doc, handle, indent=2)
                    else:
                        yaml.dump(
                            doc,
                            handle,
                            Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                            sort_keys=False,
                        )
                base = best(lambda p=path, s=syntax: floor(p, s), args.repeat)
                ours = best(lambda p=path: load(p), args.repeat)
                full = best(lambda p=path: load_and_analyze(p), args.repeat)
                print(
                    f"| {size:,} | {syntax} | {base:.2f} s | {ours:.2f} s | "
                    f"{ours / base:.2f} x | {full:.2f} s | {full / base:.2f} x |",
                    flush=True,
                )


if __name__ == "__main__":
    main()

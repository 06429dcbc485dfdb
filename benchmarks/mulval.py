"""MulVAL import at scale (issue 16); prints figures, asserts nothing.

Usage::

    python benchmarks/mulval.py [--vertices 50000] [--repeat 3] [--out DIR] [--seed 1]

Writes a MulVAL-shaped attack graph of about ``--vertices`` vertices as
``AttackGraph.xml`` and the ``VERTICES.CSV``/``ARCS.CSV`` pair into ``--out``
(a temporary folder by default), then measures, in one run, the CPU time
(``time.process_time``, best of ``--repeat``) of

- the floor: a bare :mod:`defusedxml` parse of the XML (or :mod:`csv` read of
  the pair) and a ``networkx.DiGraph`` built from it with each vertex's fact,
  type and metric as attributes;
- attackgraph's read: ``attackgraph.formats.check_file`` (sniff, parse, map
  to a model, validate, build the model).

The generated graph has MulVAL's shape: hosts in tiers; per host an
``execCode`` fact derived by ``RULE 2`` (remote exploit) from a
``netAccess``, a ``networkServiceInfo`` and a ``vulExists`` per service;
``netAccess`` derived by ``RULE 6`` (direct access from the internet, first
tier) or ``RULE 5`` (multi-hop from a compromised host of an earlier tier,
through a ``hacl``). Vertices are shared as MulVAL shares them; arcs run
from conclusion to premise, as MulVAL writes them. The last tier's
``execCode`` facts are the goals.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from attackgraph.formats import check_file  # noqa: E402


class MulvalGraph:
    """Vertices ``(id, fact, type, metric)`` and arcs ``(src, dst)``."""

    def __init__(self) -> None:
        self.vertices: list[tuple[int, str, str, float]] = []
        self.arcs: list[tuple[int, int]] = []
        self.ids: dict[str, int] = {}

    def vertex(self, fact: str, kind: str, metric: float = 0) -> int:
        if kind != "AND" and fact in self.ids:
            return self.ids[fact]
        number = len(self.vertices) + 1
        self.vertices.append((number, fact, kind, metric))
        if kind != "AND":
            self.ids[fact] = number
        return number

    def rule(self, text: str, conclusion: int, premises: list[int], metric: float) -> None:
        rule = self.vertex(text, "AND", metric)
        self.arcs.append((conclusion, rule))
        self.arcs.extend((rule, premise) for premise in premises)


def generate(vertices: int, seed: int = 1) -> MulvalGraph:
    """A MulVAL-shaped attack graph of about ``vertices`` vertices."""
    rng = random.Random(seed)
    graph = MulvalGraph()
    per_host = 17  # vertices one host adds with two services and two upstream hosts
    hosts = max(2, vertices // per_host)
    tiers = max(2, min(12, hosts // 50))
    tier_of = [min(tiers - 1, i * tiers // hosts) for i in range(hosts)]
    by_tier: list[list[int]] = [[] for _ in range(tiers)]
    for host, tier in enumerate(tier_of):
        by_tier[tier].append(host)
    attacker = graph.vertex("attackerLocated(internet)", "LEAF", 1)
    exec_code: dict[int, int] = {}
    for host in range(hosts):
        name = f"'10.{host // 65536}.{host // 256 % 256}.{host % 256}'"
        goal = graph.vertex(f"execCode({name},root)", "OR")
        exec_code[host] = goal
        for service in range(2):
            port = 22 + 1000 * service + host % 7
            net = graph.vertex(f"netAccess({name},tcp,'{port}')", "OR")
            info = graph.vertex(
                f"networkServiceInfo({name},svc{service},tcp,'{port}',root)", "LEAF", 1
            )
            vul = graph.vertex(
                f"vulExists({name},'CVE-2024-{10000 + host * 2 + service}',"
                f"svc{service},remoteExploit,privEscalation)",
                "LEAF",
                1,
            )
            graph.rule(
                "RULE 2 (remote exploit of a server program)",
                goal,
                [net, info, vul],
                round(rng.uniform(0.3, 0.9), 2),
            )
            tier = tier_of[host]
            if tier == 0:
                hacl = graph.vertex(f"hacl(internet,{name},tcp,'{port}')", "LEAF", 1)
                graph.rule("RULE 6 (direct network access)", net, [hacl, attacker], 1)
                continue
            for upstream in rng.sample(by_tier[tier - 1], min(2, len(by_tier[tier - 1]))):
                source = f"'10.{upstream // 65536}.{upstream // 256 % 256}.{upstream % 256}'"
                hacl = graph.vertex(f"hacl({source},{name},tcp,'{port}')", "LEAF", 1)
                graph.rule("RULE 5 (multi-hop access)", net, [hacl, exec_code[upstream]], 1)
    return graph


def write(graph: MulvalGraph, folder: Path) -> None:
    """``AttackGraph.xml``, ``VERTICES.CSV`` and ``ARCS.CSV`` as MulVAL writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "VERTICES.CSV", "w", newline="") as handle:
        for number, fact, kind, metric in graph.vertices:
            handle.write(f'{number},"{fact}","{kind}",{metric:g}\n')
    with open(folder / "ARCS.CSV", "w", newline="") as handle:
        handle.writelines(f"{src},{dst},-1\n" for src, dst in graph.arcs)
    parts = ["<attack_graph>\n<arcs>\n"]
    parts += [f"<arc>\n<src>{s}</src>\n<dst>{d}</dst>\n</arc>\n" for s, d in graph.arcs]
    parts.append("</arcs>\n<vertices>\n")
    parts += [
        f"<vertex>\n<id>{n}</id>\n<fact>{f}</fact>\n<metric>{m:g}</metric>\n"
        f"<type>{k}</type>\n</vertex>\n"
        for n, f, k, m in graph.vertices
    ]
    parts.append("</vertices>\n</attack_graph>\n")
    (folder / "AttackGraph.xml").write_text("".join(parts))


def floor_xml(path: Path) -> Any:
    """What any NetworkX tool pays: parse safely, build the DiGraph."""
    import defusedxml.ElementTree as safe_tree
    import networkx as nx

    root = safe_tree.fromstring(path.read_bytes())
    graph = nx.DiGraph()
    for vertex in root.iterfind("vertices/vertex"):
        graph.add_node(
            vertex.findtext("id"),
            fact=vertex.findtext("fact"),
            type=vertex.findtext("type"),
            metric=float(vertex.findtext("metric")),
        )
    graph.add_edges_from((a.findtext("dst"), a.findtext("src")) for a in root.iterfind("arcs/arc"))
    return graph


def floor_csv(path: Path) -> Any:
    """The same floor for the CSV pair."""
    import networkx as nx

    graph = nx.DiGraph()
    with open(path, newline="") as handle:
        for row in csv.reader(handle):
            graph.add_node(row[0], fact=row[1], type=row[2], metric=float(row[3]))
    with open(path.with_name("ARCS.CSV"), newline="") as handle:
        graph.add_edges_from((row[1], row[0]) for row in csv.reader(handle))
    return graph


def cpu(function: Callable[[Path], Any], path: Path, repeat: int) -> tuple[float, Any]:
    """Best CPU time of ``repeat`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        result = function(path)
        best = min(best, time.process_time() - start)
    return best, result


def time_finish() -> dict[str, float]:
    """Accumulate the CPU time of ``ModelBuilder.finish`` (the native
    validation and model construction every importer shares)."""
    from attackgraph.formats.building import ModelBuilder

    spent = {"finish": 0.0}
    original = ModelBuilder.finish

    def finish(self: Any, **options: Any) -> Any:
        start = time.process_time()
        try:
            return original(self, **options)
        finally:
            spent["finish"] += time.process_time() - start

    ModelBuilder.finish = finish  # type: ignore[method-assign]
    return spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--vertices", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    spent = time_finish()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.out or Path(temporary)
        graph = generate(args.vertices, args.seed)
        write(graph, folder)
        kinds = {k: sum(1 for v in graph.vertices if v[2] == k) for k in ("AND", "OR", "LEAF")}
        size = (folder / "AttackGraph.xml").stat().st_size
        print(
            f"MulVAL-shaped graph: {len(graph.vertices)} vertices ({kinds}), "
            f"{len(graph.arcs)} arcs; AttackGraph.xml {size / 1e6:.1f} MB"
        )
        for name, floor in (("AttackGraph.xml", floor_xml), ("VERTICES.CSV", floor_csv)):
            path = folder / name
            floor_time, nx_graph = cpu(floor, path, args.repeat)
            spent["finish"] = 0.0
            read_time, checked = cpu(check_file, path, args.repeat)
            finish_time = spent["finish"] / args.repeat
            model = checked.model
            if model is None:
                print(f"{name}: NOT READ: {checked.problems[:3]}")
                continue
            goals = sum(1 for n in model.nodes.values() if n.kind == "goal")
            same = (
                len(model.nodes) == nx_graph.number_of_nodes()
                and len(model.edges) == nx_graph.number_of_edges()
            )
            print(
                f"{name:16} floor {floor_time:6.2f} s   attackgraph read {read_time:6.2f} s "
                f"  ratio {read_time / floor_time:4.2f}   ({len(model.nodes)} nodes, "
                f"{len(model.edges)} edges, {goals} goals, same counts as the floor: {same})"
            )
            print(
                f"{'':16} of the read: native validation and model building (mean) "
                f"{finish_time:5.2f} s; parsing and MulVAL mapping the rest"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

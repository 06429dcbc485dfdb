"""Scale benchmarks of the analysis engine (issue 3); prints a table.

Usage::

    python benchmarks/run.py [--out DIR] [--quick]

Generated models go to DIR (default: a ``attackgraph-bench`` folder in the
system temp directory), never into the repository. Numbers are printed, never
asserted. OR-Tools CP-SAT is compared with HiGHS when ``ortools`` is
installed, and skipped otherwise.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import layered_model

ROWS: list[tuple[str, str, str, str]] = []


def row(name: str, value: str, target: str, verdict: bool | None) -> None:
    """Record and print one line of the table."""
    mark = "-" if verdict is None else ("ok" if verdict else "MISSED")
    ROWS.append((name, value, target, mark))
    print(f"{name:<46} {value:>16}  {target:<18} {mark}", flush=True)


def write(path: Path, **kwargs: object) -> Path:
    """Generate a layered model once (kept between runs)."""
    if not path.exists():
        doc = layered_model(**kwargs)  # type: ignore[arg-type]
        path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def wall(argv: list[str], repeat: int = 3) -> float:
    """Median wall time of a whole process."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mb(code: str) -> float:
    """Peak resident memory (MB) of a fresh Python process running ``code``."""
    probe = code + "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    return int(out) / 1024


def timed(func: Callable[[], object]) -> tuple[float, object]:
    """Seconds and result of one call."""
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def bench_analyze(out: Path, quick: bool) -> None:
    """Whole-process analyze at 10k and 50k nodes, against read + build."""
    cli = [sys.executable, "-m", "attackgraph", "analyze"]
    m10 = write(out / "layered-10k.attackgraph.json", nodes=10_000, and_fraction=0.1)
    t = wall([*cli, str(m10), "--max-chains", "100", "--format", "json"])
    row("analyze 10k nodes (10% AND), whole process", f"{t:.2f} s", "< 2 s", t < 2)
    ties = write(
        out / "layered-10k-defaults.attackgraph.json",
        nodes=10_000,
        and_fraction=0.1,
        unit_costs=True,
        default_probabilities=True,
    )
    t = wall([*cli, str(ties), "--max-chains", "100", "--format", "json"])
    row("  same, every cost and probability default", f"{t:.2f} s", "", None)
    if quick:
        return
    m50 = write(out / "layered-50k.attackgraph.json", nodes=50_000, and_fraction=0.1)
    t = wall([*cli, str(m50), "--max-chains", "100", "--format", "json"])
    read = wall(
        [
            sys.executable,
            "-c",
            f"from attackgraph.formats import read_model; read_model({str(m50)!r})",
        ]
    )
    row("analyze 50k nodes, whole process", f"{t:.2f} s", "", None)
    row("read + build 50k nodes, whole process", f"{read:.2f} s", "", None)
    row("analyze / (read + build) at 50k", f"{t / read:.2f} x", "<= 3 x", t <= 3 * read)
    mb = peak_mb(
        "from attackgraph.formats import read_model\n"
        "from attackgraph.analysis import analyze\n"
        "from attackgraph.analysis.optimize import optimal_mitigations\n"
        f"m = read_model({str(m50)!r})\n"
        "analyze(m, max_chains=100)\noptimal_mitigations(m)"
    )
    row("peak memory, analyze + optimize at 50k", f"{mb:.0f} MB", "< 1024 MB", mb < 1024)


def bench_simple_paths(out: Path) -> None:
    """k cheapest chains against networkx.shortest_simple_paths (Yen)."""
    import networkx as nx

    from attackgraph.analysis import analyze
    from attackgraph.formats import read_model

    path = write(out / "layered-2k-or.attackgraph.json", nodes=2_000, goals=1, and_fraction=0.0)
    model = read_model(path)
    t_ours, result = timed(lambda: analyze(model, goals=["G0"], max_chains=100))
    chains = result.chains  # type: ignore[attr-defined]
    graph = nx.DiGraph()
    for edge in model.edges:
        graph.add_edge(edge.source, edge.target, weight=model.nodes[edge.target].effective_cost)
    for node in model.nodes.values():
        if node.kind == "entry":
            graph.add_edge("__source__", node.id, weight=node.effective_cost)
    t_nx, paths = timed(
        lambda: list(
            itertools.islice(
                nx.shortest_simple_paths(graph, "__source__", "G0", weight="weight"), 100
            )
        )
    )
    ours = sorted(c.cost for c in chains)
    theirs = sorted(float(sum(model.nodes[v].effective_cost for v in p[1:])) for p in paths)  # type: ignore[union-attr]
    same = ours == theirs
    row("100 chains, 2k pure OR: attackgraph", f"{t_ours * 1000:.0f} ms", "", None)
    row("100 paths, 2k pure OR: nx.shortest_simple_paths", f"{t_nx * 1000:.0f} ms", "", None)
    row(
        "speed-up (same 100 costs: " + ("yes" if same else "NO") + ")",
        f"{t_nx / t_ours:.0f} x",
        ">= 10 x",
        t_nx / t_ours >= 10 and same,
    )


def _cpsat(program, seconds: float) -> tuple[float, str, float]:  # type: ignore[no-untyped-def]
    """Solve the same program with CP-SAT (costs scaled to integers)."""
    from ortools.sat.python import cp_model

    start = time.perf_counter()
    model = cp_model.CpModel()
    xs = [model.NewBoolVar(f"v{i}") for i in range(program.variables)]
    for terms, lower in program.rows:
        model.Add(sum(int(c) * xs[i] for i, c in terms) >= round(lower))
    for var in program.goal_vars.values():
        model.Add(xs[var] == 0)
    model.Minimize(sum(round(c * 1000) * xs[i] for i, c in enumerate(program.candidate_costs)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    status = solver.Solve(model)
    name = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}.get(status, "other")
    return time.perf_counter() - start, name, solver.ObjectiveValue() / 1000


def bench_optimize(out: Path, quick: bool) -> None:
    """Proven-optimal sets at 10k and 60k (30% AND) nodes; HiGHS against CP-SAT
    on the same program (solve times only, after the shared build)."""
    import scipy.optimize  # noqa: F401  (imported once, outside the timings)

    from attackgraph.analysis.optimize import _prepare, _solve

    cases = [
        (
            "10k nodes, 100 mitigations",
            "layered-10k.attackgraph.json",
            {"nodes": 10_000, "and_fraction": 0.1},
            10.0,
        )
    ]
    if not quick:
        cases.append(
            (
                "60k nodes, 30% AND",
                "layered-60k-and.attackgraph.json",
                {"nodes": 60_000, "and_fraction": 0.3},
                30.0,
            )
        )
    # A larger program: defences spread over the whole graph, many AND gates.
    cases.append(
        (
            "10k, 40% AND, 300 spread mitigations",
            "layered-10k-spread.attackgraph.json",
            {
                "nodes": 10_000,
                "and_fraction": 0.4,
                "mitigations": 300,
                "defended_fraction": 0.1,
                "seed": 2,
            },
            10.0,
        )
    )
    try:
        import ortools  # noqa: F401

        have_cpsat = True
    except ImportError:
        have_cpsat = False
    from attackgraph.formats import read_model

    for name, filename, kwargs, limit in cases:
        path = write(out / filename, **kwargs)  # type: ignore[arg-type]
        argv = [sys.executable, "-m", "attackgraph", "optimize", str(path), "--format", "json"]
        start = time.perf_counter()
        result = json.loads(subprocess.run(argv, check=True, capture_output=True, text=True).stdout)
        t = time.perf_counter() - start
        row(
            f"optimize {name}",
            f"{t:.2f} s",
            f"< {limit:.0f} s",
            t < limit and result["status"] == "optimal",
        )
        row(
            "  status, cost = bound",
            f"{result['status']} {result['cost']:g}={result['bound']:g}",
            "proven optimal",
            result["status"] == "optimal",
        )
        model = read_model(path)
        t_build, prepared = timed(lambda m=model: _prepare(m, None, None, None, (), ()))
        program = prepared[3]  # type: ignore[index]
        row(
            f"  build ({program.variables} vars, {len(program.rows)} rows)",
            f"{t_build:.2f} s",
            "",
            None,
        )
        objective = [
            *program.candidate_costs,
            *([0.0] * (program.variables - len(program.candidates))),
        ]
        t_highs, _ = timed(
            lambda p=program, o=objective, s=limit: _solve(
                p, objective=o, extra_vars=0, extra_rows=(), goal_upper=True, time_limit=s
            )
        )
        row("  HiGHS solve", f"{t_highs:.3f} s", "", None)
        if have_cpsat:
            t_cp, status, cost = _cpsat(program, limit)
            row("  CP-SAT solve (2 workers)", f"{t_cp:.3f} s", f"{status} {cost:g}", None)
        else:
            row("  CP-SAT", "skipped", "ortools missing", None)


def bench_whatif(out: Path) -> None:
    """Incremental what-if toggles on the 10k model."""
    from attackgraph.analysis.whatif import WhatIf
    from attackgraph.formats import read_model

    model = read_model(write(out / "layered-10k.attackgraph.json", nodes=10_000, and_fraction=0.1))
    t_init, state = timed(lambda: WhatIf(model, max_chains=100))
    rng = random.Random(7)
    mits = list(model.mitigations)
    times = []
    for _ in range(300):
        mit = rng.choice(mits)
        on = mit not in state.in_effect  # type: ignore[attr-defined]
        start = time.perf_counter()
        state.switch(mit, on)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - start)
    row("what-if set-up at 10k (analysis included)", f"{t_init * 1000:.0f} ms", "", None)
    row(
        "what-if toggle at 10k: mean",
        f"{statistics.mean(times) * 1000:.2f} ms",
        "< 50 ms",
        statistics.mean(times) < 0.05,
    )
    row(
        "what-if toggle at 10k: worst of 300",
        f"{max(times) * 1000:.2f} ms",
        "< 50 ms",
        max(times) < 0.05,
    )


def main(argv: list[str] | None = None) -> None:
    """Run every benchmark and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "attackgraph-bench"))
    parser.add_argument("--quick", action="store_true", help="skip the 50k/60k models")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"{'figure':<46} {'measured':>16}  {'target':<18} verdict")
    print("(optimize rows: whole process; build and solve rows: in-process)")
    bench_analyze(out, args.quick)
    bench_simple_paths(out)
    bench_optimize(out, args.quick)
    bench_whatif(out)


if __name__ == "__main__":
    main()

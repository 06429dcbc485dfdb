"""Render benchmarks (issue 5); prints a table.

Usage::

    python benchmarks/render.py [--out DIR] [--nodes 2000] [--repeat 3]

- the flagship sample to SVG and to the HTML report, through the command
  line (a whole process: start-up, reading, analysis, Graphviz) and in
  process, step by step;
- a generated layered model (``benchmarks/generate.py``) to SVG, against the
  time ``dot -Tsvg`` alone takes on the same DOT text: without the analysis
  overlay (the render layer's own cost: DOT generation and embedding the
  model) and with it (plus the analysis of up to 1000 chains).

Outputs go to DIR (default: ``attackgraph-render-bench`` in the system temp
folder), never into the repository. Figures are medians; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import layered_model  # noqa: E402

from attackgraph.analysis import analyze  # noqa: E402
from attackgraph.formats import read_model  # noqa: E402
from attackgraph.render.backend import run_graphviz  # noqa: E402
from attackgraph.render.diagram import render_diagram  # noqa: E402
from attackgraph.render.dot import generate_dot  # noqa: E402
from attackgraph.render.overlay import analysis_overlay, build_overlay  # noqa: E402
from attackgraph.render.report_data import collect_report  # noqa: E402
from attackgraph.render.report_html import html_report  # noqa: E402

FLAGSHIP = HERE.parent / "samples" / "azure-sphere-2020.attackgraph.json"


def row(name: str, value: str, target: str = "", verdict: bool | None = None) -> None:
    """Print one line of the table."""
    mark = "" if verdict is None else ("ok" if verdict else "MISSED")
    print(f"{name:<52} {value:>12}  {target:<22} {mark}", flush=True)


def median(func: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``func`` in seconds (one warm-up call first)."""
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cli(argv: list[str], repeat: int) -> float:
    """Median wall time of a whole ``attackgraph`` process."""
    command = [sys.executable, "-m", "attackgraph", *argv]
    return median(lambda: subprocess.run(command, check=True, cwd=HERE.parent), repeat)


def flagship(out: Path, repeat: int) -> None:
    """The flagship to SVG and to HTML."""
    svg, html = out / "flagship.svg", out / "flagship.html"
    t_svg = cli(["export", str(FLAGSHIP), "-o", str(svg)], repeat)
    row("flagship -> SVG, attackgraph export (process)", f"{t_svg:.2f} s", "< 1 s", t_svg < 1)
    t_html = cli(["export", str(FLAGSHIP), "-o", str(html)], repeat)
    row("flagship -> HTML report, attackgraph export", f"{t_html:.2f} s", "< 2 s", t_html < 2)
    model = read_model(FLAGSHIP)
    row("  reading the model", f"{median(lambda: read_model(FLAGSHIP), repeat):.3f} s")
    row("  analysis + overlay", f"{median(lambda: analysis_overlay(model), repeat):.3f} s")
    overlay = analysis_overlay(model)
    row("  DOT generation", f"{median(lambda: generate_dot(model, overlay), repeat):.3f} s")
    source = generate_dot(model, overlay)
    row("  dot -Tsvg", f"{median(lambda: run_graphviz(source, 'svg'), repeat):.3f} s")
    data = collect_report(model)
    row(
        "  report data (optimal set, frontier, releases, profiles)",
        f"{median(lambda: collect_report(model), repeat):.3f} s",
    )
    row(
        "  HTML report from its data (diagram, plots)",
        f"{median(lambda: html_report(model, data), repeat):.3f} s",
    )
    row("  sizes: SVG / HTML", f"{svg.stat().st_size // 1024} / {html.stat().st_size // 1024} KiB")


def large(out: Path, nodes: int, repeat: int) -> None:
    """A generated model to SVG against dot alone."""
    path = out / f"layered-{nodes}.attackgraph.json"
    if not path.exists():
        path.write_text(json.dumps(layered_model(nodes)), encoding="utf-8")
    model = read_model(path)
    result = analyze(model)
    overlay = build_overlay(model, result)
    plain_dot = generate_dot(model)
    overlay_dot = generate_dot(model, overlay)
    r = max(1, repeat - 1)
    t_dot_plain = median(lambda: run_graphviz(plain_dot, "svg", timeout=3600), r)
    t_plain = median(lambda: render_diagram(model, "svg", timeout=3600), r)
    limit = t_dot_plain * 1.10
    row(f"{nodes} nodes, {len(model.edges)} edges: dot -Tsvg alone (plain)", f"{t_dot_plain:.2f} s")
    row(
        f"{nodes} nodes -> SVG with the model embedded (plain)",
        f"{t_plain:.2f} s",
        f"<= dot + 10% ({limit:.2f} s)",
        t_plain <= limit,
    )
    t_dot_overlay = median(lambda: run_graphviz(overlay_dot, "svg", timeout=3600), r)

    def with_overlay() -> bytes:
        return render_diagram(model, "svg", overlay=analysis_overlay(model), timeout=3600)

    t_overlay = median(with_overlay, r)
    limit = t_dot_overlay * 1.10
    row(f"{nodes} nodes: dot -Tsvg alone (with the overlay)", f"{t_dot_overlay:.2f} s")
    row(
        f"{nodes} nodes -> SVG with analysis overlay + model",
        f"{t_overlay:.2f} s",
        f"<= dot + 10% ({limit:.2f} s)",
        t_overlay <= limit,
    )
    row(
        f"  analysis + overlay ({len(result.chains)} chains)",
        f"{median(lambda: analysis_overlay(model), r):.3f} s",
    )
    row("  DOT generation", f"{median(lambda: generate_dot(model, overlay), r):.3f} s")


def main() -> None:
    """Run the benchmarks and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "attackgraph-render-bench"
    )
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"{'benchmark':<52} {'median':>12}  {'target':<22}")
    flagship(args.out, args.repeat)
    large(args.out, args.nodes, args.repeat)


if __name__ == "__main__":
    main()

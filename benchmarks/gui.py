"""GUI benchmark of the desktop editor (issue 4); prints a table.

Usage::

    python benchmarks/gui.py [--nodes 2000] [--out DIR] [--quick]

What it measures:

- opening the flagship sample until the window is shown, laid out and
  painted (a fresh process each time, as a user starts it);
- opening a generated 2,000-node model with nested components, without
  saved positions (so the built-in layout runs) and with them;
- paint time per frame while panning and zooming that model (the time
  ``QWidget.repaint`` takes on the canvas), at fit, at 30 % and at 100 %;
- the cost of an edit (move, rename a label, add and undo a node) on the
  flagship and on the large model, including everything the canvas, the
  inspector and the docks do in response; the debounced validation of the
  problems list is reported on its own;
- the workbench (issue 6): a mitigation switched on until the canvas shows
  it (the incremental what-if; target under 100 ms at 2,000 nodes), and the
  full analysis after an edit, which runs off the GUI thread.

Runs offscreen (no display needed). Numbers are printed, never asserted;
the targets are the issue's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import layered_model

ROOT = Path(__file__).resolve().parent.parent

OPEN_SCRIPT = """
import sys, time
started = time.perf_counter()
from attackgraph.gui.app import make_app, settle
app = make_app(offscreen=True)
from PySide6.QtCore import QSettings
from attackgraph.gui.mainwindow import MainWindow
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
window = MainWindow(settings=settings, restore=False, autosave_s=0)
window.resize(1400, 860)
window.show()
assert window.open_path(sys.argv[1])
settle(app, window)
window.initial_view()
window.view.viewport().repaint()
app.processEvents()
print(time.perf_counter() - started)
window.document.undo_stack.setClean()
"""


def _localise(doc: dict, seed: int) -> None:
    """Re-wire each step to enablers in nearby rows of the previous layer, as
    chains in real models run along their components (the generator's
    enablers come from anywhere in the previous layer)."""
    import random

    rng = random.Random(seed)
    layers: dict[int, list[str]] = {}
    for node in doc["nodes"]:
        if node["id"].startswith("S"):
            layer, _row = node["id"][1:].split("_")
            layers.setdefault(int(layer), []).append(node["id"])
    entries = [n["id"] for n in doc["nodes"] if n["kind"] == "entry"]
    goals = [n["id"] for n in doc["nodes"] if n["kind"] == "goal"]
    edges = []
    previous = entries
    for layer in sorted(layers):
        current = layers[layer]
        for row, ident in enumerate(current):
            centre = round(row * (len(previous) - 1) / max(len(current) - 1, 1))
            near = previous[max(0, centre - 3) : centre + 4]
            for source in rng.sample(near, min(len(near), rng.choice((1, 2, 3)))):
                edges.append({"source": source, "target": ident})
        previous = current
    for index, goal in enumerate(goals):
        centre = round(index * (len(previous) - 1) / max(len(goals) - 1, 1))
        for source in previous[max(0, centre - 2) : centre + 3]:
            edges.append({"source": source, "target": goal})
    doc["edges"] = edges
    targets = {e["target"] for e in edges}
    for node in doc["nodes"]:  # an AND node needs an enabler; keep only those that have one
        if node.get("gate") == "and" and node["id"] not in targets:
            del node["gate"]


def nested_model(nodes: int, seed: int = 7, local: bool = True) -> dict:
    """A layered model with twelve components in three levels (cloud, device,
    network, physical); ``local`` edges join nearby rows (see :func:`_localise`)."""
    doc = layered_model(nodes, seed=seed, mitigations=120)
    if local:
        _localise(doc, seed)
    comps = [
        {"id": "cloud", "label": "Cloud service", "kind": "cloud"},
        {"id": "cloud-api", "label": "Public API", "kind": "cloud", "parent": "cloud"},
        {"id": "cloud-auth", "label": "Identity", "kind": "cloud", "parent": "cloud"},
        {"id": "device", "label": "Device", "kind": "device"},
        {"id": "os", "label": "Operating system", "kind": "device", "parent": "device"},
        {"id": "kernel", "label": "Kernel", "kind": "device", "parent": "os"},
        {"id": "services", "label": "System services", "kind": "device", "parent": "os"},
        {"id": "apps", "label": "Applications", "kind": "device", "parent": "os"},
        {"id": "tee", "label": "Secure world", "kind": "device", "parent": "device"},
        {"id": "network", "label": "Network", "kind": "network"},
        {"id": "lan", "label": "LAN", "kind": "network", "parent": "network"},
        {"id": "port", "label": "Debug port", "kind": "physical", "parent": "device"},
    ]
    # Steps are ``S{layer}_{row}``: each component takes a band of rows through
    # every layer, as the parts of a system do along a chain.
    leaves = ["cloud-api", "cloud-auth", "lan", "port", "apps", "services", "kernel", "tee"]
    rows = max((int(n["id"].split("_")[1]) for n in doc["nodes"] if "_" in n["id"]), default=0) + 1
    for node in doc["nodes"]:
        if "_" in node["id"]:
            row_index = int(node["id"].split("_")[1])
            node["component"] = leaves[row_index * len(leaves) // rows]
        elif node["kind"] == "entry":
            node["component"] = leaves[int(node["id"][1:]) % 2]
    doc["components"] = comps
    doc["title"] = f"Generated model, {nodes} nodes"
    return doc


def open_seconds(path: Path, out: Path, repeat: int) -> list[float]:
    """Seconds from process start to a laid-out, painted window."""
    times = []
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, "-c", OPEN_SCRIPT, str(path), str(out / "bench-settings.ini")],
            capture_output=True,
            text=True,
            timeout=600,
            env={
                **os.environ,
                "QT_QPA_PLATFORM": "offscreen",
                "ATTACKGRAPH_RECOVERY_DIR": str(out / "recovery"),
            },
        )
        if proc.returncode != 0:
            raise SystemExit(f"opening {path.name} failed:\n{proc.stderr}")
        times.append(float(proc.stdout.strip().splitlines()[-1]))
    return times


ROWS: list[tuple[str, str, str, str]] = []


def row(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
    """Record and print one line of the table."""
    mark = "-" if ok is None else ("ok" if ok else "MISSED")
    ROWS.append((name, value, target, mark))
    print(f"{name:<52} {value:>18}  {target:<14} {mark}", flush=True)


def paint_times(app, window, frames: int) -> dict[str, list[float]]:
    """Milliseconds per frame at three zoom levels: a pan step (Qt scrolls the
    picture and paints what comes into view) and a zoom step (a full repaint)."""
    view = window.view
    viewport = view.viewport()
    window.minimap.hide()  # its picture is rendered once after changes, not per frame
    results: dict[str, list[float]] = {}
    for name, zoom in (("fit", None), ("30 %", 0.3), ("100 %", 1.0)):
        if zoom is None:
            view.fit_all()
        else:
            view.set_zoom(zoom)
            view.centerOn(view.content_rect().center())
        app.processEvents()
        pans, zooms = [], []
        for i in range(frames):
            view.pan_by(37 if (i // 10) % 2 == 0 else -37, 11 if (i // 5) % 2 == 0 else -11)
            started = time.perf_counter()
            app.processEvents()
            pans.append((time.perf_counter() - started) * 1000)
        for i in range(frames // 2):
            view.zoom_by(1.06 if (i // 4) % 2 == 0 else 1 / 1.06)
            started = time.perf_counter()
            viewport.repaint()
            zooms.append((time.perf_counter() - started) * 1000)
        results[f"pan step at {name}"] = pans
        results[f"zoom step at {name}"] = zooms
    window.minimap.show()
    return results


def edit_costs(app, window, count: int) -> dict[str, float]:
    """Median milliseconds of one edit, with everything that reacts to it."""
    from PySide6.QtCore import QPointF

    from attackgraph.gui.commands import MoveNodesCommand, RenameCommand, UpdateCommand

    scene, model = window.scene, window.document.model
    node_id = next(n for n, node in model.nodes.items() if node.kind == "step")
    window.scene.select(nodes=[node_id])
    window.inspector.flush()
    app.processEvents()
    costs: dict[str, list[float]] = {
        "move a node": [],
        "rename a label": [],
        "rename an id, back": [],
        "add a node, then undo": [],
    }

    window.view.set_zoom(1.0)
    window.view.centerOn(scene.nodes[node_id])
    app.processEvents()

    def timed(name: str, action) -> None:
        started = time.perf_counter()
        action()
        app.processEvents()  # frame refit, inspector, title, repaint of what changed
        costs[name].append((time.perf_counter() - started) * 1000)

    for i in range(count):
        x, y = model.layout[node_id]
        timed(
            "move a node",
            lambda x=x, y=y, i=i: scene.execute(
                MoveNodesCommand(
                    model, {node_id: (x, y)}, {node_id: (x + 8.0, y + (4.0 if i % 2 else -4.0))}
                )
            ),
        )
        timed(
            "rename a label",
            lambda i=i: scene.execute(
                UpdateCommand(model, "node", node_id, {"label": f"Renamed step {i}"})
            ),
        )
        timed(
            "rename an id, back",
            lambda: (
                scene.execute(RenameCommand(model, "node", node_id, f"{node_id}-renamed")),
                scene.execute(RenameCommand(model, "node", f"{node_id}-renamed", node_id)),
            ),
        )
        centre = window.view.mapToScene(window.view.viewport().rect().center())

        def add_and_undo(centre: QPointF = centre) -> None:
            scene.add_node_at("step", centre)
            window.document.undo_stack.undo()

        timed("add a node, then undo", add_and_undo)
    return {name: statistics.median(values) for name, values in costs.items()}


def workbench_costs(app, window, count: int) -> dict[str, float]:
    """Milliseconds of the workbench's answers, medians over ``count`` runs.

    - a mitigation switched on in the Mitigations dock until the canvas,
      the docks and the status show it (the incremental what-if, before the
      full analysis that follows it in the background);
    - the full analysis after an edit, from the debounced start to the
      result on screen (off the GUI thread; the editor stays responsive).
    """
    session = window.workbench.session
    session.wait(600)
    mitigations = sorted(session.model.mitigations)
    costs: dict[str, list[float]] = {
        "switch a mitigation on: canvas updated": [],
        "full analysis after an edit": [],
    }
    for index in range(count):
        mit_id = mitigations[index % len(mitigations)]
        on = not session.in_effect(mit_id)
        started = time.perf_counter()
        session.switch(mit_id, on)
        app.processEvents()
        window.view.viewport().repaint()
        costs["switch a mitigation on: canvas updated"].append(
            (time.perf_counter() - started) * 1000
        )
        session.wait(600)
        session.reset_what_if()
        session.wait(600)
    for _ in range(max(count // 4, 2)):
        started = time.perf_counter()
        session.rerun()
        session.wait(600)
        window.view.viewport().repaint()
        costs["full analysis after an edit"].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in costs.items()}


def in_process(path: Path, frames: int, edits: int, out: Path) -> tuple[dict, dict, float]:
    """Paint and edit figures for one model, in this process."""
    from PySide6.QtCore import QSettings

    from attackgraph.gui.app import make_app, settle
    from attackgraph.gui.mainwindow import MainWindow

    app = make_app(offscreen=True)
    settings = QSettings(str(out / "bench-settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, restore=False, autosave_s=0)
    window.resize(1400, 860)
    window.show()
    assert window.open_path(str(path))
    settle(app, window)
    paints = paint_times(app, window, frames)
    edits_ms = edit_costs(app, window, edits)
    edits_ms.update(workbench_costs(app, window, max(edits // 2, 4)))
    started = time.perf_counter()
    window.problems.refresh()
    validation_ms = (time.perf_counter() - started) * 1000
    window.document.undo_stack.setClean()
    window.close()
    return paints, edits_ms, validation_ms


def _placed(path: Path, out: Path) -> Path:
    """The model with a saved layout (the built-in one), written once."""
    from attackgraph.formats import read_model, write_model
    from attackgraph.render.layout import compute_layout

    placed = out / path.name.replace(".attackgraph.json", "-placed.attackgraph.json")
    model = read_model(path)
    model.set_positions(compute_layout(model, full=True, prefer_dot=False).positions)
    write_model(model, placed)
    return placed


def _paint_rows(what: str, paints: dict[str, list[float]]) -> None:
    for name, values in paints.items():
        median = statistics.median(values)
        p95 = sorted(values)[max(int(len(values) * 0.95) - 1, 0)]
        row(f"{what}: {name}", f"{median:.1f} / {p95:.1f} ms", "p95 < 33 ms", p95 < 33.4)


def main(argv: list[str] | None = None) -> int:
    """Generate the models, measure, print the table."""
    parser = argparse.ArgumentParser(description="GUI benchmark of the desktop editor.")
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "attackgraph-bench"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    repeat, frames, edits = (1, 30, 10) if args.quick else (3, 120, 40)
    flagship = ROOT / "samples" / "azure-sphere-2020.attackgraph.json"
    large = out / f"nested-{args.nodes}.attackgraph.json"
    large.write_text(json.dumps(nested_model(args.nodes)), encoding="utf-8")
    stress = out / f"nested-{args.nodes}-long-edges.attackgraph.json"
    stress.write_text(json.dumps(nested_model(args.nodes, local=False)), encoding="utf-8")
    print(f"{'measure':<52} {'value':>18}  {'target':<14} verdict")
    times = open_seconds(flagship, out, repeat)
    row(
        "flagship: open until laid out and painted",
        f"{statistics.median(times):.2f} s",
        "< 1.5 s",
        statistics.median(times) < 1.5,
    )
    times = open_seconds(large, out, repeat)
    row(
        f"{args.nodes} nodes, no saved layout: open",
        f"{statistics.median(times):.2f} s",
        "< 5 s",
        statistics.median(times) < 5,
    )
    placed = _placed(large, out)
    times = open_seconds(placed, out, repeat)
    row(
        f"{args.nodes} nodes, saved layout: open",
        f"{statistics.median(times):.2f} s",
        "< 5 s",
        statistics.median(times) < 5,
    )
    from attackgraph.formats import read_model
    from attackgraph.render.layout import lane_layout

    model = read_model(large)
    started = time.perf_counter()
    lane_layout(model)
    seconds = time.perf_counter() - started
    row(f"{args.nodes} nodes: built-in layout alone", f"{seconds:.2f} s", "< 3 s", seconds < 3)
    paints, large_edits, validation = in_process(placed, frames, edits, out)
    _paint_rows(f"{args.nodes} nodes", paints)
    stress_paints, _, _ = in_process(_placed(stress, out), frames, 2, out)
    _paint_rows(f"{args.nodes} nodes, long edges", stress_paints)
    _, small_edits, small_validation = in_process(flagship, frames // 4, edits, out)
    for name in small_edits:
        if name.startswith("switch"):
            row(
                f"{name}: flagship / {args.nodes} nodes",
                f"{small_edits[name]:.1f} / {large_edits[name]:.1f} ms",
                "< 100 ms",
                large_edits[name] < 100,
            )
            continue
        if name.startswith("full analysis"):
            row(
                f"{name}: flagship / {args.nodes} nodes",
                f"{small_edits[name]:.0f} / {large_edits[name]:.0f} ms",
                "off the GUI thread",
            )
            continue
        row(
            f"edit '{name}': flagship vs {args.nodes} nodes",
            f"{small_edits[name]:.1f} / {large_edits[name]:.1f} ms",
            "same cost",
            large_edits[name] < max(2.5 * small_edits[name], small_edits[name] + 4),
        )
    row(
        f"problems list re-check (debounced): flagship vs {args.nodes}",
        f"{small_validation:.0f} / {validation:.0f} ms",
        "",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

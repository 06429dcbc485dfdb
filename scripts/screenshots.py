"""Regenerate the README's screenshots of the desktop editor (docs/images/).

Usage::

    python scripts/screenshots.py [--out docs/images]

Renders offscreen (no display needed), with fixed settings and the light
theme unless a picture says otherwise, so the pictures change only when the
editor does. The main picture is exactly what ``attackgraph gui
--screenshot`` makes; the others show the whole model, a node being edited,
a connection being drawn, the workbench, the coverage matrix and the dark
theme. ``imported-flow.png`` shows MITRE's public Tesla Kubernetes breach flow
imported; it is made only where that reference file is (``--flow`` names
another, ``--only imported-flow.png`` makes just it).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

ROOT = Path(__file__).resolve().parent.parent
SIZE = (1600, 1000)


def _window(theme: str, folder: Path):
    from PySide6.QtCore import QSettings

    from attackgraph.gui.mainwindow import MainWindow

    settings = QSettings(str(folder / f"{theme}.ini"), QSettings.Format.IniFormat)
    settings.clear()
    settings.setValue("theme", theme)
    window = MainWindow(settings=settings, restore=False, autosave_s=0)
    window.resize(*SIZE)
    window.show()
    return window


def shoot(
    name: str, out: Path, folder: Path, prepare: Callable[[object], None], theme: str = "light"
) -> Path:
    """Open the flagship, let ``prepare`` set the view, save ``out/name``."""
    from attackgraph.gui.app import flagship_path, make_app, settle

    app = make_app(offscreen=True)
    window = _window(theme, folder)
    if not window.open_path(str(flagship_path())):
        raise SystemExit("the flagship sample cannot be opened")
    settle(app, window)
    window.initial_view()
    prepare(window)
    settle(app, window)
    window.minimap.render_now()
    app.processEvents()
    target = out / name
    if not window.grab().save(str(target), "PNG"):
        raise SystemExit(f"cannot write {target}")
    window.document.undo_stack.setClean()
    window.close()
    return target


def _editing(window) -> None:
    """A step of the McAfee chain selected, its fields in the inspector, the
    mitigations that block it highlighted."""
    window.scene.select(nodes=["uid-map-sys"])
    window.inspector.flush()
    window.mitigations.choose("uid-map-integrity")
    window.view.set_zoom(0.85)
    window.view.centerOn(window.scene.nodes["uid-map-sys"])


def _composing(window) -> None:
    """A connection being drawn: dragged out of a node's handle (the node
    already has outgoing edges), the target it would land on ringed."""
    from PySide6.QtCore import QPointF, Qt

    scene = window.scene
    source, target = scene.nodes["compromised-app"], scene.nodes["exec-mapping"]
    window.view.set_zoom(1.0)
    window.view.centerOn(QPointF(960, 640))
    scene.begin_connect("compromised-app")
    scene._tool.by_click = False  # as while the mouse button is held
    scene.hover_at(source.connect_point(), Qt.KeyboardModifier.NoModifier)  # the lit handle
    scene._tool.move(target.pos() + QPointF(30, 18))
    scene.message.emit(
        "Connecting from compromised-app: release over the node it enables "
        "(anywhere on it). Esc cancels."
    )


def _workbench(window) -> None:
    """The McAfee ATR chain highlighted for its attacker at release 20.06,
    the rest dimmed; the chains, goals and mitigations docks beside it."""
    from attackgraph.launch import ViewOptions

    problem = window.workbench.apply_view(
        ViewOptions(profile="physical-access", at_release="20.06"), full_screen=False
    )
    if problem is not None:
        raise SystemExit(problem)
    from attackgraph.gui.present.story import read_story

    scenes, _ = read_story(window.document.model)
    window.workbench.session.set_highlight_nodes(scenes[0].chain)
    window.workbench.zoom_to_chain()


def _coverage(window) -> None:
    """The coverage matrix docked below the canvas, one chain chosen in it:
    the canvas dims the rest and scrolls the chain into view."""
    window.docks["coverage"].raise_()
    chains = window.workbench.session.analysis.chains
    chain = next((c for c in chains if c.open), chains[0])
    window.workbench.coverage.table.setFocus()
    window.workbench.coverage._row_clicked(chains.index(chain))


def trainer(out: Path, folder: Path, theme: str = "light") -> Path:
    """Trainer mode on the story's first chain, at its fourth step."""
    from attackgraph.gui.app import flagship_path, make_app, settle
    from attackgraph.launch import ViewOptions

    app = make_app(offscreen=True)
    window = _window(theme, folder)
    if not window.open_path(str(flagship_path())):
        raise SystemExit("the flagship sample cannot be opened")
    settle(app, window)
    problem = window.workbench.apply_view(ViewOptions(present=True, step=4), full_screen=False)
    if problem is not None:
        raise SystemExit(problem)
    presentation = window.workbench.presentation
    presentation.resize(*SIZE)
    settle(app, window)
    target = out / ("trainer.png" if theme == "light" else f"trainer-{theme}.png")
    if not presentation.grab().save(str(target), "PNG"):
        raise SystemExit(f"cannot write {target}")
    presentation.close()
    window.document.undo_stack.setClean()
    window.close()
    return target


REFERENCE_FLOW = Path("/work/shared/reference/attack-flow/tesla-kubernetes-breach.afb")
"""MITRE's public Tesla Kubernetes breach flow (Attack Flow Builder file);
not part of the project, so its picture is made only where the file is."""


def imported_flow(out: Path, folder: Path, flow: Path = REFERENCE_FLOW) -> Path | None:
    """An imported MITRE Attack Flow Builder file, laid out left to right;
    None (nothing written) when the file is not there."""
    from attackgraph.gui.app import make_app, settle

    if not flow.is_file():
        print(f"skipped imported-flow.png: {flow} is not there")
        return None
    app = make_app(offscreen=True)
    window = _window("light", folder)
    if not window.open_path(str(flow)):
        raise SystemExit(f"{flow} cannot be opened")
    settle(app, window)
    window.initial_view()
    settle(app, window)
    window.minimap.render_now()
    app.processEvents()
    target = out / "imported-flow.png"
    if not window.grab().save(str(target), "PNG"):
        raise SystemExit(f"cannot write {target}")
    window.document.undo_stack.setClean()
    window.close()
    return target


def main(argv: list[str] | None = None) -> int:
    """Write the pictures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument(
        "--flow",
        type=Path,
        default=REFERENCE_FLOW,
        help="the .afb file of the imported-flow picture",
    )
    parser.add_argument("--only", choices=["imported-flow.png"], help="make only this picture")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["ATTACKGRAPH_RECOVERY_DIR"] = str(Path(folder) / "recovery")
        if args.only == "imported-flow.png":  # the flow's file is not everywhere
            made = [imported_flow(out, Path(folder), args.flow)]
        else:
            made = [
                shoot("editor.png", out, Path(folder), lambda w: None),
                shoot("editor-overview.png", out, Path(folder), lambda w: w.view.fit_all()),
                shoot("editor-editing.png", out, Path(folder), _editing),
                shoot("editor-dark.png", out, Path(folder), _editing, theme="dark"),
                shoot("workbench.png", out, Path(folder), _workbench),
                shoot("coverage.png", out, Path(folder), _coverage),
                shoot("workbench-dark.png", out, Path(folder), _coverage, theme="dark"),
                shoot("editor-composing.png", out, Path(folder), _composing),
                trainer(out, Path(folder)),
                trainer(out, Path(folder), theme="dark"),
                imported_flow(out, Path(folder), args.flow),
            ]
    for path in made:
        if path is None:
            continue
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

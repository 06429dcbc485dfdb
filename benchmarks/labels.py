"""Benchmark of the zoomed-out label layer (issue 11); prints a table.

Usage::

    python benchmarks/labels.py [--nodes 2000] [--repeat 15]

On the nested 2,000-node model of ``gui.py`` (saved built-in layout) it
measures, at fit, 10 % and 25 %, what the label layer adds to a frame: a
paint after a node changed (the nodes are ordered by importance again), a
paint that chooses the labels anew (the first step of a wheel burst, the
moment the wheel rests, a pan past the chosen region) and a paint that
reuses the choice (every other frame). The frame without labels is in
``gui.py``. Offscreen, no display needed; numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv: list[str] | None = None) -> int:
    """Build the model, open it in a window, time the label layer."""
    parser = argparse.ArgumentParser(description="Benchmark of the zoomed-out labels.")
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    from gui import nested_model
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QImage, QPainter

    from attackgraph.formats import read_model, write_model
    from attackgraph.gui.app import make_app, settle
    from attackgraph.gui.mainwindow import MainWindow
    from attackgraph.render.layout import compute_layout

    app = make_app(offscreen=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nested.attackgraph.json"
        path.write_text(json.dumps(nested_model(args.nodes)), encoding="utf-8")
        model = read_model(path)
        model.set_positions(compute_layout(model, full=True, prefer_dot=False).positions)
        write_model(model, path)
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, restore=False, autosave_s=0)
        window.resize(1400, 860)
        window.show()
        if not window.open_path(str(path)):
            raise SystemExit("the generated model cannot be opened")
        settle(app, window)
        view, layer = window.view, window.scene.label_layer
        image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
        print(f"{'zoom':<10} {'labels':>6} {'node changed':>13} {'new choice':>11} {'reused':>8}")
        for name, zoom in (("fit", None), ("10 %", 0.1), ("25 %", 0.25)):
            if zoom is None:
                view.fit_all()
            else:
                view.set_zoom(zoom)
            exposed = view.mapToScene(view.viewport().rect()).boundingRect()
            ordered, fresh, reused = [], [], []
            for _ in range(args.repeat):
                painter = QPainter(image)
                painter.setWorldTransform(view.viewportTransform())
                layer.changed()
                started = time.perf_counter()
                layer.paint(painter, view, exposed)
                ordered.append((time.perf_counter() - started) * 1000)
                layer.rechoose()
                started = time.perf_counter()
                layer.paint(painter, view, exposed)
                fresh.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                layer.paint(painter, view, exposed)
                reused.append((time.perf_counter() - started) * 1000)
                painter.end()
            label = f"{name} ({view.zoom_level() * 100:.0f} %)" if zoom is None else name
            print(
                f"{label:<10} {len(layer.placed()):>6} {statistics.median(ordered):>10.1f} ms"
                f" {statistics.median(fresh):>8.1f} ms {statistics.median(reused):>5.1f} ms"
            )
        window.document.undo_stack.setClean()
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

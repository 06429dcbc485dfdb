"""Lay the samples out again with the editor's layout (Graphviz dot, frames
kept apart) and write their ``layout`` back; nothing else in the files changes.

Usage::

    python scripts/layout_samples.py [samples/*.attackgraph.json]

A sample's positions are part of how it looks in the editor and in the
README screenshot; run this after changing node sizes or frame margins
(attackgraph.render.layout.geometry).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from attackgraph.formats import read_model
from attackgraph.formats.native import generate_json
from attackgraph.render.layout import compute_layout

ROOT = Path(__file__).resolve().parent.parent


def relayout(path: Path) -> str:
    """Rewrite one sample's layout; returns a line for the log."""
    model = read_model(path)
    plan = compute_layout(model, full=True)
    if plan.engine != "graphviz":
        return f"{path.name}: skipped ({plan.note})"
    before = json.loads(path.read_text("utf-8"))
    model.set_positions(plan.positions)
    text = generate_json(model)
    after = json.loads(text)
    if {k: v for k, v in before.items() if k != "layout"} != {
        k: v for k, v in after.items() if k != "layout"
    }:
        return f"{path.name}: skipped (writing it would change more than its layout)"
    path.write_text(text, encoding="utf-8")
    return f"{path.name}: {len(plan.positions)} nodes placed"


def main(argv: list[str] | None = None) -> int:
    """Lay out the given samples (default: every sample)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = args.files or sorted((ROOT / "samples").glob("*.attackgraph.json"))
    for path in files:
        print(relayout(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())

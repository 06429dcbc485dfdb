"""Copy, cut, paste and duplicate of canvas selections.

A selection travels as a small model fragment (nodes, the edges between
them, positions) in JSON under its own MIME type, so it pastes into another
window or another running attackgraph; ids that clash get fresh ones.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QClipboard, QGuiApplication

from attackgraph.gui.commands import (
    AddEdgeCommand,
    AddNodeCommand,
    MacroCommand,
    ModelCommand,
    UpdateCommand,
)
from attackgraph.model import AttackModel, Edge, Node
from attackgraph.model.ids import new_id
from attackgraph.model.validate import validate_document

__all__ = [
    "FRAGMENT_MIME",
    "copy_fragment",
    "fragment_center",
    "fragment_commands",
    "make_fragment",
    "read_fragment",
]

FRAGMENT_MIME = "application/x-attackgraph-fragment"
PASTE_OFFSET = 40.0


def make_fragment(model: AttackModel, node_ids: list[str]) -> dict[str, Any]:
    """The selected nodes, the edges among them and their positions."""
    chosen = set(node_ids)
    layout = model.layout
    return {
        "nodes": [model.nodes[n].to_dict() for n in node_ids],
        "edges": [e.to_dict() for e in model.edges if e.source in chosen and e.target in chosen],
        "layout": {n: list(layout[n]) for n in node_ids if n in layout},
    }


def copy_fragment(model: AttackModel, node_ids: list[str],
                  clipboard: QClipboard | None = None) -> None:
    """Put a fragment on the clipboard (also as plain JSON text)."""
    text = json.dumps(make_fragment(model, node_ids), indent=2, ensure_ascii=False)
    mime = QMimeData()
    mime.setData(FRAGMENT_MIME, text.encode("utf-8"))
    mime.setText(text)
    (clipboard or QGuiApplication.clipboard()).setMimeData(mime)


def read_fragment(clipboard: QClipboard | None = None) -> dict[str, Any] | None:
    """The fragment on the clipboard, or None if there is none (or it is broken)."""
    mime = (clipboard or QGuiApplication.clipboard()).mimeData()
    if mime is None or not mime.hasFormat(FRAGMENT_MIME):
        return None
    try:
        data = json.loads(bytes(mime.data(FRAGMENT_MIME).data()).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        return None
    probe = {"format": "attackgraph", "version": 1, "title": "clipboard",
             "nodes": data["nodes"], "edges": data.get("edges", []),
             "layout": data.get("layout", {})}
    # References to the source model's components and releases, and AND
    # nodes whose enablers were not copied, are repaired on paste.
    repairable = ("/component", "/release_fixed", "/gate")
    broken = [p for p in validate_document(probe)
              if p.is_error and not p.pointer.endswith(repairable)]
    return None if broken else data


def fragment_center(fragment: dict[str, Any]) -> tuple[float, float] | None:
    """The middle of a fragment's saved positions (None when it has none)."""
    points = [p for p in fragment.get("layout", {}).values()
              if isinstance(p, (list, tuple)) and len(p) == 2]
    if not points:
        return None
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)


def _fresh_id(old: str, kind: str, taken: set[str]) -> str:
    """``old`` when free, else ``old-2``, ``old-3`` ... (or ``S7`` for long ids)."""
    if old not in taken:
        return old
    if len(old) <= 120:
        return new_id(f"{old}-", taken)
    return new_id({"entry": "E", "step": "S", "goal": "G"}[kind], taken)


def fragment_commands(model: AttackModel, fragment: dict[str, Any],
                      shift: tuple[float, float] = (PASTE_OFFSET, PASTE_OFFSET),
                      anchor: tuple[float, float] = (0.0, 0.0),
                      ) -> tuple[MacroCommand, list[str]] | None:
    """One undo command that adds a fragment, with fresh ids where they clash.

    References the target model cannot satisfy (components, releases) are
    dropped; an AND node that arrives without enablers becomes ``or``.

    Parameters
    ----------
    model : AttackModel
    fragment : dict
        As :func:`read_fragment` returns it.
    shift : (float, float)
        Added to the fragment's saved positions.
    anchor : (float, float)
        Where nodes without a saved position go (in a row from there).

    Returns
    -------
    (command, new node ids) or None for an empty fragment.
    """
    taken = set(model.nodes)
    renamed: dict[str, str] = {}
    for data in fragment["nodes"]:
        fresh = _fresh_id(data["id"], data["kind"], taken)
        taken.add(fresh)
        renamed[data["id"]] = fresh
    edges = [Edge.from_dict(e).replace(source=renamed[e["source"]], target=renamed[e["target"]])
             for e in fragment.get("edges", []) if e["source"] in renamed
             and e["target"] in renamed]
    has_enabler = {e.target for e in edges}
    commands: list[ModelCommand] = []
    layout = fragment.get("layout", {})
    and_nodes: list[Node] = []
    unplaced = 0
    for data in fragment["nodes"]:
        node = Node.from_dict(data).replace(id=renamed[data["id"]])
        if node.component is not None and node.component not in model.components:
            node = node.replace(component=None)
        if node.release_fixed is not None and node.release_fixed not in model.releases:
            node = node.replace(release_fixed=None)
        if node.gate == "and":
            node = node.replace(gate=None)
            if node.id in has_enabler:
                and_nodes.append(node.replace(gate="and"))
        pos = layout.get(data["id"])
        if pos:
            position = (round(float(pos[0]) + shift[0], 1), round(float(pos[1]) + shift[1], 1))
        else:
            position = (anchor[0] + 220.0 * unplaced, anchor[1])
            unplaced += 1
        commands.append(AddNodeCommand(model, node, position))
    commands += [AddEdgeCommand(model, edge) for edge in edges]
    commands += [UpdateCommand(model, "node", n.id, {"gate": "and"}) for n in and_nodes]
    if not commands:
        return None
    count = len(fragment["nodes"])
    return (MacroCommand(model, f"Paste {count} node{'s' * (count != 1)}", commands),
            [renamed[d["id"]] for d in fragment["nodes"]])

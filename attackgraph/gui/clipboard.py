"""Copy, cut, paste and duplicate of canvas selections.

A selection travels as a small model fragment (nodes, the edges between
them, positions, the components they sit in with their parents, and the
mitigations that block them) in JSON under its own MIME type, so it pastes
into another window or another running attackgraph; ids that clash get fresh
ones. On paste, a component or mitigation the target model already has (same
id and label) is reused: a duplicated node stays in its component and is
blocked by the same mitigations.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QClipboard, QGuiApplication

from attackgraph.gui.commands import (
    AddEdgeCommand,
    AddNodeCommand,
    AddObjectCommand,
    MacroCommand,
    ModelCommand,
    UpdateCommand,
)
from attackgraph.model import AttackModel, Component, Edge, Mitigation, Node
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
    """The selected nodes, the edges among them, their positions, their
    components (with every ancestor) and the mitigations blocking them
    (their ``blocks`` cut down to the selected nodes)."""
    chosen = set(node_ids)
    layout = model.layout
    comps = model.components
    needed: set[str] = set()
    for nid in node_ids:
        current = model.nodes[nid].component
        while current is not None and current in comps and current not in needed:
            needed.add(current)
            current = comps[current].parent
    mitigations = []
    for mit in model.mitigations.values():
        blocks = [b for b in mit.blocks if b in chosen]
        if blocks:
            mitigations.append(mit.replace(blocks=tuple(blocks)).to_dict())
    return {
        "nodes": [model.nodes[n].to_dict() for n in node_ids],
        "edges": [e.to_dict() for e in model.edges if e.source in chosen and e.target in chosen],
        "layout": {n: list(layout[n]) for n in node_ids if n in layout},
        "components": [c.to_dict() for cid, c in comps.items() if cid in needed],
        "mitigations": mitigations,
    }


def copy_fragment(
    model: AttackModel, node_ids: list[str], clipboard: QClipboard | None = None
) -> None:
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
    probe = {
        "format": "attackgraph",
        "version": 1,
        "title": "clipboard",
        "nodes": data["nodes"],
        "edges": data.get("edges", []),
        "layout": data.get("layout", {}),
    }
    for part in ("components", "mitigations"):
        if isinstance(data.get(part), list) and data[part]:
            probe[part] = data[part]
    # References to the source model's components and releases, and AND
    # nodes whose enablers were not copied, are repaired on paste.
    repairable = ("/component", "/release_fixed", "/gate", "/release", "/parent")
    broken = [
        p for p in validate_document(probe) if p.is_error and not p.pointer.endswith(repairable)
    ]
    return None if broken else data


def fragment_center(fragment: dict[str, Any]) -> tuple[float, float] | None:
    """The middle of a fragment's saved positions (None when it has none)."""
    points = [
        p
        for p in fragment.get("layout", {}).values()
        if isinstance(p, (list, tuple)) and len(p) == 2
    ]
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


def fragment_commands(
    model: AttackModel,
    fragment: dict[str, Any],
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
    commands: list[ModelCommand] = []
    comp_ids = _component_commands(model, fragment.get("components") or [], commands)
    edges = [
        Edge.from_dict(e).replace(source=renamed[e["source"]], target=renamed[e["target"]])
        for e in fragment.get("edges", [])
        if e["source"] in renamed and e["target"] in renamed
    ]
    has_enabler = {e.target for e in edges}
    layout = fragment.get("layout", {})
    and_nodes: list[Node] = []
    unplaced = 0
    for data in fragment["nodes"]:
        node = Node.from_dict(data).replace(id=renamed[data["id"]])
        if node.component is not None:
            node = node.replace(component=comp_ids.get(node.component))
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
    commands += _mitigation_commands(model, fragment.get("mitigations") or [], renamed)
    if not commands:
        return None
    count = len(fragment["nodes"])
    return (
        MacroCommand(model, f"Paste {count} node{'s' * (count != 1)}", commands),
        [renamed[d["id"]] for d in fragment["nodes"]],
    )


def _component_commands(
    model: AttackModel, components: list[Any], commands: list[ModelCommand]
) -> dict[str, str]:
    """Add the fragment's components the model lacks (parents first); the
    map from the fragment's component ids to the model's."""
    mapped: dict[str, str] = {}
    taken = set(model.components)
    pending = [c for c in components if isinstance(c, dict) and "id" in c]
    while pending:
        ready = [
            c
            for c in pending
            if c.get("parent") is None
            or c["parent"] in mapped
            or c["parent"] not in {p["id"] for p in pending}
        ]
        if not ready:  # a cycle of parents: break it
            ready = pending[:1]
        for data in ready:
            pending.remove(data)
            comp = Component.from_dict(data)
            existing = model.components.get(comp.id)
            if existing is not None and existing.label == comp.label:
                mapped[comp.id] = comp.id
                continue
            fresh = comp.id if comp.id not in taken else new_id(f"{comp.id}-", taken)
            taken.add(fresh)
            mapped[comp.id] = fresh
            commands.append(
                AddObjectCommand(
                    model,
                    comp.replace(id=fresh, parent=mapped.get(comp.parent) if comp.parent else None),
                )
            )
    return mapped


def _mitigation_commands(
    model: AttackModel, mitigations: list[Any], renamed: dict[str, str]
) -> list[ModelCommand]:
    """Let the fragment's mitigations block the pasted nodes: a mitigation
    the model has (same id and label) gets the new nodes added to its
    ``blocks``; another is added (with a fresh id where it clashes)."""
    commands: list[ModelCommand] = []
    taken = set(model.mitigations)
    for data in mitigations:
        if not isinstance(data, dict) or "id" not in data:
            continue
        mit = Mitigation.from_dict(data)
        blocks = tuple(renamed[b] for b in mit.blocks if b in renamed)
        if not blocks:
            continue
        existing = model.mitigations.get(mit.id)
        if existing is not None and existing.label == mit.label:
            extra = tuple(b for b in blocks if b not in existing.blocks)
            if extra:
                commands.append(
                    UpdateCommand(model, "mitigation", mit.id, {"blocks": existing.blocks + extra})
                )
            continue
        fresh = mit.id if mit.id not in taken else new_id(f"{mit.id}-", taken)
        taken.add(fresh)
        release = mit.release if mit.release in model.releases else None
        commands.append(
            AddObjectCommand(model, mit.replace(id=fresh, blocks=blocks, release=release))
        )
    return commands

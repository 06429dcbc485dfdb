"""Graphviz ``dot`` positions sized for the canvas.

The graph handed to ``dot`` names nodes and clusters by their index only
(``n12``, ``cluster_3``), so nothing a model file contains reaches Graphviz.
Clusters get the canvas frame's margin and an empty, fixed-size label as
tall as the frame's title band, so ``dot`` keeps exactly the room the canvas
draws. ``newrank`` ranks the whole graph at once, which keeps every edge
pointing left to right even when it crosses components.
"""

from __future__ import annotations

import inspect
import json
import threading
from collections import defaultdict
from typing import Any

from attackgraph.errors import RenderError
from attackgraph.gui.layout.geometry import DEFAULT_GEOMETRY, CanvasGeometry, Positions
from attackgraph.model import AttackModel
from attackgraph.render.backend import run_graphviz

__all__ = ["canvas_dot", "dot_layout"]


def _inches(pixels: float) -> str:
    return f"{pixels / 72.0:.4f}"


def canvas_dot(model: AttackModel, geometry: CanvasGeometry = DEFAULT_GEOMETRY) -> str:
    """DOT text that lays ``model`` out left to right with component clusters.

    Examples
    --------
    >>> from attackgraph.model import Node
    >>> m = AttackModel()
    >>> m.add_node(Node("E1", "entry", "Phish"))
    >>> "n0;" in canvas_dot(m) and "Phish" not in canvas_dot(m)
    True
    """
    index = {nid: i for i, nid in enumerate(model.nodes)}
    cluster = {cid: i for i, cid in enumerate(model.components)}
    children: dict[str | None, list[str]] = defaultdict(list)
    for cid, comp in model.components.items():
        children[comp.parent if comp.parent in model.components else None].append(cid)
    members: dict[str | None, list[str]] = defaultdict(list)
    for nid, node in model.nodes.items():
        members[node.component if node.component in model.components else None].append(nid)
    header = round(geometry.frame_header)
    label = (f'<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="0" CELLSPACING="0" '
             f'FIXEDSIZE="TRUE" WIDTH="8" HEIGHT="{header}"><TR><TD></TD></TR></TABLE>>')
    lines = [
        "digraph canvas {",
        f"  graph [rankdir=LR newrank=true splines=false ranksep={_inches(geometry.column_gap)}"
        f" nodesep={_inches(geometry.row_gap)} labelloc=t];",
        f"  node [shape=box fixedsize=true label=\"\" width={_inches(geometry.node_width)}"
        f" height={_inches(geometry.node_height)}];",
    ]

    def fill(comp_id: str | None, indent: str, seen: frozenset[str]) -> None:
        for nid in members[comp_id]:
            lines.append(f"{indent}n{index[nid]};")
        for child in children[comp_id]:
            if child in seen or not _holds_nodes(child, members, children):
                continue
            lines.append(f"{indent}subgraph cluster_{cluster[child]} {{")
            lines.append(f"{indent}  margin={geometry.frame_margin:g}; label={label};")
            fill(child, indent + "  ", seen | {child})
            lines.append(f"{indent}}}")

    fill(None, "  ", frozenset())
    for edge in model.edges:
        lines.append(f"  n{index[edge.source]} -> n{index[edge.target]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _holds_nodes(comp_id: str, members: dict[str | None, list[str]],
                 children: dict[str | None, list[str]]) -> bool:
    """Whether a component or one of its descendants has nodes (else no cluster)."""
    stack, seen = [comp_id], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        if members[current]:
            return True
        stack.extend(children[current])
    return False


def _cancel_keyword(cancel: threading.Event | None) -> dict[str, Any]:
    """``{"cancel": event}`` once :func:`run_graphviz` accepts one, else nothing
    (then a cancelled layout runs to its end and its result is dropped)."""
    if cancel is None:
        return {}
    try:
        accepted = "cancel" in inspect.signature(run_graphviz).parameters
    except (TypeError, ValueError):
        accepted = False
    return {"cancel": cancel} if accepted else {}


def dot_layout(model: AttackModel, geometry: CanvasGeometry = DEFAULT_GEOMETRY, *,
               timeout: float = 60.0, cancel: threading.Event | None = None) -> Positions:
    """Node centres from Graphviz ``dot`` (canvas pixels, y downwards).

    Parameters
    ----------
    model : AttackModel
    geometry : CanvasGeometry
        Node sizes and frame room to keep.
    timeout : float
        Seconds before ``dot`` is stopped.
    cancel : threading.Event, optional
        Set it to stop the run early (where the Graphviz backend supports it).

    Returns
    -------
    dict
        ``{node id: (x, y)}`` for every node, the top-left of the drawing
        near ``(0, 0)``.

    Raises
    ------
    RenderError
        Graphviz is missing, failed, timed out or returned something unreadable.
    """
    if not model.nodes:
        return {}
    raw = run_graphviz(canvas_dot(model, geometry), "json", timeout=timeout,
                       **_cancel_keyword(cancel))
    try:
        objects = json.loads(raw)["objects"]
    except (ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"Graphviz returned output that could not be read: {exc}.") from None
    ids = list(model.nodes)
    positions: Positions = {}
    for obj in objects:
        name, pos = obj.get("name", ""), obj.get("pos")
        if not (isinstance(name, str) and name[:1] == "n" and name[1:].isdigit() and pos):
            continue
        number = int(name[1:])
        if number >= len(ids):
            continue
        try:
            x, y = (float(v) for v in str(pos).split(","))
        except ValueError:
            continue
        positions[ids[number]] = (round(x, 1), round(-y, 1))
    if len(positions) != len(ids):
        raise RenderError("Graphviz did not place every node.")
    left = min(x for x, _ in positions.values()) - geometry.node_width / 2
    top = min(y for _, y in positions.values()) - geometry.node_height / 2
    return {nid: (round(x - left, 1), round(y - top, 1)) for nid, (x, y) in positions.items()}

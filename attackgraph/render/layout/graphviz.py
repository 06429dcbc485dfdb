"""Graphviz ``dot`` positions sized for the canvas.

The graph is :func:`attackgraph.render.dot.layout_dot`, the one DOT writer's
layout form: nodes and clusters named by their index only, so nothing a model
file contains reaches Graphviz; clusters with the canvas frame's margin and an
empty, fixed-size label as tall as the frame's title band, so ``dot`` keeps
exactly the room the canvas draws; ``newrank``, which keeps every edge
pointing left to right even when it crosses components. ``dot`` runs through
:func:`attackgraph.render.backend.run_graphviz`, with a timeout and a
cancellation event.
"""

from __future__ import annotations

import json
import threading

from attackgraph.errors import RenderError
from attackgraph.model import AttackModel
from attackgraph.render.backend import run_graphviz
from attackgraph.render.dot import layout_dot, layout_node_index
from attackgraph.render.layout.geometry import DEFAULT_GEOMETRY, CanvasGeometry, Positions

__all__ = ["canvas_dot", "dot_layout"]


def canvas_dot(model: AttackModel, geometry: CanvasGeometry = DEFAULT_GEOMETRY) -> str:
    """The layout DOT of ``model`` with the canvas's sizes.

    Examples
    --------
    >>> from attackgraph.model import Node
    >>> m = AttackModel()
    >>> m.add_node(Node("E1", "entry", "Phish"))
    >>> "n0;" in canvas_dot(m) and "Phish" not in canvas_dot(m)
    True
    """
    return layout_dot(
        model,
        width=geometry.node_width,
        height=geometry.node_height,
        cluster_margin=geometry.frame_margin,
        header_height=geometry.frame_header,
        column_gap=geometry.column_gap,
        row_gap=geometry.row_gap,
    )


def dot_layout(
    model: AttackModel,
    geometry: CanvasGeometry = DEFAULT_GEOMETRY,
    *,
    timeout: float = 60.0,
    cancel: threading.Event | None = None,
) -> Positions:
    """Node centres from Graphviz ``dot`` (canvas pixels, y downwards).

    Parameters
    ----------
    model : AttackModel
    geometry : CanvasGeometry
        Node sizes and frame room to keep.
    timeout : float
        Seconds before ``dot`` is stopped.
    cancel : threading.Event, optional
        Set it to stop the run early (``dot`` is killed).

    Returns
    -------
    dict
        ``{node id: (x, y)}`` for every node, in model order, the top-left of
        the drawing near ``(0, 0)``.

    Raises
    ------
    RenderCancelled
        ``cancel`` was set.
    RenderError
        Graphviz is missing, failed, timed out or returned something unreadable.
    """
    if not model.nodes:
        return {}
    raw = run_graphviz(canvas_dot(model, geometry), "json", timeout=timeout, cancel=cancel)
    try:
        objects = json.loads(raw)["objects"]
    except (ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"Graphviz returned output that could not be read: {exc}.") from None
    ids = list(model.nodes)
    positions: dict[str, tuple[float, float]] = {}
    for obj in objects if isinstance(objects, list) else ():
        if not isinstance(obj, dict):
            continue
        number, pos = layout_node_index(obj.get("name")), obj.get("pos")
        if number is None or number >= len(ids) or not pos:
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
    return {
        nid: (round(positions[nid][0] - left, 1), round(positions[nid][1] - top, 1)) for nid in ids
    }

"""Sizes shared by the canvas items and the layouts, and the frame rule.

A component's frame is the smallest rectangle around its own nodes and its
child components' frames, grown by :attr:`CanvasGeometry.frame_margin` on
every side and by :attr:`CanvasGeometry.frame_header` more at the top for its
title. The canvas draws exactly the rectangles :func:`frame_rects` returns,
and the layouts reserve that much room, so frames that a layout made never
overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from attackgraph.model import AttackModel

__all__ = [
    "DEFAULT_GEOMETRY",
    "CanvasGeometry",
    "Positions",
    "Rect",
    "component_ancestry",
    "component_depths",
    "frame_rects",
    "grow_frame",
    "rects_overlap",
    "unite",
]

Positions = dict[str, tuple[float, float]]
Rect = tuple[float, float, float, float]
"""``(left, top, right, bottom)`` in canvas pixels, y growing downwards."""


@dataclass(frozen=True, slots=True)
class CanvasGeometry:
    """Sizes of the canvas, in canvas pixels (1 pixel = 1 Graphviz point).

    Parameters
    ----------
    node_width, node_height : float
        Every node's box; positions are box centres.
    frame_margin : float
        Room between a frame and what it holds.
    frame_header : float
        Extra room at the top of a frame for its title.
    column_gap : float
        Free space between two columns of nodes (left to right).
    row_gap : float
        Free space between two nodes above each other.
    """

    node_width: float = 176.0
    node_height: float = 68.0
    frame_margin: float = 14.0
    frame_header: float = 26.0
    column_gap: float = 64.0
    row_gap: float = 26.0

    def node_rect(self, position: tuple[float, float]) -> Rect:
        """The box of a node centred at ``position``."""
        x, y = position
        half_w, half_h = self.node_width / 2, self.node_height / 2
        return (x - half_w, y - half_h, x + half_w, y + half_h)


DEFAULT_GEOMETRY = CanvasGeometry()


def component_ancestry(model: AttackModel, comp_id: str | None) -> set[str]:
    """``comp_id`` and the components that hold it (empty for None); a node
    of ``comp_id`` may lie inside exactly these frames."""
    out: set[str] = set()
    while comp_id is not None and comp_id in model.components and comp_id not in out:
        out.add(comp_id)
        comp_id = model.components[comp_id].parent
    return out


def component_depths(model: AttackModel) -> dict[str, int]:
    """Nesting depth of each component (0 for a top-level one)."""
    comps = model.components
    depth: dict[str, int] = {}
    for cid in comps:
        level, current, seen = 0, comps[cid].parent, {cid}
        while current is not None and current in comps and current not in seen:
            seen.add(current)
            level += 1
            current = comps[current].parent
        depth[cid] = level
    return depth


def _unite(a: Rect | None, b: Rect) -> Rect:
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def frame_rects(
    model: AttackModel,
    positions: Mapping[str, tuple[float, float]],
    geometry: CanvasGeometry = DEFAULT_GEOMETRY,
    node_rects: Mapping[str, Rect] | None = None,
) -> dict[str, Rect]:
    """The frame of every component that holds at least one placed node.

    Parameters
    ----------
    model : AttackModel
    positions : mapping
        Node centres; nodes without a position are left out.
    geometry : CanvasGeometry
    node_rects : mapping, optional
        Boxes to use instead of ``geometry.node_rect`` (the canvas passes the
        items' real boxes).

    Returns
    -------
    dict
        ``{component id: (left, top, right, bottom)}``; empty components
        have no frame.
    """
    hull: dict[str, Rect | None] = dict.fromkeys(model.components)
    for nid, node in model.nodes.items():
        if node.component is None or node.component not in hull:
            continue
        if node_rects is not None and nid in node_rects:
            box = node_rects[nid]
        elif nid in positions:
            box = geometry.node_rect(positions[nid])
        else:
            continue
        hull[node.component] = _unite(hull[node.component], box)
    depths = component_depths(model)
    frames: dict[str, Rect] = {}
    for cid in sorted(model.components, key=lambda c: -depths[c]):  # innermost first
        inner = hull[cid]
        if inner is None:
            continue
        frame = grow_frame(inner, geometry)
        frames[cid] = frame
        parent = model.components[cid].parent
        if parent in hull:
            hull[parent] = _unite(hull[parent], frame)
    return frames


def grow_frame(inner: Rect, geometry: CanvasGeometry = DEFAULT_GEOMETRY) -> Rect:
    """A frame around ``inner`` (what it holds): the margin, and the title band on top."""
    margin = geometry.frame_margin
    return (
        inner[0] - margin,
        inner[1] - margin - geometry.frame_header,
        inner[2] + margin,
        inner[3] + margin,
    )


def unite(rects: Iterable[Rect]) -> Rect | None:
    """The smallest rectangle around all of ``rects`` (None for none)."""
    out: Rect | None = None
    for rect in rects:
        out = _unite(out, rect)
    return out


def rects_overlap(a: Rect, b: Rect, gap: float = 0.0) -> bool:
    """Whether two rectangles share more than their border (``gap`` widens them)."""
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap

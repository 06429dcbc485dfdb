"""Keep the positions a user placed; fit new nodes in around them.

A layout engine places every node afresh. When only some nodes lack a
position (nodes pasted, imported or added by a script), the placed ones are
*pinned*: they stay where they are, and each new node goes where the fresh
layout put it, shifted by how its placed neighbours moved between the fresh
layout and their pinned positions. A new node that would cover another node,
or land inside a frame of a component it does not belong to, slides down or up
to the nearest free row.
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Mapping

from attackgraph.model import AttackModel
from attackgraph.render.layout.geometry import (
    DEFAULT_GEOMETRY,
    CanvasGeometry,
    Positions,
    Rect,
    component_ancestry,
    frame_rects,
    rects_overlap,
)

__all__ = ["place_unpinned"]

_MAX_TRIES = 400


class _Occupancy:
    """Node boxes on a coarse grid, for quick overlap tests."""

    def __init__(self, geometry: CanvasGeometry) -> None:
        self.cell = max(geometry.node_width, geometry.node_height) * 1.5
        self.grid: dict[tuple[int, int], list[Rect]] = {}

    def _cells(self, rect: Rect) -> list[tuple[int, int]]:
        c = self.cell
        return [
            (i, j)
            for i in range(int(rect[0] // c), int(rect[2] // c) + 1)
            for j in range(int(rect[1] // c), int(rect[3] // c) + 1)
        ]

    def add(self, rect: Rect) -> None:
        """Take up ``rect``."""
        for key in self._cells(rect):
            self.grid.setdefault(key, []).append(rect)

    def hits(self, rect: Rect, gap: float) -> bool:
        """Whether ``rect``, grown by ``gap``, overlaps a box taken up."""
        return any(
            rects_overlap(rect, other, gap)
            for key in self._cells(rect)
            for other in self.grid.get(key, ())
        )


def place_unpinned(
    model: AttackModel,
    fresh: Mapping[str, tuple[float, float]],
    pinned: Mapping[str, tuple[float, float]],
    geometry: CanvasGeometry = DEFAULT_GEOMETRY,
) -> Positions:
    """Positions for the nodes that are not pinned.

    Parameters
    ----------
    model : AttackModel
    fresh : mapping
        A complete layout of the model (every node).
    pinned : mapping
        The positions to keep.
    geometry : CanvasGeometry

    Returns
    -------
    dict
        Positions of the nodes of ``model`` missing from ``pinned`` only.
    """
    pinned = {n: p for n, p in pinned.items() if n in model.nodes}
    todo = [n for n in model.nodes if n not in pinned]
    if not todo:
        return {}
    if not pinned:
        return {n: fresh[n] for n in todo}
    shifts = [(pinned[n][0] - fresh[n][0], pinned[n][1] - fresh[n][1]) for n in pinned]
    overall = (statistics.median(s[0] for s in shifts), statistics.median(s[1] for s in shifts))
    placed: dict[str, tuple[float, float]] = dict(pinned)
    occupied = _Occupancy(geometry)
    for position in pinned.values():
        occupied.add(geometry.node_rect(position))
    frames = frame_rects(model, pinned, geometry)
    graph = model.graph
    order = _nearest_first(model, set(pinned), todo)
    step = geometry.node_height + geometry.row_gap
    result: Positions = {}
    for nid in order:
        near = [v for v in (*graph.predecessors(nid), *graph.successors(nid)) if v in placed]
        if near:
            dx = sum(placed[v][0] - fresh[v][0] for v in near) / len(near)
            dy = sum(placed[v][1] - fresh[v][1] for v in near) / len(near)
        else:
            dx, dy = overall
        x, y = fresh[nid][0] + dx, fresh[nid][1] + dy
        own = component_ancestry(model, model.nodes[nid].component)
        foreign = [rect for cid, rect in frames.items() if cid not in own]
        for attempt in range(_MAX_TRIES):
            offset = ((attempt + 1) // 2) * step * (1 if attempt % 2 else -1)
            box = geometry.node_rect((x, y + offset))
            if not occupied.hits(box, geometry.row_gap / 2) and not any(
                rects_overlap(box, rect) for rect in foreign
            ):
                y += offset
                break
        position = (round(x, 1), round(y, 1))
        placed[nid] = position
        result[nid] = position
        occupied.add(geometry.node_rect(position))
    return result


def _nearest_first(model: AttackModel, pinned: set[str], todo: list[str]) -> list[str]:
    """The unpinned nodes, those next to placed ones first (breadth first)."""
    graph = model.graph
    waiting = set(todo)
    queue = deque(
        n for n in todo if any(v in pinned for v in (*graph.predecessors(n), *graph.successors(n)))
    )
    order: list[str] = []
    seen = set(queue)
    while queue or waiting - seen:
        if not queue:  # a group with no placed neighbour: start from its first node
            first = next(n for n in todo if n not in seen)
            queue.append(first)
            seen.add(first)
        nid = queue.popleft()
        order.append(nid)
        for v in (*graph.predecessors(nid), *graph.successors(nid)):
            if v in waiting and v not in seen:
                seen.add(v)
                queue.append(v)
    return order

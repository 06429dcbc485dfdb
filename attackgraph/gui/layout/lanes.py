"""A fast layered layout whose components are nested lanes.

Columns and the order of nodes inside a column come from
:func:`attackgraph.render.layout.layered_layout` (longest path from the
entries, barycentre sweeps). This module then stacks every component's nodes
into a lane of its own, lanes nested like the components, so that every
component's frame is a rectangle that holds only its own nodes and frames:
sibling frames never overlap. Two lanes share rows only where their columns
are at least one column apart. It runs in linear time in the number of nodes
and columns (2,000 nodes take well under a second).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from attackgraph.gui.layout.geometry import DEFAULT_GEOMETRY, CanvasGeometry, Positions
from attackgraph.model import AttackModel
from attackgraph.render.layout import layered_layout

__all__ = ["lane_layout"]

_X_UNIT = 1000.0  # column spacing asked of layered_layout, to read columns back


@dataclass
class _Block:
    """A laid-out lane: node centres relative to its top-left corner."""

    first: int  # leftmost column
    last: int  # rightmost column
    height: float
    order: float  # mean row order of its nodes, to place blocks in a sensible order
    nodes: dict[str, tuple[int, float]] = field(default_factory=dict)  # id -> (column, y)


def lane_layout(model: AttackModel, geometry: CanvasGeometry = DEFAULT_GEOMETRY) -> Positions:
    """Node centres, left to right, components as non-overlapping nested lanes.

    Examples
    --------
    >>> from attackgraph.model import Component, Edge, Node
    >>> m = AttackModel()
    >>> m.add_component(Component("c", "Cloud", "cloud"))
    >>> m.add_node(Node("E", "entry", "e", component="c"))
    >>> m.add_node(Node("G", "goal", "g"))
    >>> m.add_edge(Edge("E", "G"))
    >>> pos = lane_layout(m)
    >>> pos["E"][0] < pos["G"][0]
    True
    """
    if not model.nodes:
        return {}
    seed = layered_layout(model, x_gap=_X_UNIT, y_gap=1.0)
    column = {nid: round(x / _X_UNIT) for nid, (x, _) in seed.items()}
    rank = {nid: y for nid, (_, y) in seed.items()}
    comps = model.components
    children: dict[str | None, list[str]] = defaultdict(list)
    for cid, comp in comps.items():
        children[comp.parent if comp.parent in comps else None].append(cid)
    members: dict[str | None, list[str]] = defaultdict(list)
    for nid, node in model.nodes.items():
        members[node.component if node.component in comps else None].append(nid)

    def build(comp_id: str | None, seen: frozenset[str]) -> _Block | None:
        inner = [b for child in children[comp_id] if child not in seen
                 for b in [build(child, seen | {child})] if b is not None]
        own = sorted(members[comp_id], key=lambda n: (rank[n], n))
        if not inner and not own:
            return None
        return _stack(comp_id is not None, own, inner, column, rank, geometry)

    root = build(None, frozenset())
    assert root is not None  # the model has nodes
    step = geometry.node_width + geometry.column_gap
    return {nid: (col * step + geometry.node_width / 2, y)
            for nid, (col, y) in ((n, root.nodes[n]) for n in model.nodes)}


def _stack(framed: bool, own: list[str], inner: list[_Block], column: dict[str, int],
           rank: dict[str, float], geometry: CanvasGeometry) -> _Block:
    """Place a lane's own nodes and child lanes below its title band."""
    pad = geometry.frame_margin if framed else 0.0
    top = pad + (geometry.frame_header if framed else 0.0)
    floor: dict[int, float] = defaultdict(lambda: top)  # next free y per column
    row = geometry.node_height + geometry.row_gap
    block = _Block(first=min([column[n] for n in own] + [b.first for b in inner]),
                   last=max([column[n] for n in own] + [b.last for b in inner]),
                   height=0.0, order=0.0)
    items: list[tuple[float, str | _Block]] = [(rank[n], n) for n in own]
    items += [(b.order, b) for b in inner]
    items.sort(key=lambda item: item[0])
    bottom = top
    gap = geometry.row_gap
    for _, item in items:
        if isinstance(item, str):
            col = column[item]
            y = floor[col]
            block.nodes[item] = (col, y + geometry.node_height / 2)
            floor[col] = y + row
            bottom = max(bottom, y + geometry.node_height)
        else:
            span = range(item.first - 1, item.last + 2)  # a column of air on each side
            y = max(floor[c] for c in span)
            for nid, (col, ny) in item.nodes.items():
                block.nodes[nid] = (col, y + ny)
            for c in span:
                floor[c] = y + item.height + gap
            bottom = max(bottom, y + item.height)
    block.height = bottom + pad
    ranks = [rank[n] for n in own] + [b.order for b in inner]
    block.order = sum(ranks) / len(ranks)
    return block

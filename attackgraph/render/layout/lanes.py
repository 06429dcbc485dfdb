"""The built-in layout: layered, left to right, components as nested lanes.

Used for large models (where ``dot`` takes too long) and when Graphviz is
missing. Columns are the longest path from the entries (back edges of a
depth-first search ignored, so cycles are fine); the order of nodes inside a
column is their component's band, then the barycentre of their neighbours
(a few sweeps each way), so chains run straight. Every component's nodes are
then stacked into a lane of their own, lanes nested like the components, so
that every component's frame is a rectangle that holds only its own nodes
and frames: sibling frames never overlap. Two lanes share rows only where
their columns are at least one column apart. It runs in linear time in the
number of nodes, edges and columns (2,000 nodes take a few hundredths of a
second).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from attackgraph.model import AttackModel
from attackgraph.render.layout.geometry import DEFAULT_GEOMETRY, CanvasGeometry, Positions

__all__ = ["lane_layout"]

_SWEEPS = 4
"""Barycentre passes in each direction."""


def _acyclic_successors(model: AttackModel) -> dict[str, list[str]]:
    """Successor lists without the back edges of a depth-first search (in
    file order, so the same file always lays out the same way)."""
    every: dict[str, list[str]] = {n: [] for n in model.nodes}
    for edge in model.edges:
        every[edge.source].append(edge.target)
    succ: dict[str, list[str]] = {n: [] for n in every}
    state: dict[str, int] = {}  # 1 on stack, 2 done
    has_input = {edge.target for edge in model.edges}
    roots = [n for n in every if n not in has_input] + list(every)
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(every[root]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                continue  # back edge: ignored for layering
            else:
                succ[node].append(child)
                if child not in state:
                    state[child] = 1
                    stack.append((child, iter(every[child])))
    return succ


def _layers(succ: Mapping[str, list[str]]) -> dict[str, int]:
    """Longest-path layer of each node in the acyclic graph."""
    indegree = dict.fromkeys(succ, 0)
    for children in succ.values():
        for child in children:
            indegree[child] += 1
    layer = dict.fromkeys(succ, 0)
    ready = [n for n, d in indegree.items() if d == 0]
    while ready:
        node = ready.pop()
        for child in succ[node]:
            layer[child] = max(layer[child], layer[node] + 1)
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    return layer


def _bands(model: AttackModel) -> dict[str, int]:
    """Each node's horizontal band: the position of its top-level component."""
    order = {cid: i for i, cid in enumerate(model.components)}
    top: dict[str, int] = {}
    for cid, comp in model.components.items():
        root, seen = comp, {cid}
        while (
            root.parent is not None and root.parent in model.components and root.parent not in seen
        ):
            seen.add(root.parent)
            root = model.components[root.parent]
        top[cid] = order[root.id]
    last = len(order)
    return {nid: top.get(node.component or "", last) for nid, node in model.nodes.items()}


def _columns(model: AttackModel) -> tuple[dict[str, int], dict[str, float]]:
    """Each node's column, and its row order: the row it takes in its column
    (rows of every column centred on the middle row of the tallest)."""
    succ = _acyclic_successors(model)
    layer = _layers(succ)
    band = _bands(model)
    file_order = {nid: i for i, nid in enumerate(model.nodes)}
    columns: dict[int, list[str]] = defaultdict(list)
    for nid in model.nodes:
        columns[layer[nid]].append(nid)
    for nodes in columns.values():
        nodes.sort(key=lambda n: (band[n], file_order[n]))
    rank = {n: float(i) for nodes in columns.values() for i, n in enumerate(nodes)}
    preds: dict[str, list[str]] = defaultdict(list)
    for node, children in succ.items():
        for child in children:
            preds[child].append(node)
    ordered = sorted(columns)
    for _ in range(_SWEEPS):
        for direction, neighbours in ((ordered, preds), (ordered[::-1], succ)):
            for col in direction:
                nodes = columns[col]
                centre = {
                    n: (
                        sum(rank[m] for m in neighbours[n]) / len(neighbours[n])
                        if neighbours[n]
                        else rank[n]
                    )
                    for n in nodes
                }
                nodes.sort(key=lambda n: (band[n], centre[n], file_order[n]))
                for i, n in enumerate(nodes):
                    rank[n] = float(i)
    height = max(len(nodes) for nodes in columns.values())
    for nodes in columns.values():
        offset = (height - len(nodes)) / 2.0 - (height - 1) / 2.0
        for i, n in enumerate(nodes):
            rank[n] = i + offset
    return dict(layer), rank


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
    column, rank = _columns(model)
    comps = model.components
    children: dict[str | None, list[str]] = defaultdict(list)
    for cid, comp in comps.items():
        children[comp.parent if comp.parent in comps else None].append(cid)
    members: dict[str | None, list[str]] = defaultdict(list)
    for nid, node in model.nodes.items():
        members[node.component if node.component in comps else None].append(nid)

    def build(comp_id: str | None, seen: frozenset[str]) -> _Block | None:
        inner = [
            b
            for child in children[comp_id]
            if child not in seen
            for b in [build(child, seen | {child})]
            if b is not None
        ]
        own = sorted(members[comp_id], key=lambda n: (rank[n], n))
        if not inner and not own:
            return None
        return _stack(comp_id is not None, own, inner, column, rank, geometry)

    root = build(None, frozenset())
    assert root is not None  # the model has nodes
    step = geometry.node_width + geometry.column_gap
    return {
        nid: (col * step + geometry.node_width / 2, y)
        for nid, (col, y) in ((n, root.nodes[n]) for n in model.nodes)
    }


def _stack(
    framed: bool,
    own: list[str],
    inner: list[_Block],
    column: dict[str, int],
    rank: dict[str, float],
    geometry: CanvasGeometry,
) -> _Block:
    """Place a lane's own nodes and child lanes below its title band."""
    pad = geometry.frame_margin if framed else 0.0
    top = pad + (geometry.frame_header if framed else 0.0)
    floor: dict[int, float] = defaultdict(lambda: top)  # next free y per column
    row = geometry.node_height + geometry.row_gap
    block = _Block(
        first=min([column[n] for n in own] + [b.first for b in inner]),
        last=max([column[n] for n in own] + [b.last for b in inner]),
        height=0.0,
        order=0.0,
    )
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

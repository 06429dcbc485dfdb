"""Canvas positions for a model's nodes, left to right.

Two layouts give ``{node id: (x, y)}`` with node centres in canvas pixels
(y grows downwards):

- :func:`layered_layout`, built in and fast (a 2,000-node model in well under a
  second), used for large models and when Graphviz is missing;
- :func:`graphviz_layout`, through Graphviz ``dot`` with component clusters,
  the better picture for models of up to about a thousand nodes.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Mapping

from attackgraph.errors import RenderError
from attackgraph.model import AttackModel
from attackgraph.render.backend import run_graphviz
from attackgraph.render.dot import layout_dot

__all__ = [
    "DOT_LAYOUT_LIMIT",
    "NODE_HEIGHT",
    "NODE_WIDTH",
    "X_GAP",
    "Y_GAP",
    "auto_layout",
    "graphviz_layout",
    "layered_layout",
]

NODE_WIDTH = 180.0
NODE_HEIGHT = 64.0
X_GAP = 250.0
Y_GAP = 100.0
DOT_LAYOUT_LIMIT = 600
"""Above this many nodes :func:`auto_layout` uses the built-in layout, since
``dot`` takes seconds at a thousand nodes and minutes at ten thousand."""

Positions = dict[str, tuple[float, float]]


def _acyclic_successors(model: AttackModel) -> dict[str, list[str]]:
    """Successor lists without the back edges of a depth-first search."""
    graph = model.graph
    succ: dict[str, list[str]] = {n: [] for n in graph}
    state: dict[str, int] = {}  # 1 on stack, 2 done
    roots = [n for n in graph if graph.in_degree(n) == 0] + list(graph)
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(graph.successors(root)))]
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
                    stack.append((child, iter(graph.successors(child))))
    return succ


def _layers(model: AttackModel, succ: Mapping[str, list[str]]) -> dict[str, int]:
    """Longest-path layer of each node in the acyclic graph."""
    indegree = {n: 0 for n in succ}
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
        while root.parent is not None and root.parent not in seen:
            seen.add(root.parent)
            root = model.components[root.parent]
        top[cid] = order[root.id]
    last = len(order)
    return {nid: top.get(node.component or "", last) for nid, node in model.nodes.items()}


def layered_layout(model: AttackModel, *, x_gap: float = X_GAP,
                   y_gap: float = Y_GAP, sweeps: int = 4) -> Positions:
    """Place nodes in columns by longest path from the entries.

    Rows inside a column are ordered by component band, then by the
    barycentre of their neighbours (a few sweeps each way), so that chains
    run straight and components stay together.

    Parameters
    ----------
    model : AttackModel
    x_gap, y_gap : float
        Distance between columns and between rows.
    sweeps : int
        Barycentre passes in each direction.

    Returns
    -------
    dict
        ``{node id: (x, y)}``.

    Examples
    --------
    >>> from attackgraph.model import Edge, Node
    >>> m = AttackModel()
    >>> for n in (Node("E", "entry", "e"), Node("S", "step", "s"), Node("G", "goal", "g")):
    ...     m.add_node(n)
    >>> m.add_edge(Edge("E", "S")); m.add_edge(Edge("S", "G"))
    >>> layered_layout(m)
    {'E': (0.0, 0.0), 'S': (250.0, 0.0), 'G': (500.0, 0.0)}
    """
    if not model.nodes:
        return {}
    succ = _acyclic_successors(model)
    layer = _layers(model, succ)
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
    for _ in range(sweeps):
        for direction, neighbours in ((ordered, preds), (ordered[::-1], succ)):
            for col in direction:
                nodes = columns[col]
                centre = {
                    n: (sum(rank[m] for m in neighbours[n]) / len(neighbours[n])
                        if neighbours[n] else rank[n])
                    for n in nodes
                }
                nodes.sort(key=lambda n: (band[n], centre[n], file_order[n]))
                for i, n in enumerate(nodes):
                    rank[n] = float(i)
    height = max(len(nodes) for nodes in columns.values())
    positions: Positions = {}
    for col, nodes in columns.items():
        offset = (height - len(nodes)) / 2.0
        for i, n in enumerate(nodes):
            positions[n] = (col * x_gap, (i + offset - (height - 1) / 2.0) * y_gap)
    return {nid: positions[nid] for nid in model.nodes}


def graphviz_layout(model: AttackModel, *, timeout: float = 60.0,
                    cancel: threading.Event | None = None) -> Positions:
    """Positions from Graphviz ``dot``, left to right, with component clusters.

    The graph is :func:`attackgraph.render.dot.layout_dot`: the diagram's
    clusters and edges with every node a :data:`NODE_WIDTH` x
    :data:`NODE_HEIGHT` box, so that the canvas and exported diagrams agree.

    Parameters
    ----------
    model : AttackModel
    timeout : float
        Seconds before ``dot`` is stopped.
    cancel : threading.Event, optional
        Set it to stop a running layout (raises
        :class:`~attackgraph.render.backend.RenderCancelled`).

    Raises
    ------
    RenderError
        Graphviz is missing, failed, timed out or was cancelled.
    """
    if not model.nodes:
        return {}
    source = layout_dot(model, width=NODE_WIDTH, height=NODE_HEIGHT)
    raw = run_graphviz(source, "json", timeout=timeout, cancel=cancel)
    try:
        objects = json.loads(raw)["objects"]
    except (ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"Graphviz returned output that could not be read: {exc}.") from None
    positions: Positions = {}
    for obj in objects:
        name, pos = obj.get("name", ""), obj.get("pos")
        if name in model.nodes and pos and "nodes" not in obj:
            x, y = (float(v) for v in pos.split(","))
            positions[name] = (round(x, 1), round(-y, 1))
    if len(positions) != len(model.nodes):
        raise RenderError("Graphviz did not place every node.")
    return {nid: positions[nid] for nid in model.nodes}


def auto_layout(model: AttackModel, *, prefer_dot: bool = True) -> tuple[Positions, str]:
    """The best available layout and a note on how it was made.

    Uses Graphviz for models up to :data:`DOT_LAYOUT_LIMIT` nodes when it is
    installed, the built-in layered layout otherwise.

    Returns
    -------
    positions : dict
    note : str
        ``"graphviz"``, or the reason the built-in layout was used.
    """
    if prefer_dot and len(model.nodes) <= DOT_LAYOUT_LIMIT:
        try:
            return graphviz_layout(model), "graphviz"
        except RenderError as exc:
            return layered_layout(model), f"built-in layout ({exc})"
    return layered_layout(model), "built-in layout (large model)"

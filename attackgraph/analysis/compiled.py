"""An integer-indexed, read-only snapshot of a model's graph for the analyses.

The analyses run over lists indexed by node position (file order) instead of
the ``networkx`` graph: the same algorithms are several times faster on plain
lists, and a snapshot cannot change under a running analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from attackgraph.model import AttackModel

__all__ = ["CompiledGraph", "compile_model", "least_fixpoint"]


@dataclass(frozen=True, slots=True)
class CompiledGraph:
    """Nodes as integers ``0..n-1`` in file order, with their attributes.

    Attributes
    ----------
    ids : tuple of str
        Node id by index.
    index : dict
        Index by node id.
    preds, succs : tuple of tuple of int
        Enabling predecessors and successors of each node.
    is_and, is_entry, is_goal : tuple of bool
        Gate and kind of each node.
    cost, probability : tuple of float
        Effective attacker cost and success probability of each node.
    scc : tuple of int
        Strongly connected component of each node.
    level : tuple of int
        Longest-path depth of the node's component in the condensation: a
        node can only be enabled (transitively) by nodes of a lower level or
        of its own component.
    cyclic : bool
        Whether some component has more than one node.
    """

    ids: tuple[str, ...]
    index: dict[str, int]
    preds: tuple[tuple[int, ...], ...]
    succs: tuple[tuple[int, ...], ...]
    is_and: tuple[bool, ...]
    is_entry: tuple[bool, ...]
    is_goal: tuple[bool, ...]
    cost: tuple[float, ...]
    probability: tuple[float, ...]
    scc: tuple[int, ...]
    level: tuple[int, ...]
    cyclic: bool

    @property
    def size(self) -> int:
        """Number of nodes."""
        return len(self.ids)


def _components(succs: Sequence[Sequence[int]]) -> list[int]:
    """Tarjan's strongly connected components, iteratively; components are
    numbered in reverse topological order (sinks first)."""
    n = len(succs)
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    comp = [-1] * n
    stack: list[int] = []
    counter = 0
    ncomp = 0
    for root in range(n):
        if index[root] != -1:
            continue
        work = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            v, i = work[-1]
            children = succs[v]
            if i < len(children):
                work[-1] = (v, i + 1)
                w = children[i]
                if index[w] == -1:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[v] < low[parent]:
                    low[parent] = low[v]
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    comp[w] = ncomp
                    if w == v:
                        break
                ncomp += 1
    return comp


def compile_model(model: AttackModel) -> CompiledGraph:
    """Snapshot a model's graph as integer-indexed lists.

    Parameters
    ----------
    model : AttackModel
        The model.

    Returns
    -------
    CompiledGraph
        The snapshot.
    """
    nodes = list(model.nodes.values())
    ids = tuple(node.id for node in nodes)
    index = {ident: i for i, ident in enumerate(ids)}
    preds: list[list[int]] = [[] for _ in ids]
    succs: list[list[int]] = [[] for _ in ids]
    for edge in model.edges:
        s, t = index[edge.source], index[edge.target]
        succs[s].append(t)
        preds[t].append(s)
    comp = _components(succs)
    ncomp = max(comp, default=-1) + 1
    sizes = [0] * ncomp
    for c in comp:
        sizes[c] += 1
    # Components come sinks first, so sources first is the reverse order.
    members: list[list[int]] = [[] for _ in range(ncomp)]
    for v, c in enumerate(comp):
        members[c].append(v)
    comp_level = [0] * ncomp
    for c in range(ncomp - 1, -1, -1):
        best = 0
        for v in members[c]:
            for p in preds[v]:
                pc = comp[p]
                if pc != c and comp_level[pc] + 1 > best:
                    best = comp_level[pc] + 1
        comp_level[c] = best
    return CompiledGraph(
        ids=ids,
        index=index,
        preds=tuple(tuple(p) for p in preds),
        succs=tuple(tuple(s) for s in succs),
        is_and=tuple(node.kind != "entry" and node.effective_gate == "and" for node in nodes),
        is_entry=tuple(node.kind == "entry" for node in nodes),
        is_goal=tuple(node.kind == "goal" for node in nodes),
        cost=tuple(node.effective_cost for node in nodes),
        probability=tuple(node.effective_probability for node in nodes),
        scc=tuple(comp),
        level=tuple(comp_level[c] for c in comp),
        cyclic=any(size > 1 for size in sizes),
    )


def least_fixpoint(
    graph: CompiledGraph, blocked: Sequence[bool] | bytearray, order: list[int] | None = None
) -> bytearray:
    """The achieved set A(B) of the format's semantics.

    Parameters
    ----------
    graph : CompiledGraph
        The graph.
    blocked : sequence of bool
        ``blocked[v]`` is true for the nodes of B.
    order : list, optional
        When given, receives the achieved nodes in the order they were
        derived (every node after the predecessors that enable it).

    Returns
    -------
    bytearray
        ``1`` at the achieved nodes.
    """
    n = graph.size
    achieved = bytearray(n)
    preds, succs, is_and = graph.preds, graph.succs, graph.is_and
    need = [len(preds[v]) if is_and[v] else 1 for v in range(n)]
    stack = [v for v in range(n) if graph.is_entry[v] and not blocked[v]]
    for v in stack:
        achieved[v] = 1
    if order is not None:
        order.extend(stack)
    while stack:
        v = stack.pop()
        for w in succs[v]:
            if achieved[w] or blocked[w]:
                continue
            need[w] -= 1
            if need[w] == 0:
                achieved[w] = 1
                stack.append(w)
                if order is not None:
                    order.append(w)
    return achieved

"""Which single blockers make a node unachievable, for all nodes at once.

For a set of *blockers* (each blocks some nodes: a mitigation, or one node
for choke points), ``K(v)`` is the set of blockers that alone make v
unachievable on top of a blocked set B. For every v in A(B)::

    K(v) = own(v) | (OR:  intersection of K(p) over predecessors p in A(B)
                     AND: union of K(p) over all predecessors)

where ``own(v)`` are the blockers of v itself, and ``K(v)`` is everything
for v outside A(B). The exact K satisfies these equations, and every
solution lies below it (induction along any derivation with the blocker
switched on), so the greatest solution is exact: it is computed by
iterating down from "everything", once per node in an acyclic graph and
until stable inside cycles. Sets are bit masks (Python integers; ``-1`` is
"everything"), so the pass is linear in the edges. This is the generalised
dominator relation of AND/OR graphs: no chain needs to be enumerated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attackgraph.analysis.compiled import CompiledGraph, least_fixpoint

__all__ = ["EVERYTHING", "killer_masks"]

EVERYTHING = -1
"""The mask with every bit set."""


def killer_masks(
    graph: CompiledGraph, blocked: Sequence[int] | bytes | bytearray, own: Mapping[int, int]
) -> tuple[list[int], bytearray]:
    """The blockers that alone make each node unachievable.

    Parameters
    ----------
    graph : CompiledGraph
        The graph.
    blocked : sequence of int
        The blocked set B (``1`` = blocked).
    own : mapping
        Bit mask of the blockers of each node (nodes not in it have none).

    Returns
    -------
    masks : list of int
        ``K(v)`` for every node (``EVERYTHING`` outside A(B)).
    achieved : bytearray
        A(B).

    Examples
    --------
    >>> from attackgraph.model import AttackModel, Node, Edge
    >>> from attackgraph.analysis.compiled import compile_model
    >>> m = AttackModel()
    >>> m.add_all(nodes=[Node("E", "entry", "e"), Node("S", "step", "s"),
    ...                  Node("G", "goal", "g")], edges=[Edge("E", "S"), Edge("S", "G")])
    >>> masks, _ = killer_masks(compile_model(m), bytes(3), {1: 0b1})
    >>> masks[2]  # blocking S (bit 0) makes G unachievable
    1
    """
    order: list[int] = []
    achieved = least_fixpoint(graph, blocked, order)
    position = {v: i for i, v in enumerate(order)}
    level, scc = graph.level, graph.scc
    order.sort(key=lambda v: (level[v], scc[v], position[v]))
    preds, is_and = graph.preds, graph.is_and
    masks = [EVERYTHING] * graph.size

    def evaluate(v: int) -> int:
        ps = preds[v]
        if graph.is_entry[v] or not ps:
            inherited = 0
        elif is_and[v]:
            inherited = 0
            for p in ps:
                inherited |= masks[p]
        else:
            inherited = EVERYTHING
            for p in ps:
                if achieved[p]:
                    inherited &= masks[p]
        return own.get(v, 0) | inherited

    start = 0
    while start < len(order):
        v = order[start]
        stop = start + 1
        while stop < len(order) and scc[order[stop]] == scc[v]:
            stop += 1
        group = order[start:stop]
        changed = True
        while changed:
            changed = False
            for w in group:
                value = evaluate(w)
                if value != masks[w]:
                    masks[w] = value
                    changed = len(group) > 1
        start = stop
    return masks, achieved

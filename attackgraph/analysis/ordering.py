"""The order in which chains are listed, as one key shared by the search and
the results.

The contract sorts chains by cost ascending, then probability descending,
then number of nodes, then the sorted node ids. Probability enters as its
negative logarithm, which is additive over nodes like cost, so the search
can bound it from below the same way. Costs and log-probabilities are
rounded to 12 significant digits: sums of the same numbers in another order
differ in the last bits, and such noise must not decide an order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from attackgraph.analysis.compiled import CompiledGraph

__all__ = ["ZERO_PROBABILITY_WEIGHT", "ChainKey", "ChainOrder", "quantize"]

ChainKey = tuple[float, float, int, tuple[int, ...]]
"""``(cost, -log probability, node count, sorted id ranks)``."""

ZERO_PROBABILITY_WEIGHT = 1e6
"""Search weight of a node of probability 0 (its key is infinite; the
search needs finite weights for its bounds)."""


def quantize(value: float) -> float:
    """``value`` rounded to 12 significant digits (infinities unchanged).

    Examples
    --------
    >>> quantize(0.1 + 0.2) == quantize(0.3)
    True
    """
    if value == 0.0 or not math.isfinite(value):
        return value
    return float(f"{value:.12g}")


def _log_weight(probability: float) -> float:
    return -math.log(probability) if probability > 0.0 else math.inf


@dataclass(frozen=True, slots=True)
class ChainOrder:
    """The listing order of chains over one compiled graph.

    Attributes
    ----------
    graph : CompiledGraph
        The graph.
    log_weight : tuple of float
        ``-log probability`` of each node, finite (see
        :data:`ZERO_PROBABILITY_WEIGHT`), for the search's bounds.
    id_rank : tuple of int
        Position of each node's id in the sorted ids.
    penalty : callable or None
        Extra ``-log`` factor of a node set (in-effect partial mitigations
        touching it); it only ever adds, so bounds without it stay valid.
    """

    graph: CompiledGraph
    log_weight: tuple[float, ...]
    id_rank: tuple[int, ...]
    penalty: Callable[[Iterable[int]], float] | None = None

    @classmethod
    def of(cls, graph: CompiledGraph,
           penalty: Callable[[Iterable[int]], float] | None = None) -> ChainOrder:
        """The order for ``graph``, with an optional partial-mitigation penalty."""
        weights = tuple(min(_log_weight(p), ZERO_PROBABILITY_WEIGHT) for p in graph.probability)
        ranks = [0] * graph.size
        for rank, v in enumerate(sorted(range(graph.size), key=graph.ids.__getitem__)):
            ranks[v] = rank
        return cls(graph, weights, tuple(ranks), penalty)

    def key(self, nodes: Iterable[int]) -> ChainKey:
        """The sort key of a chain given by its node indices."""
        members = list(nodes)
        cost = math.fsum(self.graph.cost[v] for v in members)
        logs = [_log_weight(self.graph.probability[v]) for v in members]
        if self.penalty is not None:
            logs.append(self.penalty(members))
        log_p = math.inf if math.inf in logs else math.fsum(logs)
        return (quantize(cost), quantize(log_p), len(members),
                tuple(sorted(self.id_rank[v] for v in members)))

"""The order in which chains are listed, as one key shared by the search and
the results.

The contract sorts chains by cost ascending, then probability descending,
then number of nodes, then the sorted node ids. Probability enters as its
negative logarithm, which is additive over nodes like cost, so the search
can bound it from below the same way.

The listing key is exact: a chain's cost is the exact (rational) sum of its
nodes' costs and its probability the exact product of its factors
(:mod:`attackgraph.analysis.exact`), so no rounding decides an order. The
search only has floating-point lower bounds; :meth:`ChainOrder.head` maps a
key to the same coarse scale as the bounds: costs exactly when every float
sum of the model's costs is exact (all costs multiples of one power of two,
the total below 2**53, e.g. integer costs), else rounded to 12 significant
digits, and ``-log`` probabilities rounded to 12 digits. Chains whose heads
agree there are *tied* for the search; their order among themselves is
exact when the heads are exact and the tie was settled, and reported as
approximate otherwise (see :class:`~attackgraph.analysis.search.ChainSearchResult`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from attackgraph.analysis.compiled import CompiledGraph
from attackgraph.analysis.exact import exact_product, exact_sum

__all__ = ["ZERO_PROBABILITY_WEIGHT", "ChainKey", "ChainOrder", "quantize"]

ChainKey = tuple[Fraction, Fraction, int, tuple[int, ...]]
"""``(exact cost, minus the exact probability, node count, sorted id ranks)``."""

Head = tuple[float, float, int]
"""The coarse first three keys the search bounds: cost, ``-log`` probability, count."""

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


def _minus_log(value: Fraction) -> float:
    """``-log`` of an exact probability, without underflow."""
    if value <= 0:
        return math.inf
    return math.log(value.denominator) - math.log(value.numerator)


def sums_exactly(values: Sequence[float]) -> bool:
    """Whether every float sum of any subset of ``values`` (non-negative,
    finite) is exact, in any order: all are multiples of one power of two
    and their total, in those units, is below 2**53.

    Examples
    --------
    >>> sums_exactly([1.0, 1000000000002.0, 0.5])
    True
    >>> sums_exactly([0.1, 0.2])
    False
    """
    finite = [v for v in values if v]
    if not finite:
        return True
    if not all(math.isfinite(v) for v in finite):
        return False
    unit = max(Fraction(v).denominator for v in finite)
    total = exact_sum(finite) * unit
    return total.denominator == 1 and total < 2**53


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
    factors : callable or None
        The effectiveness of each in-effect partial mitigation touching a
        node set (each counted once): the chain's probability is multiplied
        by ``1 - effectiveness`` for each; it only ever lowers it, so bounds
        without it stay valid.
    exact_costs : bool
        Whether float sums of the costs are exact (:func:`sums_exactly`):
        then the search compares costs exactly, not to 12 digits.
    """

    graph: CompiledGraph
    log_weight: tuple[float, ...]
    id_rank: tuple[int, ...]
    factors: Callable[[Iterable[int]], list[float]] | None = None
    exact_costs: bool = False

    @classmethod
    def of(
        cls, graph: CompiledGraph, factors: Callable[[Iterable[int]], list[float]] | None = None
    ) -> ChainOrder:
        """The order for ``graph``, with the optional partial-mitigation factors."""
        weights = tuple(min(_log_weight(p), ZERO_PROBABILITY_WEIGHT) for p in graph.probability)
        ranks = [0] * graph.size
        for rank, v in enumerate(sorted(range(graph.size), key=graph.ids.__getitem__)):
            ranks[v] = rank
        return cls(graph, weights, tuple(ranks), factors, sums_exactly(graph.cost))

    def cost_head(self, value: float) -> float:
        """A float cost (or bound) on the search's scale."""
        return value if self.exact_costs else quantize(value)

    def probability(self, nodes: Sequence[int]) -> Fraction:
        """The exact probability of a chain."""
        value = exact_product(self.graph.probability[v] for v in nodes)
        if self.factors is not None and value:
            for effectiveness in self.factors(nodes):
                value *= 1 - Fraction(effectiveness)
        return value

    def key(self, nodes: Iterable[int]) -> ChainKey:
        """The exact sort key of a chain given by its node indices."""
        members = list(nodes)
        cost = exact_sum(self.graph.cost[v] for v in members)
        return (
            cost,
            -self.probability(members),
            len(members),
            tuple(sorted(self.id_rank[v] for v in members)),
        )

    def head(self, key: ChainKey) -> Head:
        """The first three keys on the search's coarse scale (see the module)."""
        return (self.cost_head(float(key[0])), quantize(_minus_log(-key[1])), key[2])

    def head_is_exact(self, key: ChainKey) -> bool:
        """Whether a chain tied with ``key`` on the search's scale cannot
        precede it: exact costs, and probability 1 (none is more likely)."""
        return self.exact_costs and -key[1] == 1

"""Best-first enumeration of chains, cheapest first.

A chain of goal g is a minimal node set S with g in A(N \\ S). Every minimal
S has a well-founded *derivation*: each OR node of S justified by one
predecessor in S, each AND node by all of them, without a justification
cycle, every node reachable from g. The search builds derivations backwards
from g: a state is the set S chosen so far, the *open* nodes still to be
justified and its cost (the sum of node costs in S). Expanding a state
justifies one open node (the one of highest level, so that branches meet
early and share nodes), branching over the predecessors of an OR node.

States are expanded in the order of ``f = cost + h`` (A*), where ``h`` is a
lower bound on the cost still to add: for each open node u, the cheapest
derivation of u (a per-node bound computed once, Knuth's generalisation of
Dijkstra with ``max`` over AND predecessors) minus u itself and minus the
nodes already in S that could be ancestors of u. Completed derivations come
out in non-decreasing cost; each distinct set is checked for minimality once.
Without AND gates the bound is exact and the search walks straight to each
next-cheapest chain.
"""

from __future__ import annotations

import heapq
import math
import sys
import time
from bisect import insort
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from attackgraph.analysis.compiled import CompiledGraph
from attackgraph.analysis.limits import SearchLimits, current_limits
from attackgraph.analysis.ordering import ChainKey, ChainOrder, Head, quantize
from attackgraph.errors import AnalysisCancelled

__all__ = [
    "ChainSearchResult",
    "derivable_within",
    "derivation_bounds",
    "enumerate_chains",
    "is_minimal",
]

INF = math.inf
TIE_BUDGET = 20_000
"""Expansions spent at most on settling a tie in ids at the listing's cut."""
Justification = tuple[tuple[int, tuple[int, ...]], ...]
Child = tuple[tuple[int, ...], tuple[int, ...], Justification]


def derivation_bounds(
    graph: CompiledGraph, usable: Sequence[int], weights: Sequence[float] | None = None
) -> tuple[list[float], list[int]]:
    """Lower bound on the weight of any derivation of each node.

    ``bound[v] = weight[v] + (0 | min over OR predecessors | max over AND
    predecessors)``; ``inf`` when v cannot be derived from usable nodes.

    Parameters
    ----------
    graph : CompiledGraph
        The graph.
    usable : sequence of int
        ``1`` for the nodes a derivation may use.
    weights : sequence of float, optional
        Non-negative, finite node weights (default: the node costs).

    Returns
    -------
    bound : list of float
        The bounds.
    best : list of int
        For an OR node, the predecessor that attains the bound (-1
        otherwise); following it (and all predecessors of AND nodes) from a
        node gives a well-founded derivation.
    """
    n = graph.size
    preds, succs, is_and = graph.preds, graph.succs, graph.is_and
    cost = graph.cost if weights is None else weights
    bound = [INF] * n
    tentative = [INF] * n
    best = [-1] * n
    need = [len(preds[v]) for v in range(n)]
    heap = [(cost[v], v) for v in range(n) if graph.is_entry[v] and usable[v]]
    heapq.heapify(heap)
    while heap:
        d, v = heapq.heappop(heap)
        if bound[v] != INF:
            continue
        bound[v] = d
        for w in succs[v]:
            if bound[w] != INF or not usable[w]:
                continue
            if is_and[w]:
                need[w] -= 1
                if need[w] == 0:  # v is the last, hence the costliest, predecessor
                    heapq.heappush(heap, (d + cost[w], w))
            elif d + cost[w] < tentative[w]:
                tentative[w] = d + cost[w]
                best[w] = v
                heapq.heappush(heap, (d + cost[w], w))
    return bound, best


def derived_within(
    graph: CompiledGraph, nodes: frozenset[int] | set[int], seeds: list[int], removed: int = -1
) -> set[int]:
    """The nodes of ``nodes`` (less ``removed``) achieved from ``seeds`` using
    only ``nodes``: the least fixpoint restricted to a node set."""
    preds, succs, is_and = graph.preds, graph.succs, graph.is_and
    stack = [v for v in seeds if v != removed]
    done = set(stack)
    need: dict[int, int] = {}
    while stack:
        v = stack.pop()
        for w in succs[v]:
            if w not in nodes or w in done or w == removed:
                continue
            if is_and[w]:
                left = need.get(w, len(preds[w])) - 1
                need[w] = left
                if left:
                    continue
            done.add(w)
            stack.append(w)
    return done


def derivable_within(graph: CompiledGraph, nodes: frozenset[int] | set[int], goal: int) -> bool:
    """Whether ``goal`` is in A(N \\ nodes), i.e. achievable using only ``nodes``."""
    return goal in derived_within(graph, nodes, [v for v in nodes if graph.is_entry[v]])


def is_minimal(graph: CompiledGraph, nodes: frozenset[int], goal: int) -> bool:
    """Whether a derivable set is minimal: removing any node but the goal
    makes the goal underivable (monotonicity makes single removals enough)."""
    preds, is_and, is_entry = graph.preds, graph.is_and, graph.is_entry
    # A derivation in which every OR node has one predecessor in the set
    # is minimal: removing a node cuts the only support of the nodes above it.
    if all(is_entry[v] or is_and[v] or sum(p in nodes for p in preds[v]) == 1 for v in nodes):
        return True
    return not any(v != goal and derivable_within(graph, nodes - {v}, goal) for v in nodes)


@dataclass(frozen=True, slots=True)
class ChainSearchResult:
    """What a chain search found.

    Attributes
    ----------
    chains : tuple of (int, frozenset of int)
        ``(goal, nodes)`` of every chain found (more than the limit when
        ties had to be resolved), unsorted.
    exhausted : dict
        For each searched goal, whether all of its chains were found.
    truncated : bool
        Whether chains exist beyond the ``limit`` cheapest.
    ties_approximate : bool
        Whether the search stopped inside a tie at the listing's cut that it
        could not settle exactly (the tie budget ran out, or the tied keys
        agree only to 12 significant digits): then the chains listed at the
        cut are among the tied ones, but maybe not the first of them in the
        exact order.
    stopped_by : {"memory", "time", "steps"} or None
        The bound that stopped the search before it could finish (then the
        chains are those found so far, not necessarily the cheapest).
    """

    chains: tuple[tuple[int, frozenset[int]], ...]
    exhausted: dict[int, bool]
    truncated: bool
    ties_approximate: bool = False
    stopped_by: str | None = None


class _Search:
    """The A* state space over partial derivations (see the module text).

    Three additive weights are bounded together: cost, ``-log``
    probability and node count (the first three keys of the listing order).
    """

    def __init__(
        self,
        graph: CompiledGraph,
        usable: Sequence[int],
        order: ChainOrder,
        bound: list[float] | None = None,
    ) -> None:
        self.graph = graph
        self.order = order
        self.bound = bound if bound is not None else derivation_bounds(graph, usable)[0]
        self.weights = (graph.cost, order.log_weight, (1.0,) * graph.size)
        bounds = (
            self.bound,
            derivation_bounds(graph, usable, order.log_weight)[0],
            derivation_bounds(graph, usable, self.weights[2])[0],
        )
        self.rest = tuple(
            [b - w if b != INF else INF for b, w in zip(bs, ws, strict=True)]
            for bs, ws in zip(bounds, self.weights, strict=True)
        )
        order_ = sorted(range(graph.size), key=lambda v: (-graph.level[v], v))
        self.by_rank = order_
        self.rank = [0] * graph.size
        for r, v in enumerate(order_):
            self.rank[v] = r
        self.ancestor_rank = self._smallest_ancestor_ranks(usable)

    def _smallest_ancestor_ranks(self, usable: Sequence[int]) -> list[int]:
        """For each node, the smallest id rank among its usable strict ancestors
        (``graph.size`` when there is none): a bound on the ids to come."""
        graph = self.graph
        n = graph.size
        inclusive = [graph.size] * n
        members: dict[int, list[int]] = {}
        for v in range(n):
            members.setdefault(graph.scc[v], []).append(v)
        # Components in increasing level: predecessors' values are final.
        for comp in sorted(members, key=lambda c: graph.level[members[c][0]]):
            group = members[comp]
            value = min((self.order.id_rank[v] for v in group if usable[v]), default=n)
            for v in group:
                for p in graph.preds[v]:
                    if graph.scc[p] != comp and inclusive[p] < value:
                        value = inclusive[p]
            for v in group:
                inclusive[v] = value
        return [min((inclusive[p] for p in graph.preds[v]), default=n) for v in range(n)]

    def heuristic(
        self, nodes: frozenset[int], opens: Sequence[int], entry_sums: tuple[float, float, float]
    ) -> tuple[float, float, float]:
        """Admissible lower bounds on the cost, ``-log`` probability and node
        count still to add.

        For each open node u: its lightest derivation, minus u, minus what S
        may already hold of it (nodes of S that can enable u: a lower level,
        or u's own component). Without cycles, justified nodes never lie
        below an open node (nodes are justified highest level first), so
        those are the entries of S and the open nodes of lower level.
        """
        graph = self.graph
        level = graph.level
        by_rank = self.by_rank
        rc, rl, rn = self.rest
        wc, wl, _ = self.weights
        bc = bl = bn = 0.0
        if not graph.cyclic:
            # opens are sorted by decreasing level: walk from the lowest up.
            below_c, below_l, below_n = entry_sums
            index = len(opens) - 1
            while index >= 0:
                lu = level[by_rank[opens[index]]]
                group_c = group_l = group_n = 0.0
                j = index
                while j >= 0 and level[by_rank[opens[j]]] == lu:
                    w = by_rank[opens[j]]
                    if rc[w] - below_c > bc:
                        bc = rc[w] - below_c
                    if rl[w] - below_l > bl:
                        bl = rl[w] - below_l
                    if rn[w] - below_n > bn:
                        bn = rn[w] - below_n
                    group_c += wc[w]
                    group_l += wl[w]
                    group_n += 1.0
                    j -= 1
                below_c += group_c
                below_l += group_l
                below_n += group_n
                index = j
            return bc, bl, bn
        scc = graph.scc
        for r in opens:
            u = by_rank[r]
            if rc[u] <= bc and rl[u] <= bl and rn[u] <= bn:
                continue  # cannot raise any bound
            lu = level[u]
            share_c = share_l = share_n = 0.0
            for w in nodes:
                if level[w] < lu or (w != u and scc[w] == scc[u]):
                    share_c += wc[w]
                    share_l += wl[w]
                    share_n += 1.0
            bc = max(bc, rc[u] - share_c)
            bl = max(bl, rl[u] - share_l)
            bn = max(bn, rn[u] - share_n)
        return bc, bl, bn

    def redundant(
        self, nodes: frozenset[int], opens: Sequence[int], chosen: Sequence[int], justified: int
    ) -> bool:
        """Whether every completion of a state is provably not minimal (no cycles).

        Just after ``justified`` was justified by ``chosen``: if a chosen node
        also enables another justified OR node w, the nodes strictly between
        them in level may have become redundant. A justified non-entry node x
        lies on no derivation of an open node (open nodes sit at lower
        levels), so if g follows from S without x, the open nodes taken as
        given, then every completion stays derivable without x.
        """
        graph = self.graph
        if graph.cyclic:
            return False
        level, succs, is_and, is_entry = graph.level, graph.succs, graph.is_and, graph.is_entry
        open_set = {self.by_rank[r] for r in opens}
        for p in chosen:
            for w in succs[p]:
                if (
                    w == justified
                    or w not in nodes
                    or w in open_set
                    or is_and[w]
                    or level[w] - level[p] < 2
                ):
                    continue
                low, high = level[p], level[w]
                for x in nodes:
                    if (
                        low < level[x] < high
                        and x not in open_set
                        and not is_entry[x]
                        and self._derivable_without(nodes, open_set, x)
                    ):
                        return True
        return False

    def _derivable_without(self, nodes: frozenset[int], given: set[int], removed: int) -> bool:
        """Whether the goal of ``nodes`` (its top node) follows from ``nodes``
        minus ``removed``, with entries and ``given`` achieved."""
        seeds = [v for v in nodes if self.graph.is_entry[v] or v in given]
        done = derived_within(self.graph, nodes, seeds, removed)
        return len(done) == len(nodes) - 1 or self._top(nodes) in done

    def _top(self, nodes: frozenset[int]) -> int:
        return min(nodes, key=self.rank.__getitem__)

    def closes_cycle(self, just: Justification, start: int, target: int) -> bool:
        """Whether ``target`` is reachable from ``start`` along justifications."""
        adjacency = dict(just)
        stack, seen = [start], {start}
        while stack:
            v = stack.pop()
            if v == target:
                return True
            for p in adjacency.get(v, ()):
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return False

    def children(
        self, nodes: frozenset[int], opens: tuple[int, ...], just: Justification
    ) -> list[Child]:
        """Justify the first open node every possible way.

        Returns ``(added nodes, open, just)`` per child; the child's set is
        ``nodes`` plus the added nodes, built only if the child is expanded.
        """
        graph = self.graph
        v = self.by_rank[opens[0]]
        rest = opens[1:]
        cyclic = graph.cyclic
        scc_v = graph.scc[v]
        options: list[tuple[int, ...]]
        if graph.is_and[v]:
            options = [graph.preds[v]]
        else:
            options = [(p,) for p in graph.preds[v] if self.bound[p] != INF]
        out = []
        for chosen in options:
            if cyclic and any(
                p in nodes and graph.scc[p] == scc_v and self.closes_cycle(just, p, v)
                for p in chosen
            ):
                continue
            new = tuple(p for p in chosen if p not in nodes)
            opened = list(rest)
            for p in new:
                if not graph.is_entry[p]:
                    insort(opened, self.rank[p])
            child_just = (*just, (v, chosen)) if cyclic else just
            if not cyclic and self.redundant(nodes.union(new) if new else nodes, opened, chosen, v):
                continue
            out.append((new, tuple(opened), child_just))
        return out


def enumerate_chains(
    graph: CompiledGraph,
    usable: Sequence[int],
    goals: Sequence[int],
    limit: int,
    max_expansions: int = 1_000_000,
    bound: list[float] | None = None,
    order: ChainOrder | None = None,
    tie_budget: int = TIE_BUDGET,
    cancel: Callable[[], bool] | None = None,
    limits: SearchLimits | None = None,
) -> ChainSearchResult:
    """The ``limit`` first chains over all ``goals`` in the listing order (and
    enough more to know whether more exist).

    States leave the queue in lexicographic order of lower bounds on the
    listing key (cost, ``-log`` probability, node count, smallest id to
    come), so ties in cost are settled by the next keys without enumerating
    every chain of that cost.

    Parameters
    ----------
    graph : CompiledGraph
        The graph.
    usable : sequence of int
        ``1`` for the nodes chains may contain (the profile's allowed nodes).
    goals : sequence of int
        Goal nodes to search.
    limit : int
        How many chains to list in all.
    max_expansions : int
        Safety stop on the number of expanded states; reaching it marks the
        result truncated and the counts of unfinished goals unknown.
    bound : list of float, optional
        :func:`derivation_bounds` of ``usable``, when already computed.
    order : ChainOrder, optional
        The listing order (default: :meth:`ChainOrder.of` ``graph``).
    tie_budget : int
        Expansions spent settling an id tie at the cut (see above).
    cancel : callable, optional
        Asked every few hundred expansions; when it returns true the search
        stops with :class:`~attackgraph.errors.AnalysisCancelled` (a newer
        analysis replaces this one, or the user cancelled).
    limits : SearchLimits, optional
        Memory and time bounds (default: :func:`current_limits`); reaching
        one stops the search as ``max_expansions`` does and names it in
        ``stopped_by``.

    Returns
    -------
    ChainSearchResult
        Every chain that precedes the ``limit``-th in the listing order, at
        least one more when it exists, and which goals were exhausted.
    """
    limits = limits or current_limits()
    deadline = time.monotonic() + limits.max_seconds
    budget = limits.max_bytes
    used = 0  # estimated bytes held by the queue and the visited states
    stopped_by: str | None = None
    order = order or ChainOrder.of(graph)
    search = _Search(graph, usable, order, bound)
    weight_c, weight_l, _ = search.weights
    is_entry, id_rank, ancestor = graph.is_entry, order.id_rank, search.ancestor_rank
    none = graph.size

    def priority(
        sums: tuple[float, float, float],
        h: tuple[float, float, float],
        smallest: int,
        opens: Sequence[int],
    ) -> tuple[float, float, float, int]:
        future = min((ancestor[search.by_rank[r]] for r in opens), default=none)
        return (
            order.cost_head(sums[0] + h[0]),
            quantize(sums[1] + h[1]),
            round(sums[2] + h[2]),
            min(smallest, future),
        )

    # (priority, open count, seq, goal, sums, entry sums, smallest rank,
    #  parent set, added, open, just)
    heap: list[tuple] = []
    live = {g: 0 for g in goals}
    seq = 0
    for g in goals:
        if usable[g] and search.bound[g] != INF:
            opens = () if is_entry[g] else (search.rank[g],)
            sums = (weight_c[g], weight_l[g], 1.0)
            entry_sums = sums if is_entry[g] else (0.0, 0.0, 0.0)
            key = priority(
                sums, search.heuristic(frozenset((g,)), opens, entry_sums), id_rank[g], opens
            )
            heap.append(
                (
                    key,
                    len(opens),
                    -seq,
                    g,
                    sums,
                    entry_sums,
                    id_rank[g],
                    frozenset(),
                    (g,),
                    opens,
                    (),
                )
            )
            live[g] += 1
            seq += 1
    heapq.heapify(heap)
    seen_states: set[tuple] = set()
    seen_sets: set[tuple[int, frozenset[int]]] = set()
    found: list[tuple[int, frozenset[int]]] = []
    first: list[ChainKey] = []  # the `limit` smallest keys found, sorted
    expansions = tie_expansions = 0
    stopped = approximate = False
    while heap:
        if len(found) > limit:
            cut = order.head(first[-1]) if limit else (0.0, 0.0, 0)
            if not limit or _after(heap[0][0], cut, first[-1]):
                stopped = True
                approximate = (
                    bool(limit) and heap[0][0][:3] == cut and not order.head_is_exact(first[-1])
                )
                break
            if heap[0][0][:3] == cut:  # only the ids can still differ
                tie_expansions += 1
                if tie_expansions > tie_budget:
                    stopped = approximate = True
                    break
        if expansions >= max_expansions:
            stopped, stopped_by = True, "steps"
            break
        if used > budget:
            stopped, stopped_by = True, "memory"
            break
        if not expansions & 255:
            if cancel is not None and cancel():
                raise AnalysisCancelled("the analysis was cancelled.")
            if time.monotonic() > deadline:
                stopped, stopped_by = True, "time"
                break
        (key, _, _, g, sums, entry_sums, smallest, parent, added, opens, just) = heapq.heappop(heap)
        live[g] -= 1
        nodes = parent.union(added) if added else parent
        state = (g, nodes, opens, just)
        if state in seen_states:
            continue
        seen_states.add(state)
        used += _STATE_BYTES + sys.getsizeof(nodes) + 8 * len(opens) + 8 * len(just)
        expansions += 1
        if not opens:
            if (g, nodes) in seen_sets:
                continue
            seen_sets.add((g, nodes))
            if is_minimal(graph, nodes, g):
                found.append((g, nodes))
                exact = order.key(nodes)
                if len(first) < limit:
                    insort(first, exact)
                elif limit and exact < first[-1]:
                    insort(first, exact)
                    first.pop()
            continue
        for new, child_opens, child_just in search.children(nodes, opens, just):
            child_sums = (
                sums[0] + sum(weight_c[p] for p in new),
                sums[1] + sum(weight_l[p] for p in new),
                sums[2] + len(new),
            )
            entries = [p for p in new if is_entry[p]]
            child_entry = (
                (
                    entry_sums[0] + sum(weight_c[p] for p in entries),
                    entry_sums[1] + sum(weight_l[p] for p in entries),
                    entry_sums[2] + len(entries),
                )
                if entries
                else entry_sums
            )
            child_smallest = min((id_rank[p] for p in new), default=smallest)
            child_smallest = min(child_smallest, smallest)
            view = nodes.union(new) if graph.cyclic and new else nodes
            child_key = max(
                key,
                priority(
                    child_sums,
                    search.heuristic(view, child_opens, child_entry),
                    child_smallest,
                    child_opens,
                ),
            )
            heapq.heappush(
                heap,
                (
                    child_key,
                    len(child_opens),
                    -seq,
                    g,
                    child_sums,
                    child_entry,
                    child_smallest,
                    nodes,
                    new,
                    child_opens,
                    child_just,
                ),
            )
            used += _ENTRY_BYTES + 8 * (len(new) + len(child_opens) + len(child_just))
            live[g] += 1
            seq += 1
    exhausted = {g: not (stopped and live[g] > 0) for g in goals}
    truncated = len(found) > limit or (stopped and any(live[g] > 0 for g in goals))
    if not truncated:
        stopped_by = None
    elif stopped_by is not None:
        del heap, seen_states  # free the queue before the fallback below
        found.extend(
            _fallback_chains(graph, usable, search.bound, goals, exhausted, {g for g, _ in found})
        )
    return ChainSearchResult(tuple(found), exhausted, truncated, approximate, stopped_by)


_STATE_BYTES = 260
"""Estimated bytes of one visited state besides its node set (the state
tuple, its set slot, the popped queue entry's share)."""
_ENTRY_BYTES = 420
"""Estimated bytes of one queue entry besides its tuples' items (the entry,
its priority and sums tuples)."""


_FALLBACK_WORK = 20_000_000
"""Largest (derivation size x graph size) made minimal after a limit stopped
the search; each node dropped costs one pass over the derivation."""


def _fallback_chains(
    graph: CompiledGraph,
    usable: Sequence[int],
    bound: list[float],
    goals: Sequence[int],
    exhausted: dict[int, bool],
    have: set[int],
) -> list[tuple[int, frozenset[int]]]:
    """One minimal chain for each unfinished goal that has none yet.

    After a limit stopped the search: the cheapest derivation of the goal by
    the per-node bounds (OR nodes through their best predecessor, AND nodes
    through all), made minimal by dropping nodes one at a time. Linear in
    the derivation per dropped node, so it is cheap where the search was not.
    """
    _bound, best = derivation_bounds(graph, usable)
    out: list[tuple[int, frozenset[int]]] = []
    for g in goals:
        if exhausted[g] or g in have or bound[g] == INF or not usable[g]:
            continue
        nodes: set[int] = set()
        stack = [g]
        while stack:
            v = stack.pop()
            if v in nodes:
                continue
            nodes.add(v)
            if graph.is_entry[v]:
                continue
            stack.extend(graph.preds[v] if graph.is_and[v] else (best[v],))
        if len(nodes) * graph.size > _FALLBACK_WORK or not derivable_within(graph, nodes, g):
            continue  # too large to make minimal quickly: listed as none found
        for v in sorted(nodes, key=lambda u: -graph.level[u]):
            if v != g and v in nodes and derivable_within(graph, nodes - {v}, g):
                nodes.discard(v)
        out.append((g, frozenset(nodes)))
    return out


def _after(bound: tuple[float, float, float, int], head: Head, key: ChainKey) -> bool:
    """Whether every chain whose key is bounded below by ``bound`` comes
    after the chain of ``key`` (whose coarse head is ``head``) in the
    listing order, as far as the search's scale can tell."""
    if bound[:3] != head:
        return bound[:3] > head
    return bound[3] > key[3][0]

"""Incremental what-if: switch mitigations on and off in a loaded model and
follow goal reachability and chain status without recomputing from scratch.

The achieved set is maintained with support counts (how many achieved
predecessors each node has). Unblocking a node only adds: forward
propagation. Blocking a node removes in two phases (delete and rederive):
a node that loses a predecessor is dropped at once only when it might have
lost its only well-founded support: an AND node always, an OR node when
none of its remaining achieved predecessors lies on a lower level (a lower
level cannot depend on the node, so such a predecessor is a sound support).
The dropped nodes that are not blocked are then re-derived from what is
left. Listed chains keep a count of the in-effect mitigations that break
them, so their open status follows each switch in time proportional to the
chains touched.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from attackgraph.analysis.analyze import analyze
from attackgraph.analysis.compiled import CompiledGraph, compile_model, least_fixpoint
from attackgraph.analysis.results import Analysis
from attackgraph.analysis.scenario import check_ids, resolve_scenario
from attackgraph.model import AttackModel

__all__ = ["WhatIf", "WhatIfChange"]


@dataclass(frozen=True, slots=True)
class WhatIfChange:
    """What one switch changed.

    Attributes
    ----------
    mitigation : str
        The mitigation switched.
    on : bool
        Whether it is now in effect.
    goals_unreachable, goals_reachable : tuple of str
        Goals that became unreachable / reachable.
    chains_closed, chains_opened : tuple of str
        Listed chains that stopped / started being open.
    nodes_changed : tuple of str
        Nodes whose achieved state flipped, in file order (what a canvas
        repaints).
    """

    mitigation: str
    on: bool
    goals_unreachable: tuple[str, ...]
    goals_reachable: tuple[str, ...]
    chains_closed: tuple[str, ...]
    chains_opened: tuple[str, ...]
    nodes_changed: tuple[str, ...] = ()


class WhatIf:
    """A loaded model's analysis state that follows mitigation switches.

    Parameters
    ----------
    model : AttackModel
        The model (not watched: build a new ``WhatIf`` after editing it).
    profile, at_release : str, optional
        Attacker profile and release, fixed for this object.
    goals : sequence of str, optional
        Goals to follow (default: every goal).
    max_chains : int
        Chains listed by the initial analysis, whose status is followed.
    analysis : Analysis, optional
        That initial analysis, when the caller already has it (the analysis
        of ``model`` with the same profile, release, goals and limit and no
        what-if switches); it is not computed again.

    Examples
    --------
    >>> from attackgraph.model import AttackModel, Node, Edge, Mitigation
    >>> m = AttackModel("demo")
    >>> m.add_all(nodes=[Node("E", "entry", "e"), Node("G", "goal", "g")],
    ...           edges=[Edge("E", "G")], mitigations=[Mitigation("M", "m", ("E",))])
    >>> state = WhatIf(m)
    >>> state.switch("M", True).goals_unreachable
    ('G',)
    >>> state.is_reachable("G"), state.open_chains()
    (False, ())
    """

    def __init__(
        self,
        model: AttackModel,
        *,
        profile: str | None = None,
        at_release: str | None = None,
        goals: Sequence[str] | None = None,
        max_chains: int = 1000,
        analysis: Analysis | None = None,
    ) -> None:
        graph = compile_model(model)
        self._graph: CompiledGraph = graph
        self.analysis: Analysis = analysis or analyze(
            model,
            profile=profile,
            at_release=at_release,
            goals=goals,
            max_chains=max_chains,
            graph=graph,
        )
        """The analysis the object started from (chains, ids, counts)."""
        scenario = resolve_scenario(model, profile=profile, at_release=at_release, graph=graph)
        self._blocks = scenario.mitigation_blocks
        self._full = scenario.full
        self._effectiveness = scenario.effectiveness
        self._allowed = scenario.allowed
        self._on = set(scenario.in_effect)
        self._order = list(model.mitigations)
        self._reasons = [
            int(not a) + f for a, f in zip(scenario.allowed, scenario.fixed, strict=True)
        ]
        for mit in self._on:
            if self._full[mit]:
                for v in self._blocks[mit]:
                    self._reasons[v] += 1
        self._achieved = least_fixpoint(graph, scenario.blocked)
        self._support = [sum(self._achieved[p] for p in graph.preds[v]) for v in range(graph.size)]
        self._goals = [graph.index[g.id] for g in self.analysis.goals]
        # Chains: nodes, base probability, count of what breaks them now.
        self._chain_ids = [c.id for c in self.analysis.chains]
        self._chain_nodes = [
            frozenset(graph.index[v] for v in c.nodes) for c in self.analysis.chains
        ]
        self._chain_base = [
            math.prod(graph.probability[v] for v in nodes) for nodes in self._chain_nodes
        ]
        self._touching: dict[str, list[int]] = {m: [] for m in self._order}
        for c, nodes in enumerate(self._chain_nodes):
            for mit in self._order:
                if any(v in nodes for v in self._blocks[mit]):
                    self._touching[mit].append(c)
        self._breakers = [0] * len(self._chain_ids)
        for c, nodes in enumerate(self._chain_nodes):
            self._breakers[c] = int(any(scenario.fixed[v] for v in nodes))
        for mit in self._on:
            if self._full[mit]:
                for c in self._touching[mit]:
                    self._breakers[c] += 1

    # ------------------------------------------------------------- queries
    @property
    def in_effect(self) -> tuple[str, ...]:
        """In-effect mitigation ids, file order."""
        return tuple(m for m in self._order if m in self._on)

    def is_achieved(self, node: str) -> bool:
        """Whether a node is in A(B) now (allowed or not)."""
        return bool(self._achieved[self._graph.index[node]])

    def achieved_nodes(self) -> frozenset[str]:
        """Every node in A(B) now."""
        ids = self._graph.ids
        return frozenset(ids[v] for v, a in enumerate(self._achieved) if a)

    def is_reachable(self, goal: str) -> bool:
        """Whether a goal (or any node) is allowed and achieved now."""
        v = self._graph.index[goal]
        return bool(self._achieved[v] and self._allowed[v])

    def reachable_goals(self) -> tuple[str, ...]:
        """The followed goals that are reachable now."""
        ids = self._graph.ids
        return tuple(ids[g] for g in self._goals if self._achieved[g] and self._allowed[g])

    def open_chains(self) -> tuple[str, ...]:
        """Listed chains that are open now."""
        return tuple(c for c, n in zip(self._chain_ids, self._breakers, strict=True) if n == 0)

    def chain_probability(self, chain_id: str) -> float:
        """A listed chain's probability with the partial mitigations now in effect."""
        c = self._chain_ids.index(chain_id)
        probability = self._chain_base[c]
        for mit in sorted(self._on):
            if not self._full[mit] and c in self._touching[mit]:
                probability *= 1.0 - self._effectiveness[mit]
        return probability

    # ------------------------------------------------------------ switching
    def switch(self, mitigation: str, on: bool) -> WhatIfChange:
        """Switch a mitigation on or off.

        Raises
        ------
        AnalysisError
            For an unknown mitigation id.
        """
        check_ids("mitigation", [mitigation], self._order)
        if (mitigation in self._on) == on:
            return WhatIfChange(mitigation, on, (), (), (), ())
        before_goals = {g for g in self._goals if self._achieved[g]}
        closed: list[str] = []
        opened: list[str] = []
        flipped: list[int] = []
        if on:
            self._on.add(mitigation)
        else:
            self._on.discard(mitigation)
        if self._full[mitigation]:
            step = 1 if on else -1
            changed = []
            for v in self._blocks[mitigation]:
                self._reasons[v] += step
                if (on and self._reasons[v] == 1) or (not on and self._reasons[v] == 0):
                    changed.append(v)
            if on:
                flipped = [v for v in self._remove(changed) if not self._achieved[v]]
            else:
                flipped = self._add([v for v in changed if self._ready(v)])
            for c in self._touching[mitigation]:
                self._breakers[c] += step
                if on and self._breakers[c] == 1:
                    closed.append(self._chain_ids[c])
                elif not on and self._breakers[c] == 0:
                    opened.append(self._chain_ids[c])
        ids = self._graph.ids
        after_goals = {g for g in self._goals if self._achieved[g]}
        return WhatIfChange(
            mitigation,
            on,
            tuple(ids[g] for g in self._goals if g in before_goals - after_goals),
            tuple(ids[g] for g in self._goals if g in after_goals - before_goals),
            tuple(closed),
            tuple(opened),
            tuple(ids[v] for v in sorted(flipped)),
        )

    def _ready(self, v: int) -> bool:
        graph = self._graph
        if self._reasons[v] or self._achieved[v]:
            return False
        if graph.is_entry[v]:
            return True
        if graph.is_and[v]:
            return self._support[v] == len(graph.preds[v])
        return self._support[v] > 0

    def _add(self, seeds: list[int]) -> list[int]:
        """Achieve the ready seeds and what follows; returns the nodes added."""
        succs = self._graph.succs
        achieved, support = self._achieved, self._support
        stack = []
        for v in seeds:
            if not achieved[v]:
                achieved[v] = 1
                stack.append(v)
        added = list(stack)
        while stack:
            v = stack.pop()
            for w in succs[v]:
                support[w] += 1
                if self._ready(w):
                    achieved[w] = 1
                    stack.append(w)
                    added.append(w)
        return added

    def _remove(self, seeds: list[int]) -> list[int]:
        """Drop the seeds and what may depend on them, then re-derive what
        still follows; returns every node dropped (some are back)."""
        graph = self._graph
        preds, succs, level, is_and = graph.preds, graph.succs, graph.level, graph.is_and
        achieved, support = self._achieved, self._support
        dropped: list[int] = []
        stack = [v for v in seeds if achieved[v]]
        for v in stack:
            achieved[v] = 0
        while stack:
            v = stack.pop()
            dropped.append(v)
            for w in succs[v]:
                support[w] -= 1
                if not achieved[w]:
                    continue
                if not is_and[w] and any(achieved[p] and level[p] < level[w] for p in preds[w]):
                    continue  # a lower-level support cannot depend on w
                achieved[w] = 0
                stack.append(w)
        self._add([v for v in dropped if self._ready(v)])
        return dropped

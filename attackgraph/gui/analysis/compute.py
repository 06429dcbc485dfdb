"""The work of the live analysis, kept free of Qt so that it runs on a
worker thread and can be tested on its own.

The GUI thread takes a :class:`ModelSnapshot` (tuples of the model's
immutable objects: cheap), a worker builds a private model from it and runs
the engine exactly as the CLI does (:func:`compute`), and the result comes
back as a :class:`Computed` with a :class:`~attackgraph.analysis.WhatIf`
already switched to the same state. A later mitigation switch then goes
through the ``WhatIf`` in a fraction of a millisecond
(:func:`provisional_analysis`) while the full analysis runs again behind it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from attackgraph.analysis import Analysis, WhatIf, analyze, resolve_scenario
from attackgraph.analysis.compiled import CompiledGraph, compile_model
from attackgraph.analysis.naming import is_base_scenario, name_by_whole_model, whole_model_names
from attackgraph.model import AttackModel, Component, Edge, Mitigation, Node, Profile, Release

__all__ = [
    "AnalysisState",
    "Computed",
    "ModelSnapshot",
    "compute",
    "is_base_state",
    "named_analysis",
    "provisional_analysis",
]

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class AnalysisState:
    """What the workbench analyses: the ``analyze`` options of the CLI.

    Attributes
    ----------
    profile : str or None
        Attacker profile id (``--profile``).
    at_release : str or None
        Release id (``--at-release``).
    switch_on, switch_off : tuple of str
        The what-if (``--with`` / ``--without``), in file order.
    goals : tuple of str or None
        Goals analysed (``--goal``; None: every goal).
    max_chains : int
        Chains listed (``--max-chains``).
    """

    profile: str | None = None
    at_release: str | None = None
    switch_on: tuple[str, ...] = ()
    switch_off: tuple[str, ...] = ()
    goals: tuple[str, ...] | None = None
    max_chains: int = 1000

    def analyze_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`~attackgraph.analysis.analyze` (also
        of the report and the optimiser, which take the same state)."""
        return {
            "profile": self.profile,
            "at_release": self.at_release,
            "switch_on": self.switch_on,
            "switch_off": self.switch_off,
            "goals": self.goals,
        }

    @property
    def what_if(self) -> bool:
        """Whether any mitigation is switched."""
        return bool(self.switch_on or self.switch_off)

    def cli_options(self) -> list[str]:
        """The same state as ``attackgraph analyze`` options.

        Examples
        --------
        >>> AnalysisState(profile="P", switch_on=("M1",)).cli_options()
        ['--profile', 'P', '--with', 'M1']
        """
        out: list[str] = []
        if self.profile:
            out += ["--profile", self.profile]
        for goal in self.goals or ():
            out += ["--goal", goal]
        for mit in self.switch_on:
            out += ["--with", mit]
        for mit in self.switch_off:
            out += ["--without", mit]
        if self.at_release:
            out += ["--at-release", self.at_release]
        return out


@dataclass(frozen=True)
class ModelSnapshot:
    """A model's content at one moment, for a worker thread.

    The model's objects are immutable, so a snapshot only copies the lists;
    :meth:`build` makes a private model of them (without the checks, which
    the live model has already passed).
    """

    title: str
    description: str | None
    extras: Mapping[str, Any]
    components: tuple[Component, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    mitigations: tuple[Mitigation, ...]
    profiles: tuple[Profile, ...]
    releases: tuple[Release, ...]
    layout: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def of(cls, model: AttackModel) -> ModelSnapshot:
        """The snapshot of ``model`` now."""
        return cls(
            model.title,
            model.description,
            dict(model.extras),
            tuple(model.components.values()),
            tuple(model.nodes.values()),
            tuple(model.edges),
            tuple(model.mitigations.values()),
            tuple(model.profiles.values()),
            tuple(model.releases.values()),
            dict(model.layout),
        )

    def build(self) -> AttackModel:
        """A new model with this content."""
        model = AttackModel(self.title, self.description)
        model.load_validated(
            self.components,
            self.nodes,
            self.edges,
            self.mitigations,
            self.profiles,
            self.releases,
            self.layout,
        )
        if self.extras:
            model.set_extras(self.extras)
        return model


@dataclass(frozen=True)
class Computed:
    """One finished analysis of the workbench.

    Attributes
    ----------
    revision : int
        The document revision it was made from.
    state : AnalysisState
        What was analysed.
    model : AttackModel
        The private model it was made from (never edited).
    graph : CompiledGraph
        Its compiled graph (for overlays).
    analysis : Analysis
        The engine's result, as ``attackgraph analyze`` gives it.
    base_in_effect : frozenset of str
        Mitigations in effect without the what-if (profile and release
        applied): a switch equal to this needs no override.
    partial_touching : tuple of tuple of str
        For each listed chain, the partial mitigations blocking one of its
        nodes, sorted (to follow probabilities through switches).
    base_probability : tuple of float
        Each listed chain's probability without partial mitigations.
    seconds : float
        Time the engine took.
    names : dict
        Chain ids of the whole model's analysis by chain key (the names
        every view uses, see :meth:`~attackgraph.analysis.Analysis.named_as`).
    chain_edges : dict
        The edges inside each listed chain, filled in by the first overlay
        drawn from this result and reused by the next ones (a what-if switch
        changes which chains are open, never their steps).
    """

    revision: int
    state: AnalysisState
    model: AttackModel
    graph: CompiledGraph
    analysis: Analysis
    base_in_effect: frozenset[str]
    partial_touching: tuple[tuple[str, ...], ...]
    base_probability: tuple[float, ...]
    seconds: float
    names: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    chain_edges: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )


def _partial_touching(model: AttackModel, analysis: Analysis) -> tuple[tuple[str, ...], ...]:
    by_node: dict[str, list[str]] = {}
    for mit in model.mitigations.values():
        if not mit.is_full:
            for node_id in mit.blocks:
                by_node.setdefault(node_id, []).append(mit.id)
    if not by_node:
        return tuple(() for _ in analysis.chains)
    return tuple(
        tuple(sorted({m for v in chain.nodes for m in by_node.get(v, ())}))
        for chain in analysis.chains
    )


def compute(
    snapshot: ModelSnapshot,
    state: AnalysisState,
    revision: int,
    *,
    cancel: Callable[[], bool] | None = None,
    progress: Progress | None = None,
    names: Mapping[str, str] | None = None,
) -> tuple[Computed, WhatIf]:
    """Analyse a snapshot in a state, as the CLI does, and prepare the what-if.

    Parameters
    ----------
    snapshot : ModelSnapshot
        The model.
    state : AnalysisState
        The options.
    revision : int
        Stored in the result (the caller's document revision).
    cancel : callable, optional
        As for :func:`~attackgraph.analysis.analyze`.
    progress : callable, optional
        Called with a short phrase as each phase starts.
    names : mapping, optional
        The whole model's chain names by key, when already known for this
        revision (otherwise the whole model is analysed too when ``state``
        is not the base scenario).

    Returns
    -------
    (Computed, WhatIf)
        The result, and a ``WhatIf`` in the same state (mitigation switches
        applied) whose chain ids are the result's.

    Raises
    ------
    AnalysisError
        Unknown ids in ``state``.
    AnalysisCancelled
        ``cancel`` returned true.
    """
    say = progress or (lambda _text: None)
    say("reading the model")
    model = snapshot.build()
    graph = compile_model(model)
    say(f"finding the cheapest chains of {len(model.nodes):,} nodes")
    started = time.perf_counter()
    analysis = analyze(
        model, max_chains=state.max_chains, graph=graph, cancel=cancel, **state.analyze_kwargs()
    )
    seconds = time.perf_counter() - started
    if is_base_state(state):
        names = analysis.chain_names()
    else:
        if names is None:
            say("naming the chains as the whole model's analysis does")
            names = whole_model_names(
                model, max_chains=state.max_chains, graph=graph, cancel=cancel
            )
        analysis = analysis.named_as(names)
    say("preparing the what-if")
    base = resolve_scenario(model, profile=state.profile, at_release=state.at_release, graph=graph)
    whatif = WhatIf(
        model,
        profile=state.profile,
        at_release=state.at_release,
        goals=state.goals,
        max_chains=state.max_chains,
        analysis=analysis,
    )
    for mit in state.switch_on:
        whatif.switch(mit, True)
    for mit in state.switch_off:  # off wins, as in the CLI: (base | on) - off
        whatif.switch(mit, False)
    probability = tuple(
        math.prod(graph.probability[graph.index[v]] for v in chain.nodes)
        for chain in analysis.chains
    )
    return Computed(
        revision,
        state,
        model,
        graph,
        analysis,
        frozenset(base.in_effect),
        _partial_touching(model, analysis),
        probability,
        seconds,
        names,
    ), whatif


def is_base_state(state: AnalysisState) -> bool:
    """Whether ``state`` is the whole model's analysis (no profile, release,
    goal choice or what-if), whose order-based ids name the chains everywhere."""
    return is_base_scenario(**state.analyze_kwargs())


def named_analysis(
    model: AttackModel,
    analysis: Analysis,
    state: AnalysisState,
    *,
    cancel: Callable[[], bool] | None = None,
) -> Analysis:
    """``analysis`` of ``model`` in ``state`` with its chains named by the
    whole model's ids (unchanged for the base scenario)."""
    return name_by_whole_model(
        model, analysis, max_chains=state.max_chains, cancel=cancel, **state.analyze_kwargs()
    )


def provisional_analysis(computed: Computed, whatif: WhatIf) -> Analysis:
    """The result after the switches made on ``whatif`` since ``computed``.

    Exact for what a switch can change at once: goal reachability, which
    listed chains are open, their probabilities, the per-goal counts when
    every chain of the goal is listed, the mitigations in effect. Chain ids
    and order stay those of ``computed`` (a partial mitigation can reorder
    chains of equal cost) and "alone makes unreachable" stays as it was,
    until the full analysis that follows replaces this one; the depth is
    left out (shown blank) until then.
    """
    analysis = computed.analysis
    model = computed.model
    on = set(whatif.in_effect)
    open_ids = set(whatif.open_chains())
    effectiveness = {m.id: m.effective_effectiveness for m in model.mitigations.values()}
    chains = []
    listed: dict[str, list[bool]] = {}
    for chain, touching, base in zip(
        analysis.chains, computed.partial_touching, computed.base_probability, strict=True
    ):
        probability = base
        for mit in touching:
            if mit in on:
                probability *= 1.0 - effectiveness[mit]
        is_open = chain.id in open_ids
        listed.setdefault(chain.goal, []).append(is_open)
        if is_open != chain.open or probability != chain.probability:
            chain = replace(chain, open=is_open, probability=probability)
        chains.append(chain)
    goals = []
    for goal in analysis.goals:
        states = listed.get(goal.id, [])
        exact = goal.chains is not None and goal.chains == len(states)
        goals.append(
            replace(
                goal,
                reachable=whatif.is_reachable(goal.id),
                open_chains=sum(states) if exact else None,
            )
        )
    mitigations = tuple(
        replace(m, in_effect=m.id in on) if (m.id in on) != m.in_effect else m
        for m in analysis.mitigations
    )
    return replace(
        analysis,
        in_effect=whatif.in_effect,
        goals=tuple(goals),
        chains=tuple(chains),
        mitigations=mitigations,
        depth=None,
    )

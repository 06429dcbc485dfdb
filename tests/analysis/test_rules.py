"""Hand-built cases, one per rule of the Semantics section."""

from __future__ import annotations

import pytest

from attackgraph.analysis import analyze
from attackgraph.analysis.analyze import open_chains
from attackgraph.analysis.optimize import optimal_mitigations, pareto_frontier
from attackgraph.analysis.whatif import WhatIf
from attackgraph.errors import AnalysisError
from attackgraph.model import AttackModel, Edge, Mitigation, Node, Profile, Release


def build(nodes, edges, mitigations=(), profiles=(), releases=()):
    """nodes: "E1" / "S1:and" / "G1" strings or Node objects."""
    objs = []
    for spec in nodes:
        if isinstance(spec, Node):
            objs.append(spec)
            continue
        ident, _, gate = spec.partition(":")
        kind = {"E": "entry", "S": "step", "G": "goal"}[ident[0]]
        objs.append(Node(ident, kind, ident, gate=gate or None))
    model = AttackModel("test")
    model.add_all(
        nodes=objs,
        edges=[Edge(*e.split(">")) for e in edges],
        mitigations=list(mitigations),
        profiles=list(profiles),
        releases=list(releases),
    )
    return model


def chain_sets(result, goal=None):
    return sorted(tuple(sorted(c.nodes)) for c in result.chains if goal in (None, c.goal))


def test_shortcut_edge_path_is_not_a_chain():
    model = build(["E1", "S1", "G1"], ["E1>S1", "S1>G1", "E1>G1"])
    result = analyze(model)
    assert chain_sets(result) == [("E1", "G1")]
    assert result.goal("G1").choke_points == ("E1",)


def test_and_step_pulls_in_all_enablers():
    model = build(["E1", "E2", "S1:and", "G1"], ["E1>S1", "E2>S1", "S1>G1"])
    result = analyze(model)
    assert chain_sets(result) == [("E1", "E2", "G1", "S1")]
    assert result.chains[0].nodes[-2:] == ("S1", "G1")
    assert result.goal("G1").choke_points == ("E1", "E2", "S1")


def test_and_inside_a_cycle_needs_a_well_founded_derivation():
    # S1 (or) <- E1, S2 ; S2 (and) <- S1, E2 ; G1 <- S2
    model = build(["E1", "E2", "S1", "S2:and", "G1"], ["E1>S1", "S1>S2", "S2>S1", "E2>S2", "S2>G1"])
    result = analyze(model)
    assert chain_sets(result) == [("E1", "E2", "G1", "S1", "S2")]
    assert result.chains[0].nodes.index("S1") < result.chains[0].nodes.index("S2")


def test_cycle_alone_achieves_nothing():
    model = build(["E1", "S1", "S2", "G1"], ["S1>S2", "S2>S1", "S2>G1"])
    result = analyze(model)
    assert result.chains == ()
    assert not result.goal("G1").reachable
    assert result.goal("G1").chains == 0
    assert optimal_mitigations(model).cost == 0.0


@pytest.mark.parametrize("first", [True, False])
def test_choke_points_through_a_cycle(first):
    # G1 <- S1; S1 <- E1, S2; S2 <- E2, S1: E1 is not a choke point (E2 > S2 > S1).
    e1 = Node("E1", "entry", "E1", cost=0)
    entries = [e1, "E2"] if first else ["E2", e1]
    model = build([*entries, "S1", "S2", "G1"], ["E1>S1", "E2>S2", "S1>S2", "S2>S1", "S1>G1"])
    result = analyze(model)
    assert chain_sets(result) == [("E1", "G1", "S1"), ("E2", "G1", "S1", "S2")]
    assert result.goal("G1").choke_points == ("S1",)
    assert result.chains[0].nodes == ("E1", "S1", "G1")


def test_goal_enabling_another_goal():
    model = build(["E1", "G1", "G2"], ["E1>G1", "G1>G2"], [Mitigation("M1", "m", ("G1",))])
    result = analyze(model)
    assert chain_sets(result, "G2") == [("E1", "G1", "G2")]
    assert result.goal("G2").choke_points == ("E1", "G1")
    assert result.mitigation("M1").makes_unreachable == ("G1", "G2")
    assert result.mitigation("M1").breaks == ("C1", "C2")


def test_entry_blocked_by_deployed_mitigation():
    model = build(
        ["E1", "E2", "S1", "G1"],
        ["E1>S1", "E2>S1", "S1>G1"],
        [
            Mitigation("M1", "m", ("E1",), status="deployed", cost=1),
            Mitigation("M2", "m", ("E2",), cost=3),
            Mitigation("M3", "m", ("S1",), cost=5),
        ],
    )
    result = analyze(model)
    assert result.in_effect == ("M1",)
    by_nodes = {tuple(sorted(c.nodes)): c for c in result.chains}
    assert not by_nodes[("E1", "G1", "S1")].open
    assert by_nodes[("E1", "G1", "S1")].broken_by == ("M1", "M3")
    assert by_nodes[("E2", "G1", "S1")].open
    assert result.goal("G1").reachable and result.goal("G1").open_chains == 1
    # M1 is in effect: only M2 (3) is needed, cheaper than M3 (5).
    best = optimal_mitigations(model)
    assert (best.status, best.cost, best.mitigations, best.bound) == ("optimal", 3.0, ("M2",), 3.0)
    without = analyze(model, switch_off=["M1"])
    assert without.in_effect == () and all(c.open for c in without.chains)
    with_all = analyze(model, switch_on=["M2"])
    assert not with_all.goal("G1").reachable


def test_profiles_restrict_nodes():
    model = build(
        [
            Node("E1", "entry", "phys", access="physical"),
            Node("E2", "entry", "net", access="network", skill="expert"),
            "S1",
            "G1",
        ],
        ["E1>S1", "E2>S1", "S1>G1"],
        profiles=[
            Profile("remote", "remote", access=("network",), max_skill="high"),
            Profile("insider", "insider", access=("physical", "local")),
        ],
    )
    assert not analyze(model, profile="remote").goal("G1").reachable
    insider = analyze(model, profile="insider")
    assert chain_sets(insider) == [("E1", "G1", "S1")]
    assert insider.profile == "insider"
    assert insider.goal("G1").choke_points == ("E1", "S1")
    assert len(analyze(model).chains) == 2


def test_releases_fix_nodes_and_ship_mitigations():
    model = build(
        [
            Node("E1", "entry", "e"),
            Node("S1", "step", "bug", release_fixed="R2"),
            Node("S2", "step", "other"),
            Node("G1", "goal", "g"),
        ],
        ["E1>S1", "E1>S2", "S1>G1", "S2>G1"],
        [
            Mitigation("M1", "fix", ("S2",), release="R1"),
            Mitigation("M2", "later", ("S2",), release="R3", status="deployed"),
        ],
        releases=[Release("R1", "1"), Release("R2", "2"), Release("R3", "3")],
    )
    now = analyze(model)
    assert now.in_effect == ("M2",)
    assert [c.open for c in now.chains] == [True, False]
    r1 = analyze(model, at_release="R1")
    assert r1.in_effect == ("M1",)
    assert r1.goal("G1").reachable and r1.goal("G1").open_chains == 1
    r2 = analyze(model, at_release="R2")
    assert not r2.goal("G1").reachable
    assert r2.goal("G1").chains == 2 and r2.goal("G1").open_chains == 0
    assert optimal_mitigations(model, at_release="R2").cost == 0.0


def test_infeasible_optimisation_names_unblockable_goals():
    model = build(
        ["E1", "S1", "G1", "G2"], ["E1>S1", "S1>G1", "E1>G2"], [Mitigation("M1", "m", ("S1",))]
    )
    result = optimal_mitigations(model)
    assert result.status == "infeasible"
    assert (result.cost, result.mitigations, result.bound) == (None, None, None)
    assert result.unblockable == ("G2",)
    assert result.to_json()["unblockable"] == ["G2"]
    only = optimal_mitigations(model, goals=["G1"])
    assert only.mitigations == ("M1",) and only.goals == ("G1",)


def test_partial_mitigations_lower_probability_only():
    model = build(
        [Node("E1", "entry", "e", probability=0.5), "G1"],
        ["E1>G1"],
        [
            Mitigation("M1", "m", ("G1",), effectiveness=0.75, status="deployed"),
            Mitigation("M2", "m", ("E1",), effectiveness=0.5),
        ],
    )
    result = analyze(model)
    chain = result.chains[0]
    assert chain.open and chain.broken_by == ()
    assert chain.probability == pytest.approx(0.5 * 0.25)
    assert result.mitigation("M1").breaks == ()
    assert optimal_mitigations(model).status == "infeasible"


def test_budget_maximises_blocked_impact():
    model = build(
        [
            Node("E1", "entry", "e"),
            Node("G1", "goal", "g", impact=5),
            Node("G2", "goal", "g", impact=3),
            Node("G3", "goal", "g", impact=4),
        ],
        ["E1>G1", "E1>G2", "E1>G3"],
        [
            Mitigation("M1", "m", ("G1",), cost=4),
            Mitigation("M2", "m", ("G2",), cost=2),
            Mitigation("M3", "m", ("G3",), cost=2),
            Mitigation("M4", "m", ("E1",), cost=9),
        ],
    )
    result = optimal_mitigations(model, budget=4)
    assert result.status == "optimal"
    assert result.blocked_goals == ("G2", "G3") and result.impact_blocked == 7.0
    assert result.cost == 4.0 and result.bound == 7.0
    data = result.to_json()
    assert data["blocked_goals"] == ["G2", "G3"] and data["impact_blocked"] == 7.0
    assert optimal_mitigations(model, budget=9).mitigations == ("M1", "M2", "M3")
    assert optimal_mitigations(model, budget=9).cost == 8.0
    frontier = pareto_frontier(model)
    assert [(p.cost, p.impact_left) for p in frontier] == [
        (0.0, 12.0),
        (2.0, 8.0),
        (4.0, 5.0),
        (6.0, 3.0),
        (8.0, 0.0),
    ]
    with pytest.raises(AnalysisError):
        optimal_mitigations(model, budget=-1)


def test_zero_cost_ties_and_max_chains():
    zero = [Node(f"S{i}", "step", "s", cost=0) for i in range(4)]
    model = build(
        ["E1", *zero, "G1"],
        ["E1>S0", "E1>S1", "E1>S2", "E1>S3", "S0>G1", "S1>G1", "S2>G1", "S3>G1"],
    )
    full = analyze(model)
    assert len(full.chains) == 4 and not full.truncated
    assert [c.nodes[1] for c in full.chains] == ["S0", "S1", "S2", "S3"]
    cut = analyze(model, max_chains=2)
    assert [c.nodes for c in cut.chains] == [c.nodes for c in full.chains[:2]]
    # equal costs: all four were found to sort the ties, so the count is exact
    assert cut.truncated and cut.goal("G1").chains == 4
    assert analyze(model, max_chains=0).chains == ()
    exact = analyze(model, max_chains=4)
    assert not exact.truncated and exact.goal("G1").chains == 4


def test_counts_are_null_when_enumeration_stops():
    steps = [Node(f"S{i}", "step", "s", cost=i + 1) for i in range(4)]
    model = build(
        ["E1", *steps, "G1"],
        ["E1>S0", "E1>S1", "E1>S2", "E1>S3", "S0>G1", "S1>G1", "S2>G1", "S3>G1"],
    )
    cut = analyze(model, max_chains=2)
    assert [c.cost for c in cut.chains] == [3.0, 4.0]
    assert cut.truncated and cut.goal("G1").chains is None
    assert cut.goal("G1").open_chains is None


def test_unknown_ids_are_errors_naming_valid_ids():
    model = build(["E1", "G1"], ["E1>G1"], [Mitigation("M1", "m", ("E1",))])
    for kwargs, word in [
        ({"goals": ["G9"]}, "G1"),
        ({"profile": "p"}, "profile"),
        ({"switch_on": ["M9"]}, "M1"),
        ({"at_release": "R9"}, "release"),
    ]:
        with pytest.raises(AnalysisError, match=word):
            analyze(model, **kwargs)
    with pytest.raises(AnalysisError, match="E1"):
        analyze(model, goals=["E1"])  # not a goal; the message lists G1
    with pytest.raises(AnalysisError):
        WhatIf(model).switch("M9", True)


def test_open_chains_skip_broken_ones():
    model = build(
        ["E1", "E2", "G1"], ["E1>G1", "E2>G1"], [Mitigation("M1", "m", ("E1",), status="deployed")]
    )
    chains, complete = open_chains(model, limit=5)
    assert [c.nodes for c in chains] == [("E2", "G1")] and complete


def test_whatif_toggle_updates_state():
    model = build(
        ["E1", "E2", "S1", "S2", "G1"],
        ["E1>S1", "E2>S2", "S1>S2", "S2>S1", "S1>G1"],
        [
            Mitigation("M1", "m", ("E1",)),
            Mitigation("M2", "m", ("E2",)),
            Mitigation("M3", "half", ("S1",), effectiveness=0.5),
        ],
    )
    state = WhatIf(model)
    assert state.switch("M1", True).goals_unreachable == ()
    change = state.switch("M2", True)
    assert change.goals_unreachable == ("G1",) and change.chains_closed == ("C2",)
    assert state.open_chains() == ()
    change = state.switch("M1", False)
    assert change.goals_reachable == ("G1",) and change.chains_opened == ("C1",)
    state.switch("M3", True)
    assert state.chain_probability("C1") == 0.5
    assert state.in_effect == ("M1", "M2", "M3")[1:]


def test_time_limit_without_incumbent_reports_a_feasible_set(monkeypatch):
    import json
    import math

    from attackgraph.analysis import optimize as opt

    model = build(
        ["E1", "S1", "G1"],
        ["E1>S1", "S1>G1"],
        [Mitigation("M1", "m", ("S1",), cost=2), Mitigation("M2", "m", ("E1",))],
    )
    monkeypatch.setattr(
        opt, "_solve", lambda *a, **k: (opt._Solved("none", (), math.nan, math.nan), None)
    )
    result = optimal_mitigations(model, time_limit=0.01)
    assert result.status == "feasible" and result.bound == 0.0
    assert result.mitigations == ("M1", "M2") and result.cost == 3.0
    budget = optimal_mitigations(model, budget=1, time_limit=0.01)
    assert budget.status == "feasible" and budget.mitigations == ()
    assert budget.bound == 1.0  # the trivial bound: every blockable goal's impact
    json.dumps(result.to_json(), allow_nan=False)
    json.dumps(budget.to_json(), allow_nan=False)


def _ladder(layers, probabilities=None):
    """E -> two steps per layer, each enabled by both of the layer before -> G:
    2**layers chains of equal cost."""
    nodes = [Node("E", "entry", "E")]
    edges = []
    previous = ["E"]
    for layer in range(layers):
        current = []
        for side in "ab":
            ident = f"S{layer:02d}{side}"
            p = None if probabilities is None else probabilities(layer, side)
            nodes.append(Node(ident, "step", ident, probability=p))
            edges += [f"{source}>{ident}" for source in previous]
            current.append(ident)
        previous = current
    nodes.append(Node("G", "goal", "G"))
    edges += [f"{source}>G" for source in previous]
    return build(nodes, edges)


def test_equal_cost_chains_are_ordered_by_probability_without_enumerating_them():
    # 2**20 chains of cost 22; the side with the higher probability alternates.
    model = _ladder(20, lambda layer, side: 0.9 if (layer % 2 == 0) == (side == "a") else 0.8)
    result = analyze(model, max_chains=3)
    assert result.truncated and result.goal("G").chains is None
    best = ["E"] + [f"S{layer:02d}{'a' if layer % 2 == 0 else 'b'}" for layer in range(20)]
    assert result.chains[0].nodes == (*best, "G")
    assert result.chains[0].probability == pytest.approx(0.9**20)
    # the next two swap one layer to the 0.8 side: equal probability, ids decide
    assert [c.probability for c in result.chains[1:]] == pytest.approx([0.9**19 * 0.8] * 2)
    keys = [tuple(sorted(c.nodes)) for c in result.chains[1:]]
    assert keys == sorted(keys)


def test_all_default_ties_still_list_chains_quickly():
    # Every cost and probability at its default: 2**18 chains tie on every
    # key but the ids; the listing still comes (bounded effort) and is sorted.
    model = _ladder(18)
    result = analyze(model, max_chains=10)
    assert len(result.chains) == 10 and result.truncated
    assert all(c.cost == 20 and len(c.nodes) == 20 for c in result.chains)
    keys = [tuple(sorted(c.nodes)) for c in result.chains]
    assert keys == sorted(keys) and len(set(keys)) == 10
    # small enough to settle exactly: the lexicographically first chains
    small = analyze(_ladder(6), max_chains=4)
    everything = analyze(_ladder(6), max_chains=10_000)
    assert everything.goal("G").chains == 64
    assert [c.nodes for c in small.chains] == [c.nodes for c in everything.chains[:4]]


def test_analysis_can_be_cancelled():
    from attackgraph.errors import AnalysisCancelled

    model = _ladder(18)
    asked = []

    def cancel():
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(AnalysisCancelled):
        analyze(model, max_chains=10, cancel=cancel)
    assert len(asked) == 3


def test_whatif_reuses_a_given_analysis():
    model = build(
        ["E1", "S1", "G1"], ["E1>S1", "S1>G1"], mitigations=[Mitigation("M1", "m", ("S1",))]
    )
    first = analyze(model)
    state = WhatIf(model, analysis=first)
    assert state.analysis is first
    change = state.switch("M1", True)
    assert change.nodes_changed == ("S1", "G1")  # file order
    assert not state.is_achieved("S1") and state.is_achieved("E1")

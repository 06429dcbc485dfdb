"""Exact at the numerical edges (issue 14): the optimiser at every scale of
costs and impacts, exact budgets, the chain order without rounding, ties
beyond the tie budget, and the depth against brute force."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attackgraph.analysis import analyze
from attackgraph.analysis.compiled import compile_model
from attackgraph.analysis.optimize import optimal_mitigations
from attackgraph.analysis.ordering import ChainOrder
from attackgraph.analysis.search import enumerate_chains
from attackgraph.model import AttackModel, Edge, Mitigation, Node
from tests.analysis import reference as ref
from tests.analysis.strategies import models

SCALES = (1.0, 1e-9, 1e9)


def scaled(model: AttackModel, cost: float = 1.0, impact: float = 1.0) -> AttackModel:
    """A copy with every node and mitigation cost times ``cost`` and every
    impact times ``impact``."""
    out = AttackModel(model.title)
    out.add_all(
        nodes=[
            dataclasses.replace(
                n,
                cost=n.effective_cost * cost,
                impact=n.effective_impact * impact if n.kind == "goal" else n.impact,
            )
            for n in model.nodes.values()
        ],
        edges=list(model.edges),
        mitigations=[
            dataclasses.replace(m, cost=m.effective_cost * cost) for m in model.mitigations.values()
        ],
        profiles=list(model.profiles.values()),
        releases=list(model.releases.values()),
    )
    return out


def two_routes(cost: float = 1.0) -> AttackModel:
    """Case 1: A1 + A2 (1e-7 each) against B (1.5e-7)."""
    m = AttackModel("case 1")
    m.add_all(
        nodes=[
            Node("E", "entry", "e"),
            Node("S1", "step", "s1"),
            Node("S2", "step", "s2"),
            Node("G", "goal", "g"),
        ],
        edges=[Edge("E", "S1"), Edge("E", "S2"), Edge("S1", "G"), Edge("S2", "G")],
        mitigations=[
            Mitigation("A1", "a1", ("S1",), cost=1e-7 * cost),
            Mitigation("A2", "a2", ("S2",), cost=1e-7 * cost),
            Mitigation("B", "b", ("G",), cost=1.5e-7 * cost),
        ],
    )
    return m


@pytest.mark.parametrize("scale", SCALES)
def test_tiny_costs_give_the_optimum(scale):
    result = optimal_mitigations(two_routes(scale))
    assert result.status == "optimal"
    assert result.mitigations == ("B",)
    assert result.cost == pytest.approx(1.5e-7 * scale, rel=1e-15)
    assert result.bound == result.cost


def test_wide_cost_ranges_stay_exact():
    for unit in (1e-12, 1e-3, 1e6, 1e12):
        result = optimal_mitigations(scaled(two_routes(), cost=unit))
        assert (result.status, result.mitigations) == ("optimal", ("B",))


def test_a_layered_model_at_every_scale(tmp_path):
    """The 8,000-node report of issue 14 in small: costs times 1e-8 (and
    others) give the same optimal set, at the scaled cost."""
    import json

    from attackgraph.formats import read_model
    from benchmarks.generate import layered_model

    def build(scale: float) -> AttackModel:
        doc = layered_model(2000, mitigations=120, seed=3)
        for mit in doc["mitigations"]:
            mit.pop("status", None)
            mit["cost"] = mit["cost"] * scale
        for node in doc["nodes"]:
            if "cost" in node:
                node["cost"] = node["cost"] * scale
        path = tmp_path / f"layered-{scale}.attackgraph.json"
        path.write_text(json.dumps(doc))
        return read_model(path)

    base = optimal_mitigations(build(1.0))
    assert base.status == "optimal"
    for scale in (1e-8, 1e-9, 1e9):
        result = optimal_mitigations(build(scale))
        assert result.status == "optimal"
        assert result.cost == pytest.approx(base.cost * scale, rel=1e-12)


def tiny_impacts(impact: float = 1.0) -> AttackModel:
    """Case 2: impacts 1e-7 and 3e-7, one mitigation of cost 1 each."""
    m = AttackModel("case 2")
    m.add_all(
        nodes=[
            Node("E", "entry", "e"),
            Node("G1", "goal", "g1", impact=1e-7 * impact),
            Node("G2", "goal", "g2", impact=3e-7 * impact),
        ],
        edges=[Edge("E", "G1"), Edge("E", "G2")],
        mitigations=[
            Mitigation("M1", "m1", ("G1",), cost=1),
            Mitigation("M2", "m2", ("G2",), cost=1),
        ],
    )
    return m


@pytest.mark.parametrize("scale", SCALES)
def test_budget_with_tiny_impacts(scale):
    result = optimal_mitigations(tiny_impacts(scale), budget=1)
    assert (result.status, result.mitigations, result.blocked_goals) == (
        "optimal",
        ("M2",),
        ("G2",),
    )
    assert result.impact_blocked == pytest.approx(3e-7 * scale, rel=1e-15)


@pytest.mark.parametrize("scale", SCALES)
def test_frontier_at_every_scale(scale):
    from attackgraph.analysis.optimize import pareto_frontier

    for model in (
        scaled(tiny_impacts(), cost=scale, impact=scale),
        scaled(two_routes(), cost=scale),
    ):
        goals = [n.id for n in model.nodes.values() if n.kind == "goal"]
        want = ref.exact_frontier(model, goals)
        got = pareto_frontier(model)
        assert [(p.cost, p.impact_left) for p in got] == [(float(c), float(i)) for c, i in want]


@pytest.mark.parametrize("scale", SCALES)
def test_budget_is_exact(scale):
    m = AttackModel("case 3")
    m.add_all(
        nodes=[Node("E", "entry", "e"), Node("G", "goal", "g")],
        edges=[Edge("E", "G")],
        mitigations=[Mitigation("M", "m", ("G",), cost=1e-10 * scale)],
    )
    assert optimal_mitigations(m, budget=0).mitigations == ()
    assert optimal_mitigations(m, budget=1e-10 * scale).mitigations == ("M",)
    below = float(Fraction(1e-10 * scale) * (1 - Fraction(1, 2**50)))
    assert optimal_mitigations(m, budget=below).mitigations == ()


def test_budget_never_exceeded_by_a_rounding():
    """0.1 + 0.2 > 0.3 exactly: a budget of 0.3 cannot buy both."""
    m = AttackModel("sums")
    m.add_all(
        nodes=[
            Node("E", "entry", "e"),
            Node("G1", "goal", "g1", impact=1),
            Node("G2", "goal", "g2", impact=1),
        ],
        edges=[Edge("E", "G1"), Edge("E", "G2")],
        mitigations=[
            Mitigation("M1", "m1", ("G1",), cost=0.1),
            Mitigation("M2", "m2", ("G2",), cost=0.2),
        ],
    )
    result = optimal_mitigations(m, budget=0.3)
    assert result.status == "optimal"
    assert len(result.mitigations) == 1
    assert sum(Fraction(m.mitigations[x].effective_cost) for x in result.mitigations) <= Fraction(
        0.3
    )


def near_equal_steps() -> AttackModel:
    """Case 4: step costs 1000000000002 and 1000000000001."""
    m = AttackModel("case 4")
    m.add_all(
        nodes=[
            Node("E", "entry", "e"),
            Node("S1", "step", "s1", cost=1000000000002),
            Node("S2", "step", "s2", cost=1000000000001),
            Node("G", "goal", "g"),
        ],
        edges=[Edge("E", "S1"), Edge("E", "S2"), Edge("S1", "G"), Edge("S2", "G")],
    )
    return m


@pytest.mark.parametrize("limit", [1, 2, 10])
def test_chain_order_is_exact(limit):
    chains = analyze(near_equal_steps(), max_chains=limit).chains
    assert [c.nodes for c in chains] == [("E", "S2", "G"), ("E", "S1", "G")][:limit]


def test_probability_order_is_exact():
    m = AttackModel("probabilities")
    m.add_all(
        nodes=[
            Node("E", "entry", "e"),
            Node("S1", "step", "s1", probability=0.3),
            Node("S2", "step", "s2", probability=0.3 + 2**-53),
            Node("G", "goal", "g"),
        ],
        edges=[Edge("E", "S1"), Edge("E", "S2"), Edge("S1", "G"), Edge("S2", "G")],
    )
    result = analyze(m, max_chains=2)
    assert [c.nodes[1] for c in result.chains] == ["S2", "S1"]


def lattice(width: int, layers: int, probability: float = 1.0) -> AttackModel:
    """``width ** layers`` chains, all equal in cost, probability and length."""
    nodes = [Node("E", "entry", "e")]
    edges = []
    previous = ["E"]
    for layer in range(layers):
        current = [f"L{layer}x{i}" for i in range(width)]
        nodes += [Node(n, "step", n, probability=probability) for n in current]
        edges += [Edge(p, c) for p in previous for c in current]
        previous = current
    nodes.append(Node("G", "goal", "g"))
    edges += [Edge(p, "G") for p in previous]
    m = AttackModel("ties")
    m.add_all(nodes=nodes, edges=edges)
    return m


def _smallest_ids(model: AttackModel, limit: int) -> list[list[str]]:
    every = analyze(model, max_chains=10_000, depth=False).chains
    return [sorted(c.nodes) for c in every][:limit]


def test_exact_ties_honour_the_id_order():
    model = lattice(4, 3)
    result = analyze(model, max_chains=5)
    assert result.truncated and not result.ties_approximate
    assert result.to_json()["order_within_ties"] == "exact"
    assert [sorted(c.nodes) for c in result.chains] == _smallest_ids(model, 5)


def test_ties_beyond_the_budget_are_reported():
    model = lattice(4, 3)
    graph = compile_model(model)
    found = enumerate_chains(
        graph,
        bytes([1]) * graph.size,
        [graph.index["G"]],
        5,
        order=ChainOrder.of(graph),
        tie_budget=0,
    )
    assert found.truncated and found.ties_approximate


def test_rounded_ties_are_reported():
    """Probabilities 0.5: the -log sums tie only to 12 digits; a search cut
    inside the tie is reported approximate, in JSON and in the text."""
    from attackgraph.cli.analysis_text import analysis_text

    model = lattice(4, 3, probability=0.5)
    graph = compile_model(model)
    found = enumerate_chains(
        graph,
        bytes([1]) * graph.size,
        [graph.index["G"]],
        5,
        order=ChainOrder.of(graph),
        tie_budget=3,
    )
    assert found.truncated and found.ties_approximate
    result = dataclasses.replace(analyze(model, max_chains=5), ties_approximate=True)
    assert result.to_json()["order_within_ties"] == "approximate"
    assert "approximate" in analysis_text(result)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    models(max_nodes=8, max_mitigations=4),
    st.sampled_from([-9, -6, -3, 3, 6, 9]),
    st.sampled_from([-9, -3, 0, 3, 9]),
)
def test_optimize_is_invariant_under_scaling(model, cost_power, impact_power):
    goals = [n.id for n in model.nodes.values() if n.kind == "goal"]
    factor = 10.0**cost_power
    big = scaled(model, cost=factor, impact=10.0**impact_power)
    base = optimal_mitigations(model)
    result = optimal_mitigations(big)
    assert result.status == base.status
    if base.status == "optimal":
        expected = ref.exact_optimal_cost(big, goals)
        assert Fraction(result.cost) == pytest.approx(expected, rel=1e-15) or result.cost == float(
            expected
        )
        assert ref.exact_optimal_cost(model, goals) == Fraction(base.cost) or base.cost == float(
            ref.exact_optimal_cost(model, goals)
        )
    for budget in (0, 1, 3):
        want = ref.exact_budget_impact(big, goals, budget * factor)
        got = optimal_mitigations(big, budget=budget * factor)
        assert got.status == "optimal"
        assert got.impact_blocked == float(want)
        spent = sum(
            (Fraction(big.mitigations[m].effective_cost) for m in got.mitigations), Fraction(0)
        )
        assert spent <= Fraction(budget * factor)


@SETTINGS
@given(models(max_nodes=8, max_mitigations=4), st.sampled_from([None, "P1"]))
def test_depth_matches_brute_force(model, profile):
    releases = [None, *model.releases]
    for release in releases:
        result = analyze(model, at_release=release, profile=profile)
        for goal in result.depth.goals:
            assert goal.depth == ref.depth(model, goal.goal, profile, release=release), goal
            assert goal.proven
            if goal.depth:  # the cut reopens it
                b = ref.blocked_set(model, profile, (), goal.cut, release)
                assert goal.goal in ref.achieved(model, b) - b
            for single in goal.single_points:
                b = ref.blocked_set(model, profile, (), (single,), release)
                assert goal.goal in ref.achieved(model, b) - b
        for chain in result.chains:
            nodes = set(chain.nodes)
            if nodes & ref.fixed(model, release):
                assert result.depth.chains[chain.id] is None
            else:
                eff = ref.in_effect(model, release=release)
                assert result.depth.chains[chain.id] == sum(
                    1
                    for m in model.mitigations.values()
                    if m.id in eff and m.is_full and nodes & set(m.blocks)
                )


def test_depth_with_and_gates_and_cycles():
    """Two barriers in a cycle: E -> A <-> B -> G; A needs E, G needs B."""
    m = AttackModel("cycle")
    m.add_all(
        nodes=[
            Node("E", "entry", "e"),
            Node("A", "step", "a"),
            Node("B", "step", "b"),
            Node("C", "step", "c"),
            Node("G", "goal", "g", gate="and"),
        ],
        edges=[
            Edge("E", "A"),
            Edge("A", "B"),
            Edge("B", "A"),
            Edge("B", "G"),
            Edge("E", "C"),
            Edge("C", "G"),
        ],
        mitigations=[
            Mitigation("MA", "ma", ("A",), status="deployed"),
            Mitigation("MB", "mb", ("B",), status="deployed"),
            Mitigation("MC", "mc", ("C",), status="deployed"),
            Mitigation("MP", "mp", ("C",), status="deployed", effectiveness=0.5),
        ],
    )
    goal = analyze(m).depth.goal("G")
    assert (goal.depth, goal.cut) == (3, ("MA", "MB", "MC"))
    assert goal.depth == ref.depth(m, "G")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    models(max_nodes=7, max_mitigations=3),
    st.sampled_from([-9, -3, 3, 9]),
    st.sampled_from([-9, 0, 9]),
)
def test_frontier_matches_the_exact_reference_at_every_scale(model, cost_power, impact_power):
    from attackgraph.analysis.optimize import pareto_frontier

    big = scaled(model, cost=10.0**cost_power, impact=10.0**impact_power)
    goals = [n.id for n in big.nodes.values() if n.kind == "goal"]
    want = [(float(c), float(i)) for c, i in ref.exact_frontier(big, goals)]
    assert [(p.cost, p.impact_left) for p in pareto_frontier(big)] == want

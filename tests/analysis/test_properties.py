"""Property tests: the engine against a brute-force reference of the spec."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attackgraph.analysis import analyze
from attackgraph.analysis.optimize import optimal_mitigations, pareto_frontier
from attackgraph.analysis.whatif import WhatIf
from tests.analysis import reference as ref
from tests.analysis.strategies import models

SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scenarios(draw):
    model = draw(models())
    mits = list(model.mitigations)
    profile = draw(st.sampled_from([None, "P1"]))
    release = draw(st.sampled_from([None, *model.releases]))
    with_ = draw(st.lists(st.sampled_from(mits), max_size=2, unique=True)) if mits else []
    without = draw(st.lists(st.sampled_from(mits), max_size=1, unique=True)) if mits else []
    return model, profile, release, with_, without


def _goals(model):
    return [n.id for n in model.nodes.values() if n.kind == "goal"]


@SETTINGS
@given(scenarios())
def test_analysis_matches_reference(case):
    model, profile, release, with_, without = case
    result = analyze(
        model,
        profile=profile,
        at_release=release,
        switch_on=with_,
        switch_off=without,
        max_chains=10_000,
    )
    assert not result.truncated
    assert result.in_effect == tuple(
        m for m in model.mitigations if m in ref.in_effect(model, with_, without, release)
    )
    blocked = ref.blocked_set(model, profile, with_, without, release)
    reach = ref.achieved(model, blocked)
    expected_rows = []
    for goal in _goals(model):
        chains = ref.chains(model, goal, profile)
        got = [c for c in result.chains if c.goal == goal]
        assert sorted(frozenset(c.nodes) for c in got) == sorted(chains, key=sorted) or {
            frozenset(c.nodes) for c in got
        } == set(chains)
        assert len(got) == len(chains)
        g = result.goal(goal)
        assert g.chains == len(chains)
        facts = {c: ref.chain_facts(model, c, profile, with_, without, release) for c in chains}
        assert g.open_chains == sum(f[3] for f in facts.values())
        # reachable <=> allowed and achieved <=> some open chain
        assert g.reachable == (goal in reach and goal in ref.allowed(model, profile))
        assert g.reachable == any(f[3] for f in facts.values())
        common = frozenset.intersection(*chains) - {goal} if chains else frozenset()
        assert set(g.choke_points) == set(common)
        for c in got:
            cost, prob, broken, is_open = facts[frozenset(c.nodes)]
            assert math.isclose(c.cost, cost)
            assert math.isclose(c.probability, prob)
            assert c.broken_by == broken
            assert c.open == is_open
            # enabling order: every node after its enabling predecessors in the chain
            seen: set[str] = set()
            for v in c.nodes:
                node = model.nodes[v]
                ps = [e.source for e in model.edges if e.target == v and e.source in c.nodes]
                if node.kind != "entry":
                    if node.effective_gate == "and":
                        assert all(p in seen for p in ps)
                    else:
                        assert any(p in seen for p in ps)
                seen.add(v)
        for chain, (cost, prob, _, _) in facts.items():
            expected_rows.append((cost, -prob, len(chain), tuple(sorted(chain))))
    # contract order and ids
    expected_rows.sort()
    got_rows = [
        (c.cost, -c.probability, len(c.nodes), tuple(sorted(c.nodes))) for c in result.chains
    ]
    assert [r[3] for r in got_rows] == [r[3] for r in expected_rows]
    assert [c.id for c in result.chains] == [f"C{i}" for i in range(1, len(result.chains) + 1)]
    for mit in result.mitigations:
        assert mit.breaks == tuple(c.id for c in result.chains if mit.id in c.broken_by)
        # switching it on alone makes these goals unreachable
        if mit.full and not mit.in_effect:
            b2 = blocked | set(model.mitigations[mit.id].blocks)
            r2 = ref.achieved(model, b2)
            expected = tuple(g for g in _goals(model) if result.goal(g).reachable and g not in r2)
            assert mit.makes_unreachable == expected


@SETTINGS
@given(scenarios(), st.integers(0, 4))
def test_truncated_lists_the_cheapest(case, limit):
    model, profile, release, with_, without = case
    state = {"profile": profile, "at_release": release, "switch_on": with_, "switch_off": without}
    full = analyze(model, max_chains=10_000, **state)
    cut = analyze(model, max_chains=limit, **state)
    assert [c.nodes for c in cut.chains] == [c.nodes for c in full.chains[:limit]]
    assert cut.truncated == (len(full.chains) > limit)
    for g_cut, g_full in zip(cut.goals, full.goals, strict=True):
        assert g_cut.chains in (None, g_full.chains)
        assert g_cut.choke_points == g_full.choke_points
        assert g_cut.reachable == g_full.reachable


@SETTINGS
@given(scenarios())
def test_optimal_cost_matches_reference(case):
    model, profile, release, _, _ = case
    goals = _goals(model)
    result = optimal_mitigations(model, profile=profile, at_release=release)
    expected = ref.optimal_cost(model, goals, profile, release)
    if expected is None:
        assert result.status == "infeasible"
        assert result.cost is None and result.mitigations is None and result.unblockable
    else:
        assert result.status == "optimal"
        assert math.isclose(result.cost, expected)
        assert math.isclose(result.bound, expected)
        b = ref.blocked_set(model, profile, result.mitigations, (), release)
        assert not any(g in ref.achieved(model, b) - b for g in goals)


@SETTINGS
@given(scenarios(), st.sampled_from([0, 1, 2, 4, 7]))
def test_budget_matches_reference(case, budget):
    model, profile, release, _, _ = case
    goals = _goals(model)
    result = optimal_mitigations(model, profile=profile, at_release=release, budget=budget)
    assert result.status == "optimal"
    assert result.cost <= budget + 1e-9
    assert math.isclose(
        result.impact_blocked, ref.budget_impact(model, goals, budget, profile, release)
    )


@SETTINGS
@given(scenarios())
def test_pareto_frontier_matches_reference(case):
    model, profile, release, _, _ = case
    goals = _goals(model)
    points = pareto_frontier(model, profile=profile, at_release=release)
    expected = ref.frontier(model, goals, profile, release)
    got = [value for p in points for value in (p.cost, p.impact_left)]
    assert got == pytest.approx([value for point in expected for value in point])
    for point in points:  # each point's set attains it
        b = ref.blocked_set(model, profile, point.mitigations, (), release)
        reach = ref.achieved(model, b) - b
        assert math.isclose(
            math.fsum(model.nodes[g].effective_impact for g in goals if g in reach),
            point.impact_left,
            abs_tol=1e-9,
        )
        assert set(point.blocked_goals).isdisjoint(reach)


@SETTINGS
@given(scenarios(), st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=6))
def test_whatif_follows_switches(case, switches):
    model, profile, release, _, _ = case
    mits = list(model.mitigations)
    state = WhatIf(model, profile=profile, at_release=release)
    on = set(state.in_effect)
    for index, flag in switches:
        if not mits:
            break
        mit = mits[index % len(mits)]
        before = state.achieved_nodes()
        change = state.switch(mit, flag)
        if flag:
            on.add(mit)
        else:
            on.discard(mit)
        base = ref.in_effect(model, (), (), release)
        now = ref.achieved(
            model, ref.blocked_set(model, profile, sorted(on - base), sorted(base - on), release)
        )
        assert state.achieved_nodes() == now
        assert set(change.nodes_changed) == before ^ now
        fresh = analyze(
            model,
            profile=profile,
            at_release=release,
            switch_on=sorted(on - base),
            switch_off=sorted(base - on),
        )
        assert state.reachable_goals() == tuple(g.id for g in fresh.goals if g.reachable)
        # Chain ids follow the sort order, which partial mitigations change
        # (probability); compare chains by their node sets instead.
        listed = {c.id: frozenset(c.nodes) for c in state.analysis.chains}
        assert {listed[c] for c in state.open_chains()} == {
            frozenset(c.nodes) for c in fresh.chains if c.open
        }
        probability = {frozenset(c.nodes): c.probability for c in fresh.chains}
        for chain_id, nodes in listed.items():
            assert math.isclose(state.chain_probability(chain_id), probability[nodes])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        models(max_nodes=11, max_mitigations=0),
        models(max_nodes=11, max_mitigations=0, max_enablers=6, acyclic=True),
    )
)
def test_chains_of_larger_models(model):
    result = analyze(model, max_chains=100_000)
    for goal in _goals(model):
        chains = ref.chains(model, goal)
        assert {frozenset(c.nodes) for c in result.chains if c.goal == goal} == set(chains)
        common = frozenset.intersection(*chains) - {goal} if chains else frozenset()
        assert set(result.goal(goal).choke_points) == set(common)

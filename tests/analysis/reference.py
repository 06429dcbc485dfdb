"""A brute-force reference of the format's Semantics section, written from the
specification's definitions only (no code shared with the package), for
small models."""

from __future__ import annotations

import itertools
import math

from attackgraph.model import AttackModel

SKILLS = ("none", "low", "medium", "high", "expert")


def achieved(model: AttackModel, blocked: set[str]) -> set[str]:
    """A(B): iterate the three rules until nothing changes (least fixpoint)."""
    preds = {n: [e.source for e in model.edges if e.target == n] for n in model.nodes}
    out: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in model.nodes.values():
            if node.id in out or node.id in blocked:
                continue
            if node.kind == "entry":
                ok = True
            elif node.effective_gate == "and":
                ok = all(p in out for p in preds[node.id])
            else:
                ok = any(p in out for p in preds[node.id])
            if ok:
                out.add(node.id)
                changed = True
    return out


def in_effect(model: AttackModel, with_=(), without=(), release=None) -> set[str]:
    if release is None:
        base = {m.id for m in model.mitigations.values() if m.effective_status == "deployed"}
    else:
        r = list(model.releases).index(release)
        base = {
            m.id
            for m in model.mitigations.values()
            if (m.release is not None and list(model.releases).index(m.release) <= r)
            or (m.release is None and m.effective_status == "deployed")
        }
    return (base | set(with_)) - set(without)


def fixed(model: AttackModel, release=None) -> set[str]:
    if release is None:
        return set()
    r = list(model.releases).index(release)
    return {
        n.id
        for n in model.nodes.values()
        if n.release_fixed is not None and list(model.releases).index(n.release_fixed) <= r
    }


def allowed(model: AttackModel, profile=None) -> set[str]:
    if profile is None:
        return set(model.nodes)
    p = model.profiles[profile]
    return {
        n.id
        for n in model.nodes.values()
        if (n.access is None or n.access in p.effective_access)
        and (n.skill is None or SKILLS.index(n.skill) <= SKILLS.index(p.effective_max_skill))
    }


def chains(model: AttackModel, goal: str, profile=None) -> list[frozenset[str]]:
    """Every minimal set S of allowed nodes with goal in A(N \\ S)."""
    ok = sorted(allowed(model, profile))
    if goal not in ok:
        return []
    others = [n for n in ok if n != goal]
    all_nodes = set(model.nodes)
    good = []
    for k in range(len(others) + 1):
        for combo in itertools.combinations(others, k):
            s = frozenset((goal, *combo))
            if any(g <= s for g in good):
                continue  # a proper subset works: not minimal (sizes grow)
            if goal in achieved(model, all_nodes - s):
                good.append(s)
    return good


def blocked_set(model, profile=None, with_=(), without=(), release=None) -> set[str]:
    eff = in_effect(model, with_, without, release)
    out = set(model.nodes) - allowed(model, profile)
    out |= fixed(model, release)
    for m in eff:
        mit = model.mitigations[m]
        if mit.is_full:
            out |= set(mit.blocks)
    return out


def chain_facts(model, chain, profile=None, with_=(), without=(), release=None):
    """(cost, probability, broken_by, open) of a chain."""
    eff = in_effect(model, with_, without, release)
    cost = math.fsum(model.nodes[v].effective_cost for v in chain)
    prob = math.prod(model.nodes[v].effective_probability for v in chain)
    for m in sorted(eff):
        mit = model.mitigations[m]
        if not mit.is_full and set(mit.blocks) & chain:
            prob *= 1 - mit.effective_effectiveness
    broken = tuple(
        sorted(m.id for m in model.mitigations.values() if m.is_full and set(m.blocks) & chain)
    )
    is_open = not any(
        model.mitigations[m].is_full and set(model.mitigations[m].blocks) & chain for m in eff
    ) and not (fixed(model, release) & chain)
    return cost, prob, broken, is_open


def optimal_cost(model, goals, profile=None, release=None):
    """Least cost of a set of full, not-in-effect mitigations making every goal
    unreachable; None when infeasible."""
    eff = in_effect(model, (), (), release)
    cands = [m for m in model.mitigations.values() if m.is_full and m.id not in eff]
    best = None
    for k in range(len(cands) + 1):
        for combo in itertools.combinations(cands, k):
            b = blocked_set(model, profile, [m.id for m in combo], (), release)
            reach = achieved(model, b) - b
            if not any(g in reach for g in goals):
                cost = math.fsum(m.effective_cost for m in combo)
                if best is None or cost < best:
                    best = cost
    return best


def budget_impact(model, goals, budget, profile=None, release=None):
    """Most impact of goals made (or already) unreachable within the budget."""
    eff = in_effect(model, (), (), release)
    cands = [m for m in model.mitigations.values() if m.is_full and m.id not in eff]
    best = 0.0
    for k in range(len(cands) + 1):
        for combo in itertools.combinations(cands, k):
            if math.fsum(m.effective_cost for m in combo) > budget + 1e-9:
                continue
            b = blocked_set(model, profile, [m.id for m in combo], (), release)
            reach = achieved(model, b) - b
            best = max(
                best, math.fsum(model.nodes[g].effective_impact for g in goals if g not in reach)
            )
    return best


def frontier(model, goals, profile=None, release=None):
    """Pareto frontier ``[(cost, impact left reachable)]``, cheapest first: the
    non-dominated points over every set of full, not-in-effect mitigations."""
    eff = in_effect(model, (), (), release)
    cands = [m for m in model.mitigations.values() if m.is_full and m.id not in eff]
    points = []
    for k in range(len(cands) + 1):
        for combo in itertools.combinations(cands, k):
            b = blocked_set(model, profile, [m.id for m in combo], (), release)
            reach = achieved(model, b) - b
            left = math.fsum(model.nodes[g].effective_impact for g in goals if g in reach)
            points.append((math.fsum(m.effective_cost for m in combo), left))
    out = []
    for cost, left in sorted(points):
        if not out or left < out[-1][1] - 1e-9:
            out.append((cost, left))
    return out


def depth(model, goal, profile=None, with_=(), without=(), release=None):
    """Least number of in-effect full mitigations whose defeat puts ``goal``
    back in A(B) (fixed and disallowed nodes stay blocked); None when none does."""
    eff = in_effect(model, with_, without, release)
    barriers = [m for m in model.mitigations.values() if m.is_full and m.id in eff]
    base = fixed(model, release) | (set(model.nodes) - allowed(model, profile))
    for k in range(len(barriers) + 1):
        for combo in itertools.combinations(barriers, k):
            defeated = {m.id for m in combo}
            b = set(base)
            for m in barriers:
                if m.id not in defeated:
                    b |= set(m.blocks)
            if goal in achieved(model, b) - b:
                return k
    return None


def exact_optimal_cost(model, goals, profile=None, release=None):
    """:func:`optimal_cost` with exact (rational) sums."""
    from fractions import Fraction

    eff = in_effect(model, (), (), release)
    cands = [m for m in model.mitigations.values() if m.is_full and m.id not in eff]
    best = None
    for k in range(len(cands) + 1):
        for combo in itertools.combinations(cands, k):
            b = blocked_set(model, profile, [m.id for m in combo], (), release)
            reach = achieved(model, b) - b
            if not any(g in reach for g in goals):
                cost = sum((Fraction(m.effective_cost) for m in combo), Fraction(0))
                if best is None or cost < best:
                    best = cost
    return best


def exact_budget_impact(model, goals, budget, profile=None, release=None):
    """:func:`budget_impact` with exact sums and an exact budget."""
    from fractions import Fraction

    eff = in_effect(model, (), (), release)
    cands = [m for m in model.mitigations.values() if m.is_full and m.id not in eff]
    best = Fraction(0)
    for k in range(len(cands) + 1):
        for combo in itertools.combinations(cands, k):
            if sum((Fraction(m.effective_cost) for m in combo), Fraction(0)) > Fraction(budget):
                continue
            b = blocked_set(model, profile, [m.id for m in combo], (), release)
            reach = achieved(model, b) - b
            best = max(
                best,
                sum(
                    (Fraction(model.nodes[g].effective_impact) for g in goals if g not in reach),
                    Fraction(0),
                ),
            )
    return best


def exact_frontier(model, goals, profile=None, release=None):
    """:func:`frontier` with exact sums: ``[(cost, impact left)]`` as Fractions."""
    from fractions import Fraction

    eff = in_effect(model, (), (), release)
    cands = [m for m in model.mitigations.values() if m.is_full and m.id not in eff]
    points = []
    for k in range(len(cands) + 1):
        for combo in itertools.combinations(cands, k):
            b = blocked_set(model, profile, [m.id for m in combo], (), release)
            reach = achieved(model, b) - b
            left = sum(
                (Fraction(model.nodes[g].effective_impact) for g in goals if g in reach),
                Fraction(0),
            )
            points.append((sum((Fraction(m.effective_cost) for m in combo), Fraction(0)), left))
    out = []
    for cost, left in sorted(points):
        if not out or left < out[-1][1]:
            out.append((cost, left))
    return out

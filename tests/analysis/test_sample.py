"""Facts a trainer states about the flagship sample (Azure Sphere 2020)."""

from __future__ import annotations

from pathlib import Path

import pytest

from attackgraph.analysis import analyze
from attackgraph.analysis.optimize import optimal_mitigations
from attackgraph.formats import read_model

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "azure-sphere-2020.attackgraph.json"

MCAFEE = {
    "preprod-account",
    "finalized-device",
    "read-device-id",
    "preprod-reclaim",
    "apply-capability",
    "sideload-package",
    "device-node-flash",
    "modify-uid-map",
    "uid-map-sys",
    "azcore-swap",
    "core-dump-root",
    "root-nw-linux",
}


@pytest.fixture(scope="module")
def model():
    if not SAMPLE.exists():
        pytest.fail(f"the flagship sample {SAMPLE} is missing")
    return read_model(SAMPLE)


def _mcafee(result):
    return next(c for c in result.chains if set(c.nodes) == MCAFEE)


def test_mcafee_chain_is_broken_by_the_2007_and_2008_fixes(model):
    for release in ("20.06", "20.07", "20.08"):
        result = analyze(model, goals=["root-nw-linux"], at_release=release)
        chain = _mcafee(result)
        assert {
            "package-content-validation",
            "uid-map-integrity",
            "azcore-capability-bits",
            "as3-env-separation",
        } <= set(chain.broken_by)
        assert chain.open == (release == "20.06")
        # enabling order: the cloud re-claim comes before the capability is applied
        assert chain.nodes.index("preprod-reclaim") < chain.nodes.index("apply-capability")
        assert chain.nodes[-1] == "root-nw-linux"


def test_the_symlink_detour_is_not_a_chain(model):
    # sideload-package enables device-node-flash directly: the symlink path is a shortcut
    result = analyze(model, goals=["root-nw-linux"])
    assert not any(
        "symlink-escape" in c.nodes
        and "sideload-package" in c.nodes
        and "unsigned-code" not in c.nodes
        for c in result.chains
    )


def test_secure_world_and_pluton_are_unreachable(model):
    for release in (None, *model.releases):
        result = analyze(model, at_release=release)
        for goal in ("sw-code-exec", "pluton-code-exec"):
            state = result.goal(goal)
            assert not state.reachable
            assert state.chains and state.open_chains == 0
    result = analyze(model, goals=["sw-code-exec"])
    assert all("secure-world-isolation" in c.broken_by for c in result.chains)
    assert "sm-exploit" in result.goal("sw-code-exec").choke_points


def test_root_was_reached_on_2006_and_is_fixed_by_2009(model):
    # both teams got root on the attacked release; the fixes through 20.09 close every chain
    assert analyze(model, at_release="20.06").goal("root-nw-linux").reachable
    final = analyze(model, at_release="20.09").goal("root-nw-linux")
    assert not final.reachable and final.open_chains == 0 and final.chains


def test_remote_only_attacker_reaches_nothing(model):
    result = analyze(model, profile="remote-only")
    assert not any(g.reachable for g in result.goals)
    assert result.chains == ()


def test_optimal_set_blocks_every_goal(model):
    result = optimal_mitigations(model)
    assert result.status == "optimal" and result.bound == result.cost
    after = analyze(model, switch_on=list(result.mitigations))
    assert not any(g.reachable for g in after.goals)


@pytest.mark.parametrize(
    "path", sorted(SAMPLE.parent.glob("*.attackgraph.json")), ids=lambda p: p.name
)
def test_every_sample_is_consistent(path):
    sample = read_model(path)
    result = analyze(sample)
    for goal in result.goals:
        if goal.open_chains is not None:
            assert goal.reachable == (goal.open_chains > 0)
    best = optimal_mitigations(sample)
    assert best.status in ("optimal", "infeasible")
    if best.status == "optimal":
        after = analyze(sample, switch_on=list(best.mitigations))
        assert not any(g.reachable for g in after.goals)

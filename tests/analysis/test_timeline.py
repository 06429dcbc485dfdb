"""The release timeline agrees with analyses at each release."""

from __future__ import annotations

from pathlib import Path

from attackgraph.analysis import analyze, release_timeline
from attackgraph.formats import read_model
from attackgraph.model import AttackModel, Edge, Mitigation, Node, Release

FLAGSHIP = Path(__file__).resolve().parents[2] / "samples" / "azure-sphere-2020.attackgraph.json"


def test_flagship_chains_close_with_2007():
    model = read_model(FLAGSHIP)
    states = release_timeline(model)
    assert [s.release for s in states] == list(model.releases)
    first, second = states[0], states[1]
    assert first.open_chains and set(first.reachable_goals) == {"root-nw-linux", "as-capabilities"}
    # Talos: "when 20.07 rolled around, all the privilege escalation chains were broken"
    assert second.open_chains == 0 and second.reachable_goals == ()
    assert len(second.closed_chains) == first.open_chains
    assert "package-content-validation" in second.new_mitigations
    for state in states:
        result = analyze(model, at_release=state.release)
        assert state.in_effect == result.in_effect
        assert state.open_chains == sum(g.open_chains for g in result.goals)


def test_fixed_nodes_and_profiles():
    model = AttackModel("t")
    model.add_all(
        nodes=[
            Node("E", "entry", "e", access="physical"),
            Node("S", "step", "s", release_fixed="r2"),
            Node("G", "goal", "g"),
        ],
        edges=[Edge("E", "S"), Edge("S", "G")],
        releases=[Release("r1", "one", date="2020-01-01"), Release("r2", "two")],
        mitigations=[Mitigation("M", "m", ("E",), release="r1", effectiveness=0.5)],
    )
    states = release_timeline(model)
    assert [(s.open_chains, s.reachable_goals) for s in states] == [(1, ("G",)), (0, ())]
    assert states[0].date == "2020-01-01" and states[0].new_mitigations == ("M",)
    assert states[1].closed_chains == (("E", "G", "S"),)
    assert release_timeline(AttackModel("empty")) == ()


def test_flagship_depth_rises_release_by_release():
    """All chains are closed from 20.07 on; the depth shows 20.08 and 20.09 at work."""
    sample = Path(__file__).parents[2] / "samples" / "azure-sphere-2020.attackgraph.json"
    states = {s.release: s for s in release_timeline(read_model(sample))}
    assert [states[r].open_chains for r in ("20.06", "20.07", "20.08", "20.09")] == [34, 0, 0, 0]
    assert [states[r].min_depth for r in ("20.06", "20.07", "20.08", "20.09")] == [0, 1, 1, 3]
    root = {r: dict(states[r].depths)["root-nw-linux"] for r in states}
    assert (root["20.07"], root["20.08"], root["20.09"]) == (1, 1, None)

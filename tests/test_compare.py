"""The semantic model diff (attackgraph.compare): by id, field by field, and
its analysis part."""

from __future__ import annotations

import dataclasses

import pytest

from attackgraph.compare import FieldChange, diff_models
from attackgraph.model import Component, Edge, Mitigation, Node
from tests.render.hostile import small_model


def test_identical_models_are_the_same() -> None:
    a, b = small_model(), small_model()
    b.set_position("E1", (5.0, 5.0))  # canvas positions are not the model's meaning
    result = diff_models(a, b)
    assert result.same and result.changes == ()
    assert not result.analysis.changed


def test_every_kind_of_object_is_compared() -> None:
    old, new = small_model(), small_model()
    new.add_component(Component("net", "Office network", "network"))
    new.update_node("S1", label="Run a VBA macro", techniques=["T1204.002", "T1059.005"])
    new.remove_edge("S1", "S3")
    new.update_mitigation("M1", cost=4)
    new.remove_mitigation("M4")
    new.add_mitigation(Mitigation("M9", "EDR", ("S2",)))
    result = diff_models(old, new, analysis=False)
    summary = {(c.kind, c.key, c.change) for c in result.changes}
    assert ("components", "net", "added") in summary
    assert ("nodes", "S1", "changed") in summary
    assert ("edges", "S1 -> S3", "removed") in summary
    assert ("mitigations", "M1", "changed") in summary
    assert ("mitigations", "M4", "removed") in summary
    assert ("mitigations", "M9", "added") in summary
    s1 = next(c for c in result.changes if c.key == "S1")
    assert s1.fields == (
        FieldChange("label", "Run a macro on the laptop", "Run a VBA macro"),
        FieldChange("techniques", ["T1204.002"], ["T1204.002", "T1059.005"]),
    )
    assert result.analysis is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.changes = ()  # type: ignore[misc]


def test_chain_reopened_when_its_defence_goes() -> None:
    old, new = small_model(), small_model()
    old.update_mitigation("M1", status="deployed")  # breaks the only chain to G1
    result = diff_models(old, new)
    analysis = result.analysis
    assert analysis.newly_reachable == ("G1",)
    assert len(analysis.opened) == 1
    assert analysis.opened[0].reason == "no longer broken by M1"
    assert analysis.old_open == 0 and analysis.new_open == 1
    assert analysis.old_cost == 0 and analysis.new_cost == 1
    assert analysis.cost_change == 1


def test_infeasible_cost_and_truncated_listing() -> None:
    old, new = small_model(), small_model()
    new.add_node(Node("E9", "entry", "Insider"))
    new.add_edge(Edge("E9", "G1"))  # no mitigation can block this path
    result = diff_models(old, new, max_chains=1)
    assert result.analysis.new_cost is None and result.analysis.cost_change is None
    assert result.analysis.complete is False
    assert result.to_json()["analysis"]["optimal_cost"]["new"] is None

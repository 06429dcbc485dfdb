"""apply_document: any valid model becomes any other, every step valid and
announced; applying the old document restores it exactly."""

from __future__ import annotations

import copy

from hypothesis import given, settings

from attackgraph.formats.native import document_to_model, model_to_document
from attackgraph.model import AttackModel, Component, Edge, Node
from attackgraph.model.sync import apply_document
from tests.analysis.strategies import models


def _with_components(model: AttackModel, ids: list[str]) -> AttackModel:
    """The same model with its nodes spread over nested components."""
    doc = model_to_document(model)
    doc["components"] = [{"id": ids[0], "label": "top", "kind": "cloud"}] + [
        {"id": c, "label": c, "kind": "device", "parent": ids[0]} for c in ids[1:]
    ]
    for index, node in enumerate(doc["nodes"]):
        node["component"] = ids[index % len(ids)]
    doc["layout"] = {n["id"]: [index * 10.0, 0.0] for index, n in enumerate(doc["nodes"])}
    return document_to_model(doc)


@settings(max_examples=60, deadline=None)
@given(models(), models())
def test_any_model_becomes_any_other_and_back(a, b):
    a = _with_components(a, ["K1", "K2"])
    b = _with_components(b, ["K1", "K3", "K4"])
    before, after = model_to_document(a), model_to_document(b)
    events = []
    a.subscribe(events.append)
    apply_document(a, after)
    assert model_to_document(a) == after
    assert events or before == after
    apply_document(a, before)
    assert model_to_document(a) == before


def test_and_gate_kind_and_component_changes_keep_every_step_valid():
    model = AttackModel("t")
    model.add_all(
        components=[Component("c", "C", "device")],
        nodes=[
            Node("E", "entry", "e"),
            Node("A", "step", "a"),
            Node("B", "step", "b", gate="and", component="c"),
            Node("G", "goal", "g"),
        ],
        edges=[Edge("E", "B"), Edge("A", "B"), Edge("E", "A"), Edge("B", "G")],
    )
    doc = model_to_document(model)
    target = copy.deepcopy(doc)
    # A becomes an entry (its incoming edge goes), B keeps AND over new enablers,
    # the component goes away
    target["nodes"][1] = {"id": "A", "kind": "entry", "label": "a"}
    target["nodes"][2] = {"id": "B", "kind": "step", "label": "b", "gate": "and"}
    target["edges"] = [
        {"source": "A", "target": "B"},
        {"source": "B", "target": "G"},
        {"source": "E", "target": "G"},
    ]
    del target["components"]
    apply_document(model, target)
    assert model_to_document(model) == target
    apply_document(model, doc)
    assert model_to_document(model) == doc

"""Every undo command: do, undo, redo restore the model exactly."""

from __future__ import annotations

import pytest

from attackgraph.formats.native import model_to_document
from attackgraph.gui.commands import (
    AddEdgeCommand,
    AddNodeCommand,
    AddObjectCommand,
    MacroCommand,
    MoveNodesCommand,
    MoveReleaseCommand,
    NudgeNodesCommand,
    RemoveEdgeCommand,
    RemoveNodeCommand,
    RemoveObjectCommand,
    RenameCommand,
    SetModelFieldCommand,
    UpdateCommand,
)
from attackgraph.gui.document import Document
from attackgraph.model import Component, Edge, Mitigation, Node, Profile, Release


def _roundtrip(document: Document, command) -> None:
    before = model_to_document(document.model)
    assert document.execute(command) is None
    after = model_to_document(document.model)
    assert after != before
    document.undo_stack.undo()
    assert model_to_document(document.model) == before
    document.undo_stack.redo()
    assert model_to_document(document.model) == after
    document.undo_stack.undo()
    assert model_to_document(document.model) == before


@pytest.mark.parametrize(
    "make",
    [
        lambda m: AddNodeCommand(m, Node("S9", "step", "New"), (10.0, 20.0)),
        lambda m: RemoveNodeCommand(m, "S1"),
        lambda m: RemoveNodeCommand(m, "E1"),
        lambda m: RemoveNodeCommand(m, "E2"),  # in M2's blocks, and an enabler of AND S2
        lambda m: AddEdgeCommand(m, Edge("E1", "G1", label="shortcut")),
        lambda m: RemoveEdgeCommand(m, "E1", "S1"),
        lambda m: UpdateCommand(m, "node", "S1", {"label": "Exploit v2", "cost": 3}),
        lambda m: UpdateCommand(m, "node", "G1", {"impact": 9.5, "probability": 0.5}),
        lambda m: UpdateCommand(m, "edge", ("E1", "S1"), {"label": "phished creds"}),
        lambda m: UpdateCommand(m, "mitigation", "M1", {"status": "deployed"}),
        lambda m: UpdateCommand(m, "mitigation", "M1", {"blocks": ("S1", "S2")}),
        lambda m: UpdateCommand(m, "component", "dev", {"parent": "cloud"}),
        lambda m: UpdateCommand(m, "profile", "P1", {"access": ("network", "local")}),
        lambda m: UpdateCommand(m, "release", "R2", {"date": "2021-01-31"}),
        lambda m: RenameCommand(m, "node", "S1", "S1-renamed"),
        lambda m: RenameCommand(m, "component", "dev", "device"),
        lambda m: RenameCommand(m, "mitigation", "M1", "patch"),
        lambda m: RenameCommand(m, "release", "R1", "v1"),
        lambda m: RenameCommand(m, "profile", "P1", "remote"),
        lambda m: AddObjectCommand(m, Component("net", "Network", "network")),
        lambda m: AddObjectCommand(m, Mitigation("M3", "EDR", ("S2",))),
        lambda m: AddObjectCommand(m, Profile("P2", "Insider", ("local",))),
        lambda m: AddObjectCommand(m, Release("R0", "0.9"), 0),
        lambda m: RemoveObjectCommand(m, "component", "dev"),
        lambda m: RemoveObjectCommand(m, "mitigation", "M2"),
        lambda m: RemoveObjectCommand(m, "release", "R1"),
        lambda m: RemoveObjectCommand(m, "profile", "P1"),
        lambda m: MoveNodesCommand(
            m,
            {"S1": (250.0, 100.0), "S2": (500.0, 100.0)},
            {"S1": (300.0, 150.0), "S2": (550.0, 150.0)},
        ),
        lambda m: MoveReleaseCommand(m, "R1", 1),
        lambda m: SetModelFieldCommand(m, "title", "Renamed model"),
        lambda m: SetModelFieldCommand(m, "description", "Some *Markdown*"),
    ],
)
def test_do_undo_redo(qtbot, model, make):
    _roundtrip(Document(model), make(model))


def test_move_release_keeps_references(qtbot, model):
    document = Document(model)
    assert document.execute(MoveReleaseCommand(model, "R1", 1)) is None
    assert list(model.releases) == ["R2", "R1"]
    assert model.mitigations["M1"].release == "R1"


def test_refused_command_changes_nothing_and_is_not_pushed(qtbot, model):
    document = Document(model)
    before = model_to_document(model)
    reason = document.execute(AddEdgeCommand(model, Edge("S1", "E1")))
    assert reason is not None and "entry" in reason.lower()
    assert model_to_document(model) == before
    assert document.undo_stack.count() == 0


def test_macro_rolls_back_when_a_part_fails(qtbot, model):
    document = Document(model)
    before = model_to_document(model)
    macro = MacroCommand(
        model,
        "two",
        [
            RemoveEdgeCommand(model, "E1", "S1"),
            AddEdgeCommand(model, Edge("G1", "E2")),  # into an entry: refused
        ],
    )
    assert document.execute(macro) is not None
    assert model_to_document(model) == before
    assert document.undo_stack.count() == 0


def test_macro_is_one_undo_entry(qtbot, model):
    document = Document(model)
    macro = MacroCommand(
        model, "Delete 2", [RemoveNodeCommand(model, "G1"), RemoveNodeCommand(model, "E1")]
    )
    _roundtrip(document, macro)
    assert document.undo_stack.count() == 1


def test_nudges_in_a_row_merge_into_one_entry(qtbot, model):
    document = Document(model)
    for step in range(1, 4):
        new = {"S1": (250.0 + 12 * step, 100.0)}
        old = {"S1": model.layout["S1"]}
        assert document.execute(NudgeNodesCommand(model, old, new)) is None
    assert document.undo_stack.count() == 1
    assert model.layout["S1"] == (286.0, 100.0)
    document.undo_stack.undo()
    assert model.layout["S1"] == (250.0, 100.0)
    # A nudge of other nodes is a new entry.
    document.execute(NudgeNodesCommand(model, {"S2": (500.0, 100.0)}, {"S2": (500.0, 112.0)}))
    document.execute(NudgeNodesCommand(model, {"G1": (750.0, 100.0)}, {"G1": (750.0, 112.0)}))
    assert document.undo_stack.count() == 2


def test_every_command_class_is_walked_above():
    """Each undoable command of the GUI has a do/undo/redo round trip in this module."""
    import inspect
    import sys

    from attackgraph.gui import commands

    source = inspect.getsource(sys.modules[__name__])
    classes = [
        name
        for name, obj in vars(commands).items()
        if inspect.isclass(obj)
        and issubclass(obj, commands.ModelCommand)
        and obj is not commands.ModelCommand
    ]
    assert classes
    import re

    missing = [name for name in classes if not re.search(rf"\b{name}\(\s*m", source)]
    assert not missing, f"no round trip for {missing}"

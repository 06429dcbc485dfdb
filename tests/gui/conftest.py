"""Fixtures for GUI tests: offscreen Qt, isolated settings and recovery folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from attackgraph.model import AttackModel, Component, Edge, Mitigation, Node


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTACKGRAPH_RECOVERY_DIR", str(tmp_path / "recovery"))
    yield
    # Qt's offscreen platform crashes at exit when the clipboard still owns
    # MIME data set from Python (xcb does not); tests leave it empty.
    app = QGuiApplication.instance()
    if app is not None:
        QGuiApplication.clipboard().clear()


@pytest.fixture(autouse=True)
def modal_dialogs(monkeypatch):
    """Modal dialogs never block a test: each is recorded; questions are
    answered "Discard" (so a test's window closes), message boxes "Cancel".
    Tests that expect a dialog patch it themselves."""
    shown: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        shown.append(f"question: {title}: {text}")
        return QMessageBox.StandardButton.Discard

    def message_exec(box):
        shown.append(f"box: {box.windowTitle()}: {box.text()}")
        return int(QMessageBox.StandardButton.Cancel.value)

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "exec", message_exec)
    return shown


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def small_model() -> AttackModel:
    """E1 -> S1 -> G1, E2 -> S1, S1 AND-fed S2 -> G1, in two components."""
    model = AttackModel("small")
    model.add_component(Component("cloud", "Cloud", "cloud"))
    model.add_component(Component("dev", "Device", "device"))
    model.add_node(Node("E1", "entry", "Phish", component="cloud"), position=(0.0, 0.0))
    model.add_node(Node("E2", "entry", "USB", component="dev"), position=(0.0, 200.0))
    model.add_node(Node("S1", "step", "Exploit", component="dev"), position=(250.0, 100.0))
    model.add_node(Node("S2", "step", "Escalate", component="dev"), position=(500.0, 100.0))
    model.add_node(Node("G1", "goal", "Root"), position=(750.0, 100.0))
    for source, target in (("E1", "S1"), ("E2", "S1"), ("S1", "S2"), ("E2", "S2"),
                           ("S2", "G1")):
        model.add_edge(Edge(source, target))
    model.update_node("S2", gate="and")
    model.add_mitigation(Mitigation("M1", "Patch", ("S1",)))
    model.add_mitigation(Mitigation("M2", "Lock port", ("E2", "S2")))
    return model


@pytest.fixture
def model():
    return small_model()

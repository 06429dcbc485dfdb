"""Fixtures for GUI tests: offscreen Qt, isolated settings and recovery folder,
dialogs that never block, and real mouse gestures on a canvas view."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from attackgraph.formats import write_model
from attackgraph.model import AttackModel, Component, Edge, Mitigation, Node, Profile, Release


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
    answered "Discard" (so a test's window closes), message boxes "Cancel",
    file dialogs "cancelled". Tests that expect a dialog patch it themselves."""
    shown: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        shown.append(f"question: {title}: {text}")
        return QMessageBox.StandardButton.Discard

    def message_exec(box):
        shown.append(f"box: {box.windowTitle()}: {box.text()}")
        return int(QMessageBox.StandardButton.Cancel.value)

    def message_open(box, *args):
        shown.append(f"box: {box.windowTitle()}: {box.text()}")

    def file_dialog(*args, **kwargs):
        shown.append("file dialog")
        return "", ""

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "exec", message_exec)
    monkeypatch.setattr(QMessageBox, "open", message_open)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", file_dialog)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", file_dialog)
    return shown


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def small_model() -> AttackModel:
    """E1 -> S1 -> G1, E2 -> S1, S1 AND-fed S2 -> G1, in two components."""
    model = AttackModel("small")
    model.add_release(Release("R1", "1.0", "2020-06-30"))
    model.add_release(Release("R2", "2.0"))
    model.add_component(Component("cloud", "Cloud", "cloud"))
    model.add_component(Component("dev", "Device", "device"))
    model.add_node(Node("E1", "entry", "Phish", component="cloud"), position=(0.0, 0.0))
    model.add_node(Node("E2", "entry", "USB", component="dev"), position=(0.0, 200.0))
    model.add_node(
        Node("S1", "step", "Exploit", component="dev", techniques=("T1068",)),
        position=(250.0, 100.0),
    )
    model.add_node(Node("S2", "step", "Escalate", component="dev"), position=(500.0, 100.0))
    model.add_node(Node("G1", "goal", "Root"), position=(750.0, 100.0))
    for source, target in (("E1", "S1"), ("E2", "S1"), ("S1", "S2"), ("E2", "S2"), ("S2", "G1")):
        model.add_edge(Edge(source, target))
    model.update_node("S2", gate="and")
    model.add_mitigation(Mitigation("M1", "Patch", ("S1",), release="R1"))
    model.add_mitigation(Mitigation("M2", "Lock port", ("E2", "S2")))
    model.add_profile(Profile("P1", "Remote", ("network",)))
    return model


@pytest.fixture
def model():
    return small_model()


@pytest.fixture
def window(qtbot, model, settings, tmp_path):
    """A main window showing ``small`` from a file, shown offscreen."""
    from attackgraph.gui.mainwindow import MainWindow

    path = tmp_path / "small.attackgraph.json"
    write_model(model, path)
    win = MainWindow(settings=settings, autosave_s=3600)
    qtbot.addWidget(win)
    assert win.open_path(str(path))
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    win.inspector.flush()
    return win


def send_mouse(
    widget,
    kind,
    pos: QPoint,
    button=Qt.MouseButton.LeftButton,
    buttons=None,
    modifiers=Qt.KeyboardModifier.NoModifier,
) -> None:
    """Deliver one mouse event to ``widget`` (QTest drops held buttons on moves)."""
    local = QPointF(pos)
    global_pos = QPointF(widget.mapToGlobal(pos))
    held = (
        buttons
        if buttons is not None
        else (Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseButtonRelease else button)
    )
    event = QMouseEvent(
        kind,
        local,
        global_pos,
        button if kind != QMouseEvent.Type.MouseMove else Qt.MouseButton.NoButton,
        held,
        modifiers,
    )
    QApplication.sendEvent(widget, event)


def drag(
    view,
    start: QPointF,
    end: QPointF,
    button=Qt.MouseButton.LeftButton,
    modifiers=Qt.KeyboardModifier.NoModifier,
    steps: int = 6,
) -> None:
    """Press at ``start``, move in steps, release at ``end`` (scene coordinates)."""
    viewport = view.viewport()
    a, b = view.mapFromScene(start), view.mapFromScene(end)
    send_mouse(viewport, QMouseEvent.Type.MouseButtonPress, a, button, modifiers=modifiers)
    for i in range(1, steps + 1):
        point = QPoint(
            round(a.x() + (b.x() - a.x()) * i / steps), round(a.y() + (b.y() - a.y()) * i / steps)
        )
        send_mouse(
            viewport, QMouseEvent.Type.MouseMove, point, button, buttons=button, modifiers=modifiers
        )
    send_mouse(viewport, QMouseEvent.Type.MouseButtonRelease, b, button, modifiers=modifiers)


def click(view, at: QPointF, modifiers=Qt.KeyboardModifier.NoModifier, double=False) -> None:
    """A left click (or double click) at a scene point."""
    viewport = view.viewport()
    point = view.mapFromScene(at)
    send_mouse(viewport, QMouseEvent.Type.MouseButtonPress, point, modifiers=modifiers)
    send_mouse(viewport, QMouseEvent.Type.MouseButtonRelease, point, modifiers=modifiers)
    if double:
        send_mouse(viewport, QMouseEvent.Type.MouseButtonDblClick, point, modifiers=modifiers)
        send_mouse(viewport, QMouseEvent.Type.MouseButtonRelease, point, modifiers=modifiers)


@pytest.fixture
def flagship(qtbot, settings):
    """A main window on the flagship sample, its analysis done."""
    from attackgraph.gui.app import flagship_path
    from attackgraph.gui.mainwindow import MainWindow

    win = MainWindow(settings=settings, autosave_s=3600)
    qtbot.addWidget(win)
    assert win.open_path(str(flagship_path()))
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    assert win.workbench.session.wait()
    return win


@pytest.fixture
def session(window):
    """The analysis session of the small model's window, its analysis done."""
    assert window.workbench.session.wait()
    return window.workbench.session


def drop_file(widget, path) -> bool:
    """Drag a file from outside onto ``widget`` and drop it; whether the drag
    was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(300, 300),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(
        widget,
        QDropEvent(
            QPointF(300, 300),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    return True


@pytest.fixture(autouse=True, scope="module")
def _collect_cycles_after_each_module():
    """Once a window exists, Python's cycle collector runs from a timer on the
    GUI thread only (attackgraph.gui.collector); collect at the end of each
    module too, so the tests that follow start without the windows' garbage."""
    yield
    import gc

    gc.collect()

"""Find (Ctrl+F): nodes by label, id or technique id.

Typing highlights every match on the canvas and dims the rest; Enter goes to
the next match, Shift+Enter to the previous one, Escape ends the search.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from attackgraph.gui.canvas.overlay import NodeMark, Overlay
from attackgraph.gui.canvas.scene import CanvasScene
from attackgraph.gui.icons import icon
from attackgraph.model import AttackModel

__all__ = ["FindBar", "find_nodes"]

OVERLAY_LAYER = "find"
MATCH_COLOR = "#f5a623"


def find_nodes(model: AttackModel, text: str) -> list[str]:
    """Ids of the nodes whose label, id or technique ids contain ``text``
    (any case), in file order.

    Examples
    --------
    >>> from attackgraph.model import Node
    >>> m = AttackModel()
    >>> m.add_node(Node("S1", "step", "Escalate", techniques=("T1068",)))
    >>> find_nodes(m, "t1068"), find_nodes(m, "esc"), find_nodes(m, "  ")
    (['S1'], ['S1'], [])
    """
    needle = text.strip().lower()
    if not needle:
        return []
    return [
        nid
        for nid, node in model.nodes.items()
        if needle in node.label.lower()
        or needle in nid.lower()
        or any(needle in t.lower() for t in node.techniques or ())
    ]


class _FindEdit(QLineEdit):
    def __init__(self, bar: FindBar) -> None:
        super().__init__()
        self.bar = bar

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            backwards = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.bar.step(-1 if backwards else 1)
            return
        if event.key() == Qt.Key.Key_Escape:
            self.bar.finish()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    """The find field with its match count and previous/next buttons.

    Signals
    -------
    message(str)
        A sentence for the status bar.
    finished()
        The search ended (Escape): focus can go back to the canvas.
    """

    message = Signal(str)
    finished = Signal()

    def __init__(self, scene: CanvasScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.hits: list[str] = []
        self.position = -1
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(2)
        self.edit = _FindEdit(self)
        self.edit.setPlaceholderText("Find label, id or technique")
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(200)
        self.edit.setMaximumWidth(320)
        self.edit.addAction(icon("find"), QLineEdit.ActionPosition.LeadingPosition)
        self.edit.textChanged.connect(self.search)
        self.count = QLabel()
        self.count.setMinimumWidth(60)
        self.count.setEnabled(False)
        self.previous = QToolButton()
        self.previous.setIcon(icon("prev"))
        self.previous.setToolTip("Previous match (Shift+Enter)")
        self.previous.setAutoRaise(True)
        self.previous.clicked.connect(lambda: self.step(-1))
        self.next = QToolButton()
        self.next.setIcon(icon("next"))
        self.next.setToolTip("Next match (Enter)")
        self.next.setAutoRaise(True)
        self.next.clicked.connect(lambda: self.step(1))
        for widget in (self.edit, self.previous, self.next, self.count):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(150)
        self._again.timeout.connect(self.search_again)
        scene.document.modelReplaced.connect(self.search_again)
        scene.document.modelChanged.connect(self._model_changed)

    def _model_changed(self, event: object) -> None:
        if self.edit.text().strip() and getattr(event, "kind", "") == "node":
            self._again.start()  # labels or ids changed: the matches may have too

    def search_again(self) -> None:
        """Search for the field's text again (the model changed)."""
        self.search(self.edit.text())

    def focus(self) -> None:
        """Put the cursor in the field, its text selected."""
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def search(self, text: str) -> None:
        """Highlight the matches of ``text``."""
        self.hits = find_nodes(self.scene.model, text)
        self.position = -1
        if not text.strip():
            self.scene.set_overlay(OVERLAY_LAYER, None)
            self.count.setText("")
            return
        marks = {nid: NodeMark(accent=MATCH_COLOR) for nid in self.hits}
        self.scene.set_overlay(OVERLAY_LAYER, Overlay(nodes=marks, dim_others=True))
        self.count.setText(
            f"{len(self.hits)} match{'es' * (len(self.hits) != 1)}" if self.hits else "no match"
        )

    def step(self, direction: int) -> None:
        """Select and show the next (1) or previous (-1) match."""
        if self.edit.text() and not self.hits:
            self.search(self.edit.text())
        if not self.hits:
            self.message.emit(
                "No node matches."
                if self.edit.text().strip()
                else "Type part of a label, an id or a technique id."
            )
            return
        self.position = (self.position + direction) % len(self.hits)
        nid = self.hits[self.position]
        self.scene.select(nodes=[nid])
        for view in self.scene.views():
            view.centerOn(self.scene.nodes[nid])
        self.count.setText(f"{self.position + 1} of {len(self.hits)}")
        self.message.emit(
            f"Match {self.position + 1} of {len(self.hits)}: "
            f"{self.scene.model.nodes[nid].label} ({nid})"
        )

    def finish(self) -> None:
        """End the search: clear the field and the highlight."""
        self.edit.clear()
        self.finished.emit()

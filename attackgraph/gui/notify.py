"""In-window notices above the canvas (file changed on disk, recovered work,
Graphviz missing ...): they inform without blocking, unlike a dialog, and
offer the actions that fit."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from attackgraph.gui.icons import icon

__all__ = ["Notice", "NoticeArea"]

COLORS = {
    "info": ("#e8f1fe", "#1f4f9a", "#1d3557", "#b6cdf5"),
    "warning": ("#fff4e0", "#8a5300", "#4a3000", "#f3d39a"),
    "error": ("#fdecea", "#a4261d", "#5f1410", "#f1b8b2"),
}
DARK_COLORS = {
    "info": ("#1c2b44", "#9cc3ff", "#d8e6ff", "#2c4a7a"),
    "warning": ("#3a2c12", "#ffc469", "#ffe6bf", "#6b4f1c"),
    "error": ("#3d1c1a", "#ff9a90", "#ffd9d4", "#6e2b27"),
}


class Notice(QFrame):
    """One notice: a sentence and buttons; it closes itself after an action.

    Signals
    -------
    closed()
        The notice went away.
    """

    closed = Signal()

    def __init__(
        self,
        key: str,
        text: str,
        level: str,
        actions: Sequence[tuple[str, Callable[[], object]]],
        dark: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = key
        background, accent, ink, border = (DARK_COLORS if dark else COLORS)[level]
        self.setObjectName("notice")
        self.setStyleSheet(
            f"QFrame#notice {{ background: {background}; border-bottom: 1px solid {border}; "
            f"border-left: 4px solid {accent}; }} QLabel {{ color: {ink}; }}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 5, 6, 5)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.label, 1)
        self.buttons: dict[str, QPushButton] = {}
        for title, callback in actions:
            button = QPushButton(title)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, c=callback: self._run(c))
            layout.addWidget(button)
            self.buttons[title] = button
        close = QToolButton()
        close.setIcon(icon("close"))
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.dismiss)
        layout.addWidget(close)

    def _run(self, callback: Callable[[], object]) -> None:
        self.dismiss()
        callback()

    def dismiss(self) -> None:
        """Close the notice."""
        self.hide()
        self.closed.emit()
        self.deleteLater()


class NoticeArea(QWidget):
    """A stack of notices; a new notice with the same key replaces the old one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stack = QVBoxLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._stack.setSpacing(0)
        self.notices: dict[str, Notice] = {}
        self.dark = False
        self.hide()

    def show_notice(
        self,
        key: str,
        text: str,
        level: str = "info",
        actions: Sequence[tuple[str, Callable[[], object]]] = (),
    ) -> Notice:
        """Show a notice (replacing one with the same key)."""
        self.dismiss(key)
        notice = Notice(key, text, level, actions, self.dark)
        notice.closed.connect(lambda k=key, n=notice: self._forget(k, n))
        self._stack.addWidget(notice)
        self.notices[key] = notice
        self.show()
        return notice

    def dismiss(self, key: str) -> None:
        """Close the notice with ``key``, if one is shown."""
        notice = self.notices.pop(key, None)
        if notice is not None:
            notice.dismiss()

    def _forget(self, key: str, notice: Notice) -> None:
        if self.notices.get(key) is notice:
            del self.notices[key]
        if not self.notices:
            self.hide()

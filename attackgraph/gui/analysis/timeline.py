"""The release timeline: a slider over the model's releases that shows how
many chains are open at each one, so moving it shows the chains closing
release by release.

The first position is the model as deployed (no release chosen); then one
position per release, oldest first, each with a bar for its open chains
(from the engine's :func:`~attackgraph.analysis.release_timeline`). Click a
release, drag along the bar, or use the arrow keys and the wheel.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from attackgraph.analysis import ReleaseState
from attackgraph.gui.analysis.marks import palette
from attackgraph.gui.text import plain

__all__ = ["TimelineBar", "release_tooltip"]

SLOT = 64
DEPLOYED = "as deployed"


def release_tooltip(state: ReleaseState | None, release: str, label: str) -> str:
    """What one release does, in a few plain lines."""
    if state is None:
        return plain(f"{label}\n(the timeline is being computed)")
    lines = [plain(state.label or release)]
    count = "more than listed" if state.open_chains is None else str(state.open_chains)
    lines.append(f"Open chains: {count}")
    if state.closed_chains:
        lines.append(f"Closes {len(state.closed_chains)} chain(s) open at the release before")
    if state.new_mitigations:
        lines.append("Ships: " + plain(", ".join(state.new_mitigations)))
    lines.append("Reachable goals: " + (plain(", ".join(state.reachable_goals)) or "none"))
    if state.depths:
        least = "–" if state.min_depth is None else str(state.min_depth)
        lines.append(f"Defence in depth (d): at least {least} mitigation(s) to defeat")
        lines += [
            f"  {plain(goal)}: {'–' if depth is None else depth}"
            for goal, depth in state.depths[:12]
        ]
    return "\n".join(lines)


class TimelineBar(QWidget):
    """Chooses the analysed release; bars show the open chains per release.

    Signals
    -------
    releaseChosen(object)
        A release id, or None for the model as deployed.
    """

    releaseChosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.releases: list[tuple[str, str]] = []
        self.states: dict[str, ReleaseState] = {}
        self.current: str | None = None
        self.dark = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setToolTip(
            "Release timeline: the model at each release (bars: open chains; "
            "d: the least depth, mitigations to defeat to reopen a goal). "
            "Click, drag, or use the arrow keys."
        )
        self.setAccessibleName("Release timeline")

    # ------------------------------------------------------------ data
    def set_releases(self, releases: Sequence[tuple[str, str]]) -> None:
        """The model's releases as ``(id, label)``, oldest first."""
        self.releases = list(releases)
        if self.current is not None and self.current not in dict(self.releases):
            self.current = None
        self.setVisible(bool(self.releases))
        self.updateGeometry()
        self.update()

    def set_states(self, states: Sequence[ReleaseState]) -> None:
        """The engine's timeline."""
        self.states = {s.release: s for s in states}
        self.update()

    def set_current(self, release: str | None) -> None:
        """Show ``release`` as chosen (no signal)."""
        if release != self.current:
            self.current = release
            self.update()

    def positions(self) -> list[str | None]:
        """None (as deployed), then every release id."""
        return [None, *(r for r, _ in self.releases)]

    def choose(self, release: str | None) -> None:
        """Choose a position and say so."""
        if release != self.current:
            self.current = release
            self.update()
            self.releaseChosen.emit(release)

    # ------------------------------------------------------------ geometry
    def sizeHint(self) -> QSize:
        return QSize(SLOT * (len(self.releases) + 1) + 8, 40)

    def _slot(self, index: int) -> QRectF:
        return QRectF(4 + index * SLOT, 1, SLOT, self.height() - 2)

    def _index_at(self, x: float) -> int:
        return max(0, min(len(self.releases), int((x - 4) // SLOT)))

    # ------------------------------------------------------------ events
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.choose(self.positions()[self._index_at(event.position().x())])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self._index_at(event.position().x())
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.choose(self.positions()[index])
        release = self.positions()[index]
        if release is None:
            tip = "The model as deployed: every deployed mitigation, no release chosen"
        else:
            tip = release_tooltip(self.states.get(release), release, dict(self.releases)[release])
        QToolTip.showText(event.globalPosition().toPoint(), tip, self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: 1,
            Qt.Key.Key_Down: -1,
            Qt.Key.Key_Home: -99,
            Qt.Key.Key_End: 99,
        }.get(Qt.Key(event.key()))
        if step is None:
            super().keyPressEvent(event)
            return
        self.step(step)

    def step(self, delta: int) -> None:
        """Move ``delta`` positions (clamped)."""
        positions = self.positions()
        index = positions.index(self.current) if self.current in positions else 0
        self.choose(positions[max(0, min(len(positions) - 1, index + delta))])

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if delta:
            self.step(-1 if delta > 0 else 1)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    # ------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(pal.ColorRole.WindowText)
        muted = pal.color(pal.ColorGroup.Disabled, pal.ColorRole.WindowText)
        accent = pal.color(pal.ColorRole.Highlight)
        colours = palette(self.dark)
        counts = [s.open_chains or 0 for s in self.states.values()]
        top = max(counts, default=0) or 1
        small = QFont(self.font())
        small.setPixelSize(10)
        bold = QFont(small)
        bold.setBold(True)
        track_y = self.height() - 15.0
        painter.setPen(QPen(muted, 1.2))
        painter.drawLine(
            QPointF(4 + SLOT / 2, track_y), QPointF(4 + SLOT * (len(self.releases) + 0.5), track_y)
        )
        for index, release in enumerate(self.positions()):
            slot = self._slot(index)
            chosen = release == self.current
            centre = slot.center().x()
            if release is not None:
                state = self.states.get(release)
                if state is not None:
                    height = 4.0 + (track_y - 14.0) * ((state.open_chains or 0) / top)
                    bar = QRectF(centre - 9, track_y - 3 - height, 18, height)
                    colour = QColor(colours.open if (state.open_chains or 0) else colours.safe)
                    if not chosen:
                        colour.setAlphaF(0.55)
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(colour)
                    painter.drawRoundedRect(bar, 2, 2)
                    count = "?" if state.open_chains is None else str(state.open_chains)
                    painter.setFont(bold)
                    painter.setPen(text)
                    painter.drawText(
                        QRectF(centre + 10, bar.top() - 2, SLOT / 2 - 10, 12),
                        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                        count,
                    )
                    if state.min_depth is not None:  # the least defence in depth
                        painter.setFont(small)
                        painter.setPen(QColor(colours.blocked))
                        painter.drawText(
                            QRectF(slot.left(), track_y - 17, centre - 10 - slot.left(), 12),
                            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                            f"d{state.min_depth}",
                        )
            painter.setPen(QPen(accent if chosen else muted, 2 if chosen else 1))
            painter.setBrush(accent if chosen else pal.color(pal.ColorRole.Window))
            painter.drawEllipse(
                QPointF(centre, track_y), 5 if chosen else 3.5, 5 if chosen else 3.5
            )
            painter.setFont(bold if chosen else small)
            painter.setPen(text if chosen else muted)
            name = "now" if release is None else release
            label = painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, SLOT - 4)
            painter.drawText(
                QRectF(slot.left(), track_y + 4, SLOT, 12), Qt.AlignmentFlag.AlignCenter, label
            )
        if self.hasFocus():
            painter.setPen(QPen(accent, 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)
        painter.end()

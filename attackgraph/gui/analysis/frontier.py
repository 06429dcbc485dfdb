"""The Pareto frontier drawn with QPainter: defender cost (x) against the
impact left reachable (y), as a staircase through the frontier's points.
Each point is a mitigation set; clicking one chooses it (and the dialog
applies it as the what-if)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from attackgraph.analysis import FrontierPoint
from attackgraph.gui.analysis.tables import number
from attackgraph.gui.text import plain

__all__ = ["FrontierPlot", "nice_ticks"]

MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56.0, 18.0, 14.0, 40.0


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top``.

    Examples
    --------
    >>> nice_ticks(17)
    [0, 5, 10, 15, 20]
    >>> nice_ticks(0)
    [0, 1]
    """
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)
    ticks = []
    value = 0.0
    while value < top + step * 0.999:
        ticks.append(int(value) if float(value).is_integer() else round(value, 6))
        value += step
    return ticks


class FrontierPlot(QWidget):
    """Cost against impact left reachable.

    Signals
    -------
    pointChosen(int)
        The index of the clicked point (keyboard: Left/Right, Enter).
    """

    pointChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[FrontierPoint] = []
        self.total = 0.0
        self.chosen = -1
        self._hover = -1
        self.message = "Find the optimal set to draw the frontier."
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Pareto frontier: cost against impact left reachable")

    def sizeHint(self) -> QSize:
        return QSize(460, 260)

    def set_points(self, points: Sequence[FrontierPoint], total: float) -> None:
        """Show a frontier (cheapest first) and the impact reachable now."""
        self.points = list(points)
        self.total = max(total, max((p.impact_left for p in self.points), default=0.0))
        self.chosen = -1
        self.update()

    def set_message(self, text: str) -> None:
        """Show a sentence instead of the plot (while computing, on failure)."""
        self.points = []
        self.message = text
        self.update()

    # ------------------------------------------------------------ geometry
    def _plot_rect(self) -> QRectF:
        return QRectF(
            MARGIN_LEFT,
            MARGIN_TOP,
            self.width() - MARGIN_LEFT - MARGIN_RIGHT,
            self.height() - MARGIN_TOP - MARGIN_BOTTOM,
        )

    def _scales(self) -> tuple[list[float], list[float]]:
        top_cost = max((p.cost for p in self.points), default=1.0)
        return nice_ticks(top_cost * 1.05 or 1.0), nice_ticks(self.total or 1.0)

    def point_position(self, index: int) -> QPointF:
        """Where point ``index`` is drawn."""
        rect = self._plot_rect()
        xs, ys = self._scales()
        point = self.points[index]
        x = rect.left() + rect.width() * point.cost / (xs[-1] or 1)
        y = rect.bottom() - rect.height() * point.impact_left / (ys[-1] or 1)
        return QPointF(x, y)

    def _point_at(self, pos: QPointF) -> int:
        best, distance = -1, 14.0
        for i in range(len(self.points)):
            d = (self.point_position(i) - pos).manhattanLength()
            if d < distance:
                best, distance = i, d
        return best

    def point_text(self, index: int) -> str:
        """A point in words (for its tooltip and the dialog)."""
        point = self.points[index]
        sets = ", ".join(point.mitigations) or "nothing"
        return plain(
            f"Cost {number(point.cost)}: impact left reachable "
            f"{number(point.impact_left)} of {number(self.total)}\n"
            f"Switch on: {sets}\nMakes unreachable: "
            f"{', '.join(point.blocked_goals) or 'no goal'}\nClick to apply as the "
            "what-if"
        )

    # ------------------------------------------------------------ events
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self._point_at(event.position())
        if index != self._hover:
            self._hover = index
            self.update()
        if index >= 0:
            QToolTip.showText(event.globalPosition().toPoint(), self.point_text(index), self)
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self._point_at(event.position())
        if index >= 0 and event.button() == Qt.MouseButton.LeftButton:
            self.choose(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.points:
            super().keyPressEvent(event)
            return
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = -1 if key == Qt.Key.Key_Left else 1
            self.choose(max(0, min(len(self.points) - 1, self.chosen + step)))
        else:
            super().keyPressEvent(event)

    def choose(self, index: int) -> None:
        """Choose a point and say so."""
        self.chosen = index
        self.update()
        self.pointChosen.emit(index)

    def leaveEvent(self, event: object) -> None:
        self._hover = -1
        self.update()

    # ------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(pal.ColorRole.WindowText)
        muted = pal.color(pal.ColorGroup.Disabled, pal.ColorRole.WindowText)
        painter.fillRect(self.rect(), pal.color(pal.ColorRole.Base))
        if not self.points:
            painter.setPen(muted)
            painter.drawText(
                QRectF(self.rect()),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.message,
            )
            painter.end()
            return
        rect = self._plot_rect()
        xs, ys = self._scales()
        small = QFont(self.font())
        small.setPixelSize(11)
        painter.setFont(small)
        grid = QColor(muted)
        grid.setAlphaF(0.35)
        for value in ys:
            y = rect.bottom() - rect.height() * value / (ys[-1] or 1)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            painter.setPen(text)
            painter.drawText(
                QRectF(0, y - 8, MARGIN_LEFT - 8, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                number(value),
            )
        for value in xs:
            x = rect.left() + rect.width() * value / (xs[-1] or 1)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            painter.setPen(text)
            painter.drawText(
                QRectF(x - 30, rect.bottom() + 4, 60, 14),
                Qt.AlignmentFlag.AlignCenter,
                number(value),
            )
        painter.drawText(
            QRectF(rect.left(), rect.bottom() + 20, rect.width(), 16),
            Qt.AlignmentFlag.AlignCenter,
            "Defender cost",
        )
        painter.save()
        painter.translate(12, rect.center().y())
        painter.rotate(-90)
        painter.drawText(
            QRectF(-rect.height() / 2, -8, rect.height(), 16),
            Qt.AlignmentFlag.AlignCenter,
            "Impact left reachable",
        )
        painter.restore()
        accent = pal.color(pal.ColorRole.Highlight)
        painter.setPen(QPen(accent, 2.2))
        previous = None
        for i in range(len(self.points)):
            here = self.point_position(i)
            if previous is not None:  # a step: the impact drops when the cost is paid
                painter.drawLine(previous, QPointF(here.x(), previous.y()))
                painter.drawLine(QPointF(here.x(), previous.y()), here)
            previous = here
        if previous is not None:
            painter.drawLine(previous, QPointF(rect.right(), previous.y()))
        for i in range(len(self.points)):
            here = self.point_position(i)
            chosen, hover = i == self.chosen, i == self._hover
            painter.setPen(QPen(accent, 2))
            painter.setBrush(accent if chosen else pal.color(pal.ColorRole.Base))
            radius = 7.0 if chosen or hover else 5.0
            painter.drawEllipse(here, radius, radius)
            painter.setPen(text)
            label = f"{number(self.points[i].cost)}"
            painter.drawText(
                QRectF(here.x() + 6, here.y() - 18, 60, 14), Qt.AlignmentFlag.AlignLeft, label
            )
        painter.end()

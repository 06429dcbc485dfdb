"""Colours and shapes of the canvas: one place for the visual language.

Component kinds map to colour families (cloud blues, device ambers, ...),
and each component gets its own shade inside its family, so that the cloud
and the device side of a chain are told apart at a glance.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import QApplication

from attackgraph.model import AttackModel

__all__ = [
    "FAMILIES",
    "component_colors",
    "is_dark",
    "kind_icon",
    "node_path",
]

FAMILIES: dict[str, tuple[str, ...]] = {
    "cloud": ("#2f6fd6", "#4a8fe7", "#1f4fa0", "#5aa6f0"),
    "device": ("#d9822b", "#c0622b", "#e0a030", "#a8581e"),
    "network": ("#7b52c7", "#9b6fe0", "#5d3aa0"),
    "physical": ("#8d6e63", "#a1887f", "#6d4c41"),
    "human": ("#d6487e", "#e573a0", "#a83263"),
    "supply-chain": ("#1b998b", "#2bb5a5", "#127a6e"),
    "other": ("#6b7785", "#8a96a3", "#525c66"),
}
NO_COMPONENT = "#6b7785"


def is_dark() -> bool:
    """Whether the application palette is dark (the system's dark mode)."""
    app = QApplication.instance()
    if app is None:
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128  # type: ignore[attr-defined]


def component_colors(model: AttackModel) -> dict[str, QColor]:
    """A colour for every component: its kind's family, a shade per component."""
    used: dict[str, int] = {}
    colors: dict[str, QColor] = {}
    for cid, comp in model.components.items():
        family = FAMILIES.get(comp.kind, FAMILIES["other"])
        index = used.get(comp.kind, 0)
        used[comp.kind] = index + 1
        colors[cid] = QColor(family[index % len(family)])
    return colors


def node_path(kind: str, rect: QRectF) -> QPainterPath:
    """The outline of a node: a tag for entries, a rounded box for steps, an
    octagon for goals."""
    path = QPainterPath()
    if kind == "entry":
        notch = rect.height() / 2.6
        path.addPolygon(QPolygonF([
            rect.topLeft(),
            QPointF(rect.right() - notch, rect.top()),
            QPointF(rect.right(), rect.center().y()),
            QPointF(rect.right() - notch, rect.bottom()),
            rect.bottomLeft(),
        ]))
        path.closeSubpath()
    elif kind == "goal":
        cut = rect.height() / 3.2
        path.addPolygon(QPolygonF([
            QPointF(rect.left() + cut, rect.top()),
            QPointF(rect.right() - cut, rect.top()),
            QPointF(rect.right(), rect.top() + cut),
            QPointF(rect.right(), rect.bottom() - cut),
            QPointF(rect.right() - cut, rect.bottom()),
            QPointF(rect.left() + cut, rect.bottom()),
            QPointF(rect.left(), rect.bottom() - cut),
            QPointF(rect.left(), rect.top() + cut),
        ]))
        path.closeSubpath()
    else:
        path.addRoundedRect(rect, 9, 9)
    return path


KIND_COLORS = {"entry": "#2f6fd6", "step": "#d9822b", "goal": "#c62828"}


def kind_icon(kind: str, size: int = 32) -> QIcon:
    """A small picture of a node of ``kind``, for the palette and toolbar."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(KIND_COLORS.get(kind, NO_COMPONENT))
    painter.setPen(QPen(color.darker(130), 2))
    painter.setBrush(QBrush(color.lighter(160)))
    painter.drawPath(node_path(kind, QRectF(2, size * 0.22, size - 4, size * 0.56)))
    painter.end()
    return QIcon(pixmap)

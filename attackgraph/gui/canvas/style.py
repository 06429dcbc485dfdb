"""Colours and shapes of the canvas: one place for the visual language.

Component kinds map to colour families (cloud blues, device ambers, network
violets, ...), and each component gets its own shade inside its family, so
that the cloud and the device side of a chain are told apart at a glance and
neighbouring components of one family still differ. Every colour comes in a
light and a dark variant; :func:`current` gives the style of the active
theme, which :func:`set_dark` switches.
"""

from __future__ import annotations

import colorsys
import functools
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPolygonF
from PySide6.QtWidgets import QApplication, QStyleOptionGraphicsItem

from attackgraph.model import AttackModel

__all__ = [
    "FAMILIES",
    "CanvasStyle",
    "component_colors",
    "current",
    "is_dark",
    "label_font",
    "label_metrics",
    "node_path",
    "node_shapes",
    "paint_lod",
    "set_dark",
    "set_full_detail",
]


@dataclass(frozen=True)
class _Family:
    """Hues (degrees) a component kind's shades spread over."""

    hue_from: float
    hue_to: float
    saturation: float
    value: float


FAMILIES: dict[str, _Family] = {
    "cloud": _Family(198, 228, 0.70, 0.86),
    "device": _Family(18, 44, 0.80, 0.90),
    "network": _Family(262, 288, 0.50, 0.80),
    "physical": _Family(84, 104, 0.55, 0.66),
    "human": _Family(322, 342, 0.55, 0.86),
    "supply-chain": _Family(166, 182, 0.70, 0.66),
    "other": _Family(210, 215, 0.10, 0.60),
}
NO_COMPONENT = QColor("#7a8594")


@dataclass(frozen=True)
class CanvasStyle:
    """The colours of one theme (light or dark)."""

    dark: bool
    background: QColor
    grid: QColor
    node_fill: QColor
    text: QColor
    muted: QColor
    edge: QColor
    selection: QColor
    goal: QColor
    goal_fill: QColor
    and_badge: QColor
    label_box: QColor
    connect: QColor

    def node_tint(self, color: QColor, amount: float = 0.10) -> QColor:
        """The card fill: the theme's node colour with a touch of ``color``."""
        base = self.node_fill
        return QColor.fromRgbF(
            base.redF() + (color.redF() - base.redF()) * amount,
            base.greenF() + (color.greenF() - base.greenF()) * amount,
            base.blueF() + (color.blueF() - base.blueF()) * amount,
        )

    def frame_ink(self, color: QColor) -> QColor:
        """Readable text and border colour for a frame of ``color``."""
        return QColor(color).lighter(135) if self.dark else QColor(color).darker(150)


LIGHT = CanvasStyle(
    dark=False,
    background=QColor("#f6f7f9"),
    grid=QColor("#dfe3e8"),
    node_fill=QColor("#ffffff"),
    text=QColor("#1c2430"),
    muted=QColor("#5d6b7c"),
    edge=QColor("#6f7c8c"),
    selection=QColor("#1f6feb"),
    goal=QColor("#c62828"),
    goal_fill=QColor("#fff1f0"),
    and_badge=QColor("#3c3f9e"),
    label_box=QColor("#ffffff"),
    connect=QColor("#1f6feb"),
)
DARK = CanvasStyle(
    dark=True,
    background=QColor("#1b1e23"),
    grid=QColor("#2c3139"),
    node_fill=QColor("#262a31"),
    text=QColor("#e8ebef"),
    muted=QColor("#9aa6b5"),
    edge=QColor("#8c97a6"),
    selection=QColor("#58a6ff"),
    goal=QColor("#ff7b72"),
    goal_fill=QColor("#3a2326"),
    and_badge=QColor("#7c83ff"),
    label_box=QColor("#262a31"),
    connect=QColor("#58a6ff"),
)
_current: list[CanvasStyle] = []


def is_dark() -> bool:
    """Whether the application palette is dark (the system's dark mode)."""
    app = QApplication.instance()
    if app is None:
        return False
    return app.palette().color(app.palette().ColorRole.Window).lightness() < 128  # type: ignore[attr-defined]


def set_dark(dark: bool) -> None:
    """Switch the canvas to the dark or the light colours."""
    _current[:] = [DARK if dark else LIGHT]


def current() -> CanvasStyle:
    """The style of the active theme."""
    if not _current:
        set_dark(is_dark())
    return _current[0]


def _shade(family: _Family, index: int, count: int) -> QColor:
    share = index / (count - 1) if count > 1 else 0.0
    hue = (family.hue_from + (family.hue_to - family.hue_from) * share) % 360
    value = family.value - (0.08 if index % 2 else 0.0)
    r, g, b = colorsys.hsv_to_rgb(hue / 360.0, family.saturation, value)
    return QColor.fromRgbF(r, g, b)


def component_colors(model: AttackModel) -> dict[str, QColor]:
    """A colour for every component: its kind's family, a shade per component.

    Shades follow the component tree depth first, so a parent and its child
    (drawn one inside the other) get neighbouring but different shades.
    """
    comps = model.components
    children: dict[str | None, list[str]] = {}
    for cid, comp in comps.items():
        children.setdefault(comp.parent if comp.parent in comps else None, []).append(cid)
    order: list[str] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        cid = stack.pop()
        if cid in order:
            continue
        order.append(cid)
        stack.extend(reversed(children.get(cid, [])))
    order += [cid for cid in comps if cid not in order]  # parent cycles: still coloured
    by_kind: dict[str, list[str]] = {}
    for cid in order:
        by_kind.setdefault(comps[cid].kind, []).append(cid)
    colors: dict[str, QColor] = {}
    for kind, members in by_kind.items():
        family = FAMILIES.get(kind, FAMILIES["other"])
        for index, cid in enumerate(members):
            colors[cid] = _shade(family, index, len(members))
    return colors


_FULL_DETAIL = [False]


def set_full_detail(on: bool) -> None:
    """Draw every item at full detail (while a vector picture is exported)."""
    _FULL_DETAIL[0] = on


def paint_lod(painter: QPainter) -> float:
    """The zoom an item is painted at, for choosing its level of detail; at
    least 1 during :func:`set_full_detail`: a vector picture fitted to a page
    keeps its text, which the reader can zoom into."""
    lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
    return 1.0 if lod < 1.0 and _FULL_DETAIL[0] else lod


@functools.lru_cache(maxsize=256)
def label_font(pixels: float, *, bold: bool = False, mono: bool = False) -> QFont:
    """The canvas font at a size in scene pixels (shared: do not change it)."""
    font = QFont("DejaVu Sans Mono" if mono else QApplication.font().family())
    if mono:
        font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPixelSize(max(1, round(pixels)))
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


@functools.lru_cache(maxsize=256)
def label_metrics(pixels: float, *, bold: bool = False, mono: bool = False) -> QFontMetricsF:
    """Metrics of :func:`label_font` (shared)."""
    return QFontMetricsF(label_font(pixels, bold=bold, mono=mono))


def node_path(kind: str, rect: QRectF) -> QPainterPath:
    """The outline of a node: a tag pointing right for entries, a rounded card
    for steps, an octagon for goals."""
    path = QPainterPath()
    if kind == "entry":
        notch = min(rect.height() / 2.4, 22.0)
        radius = 7.0
        path.moveTo(rect.left() + radius, rect.top())
        path.lineTo(rect.right() - notch, rect.top())
        path.lineTo(rect.right(), rect.center().y())
        path.lineTo(rect.right() - notch, rect.bottom())
        path.lineTo(rect.left() + radius, rect.bottom())
        path.quadTo(rect.left(), rect.bottom(), rect.left(), rect.bottom() - radius)
        path.lineTo(rect.left(), rect.top() + radius)
        path.quadTo(rect.left(), rect.top(), rect.left() + radius, rect.top())
        path.closeSubpath()
    elif kind == "goal":
        cut = min(rect.height() / 3.4, 18.0)
        path.addPolygon(
            QPolygonF(
                [
                    QPointF(rect.left() + cut, rect.top()),
                    QPointF(rect.right() - cut, rect.top()),
                    QPointF(rect.right(), rect.top() + cut),
                    QPointF(rect.right(), rect.bottom() - cut),
                    QPointF(rect.right() - cut, rect.bottom()),
                    QPointF(rect.left() + cut, rect.bottom()),
                    QPointF(rect.left(), rect.bottom() - cut),
                    QPointF(rect.left(), rect.top() + cut),
                ]
            )
        )
        path.closeSubpath()
    else:
        path.addRoundedRect(rect, 8, 8)
    return path


@dataclass(frozen=True)
class NodeShapes:
    """The paths a node card is drawn with."""

    outline: QPainterPath
    strip: QPainterPath
    inner: QPainterPath


@functools.lru_cache(maxsize=64)
def _node_shapes(kind: str, width: float, height: float) -> NodeShapes:
    rect = QRectF(-width / 2, -height / 2, width, height)
    outline = node_path(kind, rect)
    band = QPainterPath()
    band.addRect(QRectF(rect.left(), rect.top(), 6.0, rect.height()))
    inner = node_path(kind, rect.adjusted(4, 4, -4, -4)) if kind == "goal" else QPainterPath()
    return NodeShapes(outline, outline.intersected(band), inner)


def node_shapes(kind: str, rect: QRectF) -> NodeShapes:
    """Outline, component strip and (goals) inner outline of a node box centred
    on the origin; computed once per kind and size."""
    return _node_shapes(kind, rect.width(), rect.height())


def kind_glyph(kind: str, rect: QRectF) -> QPainterPath:
    """A small outline picture of a component kind (a cloud, a chip, a plug ...)."""
    path = QPainterPath()
    x, y, w, h = rect.x(), rect.y(), rect.width(), rect.height()
    if kind == "cloud":
        path.addEllipse(QRectF(x, y + h * 0.40, w * 0.44, h * 0.50))
        path.addEllipse(QRectF(x + w * 0.22, y + h * 0.12, w * 0.50, h * 0.62))
        path.addEllipse(QRectF(x + w * 0.52, y + h * 0.34, w * 0.46, h * 0.56))
        path.addRect(QRectF(x + w * 0.20, y + h * 0.62, w * 0.60, h * 0.28))
        return path.simplified()
    if kind == "device":
        body = QRectF(x + w * 0.22, y + h * 0.22, w * 0.56, h * 0.56)
        path.addRoundedRect(body, 1.5, 1.5)
        for i in range(3):
            offset = 0.32 + i * 0.18
            for x0, y0, x1, y1 in (
                (offset, 0.05, offset, 0.22),
                (offset, 0.78, offset, 0.95),
                (0.05, offset, 0.22, offset),
                (0.78, offset, 0.95, offset),
            ):
                path.moveTo(x + w * x0, y + h * y0)
                path.lineTo(x + w * x1, y + h * y1)
        return path
    if kind == "network":
        for cx, cy in ((0.5, 0.18), (0.18, 0.82), (0.82, 0.82)):
            path.addEllipse(QPointF(x + w * cx, y + h * cy), w * 0.14, h * 0.14)
        path.moveTo(x + w * 0.5, y + h * 0.32)
        path.lineTo(x + w * 0.5, y + h * 0.55)
        path.lineTo(x + w * 0.22, y + h * 0.70)
        path.moveTo(x + w * 0.5, y + h * 0.55)
        path.lineTo(x + w * 0.78, y + h * 0.70)
        return path
    if kind == "physical":
        path.addRoundedRect(QRectF(x + w * 0.2, y + h * 0.35, w * 0.6, h * 0.4), 2, 2)
        for px in (0.36, 0.64):
            path.moveTo(x + w * px, y + h * 0.35)
            path.lineTo(x + w * px, y + h * 0.12)
        path.moveTo(x + w * 0.5, y + h * 0.75)
        path.lineTo(x + w * 0.5, y + h * 0.95)
        return path
    if kind == "human":
        path.addEllipse(QRectF(x + w * 0.32, y + h * 0.06, w * 0.36, h * 0.36))
        path.moveTo(x + w * 0.12, y + h * 0.95)
        path.quadTo(x + w * 0.5, y + h * 0.30, x + w * 0.88, y + h * 0.95)
        return path
    if kind == "supply-chain":
        path.addRect(QRectF(x + w * 0.08, y + h * 0.30, w * 0.36, h * 0.40))
        path.addRect(QRectF(x + w * 0.56, y + h * 0.30, w * 0.36, h * 0.40))
        path.moveTo(x + w * 0.44, y + h * 0.5)
        path.lineTo(x + w * 0.56, y + h * 0.5)
        return path
    path.addRoundedRect(QRectF(x + w * 0.15, y + h * 0.15, w * 0.7, h * 0.7), 3, 3)
    return path


PEN_CAP = Qt.PenCapStyle.RoundCap

"""Drawing of the presentation, for a projector: large type, strong
contrast, a light and a dark theme, everything scaled to the screen.

Layout of a chain: a header (scene, chain, open or broken), a strip with
every step of the chain (the current one large, the rest dimmed, the steps
after the point where it breaks struck through), a card with the current
step (label, component, access, skill, technique ids, references,
description), and the numbered defences the room can switch on. Releases
are drawn the same way, one release per step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QApplication

from attackgraph.gui.canvas.nodes import wrap_text
from attackgraph.gui.present.story import plain_markdown
from attackgraph.gui.present.views import ChainView, ReleaseView
from attackgraph.render.text import one_line

__all__ = [
    "Hit",
    "PresentTheme",
    "ink_on",
    "paint_chain",
    "paint_message",
    "paint_releases",
    "theme_for",
]


@dataclass(frozen=True)
class PresentTheme:
    """The colours of one presentation theme."""

    dark: bool
    background: str
    card: str
    text: str
    muted: str
    faint: str
    accent: str
    open: str
    broken: str
    blocked: str
    partial: str


LIGHT = PresentTheme(
    False,
    "#eef0f3",
    "#ffffff",
    "#0d1117",
    "#3d4754",
    "#c3c9d2",
    "#1f5fd1",
    "#c62828",
    "#5f6b7a",
    "#1b7f37",
    "#9a5500",
)
DARK = PresentTheme(
    True,
    "#0d1014",
    "#1a1f26",
    "#f6f8fa",
    "#b3bdc9",
    "#3a434f",
    "#5ea8ff",
    "#ff6f66",
    "#98a2ae",
    "#46c35f",
    "#e8b443",
)


def theme_for(dark: bool) -> PresentTheme:
    """The light or the dark presentation theme."""
    return DARK if dark else LIGHT


@dataclass(frozen=True)
class Hit:
    """A clickable area of the drawing and what clicking it does."""

    rect: QRectF
    action: str
    value: int


def _font(pixels: float, *, bold: bool = False, mono: bool = False) -> QFont:
    font = QFont("DejaVu Sans Mono" if mono else QApplication.font().family())
    font.setPixelSize(max(6, round(pixels)))
    if bold:
        font.setWeight(QFont.Weight.Bold)
    return font


def ink_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``.

    Examples
    --------
    >>> ink_on("#1b7f37"), ink_on("#e8b443")
    ('#ffffff', '#111111')
    """
    colour = QColor(fill)
    luminance = (
        0.2126 * colour.redF() ** 2.2
        + 0.7152 * colour.greenF() ** 2.2
        + 0.0722 * colour.blueF() ** 2.2
    )
    return "#111111" if luminance > 0.30 else "#ffffff"


def _colour(value: str, alpha: float = 1.0) -> QColor:
    colour = QColor(value)
    colour.setAlphaF(alpha)
    return colour


class _Canvas:
    """One paint pass: the painter, the scale, the theme and the hits."""

    def __init__(self, painter: QPainter, rect: QRectF, theme: PresentTheme) -> None:
        self.p = painter
        self.rect = rect
        self.theme = theme
        self.s = max(0.35, min(rect.width() / 1600.0, rect.height() / 900.0))
        self.hits: list[Hit] = []
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(rect, QColor(theme.background))

    def px(self, value: float) -> float:
        return value * self.s

    def text(
        self,
        box: QRectF,
        text: str,
        pixels: float,
        colour: str,
        *,
        bold: bool = False,
        mono: bool = False,
        lines: int = 1,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> float:
        """Wrapped text in ``box`` (at most ``lines``); returns the height used."""
        font = _font(self.px(pixels), bold=bold, mono=mono)
        metrics = QFontMetricsF(font)
        wrapped = wrap_text(one_line(text), metrics, box.width(), lines) if text else []
        self.p.setFont(font)
        self.p.setPen(QColor(colour))
        y = box.top()
        for line in wrapped:
            if y + metrics.height() > box.bottom() + 1:
                break
            self.p.drawText(
                QRectF(box.left(), y, box.width(), metrics.height()),
                align | Qt.AlignmentFlag.AlignVCenter,
                line,
            )
            y += metrics.lineSpacing()
        return y - box.top()

    def pill(
        self,
        anchor: QPointF,
        text: str,
        pixels: float,
        fill: str,
        ink: str,
        *,
        right: bool = False,
        outline: str | None = None,
    ) -> QRectF:
        """A rounded label whose left (or right) middle is ``anchor``."""
        font = _font(self.px(pixels), bold=True)
        metrics = QFontMetricsF(font)
        width = metrics.horizontalAdvance(text) + self.px(pixels * 1.3)
        height = metrics.height() + self.px(pixels * 0.55)
        left = anchor.x() - width if right else anchor.x()
        box = QRectF(left, anchor.y() - height / 2, width, height)
        self.p.setPen(QPen(QColor(outline), self.px(2)) if outline else Qt.PenStyle.NoPen)
        self.p.setBrush(QColor(fill))
        self.p.drawRoundedRect(box, height / 2, height / 2)
        self.p.setFont(font)
        self.p.setPen(QColor(ink))
        self.p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        return box

    def header(
        self, kicker: str, title: str, state: str | None, state_fill: str, detail: str
    ) -> float:
        """The top band; returns its bottom."""
        margin = self.px(48)
        right = self.rect.right() - margin
        top = self.rect.top() + self.px(30)
        title_right = right
        if state:
            box = self.pill(
                QPointF(right, top + self.px(40)),
                state,
                30,
                state_fill,
                ink_on(state_fill),
                right=True,
            )
            font = _font(self.px(19))
            width = max(box.width(), QFontMetricsF(font).horizontalAdvance(detail) + self.px(4))
            self.text(
                QRectF(right - width, box.bottom() + self.px(8), width, self.px(30)),
                detail,
                19,
                self.theme.muted,
                align=Qt.AlignmentFlag.AlignRight,
            )
            title_right = right - width - self.px(32)
        width = title_right - margin - self.rect.left()
        self.text(
            QRectF(self.rect.left() + margin, top, width, self.px(28)),
            kicker.upper(),
            18,
            self.theme.muted,
            bold=True,
        )
        used = self.text(
            QRectF(self.rect.left() + margin, top + self.px(30), width, self.px(110)),
            title,
            40,
            self.theme.text,
            bold=True,
            lines=2,
        )
        return top + self.px(30) + max(used, self.px(56)) + self.px(16)


def _chip_path(rect: QRectF, radius: float) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(rect, radius, radius)
    return path


def _strip(
    c: _Canvas,
    top: float,
    labels: list[str],
    current: int,
    *,
    colours: list[str],
    states: list[str],
    counts: list[str] | None = None,
    action: str = "step",
) -> float:
    """A row of chips joined by arrows; ``states`` per chip: ``open``,
    ``broken`` (after the break), ``blocked`` (where it breaks), ``plain``.
    Returns the strip's bottom."""
    theme = c.theme
    margin = c.px(48)
    count = len(labels)
    gap = c.px(30 if count <= 8 else 20)
    area = c.rect.width() - 2 * margin
    even = (area - gap * (count - 1)) / max(count, 1)
    wide = min(c.px(260), max(even, area * 0.3)) if even < c.px(150) else min(c.px(230), even)
    narrow = (area - gap * (count - 1) - wide) / max(count - 1, 1) if count > 1 else wide
    if even >= c.px(150):
        wide = narrow = min(c.px(230), even)
    height = c.px(96)
    widths = [wide if i == current else narrow for i in range(count)]
    total = sum(widths) + gap * (count - 1)
    left = c.rect.left() + margin + (area - total) / 2
    lefts = []
    for width in widths:
        lefts.append(left)
        left += width + gap
    for i, label in enumerate(labels):
        box = QRectF(lefts[i], top + c.px(10), widths[i], height)
        state = states[i]
        chosen = i == current
        if chosen:
            box = box.adjusted(-c.px(4), -c.px(10), c.px(4), c.px(10))
        if i < count - 1:
            start = QPointF(box.right() + c.px(3), top + c.px(10) + height / 2)
            end = QPointF(lefts[i + 1] - c.px(6), start.y())
            after = states[i + 1]
            ink = (
                theme.broken
                if after == "broken" or state in ("blocked", "broken")
                else (theme.open if state == "open" else theme.muted)
            )
            pen = QPen(_colour(ink, 0.9), c.px(3.2))
            if after == "broken" or state in ("blocked", "broken"):
                pen.setStyle(Qt.PenStyle.DashLine)
            c.p.setPen(pen)
            c.p.drawLine(start, end - QPointF(c.px(8), 0))
            c.p.setPen(Qt.PenStyle.NoPen)
            c.p.setBrush(QColor(ink))
            head = QPainterPath(end)
            head.lineTo(end - QPointF(c.px(12), c.px(7)))
            head.lineTo(end - QPointF(c.px(12), -c.px(7)))
            head.closeSubpath()
            c.p.drawPath(head)
        c.p.setOpacity(
            1.0 if chosen or state == "blocked" else (0.28 if state == "broken" else 0.5)
        )
        border = {"open": theme.open, "blocked": theme.blocked, "broken": theme.faint}.get(
            state, theme.faint
        )
        pen = QPen(QColor(theme.accent if chosen else border), c.px(5 if chosen else 2.5))
        if state == "broken" and not chosen:
            pen.setStyle(Qt.PenStyle.DashLine)
        c.p.setPen(pen)
        c.p.setBrush(QColor(theme.card))
        path = _chip_path(box, c.px(12))
        c.p.drawPath(path)
        c.p.save()
        c.p.setClipPath(path)
        c.p.fillRect(QRectF(box.left(), box.top(), c.px(9), box.height()), QColor(colours[i]))
        c.p.restore()
        inner = box.adjusted(c.px(18), c.px(10), -c.px(10), -c.px(8))
        number = f"{i + 1}" if counts is None else counts[i]
        if inner.width() < c.px(90) and not chosen:  # too narrow for words: the number
            c.text(
                QRectF(inner.left(), inner.center().y() - c.px(16), inner.width(), c.px(32)),
                number,
                24,
                theme.text,
                bold=True,
                align=Qt.AlignmentFlag.AlignCenter,
            )
        else:
            c.text(
                QRectF(inner.left(), inner.top(), inner.width(), c.px(20)),
                number,
                15,
                theme.muted,
                bold=True,
            )
            c.text(
                QRectF(
                    inner.left(), inner.top() + c.px(21), inner.width(), inner.height() - c.px(21)
                ),
                label,
                17 if chosen else 15,
                theme.text,
                bold=chosen,
                lines=3,
            )
        if state == "blocked":
            c.pill(
                QPointF(box.right() - c.px(6), box.top()),
                "⊘",
                16,
                theme.blocked,
                ink_on(theme.blocked),
                right=True,
            )
        c.p.setOpacity(1.0)
        c.hits.append(Hit(box, action, i))
    return top + height + c.px(34)


def _facts(node: object) -> list[str]:
    parts = []
    for name, label in (("access", "Access"), ("skill", "Skill")):
        value = getattr(node, name, None)
        if value:
            parts.append(f"{label}: {value}")
    cost = getattr(node, "effective_cost", None)
    probability = getattr(node, "effective_probability", None)
    if cost is not None:
        parts.append(f"Cost {cost:g}")
    if probability is not None and probability != 1:
        parts.append(f"Probability {probability:g}")
    return parts


def _card(c: _Canvas, top: float, bottom: float) -> QRectF:
    margin = c.px(48)
    card = QRectF(c.rect.left() + margin, top, c.rect.width() - 2 * margin, bottom - top)
    c.p.setPen(QPen(QColor(c.theme.faint), c.px(1.5)))
    c.p.setBrush(QColor(c.theme.card))
    c.p.drawRoundedRect(card, c.px(18), c.px(18))
    return card


def _defences(c: _Canvas, view: ChainView) -> float:
    """The numbered defences along the bottom, up to three a row; returns
    their top."""
    theme = c.theme
    margin = c.px(48)
    bottom = c.rect.bottom() - c.px(54)
    if not view.defences:
        c.text(
            QRectF(
                c.rect.left() + margin, bottom - c.px(30), c.rect.width() - 2 * margin, c.px(30)
            ),
            "No mitigation of the model touches this chain.",
            20,
            theme.muted,
        )
        return bottom - c.px(40)
    count = len(view.defences)
    per_row = count if count <= 3 else min(5, -(-count // 2))
    rows = -(-count // per_row)
    gap = c.px(14)
    row_height = c.px(60)
    width = (c.rect.width() - 2 * margin - gap * (per_row - 1)) / per_row
    top = bottom - rows * row_height - (rows - 1) * gap
    label_font = _font(c.px(18 if per_row <= 3 else 16), bold=True)
    metrics = QFontMetricsF(label_font)
    for n, d in enumerate(view.defences):
        box = QRectF(
            c.rect.left() + margin + (n % per_row) * (width + gap),
            top + (n // per_row) * (row_height + gap),
            width,
            row_height,
        )
        colour = theme.partial if d.partial else theme.blocked
        c.p.setPen(QPen(QColor(colour), c.px(3)))
        c.p.setBrush(QColor(colour) if d.on else QColor(theme.card))
        c.p.drawRoundedRect(box, c.px(12), c.px(12))
        key = QRectF(box.left() + c.px(12), box.top() + c.px(12), c.px(40), box.height() - c.px(24))
        c.p.setPen(Qt.PenStyle.NoPen)
        on_ink = ink_on(colour)
        c.p.setBrush(QColor(on_ink) if d.on else QColor(colour))
        c.p.drawRoundedRect(key, c.px(7), c.px(7))
        c.p.setFont(_font(c.px(22), bold=True))
        c.p.setPen(QColor(colour) if d.on else QColor(on_ink))
        c.p.drawText(key, Qt.AlignmentFlag.AlignCenter, str(d.key))
        ink = on_ink if d.on else theme.text
        state = (
            ("ON" if d.on else "off")
            if not d.partial
            else (f"◐ −{d.effectiveness * 100:.0f} %" + (" ON" if d.on else ""))
        )
        state_width = metrics.horizontalAdvance(state) + c.px(8)
        c.p.setFont(label_font)
        c.p.setPen(QColor(ink))
        c.p.drawText(
            QRectF(box.right() - state_width - c.px(14), box.top(), state_width, box.height()),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            state,
        )
        label_box = QRectF(
            key.right() + c.px(12),
            box.top() + c.px(6),
            box.width() - key.width() - state_width - c.px(56),
            box.height() - c.px(12),
        )
        lines = wrap_text(one_line(d.label), metrics, label_box.width(), 2)
        y = label_box.center().y() - len(lines) * metrics.lineSpacing() / 2
        for line in lines:
            c.p.drawText(
                QRectF(label_box.left(), y, label_box.width(), metrics.lineSpacing()),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                line,
            )
            y += metrics.lineSpacing()
        c.hits.append(Hit(box, "defence", d.key))
    c.text(
        QRectF(c.rect.left() + margin, top - c.px(34), c.rect.width() - 2 * margin, c.px(28)),
        "Defences that break this chain: press the number (or click) to "
        "switch one on or off · 0 switches them all back",
        17,
        theme.muted,
    )
    return top - c.px(44)


def _footer(c: _Canvas, context: str, hints: str) -> None:
    """The state on the left, the keys on the right."""
    box = QRectF(
        c.rect.left() + c.px(48), c.rect.bottom() - c.px(38), c.rect.width() - c.px(96), c.px(26)
    )
    font = _font(c.px(15))
    hint_width = min(QFontMetricsF(font).horizontalAdvance(hints) + c.px(8), box.width() * 0.66)
    c.text(
        QRectF(box.right() - hint_width, box.top(), hint_width, box.height()),
        hints,
        15,
        c.theme.muted,
        align=Qt.AlignmentFlag.AlignRight,
    )
    c.text(
        QRectF(box.left(), box.top(), box.width() - hint_width - c.px(24), box.height()),
        context,
        15,
        c.theme.text,
        bold=True,
    )


HINTS = (
    "→ PgDn next · ← PgUp back · N/P chain · S story · 1–9 defences · 0 reset · "
    "T theme · Esc editor"
)


def paint_chain(
    painter: QPainter,
    rect: QRectF,
    theme: PresentTheme,
    view: ChainView,
    component_label: Callable[[str], str] | None = None,
) -> list[Hit]:
    """Draw a chain at its current step; returns the clickable areas."""
    c = _Canvas(painter, rect, theme)
    chain = view.chain
    broken = view.broken_at is not None or not chain.open
    state = "BROKEN" if broken else "OPEN"
    if broken and view.broken_at is not None:
        state = f"BROKEN AT STEP {view.broken_at + 1}"
    detail = f"{len(view.steps)} steps · cost {chain.cost:g} · probability {chain.probability:.2g}"
    barriers = sum(1 for d in view.defences if d.on and not d.partial)
    if barriers and not view.fixed:  # defence in depth: mitigations to defeat
        detail += f" · depth {barriers}"
    top = c.header(view.kicker, view.title, state, theme.blocked if broken else theme.open, detail)
    states = []
    for i in range(len(view.steps)):
        if view.broken_at is not None and i == view.broken_at:
            states.append("blocked")
        elif view.broken_at is not None and i > view.broken_at:
            states.append("broken")
        else:
            states.append("plain" if broken else "open")
    colours = [view.colours.get(n.component or "", theme.faint) for n in view.steps]
    top = _strip(c, top, [n.label for n in view.steps], view.step, colours=colours, states=states)
    bottom = _defences(c, view)
    card = _card(c, top, bottom)
    c.p.save()
    c.p.setClipRect(card.adjusted(1, 1, -1, -1))
    _step_card(c, card, view, component_label)
    c.p.restore()
    _footer(c, view.context, HINTS)
    return c.hits


def _step_card(
    c: _Canvas, card: QRectF, view: ChainView, component_label: Callable[[str], str] | None
) -> None:
    theme = c.theme
    node = view.current
    pad = c.px(34)
    inner = card.adjusted(pad, c.px(26), -pad, -c.px(22))
    split = inner.left() + inner.width() * 0.56
    left = QRectF(inner.left(), inner.top(), split - inner.left() - c.px(30), inner.height())
    right = QRectF(split, inner.top(), inner.right() - split, inner.height())
    blockers = view.blocking(view.step)
    y = left.top()
    if blockers or view.step in view.fixed:
        names = ", ".join(one_line(d.label) for d in blockers) or "the release"
        why = (
            f"⊘ Blocked by {names}: the chain breaks here"
            if blockers
            else "⊘ Removed by the release shown: the chain breaks here"
        )
        band = QRectF(card.left() + c.px(2), card.top() + c.px(2), card.width() - c.px(4), c.px(50))
        path = QPainterPath()
        path.addRoundedRect(band, c.px(16), c.px(16))
        c.p.fillPath(path, QBrush(QColor(theme.blocked)))
        c.text(band.adjusted(pad, c.px(9), -pad, 0), why, 22, ink_on(theme.blocked), bold=True)
        y = band.bottom() + c.px(16)
        right = QRectF(right.left(), y, right.width(), inner.bottom() - y)
    kind = node.kind.upper() + (" · AND: needs every enabler" if node.gate == "and" else "")
    c.text(
        QRectF(left.left(), y, left.width(), c.px(26)),
        f"STEP {view.step + 1} OF {len(view.steps)} · {kind}",
        17,
        theme.muted,
        bold=True,
    )
    y += c.px(32)
    y += c.text(
        QRectF(left.left(), y, left.width(), c.px(170)),
        node.label,
        46,
        theme.text,
        bold=True,
        lines=3,
    ) + c.px(14)
    comp = view.components.get(node.id)
    if comp is not None:
        swatch = QRectF(left.left(), y + c.px(5), c.px(18), c.px(18))
        c.p.setPen(Qt.PenStyle.NoPen)
        c.p.setBrush(QColor(view.colours.get(comp.id, theme.faint)))
        c.p.drawRoundedRect(swatch, c.px(4), c.px(4))
        where = component_label(comp.id) if component_label else comp.label
        y += c.text(
            QRectF(left.left() + c.px(28), y, left.width() - c.px(28), c.px(60)),
            f"{where} · {comp.kind}",
            23,
            theme.text,
            lines=2,
        ) + c.px(8)
    facts = _facts(node)
    if facts:
        y += c.text(
            QRectF(left.left(), y, left.width(), c.px(34)), " · ".join(facts), 23, theme.muted
        ) + c.px(14)
    x = left.left()
    for technique in node.techniques or ():
        box = c.pill(
            QPointF(x, y + c.px(18)), one_line(technique), 20, theme.accent, ink_on(theme.accent)
        )
        x = box.right() + c.px(10)
        if x > left.right() - c.px(80):
            x, y = left.left(), y + c.px(44)
    description = plain_markdown(node.description)
    ry = right.top()
    if description:
        c.text(
            QRectF(right.left(), ry, right.width(), c.px(26)),
            "WHAT HAPPENS",
            16,
            theme.muted,
            bold=True,
        )
        ry += c.px(30)
        refs_room = c.px(34) * min(len(node.refs or ()), 4) + (c.px(40) if node.refs else 0)
        lines = max(1, int((right.bottom() - ry - refs_room) // c.px(34)))
        ry += c.text(
            QRectF(right.left(), ry, right.width(), right.bottom() - ry - refs_room),
            description,
            24,
            theme.text,
            lines=lines,
        ) + c.px(16)
    if node.refs:
        c.text(
            QRectF(right.left(), ry, right.width(), c.px(26)),
            "REFERENCES",
            16,
            theme.muted,
            bold=True,
        )
        ry += c.px(30)
        for ref in list(node.refs)[:4]:
            ry += c.text(
                QRectF(right.left(), ry, right.width(), c.px(30)), ref, 18, theme.accent, mono=True
            ) + c.px(4)
        if len(node.refs) > 4:
            c.text(
                QRectF(right.left(), ry, right.width(), c.px(30)),
                f"… and {len(node.refs) - 4} more",
                17,
                theme.muted,
            )


def paint_releases(
    painter: QPainter, rect: QRectF, theme: PresentTheme, view: ReleaseView
) -> list[Hit]:
    """Draw the release timeline at its current release."""
    c = _Canvas(painter, rect, theme)
    state = view.current
    count = state.open_chains
    reachable = bool(state.reachable_goals)
    pill = (
        (f"{count} OPEN CHAINS" if count is not None else "MANY OPEN CHAINS")
        if (count or count is None)
        else "NO OPEN CHAIN"
    )
    top = c.header(
        view.kicker,
        view.title,
        pill,
        theme.open if reachable or count else theme.blocked,
        f"release {view.step + 1} of {len(view.states)}",
    )
    labels = [s.release for s in view.states]
    counts = [
        ("?" if s.open_chains is None else f"{s.open_chains} open")
        + ("" if s.min_depth is None else f" · d{s.min_depth}")
        for s in view.states
    ]
    states = [
        "open" if (s.open_chains or s.open_chains is None) else "blocked" for s in view.states
    ]
    colours = [theme.open if st == "open" else theme.blocked for st in states]
    top = _strip(
        c, top, labels, view.step, colours=colours, states=states, counts=counts, action="release"
    )
    card = _card(c, top, c.rect.bottom() - c.px(60))
    pad = c.px(34)
    inner = card.adjusted(pad, c.px(26), -pad, -c.px(20))
    previous = view.states[view.step - 1].open_chains if view.step else view.before
    y = inner.top()
    then = "?" if previous is None else str(previous)
    now = "?" if count is None else str(count)
    before = "before this release" if view.step else "as deployed"
    y += c.text(
        QRectF(inner.left(), y, inner.width(), c.px(80)),
        f"{then} → {now} open chains",
        56,
        theme.text,
        bold=True,
    ) + c.px(4)
    c.text(
        QRectF(inner.left(), y, inner.width(), c.px(30)),
        f"({then} {before}, {now} at {state.release})",
        20,
        theme.muted,
    )
    y += c.px(46)
    if state.closed_chains:
        y += c.text(
            QRectF(inner.left(), y, inner.width(), c.px(40)),
            f"Closes {len(state.closed_chains)} chain(s) that were open before",
            26,
            theme.blocked,
            bold=True,
        ) + c.px(12)
    ships = [view.labels.get(m, m) for m in state.new_mitigations]
    c.text(QRectF(inner.left(), y, inner.width(), c.px(26)), "SHIPS", 16, theme.muted, bold=True)
    y += c.px(30)
    y += c.text(
        QRectF(inner.left(), y, inner.width(), c.px(120)),
        " · ".join(ships) if ships else "No mitigation of the model ships in it",
        24,
        theme.text,
        lines=3,
    ) + c.px(16)
    c.text(
        QRectF(inner.left(), y, inner.width(), c.px(26)),
        "STILL REACHABLE",
        16,
        theme.muted,
        bold=True,
    )
    y += c.px(30)
    goals = [view.labels.get(g, g) for g in state.reachable_goals]
    y += c.text(
        QRectF(inner.left(), y, inner.width(), c.px(120)),
        " · ".join(goals) if goals else "No goal: every chain is broken",
        24,
        theme.open if goals else theme.blocked,
        lines=3,
    ) + c.px(16)
    if state.depths and y + c.px(64) < inner.bottom():  # defence in depth
        c.text(
            QRectF(inner.left(), y, inner.width(), c.px(26)),
            "DEFENCE IN DEPTH",
            16,
            theme.muted,
            bold=True,
        )
        y += c.px(30)
        least = state.min_depth
        earlier = view.states[view.step - 1].min_depth if view.step else None
        change = (
            f"{earlier} → {least}"
            if view.step and earlier is not None and least is not None and earlier != least
            else str(least)
        )
        c.text(
            QRectF(inner.left(), y, inner.width(), c.px(60)),
            "No defeat of a mitigation reopens any goal"
            if least is None
            else f"Least depth {change}: an attacker must defeat at least {least} "
            "mitigation(s) in effect to reopen a goal",
            24,
            theme.open if not least else theme.blocked,
            lines=2,
        )
    _footer(
        c, "Release timeline", "→ PgDn next release · ← PgUp back · S story · T theme · Esc editor"
    )
    return c.hits


def paint_message(
    painter: QPainter, rect: QRectF, theme: PresentTheme, title: str, text: str
) -> None:
    """A screen with one message (no chain to show)."""
    c = _Canvas(painter, rect, theme)
    c.text(
        QRectF(
            rect.left() + c.px(80), rect.center().y() - c.px(80), rect.width() - c.px(160), c.px(60)
        ),
        title,
        40,
        theme.text,
        bold=True,
        align=Qt.AlignmentFlag.AlignCenter,
    )
    c.text(
        QRectF(rect.left() + c.px(80), rect.center().y(), rect.width() - c.px(160), c.px(120)),
        text,
        22,
        theme.muted,
        lines=3,
        align=Qt.AlignmentFlag.AlignCenter,
    )
    _footer(c, "", HINTS)

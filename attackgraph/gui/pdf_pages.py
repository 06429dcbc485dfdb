"""PDF pages for a drawing: one page of the drawing's size, fitted to a
paper size in landscape, or tiled at full size across pages.

Both PDF exports use it: the diagram (Graphviz's SVG drawn with Qt) and the
canvas as shown. Qt painting on a PDF writer works on worker threads.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter, QPdfWriter

__all__ = ["PAGE_CHOICES", "Draw", "paged_pdf"]

PAGE_CHOICES: dict[str, str] = {
    "drawing": "One page the size of the drawing",
    "a4": "Fit to one A4 page (landscape)",
    "a3": "Fit to one A3 page (landscape)",
    "letter": "Fit to one Letter page (landscape)",
    "a4-tiles": "Tile across A4 pages (landscape, full size)",
    "letter-tiles": "Tile across Letter pages (landscape, full size)",
}
"""Page options of a PDF export, by key, with the text the dialog shows."""
_PAPER = {
    "a4": QPageSize.PageSizeId.A4,
    "a3": QPageSize.PageSizeId.A3,
    "letter": QPageSize.PageSizeId.Letter,
}
MARGIN_PT = 28.0
OVERLAP = 0.04
"""Tiles overlap by this share of a page, so that nothing is lost at a cut."""

Draw = Callable[[QPainter, QRectF, QRectF], None]
"""``draw(painter, target, part)``: paint ``part`` of the drawing (fractions of
its width and height, 0 to 1) into ``target`` (device pixels)."""


def _tiles(count: int) -> list[tuple[float, float]]:
    """``count`` spans (start, length) covering 0..1 with a small overlap."""
    if count <= 1:
        return [(0.0, 1.0)]
    length = (1.0 + OVERLAP * (count - 1)) / count
    return [(i * (length - OVERLAP), length) for i in range(count)]


def paged_pdf(
    size_pt: QSizeF,
    draw: Draw,
    page: str = "drawing",
    background: QColor | None = None,
    title: str = "attackgraph",
) -> bytes:
    """A PDF of a drawing whose natural size is ``size_pt`` (points).

    Parameters
    ----------
    size_pt : QSizeF
        The drawing at full size.
    draw : Draw
        Paints a part of the drawing into a rectangle.
    page : str
        A key of :data:`PAGE_CHOICES`.
    background : QColor, optional
        Filled behind the drawing on every page.

    Raises
    ------
    ValueError
        An unknown page option.
    """
    if page not in PAGE_CHOICES:
        raise ValueError(f"unknown page size {page!r}: one of " + ", ".join(PAGE_CHOICES))
    width, height = max(size_pt.width(), 1.0), max(size_pt.height(), 1.0)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(72)  # one device pixel is one point
    writer.setTitle(title)
    if page == "drawing":
        layout = QPageLayout(
            QPageSize(QSizeF(width, height), QPageSize.Unit.Point, "drawing"),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    else:
        layout = QPageLayout(
            QPageSize(_PAPER[page.removesuffix("-tiles")]),
            QPageLayout.Orientation.Landscape,
            QMarginsF(MARGIN_PT, MARGIN_PT, MARGIN_PT, MARGIN_PT),
            QPageLayout.Unit.Point,
        )
    writer.setPageLayout(layout)
    painter = QPainter(writer)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    area = QRectF(0, 0, writer.width(), writer.height())  # inside the margins
    if page.endswith("-tiles"):
        columns = _tiles(math.ceil(width / area.width()))
        rows = _tiles(math.ceil(height / area.height()))
        parts = [QRectF(x, y, w, h) for y, h in rows for x, w in columns]
    else:
        parts = [QRectF(0, 0, 1, 1)]
    for index, part in enumerate(parts):
        if index:
            writer.newPage()
        if page == "drawing":
            target = area
        else:
            part_w, part_h = part.width() * width, part.height() * height
            scale = min(area.width() / part_w, area.height() / part_h)
            if page.endswith("-tiles"):
                scale = min(scale, 1.0)
            target = QRectF(0, 0, part_w * scale, part_h * scale)
            if not page.endswith("-tiles"):  # a fitted drawing is centred
                target.moveCenter(area.center())
        if background is not None:
            painter.fillRect(target, background)
        draw(painter, target, part)
    painter.end()
    buffer.close()
    return bytes(data.data())

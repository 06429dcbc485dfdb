"""File > Export: diagrams (through the render layer, as ``attackgraph
export`` draws them), the canvas as it looks, HTML and Markdown reports and
the chain x mitigation matrix, all in the state the workbench shows: the
what-if, the attacker profile, the release and the highlighted chain.

Everything but the canvas picture is made off the GUI thread from a
snapshot of the model; slow exports (a large diagram, a report with its
optimisations) show a progress dialog with a Cancel button. Files are
written atomically, attachments of a Markdown report beside it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QRectF,
    QSizeF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QGraphicsItem, QInputDialog, QProgressDialog

from attackgraph.analysis import analyze
from attackgraph.errors import AttackGraphError
from attackgraph.fileio import atomic_write_bytes
from attackgraph.gui.analysis.compute import AnalysisState, ModelSnapshot, named_analysis
from attackgraph.gui.canvas import style
from attackgraph.gui.pdf_pages import PAGE_CHOICES, paged_pdf
from attackgraph.gui.workers import LatestRunner
from attackgraph.render.dot import DiagramOptions

if TYPE_CHECKING:
    from attackgraph.gui.analysis.workbench import Workbench
    from attackgraph.gui.canvas.scene import CanvasScene

__all__ = ["EXPORTS", "Exporter", "canvas_bytes", "export_files"]

EXPORTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "diagram": (
        "&Diagram…",
        "SVG diagram (*.svg);;PNG picture (*.png);;PDF document (*.pdf);;"
        "Graphviz source (*.dot *.gv);;Mermaid flowchart (*.mmd)",
        ("svg", "png", "pdf", "dot", "gv", "mmd"),
    ),
    "canvas": (
        "&Canvas as Shown…",
        "PNG picture (*.png);;SVG picture (*.svg);;PDF document (*.pdf)",
        ("png", "svg", "pdf"),
    ),
    "report": ("&Report…", "HTML report (*.html);;Markdown report (*.md)", ("html", "md")),
    "matrix": ("Chain × Mitigation &Matrix…", "CSV table (*.csv)", ("csv",)),
    "navigator": ("ATT&&CK &Navigator Layer…", "ATT&CK Navigator layer (*.json)", ("json",)),
}
"""What File > Export offers: menu text, file dialog filters, extensions."""
MAX_PIXELS = 12000
"""Longest side of a canvas PNG."""
PROGRESS_DELAY_MS = 400
FOLDER_KEY = "export/last-folder"
PAGE_KEY = "export/pdf-page"


def _format(kind: str, path: str) -> str:
    ext = Path(path).suffix.lower().lstrip(".")
    allowed = EXPORTS[kind][2]
    if ext not in allowed:
        raise ValueError(
            f"{Path(path).name}: a {kind} export is one of " + ", ".join(f".{e}" for e in allowed)
        )
    return "dot" if ext == "gv" else ext


def export_files(
    snapshot: ModelSnapshot,
    state: AnalysisState,
    kind: str,
    path: str,
    *,
    highlight: frozenset[str] | None = None,
    mitigations: bool = True,
    cancel: threading.Event | None = None,
    page: str = "drawing",
) -> dict[str, bytes]:
    """The files of a diagram, report or matrix export (OUT and attachments).

    Qt-free: runs on a worker thread. The analysis is made again from the
    snapshot with the state's options, exactly as ``attackgraph export``
    with the same options does.

    Parameters
    ----------
    snapshot : ModelSnapshot
        The model now.
    state : AnalysisState
        Profile, release, what-if, goals, chain limit.
    kind : {"diagram", "report", "matrix", "navigator"}
        What to write; the format follows ``path``'s extension.
    path : str
        The file to write.
    highlight : frozenset of str, optional
        The nodes of the chain to highlight.
    mitigations : bool
        Diagrams and reports: draw the in-effect mitigations.
    cancel : threading.Event, optional
        Set it to stop (Graphviz and the report's analyses stop).
    page : str
        A PDF diagram's pages, a key of
        :data:`~attackgraph.gui.pdf_pages.PAGE_CHOICES` (the drawing's own
        size by default, as ``attackgraph export`` writes it).

    Raises
    ------
    RenderError, AnalysisError, ValueError
        Graphviz failed or was cancelled; unknown ids; a wrong extension.
    """
    from attackgraph.gui.present.story import find_chain

    fmt = _format(kind, path)
    model = snapshot.build()
    stop = cancel.is_set if cancel is not None else None
    analysis = named_analysis(
        model,
        analyze(model, max_chains=state.max_chains, cancel=stop, **state.analyze_kwargs()),
        state,
        cancel=stop,
    )
    chain = find_chain(analysis, highlight) if highlight else None
    chain_id = chain.id if chain is not None else None
    if kind == "matrix":
        from attackgraph.render.table import chains_csv

        return {
            path: chains_csv(analysis.chains, [m.id for m in analysis.mitigations]).encode("utf-8")
        }
    if kind == "navigator":
        from attackgraph.render.navigator import generate_navigator

        return {
            path: generate_navigator(
                model,
                analysis,
                switch_on=tuple(state.switch_on),
                switch_off=tuple(state.switch_off),
                goals=tuple(state.goals) if state.goals else None,
            ).encode("utf-8")
        }
    if kind == "report":
        from attackgraph.render.report_data import collect_report

        data = collect_report(
            model,
            analysis=analysis,
            max_chains=state.max_chains,
            cancel=cancel,
            **state.analyze_kwargs(),
        )
        options = DiagramOptions(title=False, mitigations=mitigations)
        if fmt == "html":
            from attackgraph.render.report_html import html_report

            return {
                path: html_report(
                    model, data, chain=chain_id, options=options, cancel=cancel
                ).encode("utf-8")
            }
        from attackgraph.render.report_md import markdown_report

        stem = Path(path).name[: -len(".md")]
        report = markdown_report(
            model, data, stem=stem, chain=chain_id, options=options, cancel=cancel
        )
        files = {path: report.text.encode("utf-8")}
        files.update(
            {
                os.path.join(os.path.dirname(path), name): content
                for name, content in report.attachments.items()
            }
        )
        return files
    from attackgraph.render.overlay import build_overlay

    overlay = build_overlay(model, analysis, chain=chain_id)
    if fmt == "mmd":
        from attackgraph.render.mermaid import generate_mermaid

        return {path: generate_mermaid(model, overlay, mitigations=mitigations).encode("utf-8")}
    from attackgraph.render.diagram import render_diagram

    options = DiagramOptions(mitigations=mitigations)
    if fmt == "pdf" and page != "drawing":
        svg = render_diagram(model, "svg", overlay=overlay, options=options, cancel=cancel)
        return {path: svg_to_pdf(svg, page)}
    return {path: render_diagram(model, fmt, overlay=overlay, options=options, cancel=cancel)}


def svg_to_pdf(svg: bytes, page: str) -> bytes:
    """A Graphviz SVG as a PDF laid out on ``page`` (fitted or tiled)."""
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError("Graphviz returned an SVG drawing that could not be read")
    box = renderer.viewBoxF()
    if box.isEmpty():
        box = QRectF(0, 0, renderer.defaultSize().width(), renderer.defaultSize().height())

    def draw(painter: QPainter, target: QRectF, part: QRectF) -> None:
        renderer.setViewBox(
            QRectF(
                box.left() + part.left() * box.width(),
                box.top() + part.top() * box.height(),
                part.width() * box.width(),
                part.height() * box.height(),
            )
        )
        renderer.render(painter, target)

    return paged_pdf(box.size(), draw, page, QColor("#ffffff"), "attackgraph diagram")


def canvas_bytes(
    scene: CanvasScene, fmt: str, *, scale: float = 2.0, page: str = "drawing"
) -> bytes:
    """The canvas as it looks (analysis marks, highlight, theme) as PNG, SVG
    or PDF, cut to the model's items; a PDF's pages follow ``page`` (a key
    of :data:`~attackgraph.gui.pdf_pages.PAGE_CHOICES`).

    Vector formats get vector drawings: the items' pictures are not cached
    while this draws, and the overview of large models is switched off.
    """
    rect = scene.flow.content_rect().adjusted(-40, -40, 40, 40)
    if rect.isEmpty():
        rect = QRectF(0, 0, 400, 300)
    background = style.current().background
    selected = scene.selectedItems()
    for item in selected:
        item.setSelected(False)
    zoom = next((v.transform().m11() for v in scene.views()), 1.0)
    scene.follow_zoom(1.0)
    caches = [(item, item.cacheMode()) for item in scene.nodes.values()]
    for item, _ in caches:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    scene.grid_visible = False  # an editing aid, not part of the picture
    style.set_full_detail(fmt != "png")  # vectors keep every label at any page scale
    try:
        return _render(scene, rect, fmt, background, scale, page)
    finally:
        scene.grid_visible = True
        style.set_full_detail(False)
        for item, mode in caches:
            item.setCacheMode(mode)
        scene.follow_zoom(zoom)
        for item in selected:
            item.setSelected(True)


def _render(
    scene: CanvasScene,
    rect: QRectF,
    fmt: str,
    background: QColor,
    scale: float,
    page: str = "drawing",
) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if fmt == "png":
        scale = min(scale, MAX_PIXELS / max(rect.width(), rect.height()))
        image = QImage(
            max(1, int(rect.width() * scale)),
            max(1, int(rect.height() * scale)),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.fill(background)
        painter = QPainter(image)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        scene.render(painter, QRectF(image.rect()), rect)
        painter.end()
        image.save(buffer, "PNG")
    elif fmt == "svg":
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(rect.size().toSize())
        generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        generator.setTitle("attackgraph canvas")
        painter = QPainter(generator)
        painter.fillRect(QRectF(0, 0, rect.width(), rect.height()), background)
        scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
        painter.end()
    elif fmt == "pdf":

        def draw(painter: QPainter, target: QRectF, part: QRectF) -> None:
            source = QRectF(
                rect.left() + part.left() * rect.width(),
                rect.top() + part.top() * rect.height(),
                part.width() * rect.width(),
                part.height() * rect.height(),
            )
            scene.render(painter, target, source)

        buffer.write(
            paged_pdf(
                QSizeF(rect.width() * 0.75, rect.height() * 0.75),
                draw,
                page,
                background,
                "attackgraph canvas",
            )
        )
    else:
        raise ValueError(f"the canvas is exported as png, svg or pdf, not {fmt}")
    buffer.close()
    return bytes(data.data())


class Exporter(QObject):
    """The exports of one window's workbench.

    Signals
    -------
    exported(str)
        A file was written (its path).
    failed(str)
        An export failed (a sentence).
    """

    exported = Signal(str)
    failed = Signal(str)

    def __init__(self, workbench: Workbench) -> None:
        super().__init__(workbench)
        self.workbench = workbench
        self.window = workbench.window
        self.runner = LatestRunner(self)
        self.runner.finished.connect(self._written)
        self.runner.failed.connect(self._failed)
        self.runner.busyChanged.connect(self._busy)
        self.progress: QProgressDialog | None = None
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_DELAY_MS)
        self._progress_timer.timeout.connect(self._show_progress)
        self._what = ""
        self.last: dict[str, bytes] = {}

    def dialog(self, kind: str) -> bool:
        """Ask for a file name (in the folder of the last export), and for a
        PDF the page size, then export."""
        text, filters, extensions = EXPORTS[kind]
        document = self.window.document
        settings = self.window.settings
        base = Path(document.path or document.imported_from or "model").name
        for suffix in (".attackgraph.json", ".attackgraph.yaml", ".attackgraph.yml"):
            base = base.removesuffix(suffix)
        base = Path(base).stem if "." in base else base
        remembered = settings.value(FOLDER_KEY, "")
        folder = (
            remembered
            if isinstance(remembered, str) and remembered and os.path.isdir(remembered)
            else (str(Path(document.path).parent) if document.path else "")
        )
        ending = "layer.json" if kind == "navigator" else extensions[0]  # never the model
        start = os.path.join(folder, f"{base}.{ending}")
        title = text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip("…")
        path, chosen = QFileDialog.getSaveFileName(self.window, f"Export {title}", start, filters)
        if not path:
            return False
        if not Path(path).suffix:
            chosen_ext = (
                chosen.split("(*.", 1)[-1].split()[0].rstrip(")")
                if "(*." in chosen
                else extensions[0]
            )
            path = f"{path}.{chosen_ext}"
        settings.setValue(FOLDER_KEY, str(Path(path).resolve().parent))
        page = "drawing"
        if path.lower().endswith(".pdf"):
            keys = list(PAGE_CHOICES)
            last = str(settings.value(PAGE_KEY, "a4"))
            choice, ok = QInputDialog.getItem(
                self.window,
                "PDF Pages",
                "Pages of the PDF:",
                list(PAGE_CHOICES.values()),
                keys.index(last) if last in keys else 1,
                False,
            )
            if not ok:
                return False
            page = keys[list(PAGE_CHOICES.values()).index(choice)]
            settings.setValue(PAGE_KEY, page)
        return self.export(kind, path, page=page)

    def export(
        self, kind: str, path: str, *, mitigations: bool = True, page: str = "drawing"
    ) -> bool:
        """Export to ``path`` (the canvas at once, the rest in the background);
        ``page`` lays a PDF out on paper (see :data:`PAGE_CHOICES`).

        Returns
        -------
        bool
            Whether the export was written (canvas) or started.
        """
        try:
            fmt = _format(kind, path)
        except ValueError as exc:
            self._report_failure(str(exc))
            return False
        if kind == "canvas":
            try:
                atomic_write_bytes(path, canvas_bytes(self.window.scene, fmt, page=page))
            except OSError as exc:
                self._report_failure(f"{path}: {exc.strerror or exc}")
                return False
            self._done(path)
            return True
        session = self.workbench.session
        snapshot = ModelSnapshot.of(session.model)
        state = session.state
        chain = session.highlighted_chain()
        highlight = frozenset(chain.nodes) if chain is not None else None

        def work(cancel: threading.Event) -> dict[str, bytes]:
            files = export_files(
                snapshot,
                state,
                kind,
                path,
                highlight=highlight,
                mitigations=mitigations,
                cancel=cancel,
                page=page,
            )
            if cancel.is_set():
                return {}
            for target, content in files.items():
                atomic_write_bytes(target, content)
            return files

        self._what = f"{Path(path).name}"
        self.runner.start(work)
        return True

    def cancel(self) -> None:
        """Stop the running export (nothing is written)."""
        self.runner.cancel()
        self.window.show_message("Export cancelled.")

    def wait(self, timeout_s: float = 120.0) -> bool:
        """Process events until the export has ended (for scripts and tests)."""
        import time

        from PySide6.QtWidgets import QApplication

        deadline = time.monotonic() + timeout_s
        while self.runner.busy and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.005)
        QApplication.processEvents()
        return not self.runner.busy

    # ------------------------------------------------------------ reports
    def _busy(self, busy: bool) -> None:
        if busy:
            self._progress_timer.start()
            return
        self._progress_timer.stop()
        if self.progress is not None:
            self.progress.hide()

    def _show_progress(self) -> None:
        if not self.runner.busy:
            return
        if self.progress is None:
            self.progress = QProgressDialog(self.window)
            self.progress.setWindowModality(Qt.WindowModality.NonModal)
            self.progress.setRange(0, 0)
            self.progress.setAutoClose(False)
            self.progress.setAutoReset(False)
            self.progress.canceled.connect(self.cancel)
            self.progress.setWindowTitle("Exporting")
        self.progress.setLabelText(f"Writing {self._what}…")
        self.progress.show()

    def _written(self, files: dict[str, bytes], seconds: float) -> None:
        self.last = files
        if files:
            self._done(next(iter(files)), seconds)

    def _done(self, path: str, seconds: float | None = None) -> None:
        took = f" in {seconds:.1f} s" if seconds is not None and seconds >= 1 else ""
        self.window.show_message(f"Exported {path}{took}.")
        self.exported.emit(path)

    def _failed(self, message: str) -> None:
        self._report_failure(message.split(": ", 1)[-1])

    def _report_failure(self, message: str) -> None:
        self.failed.emit(message)
        self.window.files.show_error("The export failed", AttackGraphError(message))

"""Catalog mitigations proposed for the selected node, one click to adopt.

The node's technique ids are looked up in the bundled catalogs (MITRE ATT&CK
Enterprise, the Seven Properties of Highly Secure Devices) through the
Qt-free :func:`attackgraph.catalogs.suggestions_for`; a click adds the
proposed mitigation, or adds the node to the blocks of the mitigation that
already is that catalog entry, as one undo command
(:func:`attackgraph.catalogs.build_mitigation` makes the object; the model is
changed only by the command). Each catalog shows its version and its terms
(the ATT&CK licence notice). Catalog and model text is shown as plain text:
labels in plain-text mode, tooltips escaped.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from attackgraph.catalogs import (
    Catalog,
    Suggestion,
    available_catalogs,
    build_mitigation,
    load_catalog,
    parent_technique,
    suggestions_for,
)
from attackgraph.errors import AttackGraphError
from attackgraph.gui.commands import AddObjectCommand, ModelCommand, UpdateCommand
from attackgraph.gui.document import Document
from attackgraph.gui.text import escape_html
from attackgraph.model import AttackModel, ModelEvent

__all__ = ["SuggestionRow", "SuggestionsPanel", "adopt_command", "licence_notice", "warm_catalogs"]

_WARMED = threading.Event()
_CODE_MARK = re.compile(r"</?code>", re.IGNORECASE)


def warm_catalogs() -> None:
    """Load the bundled catalogs in the background once per process, so the
    first selected node does not wait for them (about 0.2 s)."""
    if _WARMED.is_set():
        return
    _WARMED.set()

    def load() -> None:
        for name in available_catalogs():
            with contextlib.suppress(AttackGraphError):  # reported when the panel asks
                load_catalog(name)

    threading.Thread(target=load, name="attackgraph-catalogs", daemon=True).start()


def _tip(*parts: str) -> str:
    """A tooltip of our own making around escaped text (shown, never interpreted)."""
    return "<p>" + "<br>".join(escape_html(p).replace("\n", "<br>") for p in parts if p) + "</p>"


def _label(text: str, *, muted: bool = False, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    if muted:
        label.setEnabled(False)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def licence_notice(catalog: Catalog) -> str:
    """The short notice a catalog's content is shown with (its first sentences)."""
    licence = catalog.licence.strip()
    if not licence:
        return ""
    sentences = licence.split(". ")
    notice = ". ".join(sentences[:3]).rstrip(".") + "."
    return notice if len(notice) <= 240 else notice[:237].rstrip() + "…"


def adopt_command(model: AttackModel, suggestion: Suggestion) -> ModelCommand | None:
    """The one undo command that adopts ``suggestion`` (None if nothing would change).

    A catalog entry the model already has (``suggestion.existing``) gets the
    node added to its blocks; otherwise the entry is added as a new, proposed
    mitigation blocking the node.
    """
    mitigation = build_mitigation(model, suggestion)
    node = suggestion.node_id
    if suggestion.existing is not None and suggestion.existing in model.mitigations:
        old = model.mitigations[suggestion.existing]
        if tuple(mitigation.blocks) == tuple(old.blocks):
            return None
        return UpdateCommand(
            model,
            "mitigation",
            old.id,
            {"blocks": mitigation.blocks},
            text=f"Block {node} with {old.id} ({suggestion.entry_id})",
        )
    command = AddObjectCommand(model, mitigation)
    command.setText(f"Add {suggestion.entry_id} {suggestion.label} to block {node}")
    return command


class SuggestionRow(QFrame):
    """One proposed mitigation: name, why, and the button that adopts it.

    Signals
    -------
    adopt(Suggestion)
        The button was clicked.
    """

    adopt = Signal(object)

    def __init__(
        self,
        suggestion: Suggestion,
        catalog: Catalog,
        *,
        explain: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.suggestion = suggestion
        self.setObjectName("suggestion")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 6, 6)
        box.setSpacing(2)
        top = QHBoxLayout()
        top.setSpacing(4)
        self.title = _label(f"{suggestion.label}  ·  {suggestion.entry_id}", bold=True)
        top.addWidget(self.title, 1)
        self.link: QToolButton | None = None
        url = suggestion.url or ""
        if url.startswith(("https://", "http://")):
            self.link = QToolButton()
            self.link.setText("↗")
            self.link.setAutoRaise(True)
            self.link.setToolTip(_tip("Read more:", url))
            self.link.clicked.connect(lambda _=False, u=url: QDesktopServices.openUrl(QUrl(u)))
            top.addWidget(self.link, 0, Qt.AlignmentFlag.AlignTop)
        self.button = QPushButton()
        self.button.setAutoDefault(False)
        top.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(top)
        self.why = _label(self._why(catalog), muted=True)
        self.why.setVisible(
            explain or bool(suggestion.via or suggestion.via_parent or suggestion.existing)
        )
        box.addWidget(self.why)
        self.rationale = _label(_shorten(suggestion.rationale, 160))
        self.rationale.setVisible(bool(suggestion.rationale))
        box.addWidget(self.rationale)
        if suggestion.covered:
            self.button.setText("✓ Blocks it")
            self.button.setEnabled(False)
            action = f"The model's mitigation {suggestion.existing} already blocks this node."
        elif suggestion.existing is not None:
            self.button.setText("Extend")
            action = (
                f"Add {suggestion.node_id} to the blocks of the model's mitigation "
                f"{suggestion.existing}, which already is {suggestion.entry_id}."
            )
        else:
            self.button.setText("Add")
            action = (
                f"Add {suggestion.entry_id} as a proposed mitigation blocking "
                f"{suggestion.node_id} (one undo step)."
            )
        self.button.setToolTip(_tip(action))
        self.setToolTip(
            _tip(
                f"{suggestion.label} ({suggestion.entry_id}, {suggestion.catalog_title})",
                suggestion.description,
                suggestion.rationale,
            )
        )
        self.button.clicked.connect(lambda: self.adopt.emit(self.suggestion))

    def _why(self, catalog: Catalog) -> str:
        s = self.suggestion
        parts = []
        for technique in s.techniques:
            parent = parent_technique(technique)
            if technique not in s.matched and parent in s.matched:  # matched by its parent
                parts.append(f"{technique}, through {parent} {_technique_name(catalog, parent)}")
            else:
                parts.append(f"{technique} {_technique_name(catalog, technique)}")
        why = "For " + "; ".join(p.strip() for p in parts)
        if s.via:
            why = (
                "Realises ATT&CK "
                + ", ".join(f"{m} {_mitigation_name(m)}".strip() for m in s.via)
                + "; "
                + why[0].lower()
                + why[1:]
            )
        if s.existing is not None:
            why += f". In the model as {s.existing}"
        return why


def _mitigation_name(mitigation_id: str) -> str:
    """An ATT&CK mitigation's name (``M1051`` -> "Update Software"), if bundled."""
    for name in available_catalogs():
        if not name.startswith("attack-"):
            continue
        try:
            entry = load_catalog(name).entry(mitigation_id)
        except AttackGraphError:
            continue
        if entry is not None:
            return entry.label
    return ""


def _technique_name(catalog: Catalog, technique: str) -> str:
    """A technique's name, from ``catalog`` or else the bundled ATT&CK catalog."""
    if technique in catalog.technique_names:
        return catalog.technique_names[technique]
    for name in available_catalogs():
        try:
            other = load_catalog(name)
        except AttackGraphError:
            continue
        if technique in other.technique_names:
            return other.technique_names[technique]
    return ""


def _shorten(text: str, limit: int) -> str:
    """One paragraph of at most ``limit`` characters; ATT&CK's ``<code>`` marks
    are dropped (the text is shown plain, so they would show as tags)."""
    text = " ".join(_CODE_MARK.sub("", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class SuggestionsPanel(QWidget):
    """Catalog mitigations for one node of the document's model.

    Parameters
    ----------
    document : Document
    node_id : str
    run : callable
        Executes a command on the undo stack; returns whether the model took it.
    catalogs : sequence of str, optional
        Catalog ids (default: every bundled catalog).

    Signals
    -------
    message(str)
        A sentence for the status bar.
    """

    message = Signal(str)

    def __init__(
        self,
        document: Document,
        node_id: str,
        run: Callable[[ModelCommand], bool],
        catalogs: Sequence[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.node_id = node_id
        self.run = run
        self.catalog_ids = tuple(catalogs) if catalogs is not None else None
        self.rows: list[SuggestionRow] = []
        self.suggestions: tuple[Suggestion, ...] = ()
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 10, 0, 0)
        self._box.setSpacing(6)
        self._refresh_timer = QTimer(self)  # never rebuild inside a row's own click
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        document.modelChanged.connect(self._on_model_event)
        self.refresh()

    def _on_model_event(self, event: ModelEvent) -> None:
        if event.kind == "mitigation" or (event.kind == "node" and event.key == self.node_id):
            self._refresh_timer.start()

    def _clear(self) -> None:
        self.rows = []
        while self._box.count():
            item = self._box.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def refresh(self) -> None:
        """List the suggestions for the node as the model is now."""
        self._refresh_timer.stop()
        self._clear()
        model = self.document.model
        node = model.nodes.get(self.node_id)
        heading = _label("Suggested mitigations", bold=True)
        self._box.addWidget(heading)
        if node is None:
            return
        if not node.techniques:
            self._box.addWidget(
                _label(
                    "Add technique ids (ATT&CK T1190, T1068.001, ATLAS AML.T0051) to this node to "
                    "see the catalog mitigations that break it.",
                    muted=True,
                )
            )
            return
        try:
            self.suggestions = suggestions_for(model, self.node_id, self.catalog_ids)
            catalogs = {
                name: load_catalog(name) for name in (self.catalog_ids or available_catalogs())
            }
        except AttackGraphError as exc:
            self._box.addWidget(_label(f"The catalogs cannot be read: {exc}", muted=True))
            return
        if not self.suggestions:
            self._box.addWidget(
                _label(
                    f"No bundled catalog proposes a mitigation for {', '.join(node.techniques)}.",
                    muted=True,
                )
            )
            return
        first = next(iter(catalogs.values()))
        named = ", ".join(f"{t} {_technique_name(first, t)}".strip() for t in node.techniques)
        self._box.addWidget(
            _label(
                f"Catalog mitigations for {named}. Adding one blocks this {node.kind} as a "
                "proposed mitigation; Undo takes it back.",
                muted=True,
            )
        )
        for catalog_id, catalog in catalogs.items():
            mine = [s for s in self.suggestions if s.catalog == catalog_id]
            if mine:
                self._add_catalog(catalog, mine, explain=len(node.techniques) > 1)

    def _add_catalog(
        self, catalog: Catalog, suggestions: list[Suggestion], *, explain: bool
    ) -> None:
        version = f" · {catalog.version}" if catalog.version else ""
        header = _label(f"{catalog.title}{version}", bold=True)
        header.setToolTip(_tip(catalog.title, f"Version {catalog.version}", catalog.source))
        self._box.addWidget(header)
        order = {id(s): i for i, s in enumerate(suggestions)}
        for suggestion in sorted(
            suggestions,
            key=lambda s: (s.covered, s.existing is None, -len(s.techniques), order[id(s)]),
        ):
            row = SuggestionRow(suggestion, catalog, explain=explain)
            row.adopt.connect(self.adopt)
            self.rows.append(row)
            self._box.addWidget(row)
        notice = licence_notice(catalog)
        if notice:
            terms = QWidget()
            line = QHBoxLayout(terms)
            line.setContentsMargins(0, 0, 0, 4)
            text = _label(notice, muted=True)
            font = text.font()
            font.setPointSizeF(font.pointSizeF() * 0.9)
            text.setFont(font)
            text.setToolTip(_tip(catalog.licence))
            line.addWidget(text, 1)
            button = QToolButton()
            button.setText("Terms…")
            button.setAutoRaise(True)
            button.setToolTip(_tip(f"The terms of {catalog.title}"))
            button.clicked.connect(lambda _=False, c=catalog: self.show_terms(c))
            line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            terms.setObjectName(f"terms-{catalog.id}")
            self._box.addWidget(terms)

    def show_terms(self, catalog: Catalog) -> QMessageBox:
        """The catalog's full source and licence in a (plain-text) window."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            f"{catalog.title} {catalog.version}",
            f"{catalog.title}, version {catalog.version}",
            parent=self.window(),
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(f"Source: {catalog.source}\n\n{catalog.licence}")
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        if QApplication.platformName() == "offscreen":
            box.open()  # never block a headless run
        else:
            box.exec()
        return box

    def adopt(self, suggestion: Suggestion) -> bool:
        """Adopt one suggestion as one undo command; True if the model changed."""
        model = self.document.model
        try:
            command = adopt_command(model, suggestion)
        except AttackGraphError as exc:
            self.message.emit(f"Not added: {exc}")
            return False
        if command is None:
            self.message.emit(f"{suggestion.existing} already blocks {suggestion.node_id}.")
            return False
        if not self.run(command):
            return False
        if isinstance(command, UpdateCommand):
            done = (
                f"{suggestion.existing} ({suggestion.entry_id}) now also blocks "
                f"{suggestion.node_id}"
            )
        else:
            done = (
                f"Added {suggestion.entry_id} {suggestion.label} as a proposed mitigation "
                f"blocking {suggestion.node_id}"
            )
        self.message.emit(f"{done} (Ctrl+Z undoes it).")
        return True

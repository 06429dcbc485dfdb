"""Inserting and updating library fragments in the open model, each as one
undo step.

:class:`LibraryController` needs only the document, a way to ask which
component is selected, and a message callback; it offers the dock's
actions and keeps the dock's list of outdated instances current.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer

from attackgraph.errors import AttackGraphError, ModelError
from attackgraph.formats.native import model_to_document
from attackgraph.fragments import (
    Fragment,
    Library,
    bundled_library,
    insert_fragment,
    instances,
    load_library,
    outdated,
    update_instance,
)
from attackgraph.fragments.compose import relative_positions
from attackgraph.gui.commands import ModelCommand
from attackgraph.gui.docks.library import LibraryDock
from attackgraph.gui.document import Document
from attackgraph.model import AttackModel
from attackgraph.model.events import ModelEvent
from attackgraph.model.schema import is_id
from attackgraph.model.sync import apply_document

__all__ = ["ApplyDocumentCommand", "LibraryController"]


class ApplyDocumentCommand(ModelCommand):
    """Change the model to another document (and back on undo), as one step."""

    def __init__(
        self, model: AttackModel, old: Mapping[str, Any], new: Mapping[str, Any], text: str
    ) -> None:
        super().__init__(model, text)
        self.old, self.new = dict(old), dict(new)

    def _do(self) -> None:
        try:
            apply_document(self.model, self.new)
        except ModelError:
            apply_document(self.model, self.old)
            raise

    def _undo(self) -> None:
        apply_document(self.model, self.old)


class LibraryController(QObject):
    """The Library dock's actions on one document.

    Parameters
    ----------
    document : Document
    dock : LibraryDock
    selected_component : callable
        Returns the id of the selected component (or None).
    view_center : callable
        Returns the scene point ``(x, y)`` where an inserted fragment goes.
    message : callable
        Shows a sentence in the status bar.
    reveal : callable, optional
        Selects and shows the nodes an insertion added.
    folders : list of str
        Extra library folders (besides the bundled starter library).
    """

    def __init__(
        self,
        document: Document,
        dock: LibraryDock,
        *,
        selected_component: Callable[[], str | None],
        view_center: Callable[[], tuple[float, float]],
        message: Callable[[str], None],
        folders: list[str] | None = None,
        reveal: Callable[[list[str]], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.dock = dock
        self._selected_component = selected_component
        self._view_center = view_center
        self._message = message
        self._reveal = reveal
        self.library: Library = load_library(folders) if folders else bundled_library()
        dock.set_library(self.library)
        dock.insertRequested.connect(lambda source: self.insert(source))
        dock.updateRequested.connect(self.update)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(300)
        self._refresh.timeout.connect(self.refresh_outdated)
        document.modelChanged.connect(self._changed)
        document.modelReplaced.connect(self.refresh_outdated)
        self.refresh_outdated()

    def _changed(self, event: ModelEvent) -> None:
        """Only the inserted fragments' records (the model's ``x-`` keys) decide
        what is outdated."""
        if event.kind == "model" and event.key == "extras":
            self._refresh.start()

    def fragment(self, source: str) -> Fragment | None:
        """The library fragment with this source (or id)."""
        return next((f for f in self.library.fragments if source in (f.source, f.id)), None)

    def insert(
        self,
        source: str,
        at: tuple[float, float] | None = None,
        into: str | None = None,
        *,
        use_selection: bool = True,
    ) -> bool:
        """Insert a fragment as one undo step; False (with a message) if refused.

        It goes into ``into``, else (with ``use_selection``) into the
        selected component, else at the top level.
        """
        fragment = self.fragment(source)
        if fragment is None:
            self._message(f"No fragment {source!r} in the library.")
            return False
        model = self.document.model
        before = model_to_document(model)
        component = into if into is not None or not use_selection else self._selected_component()
        spot = self.free_spot(fragment, at or self._view_center(), component)
        try:
            result = insert_fragment(before, fragment, into=component, at=spot)
        except ModelError as exc:
            reasons = "; ".join(p.message for p in exc.problems) or str(exc)
            self._message(f"Not inserted: {reasons}")
            return False
        command = ApplyDocumentCommand(
            model, before, result.document, f"Insert fragment {fragment.title}"
        )
        reason = self.document.execute(command)
        if reason is not None:
            self._message(f"Not inserted: {reason}")
            return False
        if self._reveal is not None:
            self._reveal([v for k, v in result.ids.items() if k.startswith("node:")])
        where = f" into {component}" if component else ""
        ports = ", ".join([*fragment.ports_in, *fragment.ports_out])
        self._message(
            f"Inserted {fragment.title}{where}; connect its ports ({ports}) to your chain."
        )
        return True

    def free_spot(
        self, fragment: Fragment, at: tuple[float, float], into: str | None
    ) -> tuple[float, float]:
        """``at``, or the first place below it where the fragment (with its
        frames) overlaps no node and no frame but those it goes into."""
        from attackgraph.render.layout.geometry import (
            DEFAULT_GEOMETRY,
            component_ancestry,
            frame_rects,
            grow_frame,
            rects_overlap,
            unite,
        )

        model = self.document.model
        offsets = relative_positions(fragment)
        if not offsets:
            return at
        keep = component_ancestry(model, into)
        obstacles = [
            rect for comp, rect in frame_rects(model, model.layout).items() if comp not in keep
        ]
        obstacles += [DEFAULT_GEOMETRY.node_rect(p) for p in model.layout.values()]
        x, y = at
        for _ in range(500):
            box = unite(DEFAULT_GEOMETRY.node_rect((x + dx, y + dy)) for dx, dy in offsets.values())
            assert box is not None
            rect = grow_frame(grow_frame(box))  # the fragment's own frames
            hit = [o for o in obstacles if rects_overlap(rect, o, 24.0)]
            if not hit:
                break
            y += max(o[3] for o in hit) + 24.0 - rect[1]
        return (x, y)

    def update(self, instance_key: str) -> bool:
        """Update an outdated instance (by id or component) as one undo step."""
        model = self.document.model
        before = model_to_document(model)
        match = next(
            (
                item
                for item in outdated(before, self.library)
                if instance_key == item.instance.id or instance_key in item.instance.components
            ),
            None,
        )
        if match is None:
            self._message(f"{instance_key} is up to date.")
            return False
        try:
            after, conflicts = update_instance(before, match.instance, match.fragment)
        except ModelError as exc:
            self._message(f"Not updated: {exc}")
            return False
        command = ApplyDocumentCommand(
            model, before, after, f"Update fragment {match.instance.id} to {match.fragment.version}"
        )
        reason = self.document.execute(command)
        if reason is not None:
            self._message(f"Not updated: {reason}")
            return False
        tail = (
            f"; {len(conflicts)} conflict(s) kept your value and are listed in Problems"
            if conflicts
            else ""
        )
        self._message(f"Updated {match.instance.id} to {match.fragment.version}{tail}.")
        return True

    def save_component(self, component_id: str, path: str) -> bool:
        """Save a component with all it holds as a fragment file (ports: the
        nodes with edges from and to the rest of the model)."""
        from attackgraph.formats.native import document_to_model, write_model
        from attackgraph.fragments import extract_fragment, parse_fragment

        stem = Path(path).name.split(".")[0]
        fragment_id = stem if is_id(stem) else component_id
        try:
            doc = extract_fragment(
                model_to_document(self.document.model), component_id, fragment_id=fragment_id
            )
            parse_fragment(doc)
            write_model(document_to_model(doc), path)
        except AttackGraphError as exc:
            self._message(f"Not saved: {exc}")
            return False
        ports = doc["x-fragment"]["ports"]
        self._message(
            f"Saved {component_id} as fragment {fragment_id} in {path} (in-ports: "
            f"{', '.join(ports['in']) or 'none'}; out-ports: "
            f"{', '.join(ports['out']) or 'none'})."
        )
        return True

    def refresh_outdated(self) -> None:
        """List the model's instances whose library copy changed."""
        model = self.document.model
        if not model.extras.get("x-fragments"):
            self.dock.set_outdated([])
            return
        doc = {
            "format": "attackgraph",
            "version": 1,
            "title": model.title,
            "nodes": [],
            **model.extras,
        }
        items = outdated(doc, self.library) if instances(doc) else []
        self.dock.set_outdated(items)

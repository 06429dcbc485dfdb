"""The canvas scene: follows the document's model and turns gestures into
undo commands.

The scene keeps the maps between model ids and items and updates only the
items an event touches, so an edit costs the same on a model of ten nodes
and of ten thousand. It never changes the model itself except through
:meth:`Document.execute`.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterable, Iterator

import shiboken6
from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from attackgraph.gui.canvas import style
from attackgraph.gui.canvas.batch import EdgeBatch, NodeBatch
from attackgraph.gui.canvas.edges import EdgeItem
from attackgraph.gui.canvas.editing import GRID, KIND_LABELS, SceneEditing, removal_order
from attackgraph.gui.canvas.flow import FlowFollower
from attackgraph.gui.canvas.frames import FrameItem
from attackgraph.gui.canvas.labels import LabelLayer
from attackgraph.gui.canvas.nodes import NodeItem
from attackgraph.gui.canvas.overlay import Overlay, combine_edge, combine_node, dims_all
from attackgraph.gui.canvas.tools import ConnectTool, FrameDragTool, MoveTool, PendingConnect
from attackgraph.gui.document import Document
from attackgraph.model import AttackModel, Edge, ModelEvent, Node
from attackgraph.render.layout.geometry import (
    DEFAULT_GEOMETRY,
    CanvasGeometry,
    Rect,
    component_depths,
    grow_frame,
    unite,
)

__all__ = ["KIND_LABELS", "CanvasScene", "removal_order"]

SCENE_MARGIN = 2000.0


def _selection_tracker(scene: CanvasScene) -> Callable[[], None]:
    """A slot that keeps ``scene``'s selection order, and does nothing once the
    scene is gone or going."""
    ref = weakref.ref(scene)

    def track() -> None:
        alive = ref()
        if alive is not None and shiboken6.isValid(alive):
            alive._track_selection_order()

    return track


class CanvasScene(SceneEditing, QGraphicsScene):
    """Items for a document's nodes, edges and components.

    Signals
    -------
    message(str)
        A sentence for the status bar (e.g. why an edit was refused).
    activated(str, object)
        A node (``"node"``, id) or component was double-clicked: edit it.
    """

    message = Signal(str)
    activated = Signal(str, object)

    def __init__(self, document: Document, geometry: CanvasGeometry = DEFAULT_GEOMETRY) -> None:
        super().__init__()
        self.document = document
        self.geometry = geometry
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, str], EdgeItem] = {}
        self.frames: dict[str, FrameItem] = {}
        self.overlays: dict[str, Overlay] = {}
        self._selected_edges: set[tuple[str, str]] = set()
        self._grid_tile: tuple[str, QBrush] | None = None
        self.grid_visible = True
        """Whether the dot grid is drawn (exports switch it off)."""
        self._members: dict[str | None, set[str]] = {}
        self._children: dict[str | None, list[str]] = {}
        self._depths: dict[str, int] = {}
        self._colors: dict[str, QColor] = {}
        self._syncing = 0
        self._tool: ConnectTool | FrameDragTool | MoveTool | PendingConnect | None = None
        self._hot: NodeItem | None = None
        self._selection_order: list[str] = []
        # a plain function, not a bound slot: Qt clears the selection while it
        # destroys the scene, when PySide can no longer find a slot on it
        self.selectionChanged.connect(_selection_tracker(self))
        self._dirty: set[str] = set()
        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.setInterval(0)
        self._frame_timer.timeout.connect(self.refresh_frames)
        self.edge_batch = EdgeBatch(lambda: self.edges.values())
        self.node_batch = NodeBatch(lambda: self.nodes.values())
        self.label_layer = LabelLayer(lambda: self.nodes.values(), self.views)
        self.flow = FlowFollower(self, SCENE_MARGIN)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        document.modelReplaced.connect(self.rebuild)
        document.modelChanged.connect(self.on_model_event)
        self.rebuild()

    # ------------------------------------------------------------- building
    @property
    def direction(self) -> str:
        """Which way the drawing's edges run, ``"LR"`` or ``"TB"`` (ports follow it)."""
        return self.flow.direction

    @property
    def model(self) -> AttackModel:
        """The document's current model."""
        return self.document.model

    @contextlib.contextmanager
    def syncing(self) -> Iterator[None]:
        """Move items without it counting as a user's move."""
        self._syncing += 1
        try:
            yield
        finally:
            self._syncing -= 1

    def rebuild(self) -> None:
        """Drop every item and draw the current model afresh."""
        self._cancel_tool()
        for batch in (self.edge_batch, self.node_batch):
            batch.set_active(False)
            if batch.scene() is self:
                self.removeItem(batch)  # they outlive rebuilds
        self.clear()
        self.addItem(self.edge_batch)
        self.addItem(self.node_batch)
        self._selected_edges = set()
        self.nodes.clear()
        self.edges.clear()
        self.frames.clear()
        self._index_components()
        self._members = {}
        layout = self.model.layout
        with self.syncing():
            for node in self.model.nodes.values():
                self._add_node_item(node, layout.get(node.id))
        for edge in self.model.edges:
            self._add_edge_item(edge)
        self._rebuild_frames()
        self._apply_overlays(None)
        for view in self.views():
            self.follow_zoom(view.transform().m11())
        self.flow.refresh()

    def _index_components(self) -> None:
        comps = self.model.components
        self._colors = style.component_colors(self.model)
        self._depths = component_depths(self.model)
        self._children = {}
        for cid, comp in comps.items():
            parent = comp.parent if comp.parent in comps else None
            self._children.setdefault(parent, []).append(cid)

    def _add_node_item(self, node: Node, position: tuple[float, float] | None) -> NodeItem:
        item = NodeItem(node, self._colors.get(node.component or ""), self.geometry)
        with self.syncing():
            item.setPos(QPointF(*(position or (0.0, 0.0))))
        self.addItem(item)
        self.nodes[node.id] = item
        self._members.setdefault(node.component, set()).add(node.id)
        if self.node_batch.active:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
            item.update_contents(True)
            self.node_batch.changed()
        return item

    def _add_edge_item(self, edge: Edge) -> None:
        item = EdgeItem(edge, self.nodes[edge.source], self.nodes[edge.target])
        self.addItem(item)
        self.edges[edge.key] = item
        item.update_visibility()
        for other in (*item.source.out_edges, *item.target.in_edges):
            if other is not item:
                other.adjust()
        item.source.update()
        item.target.update()

    def _remove_edge_item(self, key: tuple[str, str]) -> None:
        self._selected_edges.discard(key)
        item = self.edges.pop(key, None)
        if item is not None:
            item.detach()
            self.removeItem(item)
            item.target.update()
            self.edge_batch.changed()

    def _rebuild_frames(self) -> None:
        for frame in self.frames.values():
            self.removeItem(frame)
        self.frames.clear()
        for cid, comp in self.model.components.items():
            frame = FrameItem(comp, self._colors[cid], self._depths[cid], self.geometry)
            self.addItem(frame)
            self.frames[cid] = frame
        self._dirty = set(self.frames)
        self.refresh_frames()

    def _mark_dirty(self, comp_id: str | None) -> None:
        if comp_id is not None and comp_id in self.frames:
            self._dirty.add(comp_id)
            self._frame_timer.start()

    def refresh_frames(self) -> None:
        """Fit the frames whose members moved or changed (and their ancestors)."""
        comps = self.model.components
        todo: set[str] = set()
        for cid in self._dirty:
            seen: set[str] = set()
            current: str | None = cid
            while current is not None and current in comps and current not in seen:
                seen.add(current)
                todo.add(current)
                current = comps[current].parent
        self._dirty.clear()
        for cid in sorted(todo, key=lambda c: -self._depths.get(c, 0)):
            frame = self.frames.get(cid)
            if frame is None:
                continue
            rects: list[Rect] = [
                self.nodes[nid].scene_box()
                for nid in self._members.get(cid, ())
                if nid in self.nodes
            ]
            for child in self._children.get(cid, ()):
                child_frame = self.frames.get(child)
                if child_frame is not None and child_frame.isVisible():
                    r = child_frame.frame_rect()
                    rects.append((r.left(), r.top(), r.right(), r.bottom()))
            inner = unite(rects)
            frame.set_rect(None if inner is None else grow_frame(inner, self.geometry))

    def node_moved(self, item: NodeItem) -> None:
        """Called by a node item whenever it moves: refit its frames soon."""
        self._mark_dirty(item.node.component)
        self._extend_to(item)

    def _extend_to(self, item: QGraphicsItem) -> None:
        """Grow the canvas to keep room around an item (the canvas has no edge)."""
        rect = item.sceneBoundingRect().adjusted(
            -SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN
        )
        if not self.sceneRect().contains(rect):
            self.setSceneRect(self.sceneRect().united(rect))

    # ----------------------------------------------------------- following
    def on_model_event(self, event: ModelEvent) -> None:
        """Update the items that show what changed."""
        handler = getattr(self, f"_on_{event.kind}", None)
        if handler is not None:
            handler(event)

    def _on_node(self, event: ModelEvent) -> None:
        action = event.action
        if action == "added":
            self._extend_to(self._add_node_item(event.new, self.model.layout.get(event.key)))
            self._mark_dirty(event.new.component)
            self._apply_overlays([event.key], [])
        elif action == "removed":
            item = self.nodes.pop(event.key, None)
            if item is not None:
                for edge in (*item.in_edges, *item.out_edges):
                    self._remove_edge_item(edge.key)
                self.removeItem(item)
                self.node_batch.changed()
            self._members.get(event.old.component, set()).discard(event.key)
            self._mark_dirty(event.old.component)
        elif action == "changed":
            item = self.nodes[event.key]
            old, new = event.old, event.new
            if old.component != new.component:
                self._members.get(old.component, set()).discard(event.key)
                self._members.setdefault(new.component, set()).add(event.key)
                self._mark_dirty(old.component)
                self._mark_dirty(new.component)
            item.set_node(new, self._colors.get(new.component or ""))
            if old.gate != new.gate:
                for edge in item.in_edges:
                    edge.refresh_style()
        elif action == "renamed":
            self._rekey_node(event.old, event.new)

    def _rekey_node(self, old_id: str, new_id: str) -> None:
        item = self.nodes.pop(old_id)
        self.nodes[new_id] = item
        item.set_node(self.model.nodes[new_id], item.color)
        component = item.node.component
        members = self._members.setdefault(component, set())
        members.discard(old_id)
        members.add(new_id)
        for edge in (*item.in_edges, *item.out_edges):
            old_key = edge.key
            self.edges.pop(old_key, None)
            edge.edge = self.model.edge(*(new_id if end == old_id else end for end in old_key))
            self.edges[edge.key] = edge
            if old_key in self._selected_edges:
                self._selected_edges.discard(old_key)
                self._selected_edges.add(edge.key)
        self._apply_overlays([new_id], [e.key for e in (*item.in_edges, *item.out_edges)])

    def _on_edge(self, event: ModelEvent) -> None:
        if event.action == "added":
            self._add_edge_item(event.new)
            self._apply_overlays([], [event.key])
        elif event.action == "removed":
            self._remove_edge_item(event.key)
        elif event.action == "changed":
            self.edges[event.key].set_edge(event.new)

    def _on_layout(self, event: ModelEvent) -> None:
        item = self.nodes.get(event.key)
        if item is not None and event.new is not None:
            with self.syncing():
                item.setPos(QPointF(*event.new))
            self._mark_dirty(item.node.component)
        self.flow.changed()

    def _on_component(self, event: ModelEvent) -> None:
        # The frames are made afresh: keep a selected one selected (an edit of
        # its label in the inspector must not end the selection).
        chosen = set(self.selected_component_ids())
        if event.action == "renamed" and event.old in chosen:
            chosen = (chosen - {event.old}) | {event.new}
        self._index_components()
        self._members = {}
        for nid, node in self.model.nodes.items():
            self._members.setdefault(node.component, set()).add(nid)
            self.nodes[nid].set_node(node, self._colors.get(node.component or ""))
        self.blockSignals(True)
        try:
            self._rebuild_frames()
            for cid in chosen:
                if cid in self.frames:
                    self.frames[cid].setSelected(True)
        finally:
            self.blockSignals(False)
        if set(self.selected_component_ids()) != chosen:
            self.selectionChanged.emit()

    # ------------------------------------------------------------ overlays
    def set_overlay(self, layer: str, overlay: Overlay | None) -> None:
        """Show (or with None, remove) a layer of marks over the canvas."""
        old = self.overlays.get(layer)
        if overlay is None:
            self.overlays.pop(layer, None)
        else:
            self.overlays[layer] = overlay
        if dims_all([old, overlay]):
            self._apply_overlays(None)
            return
        nodes: set[str] = set()
        edges: set[tuple[str, str]] = set()
        for changed in (old, overlay):
            if changed is not None:
                nodes.update(changed.nodes)
                edges.update(changed.edges)
        self._apply_overlays(nodes, edges)

    def _apply_overlays(
        self, nodes: Iterable[str] | None, edges: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Recompute the marks of some items (all with ``nodes=None``)."""
        layers = list(self.overlays.values())
        if nodes is None:
            nodes, edges = list(self.nodes), list(self.edges)
        for nid in nodes:
            if nid in self.nodes:
                self.nodes[nid].set_mark(combine_node(layers, nid))
        for key in edges:
            if key in self.edges:
                self.edges[key].set_mark(combine_edge(layers, key))

    # ------------------------------------------------------------ queries
    def refresh_style(self) -> None:
        """Draw everything again in the current theme's colours."""
        for edge in self.edges.values():
            edge.refresh_style()
        self.edge_batch.refresh_style()
        self.update()

    def follow_zoom(self, zoom: float) -> None:
        """Switch the edge overview of a large model on or off for ``zoom``."""
        self.edge_batch.set_active(self.edge_batch.want(zoom, len(self.edges)))
        self.node_batch.set_active(self.node_batch.want(zoom, len(self.nodes)))

    def node_at(self, pos: QPointF) -> NodeItem | None:
        """The topmost node item under a scene point."""
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def nodes_within(self, comp_id: str) -> list[str]:
        """Ids of the nodes of a component and of every component inside it."""
        out: list[str] = []
        stack, seen = [comp_id], set()
        while stack:
            cid = stack.pop()
            if cid in seen:
                continue
            seen.add(cid)
            out.extend(sorted(self._members.get(cid, ())))
            stack.extend(self._children.get(cid, ()))
        return out

    def saved_positions(self, node_ids: Iterable[str]) -> dict[str, tuple[float, float] | None]:
        """The model's positions of some nodes (what an undo goes back to)."""
        layout = self.model.layout
        return {nid: layout.get(nid) for nid in node_ids}

    def component_at(self, point: QPointF, frames: dict[str, QRectF] | None = None) -> str | None:
        """The innermost component whose frame contains ``point``."""
        rects = (
            frames
            if frames is not None
            else {cid: f.frame_rect() for cid, f in self.frames.items() if f.isVisible()}
        )
        inside = [cid for cid, rect in rects.items() if rect.contains(point)]
        return max(inside, key=lambda c: self._depths.get(c, 0)) if inside else None

    def selected_node_ids(self) -> list[str]:
        """Ids of the selected nodes, in file order."""
        chosen = {i.node.id for i in self.selectedItems() if isinstance(i, NodeItem)}
        return [nid for nid in self.model.nodes if nid in chosen]

    def selected_edge_keys(self) -> list[tuple[str, str]]:
        """Keys of the selected edges, in file order."""
        chosen = {key for key in self._selected_edges if key in self.edges}
        return [e.key for e in self.model.edges if e.key in chosen]

    def _set_edge_selection(self, keys: Iterable[tuple[str, str]], notify: bool = True) -> None:
        wanted = {k for k in keys if k in self.edges}
        if wanted == self._selected_edges:
            return
        for key in self._selected_edges - wanted:
            if key in self.edges:
                self.edges[key].set_selected(False)
        for key in wanted - self._selected_edges:
            self.edges[key].set_selected(True)
        self._selected_edges = wanted
        if notify:
            self.selectionChanged.emit()

    def selection_rect(self) -> QRectF:
        """The scene rectangle around everything selected (nodes, edges, frames)."""
        rect = QRectF()
        for item in self.selectedItems():
            rect = rect.united(item.sceneBoundingRect())
        for key in self._selected_edges:
            if key in self.edges:
                rect = rect.united(self.edges[key].sceneBoundingRect())
        return rect

    def selected_component_ids(self) -> list[str]:
        """Ids of the components whose frames are selected."""
        chosen = {i.component.id for i in self.selectedItems() if isinstance(i, FrameItem)}
        return [cid for cid in self.model.components if cid in chosen]

    def select(
        self,
        nodes: Iterable[str] = (),
        edges: Iterable[tuple[str, str]] = (),
        components: Iterable[str] = (),
    ) -> None:
        """Replace the selection."""
        self.blockSignals(True)  # one selectionChanged for the whole change
        try:
            self.clearSelection()
            for item in [
                *(self.nodes[n] for n in nodes if n in self.nodes),
                *(self.frames[c] for c in components if c in self.frames),
            ]:
                item.setSelected(True)
            self._set_edge_selection(edges, notify=False)
        finally:
            self.blockSignals(False)
        self.selectionChanged.emit()

    def nodes_rect(self, node_ids: Iterable[str]) -> QRectF:
        """The scene rectangle around some nodes."""
        rect = QRectF()
        for nid in node_ids:
            if nid in self.nodes:
                rect = rect.united(self.nodes[nid].sceneBoundingRect())
        return rect

    # ------------------------------------------------------------ drawing
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        theme = style.current()
        painter.fillRect(rect, theme.background)
        scale = painter.worldTransform().m11()
        if not self.grid_visible or scale * GRID < 9:  # dots would merge into a grey veil
            return
        if self._grid_tile is None or self._grid_tile[0] != theme.grid.name():
            tile = QPixmap(int(GRID), int(GRID))
            tile.fill(theme.background)
            dots = QPainter(tile)
            dots.setPen(QPen(theme.grid, 1.5))
            dots.drawPoint(0, 0)
            dots.end()
            self._grid_tile = (theme.grid.name(), QBrush(tile))
        brush = self._grid_tile[1]
        painter.fillRect(rect, brush)  # the brush tiles from the scene's origin

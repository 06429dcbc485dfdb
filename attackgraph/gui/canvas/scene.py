"""The canvas scene: follows the document's model and turns gestures into
undo commands.

The scene keeps the maps between model ids and items; it never changes the
model itself except through :meth:`Document.execute`.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPen
from PySide6.QtWidgets import (
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
)

from attackgraph.gui.canvas.items import EdgeItem, FrameItem, NodeItem
from attackgraph.gui.canvas.style import component_colors
from attackgraph.gui.commands import (
    AddEdgeCommand,
    AddNodeCommand,
    MacroCommand,
    ModelCommand,
    MoveNodesCommand,
    RemoveEdgeCommand,
    RemoveNodeCommand,
    UpdateCommand,
)
from attackgraph.gui.document import Document
from attackgraph.model import Edge, ModelEvent, Node
from attackgraph.model.ids import new_id

__all__ = ["CanvasScene"]

KIND_LABELS = {"entry": "New entry", "step": "New step", "goal": "New goal"}


class CanvasScene(QGraphicsScene):
    """Items for a document's nodes, edges and components.

    Signals
    -------
    message(str)
        A sentence for the status bar (e.g. why an edit was refused).
    """

    message = Signal(str)

    def __init__(self, document: Document) -> None:
        super().__init__()
        self.document = document
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, str], EdgeItem] = {}
        self.frames: dict[str, FrameItem] = {}
        self._colors: dict[str, QColor] = {}
        self._syncing = False
        self._press_positions: dict[str, tuple[float, float]] = {}
        self._press_frames: dict[str, QRectF] = {}
        self._connect_from: NodeItem | None = None
        self._connect_line: QGraphicsLineItem | None = None
        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.setInterval(0)
        self._frame_timer.timeout.connect(self.update_frames)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        document.modelReplaced.connect(self.rebuild)
        document.modelChanged.connect(self.on_model_event)
        self.rebuild()

    # ------------------------------------------------------------- building
    @property
    def model(self):
        """The document's current model."""
        return self.document.model

    def rebuild(self) -> None:
        """Drop every item and draw the current model afresh."""
        self.clear()
        self.nodes.clear()
        self.edges.clear()
        self.frames.clear()
        self._colors = component_colors(self.model)
        layout = self.model.layout
        for node in self.model.nodes.values():
            self._add_node_item(node, layout.get(node.id))
        for edge in self.model.edges:
            self._add_edge_item(edge)
        self._rebuild_frames()

    def _add_node_item(self, node: Node, position: tuple[float, float] | None) -> NodeItem:
        item = NodeItem(node, self._colors.get(node.component or ""))
        self._syncing = True
        item.setPos(QPointF(*(position or (0.0, 0.0))))
        self._syncing = False
        self.addItem(item)
        self.nodes[node.id] = item
        return item

    def _add_edge_item(self, edge: Edge) -> None:
        item = EdgeItem(edge, self.nodes[edge.source], self.nodes[edge.target])
        self.addItem(item)
        self.edges[edge.key] = item

    def _remove_edge_item(self, key: tuple[str, str]) -> None:
        item = self.edges.pop(key, None)
        if item is not None:
            item.detach()
            self.removeItem(item)

    def _depths(self) -> dict[str, int]:
        depth: dict[str, int] = {}
        comps = self.model.components
        for cid in comps:
            level, current, seen = 0, comps[cid].parent, {cid}
            while current is not None and current in comps and current not in seen:
                seen.add(current)
                level += 1
                current = comps[current].parent
            depth[cid] = level
        return depth

    def _rebuild_frames(self) -> None:
        for frame in self.frames.values():
            self.removeItem(frame)
        self.frames.clear()
        self._colors = component_colors(self.model)
        depths = self._depths()
        for cid, comp in self.model.components.items():
            frame = FrameItem(comp, self._colors[cid], depths[cid])
            self.addItem(frame)
            self.frames[cid] = frame
        self.update_frames()

    def update_frames(self) -> None:
        """Fit every component frame around its nodes and nested frames."""
        comps = self.model.components
        members: dict[str, list[QRectF]] = {cid: [] for cid in comps}
        for nid, item in self.nodes.items():
            cid = self.model.nodes[nid].component
            if cid in members:
                members[cid].append(item.sceneBoundingRect().adjusted(4, 12, -10, -4))
        depths = self._depths()
        height = {cid: 0 for cid in comps}
        for cid in sorted(comps, key=lambda c: -depths[c]):  # innermost first
            frame = self.frames.get(cid)
            if frame is None:
                continue
            frame.fit(members[cid], 0)
            parent = comps[cid].parent
            if parent in members and frame.frame_rect().isValid():
                members[parent].append(frame.frame_rect())
                height[parent] = max(height[parent], height[cid] + 1)

    def node_moved(self, item: NodeItem) -> None:
        """Called by a node item while it moves: refit frames soon."""
        if not self._syncing:
            self._frame_timer.start()

    # ----------------------------------------------------------- following
    def on_model_event(self, event: ModelEvent) -> None:
        """Update the items that show what changed."""
        kind, action = event.kind, event.action
        if kind == "node":
            if action == "added":
                self._add_node_item(event.new, self.model.layout.get(event.key))
                self._frame_timer.start()
            elif action == "removed":
                item = self.nodes.pop(event.key, None)
                if item is not None:
                    for edge in list(item.edges):
                        self._remove_edge_item(edge.edge.key)
                    self.removeItem(item)
                self._frame_timer.start()
            elif action == "changed":
                item = self.nodes[event.key]
                item.set_node(event.new, self._colors.get(event.new.component or ""))
                self._frame_timer.start()
            elif action == "renamed":
                self.rebuild()
        elif kind == "edge":
            if action == "added":
                self._add_edge_item(event.new)
            elif action == "removed":
                self._remove_edge_item(event.key)
            elif action == "changed":
                self.edges[event.key].set_edge(event.new)
        elif kind == "layout":
            item = self.nodes.get(event.key)
            if item is not None and event.new is not None:
                self._syncing = True
                item.setPos(QPointF(*event.new))
                self._syncing = False
                self._frame_timer.start()
        elif kind == "component":
            self._rebuild_frames()
            for nid, item in self.nodes.items():
                node = self.model.nodes[nid]
                item.set_node(node, self._colors.get(node.component or ""))

    # ------------------------------------------------------------- editing
    def execute(self, command: ModelCommand) -> bool:
        """Run a command; on refusal, say why in the status bar."""
        reason = self.document.execute(command)
        if reason is not None:
            self.message.emit(f"Not done: {reason}")
            return False
        return True

    def add_node_at(self, kind: str, position: QPointF, label: str | None = None) -> str | None:
        """Add a new node of ``kind`` at a scene position (one undo entry)."""
        prefix = {"entry": "E", "step": "S", "goal": "G"}[kind]
        node_id = new_id(prefix, self.model.nodes)
        component = self.component_at(position)
        node = Node(node_id, kind, label or KIND_LABELS[kind], component=component)
        if self.execute(AddNodeCommand(self.model, node, (position.x(), position.y()))):
            self.clearSelection()
            self.nodes[node_id].setSelected(True)
            return node_id
        return None

    def component_at(self, point: QPointF, frames: dict[str, QRectF] | None = None) -> str | None:
        """The innermost component whose frame contains ``point``."""
        rects = frames if frames is not None else \
            {cid: f.frame_rect() for cid, f in self.frames.items()}
        depths = self._depths()
        inside = [cid for cid, rect in rects.items() if rect.contains(point)]
        return max(inside, key=lambda c: depths.get(c, 0)) if inside else None

    def selected_node_ids(self) -> list[str]:
        """Ids of the selected nodes, in file order."""
        chosen = {i.node.id for i in self.selectedItems() if isinstance(i, NodeItem)}
        return [nid for nid in self.model.nodes if nid in chosen]

    def selected_edge_keys(self) -> list[tuple[str, str]]:
        """Keys of the selected edges."""
        return [i.edge.key for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def delete_selection(self) -> None:
        """Delete the selected nodes and edges as one undo entry."""
        node_ids = self.selected_node_ids()
        chosen = set(node_ids)
        commands: list[ModelCommand] = [
            RemoveEdgeCommand(self.model, *key)
            for key in self.selected_edge_keys()
            if key[0] not in chosen and key[1] not in chosen
        ]
        commands += [RemoveNodeCommand(self.model, nid) for nid in _removal_order(
            node_ids, self.model.graph)]
        if not commands:
            return
        count = len(commands)
        self.execute(MacroCommand(self.model, f"Delete {count} item{'s' * (count != 1)}",
                                  commands))

    def connect_nodes(self, source: str, target: str) -> bool:
        """Add the edge ``source -> target`` (refused with the reason if invalid)."""
        return self.execute(AddEdgeCommand(self.model, Edge(source, target)))

    # -------------------------------------------------------------- mouse
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            item = self.itemAt(event.scenePos(), self.views()[0].transform()) \
                if self.views() else None
            if isinstance(item, NodeItem) and item.on_handle(item.mapFromScene(event.scenePos())):
                self._start_connection(item, event.scenePos())
                event.accept()
                return
        super().mousePressEvent(event)
        self._press_positions = {nid: (i.pos().x(), i.pos().y())
                                 for nid, i in self.nodes.items() if i.isSelected()}
        self._press_frames = {cid: f.frame_rect() for cid, f in self.frames.items()}

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._connect_line is not None and self._connect_from is not None:
            start = self._connect_from.out_point()
            self._connect_line.setLine(start.x(), start.y(), event.scenePos().x(),
                                       event.scenePos().y())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._connect_line is not None:
            self._finish_connection(event.scenePos())
            return
        super().mouseReleaseEvent(event)
        self._commit_moves()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = self.itemAt(event.scenePos(), self.views()[0].transform()) if self.views() \
            else None
        if item is None or isinstance(item, FrameItem):
            self.add_node_at("step", event.scenePos())
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._connect_line is not None:
            self._cancel_connection()
            return
        super().keyPressEvent(event)

    def _start_connection(self, item: NodeItem, pos: QPointF) -> None:
        self._connect_from = item
        start = item.out_point()
        line = QGraphicsLineItem(start.x(), start.y(), pos.x(), pos.y())
        line.setPen(QPen(QColor("#ffab00"), 2, Qt.PenStyle.DashLine))
        line.setZValue(100)
        self.addItem(line)
        self._connect_line = line
        self.message.emit("Release over the node this one enables (Esc cancels).")

    def _cancel_connection(self) -> None:
        if self._connect_line is not None:
            self.removeItem(self._connect_line)
        self._connect_line = None
        self._connect_from = None

    def _finish_connection(self, pos: QPointF) -> None:
        source = self._connect_from
        self._cancel_connection()
        targets = [i for i in self.items(pos) if isinstance(i, NodeItem)]
        if source is None or not targets:
            self.message.emit("No edge: release the drag over a node.")
            return
        if self.connect_nodes(source.node.id, targets[0].node.id):
            self.message.emit(f"Connected {source.node.id} to {targets[0].node.id}.")

    def _commit_moves(self) -> None:
        """One undo entry for a drag: positions, and components by drop frame."""
        old = self._press_positions
        self._press_positions = {}
        if not old:
            return
        new = {nid: (self.nodes[nid].pos().x(), self.nodes[nid].pos().y())
               for nid in old if nid in self.nodes}
        moved = {nid: pos for nid, pos in new.items() if pos != old[nid]}
        if not moved:
            return
        commands: list[ModelCommand] = [MoveNodesCommand(
            self.model, {nid: self.model.layout.get(nid) for nid in moved}, moved)]
        for nid, pos in moved.items():
            target = self.component_at(QPointF(*pos), self._press_frames)
            if target != self.model.nodes[nid].component:
                commands.append(UpdateCommand(self.model, "node", nid, {"component": target}))
        self.execute(MacroCommand(self.model, commands[0].text(), commands))


def _removal_order(node_ids: Iterable[str], graph) -> list[str]:
    """Targets before their sources, so AND nodes lose enablers last."""
    chosen = list(node_ids)
    inside = set(chosen)
    order: list[str] = []
    seen: set[str] = set()

    def visit(start: str) -> None:
        stack = [(start, iter(graph.successors(start)))]
        seen.add(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                order.append(node)
                stack.pop()
            elif child in inside and child not in seen:
                seen.add(child)
                stack.append((child, iter(graph.successors(child))))

    for nid in chosen:
        if nid not in seen:
            visit(nid)
    return order

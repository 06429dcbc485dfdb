"""The drawing's direction and extent, kept in step with its positions.

After a layout (or any change of positions) the scene asks this helper,
a moment later and once for a burst of changes, to check two things: which
way the edges run (a flow imported with a top-to-bottom tool's positions
gets its ports at the bottom and top of nodes, see
:func:`attackgraph.render.layout.flow_direction`), and how large the
scene is (the scene rectangle shrinks as well as grows, so Fit to Window and
the scroll bars show the drawing as it is now, not as it was).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRectF, QTimer

from attackgraph.render.layout.direction import Direction, flow_direction

if TYPE_CHECKING:
    from attackgraph.gui.canvas.scene import CanvasScene

__all__ = ["FlowFollower"]


class FlowFollower(QObject):
    """Keeps a scene's ``direction`` and scene rectangle up to date."""

    def __init__(self, scene: CanvasScene, margin: float) -> None:
        super().__init__(scene)
        self.scene = scene
        self.margin = margin
        self.direction: Direction = "LR"
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self.refresh)

    def changed(self) -> None:
        """Positions changed: check direction and extent soon (once per burst)."""
        self._timer.start()

    def refresh(self, *, reroute: bool = True) -> None:
        """Check now: re-route every edge if the direction changed (unless
        ``reroute`` is False: the caller builds the edges afterwards) and fit
        the scene rectangle to the items with a margin."""
        self._timer.stop()
        scene = self.scene
        model = scene.model
        direction = flow_direction((edge.key for edge in model.edges), model.layout)
        if direction != self.direction:
            self.direction = direction
            if reroute:
                for edge in scene.edges.values():
                    edge.adjust()
                scene.update()
        self.fit_extent()

    def content_rect(self) -> QRectF:
        """The scene rectangle that holds every node, edge and frame (not the
        overviews of large models, whose bounds lag while they are hidden)."""
        scene = self.scene
        scene.refresh_frames()
        nodes = list(scene.nodes.values())
        bounds = QRectF()
        if nodes:
            xs = [item.x() for item in nodes]
            ys = [item.y() for item in nodes]
            box = nodes[0].boundingRect()  # every node has the same bounds
            bounds = QRectF(
                min(xs) + box.left(),
                min(ys) + box.top(),
                max(xs) - min(xs) + box.width(),
                max(ys) - min(ys) + box.height(),
            )
        for edge in scene.edges.values():
            # A forward curve stays between its ends; only a loop reaches out.
            if edge.loops:
                bounds = bounds.united(edge.sceneBoundingRect())
        for frame in scene.frames.values():
            if frame.isVisible():
                bounds = bounds.united(frame.sceneBoundingRect())
        return bounds

    def fit_extent(self) -> None:
        """Set the scene rectangle to the items' bounds and the margin."""
        scene = self.scene
        bounds = self.content_rect()
        margin = self.margin
        rect = bounds.adjusted(-margin, -margin, margin, margin)
        if rect != scene.sceneRect():
            scene.setSceneRect(rect)

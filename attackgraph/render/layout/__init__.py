"""Positions for the desktop canvas (Qt-free).

The canvas draws components as frames around their nodes, so a layout must
leave room for every frame's margin and title band, and keep sibling frames
apart. One call, :func:`~.plan.compute_layout`, chooses between two engines
and keeps the positions a user placed:

- :func:`~.graphviz.dot_layout`: Graphviz ``dot``, left to right, with
  component clusters sized like the canvas frames; its DOT is the shared
  writer's :func:`attackgraph.render.dot.layout_dot`, run by the cancellable
  :func:`attackgraph.render.backend.run_graphviz`;
- :func:`~.lanes.lane_layout`: the fast built-in layered layout whose
  components are nested lanes (large models, no Graphviz);
- :func:`~.pinning.place_unpinned`: keeps the positions a user placed and fits
  new nodes in around them;
- :func:`~.direction.flow_direction`: which way saved positions run (another
  tool's may run top to bottom), so the canvas puts edge ports on that axis.

:mod:`~.geometry` holds the sizes the canvas items and the layouts share, and
the frame rule (:func:`~.geometry.frame_rects`) both follow.
"""

from attackgraph.render.layout.direction import Direction, flow_direction
from attackgraph.render.layout.geometry import (
    DEFAULT_GEOMETRY,
    CanvasGeometry,
    Positions,
    frame_rects,
)
from attackgraph.render.layout.graphviz import dot_layout
from attackgraph.render.layout.lanes import lane_layout
from attackgraph.render.layout.pinning import place_unpinned
from attackgraph.render.layout.plan import DOT_LAYOUT_LIMIT, LayoutPlan, compute_layout

__all__ = [
    "DEFAULT_GEOMETRY",
    "DOT_LAYOUT_LIMIT",
    "CanvasGeometry",
    "Direction",
    "LayoutPlan",
    "Positions",
    "compute_layout",
    "dot_layout",
    "flow_direction",
    "frame_rects",
    "lane_layout",
    "place_unpinned",
]

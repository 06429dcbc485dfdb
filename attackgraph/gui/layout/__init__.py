"""Positions for the canvas (Qt-free).

The canvas draws components as frames around their nodes, so a layout must
leave room for every frame's margin and title band, and keep sibling frames
apart. This package computes such layouts for the editor:

- :func:`~attackgraph.gui.layout.dot.dot_layout`: Graphviz ``dot``, left to
  right, with component clusters sized like the canvas frames;
- :func:`~attackgraph.gui.layout.lanes.lane_layout`: a fast built-in layered
  layout whose components are nested lanes (large models, no Graphviz);
- :func:`~attackgraph.gui.layout.pinning.place_unpinned`: keeps the positions a
  user placed and fits new nodes in around them.

Nothing here imports Qt, so the code can move to :mod:`attackgraph.render`
once that layer offers the same options.
"""

from attackgraph.gui.layout.geometry import CanvasGeometry, Positions
from attackgraph.gui.layout.plan import LayoutPlan, compute_layout

__all__ = ["CanvasGeometry", "LayoutPlan", "Positions", "compute_layout"]

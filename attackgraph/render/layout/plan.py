"""Choosing a layout engine and keeping pinned positions: one call for the editor."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from attackgraph.errors import RenderError
from attackgraph.model import AttackModel
from attackgraph.render.backend import RenderCancelled
from attackgraph.render.layout.geometry import DEFAULT_GEOMETRY, CanvasGeometry, Positions
from attackgraph.render.layout.graphviz import dot_layout
from attackgraph.render.layout.lanes import lane_layout
from attackgraph.render.layout.pinning import place_unpinned

__all__ = ["DOT_LAYOUT_LIMIT", "LayoutPlan", "compute_layout"]

DOT_LAYOUT_LIMIT = 600
"""Above this many nodes :func:`compute_layout` uses the built-in layout, since
``dot`` takes seconds at a thousand nodes and minutes at ten thousand."""


@dataclass(frozen=True)
class LayoutPlan:
    """The outcome of a layout run.

    Parameters
    ----------
    positions : dict
        New positions: every node for a full layout, else only the nodes
        that had none.
    engine : str
        ``"graphviz"`` or ``"built-in"``.
    note : str
        Why the built-in layout was used (empty when Graphviz was).
    """

    positions: Positions
    engine: str
    note: str = ""

    @property
    def summary(self) -> str:
        """A sentence for the status bar."""
        count = len(self.positions)
        what = f"{count} node{'s' * (count != 1)} placed"
        if self.engine == "graphviz":
            return f"Layout by Graphviz dot: {what}."
        return f"Built-in layout: {what} ({self.note})."


def compute_layout(
    model: AttackModel,
    *,
    full: bool,
    geometry: CanvasGeometry = DEFAULT_GEOMETRY,
    prefer_dot: bool = True,
    dot_limit: int = DOT_LAYOUT_LIMIT,
    cancel: threading.Event | None = None,
) -> LayoutPlan:
    """Lay out ``model``: Graphviz ``dot`` when it is there and the model is
    small enough, the built-in lane layout otherwise.

    Parameters
    ----------
    model : AttackModel
        Read only (a snapshot when called off the GUI thread).
    full : bool
        Place every node anew; otherwise nodes with a saved position stay.
    geometry : CanvasGeometry
    prefer_dot : bool
        False skips Graphviz.
    dot_limit : int
        Models with more nodes use the built-in layout (``dot`` needs
        seconds at a thousand nodes).
    cancel : threading.Event, optional
        Set it to stop a running Graphviz layout.

    Returns
    -------
    LayoutPlan

    Raises
    ------
    RenderCancelled
        ``cancel`` was set while ``dot`` ran (no fallback: nobody waits for it).
    """
    note = ""
    fresh: Positions | None = None
    if not prefer_dot:
        note = "Graphviz switched off"
    elif len(model.nodes) > dot_limit:
        note = f"more than {dot_limit} nodes, where Graphviz dot would take too long"
    else:
        try:
            fresh = dot_layout(model, geometry, cancel=cancel)
        except RenderCancelled:
            raise
        except RenderError as exc:
            note = str(exc).rstrip(".")
    engine = "graphviz" if fresh is not None else "built-in"
    if fresh is None:
        fresh = lane_layout(model, geometry)
    if full:
        return LayoutPlan(fresh, engine, note)
    return LayoutPlan(place_unpinned(model, fresh, model.layout, geometry), engine, note)

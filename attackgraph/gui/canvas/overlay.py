"""Marks drawn over the canvas without changing the model.

Views that explain the model (find results today; open chains, broken
chains, choke points and in-effect mitigations in the analysis workbench)
put an :class:`Overlay` on the scene under a layer name. Layers combine: an
item is dimmed when any layer dims it, its accent comes from the last layer
that sets one, and badges add up. Overlays are plain values, so a view can
build one off the GUI thread and hand it over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["Badge", "EdgeMark", "NodeMark", "Overlay", "combine_edge", "combine_node"]


@dataclass(frozen=True, slots=True)
class Badge:
    """A small pill on a node's top edge (e.g. a mitigation that blocks it).

    Parameters
    ----------
    text : str
        A few characters.
    color : str
        Fill colour, ``#rrggbb``.
    tooltip : str
        Plain text shown when hovering the node.
    """

    text: str
    color: str = "#2e7d32"
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class NodeMark:
    """How one layer wants a node drawn.

    Parameters
    ----------
    dimmed : bool
        Draw it faintly (not part of what is shown).
    accent : str or None
        Colour of a ring around the node.
    badges : tuple of Badge
        Pills on the node's bottom edge (e.g. the defences that block it).
    flags : tuple of Badge
        Pills on its top edge (e.g. "reachable", "choke point").
    faded : bool
        Draw it half-transparent (on broken chains only): quieter than
        ``dimmed``, still readable.
    dashed : bool
        Draw the accent ring dashed.
    """

    dimmed: bool = False
    accent: str | None = None
    badges: tuple[Badge, ...] = ()
    flags: tuple[Badge, ...] = ()
    faded: bool = False
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class EdgeMark:
    """How one layer wants an edge drawn (``dashed``: a broken chain's edge)."""

    dimmed: bool = False
    accent: str | None = None
    width: float | None = None
    dashed: bool = False


@dataclass(frozen=True)
class Overlay:
    """One layer of marks.

    Parameters
    ----------
    nodes : mapping
        Marks by node id.
    edges : mapping
        Marks by ``(source, target)``.
    dim_others : bool
        Dim every node and edge this layer does not list (to make a
        highlight stand out).
    """

    nodes: Mapping[str, NodeMark] = field(default_factory=dict)
    edges: Mapping[tuple[str, str], EdgeMark] = field(default_factory=dict)
    dim_others: bool = False


PLAIN_NODE = NodeMark()
PLAIN_EDGE = EdgeMark()


def combine_node(layers: Iterable[Overlay], node_id: str) -> NodeMark:
    """The mark of a node under every layer, in layer order (the ring's
    dashes come with its accent)."""
    dimmed, accent, badges, flags, faded, dashed = False, None, (), (), False, False
    for layer in layers:
        mark = layer.nodes.get(node_id)
        if mark is None:
            dimmed = dimmed or layer.dim_others
            continue
        dimmed = dimmed or mark.dimmed
        if mark.accent:
            accent, dashed = mark.accent, mark.dashed
        badges += mark.badges
        flags += mark.flags
        faded = faded or mark.faded
    if not dimmed and accent is None and not badges and not flags and not faded:
        return PLAIN_NODE
    return NodeMark(dimmed, accent, badges, flags, faded, dashed)


def combine_edge(layers: Iterable[Overlay], key: tuple[str, str]) -> EdgeMark:
    """The mark of an edge under every layer, in layer order."""
    dimmed, accent, width, dashed = False, None, None, False
    for layer in layers:
        mark = layer.edges.get(key)
        if mark is None:
            dimmed = dimmed or layer.dim_others
            continue
        dimmed = dimmed or mark.dimmed
        if mark.accent:
            accent, dashed = mark.accent, mark.dashed
        width = mark.width or width
    if not dimmed and accent is None and width is None:
        return PLAIN_EDGE
    return EdgeMark(dimmed, accent, width, dashed)


def affected(old: Overlay | None, new: Overlay | None) -> tuple[set[str], set[tuple[str, str]]]:
    """Nodes and edges whose mark may change when ``old`` becomes ``new``
    (everything when either dims the others)."""
    nodes: set[str] = set()
    edges: set[tuple[str, str]] = set()
    for layer in (old, new):
        if layer is None:
            continue
        nodes.update(layer.nodes)
        edges.update(layer.edges)
    return nodes, edges


def dims_all(layers: Iterable[Overlay | None]) -> bool:
    """Whether any of the layers changes unlisted items too."""
    return any(layer is not None and layer.dim_others for layer in layers)


def node_marks(layers: Mapping[str, Overlay], node_ids: Iterable[str]) -> dict[str, NodeMark]:
    """Combined marks of several nodes."""
    ordered = list(layers.values())
    return {nid: combine_node(ordered, nid) for nid in node_ids}

"""Which way a drawing's edges run: left to right, or top to bottom.

attackgraph lays chains out left to right, but positions may come from
another tool: MITRE's Attack Flow Builder stacks a flow top to bottom. The
canvas draws edge ports on the sides the flow runs through (right/left for
``"LR"``, bottom/top for ``"TB"``, top/bottom for ``"BT"``), so it asks :func:`flow_direction` which
way the saved positions run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

__all__ = ["MIN_EDGES", "Direction", "flow_direction"]

Direction = Literal["LR", "TB", "BT"]
MIN_EDGES = 3
"""A drawing runs top to bottom (or bottom to top) only with at least this
many edges that way: a model being drawn does not flip at its first edge."""


def flow_direction(
    edges: Iterable[tuple[str, str]], positions: Mapping[str, tuple[float, float]]
) -> Direction:
    """``"TB"`` when more placed edges run downwards (more than sideways)
    than to the right or upwards, ``"BT"`` when more run upwards (an attack
    tree with its root on top), else ``"LR"`` (also when fewer than
    :data:`MIN_EDGES` edges run down or up).

    Parameters
    ----------
    edges : iterable of (source id, target id)
    positions : mapping of node id to (x, y)
        Node centres, y growing downwards.

    Examples
    --------
    >>> column = {"a": (0, 0), "b": (10, 200), "c": (0, 400), "d": (0, 600)}
    >>> flow_direction([("a", "b"), ("b", "c"), ("c", "d")], column)
    'TB'
    >>> flow_direction([("d", "c"), ("c", "b"), ("b", "a")], column)
    'BT'
    >>> flow_direction([("a", "b")], {"a": (0, 0), "b": (240, 30)})
    'LR'
    >>> flow_direction([("a", "b")], column)  # one edge down is not yet a direction
    'LR'
    >>> flow_direction([], {})
    'LR'
    """
    right = down = up = 0
    for source, target in edges:
        a, b = positions.get(source), positions.get(target)
        if a is None or b is None:
            continue
        dx, dy = b[0] - a[0], b[1] - a[1]
        if dy > abs(dx):
            down += 1
        elif -dy > abs(dx):
            up += 1
        elif dx > 0:
            right += 1
        # an edge to the left runs against every direction but its own
    if max(down, up) < MIN_EDGES:
        return "LR"
    if down > right and down >= up:
        return "TB"
    if up > right and up > down:
        return "BT"
    return "LR"

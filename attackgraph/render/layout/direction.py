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

__all__ = ["Direction", "flow_direction"]

Direction = Literal["LR", "TB", "BT"]


def flow_direction(edges: Iterable[tuple[str, str]],
                   positions: Mapping[str, tuple[float, float]]) -> Direction:
    """``"TB"`` when more placed edges run downwards (more than sideways)
    than any other way, ``"BT"`` when more run upwards (an attack tree with
    its root on top), else ``"LR"`` (also for a drawing without placed edges).

    Parameters
    ----------
    edges : iterable of (source id, target id)
    positions : mapping of node id to (x, y)
        Node centres, y growing downwards.

    Examples
    --------
    >>> flow_direction([("a", "b"), ("b", "c")],
    ...                {"a": (0, 0), "b": (10, 200), "c": (0, 400)})
    'TB'
    >>> flow_direction([("a", "b")], {"a": (0, 0), "b": (240, 30)})
    'LR'
    >>> flow_direction([("leaf", "root")], {"leaf": (0, 300), "root": (40, 0)})
    'BT'
    >>> flow_direction([], {})
    'LR'
    """
    down = up = across = 0
    for source, target in edges:
        a, b = positions.get(source), positions.get(target)
        if a is None or b is None:
            continue
        dx, dy = b[0] - a[0], b[1] - a[1]
        if dy > abs(dx):
            down += 1
        elif -dy > abs(dx):
            up += 1
        else:
            across += 1
    if down > across and down >= up:
        return "TB"
    if up > across and up > down:
        return "BT"
    return "LR"

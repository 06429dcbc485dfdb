"""Colours, shapes and fonts of the diagrams, in one place.

Component kinds get distinct colour families (cloud blue, device violet, ...)
that darken with nesting depth; red is kept for open chains and reachable
goals, grey for broken chains and green for defences, so an overlay never
collides with a component colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "BROKEN",
    "DEFENCE",
    "FONT",
    "KIND_FAMILIES",
    "NEUTRAL",
    "OPEN",
    "Family",
    "cluster_colours",
    "mix",
]

FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"
"""Graphviz ``fontname``: DejaVu ships with the system packages; SVG viewers
fall back to the generic families."""


@dataclass(frozen=True, slots=True)
class Family:
    """The colours of one component kind.

    Attributes
    ----------
    name : str
        Shown in the legend (``cloud``, ``device`` ...).
    fill : str
        Background of a top-level cluster.
    border : str
        Cluster border, and the base that nested clusters mix towards.
    ink : str
        Cluster label text.
    """

    name: str
    fill: str
    border: str
    ink: str


KIND_FAMILIES: dict[str, Family] = {
    "cloud": Family("cloud", "#eef4fc", "#5b8fd0", "#1f4e8c"),
    "device": Family("device", "#f4effa", "#8e6cc0", "#4d2e80"),
    "network": Family("network", "#eaf6f8", "#3f9aae", "#1d5f6e"),
    "physical": Family("physical", "#f9f3e7", "#b08a45", "#6b4f1c"),
    "human": Family("human", "#fcf0f4", "#c0709a", "#7a2f55"),
    "supply-chain": Family("supply-chain", "#f4f4e4", "#9a9a48", "#5c5c20"),
    "other": Family("other", "#f3f3f3", "#9a9a9a", "#4a4a4a"),
}

OPEN = "#d32f2f"
"""Open chains, reachable goals."""
BROKEN = "#9e9e9e"
"""Broken chains."""
NEUTRAL = "#5f6670"
"""Edges and borders without an overlay."""
DEFENCE = "#2e7d32"
"""In-effect mitigations."""

INK = "#1f2328"
MUTED = "#5f6670"
ENTRY_FILL = "#fff6d9"
ENTRY_BORDER = "#b08600"
STEP_FILL = "#ffffff"
GOAL_FILL = "#37474f"
GOAL_INK = "#ffffff"
REACHABLE_FILL = "#c62828"
SAFE_GOAL_FILL = "#78909c"
BLOCKED_FILL = "#eceff1"
DEFENCE_FILL = "#e8f5e9"
DEFENCE_INK = "#1b5e20"
GATE_FILL = "#263238"
DIM_ALPHA = "40"


@lru_cache(maxsize=1024)
def mix(colour: str, other: str, amount: float) -> str:
    """``colour`` moved ``amount`` (0..1) of the way towards ``other``.

    Examples
    --------
    >>> mix("#ffffff", "#000000", 0.5)
    '#808080'
    """
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b, strict=True))


def cluster_colours(kind: str, depth: int) -> tuple[str, str, str]:
    """``(fill, border, ink)`` of a cluster of component ``kind`` at nesting
    ``depth`` (0 for top level): nested clusters are a shade darker."""
    family = KIND_FAMILIES.get(kind, KIND_FAMILIES["other"])
    fill = mix(family.fill, family.border, min(0.10 * depth, 0.35))
    return fill, family.border, family.ink

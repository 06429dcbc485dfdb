"""The analysis drawn on the canvas: the render layer's
:class:`~attackgraph.render.overlay.Overlay` (the same one the diagrams are
drawn from) turned into canvas marks.

- steps and edges on an open chain: red ring, thick red edges;
- on listed chains that are all broken: a grey dashed ring, half
  transparent, grey dashed edges;
- blocked by an in-effect mitigation of effectiveness 1: a green ring and a
  green pill naming the defence; a partial one: an amber pill with the
  probability cut (``◐ −30 %``), so the two are told apart;
- goals: "reachable" (red flag) or "safe" (green flag); choke points: a
  purple flag; nodes fixed by the chosen release: a slate flag; nodes the
  attacker profile does not allow: dimmed.

The highlighted chain is a second layer that dims everything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from attackgraph.analysis import Analysis, ChainResult
from attackgraph.analysis.compiled import CompiledGraph
from attackgraph.gui.canvas.overlay import Badge, EdgeMark, NodeMark, Overlay
from attackgraph.model import AttackModel
from attackgraph.render.overlay import BROKEN, OPEN, build_overlay
from attackgraph.render.overlay import Overlay as RenderOverlay

__all__ = [
    "ANALYSIS_LAYER",
    "HIGHLIGHT_LAYER",
    "Palette",
    "analysis_marks",
    "chain_marks",
    "palette",
]

ANALYSIS_LAYER = "analysis"
HIGHLIGHT_LAYER = "chain"


@dataclass(frozen=True)
class Palette:
    """The analysis colours of one theme."""

    open: str
    broken: str
    blocked: str
    partial: str
    choke: str
    fixed: str
    safe: str


LIGHT = Palette(
    open="#d93025",
    broken="#8a939e",
    blocked="#1e8e3e",
    partial="#b26a00",
    choke="#7b1fa2",
    fixed="#4f5b6b",
    safe="#1e8e3e",
)
DARK = Palette(
    open="#ff6b61",
    broken="#7d8590",
    blocked="#3fb950",
    partial="#d29922",
    choke="#c297ff",
    fixed="#8b98a9",
    safe="#3fb950",
)


def palette(dark: bool) -> Palette:
    """The colours for the light or the dark theme."""
    return DARK if dark else LIGHT


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _percent(effectiveness: float) -> str:
    return f"−{effectiveness * 100:.0f} %"


def analysis_marks(
    model: AttackModel,
    analysis: Analysis,
    *,
    dark: bool = False,
    graph: CompiledGraph | None = None,
    chain_edges: dict[tuple[str, ...], tuple[tuple[str, str], ...]] | None = None,
) -> tuple[Overlay, RenderOverlay]:
    """The canvas layer of an analysis of ``model``.

    Parameters
    ----------
    model : AttackModel
        The analysed model (the snapshot the analysis was made from).
    analysis : Analysis
        Its result in the shown state.
    dark : bool
        Colours for the dark theme.
    graph : CompiledGraph, optional
        The model's compiled graph, when at hand.
    chain_edges : dict, optional
        The edges inside each chain, cached by the caller (see
        :func:`~attackgraph.render.overlay.build_overlay`).

    Returns
    -------
    (Overlay, render Overlay)
        The canvas layer, and the render layer's overlay it was made from.
    """
    colours = palette(dark)
    drawn = build_overlay(model, analysis, graph=graph, chain_edges=chain_edges)
    mitigations = model.mitigations
    chokes: dict[str, list[str]] = {}
    for goal in analysis.goals:
        for node_id in goal.choke_points:
            chokes.setdefault(node_id, []).append(goal.id)
    analysed_goals = {g.id for g in analysis.goals}
    fixed_at = analysis.at_release
    nodes: dict[str, NodeMark] = {}
    for node_id, node in model.nodes.items():
        state = drawn.node_state.get(node_id)
        accent, dashed, faded = None, False, False
        if state == OPEN:
            accent = colours.open
        elif state == BROKEN:
            accent, dashed, faded = colours.broken, True, True
        badges: list[Badge] = []
        flags: list[Badge] = []
        blocked = drawn.blocked.get(node_id, ())
        if blocked:
            accent, dashed = colours.blocked, False
            names = ", ".join(f"{mitigations[m].label} ({m})" for m in blocked)
            text = f"⊘ {_short(blocked[0])}" if len(blocked) == 1 else f"⊘ {len(blocked)} defences"
            badges.append(Badge(text, colours.blocked, f"Blocked by {names}"))
        for mit_id in drawn.reduced.get(node_id, ()):
            mit = mitigations[mit_id]
            badges.append(
                Badge(
                    f"◐ {_percent(mit.effective_effectiveness)}",
                    colours.partial,
                    f"Made harder by {mit.label} ({mit_id}): probability × "
                    f"{1 - mit.effective_effectiveness:.2g}",
                )
            )
        if node_id in analysed_goals:
            if node_id in drawn.reachable_goals:
                flags.append(
                    Badge(
                        "⚑ reachable", colours.open, "Reachable: at least one chain to it is open"
                    )
                )
            else:
                flags.append(
                    Badge("✓ safe", colours.safe, "Not reachable: every chain to it is broken")
                )
        if node_id in chokes:
            goals = ", ".join(chokes[node_id])
            flags.append(
                Badge("◆ choke point", colours.choke, f"Choke point: in every chain to {goals}")
            )
        if node_id in drawn.fixed:
            flags.append(
                Badge(
                    f"fixed by {_short(node.release_fixed or '', 12)}",
                    colours.fixed,
                    f"Removed by release {node.release_fixed} (shown: {fixed_at})",
                )
            )
            faded = True
        dimmed = node_id in drawn.disallowed
        if accent or badges or flags or dimmed or faded:
            nodes[node_id] = NodeMark(
                dimmed=dimmed,
                accent=accent,
                badges=tuple(badges),
                flags=tuple(flags),
                faded=faded and not dimmed,
                dashed=dashed,
            )
    edges: dict[tuple[str, str], EdgeMark] = {}
    for key, state in drawn.edge_state.items():
        if state == OPEN:
            edges[key] = EdgeMark(accent=colours.open, width=2.4)
        elif state == BROKEN:
            # solid: dashing hundreds of long curves doubles the frame time
            edges[key] = EdgeMark(accent=colours.broken, width=1.2)
    return Overlay(nodes=nodes, edges=edges), drawn


def chain_marks(
    model: AttackModel, chain: ChainResult, analysis: Analysis, *, dark: bool = False
) -> Overlay:
    """The highlight layer of one chain: its nodes and edges stand out
    (red while open; the steps that break it green), the rest is dimmed."""
    colours = palette(dark)
    in_effect = set(analysis.in_effect)
    members = set(chain.nodes)
    breaking = {
        n
        for m in chain.broken_by
        if m in in_effect and m in model.mitigations
        for n in model.mitigations[m].blocks
        if n in members
    }
    colour = colours.open if chain.open else colours.broken
    nodes = {
        n: NodeMark(accent=colours.blocked if n in breaking else colour)
        for n in chain.nodes
        if n in model.nodes
    }
    edges = {
        e.key: EdgeMark(accent=colour, width=3.6, dashed=not chain.open)
        for e in model.edges
        if e.source in members and e.target in members
    }
    return Overlay(nodes=nodes, edges=edges, dim_others=True)

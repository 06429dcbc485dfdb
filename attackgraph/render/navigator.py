"""MITRE ATT&CK Navigator layers (layer format 4.5): the techniques of one
analysed scenario, coloured by whether they lie on an open chain.

One layer describes one scenario: the state chosen by the export options
(attacker profile, release, what-if, goals). Each ATT&CK technique id of a
node becomes one technique entry of the layer:

- on at least one **open** chain: scored with the number of open chains it
  is on, coloured red;
- only on **broken** chains: score 0, coloured green (a deployed or
  switched-on mitigation breaks every chain it is on);
- on no listed chain (the node reaches no analysed goal, or the profile
  does not allow it): no score, grey.

The comment names the steps carrying the technique, the chains (open ones
first) and the mitigations that block those steps, with their state. Ids
that are not ATT&CK technique ids (``AML.T0051`` of ATLAS, CAPEC ...) are
not written; the layer's description says how many were left out.

The layer is written without ``tactic``, so that Navigator shows each
annotation under every tactic of the technique, and without an ATT&CK
version, so that Navigator uses its current one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from attackgraph.analysis.results import Analysis
from attackgraph.model import AttackModel

__all__ = ["LAYER_VERSION", "NAVIGATOR_VERSION", "generate_navigator", "navigator_layer"]

LAYER_VERSION = "4.5"
NAVIGATOR_VERSION = "5.1.0"
"""The Navigator release whose layer format (4.5) is written."""
OPEN_COLOUR = "#e8453c"
BROKEN_COLOUR = "#5cb85c"
UNREACHED_COLOUR = "#d9d9d9"
_TECHNIQUE = re.compile(r"^T\d{4}(\.\d{3})?$")
_MAX_COMMENT = 4000
_MAX_NAMES = 25


@dataclass
class _Entry:
    steps: list[str] = field(default_factory=list)
    open_chains: list[str] = field(default_factory=list)
    broken_chains: list[str] = field(default_factory=list)
    mitigations: list[str] = field(default_factory=list)


def _names(items: list[str]) -> str:
    shown = items[:_MAX_NAMES]
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _scenario(
    analysis: Analysis,
    switch_on: tuple[str, ...],
    switch_off: tuple[str, ...],
    goals: tuple[str, ...] | None,
) -> list[str]:
    parts = [
        f"profile {analysis.profile}" if analysis.profile else "every attacker",
        f"at release {analysis.at_release}" if analysis.at_release else "as deployed",
    ]
    if switch_on:
        parts.append("with " + ", ".join(switch_on))
    if switch_off:
        parts.append("without " + ", ".join(switch_off))
    if goals:
        parts.append("goals " + ", ".join(goals))
    return parts


def navigator_layer(
    model: AttackModel,
    analysis: Analysis,
    *,
    switch_on: tuple[str, ...] = (),
    switch_off: tuple[str, ...] = (),
    goals: tuple[str, ...] | None = None,
    domain: str = "enterprise-attack",
) -> dict[str, Any]:
    """The Navigator layer (a JSON-ready dict) of one analysed scenario.

    Parameters
    ----------
    model : AttackModel
        The model.
    analysis : Analysis
        Its analysis in the scenario to show.
    switch_on, switch_off : tuple of str
        The what-if of the analysis (named in the layer's description).
    goals : tuple of str, optional
        The goals analysed, when not all.
    domain : str
        ``enterprise-attack`` (default), ``mobile-attack`` or ``ics-attack``.

    Examples
    --------
    >>> from attackgraph.analysis import analyze
    >>> from attackgraph.formats.native import document_to_model
    >>> model = document_to_model({"format": "attackgraph", "version": 1, "title": "t",
    ...     "nodes": [{"id": "e", "kind": "entry", "label": "Internet"},
    ...               {"id": "s", "kind": "step", "label": "Exploit", "techniques": ["T1190"]},
    ...               {"id": "g", "kind": "goal", "label": "Data"}],
    ...     "edges": [{"source": "e", "target": "s"}, {"source": "s", "target": "g"}]})
    >>> layer = navigator_layer(model, analyze(model))
    >>> layer["versions"]["layer"], layer["techniques"][0]["techniqueID"]
    ('4.5', 'T1190')
    >>> layer["techniques"][0]["score"], layer["techniques"][0]["color"]
    (1, '#e8453c')
    """
    entries: dict[str, _Entry] = {}
    skipped: set[str] = set()
    node_techniques: dict[str, list[str]] = {}
    for node in model.nodes.values():
        for technique in node.techniques or ():
            tid = technique.strip().upper()
            if not _TECHNIQUE.fullmatch(tid):
                skipped.add(technique)
                continue
            node_techniques.setdefault(node.id, []).append(tid)
            entry = entries.setdefault(tid, _Entry())
            entry.steps.append(f"{node.label} ({node.id})")
    for chain in analysis.chains:
        for node_id in chain.nodes:
            for tid in node_techniques.get(node_id, ()):
                bucket = entries[tid].open_chains if chain.open else entries[tid].broken_chains
                text = f"{chain.id} to {chain.goal}"
                if not chain.open and chain.broken_by:
                    text += f" (broken by {', '.join(chain.broken_by)})"
                if text not in bucket:
                    bucket.append(text)
    in_effect = set(analysis.in_effect)
    for mitigation in model.mitigations.values():
        state = "in effect" if mitigation.id in in_effect else mitigation.effective_status
        for node_id in mitigation.blocks:
            for tid in node_techniques.get(node_id, ()):
                text = f"{mitigation.label} ({mitigation.id}, {state})"
                if text not in entries[tid].mitigations:
                    entries[tid].mitigations.append(text)
    techniques = []
    max_open = 1
    for tid in sorted(entries):
        entry = entries[tid]
        lines = [f"Steps: {_names(entry.steps)}."]
        item: dict[str, Any] = {"techniqueID": tid}
        if entry.open_chains:
            item["score"] = len(entry.open_chains)
            item["color"] = OPEN_COLOUR
            max_open = max(max_open, len(entry.open_chains))
            lines.append(f"Open chains: {_names(entry.open_chains)}.")
        elif entry.broken_chains:
            item["score"] = 0
            item["color"] = BROKEN_COLOUR
        else:
            item["color"] = UNREACHED_COLOUR
            lines.append("On no listed chain to the analysed goals.")
        if entry.broken_chains:
            lines.append(f"Broken chains: {_names(entry.broken_chains)}.")
        if entry.mitigations:
            lines.append(f"Mitigations: {_names(entry.mitigations)}.")
        comment = " ".join(lines)
        item["comment"] = (
            comment if len(comment) <= _MAX_COMMENT else comment[: _MAX_COMMENT - 3] + "..."
        )
        item["enabled"] = True
        item["showSubtechniques"] = False
        techniques.append(item)
    scenario = _scenario(analysis, switch_on, switch_off, goals)
    open_count = sum(1 for c in analysis.chains if c.open)
    description = (
        f"attackgraph analysis of '{model.title}' ({'; '.join(scenario)}): "
        f"{open_count} open and {len(analysis.chains) - open_count} broken "
        f"chain(s){' (more exist than were listed)' if analysis.truncated else ''}. "
        "Score: the number of open chains a technique is on."
    )
    if skipped:
        description += (
            f" {len(skipped)} id(s) that are not ATT&CK technique ids were left "
            f"out: {_names(sorted(skipped))}."
        )
    metadata = [
        {"name": "model", "value": model.title},
        {"name": "scenario", "value": "; ".join(scenario)},
        {"name": "in effect", "value": ", ".join(analysis.in_effect) or "none"},
    ]
    return {
        "name": f"{model.title} ({'; '.join(scenario)})"[:200],
        "versions": {"navigator": NAVIGATOR_VERSION, "layer": LAYER_VERSION},
        "domain": domain,
        "description": description,
        "sorting": 3,
        "layout": {
            "layout": "side",
            "showID": True,
            "showName": True,
            "expandedSubtechniques": "annotated",
        },
        "hideDisabled": False,
        "techniques": techniques,
        "gradient": {"colors": ["#ffffff", OPEN_COLOUR], "minValue": 0, "maxValue": max_open},
        "legendItems": [
            {"label": "on an open chain (score: open chains)", "color": OPEN_COLOUR},
            {"label": "only on broken chains", "color": BROKEN_COLOUR},
            {"label": "on no listed chain", "color": UNREACHED_COLOUR},
        ],
        "metadata": metadata,
        "showTacticRowBackground": False,
        "selectTechniquesAcrossTactics": True,
        "selectSubtechniquesWithParent": False,
        "selectVisibleTechniques": False,
    }


def generate_navigator(model: AttackModel, analysis: Analysis, **options: Any) -> str:
    """The layer of :func:`navigator_layer` as JSON text (two-space indent,
    trailing newline)."""
    return (
        json.dumps(navigator_layer(model, analysis, **options), indent=2, ensure_ascii=False) + "\n"
    )

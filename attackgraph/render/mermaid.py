"""A Mermaid flowchart of a model, for GitHub, GitLab and wikis.

Left to right, components as nested subgraphs, shapes by node kind (entry
flag, rounded step, hexagon goal), AND gates named in the label, and the
same analysis overlay as the Graphviz diagrams through ``classDef`` and
``linkStyle``. Every label goes through
:func:`~attackgraph.render.text.mermaid_text`; node and subgraph names are
generated (``n0``, ``c0`` ...), so no model text is ever Mermaid syntax.
"""

from __future__ import annotations

import json
from collections import defaultdict

from attackgraph.model import AttackModel
from attackgraph.render import style
from attackgraph.render.overlay import BROKEN, OPEN, Overlay
from attackgraph.render.text import mermaid_text, one_line, wrap

__all__ = ["generate_mermaid"]

_CLASSES = {
    "entry": f"fill:{style.ENTRY_FILL},stroke:{style.ENTRY_BORDER},color:{style.INK}",
    "step": f"fill:{style.STEP_FILL},stroke:{style.NEUTRAL},color:{style.INK}",
    "goal": f"fill:{style.GOAL_FILL},stroke:{style.GOAL_FILL},color:{style.GOAL_INK}",
    "open": f"stroke:{style.OPEN},stroke-width:3px",
    "broken": f"stroke:{style.BROKEN},stroke-dasharray:5 4,color:{style.MUTED}",
    "blocked": f"fill:{style.BLOCKED_FILL}",
    "reachable": f"fill:{style.REACHABLE_FILL},stroke:{style.OPEN},color:#ffffff",
    "safe": f"fill:{style.SAFE_GOAL_FILL},stroke:{style.SAFE_GOAL_FILL},color:#ffffff",
    "defence": f"fill:{style.DEFENCE_FILL},stroke:{style.DEFENCE},color:{style.DEFENCE_INK}",
    "dim": "opacity:0.35",
}


def _label(lines: list[str]) -> str:
    return '"' + "<br/>".join(mermaid_text(line) for line in lines) + '"'


def generate_mermaid(
    model: AttackModel,
    overlay: Overlay | None = None,
    *,
    mitigations: bool = True,
    wrap_width: int = 28,
) -> str:
    """The Mermaid ``flowchart LR`` text of ``model``.

    Parameters
    ----------
    model : AttackModel
        The model.
    overlay : Overlay, optional
        Analysis state to draw, as for the Graphviz diagram.
    mitigations : bool
        With an overlay: draw in-effect mitigations as defence nodes.
    wrap_width : int
        Characters per label line.

    Returns
    -------
    str

    Examples
    --------
    >>> from attackgraph.model import Edge, Node
    >>> m = AttackModel("t")
    >>> m.add_node(Node("E", "entry", 'x"] --> evil')); m.add_node(Node("G", "goal", "g"))
    >>> m.add_edge(Edge("E", "G"))
    >>> print(generate_mermaid(m).splitlines()[4])
      n0>"ENTRY · x#34;#93; #45;#45;#62; evil"]
    """
    index = {nid: f"n{i}" for i, nid in enumerate(model.nodes)}
    lines = ["---", f"title: {json.dumps(one_line(model.title))}", "---", "flowchart LR"]
    children: dict[str | None, list[str]] = defaultdict(list)
    for cid, comp in model.components.items():
        children[comp.parent if comp.parent in model.components else None].append(cid)
    members: dict[str | None, list[str]] = defaultdict(list)
    for nid, node in model.nodes.items():
        members[node.component if node.component in model.components else None].append(nid)
    comp_index = {cid: f"c{i}" for i, cid in enumerate(model.components)}
    highlight = overlay.highlight_nodes if overlay and overlay.highlight else None
    classes: dict[str, list[str]] = defaultdict(list)

    def node_statement(nid: str) -> str:
        node = model.nodes[nid]
        head = node.kind.upper()
        if node.kind != "entry" and node.effective_gate == "and":
            head += " · AND (needs all inputs)"
        text = [
            f"{head} · {w}" if i == 0 else w for i, w in enumerate(wrap(node.label, wrap_width, 5))
        ]
        if node.techniques:
            text += wrap(" · ".join(node.techniques), wrap_width + 8, 2)
        body = _label(text)
        shape = {"entry": f">{body}]", "goal": "{{" + body + "}}"}.get(node.kind, f"({body})")
        classes[node.kind].append(index[nid])
        if overlay is not None:
            state = overlay.node_state.get(nid)
            if node.kind == "goal" and nid in {g.id for g in overlay.analysis.goals}:
                classes["reachable" if nid in overlay.reachable_goals else "safe"].append(
                    index[nid]
                )
            elif nid in overlay.blocked or nid in overlay.fixed or nid in overlay.disallowed:
                classes["blocked"].append(index[nid])
            if state in (OPEN, BROKEN):
                classes[state].append(index[nid])
        if highlight is not None and nid not in highlight:
            classes["dim"].append(index[nid])
        return f"{index[nid]}{shape}"

    def emit(comp_id: str | None, indent: int) -> None:
        pad = "  " * indent
        for nid in members[comp_id]:
            lines.append(pad + node_statement(nid))
        for child in children[comp_id]:
            if not _has_nodes(child):
                continue
            comp = model.components[child]
            lines.append(
                f"{pad}subgraph {comp_index[child]}"
                f"[{_label([f'{comp.kind.upper()} · {one_line(comp.label)}'])}]"
            )
            emit(child, indent + 1)
            lines.append(pad + "end")

    def _has_nodes(comp_id: str) -> bool:
        return bool(members[comp_id]) or any(_has_nodes(c) for c in children[comp_id])

    emit(None, 1)
    links: dict[str, list[int]] = defaultdict(list)
    count = 0
    for edge in model.edges:
        arrow = "-->"
        if edge.label:
            arrow = f"-- {_label(wrap(edge.label, 26, 2))} -->"
        lines.append(f"  {index[edge.source]} {arrow} {index[edge.target]}")
        if overlay is not None:
            state = overlay.edge_state.get(edge.key)
            if highlight is not None:
                state = "highlight" if {edge.source, edge.target} <= highlight else "dim"
            if state in (OPEN, BROKEN, "highlight", "dim"):
                links[state].append(count)
        count += 1
    if overlay is not None and mitigations:
        for number, mit_id in enumerate(overlay.defences):
            mit = model.mitigations[mit_id]
            name = f"d{number}"
            head = (
                "DEFENCE"
                if mit.is_full
                else (f"DEFENCE · partial, {mit.effective_effectiveness:.0%}")
            )
            lines.append(f"  {name}[{_label([head, *wrap(mit.label, wrap_width, 4)])}]")
            classes["defence"].append(name)
            for target in mit.blocks:
                lines.append(f"  {name} {'--x' if mit.is_full else '-.-x'} {index[target]}")
                links["defence"].append(count)
                count += 1
    for name, css in _CLASSES.items():
        if classes.get(name):
            lines.append(f"  classDef {name} {css}")
            lines.append(f"  class {','.join(classes[name])} {name}")
    for cid, name in comp_index.items():
        if _has_nodes(cid):
            depth = 0
            parent = model.components[cid].parent
            seen = {cid}
            while parent in model.components and parent not in seen:
                seen.add(parent)
                depth += 1
                parent = model.components[parent].parent
            fill, border, ink = style.cluster_colours(model.components[cid].kind, depth)
            lines.append(f"  style {name} fill:{fill},stroke:{border},color:{ink}")
    link_css = {
        OPEN: f"stroke:{style.OPEN},stroke-width:3px",
        BROKEN: f"stroke:{style.BROKEN},stroke-dasharray:5 4",
        "highlight": f"stroke:{style.OPEN},stroke-width:4px",
        "dim": "stroke:#dde1e6",
        "defence": f"stroke:{style.DEFENCE},stroke-width:2px",
    }
    for state, numbers in links.items():
        lines.append(f"  linkStyle {','.join(map(str, numbers))} {link_css[state]}")
    return "\n".join(lines) + "\n"

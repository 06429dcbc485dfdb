"""Graphviz DOT text for a model, pure Python (no subprocess).

The one DOT writer of the program: :func:`generate_dot` draws diagrams
(left to right, nested components as clusters, shapes by node kind, AND
gates marked where their inputs arrive, wrapped labels with technique ids under them, the title
and a legend, and an optional analysis :class:`~attackgraph.render.overlay.Overlay`);
:func:`layout_dot` is the same graph reduced to fixed-size, unlabelled boxes
for the desktop canvas's automatic layout (:mod:`attackgraph.render.layout`).

Only text from a model reaches the output, always escaped (labels, tooltips);
attribute names come from :data:`ALLOWED_ATTRIBUTES`, which holds none of
Graphviz's file-reading attributes (``image``, ``shapefile``, ``fontpath``,
``imagepath`` ...), and HTML-like labels are assembled here from escaped text,
so a model cannot add an ``<IMG>`` either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from attackgraph.model import AttackModel, Mitigation, Node
from attackgraph.render import style
from attackgraph.render.overlay import BROKEN, OPEN, Overlay
from attackgraph.render.text import dot_html, dot_string, one_line, wrap

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "FORBIDDEN_ATTRIBUTES",
    "DiagramOptions",
    "generate_dot",
    "layout_dot",
    "layout_node_index",
    "layout_node_name",
]

ALLOWED_ATTRIBUTES = frozenset(
    {
        "arrowhead",
        "arrowsize",
        "bgcolor",
        "class",
        "color",
        "compound",
        "fillcolor",
        "fixedsize",
        "fontcolor",
        "fontname",
        "fontsize",
        "headport",
        "height",
        "id",
        "label",
        "labeljust",
        "labelloc",
        "margin",
        "minlen",
        "newrank",
        "nodesep",
        "outputorder",
        "pad",
        "penwidth",
        "peripheries",
        "rankdir",
        "ranksep",
        "shape",
        "splines",
        "style",
        "tooltip",
        "weight",
        "width",
    }
)
"""Every attribute name the generator may write."""

FORBIDDEN_ATTRIBUTES = frozenset(
    {
        "image",
        "imagepath",
        "imagepos",
        "imagescale",
        "shapefile",
        "fontpath",
        "fontnames",
        "stylesheet",
        "URL",
        "href",
        "labelURL",
        "tailURL",
        "headURL",
        "edgeURL",
        "target",
        "labelhref",
        "tailhref",
        "headhref",
        "edgehref",
    }
)
"""Attributes that read files or make links: never written (checked by tests)."""


class Html(str):
    """The inside of an HTML-like label, assembled from escaped text only."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class DiagramOptions:
    """How a diagram is drawn.

    Attributes
    ----------
    title : bool
        Draw the model title (and the overlay's caption) at the top.
    legend : bool
        Draw the legend under the title.
    mitigations : bool
        With an overlay: draw in-effect mitigations as defence nodes.
    techniques : bool
        Technique ids under each label.
    wrap_width : int
        Characters per label line.
    max_lines : int
        Label lines kept (the full text is in the tooltip).
    """

    title: bool = True
    legend: bool = True
    mitigations: bool = True
    techniques: bool = True
    wrap_width: int = 24
    max_lines: int = 5


_PAIR_CACHE: dict[tuple[str, object], str] = {}


def _pair(key: str, value: object) -> str:
    if key not in ALLOWED_ATTRIBUTES:
        raise ValueError(f"attribute {key!r} is not allowed in generated DOT")
    if isinstance(value, Html):
        return f"{key}=<{value}>"
    if isinstance(value, bool):
        return f"{key}={'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"{key}={value:g}"
    return f"{key}={dot_string(value)}"


def _attrs(values: Mapping[str, object]) -> str:
    """``[k="v", ...]``; the short values (colours, shapes, styles), which
    repeat for every node and edge, are formatted once."""
    parts = []
    for key, value in values.items():
        if isinstance(value, Html) or (isinstance(value, str) and len(value) > 40):
            parts.append(_pair(key, value))
            continue
        cache_key = (key, value if not isinstance(value, bool) else ("bool", value))
        text = _PAIR_CACHE.get(cache_key)
        if text is None:
            text = _pair(key, value)
            if len(_PAIR_CACHE) < 8192:
                _PAIR_CACHE[cache_key] = text
        parts.append(text)
    return "[" + ", ".join(parts) + "]"


def _font(
    text: str, size: float | None = None, colour: str | None = None, bold: bool = False
) -> str:
    inner = f"<B>{text}</B>" if bold else text
    attrs = ""
    if size is not None:
        attrs += f' POINT-SIZE="{size:g}"'
    if colour is not None:
        attrs += f' COLOR="{colour}"'
    return f"<FONT{attrs}>{inner}</FONT>" if attrs else inner


def _lines(text: str, width: int, max_lines: int) -> str:
    return "<BR/>".join(dot_html(line) for line in wrap(text, width, max_lines))


def _tooltip(*parts: str | None) -> str:
    return "\n".join(one_line(p)[:600] for p in parts if p)


class _Graph:
    """The shared machinery: clusters of nested components, node emission."""

    def __init__(self, model: AttackModel) -> None:
        self.model = model
        self.lines: list[str] = []
        self.children: dict[str | None, list[str]] = defaultdict(list)
        for cid, comp in model.components.items():
            parent = comp.parent if comp.parent in model.components else None
            self.children[parent].append(cid)
        self.members: dict[str | None, list[str]] = defaultdict(list)
        for nid, node in model.nodes.items():
            comp = node.component if node.component in model.components else None
            self.members[comp].append(nid)
        self.extra: dict[str | None, list[str]] = defaultdict(list)
        self.depth: dict[str, int] = {}
        self.comp_index = {cid: i for i, cid in enumerate(model.components)}
        self.used = self._used_components()

    def _used_components(self) -> set[str]:
        used: set[str] = set()
        for comp_id, nodes in self.members.items():
            if comp_id is None or not nodes:
                continue
            current: str | None = comp_id
            while current is not None and current not in used:
                used.add(current)
                current = self.model.components[current].parent
        return used

    def ancestors(self, comp_id: str | None) -> list[str | None]:
        """``comp_id`` and its ancestors, innermost first, ending with None."""
        chain: list[str | None] = []
        seen: set[str] = set()
        current = comp_id
        while current is not None and current not in seen:
            seen.add(current)
            chain.append(current)
            current = self.model.components[current].parent
        chain.append(None)
        return chain

    def common_cluster(self, node_ids: Iterable[str]) -> str | None:
        """The innermost component holding all these nodes (None: the root)."""
        paths = [
            self.ancestors(
                self.model.nodes[n].component
                if self.model.nodes[n].component in self.model.components
                else None
            )
            for n in node_ids
        ]
        if not paths:
            return None
        common = set(paths[0])
        for path in paths[1:]:
            common &= set(path)
        return next(c for c in paths[0] if c in common)

    def emit(self, statement: str, indent: int) -> None:
        self.lines.append("  " * indent + statement)

    def clusters(self, comp_id: str | None, indent: int, node_line, cluster_attrs) -> None:
        for nid in self.members[comp_id]:
            self.emit(node_line(nid), indent)
        for line in self.extra[comp_id]:
            self.emit(line, indent)
        for child in self.children[comp_id]:
            if child not in self.used and not self.extra[child]:
                continue
            depth = 0 if comp_id is None else self.depth[comp_id] + 1
            self.depth[child] = depth
            self.emit(f"subgraph cluster_{self.comp_index[child]} {{", indent)
            self.emit("graph " + _attrs(cluster_attrs(child, depth)) + ";", indent + 1)
            self.clusters(child, indent + 1, node_line, cluster_attrs)
            self.emit("}", indent)


def layout_node_name(index: int) -> str:
    """The name :func:`layout_dot` gives the ``index``-th node of a model."""
    return f"n{index}"


def layout_node_index(name: object) -> int | None:
    """The model index of a node :func:`layout_dot` named ``name`` (None for
    anything else, such as a cluster).

    Examples
    --------
    >>> layout_node_index("n12"), layout_node_index("cluster_3")
    (12, None)
    """
    if isinstance(name, str) and name[:1] == "n" and name[1:].isdigit():
        return int(name[1:])
    return None


def _inches(points: float) -> float:
    return round(points / 72.0, 4)


def layout_dot(
    model: AttackModel,
    *,
    width: float,
    height: float,
    cluster_margin: float = 14.0,
    header_height: float = 0.0,
    column_gap: float = 64.0,
    row_gap: float = 26.0,
    newrank: bool = True,
) -> str:
    """DOT for laying out ``model`` on the canvas: the diagram's clusters and
    edges, every node a fixed ``width`` x ``height`` box.

    Nothing from the model reaches the text: the ``i``-th node is named
    :func:`layout_node_name` ``(i)`` and clusters are numbered, with no
    labels, so a hostile id or label cannot change the layout.

    Parameters
    ----------
    model : AttackModel
    width, height : float
        Every node's box, in points (one canvas pixel each).
    cluster_margin : float
        Room between a cluster's border and what it holds, in points.
    header_height : float
        Room at the top of every cluster for its title (an empty label of
        this fixed height); 0 for none.
    column_gap, row_gap : float
        Free space between ranks (left to right) and between nodes of a rank.
    newrank : bool
        Rank the whole graph at once: edges keep pointing left to right
        across clusters, and an entry and a goal in one component are not
        squeezed into one rank of their cluster.

    Returns
    -------
    str
        DOT text for ``dot -Tjson`` (pure: nothing is run).

    Examples
    --------
    >>> from attackgraph.model import Edge, Node
    >>> m = AttackModel()
    >>> m.add_node(Node("E", "entry", "e")); m.add_node(Node("G", "goal", "g"))
    >>> m.add_edge(Edge("E", "G"))
    >>> print(layout_dot(m, width=72, height=36).splitlines()[-2])
      n0 -> n1;
    """
    graph = _Graph(model)
    index = {nid: i for i, nid in enumerate(model.nodes)}
    graph.emit("digraph layout {", 0)
    graph.emit(
        "graph "
        + _attrs(
            {
                "rankdir": "LR",
                "newrank": newrank,
                "ranksep": _inches(column_gap),
                "nodesep": _inches(row_gap),
                "splines": "false",
                "labelloc": "t",
            }
        )
        + ";",
        1,
    )
    graph.emit(
        "node "
        + _attrs(
            {
                "shape": "box",
                "fixedsize": True,
                "label": "",
                "width": _inches(width),
                "height": _inches(height),
            }
        )
        + ";",
        1,
    )
    cluster: dict[str, object] = {"margin": cluster_margin}
    if header_height > 0:
        # an empty table of fixed size: dot keeps the room the canvas's title band takes
        cluster["label"] = Html(
            '<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="0" '
            f'CELLSPACING="0" FIXEDSIZE="TRUE" WIDTH="8" '
            f'HEIGHT="{max(1, round(header_height))}"><TR><TD></TD></TR>'
            "</TABLE>"
        )
    graph.clusters(
        None, 1, lambda nid: layout_node_name(index[nid]) + ";", lambda cid, depth: cluster
    )
    for edge in model.edges:
        graph.emit(
            f"{layout_node_name(index[edge.source])} -> {layout_node_name(index[edge.target])};", 1
        )
    graph.lines.append("}")
    return "\n".join(graph.lines) + "\n"


class _Diagram:
    """One styled diagram: node, gate, defence and edge statements."""

    def __init__(
        self, model: AttackModel, overlay: Overlay | None, options: DiagramOptions
    ) -> None:
        self.model = model
        self.overlay = overlay
        self.options = options
        self.graph = _Graph(model)
        self.hl = overlay.highlight_nodes if overlay and overlay.highlight else None
        self.and_nodes = {
            nid
            for nid, node in model.nodes.items()
            if node.kind != "entry"
            and node.effective_gate == "and"
            and model.graph.in_degree(nid) > 0
        }
        self.node_index = {nid: i for i, nid in enumerate(model.nodes)}
        self.mit_index = {mid: i for i, mid in enumerate(model.mitigations)}
        self.analysed_goals = (
            frozenset(g.id for g in overlay.analysis.goals) if overlay is not None else frozenset()
        )

    # ----------------------------------------------------------------- nodes
    def dimmed(self, node_id: str) -> bool:
        return self.hl is not None and node_id not in self.hl

    def node_tags(self, node: Node) -> list[str]:
        tags = []
        ov = self.overlay
        if node.kind == "goal" and node.impact is not None:
            tags.append(f"impact {node.effective_impact:g}")
        if ov is not None:
            if node.id in ov.fixed:
                tags.append(f"fixed in {node.release_fixed}")
            if node.id in ov.blocked:
                tags.append("blocked")
            if node.id in ov.reduced:
                share = 1.0
                for mit_id in ov.reduced[node.id]:
                    share *= 1.0 - self.model.mitigations[mit_id].effective_effectiveness
                tags.append(f"p × {share:.2g}")
            if node.id in ov.disallowed:
                tags.append("not in profile")
            if node.kind == "goal" and node.id in self.analysed_goals:
                tags.append("REACHABLE" if node.id in ov.reachable_goals else "safe")
        return tags

    def node_colours(self, node: Node) -> tuple[str, str, str, float, str]:
        """``(fill, border, ink, penwidth, style)``."""
        ov = self.overlay
        if node.kind == "entry":
            fill, border, ink = style.ENTRY_FILL, style.ENTRY_BORDER, style.INK
        elif node.kind == "goal":
            fill, border, ink = style.GOAL_FILL, style.GOAL_FILL, style.GOAL_INK
        else:
            fill, border, ink = style.STEP_FILL, style.NEUTRAL, style.INK
        width, line = 1.2, "solid"
        if ov is not None:
            state = ov.node_state.get(node.id)
            if node.kind == "goal" and node.id in self.analysed_goals:
                reachable = node.id in ov.reachable_goals
                fill = style.REACHABLE_FILL if reachable else style.SAFE_GOAL_FILL
                border = style.OPEN if reachable else style.SAFE_GOAL_FILL
            stopped = node.id in ov.blocked or node.id in ov.fixed or node.id in ov.disallowed
            if stopped and node.kind != "goal":
                fill = style.BLOCKED_FILL
            if state == OPEN:
                border, width = style.OPEN, 2.4
            elif state == BROKEN:
                border, line = (style.BROKEN if node.kind != "goal" else border), "dashed"
                if node.kind != "goal":
                    ink = style.MUTED
            elif node.kind != "goal":  # on no listed chain: in the background
                border, ink = style.mix(style.BROKEN, "#ffffff", 0.3), style.MUTED
        if self.hl is not None:
            if node.id in self.hl:
                width = 3.2
                border = style.OPEN if ov and ov.highlight and ov.highlight.open else "#424242"
                line = "solid"
            else:
                fill = style.mix(fill, "#ffffff", 0.7)
                border = style.mix(border, "#ffffff", 0.7)
                ink = style.mix(ink, "#ffffff", 0.6)
                width = 1.0
        return fill, border, ink, width, line

    def node_label(self, node: Node, ink: str) -> Html:
        opts = self.options
        muted = ink if node.kind == "goal" else style.mix(ink, "#ffffff", 0.35)
        head = {"entry": "ENTRY", "step": "STEP", "goal": "GOAL"}.get(node.kind, "NODE")
        tags = self.node_tags(node)
        header = _font(dot_html(" · ".join([head, *tags])), 7.5, muted, bold=True)
        rows = [
            f'<TR><TD ALIGN="LEFT">{header}</TD></TR>',
            f"<TR><TD>{_font(_lines(node.label, opts.wrap_width, opts.max_lines), 11, ink)}"
            "</TD></TR>",
        ]
        if opts.techniques and node.techniques:
            techniques = " · ".join(node.techniques)
            rows.append(
                "<TR><TD>"
                + _font(_lines(techniques, opts.wrap_width + 8, 2), 8, muted)
                + "</TD></TR>"
            )
        if node.id in self.and_nodes:
            gate = (
                style.GATE_FILL
                if not self.dimmed(node.id)
                else style.mix(style.GATE_FILL, "#ffffff", 0.7)
            )
            rows[0] = (
                f'<TR><TD PORT="and" ROWSPAN="{len(rows)}" BGCOLOR="{gate}" '
                f'STYLE="rounded" CELLPADDING="3">'
                f"{_font('AND', 7.5, '#ffffff', bold=True)}</TD>"
                f'<TD ROWSPAN="{len(rows)}" WIDTH="4"></TD>' + rows[0][4:]
            )
        return Html(
            '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
            + "".join(rows)
            + "</TABLE>"
        )

    def node_line(self, node_id: str) -> str:
        node = self.model.nodes[node_id]
        fill, border, ink, width, line = self.node_colours(node)
        shape = {"entry": "cds", "goal": "box"}.get(node.kind, "box")
        styles = ["filled", line]
        if node.kind != "entry":
            styles.insert(0, "rounded")
        classes = ["ag-node", f"ag-{node.kind}"]
        if self.overlay is not None:
            classes.append(f"ag-{self.overlay.node_state.get(node_id, 'idle')}")
        attrs: dict[str, object] = {
            "id": f"ag-node-{self.node_index[node_id]}",
            "class": " ".join(classes),
            "shape": shape,
            "style": ",".join(styles),
            "fillcolor": fill,
            "color": border,
            "penwidth": width,
            "label": self.node_label(node, ink),
            "tooltip": _tooltip(
                f"{node.id}: {node.label}",
                node.description,
                " ".join(node.techniques or ()),
                " ".join(node.refs or ()),
            ),
        }
        if node.kind == "goal":
            attrs["peripheries"] = 2 if self.overlay is None else 1
        elif node.kind == "entry":
            attrs["margin"] = "0.16,0.07"
        return f"{dot_string(node_id)} {_attrs(attrs)};"

    # --------------------------------------------------------------- defences
    def defence_line(self, mit: Mitigation) -> str:
        opts = self.options
        partial = not mit.is_full
        dim = self.hl is not None and not (set(mit.blocks) & self.hl)
        fill, border, ink = style.DEFENCE_FILL, style.DEFENCE, style.DEFENCE_INK
        if dim:
            fill, border, ink = (style.mix(c, "#ffffff", 0.7) for c in (fill, border, ink))
        head = "DEFENCE" + (f" · partial, {mit.effective_effectiveness:.0%}" if partial else "")
        label = Html(
            '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
            f'<TR><TD ALIGN="LEFT">{_font(dot_html(head), 7.5, border, bold=True)}'
            "</TD></TR><TR><TD>"
            + _font(_lines(mit.label, opts.wrap_width, opts.max_lines), 10, ink)
            + "</TD></TR></TABLE>"
        )
        return (
            dot_string(f"defence {mit.id}")
            + " "
            + _attrs(
                {
                    "id": f"ag-defence-{self.mit_index[mit.id]}",
                    "class": "ag-defence" + (" ag-partial" if partial else ""),
                    "shape": "box",
                    "style": "rounded,filled" + (",dashed" if partial else ""),
                    "fillcolor": fill,
                    "color": border,
                    "penwidth": 1.4,
                    "label": label,
                    "tooltip": _tooltip(
                        f"{mit.id}: {mit.label}",
                        mit.description,
                        f"blocks {', '.join(mit.blocks)}",
                        f"property: {mit.property}" if mit.property else None,
                    ),
                }
            )
            + ";"
        )

    # ----------------------------------------------------------------- edges
    def edge_style(self, source: str, target: str) -> dict[str, object]:
        ov = self.overlay
        attrs: dict[str, object] = {"color": style.NEUTRAL, "penwidth": 1.2}
        if ov is not None:
            state = ov.edge_state.get((source, target))
            if state == OPEN:
                attrs = {"color": style.OPEN, "penwidth": 2.4}
            elif state == BROKEN:
                attrs = {"color": style.BROKEN, "penwidth": 1.4, "style": "dashed"}
            else:
                attrs = {"color": "#b8bec6", "penwidth": 1.0}
        if self.hl is not None:
            if source in self.hl and target in self.hl:
                open_chain = bool(ov and ov.highlight and ov.highlight.open)
                attrs = {"color": style.OPEN if open_chain else "#424242", "penwidth": 3.2}
            else:
                attrs = {"color": "#dde1e6", "penwidth": 1.0}
                if ov is not None and ov.edge_state.get((source, target)) == BROKEN:
                    attrs["style"] = "dashed"
        return attrs

    def edge_lines(self) -> list[str]:
        out = []
        formatted: dict[tuple[tuple[str, object], ...], str] = {}
        for edge in self.model.edges:
            attrs = self.edge_style(edge.source, edge.target)
            attrs["arrowsize"] = 0.7
            if edge.target in self.and_nodes:
                attrs["headport"] = "and"
            if edge.label:
                attrs["label"] = Html(_font(_lines(edge.label, 26, 2), 8, style.MUTED))
                text = _attrs(attrs)
            else:  # unlabelled edges share a handful of styles
                key = tuple(attrs.items())
                text = formatted.get(key) or formatted.setdefault(key, _attrs(attrs))
            out.append(f"{dot_string(edge.source)} -> {dot_string(edge.target)} {text};")
        return out

    def defence_edges(self, mit: Mitigation) -> list[str]:
        dim = self.hl is not None and not (set(mit.blocks) & self.hl)
        colour = style.mix(style.DEFENCE, "#ffffff", 0.7) if dim else style.DEFENCE
        out = []
        for node_id in mit.blocks:
            attrs: dict[str, object] = {
                "color": colour,
                "penwidth": 1.6,
                "arrowhead": "tee",
                "arrowsize": 0.9,
                "class": "ag-blocks",
            }
            if not mit.is_full:
                attrs["style"] = "dashed"
            out.append(
                f"{dot_string(f'defence {mit.id}')} -> {dot_string(node_id)} {_attrs(attrs)};"
            )
        return out

    # --------------------------------------------------------------- clusters
    def cluster_attrs(self, comp_id: str, depth: int) -> dict[str, object]:
        comp = self.model.components[comp_id]
        fill, border, ink = style.cluster_colours(comp.kind, depth)
        label = (
            '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
            f'<TR><TD ALIGN="LEFT">{_font(dot_html(comp.kind.upper()), 7, border, bold=True)}'
            '</TD></TR><TR><TD ALIGN="LEFT" BALIGN="LEFT">'
            f"{_font(_lines(comp.label, 44, 2), 10.5, ink, bold=True)}</TD></TR></TABLE>"
        )
        return {
            "label": Html(label),
            "labeljust": "l",
            "labelloc": "t",
            "style": "rounded,filled",
            "fillcolor": fill,
            "color": border,
            "penwidth": 1.2,
            "margin": 12,
            "fontname": style.FONT,
            "tooltip": _tooltip(f"{comp.id}: {comp.label} ({comp.kind})", comp.description),
            "class": f"ag-component ag-{comp.kind}",
        }

    # ------------------------------------------------------------ title, legend
    def legend(self) -> str:
        cells = []
        kinds = [
            k
            for k in style.KIND_FAMILIES
            if any(c.kind == k and c.id in self.graph.used for c in self.model.components.values())
        ]
        for kind in kinds:
            fill, border, ink = style.cluster_colours(kind, 0)
            cells.append(
                f'<TD BGCOLOR="{fill}" COLOR="{border}" BORDER="1" STYLE="rounded">'
                f"{_font(dot_html(kind), 8.5, ink)}</TD>"
            )
        cells.append('<TD WIDTH="6"></TD>')
        cells.append(
            f'<TD BGCOLOR="{style.ENTRY_FILL}" COLOR="{style.ENTRY_BORDER}" BORDER="1">'
            f"{_font('entry', 8.5)}</TD>"
        )
        cells.append(
            f'<TD COLOR="{style.NEUTRAL}" BORDER="1" STYLE="rounded">{_font("step", 8.5)}</TD>'
        )
        cells.append(
            f'<TD BGCOLOR="{style.GOAL_FILL}" BORDER="0" STYLE="rounded">'
            f"{_font('goal', 8.5, '#ffffff')}</TD>"
        )
        cells.append(
            f'<TD BGCOLOR="{style.GATE_FILL}" BORDER="0">'
            f"{_font('AND', 7.5, '#ffffff', bold=True)}</TD>"
            f"<TD>{_font('needs all inputs', 8.5, style.MUTED)}</TD>"
        )
        if self.overlay is not None:
            cells.append('<TD WIDTH="6"></TD>')
            cells.append(f"<TD>{_font('━━ open chain', 8.5, style.OPEN, bold=True)}</TD>")
            cells.append(f"<TD>{_font('╍╍ broken chain', 8.5, style.BROKEN, bold=True)}</TD>")
            cells.append(
                f'<TD BGCOLOR="{style.REACHABLE_FILL}" STYLE="rounded">'
                f"{_font('reachable goal', 8.5, '#ffffff')}</TD>"
            )
            if self.options.mitigations and self.overlay.defences:
                cells.append(
                    f'<TD BGCOLOR="{style.DEFENCE_FILL}" COLOR="{style.DEFENCE}" '
                    f'BORDER="1" STYLE="rounded">'
                    f"{_font('defence ⊣ blocks', 8.5, style.DEFENCE_INK)}</TD>"
                )
        return (
            '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="3"><TR>'
            + "".join(cells)
            + "</TR></TABLE>"
        )

    def title(self) -> Html:
        rows = []
        if self.options.title:
            rows.append(
                '<TR><TD ALIGN="LEFT">'
                + _font(_lines(self.model.title, 90, 2), 17, style.INK, bold=True)
                + "</TD></TR>"
            )
            if self.overlay is not None:
                rows.append(
                    '<TR><TD ALIGN="LEFT">'
                    + _font(dot_html(self.overlay.caption), 10, style.MUTED)
                    + "</TD></TR>"
                )
        if self.options.legend:
            rows.append(f'<TR><TD ALIGN="LEFT">{self.legend()}</TD></TR>')
        return Html(
            '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
            + "".join(rows)
            + "</TABLE>"
        )

    # ------------------------------------------------------------------ whole
    def source(self) -> str:
        graph = self.graph
        defences: list[Mitigation] = []
        if self.overlay is not None and self.options.mitigations:
            for mit_id in self.overlay.defences:
                mit = self.model.mitigations[mit_id]
                defences.append(mit)
                graph.extra[graph.common_cluster(mit.blocks)].append(self.defence_line(mit))
        graph.emit("digraph attackgraph {", 0)
        top: dict[str, object] = {
            "rankdir": "LR",
            "newrank": True,
            "compound": True,
            "nodesep": 0.22,
            "ranksep": 0.42,
            "pad": 0.25,
            "bgcolor": "#ffffff",
            "fontname": style.FONT,
            "splines": "spline",
            "outputorder": "edgesfirst",
            "class": "ag-diagram",
        }
        if self.options.title or self.options.legend:
            top.update({"label": self.title(), "labelloc": "t", "labeljust": "l"})
        graph.emit("graph " + _attrs(top) + ";", 1)
        graph.emit("node " + _attrs({"fontname": style.FONT, "margin": "0.10,0.05"}) + ";", 1)
        graph.emit("edge " + _attrs({"fontname": style.FONT}) + ";", 1)
        graph.clusters(None, 1, self.node_line, self.cluster_attrs)
        for line in self.edge_lines():
            graph.emit(line, 1)
        for mit in defences:
            for line in self.defence_edges(mit):
                graph.emit(line, 1)
        graph.lines.append("}")
        return "\n".join(graph.lines) + "\n"


def generate_dot(
    model: AttackModel, overlay: Overlay | None = None, options: DiagramOptions | None = None
) -> str:
    """The DOT text of a diagram of ``model``.

    Parameters
    ----------
    model : AttackModel
        The model.
    overlay : Overlay, optional
        Analysis state to draw (open and broken chains, defences, one chain
        highlighted); see :func:`~attackgraph.render.overlay.build_overlay`.
    options : DiagramOptions, optional
        Title, legend, mitigations shown or hidden, label wrapping.

    Returns
    -------
    str
        DOT text for ``dot`` (pure: nothing is run).

    Examples
    --------
    >>> from attackgraph.model import Edge, Node
    >>> m = AttackModel('Say "hi"')
    >>> m.add_node(Node("E", "entry", '<b>"x"</b>'))
    >>> dot = generate_dot(m)
    >>> "&lt;b&gt;&quot;x&quot;&lt;/b&gt;" in dot  # in the HTML-like label
    True
    >>> 'tooltip="E: <b>' in dot  # in a quoted DOT string: Graphviz escapes it
    True
    """
    return _Diagram(model, overlay, options or DiagramOptions()).source()

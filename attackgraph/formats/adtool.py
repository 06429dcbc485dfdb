"""ADTool attack-defence trees (ADTree XML), in and out.

An ADTool file is ``<adtree>`` holding one root ``<node>``; every node has a
``<label>``, an optional ``<comment>`` and ``<parameter>`` values, a
``refinement`` (``disjunctive`` or ``conjunctive``) over its child nodes of
the same role, and children with ``switchRole="yes"``, which belong to the
other player: a countermeasure under an attack, a counter-attack under a
defence. The root is an attack unless it switches role itself.

Reading (exact under the ADTree semantics: an attack succeeds when its
refinement does and none of its countermeasures holds; a defence holds
when its refinement does and none of its counter-attacks succeeds):

- an attack node becomes a step with gate ``or``/``and`` (the root a goal,
  a leaf an entry); its children enable it;
- a **basic countermeasure** (a defence leaf) becomes a deployed
  mitigation blocking the attack it counters; countermeasures with the same
  label are one mitigation (ADTool's convention: one label, one action);
- a **refined countermeasure or one with counter-attacks** cannot be a
  single mitigation: the attack it counters then needs the attacker to
  defeat it, a node "Defeat: <label>" whose gate is the dual of the
  defence's refinement (a conjunctive defence falls when any part falls),
  over "<label> not in place" entries blocked by the basic defences'
  mitigations and over the counter-attacks. A defence at the root makes
  the goal "Defeat: <root>". Warnings say where this was done;
- ``sandtree`` files (ADTool 2's sequential AND) read ``sequential`` as
  ``and`` (the order is lost; a warning says so);
- comments become descriptions, parameters are kept under ``x-adtool``.

Writing (when the model is a tree): the goal is the root (several goals
become the refinements of a disjunctive root "Any goal"); each node's
enablers are its children, refined as its gate says; each mitigation of
effectiveness 1 blocking a node becomes a basic countermeasure of it. A
step enabling several nodes (a shared step) is written once under each,
which is exact because ADTool takes nodes with the same label as the same
action; nodes that reach no goal are left out; a cycle cannot be a tree and
is refused with a clear error. attackgraph's fields ADTool has no place for
(ids, kinds, costs, techniques, mitigation status ...) are written in a
last comment line ``[attackgraph] key=value ...`` that reading restores, so
a round trip keeps them; a tree that had refined defences comes back as the
equivalent tree with the "Defeat" nodes, not as the same drawing.

Untrusted XML is parsed with :mod:`defusedxml` (no DTDs, entities or
external references); nesting is capped and never recursed unbounded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr as _quoteattr

from attackgraph.errors import FormatError, Problem
from attackgraph.formats.building import ModelBuilder
from attackgraph.formats.native import CheckedModel
from attackgraph.formats.xmlguard import parse_xml
from attackgraph.model import AttackModel

__all__ = ["check_adtool", "generate_adtool", "sniff_adtool"]

MAX_DEPTH = 400
"""Deepest tree read or written (real trees are a dozen levels deep)."""
MAX_WRITTEN = 200_000
"""Most nodes a written tree may have once shared steps are duplicated."""
_SNIFF = re.compile(rb"^\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<(adtree|sandtree)[\s>]", re.S)
_TAG = re.compile(r"\n?\[attackgraph\] (\{.*\})\s*$", re.S)
_REFINEMENTS = {"disjunctive": "or", "conjunctive": "and", "sequential": "and"}
_NODE_KEEP = (
    "id",
    "kind",
    "component",
    "access",
    "skill",
    "cost",
    "probability",
    "impact",
    "techniques",
    "refs",
    "release_fixed",
)
_MIT_KEEP = ("id", "cost", "effectiveness", "status", "release", "property", "refs")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def escape(text: str) -> str:
    """XML text: escaped, without the characters XML 1.0 cannot hold."""
    return _escape(_NOT_XML.sub("\ufffd", text))


def quoteattr(text: str) -> str:
    """A quoted XML attribute value (see :func:`escape`)."""
    return _quoteattr(_NOT_XML.sub("\ufffd", text))


def sniff_adtool(raw: bytes) -> bool:
    """Whether the content is an ADTool tree.

    Examples
    --------
    >>> sniff_adtool(b'<?xml version="1.0" encoding="UTF-8"?><adtree><node/></adtree>')
    True
    >>> sniff_adtool(b'<graphml/>')
    False
    """
    return bool(_SNIFF.match(raw[:4096].lstrip(b"\xef\xbb\xbf")))


def _parse(raw: bytes) -> Any:
    if not raw.strip():
        raise FormatError("the file is empty; an ADTool file holds an <adtree> element.")
    return parse_xml(raw, "ADTool", max_depth=None)  # _depth below says how deep


def _depth(root: Any) -> int:
    deepest = 0
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _text(element: Any, tag: str) -> str | None:
    child = element.find(tag)
    if child is None:
        return None
    return "".join(child.itertext()).strip()


def _switches(element: Any) -> bool:
    return (element.get("switchRole") or "").strip().lower() in ("yes", "true")


@dataclass
class _Reader:
    b: ModelBuilder
    sand: bool = False
    by_tag: dict[str, str] = field(default_factory=dict)
    mitigation_of: dict[str, dict[str, Any]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    """Node or mitigation id -> its place in the model attackgraph wrote."""
    blocks_order: dict[str, list[Any]] = field(default_factory=dict)
    edge_order: dict[tuple[str, str], int] = field(default_factory=dict)

    def restore(self, data: dict[str, Any], tag: dict[str, Any], keep: tuple[str, ...]) -> None:
        """Fields and ``x-`` keys attackgraph wrote in the comment line."""
        for key in keep:
            if key in tag:
                data[key] = tag[key]
        extras = tag.get("x")
        if isinstance(extras, dict):
            data.update(
                {
                    k: v
                    for k, v in extras.items()
                    if isinstance(k, str) and k.startswith("x-") and k != "x-adtool"
                }
            )
        if isinstance(tag.get("order"), int) and not isinstance(tag["order"], bool):
            self.order[data["id"]] = tag["order"]

    def arrange(self) -> None:
        """Nodes, mitigations and blocks back in the order attackgraph wrote them."""
        last = len(self.order) + len(self.b.nodes) + len(self.b.mitigations)
        nodes = sorted(self.b.nodes.items(), key=lambda kv: self.order.get(kv[0], last))
        self.b.nodes = dict(nodes)
        last = len(self.b.edges) + len(self.edge_order)
        self.b.edges = dict(
            sorted(self.b.edges.items(), key=lambda kv: self.edge_order.get(kv[0], last))
        )
        self.b.mitigations.sort(key=lambda mp: self.order.get(mp[0]["id"], last))
        for mitigation, _ in self.b.mitigations:
            wanted = self.blocks_order.get(mitigation["id"])
            if wanted:
                place = {v: i for i, v in enumerate(wanted) if isinstance(v, str)}
                mitigation["blocks"].sort(key=lambda b: place.get(b, len(place)))

    # ------------------------------------------------------------ helpers
    def label(self, element: Any, pointer: str) -> str:
        label = _text(element, "label")
        if not label:
            self.b.warn(pointer, "this node has no label; 'Unnamed' is used")
            return "Unnamed"
        return " ".join(label.split())[:500]

    def gate(self, element: Any, pointer: str) -> str:
        refinement = (element.get("refinement") or "disjunctive").strip().lower()
        if refinement not in _REFINEMENTS:
            self.b.warn(
                pointer,
                f"the refinement {refinement[:40]!r} is not 'disjunctive' or "
                "'conjunctive'; it is read as disjunctive",
            )
            return "or"
        if refinement == "sequential":
            self.sand = True
        return _REFINEMENTS[refinement]

    def comment(self, element: Any) -> tuple[str | None, dict[str, Any]]:
        text = _text(element, "comment") or ""
        tag: dict[str, Any] = {}
        match = _TAG.search(text)
        if match:
            try:
                value = json.loads(match.group(1))
            except ValueError:
                value = None
            if isinstance(value, dict):
                tag = value
                text = text[: match.start()].rstrip()
        return (text or None), tag

    def parameters(self, element: Any) -> list[dict[str, str]]:
        return [
            {
                "domainId": p.get("domainId") or "",
                "category": p.get("category") or "",
                "value": "".join(p.itertext()).strip(),
            }
            for p in element.findall("parameter")
        ]

    def node(self, element: Any, pointer: str, label: str, gate: str | None, leaf: bool) -> str:
        description, tag = self.comment(element)
        wanted = tag.get("id") if isinstance(tag.get("id"), str) else None
        if wanted is not None and wanted in self.by_tag:
            return self.by_tag[wanted]  # a shared step attackgraph wrote under each parent
        node_id = self.b.new_id(wanted or label, "step")
        if wanted is not None:
            self.by_tag[wanted] = node_id
        data: dict[str, Any] = {"id": node_id, "label": label, "kind": "entry" if leaf else "step"}
        if gate == "and" and not leaf:
            data["gate"] = "and"
        self.restore(data, tag, _NODE_KEEP[2:])
        if tag.get("kind") in ("goal", "step") or (tag.get("kind") == "entry" and leaf):
            data["kind"] = tag["kind"]
        if description:
            data["description"] = description
        extras = self.parameters(element)
        if extras:
            data["x-adtool"] = {"parameters": extras}
        self.b.add_node(data, pointer, explicit_kind=True)
        return node_id

    def mitigate(self, element: Any, pointer: str, label: str, blocks: str) -> None:
        description, tag = self.comment(element)
        key = tag.get("id") if isinstance(tag.get("id"), str) else f"label:{label}"
        mitigation = self.mitigation_of.get(key)
        if mitigation is None:
            mit_id = self.b.new_id(
                tag.get("id") if isinstance(tag.get("id"), str) else label, "mitigation"
            )
            mitigation = {"id": mit_id, "label": label, "blocks": [], "status": "deployed"}
            self.restore(mitigation, tag, _MIT_KEEP[1:])
            if isinstance(tag.get("blocks"), list):
                self.blocks_order[mit_id] = tag["blocks"]
            if description:
                mitigation["description"] = description
            extras = self.parameters(element)
            if extras:
                mitigation["x-adtool"] = {"parameters": extras}
            self.mitigation_of[key] = mitigation
            self.b.add_mitigation(mitigation, pointer)
        if blocks not in mitigation["blocks"]:
            mitigation["blocks"].append(blocks)

    @staticmethod
    def split(element: Any, pointer: str) -> tuple[list[tuple[Any, str]], list[tuple[Any, str]]]:
        same, other = [], []
        for index, child in enumerate(element.findall("node"), 1):
            (other if _switches(child) else same).append((child, f"{pointer}/node[{index}]"))
        return same, other

    # ------------------------------------------------------------ attacks
    def attack(self, element: Any, pointer: str) -> str:
        """The node that is achieved when this attack succeeds."""
        label = self.label(element, pointer)
        gate = self.gate(element, pointer)
        same, other = self.split(element, pointer)
        basic = [(c, p) for c, p in other if not c.findall("node")]
        refined = [(c, p) for c, p in other if c.findall("node")]
        core = self.node(element, pointer, label, gate, leaf=not same)
        for child, child_pointer in same:
            tag = self.comment(child)[1]
            edge_label, place = tag.get("edge_label"), tag.get("edge_order")
            source = self.attack(child, child_pointer)
            self.b.add_edge(
                source,
                core,
                child_pointer,
                edge_label if isinstance(edge_label, str) and edge_label else None,
            )
            if isinstance(place, int) and not isinstance(place, bool):
                self.edge_order[(source, core)] = place
        target = core
        if refined:
            target = self.b.new_id(f"{core}-countered", "step")
            self.b.add_node(
                {
                    "id": target,
                    "kind": "step",
                    "gate": "and",
                    "cost": 0,
                    "label": f"{label} (despite its countermeasures)",
                },
                pointer,
                explicit_kind=True,
            )
            self.b.add_edge(core, target, pointer)
            for child, child_pointer in refined:
                self.b.warn(
                    child_pointer,
                    "this countermeasure is refined or has "
                    "counter-attacks, so it is not one mitigation: the "
                    "attack needs a 'Defeat' node, with its basic "
                    "defences as mitigations (the same semantics)",
                )
                self.b.add_edge(self.defeat(child, child_pointer), target, child_pointer)
        for child, child_pointer in basic:
            self.mitigate(child, child_pointer, self.label(child, child_pointer), target)
        return target

    # ----------------------------------------------------------- defences
    def defeat(self, element: Any, pointer: str) -> str:
        """The node achieved when the attacker defeats this defence."""
        label = self.label(element, pointer)
        gate = self.gate(element, pointer)
        same, counters = self.split(element, pointer)
        if not same:
            absent = self.b.new_id(f"no-{label}", "entry")
            self.b.add_node(
                {"id": absent, "kind": "entry", "cost": 0, "label": f"{label} not in place"},
                pointer,
                explicit_kind=True,
            )
            self.mitigate(element, pointer, label, absent)
            parts = [absent]
            dual = "or"
        else:
            parts = [self.defeat(child, child_pointer) for child, child_pointer in same]
            dual = "or" if gate == "and" else "and"
        attacks = [self.attack(child, child_pointer) for child, child_pointer in counters]
        if len(parts) == 1 and not attacks:
            return parts[0]
        node_id = self.b.new_id(f"defeat-{label}", "step")
        if dual == "and" and attacks:
            inner = self.b.new_id(f"defeat-{label}-parts", "step")
            self.b.add_node(
                {
                    "id": inner,
                    "kind": "step",
                    "gate": "and",
                    "cost": 0,
                    "label": f"Defeat every part of: {label}",
                },
                pointer,
                explicit_kind=True,
            )
            for part in parts:
                self.b.add_edge(part, inner, pointer)
            parts, dual = [inner], "or"
        data: dict[str, Any] = {
            "id": node_id,
            "kind": "step",
            "cost": 0,
            "label": f"Defeat: {label}",
        }
        if dual == "and":
            data["gate"] = "and"
        self.b.add_node(data, pointer, explicit_kind=True)
        for source in [*parts, *attacks]:
            self.b.add_edge(source, node_id, pointer)
        return node_id


def check_adtool(raw: bytes) -> CheckedModel:
    """Read an ADTool tree safely; never raises for bad input."""
    try:
        root = _parse(raw)
        tag = root.tag if isinstance(root.tag, str) else ""
        if tag not in ("adtree", "sandtree"):
            raise FormatError(
                f"the root element is <{tag[:40]}>, not <adtree>; this is not "
                "an ADTool attack-defence tree."
            )
        if _depth(root) > MAX_DEPTH:
            raise FormatError(
                f"the tree is nested more than {MAX_DEPTH} levels deep; "
                "attackgraph does not read trees that deep."
            )
        tops = root.findall("node")
        if len(tops) != 1:
            raise FormatError(
                f"<{tag}> holds {len(tops)} root <node> elements; an ADTool tree has exactly one."
            )
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])
    builder = ModelBuilder("ADTool")
    reader = _Reader(builder)
    top, pointer = tops[0], f"/{tag}/node"
    title = _text(top, "label") or "ADTool tree"
    builder.title = " ".join(title.split())[:200] or "ADTool tree"
    _, root_tag = reader.comment(top)
    model_lists = root_tag.get("model")
    if isinstance(model_lists, dict):
        builder.add_model_lists(model_lists, pointer)
        if isinstance(model_lists.get("title"), str) and model_lists["title"].strip():
            builder.title = model_lists["title"][:500]
        if isinstance(model_lists.get("description"), str):
            builder.description = model_lists["description"]
        extras = model_lists.get("x")
        if isinstance(extras, dict):
            builder.extras.update(
                {k: v for k, v in extras.items() if isinstance(k, str) and k.startswith("x-")}
            )
    if root_tag.get("any_goal") is True and not _switches(top):
        # The root attackgraph writes for a model with several goals.
        for index, child in enumerate(top.findall("node"), 1):
            child_pointer = f"{pointer}/node[{index}]"
            if _switches(child):
                builder.warn(child_pointer, "a countermeasure of the 'Any goal' root is ignored")
                continue
            builder.nodes[reader.attack(child, child_pointer)].data["kind"] = "goal"
    elif _switches(top):
        builder.warn(pointer, "the root is a defence: the goal is to defeat it")
        builder.nodes[reader.defeat(top, pointer)].data["kind"] = "goal"
    else:
        builder.nodes[reader.attack(top, pointer)].data["kind"] = "goal"
    if reader.sand:
        builder.warn(
            f"/{tag}",
            "sequential refinements (SAND) are read as conjunctive: the order of the steps is lost",
        )
    domains = [
        {"id": d.get("id") or "", "class": _text(d, "class") or "", "tool": _text(d, "tool") or ""}
        for d in root.findall("domain")
    ]
    if domains:
        builder.extras["x-adtool"] = {"domains": domains}
    reader.arrange()
    return builder.finish(infer=True)


# ------------------------------------------------------------------ writing
def _tag(values: dict[str, Any]) -> str:
    return "[attackgraph] " + json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _comment(description: str | None, values: dict[str, Any]) -> str:
    return "\n".join(part for part in (description, _tag(values)) if part)


def _values(obj: Any, keep: tuple[str, ...], order: int) -> dict[str, Any]:
    """The fields of a node or mitigation ADTool has no place for."""
    values = {k: getattr(obj, k) for k in keep if getattr(obj, k) is not None}
    values = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
    extras = {k: v for k, v in dict(obj.extras).items() if k != "x-adtool"}
    if extras:
        values["x"] = extras
    values["order"] = order
    return values


def _parameters(extras: Any, indent: str) -> list[str]:
    adtool = extras.get("x-adtool") if isinstance(extras, dict) else None
    items = adtool.get("parameters") if isinstance(adtool, dict) else None
    lines = []
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and item.get("domainId"):
            category = (
                f" category={quoteattr(str(item['category']))}" if item.get("category") else ""
            )
            lines.append(
                f"{indent}<parameter domainId={quoteattr(str(item['domainId']))}"
                f"{category}>{escape(str(item.get('value', '')))}</parameter>"
            )
    return lines


def _tree_order(model: AttackModel) -> tuple[list[str], dict[str, list[str]]]:
    """The goals and each node's enablers; refuses cycles."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(model.nodes)
    graph.add_edges_from(e.key for e in model.edges)
    if not nx.is_directed_acyclic_graph(graph):
        cycle = [u for u, _ in nx.find_cycle(graph)]
        shown = " -> ".join(cycle[:6]) + (" -> ..." if len(cycle) > 6 else "")
        raise FormatError(
            f"an ADTool tree cannot hold a cycle ({shown} -> {cycle[0]}); "
            "break the cycle or export another format."
        )
    goals = [n.id for n in model.nodes.values() if n.kind == "goal"]
    if not goals:
        raise FormatError("the model has no goal to be the root of an ADTool tree.")
    preds: dict[str, list[str]] = {n: [] for n in model.nodes}
    for edge in model.edges:
        preds[edge.target].append(edge.source)
    return goals, preds


def generate_adtool(model: AttackModel) -> str:
    """The model as ADTool XML (see the module notes for what is kept).

    Raises
    ------
    FormatError
        The model has a cycle or no goal, or duplicating its shared steps
        would make an unreasonably large tree.
    """
    goals, preds = _tree_order(model)
    blockers: dict[str, list[Any]] = {}
    for mitigation in model.mitigations.values():
        for node_id in mitigation.blocks:
            blockers.setdefault(node_id, []).append(mitigation)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<adtree>"]
    count = 0

    def countermeasures(node_id: str, indent: str) -> None:
        for mitigation in blockers.get(node_id, ()):
            values = _values(mitigation, _MIT_KEEP, mit_order[mitigation.id])
            values["blocks"] = list(mitigation.blocks)
            lines.append(f'{indent}<node refinement="disjunctive" switchRole="yes">')
            lines.append(f"{indent}  <label>{escape(mitigation.label)}</label>")
            lines.append(
                f"{indent}  <comment>{escape(_comment(mitigation.description, values))}</comment>"
            )
            lines.extend(_parameters(dict(mitigation.extras), indent + "  "))
            lines.append(f"{indent}</node>")

    node_order = {node_id: i for i, node_id in enumerate(model.nodes)}
    mit_order = {mit_id: i for i, mit_id in enumerate(model.mitigations)}
    edge_labels = {(e.target, e.source): e.label for e in model.edges if e.label}
    edge_order = {e.key: i for i, e in enumerate(model.edges)}
    model_lists: dict[str, Any] = {"title": model.title}
    if model.extras:
        model_lists["x"] = {k: v for k, v in dict(model.extras).items() if k != "x-adtool"}
    if model.description:
        model_lists["description"] = model.description
    from attackgraph.formats.native import model_to_document

    document = model_to_document(model)
    for key in ("components", "profiles", "releases"):
        if document.get(key):
            model_lists[key] = document[key]

    def write(root: str, depth: int, extra: dict[str, Any] | None = None) -> None:
        nonlocal count
        # An explicit stack: ("open", node, depth) writes a node's head and
        # schedules its children, ("close", ...) its countermeasures and end.
        stack: list[tuple[str, str, int, str | None]] = [("open", root, depth, None)]
        while stack:
            action, node_id, level, parent = stack.pop()
            indent = "  " * level
            if action == "close":
                countermeasures(node_id, indent + "  ")
                lines.append(f"{indent}</node>")
                continue
            count += 1
            if count > MAX_WRITTEN:
                raise FormatError(
                    f"writing the model as a tree would duplicate its shared "
                    f"steps into more than {MAX_WRITTEN} nodes; export another "
                    "format."
                )
            if level > MAX_DEPTH:
                raise FormatError(f"the tree would be more than {MAX_DEPTH} levels deep.")
            node = model.nodes[node_id]
            values = _values(node, _NODE_KEEP, node_order[node_id])
            if parent is not None:
                if (parent, node_id) in edge_labels:
                    values["edge_label"] = edge_labels[(parent, node_id)]
                values["edge_order"] = edge_order[(node_id, parent)]
            if extra and node_id == root and level == depth:
                values.update(extra)
            refinement = "conjunctive" if node.effective_gate == "and" else "disjunctive"
            lines.append(f'{indent}<node refinement="{refinement}">')
            lines.append(f"{indent}  <label>{escape(node.label)}</label>")
            lines.append(
                f"{indent}  <comment>{escape(_comment(node.description, values))}</comment>"
            )
            lines.extend(_parameters(dict(node.extras), indent + "  "))
            stack.append(("close", node_id, level, parent))
            for source in reversed(preds[node_id]):
                stack.append(("open", source, level + 1, node_id))

    if len(goals) == 1:
        write(goals[0], 1, {"model": model_lists})
    else:
        lines.append('  <node refinement="disjunctive">')
        lines.append(f"    <label>{escape('Any goal of ' + model.title)}</label>")
        lines.append(
            f"    <comment>{escape(_tag({'any_goal': True, 'model': model_lists}))}</comment>"
        )
        for goal in goals:
            write(goal, 2)
        lines.append("  </node>")
    adtool = dict(model.extras).get("x-adtool")
    domains = adtool.get("domains") if isinstance(adtool, dict) else None
    for domain in domains if isinstance(domains, list) else ():
        if isinstance(domain, dict) and domain.get("id"):
            lines.append(f"  <domain id={quoteattr(str(domain['id']))}>")
            lines.append(f"    <class>{escape(str(domain.get('class', '')))}</class>")
            lines.append(f"    <tool>{escape(str(domain.get('tool', '')))}</tool>")
            lines.append("  </domain>")
    lines.append("</adtree>")
    return "\n".join(lines) + "\n"

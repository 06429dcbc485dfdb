"""Shared mapping of threat-modelling tools' files (OTM, Threat Dragon,
Microsoft TMT) to the attack graph.

These tools draw a data-flow diagram (elements, trust zones or boundaries,
data flows) and list threats on its elements and flows, each with its
mitigations. They have no execution semantics, so the importer decides,
and says so in warnings:

- trust zones, boundaries and elements become components (nested as drawn);
- every threat becomes a **goal** on its element's component (a threat on a
  data flow sits on the flow's destination): each is an outcome the defender
  must prevent, as in the tool;
- one **entry**, the attacker, stands at the external elements (actors,
  external interactors, the least trusted zone), else where data enters the
  diagram; steps "Attacker at X" (cost 0) follow the data flows from there
  to every element with threats, and each threat needs the attacker at its
  element (a threat on a data flow: at the flow's source). Moving along the
  flows is free, so each threat's chains are the ways to its element and a
  mitigation blocks only its own threats, as in the tool (threat-to-threat
  edges would multiply the chains beyond any analysis);
- a mitigation blocks the threats it is attached to; its status comes from
  the tool's state (implemented: deployed; otherwise proposed).

A file attackgraph wrote carries the native fields of every object (kinds,
costs, gates, edges ...) in the format's free-form extension places; they
are used instead of the inference when present.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from attackgraph.formats.building import ModelBuilder, first_line, slug
from attackgraph.formats.native import CheckedModel
from attackgraph.model.schema import (
    COMPONENT_FIELDS,
    EDGE_FIELDS,
    MITIGATION_FIELDS,
    NODE_FIELDS,
    check_value,
)

__all__ = [
    "Control",
    "Element",
    "Flow",
    "Threat",
    "ThreatGraph",
    "aside",
    "guess_kind",
    "kept_fields",
    "nest_as_drawn",
    "number_in",
    "prose",
    "restore_nodes",
    "text",
]

ATTACKER = "attacker"
"""The id wanted for the synthetic entry node."""

_KIND_WORDS = (
    ("cloud", r"cloud|aws|azure|gcp|s3|lambda|saas|paas|kubernetes|k8s|serverless"),
    ("device", r"device|iot|mobile|phone|firmware|sensor|hardware|embedded|android|ios\b"),
    ("human", r"user|human|actor|person|admin|operator|customer|employee|interactor|browser"),
    ("supply-chain", r"supplier|vendor|third.?party|supply|package|dependency"),
    ("physical", r"physical|building|datacent(er|re)"),
    ("network", r"network|internet|dmz|vpc|subnet|zone|boundary|firewall|gateway|lan\b|wan\b"),
)


def guess_kind(*texts: str | None) -> str:
    """A component kind guessed from a type name or label.

    Examples
    --------
    >>> guess_kind("Internet")
    'network'
    >>> guess_kind("tm.Actor", "Customer")
    'human'
    >>> guess_kind("web-service")
    'other'
    """
    text = " ".join(t for t in texts if t).lower()
    for kind, words in _KIND_WORDS:
        if re.search(words, text):
            return kind
    return "other"


_FIELDS = {
    "node": {f.name: f for f in NODE_FIELDS},
    "mitigation": {f.name: f for f in MITIGATION_FIELDS},
    "component": {f.name: f for f in COMPONENT_FIELDS},
    "edge": {f.name: f for f in EDGE_FIELDS},
}


def aside(node: Any) -> bool:
    """Whether a node is written apart from the threats: an entry, or a
    step an importer added (the attacker's positions)."""
    return node.kind == "entry" or any(
        isinstance(v, dict) and v.get("synthetic") is True for k, v in node.extras.items()
    )


def restore_nodes(builder: ModelBuilder, saved: Any, pointer: str) -> None:
    """Add the nodes attackgraph wrote apart from the threats."""
    if not isinstance(saved, list):
        return
    for index, item in enumerate(saved):
        data = kept_fields(item, "node")
        if (
            isinstance(data.get("id"), str)
            and isinstance(data.get("label"), str)
            and data.get("kind") in ("entry", "step", "goal")
        ):
            data["id"] = builder.new_id(data["id"])
            builder.add_node(data, f"{pointer}/{index}", explicit_kind=True)


def kept_fields(saved: Any, what: str, skip: Iterable[str] = ()) -> dict[str, Any]:
    """The valid native fields (and ``x-`` keys) of a dict attackgraph wrote
    into another tool's file; anything else is dropped."""
    if not isinstance(saved, dict):
        return {}
    fields = _FIELDS[what]
    out: dict[str, Any] = {}
    for key, value in saved.items():
        if not isinstance(key, str) or key in skip:
            continue
        if key.startswith("x-") or (key in fields and check_value(fields[key], value)[0] is None):
            out[key] = value
    return out


@dataclass
class Element:
    """A diagram element, trust zone or boundary: a component."""

    key: str
    label: str
    kind: str
    pointer: str
    parent: str | None = None
    description: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    saved: dict[str, Any] = field(default_factory=dict)
    external: bool = False
    """An actor or external interactor: where an attacker stands."""


@dataclass
class Flow:
    """A data flow between two elements (by key)."""

    key: str
    label: str
    source: str
    target: str
    pointer: str
    bidirectional: bool = False


@dataclass
class Threat:
    """A threat on an element or a flow."""

    key: str
    label: str
    pointer: str
    element: str | None = None
    flow: str | None = None
    description: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    saved: dict[str, Any] = field(default_factory=dict)
    position: tuple[float, float] | None = None


@dataclass
class Control:
    """A mitigation and the threats (by key) it blocks."""

    key: str
    label: str
    pointer: str
    blocks: list[str] = field(default_factory=list)
    status: str | None = "proposed"
    description: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    saved: dict[str, Any] = field(default_factory=dict)


@dataclass
class ThreatGraph:
    """What a threat-modelling file holds, on its way into a model.

    Parameters
    ----------
    builder : ModelBuilder
        Collects problems (and is filled by :meth:`build`).
    tag : str
        The ``x-`` key naming the source format (``x-otm`` ...).
    """

    builder: ModelBuilder
    tag: str
    elements: dict[str, Element] = field(default_factory=dict)
    flows: dict[str, Flow] = field(default_factory=dict)
    threats: list[Threat] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    saved_edges: list[Any] | None = None
    """Edges attackgraph wrote (native dicts with node ids), if any."""
    _key_of: dict[str, str] = field(default_factory=dict)
    _by_text: dict[tuple[str, str], int] = field(default_factory=dict)
    saved_order: list[Any] | None = None
    """The node ids in the order attackgraph wrote them, if it did."""

    # ---------------------------------------------------------- components
    def _components(self) -> dict[str, str]:
        b = self.builder
        taken: set[str] = set()
        ids: dict[str, str] = {}
        from attackgraph.formats.building import unique_id

        for key, element in self.elements.items():
            wanted = (
                element.saved.get("id")
                if isinstance(element.saved.get("id"), str)
                else slug(element.label, "component")
            )
            ids[key] = unique_id(wanted, taken, "component")
        for key, element in self.elements.items():
            data: dict[str, Any] = {
                "id": ids[key],
                "label": " ".join(element.label.split()) or ids[key],
                "kind": element.kind,
            }
            parent = element.parent
            if parent is not None and parent not in ids:
                b.warn(
                    element.pointer,
                    f"the parent {parent[:60]!r} is not in the file; "
                    f"{element.label[:60]!r} is imported at the top level",
                )
                parent = None
            if parent is not None:
                data["parent"] = ids[parent]
            if element.description:
                data["description"] = element.description
            data.update(kept_fields(element.saved, "component", ("id", "label", "parent")))
            if element.extra and not element.saved:
                data[self.tag] = element.extra
            self._key_of[ids[key]] = key
            b.components.append(data)
        self._break_parent_cycles()
        return ids

    def _break_parent_cycles(self) -> None:
        parents = {c["id"]: c.get("parent") for c in self.builder.components}
        for component in self.builder.components:
            seen = {component["id"]}
            current = component.get("parent")
            while current is not None:
                if current in seen:
                    component.pop("parent", None)
                    self.builder.warn(
                        "",
                        f"component {component['id']!r} is nested in itself "
                        "through its parents; it is imported at the top "
                        "level",
                    )
                    break
                seen.add(current)
                current = parents.get(current)

    # -------------------------------------------------------------- threats
    def _where(self, threat: Threat) -> tuple[set[str], set[str], str | None]:
        """(positions the attacker must hold, position afterwards, element)
        of a threat; positions are element keys."""
        if threat.flow is not None and threat.flow in self.flows:
            flow = self.flows[threat.flow]
            return {flow.source}, {flow.target}, flow.target
        if threat.element is not None and threat.element in self.elements:
            return {threat.element}, {threat.element}, threat.element
        return set(), set(), None

    def build(self) -> CheckedModel:
        """Fill the builder and finish the model."""
        b = self.builder
        if b.failed:
            return CheckedModel(None, b.problems)
        if not self.threats:
            b.error(
                "",
                f"the {b.source} file holds no threats; attackgraph imports threats "
                "as attack steps, so there is nothing to analyse",
            )
            return CheckedModel(None, b.problems)
        component_ids = self._components()
        for flow in list(self.flows.values()):
            if flow.source not in self.elements or flow.target not in self.elements:
                b.warn(
                    flow.pointer,
                    f"the data flow {flow.label[:60]!r} is not connected to "
                    "an element at both ends; it connects no threats",
                )
                del self.flows[flow.key]
        saved_kinds = any(t.saved.get("kind") in ("entry", "step", "goal") for t in self.threats)
        node_of: dict[int, str] = {}
        for index, threat in enumerate(self.threats):
            saved_id = threat.saved.get("id")
            node_id = b.new_id(
                saved_id if isinstance(saved_id, str) else slug(threat.label, "threat"), "threat"
            )
            node_of[index] = node_id
            _, _, element = self._where(threat)
            data: dict[str, Any] = {
                "id": node_id,
                "kind": "goal",
                "label": first_line(" ".join(threat.label.split()) or node_id, 200),
            }
            if element is not None:
                data["component"] = component_ids[element]
            if threat.description:
                data["description"] = threat.description
            data.update(threat.fields)
            data.update(kept_fields(threat.saved, "node", ("id", "label", "component")))
            if threat.extra and not threat.saved:
                data[self.tag] = threat.extra
            b.add_node(data, threat.pointer, explicit_kind=True)
            if threat.position is not None:
                b.layout[node_id] = [threat.position[0], threat.position[1]]
        if self.saved_edges is not None and saved_kinds:
            self._saved_edges()
        else:
            self._infer_edges(node_of)
        self._mitigations(node_of)
        if self.saved_order:
            rank = {
                node_id: i for i, node_id in enumerate(self.saved_order) if isinstance(node_id, str)
            }
            ordered = sorted(b.nodes, key=lambda n: rank.get(n, len(rank)))
            b.nodes = {n: b.nodes[n] for n in ordered}
        return b.finish()

    def _saved_edges(self) -> None:
        b = self.builder
        for index, edge in enumerate(self.saved_edges or []):
            if not isinstance(edge, dict):
                continue
            source, target = edge.get("source"), edge.get("target")
            if (
                isinstance(source, str)
                and isinstance(target, str)
                and source in b.nodes
                and target in b.nodes
            ):
                kept = kept_fields(edge, "edge", ("source", "target", "label"))
                label = edge.get("label") if isinstance(edge.get("label"), str) else None
                b.add_edge(source, target, f"/x-attackgraph/edges/{index}", label, kept)

    def _infer_edges(self, node_of: dict[int, str]) -> None:
        """Steps 'Attacker at X' joined along the data flows, from the
        attacker's start; each threat hangs on the position it needs."""
        b = self.builder
        succ: dict[str, list[str]] = {key: [] for key in self.elements}
        incoming: set[str] = set()
        for flow in self.flows.values():
            pairs = [(flow.source, flow.target)]
            if flow.bidirectional:
                pairs.append((flow.target, flow.source))
            for source, target in pairs:
                if target not in succ[source]:
                    succ[source].append(target)
                incoming.add(target)
        needs: dict[int, str] = {}
        for index, threat in enumerate(self.threats):
            if threat.flow is not None and threat.flow in self.flows:
                needs[index] = self.flows[threat.flow].source
            elif threat.element is not None and threat.element in self.elements:
                needs[index] = threat.element
        used = set(needs.values())
        # positions worth a step: those a threat needs and those on the way
        # to them along the data flows
        wanted = set(used)
        preds: dict[str, list[str]] = {key: [] for key in self.elements}
        for source, targets in succ.items():
            for target in targets:
                preds[target].append(source)
        queue = list(used)
        while queue:
            for source in preds[queue.pop()]:
                if source not in wanted:
                    wanted.add(source)
                    queue.append(source)
        external = {k for k, e in self.elements.items() if e.external}
        starts = (external & wanted) or {k for k in wanted if k not in incoming}
        attacker = b.new_id(ATTACKER)
        b.add_node(
            {
                "id": attacker,
                "kind": "entry",
                "label": "Attacker",
                "description": f"Where the attacker starts: added by the {b.source} import.",
                self.tag: {"synthetic": True},
            },
            "",
            explicit_kind=True,
        )
        component_ids = {key: comp_id for comp_id, key in self._key_of.items()}
        at: dict[str, str] = {}
        for key in self.elements:
            if key not in wanted:
                continue
            label = " ".join(self.elements[key].label.split())
            at[key] = b.new_id(f"at-{component_ids.get(key, slug(label, 'element'))}")
            data: dict[str, Any] = {
                "id": at[key],
                "kind": "step",
                "label": f"Attacker at {label}"[:200],
                "cost": 0,
                self.tag: {"synthetic": True},
            }
            if key in component_ids:
                data["component"] = component_ids[key]
            b.add_node(data, self.elements[key].pointer, explicit_kind=True)
        flows = 0
        for source, targets in succ.items():
            for target in targets:
                if source in at and target in at:
                    flows += b.add_edge(at[source], at[target], self.elements[source].pointer)
        for key in sorted(starts, key=list(self.elements).index):
            b.add_edge(attacker, at[key], "")
        # positions no start reaches (a diagram part cut off, or a cycle
        # with no way in) are reachable from the attacker directly
        import networkx as nx

        graph = nx.DiGraph(list(b.edges))
        graph.add_node(attacker)
        reached = nx.descendants(graph, attacker)
        cut_off = []
        for key in at:
            if at[key] not in reached:
                cut_off.append(key)
                b.add_edge(attacker, at[key], "")
                graph.add_edge(attacker, at[key])
                reached |= nx.descendants(graph, at[key]) | {at[key]}
        for index, node_id in node_of.items():
            b.add_edge(
                at[needs[index]] if index in needs else attacker,
                node_id,
                self.threats[index].pointer,
            )
        where = (
            "external elements (actors, interactors, the least trusted zone)"
            if external & wanted
            else "elements no data flow leads into"
        )
        b.warn(
            "",
            f"{b.source} has no attack paths, so attackgraph made them: each of the "
            f"{len(self.threats)} threats is a goal on its element's component; an "
            f"entry 'Attacker' stands at the {where}; steps 'Attacker at ...' (cost 0) "
            f"follow the data flows ({flows} edges) to every element with threats, and "
            "each threat needs the attacker at its element (a threat on a data flow: at "
            "the flow's source)"
            + (
                f"; {len(cut_off)} element(s) no data flow reaches are reachable from "
                "the attacker directly"
                if cut_off
                else ""
            ),
        )

    def control_for(self, key: str, text_: str, status: str, pointer: str, threat_key: str) -> None:
        """Block ``threat_key`` by the mitigation described by ``text_`` and
        ``status``, made on first use (one mitigation per distinct text)."""
        index = self._by_text.get((text_, status))
        if index is not None:
            self.controls[index].blocks.append(threat_key)
            return
        self._by_text[(text_, status)] = len(self.controls)
        self.controls.append(
            Control(key, first_line(text_, 120), pointer, [threat_key], status, text_)
        )

    def judged(self, keys: list[str], state: str, tool: str) -> None:
        """One deployed mitigation for the threats the tool's user marked
        ``state`` (not applicable, or mitigated without saying how)."""
        if not keys:
            return
        self.controls.append(
            Control(
                slug(f"marked-{state}"),
                f"Marked {state} in {tool}",
                "",
                list(keys),
                "deployed",
                f"Stands for the judgement of {tool}'s user: these threats are marked {state}"
                " there (a justification, if given, is in each threat's description).",
            )
        )
        self.builder.warn(
            "",
            f"{len(keys)} threat(s) are marked {state} in {tool}; they are "
            "imported blocked by one deployed mitigation that stands for "
            "that judgement",
        )

    def _mitigations(self, node_of: dict[int, str]) -> None:
        b = self.builder
        index_of = {t.key: i for i, t in enumerate(self.threats)}
        taken: set[str] = set()
        from attackgraph.formats.building import unique_id

        for control in self.controls:
            blocks = []
            for key in control.blocks:
                if key in index_of and node_of[index_of[key]] not in blocks:
                    blocks.append(node_of[index_of[key]])
            order = control.saved.get("blocks")
            if isinstance(order, list):
                # nodes written apart from the threats (entries) that
                # attackgraph's own data says this mitigation blocks
                threat_ids = set(node_of.values())
                blocks += [
                    n
                    for n in order
                    if isinstance(n, str)
                    and n in b.nodes
                    and n not in threat_ids
                    and n not in blocks
                ]
            if not blocks:
                b.warn(
                    control.pointer,
                    f"the mitigation {control.label[:60]!r} is attached "
                    "to no threat; it is left out",
                )
                continue
            saved_id = control.saved.get("id")
            mit_id = unique_id(
                saved_id if isinstance(saved_id, str) else slug(control.label, "mitigation"),
                taken,
                "mitigation",
            )
            data: dict[str, Any] = {
                "id": mit_id,
                "label": first_line(control.label or mit_id, 200),
                "blocks": blocks,
            }
            data.update(control.fields)
            if control.status is not None:
                data["status"] = control.status
            if control.description:
                data["description"] = control.description
            data.update(kept_fields(control.saved, "mitigation", ("id", "label", "blocks")))
            order = control.saved.get("blocks")
            if isinstance(order, list) and sorted(map(str, order)) == sorted(blocks):
                data["blocks"] = list(order)
            if control.extra and not control.saved:
                data[self.tag] = control.extra
            b.add_mitigation(data, control.pointer)


def nest_as_drawn(
    builder: ModelBuilder,
    graph: ThreatGraph,
    pointer: str,
    members: list[tuple[str, tuple[float, float, float, float] | None]],
    boxes: list[tuple[str, tuple[float, float, float, float]]],
    lines: int,
) -> None:
    """Nest each element (and boundary box) in the smallest box around its
    centre (boxes are ``(x, y, width, height)``); say that boundary lines
    become components without members."""
    if lines:
        builder.warn(
            pointer,
            f"{lines} trust boundary line(s) are imported as components "
            "without members (a line does not say which side an element "
            "is on)",
        )
    boxes.sort(key=lambda item: item[1][2] * item[1][3])
    for key, box in members + boxes:
        if box is None:
            continue
        cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
        for outer, (x, y, w, h) in boxes:
            if outer != key and x <= cx <= x + w and y <= cy <= y + h and w * h > box[2] * box[3]:
                graph.elements[key].parent = outer
                break


def number_in(value: Any, low: float, high: float) -> float | None:
    """``value`` if it is a finite number in [low, high], else None.

    Examples
    --------
    >>> number_in(50, 0, 100), number_in("x", 0, 1), number_in(True, 0, 1)
    (50, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or not low <= value <= high:
        return None
    return value


def prose(value: Any) -> str | None:
    """A non-blank string as written (descriptions keep their spacing)."""
    return value if isinstance(value, str) and value.strip() else None


def text(value: Any) -> str | None:
    """A stripped non-empty string, or None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None

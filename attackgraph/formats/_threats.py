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
- one **entry**, the attacker, stands where data enters the diagram (at the
  elements no data flow leads into);
- the data flows connect threats: a threat on element A (or on a flow
  arriving at A) leaves the attacker at A, from where the threats on A's
  outgoing flows and on the elements those flows reach become possible
  (edge threat -> threat); the attacker enables the threats reachable from
  where it stands, and every threat nothing else enables, so that every
  threat has a chain;
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

__all__ = ["Control", "Element", "Flow", "Threat", "ThreatGraph", "guess_kind", "kept_fields",
           "number_in", "prose", "text"]

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


_FIELDS = {"node": {f.name: f for f in NODE_FIELDS},
           "mitigation": {f.name: f for f in MITIGATION_FIELDS},
           "component": {f.name: f for f in COMPONENT_FIELDS},
           "edge": {f.name: f for f in EDGE_FIELDS}}


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
        if key.startswith("x-") or (key in fields
                                    and check_value(fields[key], value)[0] is None):
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
    saved_order: list[Any] | None = None
    """The node ids in the order attackgraph wrote them, if it did."""

    # ---------------------------------------------------------- components
    def _components(self) -> dict[str, str]:
        b = self.builder
        taken: set[str] = set()
        ids: dict[str, str] = {}
        from attackgraph.formats.building import unique_id

        for key, element in self.elements.items():
            wanted = element.saved.get("id") if isinstance(element.saved.get("id"), str) \
                else slug(element.label, "component")
            ids[key] = unique_id(wanted, taken, "component")
        for key, element in self.elements.items():
            data: dict[str, Any] = {"id": ids[key],
                                    "label": " ".join(element.label.split()) or ids[key],
                                    "kind": element.kind}
            parent = element.parent
            if parent is not None and parent not in ids:
                b.warn(element.pointer, f"the parent {parent[:60]!r} is not in the file; "
                                        f"{element.label[:60]!r} is imported at the top level")
                parent = None
            if parent is not None:
                data["parent"] = ids[parent]
            if element.description:
                data["description"] = element.description
            data.update(kept_fields(element.saved, "component", ("id", "label", "parent")))
            if element.extra and not element.saved:
                data[self.tag] = element.extra
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
                    self.builder.warn("", f"component {component['id']!r} is nested in itself "
                                          "through its parents; it is imported at the top "
                                          "level")
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
            b.error("", f"the {b.source} file holds no threats; attackgraph imports threats "
                        "as attack steps, so there is nothing to analyse")
            return CheckedModel(None, b.problems)
        component_ids = self._components()
        for flow in list(self.flows.values()):
            if flow.source not in self.elements or flow.target not in self.elements:
                b.warn(flow.pointer, f"the data flow {flow.label[:60]!r} is not connected to "
                                     "an element at both ends; it connects no threats")
                del self.flows[flow.key]
        saved_kinds = any(t.saved.get("kind") in ("entry", "step", "goal")
                          for t in self.threats)
        node_of: dict[int, str] = {}
        for index, threat in enumerate(self.threats):
            saved_id = threat.saved.get("id")
            node_id = b.new_id(saved_id if isinstance(saved_id, str)
                               else slug(threat.label, "threat"), "threat")
            node_of[index] = node_id
            _, _, element = self._where(threat)
            data: dict[str, Any] = {"id": node_id, "kind": "goal",
                                    "label": first_line(" ".join(threat.label.split())
                                                        or node_id, 200)}
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
            rank = {node_id: i for i, node_id in enumerate(self.saved_order)
                    if isinstance(node_id, str)}
            ordered = sorted(b.nodes, key=lambda n: rank.get(n, len(rank)))
            b.nodes = {n: b.nodes[n] for n in ordered}
        return b.finish()

    def _saved_edges(self) -> None:
        b = self.builder
        for index, edge in enumerate(self.saved_edges or []):
            if not isinstance(edge, dict):
                continue
            source, target = edge.get("source"), edge.get("target")
            if source in b.nodes and target in b.nodes:
                kept = kept_fields(edge, "edge", ("source", "target", "label"))
                label = edge.get("label") if isinstance(edge.get("label"), str) else None
                b.add_edge(source, target, f"/x-attackgraph/edges/{index}", label, kept)

    def _infer_edges(self, node_of: dict[int, str]) -> None:
        b = self.builder
        succ: dict[str, set[str]] = {key: set() for key in self.elements}
        incoming: set[str] = set()
        for flow in self.flows.values():
            succ[flow.source].add(flow.target)
            incoming.add(flow.target)
            if flow.bidirectional:
                succ[flow.target].add(flow.source)
                incoming.add(flow.source)
        # threats by the position they need: flow threats by the flow's
        # source, element threats by their element
        on_flow_from: dict[str, list[int]] = {}
        on_element: dict[str, list[int]] = {}
        for index, threat in enumerate(self.threats):
            if threat.flow is not None and threat.flow in self.flows:
                on_flow_from.setdefault(self.flows[threat.flow].source, []).append(index)
            elif threat.element is not None and threat.element in self.elements:
                on_element.setdefault(threat.element, []).append(index)

        def enabled_from(position: str, arrived: bool) -> list[int]:
            """Threats possible for an attacker at ``position``; ``arrived``:
            the attacker came over a flow (so the element's own threats are
            possible too)."""
            found = list(on_flow_from.get(position, ()))
            if arrived:
                found += on_element.get(position, ())
            for neighbour in sorted(succ.get(position, ())):
                found += on_element.get(neighbour, ())
            return found

        edges = 0
        for index, threat in enumerate(self.threats):
            if threat.flow is not None and threat.flow in self.flows:
                after, arrived = self.flows[threat.flow].target, True
            elif threat.element is not None and threat.element in self.elements:
                after, arrived = threat.element, False
            else:
                continue
            for other in enabled_from(after, arrived):
                if other != index and b.add_edge(node_of[index], node_of[other],
                                                 threat.pointer):
                    edges += 1
        external = {k for k, e in self.elements.items() if e.external}
        starts = external or {k for k in self.elements if k not in incoming}
        attacker = b.new_id(ATTACKER)
        b.add_node({"id": attacker, "kind": "entry", "label": "Attacker",
                    "description": f"Where the attacker starts: added by the {b.source} "
                                   "import, at the elements data enters the diagram from.",
                    self.tag: {"synthetic": True}}, "", explicit_kind=True)
        first: set[int] = set()
        for position in sorted(starts):
            first.update(enabled_from(position, True))
        first.update(self._unreached(node_of, first))
        for index in sorted(first):
            b.add_edge(attacker, node_of[index], "")
        where = "external elements (actors, interactors, the least trusted zone)" \
            if external else "elements no data flow leads into"
        b.warn("", f"{b.source} has no attack paths, so attackgraph made them: each of the "
                   f"{len(self.threats)} threats is a goal on its element's component; one "
                   f"entry, 'Attacker', stands at the {where} and enables the "
                   f"{len(first)} threats possible from there (and every threat nothing else "
                   f"enables); {edges} edges join a threat to the threats its element's data "
                   "flows lead to")
        b.report_cycles("threat graph")

    def judged(self, keys: list[str], state: str, tool: str) -> None:
        """One deployed mitigation for the threats the tool's user marked
        ``state`` (not applicable, or mitigated without saying how)."""
        if not keys:
            return
        self.controls.append(Control(
            slug(f"marked-{state}"), f"Marked {state} in {tool}", "", list(keys), "deployed",
            f"Stands for the judgement of {tool}'s user: these threats are marked {state}"
            " there (a justification, if given, is in each threat's description)."))
        self.builder.warn("", f"{len(keys)} threat(s) are marked {state} in {tool}; they are "
                              "imported blocked by one deployed mitigation that stands for "
                              "that judgement")

    def _unreached(self, node_of: dict[int, str], first: set[int]) -> set[int]:
        """Threats to connect to the attacker so that every threat has a
        chain: all threats of each group of threats (strongly connected
        component) that no edge enters from outside and that the threats in
        ``first`` do not reach."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(node_of.values())
        graph.add_edges_from(e for e in self.builder.edges
                             if e[0] in graph and e[1] in graph)
        reached: set[str] = set()
        for index in first:
            if node_of[index] not in reached:
                reached |= nx.descendants(graph, node_of[index]) | {node_of[index]}
        condensed = nx.condensation(graph)
        index_of = {node_id: index for index, node_id in node_of.items()}
        out: set[int] = set()
        for group in nx.topological_sort(condensed):
            group_nodes = condensed.nodes[group]["members"]
            if group_nodes & reached or condensed.in_degree(group) > 0:
                continue
            out.update(index_of[n] for n in group_nodes)
            for n in group_nodes:
                reached |= nx.descendants(graph, n) | {n}
        return out

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
            if not blocks:
                b.warn(control.pointer, f"the mitigation {control.label[:60]!r} is attached "
                                        "to no threat; it is left out")
                continue
            saved_id = control.saved.get("id")
            mit_id = unique_id(saved_id if isinstance(saved_id, str)
                               else slug(control.label, "mitigation"), taken, "mitigation")
            data: dict[str, Any] = {"id": mit_id,
                                    "label": first_line(control.label or mit_id, 200),
                                    "blocks": blocks}
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

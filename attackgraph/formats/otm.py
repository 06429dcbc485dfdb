"""Open Threat Model (OTM 0.2, IriusRisk's open standard), in and out.

Reading (JSON or YAML): trust zones and components become components
(nested as their ``parent`` says), every threat instance on a component or
data flow becomes a goal, mitigation instances become mitigations blocking
them (``implemented``: deployed, otherwise proposed; ``riskReduction``
becomes the effectiveness), a threat's ``likelihood`` its probability and
its CWEs its refs. Data flows connect threats and one entry, the attacker,
is added (see :mod:`attackgraph.formats._threats`; the importer says so in
a warning).

Writing (JSON, which is also YAML): components keep their nesting (those
read from trust zones become trust zones again; the others sit in a
"System" trust zone), steps and goals become threats instanced on their
components, mitigations become mitigations instanced on the threats they
block. attackgraph's own fields travel in the ``attributes`` objects OTM
keeps for tools (key ``x-attackgraph``): entries, the importers' steps,
edges, costs, gates,
profiles and releases, so that a written file reads back to the same model.
"""

from __future__ import annotations

import json
import re
from typing import Any

from attackgraph.errors import FormatError, Problem
from attackgraph.formats._threats import (
    Control,
    Element,
    Flow,
    Threat,
    ThreatGraph,
    aside,
    guess_kind,
    number_in,
    prose,
    restore_nodes,
    text,
)
from attackgraph.formats.building import ModelBuilder, slug
from attackgraph.formats.native import CheckedModel
from attackgraph.formats.native.parse import decode_bytes, parse_text
from attackgraph.model import AttackModel

__all__ = ["check_otm", "generate_otm", "sniff_otm"]

TAG = "x-otm"
OWN = "x-attackgraph"
OTM_VERSION = "0.2.0"
_SNIFF_JSON = re.compile(rb'[{,]\s*"otmVersion"\s*:')
_SNIFF_YAML = re.compile(rb'(?m)^["\']?otmVersion["\']?\s*:')
_CWE = re.compile(r"^CWE-\d+$", re.IGNORECASE)
_DEFAULT_ZONE = "attackgraph-system"
_UNPLACED = "attackgraph-unplaced"


def sniff_otm(raw: bytes) -> bool:
    """Whether the content looks like an Open Threat Model file.

    Examples
    --------
    >>> sniff_otm(b'{"otmVersion": "0.2.0", "project": {}}')
    True
    >>> sniff_otm(b"otmVersion: 0.1.0\\nproject:\\n  name: x\\n")
    True
    >>> sniff_otm(b'{"format": "attackgraph"}')
    False
    """
    head = raw[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] == b"{":
        return bool(_SNIFF_JSON.search(head))
    return bool(_SNIFF_YAML.search(head))


def _own(item: Any) -> dict[str, Any]:
    """attackgraph's data in an object's ``attributes``."""
    if isinstance(item, dict) and isinstance(item.get("attributes"), dict):
        saved = item["attributes"].get(OWN)
        if isinstance(saved, dict):
            return saved
    return {}


def _list(b: ModelBuilder, data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        b.error(f"/{key}", f"'{key}' must be a list")
        return []
    out = []
    for index, item in enumerate(value):
        if isinstance(item, dict):
            out.append((index, item))
        else:
            b.warn(f"/{key}/{index}", f"this entry of '{key}' is not an object; it is ignored")
    return out


def _parent(item: dict[str, Any]) -> str | None:
    parent = item.get("parent")
    if isinstance(parent, dict):
        return text(parent.get("trustZone")) or text(parent.get("component"))
    return None


class _Reader:
    def __init__(self, data: Any, locate: Any) -> None:
        self.data = data
        self.b = ModelBuilder("OTM", locate=locate)
        self.g = ThreatGraph(self.b, TAG)
        self.redirect: dict[str, str | None] = {}

    def read(self) -> CheckedModel:
        b, data = self.b, self.data
        if not isinstance(data, dict) or "otmVersion" not in data:
            b.error("", "an Open Threat Model file is an object with 'otmVersion' and 'project'")
            return CheckedModel(None, b.problems)
        version = text(data.get("otmVersion")) or ""
        if not version.startswith("0."):
            b.warn(
                "/otmVersion",
                f"otmVersion {version[:20]!r} is newer than 0.2 that "
                "attackgraph knows; it is read as 0.2",
            )
        project = data.get("project") if isinstance(data.get("project"), dict) else {}
        b.title = text(project.get("name")) or "Open Threat Model"
        b.description = prose(project.get("description"))
        own = _own(project)
        kept: dict[str, Any] = {}
        rest = {k: v for k, v in project.items() if k not in ("name", "description")}
        if isinstance(rest.get("attributes"), dict):
            rest["attributes"] = {k: v for k, v in rest["attributes"].items() if k != OWN}
            if not rest["attributes"]:
                del rest["attributes"]
        kept["project"] = rest
        for key in ("representations", "assets"):
            if isinstance(data.get(key), list):
                kept[key] = data[key]
        self.zones(data)
        self.components(data)
        self.mark_external()
        self.flows(data, kept)
        definitions = self.definitions(data)
        self.instances(data, definitions)
        self.mitigations(data)
        if b.failed:
            return CheckedModel(None, b.problems)
        if own.get("native") is not True:
            b.extras[TAG] = kept
        if isinstance(own.get("extras"), dict):
            b.extras.update(
                {
                    k: v
                    for k, v in own["extras"].items()
                    if isinstance(k, str) and k.startswith("x-")
                }
            )
        b.add_model_lists(own, "/project/attributes/x-attackgraph")
        if self.g.threats:
            restore_nodes(b, own.get("nodes"), "/project/attributes/x-attackgraph/nodes")
        if isinstance(own.get("edges"), list):
            self.g.saved_edges = own["edges"]
        if isinstance(own.get("order"), list):
            self.g.saved_order = own["order"]
        layout = own.get("layout")
        if isinstance(layout, dict):
            b.layout.update(
                {
                    k: v
                    for k, v in layout.items()
                    if isinstance(k, str)
                    and isinstance(v, list)
                    and len(v) == 2
                    and all(number_in(x, -1e12, 1e12) is not None for x in v)
                }
            )
        return self.g.build()

    def zones(self, data: dict[str, Any]) -> None:
        for index, zone in _list(self.b, data, "trustZones"):
            key = text(zone.get("id"))
            pointer = f"/trustZones/{index}"
            if _own(zone).get("synthetic") and key is not None:
                self.redirect[key] = None
                continue
            if key is None or key in self.g.elements:
                self.b.warn(pointer, "this trust zone has no id or a repeated one; it is ignored")
                continue
            name = text(zone.get("name")) or key
            risk = zone.get("risk") if isinstance(zone.get("risk"), dict) else {}
            extra: dict[str, Any] = {"trustZone": True, "id": key}
            if text(zone.get("type")):
                extra["type"] = text(zone.get("type"))
            rating = number_in(risk.get("trustRating"), -1e12, 1e12)
            if rating is not None:
                extra["trustRating"] = rating
            saved = _own(zone)
            self.g.elements[key] = Element(
                key,
                name,
                saved.get("kind")
                if isinstance(saved.get("kind"), str)
                else (
                    guess_kind(
                        zone.get("type") if isinstance(zone.get("type"), str) else None, name
                    )
                    if guess_kind(name) != "other"
                    else "network"
                ),
                pointer,
                _parent(zone),
                prose(zone.get("description")),
                extra,
                saved,
            )

    def components(self, data: dict[str, Any]) -> None:
        for index, item in _list(self.b, data, "components"):
            key = text(item.get("id"))
            pointer = f"/components/{index}"
            if key is None or key in self.g.elements:
                self.b.warn(pointer, "this component has no id or a repeated one; it is ignored")
                continue
            saved = _own(item)
            if saved.get("synthetic"):
                # a component attackgraph added to hold threats OTM cannot
                # put on a trust zone (or on no component at all)
                self.redirect[key] = _parent(item) if saved.get("zone") else None
                continue
            name = text(item.get("name")) or key
            kind_type = text(item.get("type"))
            extra: dict[str, Any] = {"id": key}
            if kind_type:
                extra["type"] = kind_type
            if isinstance(item.get("tags"), list):
                extra["tags"] = [t for t in item["tags"] if isinstance(t, str)]
            kind = (
                saved.get("kind")
                if isinstance(saved.get("kind"), str)
                else guess_kind(kind_type, name)
            )
            parent = _parent(item)
            if parent in self.redirect:
                parent = None
            self.g.elements[key] = Element(
                key, name, kind, pointer, parent, prose(item.get("description")), extra, saved
            )

    def mark_external(self) -> None:
        """Components in the least trusted zone (or a zone named like the
        internet) are where the attacker stands."""
        zones = {k: e for k, e in self.g.elements.items() if e.extra.get("trustZone")}
        ratings = {k: e.extra["trustRating"] for k, e in zones.items() if "trustRating" in e.extra}
        outside = {
            k
            for k, e in zones.items()
            if re.search(
                r"internet|public|external|untrusted",
                f"{e.label} {e.extra.get('type', '')}",
                re.IGNORECASE,
            )
        }
        if len(set(ratings.values())) > 1:
            low = min(ratings.values())
            outside |= {k for k, v in ratings.items() if v == low}
        for key, element in self.g.elements.items():
            seen: set[str] = set()
            current: str | None = key
            while current is not None and current not in seen:
                if current in outside:
                    element.external = True
                    break
                seen.add(current)
                parent = self.g.elements.get(current)
                current = parent.parent if parent is not None else None

    def flows(self, data: dict[str, Any], kept: dict[str, Any]) -> None:
        flows = []
        for index, item in _list(self.b, data, "dataflows"):
            key = text(item.get("id"))
            if key is None:
                self.b.warn(f"/dataflows/{index}", "this data flow has no id; it is ignored")
                continue
            source, target = text(item.get("source")), text(item.get("destination"))
            self.g.flows[key] = Flow(
                key,
                text(item.get("name")) or key,
                source or "",
                target or "",
                f"/dataflows/{index}",
                item.get("bidirectional") is True,
            )
            flows.append({k: v for k, v in item.items() if k != "threats"})
        if flows:
            kept["dataflows"] = flows

    def definitions(self, data: dict[str, Any]) -> dict[str, tuple[int, dict[str, Any]]]:
        found: dict[str, tuple[int, dict[str, Any]]] = {}
        for index, item in _list(self.b, data, "threats"):
            key = text(item.get("id"))
            if key is None or key in found:
                self.b.warn(
                    f"/threats/{index}", "this threat has no id or a repeated one; it is ignored"
                )
                continue
            found[key] = (index, item)
        return found

    def instances(
        self, data: dict[str, Any], definitions: dict[str, tuple[int, dict[str, Any]]]
    ) -> None:
        used: set[str] = set()
        self.pending: dict[str, list[tuple[str, str, str]]] = {}
        for section, attr in (("components", "element"), ("dataflows", "flow")):
            for index, item in _list(self.b, data, section):
                owner = text(item.get("id"))
                instances = item.get("threats")
                if owner is None or not isinstance(instances, list):
                    continue
                if attr == "element" and owner in self.redirect:
                    owner = self.redirect[owner]
                elif owner not in (self.g.elements if attr == "element" else self.g.flows):
                    continue
                for number, instance in enumerate(instances):
                    pointer = f"/{section}/{index}/threats/{number}"
                    ref = text(instance.get("threat")) if isinstance(instance, dict) else None
                    if ref is None or ref not in definitions:
                        self.b.warn(
                            pointer,
                            f"this threat instance names no threat of the "
                            f"file ({str(ref)[:60]!r}); it is ignored",
                        )
                        continue
                    used.add(ref)
                    threat = self.threat(ref, definitions[ref], pointer)
                    if owner is not None:
                        setattr(threat, attr, owner)
                        if attr == "flow":
                            threat.extra["dataflow"] = owner
                    state = text(instance.get("state"))
                    if state:
                        threat.extra["state"] = state
                    self.g.threats.append(threat)
                    self.instance_mitigations(instance.get("mitigations"), pointer, threat.key)
        for ref, definition in definitions.items():
            if ref not in used:
                self.b.warn(
                    f"/threats/{definition[0]}",
                    f"the threat {ref[:60]!r} is on no "
                    "component or data flow; it is "
                    "imported without a component",
                )
                self.g.threats.append(self.threat(ref, definition, f"/threats/{definition[0]}"))

    def threat(self, ref: str, definition: tuple[int, dict[str, Any]], pointer: str) -> Threat:
        _, item = definition
        key = f"{pointer}#{ref}"
        threat = Threat(
            key,
            text(item.get("name")) or ref,
            pointer,
            description=prose(item.get("description")),
            saved=_own(item),
        )
        threat.extra = {"threat": ref}
        for name in ("categories", "tags"):
            if isinstance(item.get(name), list):
                threat.extra[name] = [t for t in item[name] if isinstance(t, str)]
        cwes = (
            [c for c in item.get("cwes") or [] if isinstance(c, str)]
            if isinstance(item.get("cwes"), list)
            else []
        )
        if cwes:
            threat.fields["refs"] = cwes
        risk = item.get("risk") if isinstance(item.get("risk"), dict) else {}
        likelihood = number_in(risk.get("likelihood"), 0, 100)
        if likelihood is not None:
            probability = round(likelihood / 100, 6)
            if not threat.saved or probability != threat.saved.get("probability", 1):
                threat.fields["probability"] = probability
        impact = number_in(risk.get("impact"), 0, 1e12)
        if impact is not None:
            threat.extra["impact"] = impact
        return threat

    def instance_mitigations(self, value: Any, pointer: str, threat_key: str) -> None:
        if not isinstance(value, list):
            return
        for number, item in enumerate(value):
            ref = text(item.get("mitigation")) if isinstance(item, dict) else None
            if ref is None:
                self.b.warn(
                    f"{pointer}/mitigations/{number}",
                    "this mitigation instance names no mitigation; ignored",
                )
                continue
            state = (text(item.get("state")) or "required").lower()
            self.pending.setdefault(ref, []).append(
                (threat_key, state, f"{pointer}/mitigations/{number}")
            )

    def mitigations(self, data: dict[str, Any]) -> None:
        defined = set()
        for index, item in _list(self.b, data, "mitigations"):
            ref = text(item.get("id"))
            pointer = f"/mitigations/{index}"
            if ref is None or ref in defined:
                self.b.warn(pointer, "this mitigation has no id or a repeated one; ignored")
                continue
            defined.add(ref)
            uses = self.pending.get(ref, [])
            if not uses:
                self.b.warn(
                    pointer, f"the mitigation {ref[:60]!r} is applied to no threat; it is left out"
                )
                continue
            by_status: dict[str, list[str]] = {}
            saved = _own(item)
            other = (
                saved.get("status")
                if saved.get("status") in ("proposed", "planned")
                else "proposed"
            )
            for threat_key, state, _ in uses:
                status = "deployed" if state == "implemented" else other
                by_status.setdefault(status, []).append(threat_key)
            if len(by_status) > 1:
                self.b.warn(
                    pointer,
                    f"the mitigation {ref[:60]!r} is implemented on some "
                    "threats and not on others; attackgraph keeps one "
                    "mitigation per status",
                )
            for status, blocks in by_status.items():
                control = Control(
                    ref if len(by_status) == 1 else f"{ref}-{status}",
                    text(item.get("name")) or ref,
                    pointer,
                    blocks,
                    status,
                    prose(item.get("description")),
                    extra={
                        "mitigation": ref,
                        "states": sorted({s for k, s, _ in uses if k in blocks}),
                    },
                    saved=saved if len(by_status) == 1 else {},
                )
                reduction = number_in(item.get("riskReduction"), 0, 100)
                if reduction is not None and reduction > 0:
                    control.fields["effectiveness"] = round(reduction / 100, 6)
                elif reduction == 0:
                    self.b.warn(
                        pointer,
                        f"the mitigation {ref[:60]!r} has riskReduction 0; "
                        "it is imported as fully effective, check it",
                    )
                if saved and control.fields.get("effectiveness") == saved.get("effectiveness", 1):
                    control.fields.pop("effectiveness")
                if saved and "status" not in saved and status == "proposed":
                    control.status = None
                control.saved = {k: v for k, v in control.saved.items() if k != "status"}
                self.g.controls.append(control)
        for ref, uses in self.pending.items():
            if ref not in defined:
                self.b.warn(
                    uses[0][2],
                    f"the mitigation {ref[:60]!r} is not defined in 'mitigations'; it is ignored",
                )


def check_otm(raw: bytes) -> CheckedModel:
    """Read an OTM file (JSON or YAML); never raises for bad input."""
    try:
        decoded = decode_bytes(raw)
        if not decoded.strip():
            raise FormatError(
                "the file is empty; an OTM file is an object with 'otmVersion' and 'project'."
            )
        parsed = parse_text(decoded)
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])
    return _Reader(parsed.data, parsed.locate).read()


# -------------------------------------------------------------------- writing
def _native(obj: Any, skip: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in obj.to_dict().items() if k not in skip}


def generate_otm(model: AttackModel) -> str:
    """The model as an OTM 0.2 JSON document."""
    kept = model.extras.get(TAG) if isinstance(model.extras.get(TAG), dict) else {}
    project_kept = kept.get("project") if isinstance(kept.get("project"), dict) else {}
    project: dict[str, Any] = {
        "name": model.title,
        "id": text(project_kept.get("id")) or slug(model.title, "model"),
    }
    if model.description:
        project["description"] = model.description
    for key in ("owner", "ownerContact", "tags"):
        if key in project_kept:
            project[key] = project_kept[key]
    attributes = (
        dict(project_kept.get("attributes") or {})
        if isinstance(project_kept.get("attributes"), dict)
        else {}
    )
    own: dict[str, Any] = {}
    apart = [n.to_dict() for n in model.nodes.values() if aside(n)]
    if apart:
        own["nodes"] = apart
    if TAG not in model.extras:
        own["native"] = True
    own["order"] = list(model.nodes)
    own["edges"] = [e.to_dict() for e in model.edges]
    for key, items in (
        ("profiles", model.profiles.values()),
        ("releases", model.releases.values()),
    ):
        dicts = [i.to_dict() for i in items]
        if dicts:
            own[key] = dicts
    if model.layout:
        own["layout"] = {k: [x, y] for k, (x, y) in model.layout.items()}
    others = {k: v for k, v in model.extras.items() if k != TAG}
    if others:
        own["extras"] = others
    attributes[OWN] = own
    project["attributes"] = attributes
    doc: dict[str, Any] = {"otmVersion": OTM_VERSION, "project": project}
    for key in ("representations", "assets"):
        if isinstance(kept.get(key), list):
            doc[key] = kept[key]

    otm_id: dict[str, str] = {}
    for comp in model.components.values():
        saved = comp.extras.get(TAG) if isinstance(comp.extras.get(TAG), dict) else {}
        otm_id[comp.id] = text(saved.get("id")) or comp.id
    zones: list[dict[str, Any]] = []
    components: list[dict[str, Any]] = []
    zone_ids: set[str] = set()
    for comp in model.components.values():
        saved = comp.extras.get(TAG) if isinstance(comp.extras.get(TAG), dict) else {}
        if saved.get("trustZone"):
            zone_ids.add(comp.id)
    need_default = False
    for comp in model.components.values():
        saved = comp.extras.get(TAG) if isinstance(comp.extras.get(TAG), dict) else {}
        item: dict[str, Any] = {"id": otm_id[comp.id], "name": comp.label}
        if comp.id in zone_ids:
            if saved.get("type"):
                item["type"] = saved["type"]
        else:
            item["type"] = text(saved.get("type")) or comp.kind
        if comp.description:
            item["description"] = comp.description
        if comp.parent is not None:
            item["parent"] = {
                "trustZone" if comp.parent in zone_ids else "component": otm_id[comp.parent]
            }
        elif comp.id not in zone_ids:
            item["parent"] = {"trustZone": _DEFAULT_ZONE}
            need_default = True
        if comp.id in zone_ids:
            rating = saved.get("trustRating")
            item["risk"] = {
                "trustRating": rating if number_in(rating, -1e12, 1e12) is not None else 50
            }
        elif isinstance(saved.get("tags"), list):
            item["tags"] = saved["tags"]
        item["attributes"] = {
            OWN: {
                k: v
                for k, v in comp.to_dict().items()
                if k not in ("label", "parent", "description")
            }
        }
        (zones if comp.id in zone_ids else components).append(item)

    mit_ref: dict[str, str] = {}
    for mit in model.mitigations.values():
        saved = mit.extras.get(TAG) if isinstance(mit.extras.get(TAG), dict) else {}
        ref = text(saved.get("mitigation"))
        mit_ref[mit.id] = (
            ref if ref and ref not in mit_ref.values() and ref not in model.mitigations else mit.id
        )
    written = {c["id"] for c in components} | {z["id"] for z in zones}
    flows = [
        dict(f)
        for f in kept.get("dataflows") or []
        if isinstance(f, dict)
        and f.get("source") in written
        and f.get("destination") in written
        and isinstance(f.get("id"), str)
    ]
    flow_ids = {f["id"] for f in flows}
    threats: list[dict[str, Any]] = []
    instances: dict[str, list[dict[str, Any]]] = {}
    blocked_by: dict[str, list[Any]] = {}
    for mit in model.mitigations.values():
        for target in mit.blocks:
            blocked_by.setdefault(target, []).append(mit)
    used_refs: set[str] = set()
    for node in model.nodes.values():
        if aside(node):
            continue
        saved = node.extras.get(TAG) if isinstance(node.extras.get(TAG), dict) else {}
        otm_ref = text(saved.get("threat"))
        if otm_ref is None or otm_ref in used_refs or otm_ref in model.nodes:
            otm_ref = node.id
        used_refs.add(otm_ref)
        threat: dict[str, Any] = {"id": otm_ref, "name": node.label}
        if node.description:
            threat["description"] = node.description
        for key in ("categories", "tags"):
            if isinstance(saved.get(key), list):
                threat[key] = saved[key]
        cwes = [r for r in node.refs or () if _CWE.match(r)]
        if cwes:
            threat["cwes"] = cwes
        impact = saved.get("impact")
        threat["risk"] = {
            "likelihood": round(node.effective_probability * 100, 6),
            "impact": impact if number_in(impact, 0, 1e12) is not None else 100,
        }
        threat["attributes"] = {OWN: _native(node, ("label", "description", "component"))}
        threats.append(threat)
        mits = blocked_by.get(node.id, [])
        instance: dict[str, Any] = {
            "threat": otm_ref,
            "state": text(saved.get("state"))
            or (
                "mitigated"
                if any(m.status == "deployed" and m.effective_effectiveness >= 1 for m in mits)
                else "exposed"
            ),
            "mitigations": [
                {
                    "mitigation": mit_ref[m.id],
                    "state": "implemented" if m.status == "deployed" else "required",
                }
                for m in mits
            ],
        }
        owner = node.component if node.component is not None else _UNPLACED
        if saved.get("dataflow") in flow_ids:
            owner = f"dataflow:{saved['dataflow']}"
        instances.setdefault(owner, []).append(instance)
    if _UNPLACED in instances:
        need_default = True
        components.append(
            {
                "id": _UNPLACED,
                "name": "Not placed on a component",
                "type": "other",
                "parent": {"trustZone": _DEFAULT_ZONE},
                "attributes": {OWN: {"synthetic": True}},
            }
        )
    for item in components:
        comp_id = item["attributes"][OWN].get("id", item["id"])
        if comp_id in instances:
            item["threats"] = instances[comp_id]
    for zone in zones:
        comp_id = zone["attributes"][OWN].get("id")
        if comp_id in instances:
            # OTM puts threats on components only: a zone's threats move
            # onto a component standing for the zone
            components.append(
                {
                    "id": f"{zone['id']}-threats",
                    "name": zone["name"],
                    "type": "trust-zone",
                    "parent": {"trustZone": zone["id"]},
                    "threats": instances[comp_id],
                    "attributes": {OWN: {"synthetic": True, "zone": comp_id}},
                }
            )
    if need_default:
        zones.insert(
            0,
            {
                "id": _DEFAULT_ZONE,
                "name": "System",
                "type": "system",
                "risk": {"trustRating": 50},
                "attributes": {OWN: {"synthetic": True}},
            },
        )
    doc["trustZones"] = zones
    doc["components"] = components
    for flow in flows:
        if f"dataflow:{flow['id']}" in instances:
            flow["threats"] = instances[f"dataflow:{flow['id']}"]
    doc["dataflows"] = flows
    doc["threats"] = threats
    doc["mitigations"] = [
        {
            "id": mit_ref[m.id],
            "name": m.label,
            **({"description": m.description} if m.description else {}),
            "riskReduction": round(m.effective_effectiveness * 100, 6),
            "attributes": {OWN: _native(m, ("label", "description"))},
        }
        for m in model.mitigations.values()
    ]
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

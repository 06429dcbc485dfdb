"""attackgraph model -> Attack Flow STIX 2.1 bundle.

Steps, entries and goals become ``attack-action`` objects (or the condition,
operator or asset they were imported from), edges become ``effect_refs``,
``on_true_refs``/``on_false_refs``, ``asset_refs`` or ``related-to``
relationships as the language allows, an ``and`` gate with several enablers
becomes an ``attack-operator`` (AND) in front of its node, and mitigations
become ``course-of-action`` objects with ``mitigates`` relationships.

What Attack Flow has no place for (kinds, gates, costs, components, profiles,
releases, the layout, mitigation fields) travels in attackgraph's STIX
property extension, so the bundle re-imports to the same model while
staying valid for every Attack Flow tool. Identifiers are stable UUIDv5s
(or the ones the model was imported with), timestamps honour
``SOURCE_DATE_EPOCH`` for reproducible output.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import uuid
from typing import Any

from attackgraph.errors import FormatError
from attackgraph.formats.attack_flow.common import (
    AF_EXTENSION,
    AG_EXTENSION,
    AG_IDENTITY,
    CTID_IDENTITY,
    FLOW_TYPES,
    STIX_ID,
    author_record,
    is_stix_id,
)
from attackgraph.formats.attack_flow.notes import mitigation_notes
from attackgraph.model import AttackModel, Mitigation, Node

__all__ = ["generate_stix", "model_to_bundle"]

_NAMESPACE = uuid.UUID("5b0f0c4e-3d7a-4f3e-9a51-6a1d2e8c7b90")
_FLOW_TARGETS = ("attack-action", "attack-operator", "attack-condition")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,}Z")
_CVE = re.compile(r"CVE-\d{4}-(0\d{3}|[1-9]\d{3,})")
_ATTACK_MITIGATION = re.compile(r"M\d{4}")
_URL = re.compile(r"https?://[^\s]+")
_KEPT_CHECKS: dict[str, Any] = {
    "tactic_id": lambda v: isinstance(v, str),
    "tactic_ref": lambda v: isinstance(v, str) and bool(STIX_ID.fullmatch(v)),
    "technique_ref": lambda v: (
        isinstance(v, str) and v.startswith("attack-pattern--") and bool(STIX_ID.fullmatch(v))
    ),
    "command_ref": lambda v: (
        isinstance(v, str) and v.startswith("process--") and bool(STIX_ID.fullmatch(v))
    ),
    "confidence": lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100,
    "execution_start": lambda v: isinstance(v, str) and bool(_TIMESTAMP.fullmatch(v)),
    "execution_end": lambda v: isinstance(v, str) and bool(_TIMESTAMP.fullmatch(v)),
    "pattern": lambda v: isinstance(v, str),
    "pattern_type": lambda v: isinstance(v, str),
    "pattern_version": lambda v: isinstance(v, str),
}
_KEPT_BY_TYPE = {
    "attack-action": (
        "tactic_id",
        "tactic_ref",
        "technique_ref",
        "command_ref",
        "confidence",
        "execution_start",
        "execution_end",
    ),
    "attack-condition": ("pattern", "pattern_type", "pattern_version"),
    "attack-operator": (),
    "attack-asset": (),
}


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = None
    if epoch.isdigit():
        moment = _dt.datetime.fromtimestamp(int(epoch), _dt.UTC)
    moment = moment or _dt.datetime.now(_dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _record(extras: Any) -> dict[str, Any]:
    record = extras.get("x-stix") if hasattr(extras, "get") else None
    return record if isinstance(record, dict) else {}


def _other_extras(extras: Any) -> dict[str, Any]:
    return {k: v for k, v in dict(extras).items() if k != "x-stix"}


class _Writer:
    def __init__(self, model: AttackModel) -> None:
        self.model = model
        record = _record(model.extras)
        flow_id = record.get("flow_id")
        if not is_stix_id(flow_id, "attack-flow"):
            flow_id = f"attack-flow--{uuid.uuid5(_NAMESPACE, model.title)}"
        self.flow_id = flow_id
        self.space = uuid.uuid5(_NAMESPACE, flow_id)  # every other id follows the flow's
        self.now = _now()
        self.used: set[str] = {flow_id}
        self.types: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        self.gate_ops: dict[str, str] = {}
        self.objects: dict[str, dict[str, Any]] = {}
        self.coa_ids: dict[str, str] = {}
        self.notes = mitigation_notes(model)
        self.author = author_record(record.get("author"))

    def new_id(self, kind: str, key: str, reuse: Any = None) -> str:
        if is_stix_id(reuse, kind) and reuse not in self.used:
            self.used.add(reuse)
            return reuse
        candidate = f"{kind}--{uuid.uuid5(self.space, key)}"
        number = 2
        while candidate in self.used:
            candidate = f"{kind}--{uuid.uuid5(self.space, f'{key}#{number}')}"
            number += 1
        self.used.add(candidate)
        return candidate

    def stamp(self, obj: dict[str, Any], record: dict[str, Any]) -> None:
        for key in ("created", "modified"):
            value = record.get(key)
            obj[key] = value if isinstance(value, str) and _TIMESTAMP.fullmatch(value) else self.now

    # ----------------------------------------------------------------- nodes
    def node_type(self, node: Node) -> str:
        kind = _record(node.extras).get("type")
        return kind if kind in FLOW_TYPES else "attack-action"

    def node_object(self, node: Node) -> dict[str, Any]:
        record = _record(node.extras)
        kind = self.types[node.id]
        obj: dict[str, Any] = {"type": kind, "spec_version": "2.1", "id": self.ids[node.id]}
        self.stamp(obj, record)
        ext: dict[str, Any] = {
            "extension_type": "property-extension",
            "id": node.id,
            "kind": node.kind,
        }
        if kind == "attack-action":
            obj["name"] = node.label
            if node.techniques:
                obj["technique_id"] = node.techniques[0]
            if node.description:
                obj["description"] = node.description
        elif kind == "attack-condition":
            obj["description"] = node.label
            ext["label"] = node.label
            if node.description:
                ext["description"] = node.description
        elif kind == "attack-operator":
            obj["operator"] = "AND" if node.effective_gate == "and" else "OR"
            ext["label"] = node.label
            if node.description:
                ext["description"] = node.description
        else:
            obj["name"] = node.label
            if node.description:
                obj["description"] = node.description
        for key in _KEPT_BY_TYPE[kind]:
            if key in record and _KEPT_CHECKS[key](record[key]):
                obj[key] = record[key]
        references = _external_references(node.refs or ())
        if references:
            obj["external_references"] = references
        for name in (
            "gate",
            "component",
            "access",
            "skill",
            "cost",
            "probability",
            "impact",
            "release_fixed",
        ):
            value = getattr(node, name)
            if value is not None:
                ext[name] = value
        if node.techniques:
            ext["techniques"] = list(node.techniques)
        if node.refs:
            ext["refs"] = list(node.refs)
        extras = _other_extras(node.extras)
        if extras:
            ext["extras"] = extras
        obj["extensions"] = {AF_EXTENSION: {"extension_type": "new-sdo"}, AG_EXTENSION: ext}
        return obj

    def edges(self) -> tuple[list[dict[str, Any]], list[list[Any]]]:
        """Fill the ``*_refs`` of the node objects; return the relationships
        needed on top and every edge as ``[source, target, label]`` in model
        order, with its ``x-`` keys (the refs cannot carry labels or the order)."""
        relationships: list[dict[str, Any]] = []
        labels: list[list[Any]] = []
        for edge in self.model.edges:
            source_type, target_type = self.types[edge.source], self.types[edge.target]
            source = self.objects[edge.source]
            target_id = self.gate_ops.get(edge.target, self.ids[edge.target])
            if source_type == "attack-condition" and target_type in _FLOW_TARGETS:
                key = "on_false_refs" if edge.label == "false" else "on_true_refs"
            elif (
                source_type in ("attack-action", "attack-operator") and target_type in _FLOW_TARGETS
            ):
                key = "effect_refs"
            elif source_type == "attack-action" and target_type == "attack-asset":
                key = "asset_refs"
            else:
                key = None
            if key is None:
                rel_id = self.new_id("relationship", f"edge:{edge.source}->{edge.target}")
                rel = {
                    "type": "relationship",
                    "spec_version": "2.1",
                    "id": rel_id,
                    "created": self.now,
                    "modified": self.now,
                    "relationship_type": "related-to",
                    "source_ref": self.ids[edge.source],
                    "target_ref": target_id,
                }
                relationships.append(rel)
            else:
                refs = source.setdefault(key, [])
                if target_id not in refs:
                    refs.append(target_id)
            record: list[Any] = [edge.source, edge.target, edge.label or ""]
            if edge.extras:
                record.append(dict(edge.extras))
            labels.append(record)
        return relationships, labels

    # ----------------------------------------------------------- mitigations
    def mitigation_objects(self, mit: Mitigation) -> list[dict[str, Any]]:
        record = _record(mit.extras)
        coa_id = self.new_id("course-of-action", f"mitigation:{mit.id}", record.get("id"))
        self.coa_ids[mit.id] = coa_id
        coa: dict[str, Any] = {"type": "course-of-action", "spec_version": "2.1", "id": coa_id}
        self.stamp(coa, record)
        coa["name"] = mit.label
        description = "\n\n".join(t for t in (mit.description, self.notes.get(mit.id)) if t)
        if description:
            coa["description"] = description
        references = _external_references(mit.refs or ())
        if references:
            coa["external_references"] = references
        ext: dict[str, Any] = {"extension_type": "property-extension", "id": mit.id}
        for name in ("cost", "effectiveness", "status", "release", "property"):
            value = getattr(mit, name)
            if value is not None:
                ext[name] = value
        if mit.refs:
            ext["refs"] = list(mit.refs)
        extras = _other_extras(mit.extras)
        if extras:
            ext["extras"] = extras
        coa["extensions"] = {AG_EXTENSION: ext}
        out = [coa]
        for node_id in mit.blocks:
            rel_id = self.new_id("relationship", f"mitigates:{mit.id}->{node_id}")
            out.append(
                {
                    "type": "relationship",
                    "spec_version": "2.1",
                    "id": rel_id,
                    "created": self.now,
                    "modified": self.now,
                    "relationship_type": "mitigates",
                    "source_ref": coa_id,
                    "target_ref": self.ids[node_id],
                }
            )
        return out

    # ---------------------------------------------------------------- bundle
    def bundle(self) -> dict[str, Any]:
        model = self.model
        if not model.nodes:
            raise FormatError(
                "cannot write an Attack Flow: the model has no nodes, and a "
                "flow needs at least one action."
            )
        record = _record(model.extras)
        flow_id = self.flow_id
        for node in model.nodes.values():
            self.types[node.id] = self.node_type(node)
            self.ids[node.id] = self.new_id(
                self.types[node.id], f"node:{node.id}", _record(node.extras).get("id")
            )
        preds: dict[str, int] = {n: 0 for n in model.nodes}
        for edge in model.edges:
            preds[edge.target] += 1
        nodes_out: list[dict[str, Any]] = []
        for node in model.nodes.values():
            if (
                node.effective_gate == "and"
                and self.types[node.id] != "attack-operator"
                and preds[node.id] > 1
            ):
                op_id = self.new_id("attack-operator", f"gate:{node.id}")
                self.gate_ops[node.id] = op_id
                nodes_out.append(
                    {
                        "type": "attack-operator",
                        "spec_version": "2.1",
                        "id": op_id,
                        "created": self.now,
                        "modified": self.now,
                        "operator": "AND",
                        "effect_refs": [self.ids[node.id]],
                        "extensions": {
                            AF_EXTENSION: {"extension_type": "new-sdo"},
                            AG_EXTENSION: {
                                "extension_type": "property-extension",
                                "gate_of": self.ids[node.id],
                            },
                        },
                    }
                )
            obj = self.node_object(node)
            self.objects[node.id] = obj
            nodes_out.append(obj)
        relationships, labels = self.edges()
        mitigation_objects = [
            o for m in model.mitigations.values() for o in self.mitigation_objects(m)
        ]
        flow = self.flow_object(flow_id, record, labels, preds)
        bundle_id = record.get("bundle_id")
        if not is_stix_id(bundle_id, "bundle"):
            bundle_id = f"bundle--{uuid.uuid5(self.space, 'bundle')}"
        objects = [
            *_definitions(),
            flow,
            *self.author_objects(flow, record),
            *nodes_out,
            *relationships,
            *mitigation_objects,
        ]
        return {"type": "bundle", "id": bundle_id, "objects": objects}

    def author_objects(
        self,
        flow: dict[str, Any],
        record: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """The flow's author as the identity its ``created_by_ref`` names."""
        if self.author is None:
            return []
        wanted = record.get("created_by_ref")
        if wanted in (CTID_IDENTITY, AG_IDENTITY):
            wanted = None
        identity_id = self.new_id("identity", "author", wanted)
        flow["created_by_ref"] = identity_id
        identity = {
            "type": "identity",
            "spec_version": "2.1",
            "id": identity_id,
            "created": flow["created"],
            "modified": flow["modified"],
            "name": self.author["name"],
        }
        identity.update({k: v for k, v in self.author.items() if k != "name"})
        return [identity]

    def flow_object(
        self, flow_id: str, record: dict[str, Any], labels: list[list[Any]], preds: dict[str, int]
    ) -> dict[str, Any]:
        model = self.model
        startable = [
            n for n in model.nodes if self.types[n] in ("attack-action", "attack-condition")
        ]
        starts = (
            [n for n in startable if model.nodes[n].kind == "entry"]
            or [n for n in startable if preds[n] == 0]
            or startable[:1]
        )
        if not starts:
            raise FormatError(
                "cannot write an Attack Flow: it needs at least one action or "
                "condition to start from, and every node here is an asset or "
                "an operator."
            )
        scope = record.get("scope")
        flow: dict[str, Any] = {"type": "attack-flow", "spec_version": "2.1", "id": flow_id}
        self.stamp(flow, record)
        flow["name"] = model.title
        if model.description:
            flow["description"] = model.description
        flow["scope"] = (
            scope
            if scope
            in (
                "incident",
                "campaign",
                "threat-actor",
                "malware",
                "emulation-plan",
                "attack-tree",
                "other",
            )
            else "other"
        )
        flow["start_refs"] = [self.ids[n] for n in starts]
        ext: dict[str, Any] = {"extension_type": "property-extension"}
        if model.description:
            ext["description"] = model.description
        for key, items in (
            ("components", model.components.values()),
            ("profiles", model.profiles.values()),
            ("releases", model.releases.values()),
        ):
            dicts = [item.to_dict() for item in items]
            if dicts:
                ext[key] = dicts
        if model.layout:
            ext["layout"] = [{"node": n, "x": x, "y": y} for n, (x, y) in model.layout.items()]
        if labels:
            ext["edges"] = labels
        extras = _other_extras(model.extras)
        if extras:
            ext["extras"] = extras
        flow["extensions"] = {AF_EXTENSION: {"extension_type": "new-sdo"}, AG_EXTENSION: ext}
        return flow


def _external_references(refs: Any) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for ref in refs:
        if _CVE.fullmatch(ref):
            out.append({"source_name": "cve", "external_id": ref})
        elif _ATTACK_MITIGATION.fullmatch(ref):
            out.append(
                {
                    "source_name": "mitre-attack",
                    "external_id": ref,
                    "url": f"https://attack.mitre.org/mitigations/{ref}",
                }
            )
        elif _URL.fullmatch(ref):
            out.append({"source_name": "reference", "url": ref})
    return out


def _definitions() -> list[dict[str, Any]]:
    """The extension definitions the bundle uses, and their creators."""
    created = "2022-08-02T19:34:35.143Z"
    ours = "2025-01-01T00:00:00.000Z"
    return [
        {
            "type": "extension-definition",
            "id": AF_EXTENSION,
            "spec_version": "2.1",
            "name": "Attack Flow",
            "description": "Extends STIX 2.1 with features to create Attack Flows.",
            "created": created,
            "modified": created,
            "created_by_ref": CTID_IDENTITY,
            "schema": "https://center-for-threat-informed-defense.github.io/attack-flow/stix/"
            "attack-flow-schema-2.0.0.json",
            "version": "2.0.0",
            "extension_types": ["new-sdo"],
            "external_references": [
                {
                    "source_name": "Documentation",
                    "description": "Documentation for Attack Flow",
                    "url": "https://center-for-threat-informed-defense.github.io/attack-flow",
                },
                {
                    "source_name": "GitHub",
                    "description": "Source code repository for Attack Flow",
                    "url": "https://github.com/center-for-threat-informed-defense/attack-flow",
                },
            ],
        },
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": CTID_IDENTITY,
            "created_by_ref": CTID_IDENTITY,
            "created": created,
            "modified": created,
            "name": "MITRE Center for Threat-Informed Defense",
            "identity_class": "organization",
        },
        {
            "type": "extension-definition",
            "id": AG_EXTENSION,
            "spec_version": "2.1",
            "name": "attackgraph model fields",
            "description": "Model fields of attackgraph that Attack Flow has no place for: node "
            "kinds, gates, costs, probabilities, components, attacker profiles, "
            "releases, mitigation fields and the canvas layout.",
            "created": ours,
            "modified": ours,
            "created_by_ref": AG_IDENTITY,
            "schema": "A property extension on attack-flow, attack-action, attack-condition, "
            "attack-operator, attack-asset and course-of-action objects holding the "
            "attackgraph model format's fields of the same names (version 1); "
            "'gate_of' marks an operator written for an AND gate.",
            "version": "1.0.0",
            "extension_types": ["property-extension"],
        },
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": AG_IDENTITY,
            "created_by_ref": AG_IDENTITY,
            "created": ours,
            "modified": ours,
            "name": "attackgraph",
            "identity_class": "system",
        },
    ]


def model_to_bundle(model: AttackModel) -> dict[str, Any]:
    """The model as an Attack Flow STIX 2.1 bundle (plain data).

    Raises
    ------
    FormatError
        The model has nothing an Attack Flow can start from.
    """
    return _Writer(model).bundle()


def generate_stix(model: AttackModel) -> str:
    """The model as Attack Flow STIX 2.1 JSON text (two-space indent)."""
    return json.dumps(model_to_bundle(model), indent=2, ensure_ascii=False) + "\n"

"""Attack Flow objects (STIX 2.1) -> attackgraph model.

The language has no execution semantics, so the importer decides, and says
so in warnings:

- every ``attack-action``, ``attack-condition``, ``attack-operator`` and
  ``attack-asset`` becomes a node; an operator becomes a step with an
  ``and``/``or`` gate (cost 0), conditions and assets are cost-0 steps;
- ``effect_refs``, ``on_true_refs``/``on_false_refs`` (edges labelled
  ``true``/``false``), ``asset_refs`` (action -> asset) and ``relationship``
  objects between flow objects become edges; an asset whose ``object_ref``
  names a flow object (how the Builder exports an asset -> action line)
  enables it;
- ``start_refs`` and nodes without predecessors are entries, sinks are
  goals, unless attackgraph's own extension says otherwise;
- ``course-of-action`` objects related to flow objects become mitigations
  blocking them;
- a node with several enablers and no operator is an OR (warning); cycles,
  dangling references and display strings instead of technique ids are
  warnings, never failures;
- every other STIX object is kept as text: notes and related objects go
  into the description of the nodes they concern (CVE names into ``refs``),
  the rest into the model's description.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from attackgraph.catalogs.techniques import TechniqueId, normalize_technique
from attackgraph.formats.attack_flow.common import (
    AG_EXTENSION,
    FLOW_TYPES,
    UNKNOWN_AUTHOR,
    author_record,
    split_analysis,
)
from attackgraph.formats.building import ModelBuilder, first_line, join_text, slug, unique_id
from attackgraph.formats.native import CheckedModel
from attackgraph.model.schema import MITIGATION_FIELDS, NODE_FIELDS, Field, check_value, is_id

__all__ = ["import_objects"]

_KEPT = (
    "tactic_id",
    "tactic_ref",
    "technique_ref",
    "confidence",
    "execution_start",
    "execution_end",
    "command_ref",
    "pattern",
    "pattern_type",
    "pattern_version",
    "object_ref",
    "created",
    "modified",
    "created_by_ref",
)
"""Scalar properties of flow objects kept in the node's ``x-stix`` extra, so
that an export writes them back."""

_OTHER_CATALOGS = re.compile(
    r"F3\.[FT]\d{4}(?:\.\d{3})?"  # MITRE F3 (the Builder offers it)
    r"|D3-[A-Z][A-Za-z0-9]{0,15}"  # MITRE D3FEND
    r"|(?:[BCEF]\d{4}|OB\d{4})(?:\.\d{3})?"
)  # Malware Behavior Catalog
"""Technique ids of catalogs other than ATT&CK and ATLAS, kept as written."""
_SLASHED = re.compile(r"(T\d{4})/(\d{3})", re.IGNORECASE)

_NODE_EXT = {f.name: f for f in NODE_FIELDS if f.name not in ("id", "label")}
_MIT_EXT = {f.name: f for f in MITIGATION_FIELDS if f.name not in ("id", "label", "blocks")}
_SKIPPED_TYPES = {
    "extension-definition",
    "relationship",
    "marking-definition",
    "language-content",
    "identity",
}


@dataclass
class _Link:
    source: str
    target: str
    pointer: str
    label: str | None = None


@dataclass
class _Import:
    builder: ModelBuilder
    objects: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)
    node_of: dict[str, str] = field(default_factory=dict)
    links: list[_Link] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    refs: dict[str, list[str]] = field(default_factory=dict)
    blocks: dict[str, list[str]] = field(default_factory=dict)
    explained: set[str] = field(default_factory=set)
    gated: set[str] = field(default_factory=set)
    merged: dict[str, str] = field(default_factory=dict)


def _ext(obj: dict[str, Any]) -> dict[str, Any]:
    extensions = obj.get("extensions")
    ext = extensions.get(AG_EXTENSION) if isinstance(extensions, dict) else None
    return ext if isinstance(ext, dict) else {}


def _text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _name_of(obj: dict[str, Any]) -> str:
    for key in ("name", "abstract", "value", "account_login", "path", "description"):
        value = _text(obj, key)
        if value:
            return first_line(value, 80)
    return str(obj.get("id", "?"))[:80]


def import_objects(
    builder: ModelBuilder,
    objects: Sequence[Any],
    pointers: Sequence[str],
    layout: dict[str, tuple[float, float]] | None = None,
    model_extras: dict[str, Any] | None = None,
) -> CheckedModel:
    """Build the model from a list of STIX objects.

    Parameters
    ----------
    builder : ModelBuilder
        Collects the model and the problems.
    objects : sequence
        The bundle's objects (anything: each is checked).
    pointers : sequence of str
        Where each object is in the source file.
    layout : dict, optional
        Canvas position by STIX id (from an ``.afb`` file).
    model_extras : dict, optional
        Extra keys for the model's ``x-stix`` record (e.g. the bundle id).

    Returns
    -------
    CheckedModel
    """
    state = _Import(builder)
    flow = _index(state, objects, pointers)
    flow_ext: dict[str, Any] = {}
    starts: list[str] = []
    if flow is not None:
        flow_obj, flow_pointer = flow
        flow_ext = _ext(flow_obj)
        starts = _refs(state, flow_obj, "start_refs", flow_pointer)
    else:
        builder.warn(
            "",
            "the bundle has no attack-flow object; the flow objects are imported "
            "without a title or start points",
        )
    for stix_id, (obj, pointer) in state.objects.items():
        if obj["type"] in FLOW_TYPES:
            _add_node(state, stix_id, obj, pointer)
    _merge_synthetic_operators(state)
    for stix_id, (obj, pointer) in state.objects.items():
        if stix_id not in state.merged:
            _collect_links(state, stix_id, obj, pointer)
    _resolve_links(state)
    _mark_starts(state, starts, flow[1] if flow else "")
    _attach_text(state)
    _add_mitigations(state)
    _warn_ambiguous_enablers(state)
    builder.report_cycles()
    _model_fields(state, flow, flow_ext, model_extras or {})
    if layout:
        for stix_id, node_id in state.node_of.items():
            if stix_id in layout:
                builder.layout[node_id] = list(layout[stix_id])
    return builder.finish()


# ------------------------------------------------------------------ indexing
def _index(
    state: _Import,
    objects: Sequence[Any],
    pointers: Sequence[str],
) -> tuple[dict[str, Any], str] | None:
    flow = None
    for obj, pointer in zip(objects, pointers, strict=True):
        if not isinstance(obj, dict):
            state.builder.warn(pointer, "this entry is not a STIX object; it is skipped")
            continue
        stix_id, kind = obj.get("id"), obj.get("type")
        if not isinstance(kind, str) or not isinstance(stix_id, str) or not stix_id:
            state.builder.warn(pointer, "this object has no 'type' or 'id' string; it is skipped")
            continue
        if stix_id in state.objects:
            state.builder.warn(
                pointer, f"a second object has the id {stix_id[:80]!r}; only the first is imported"
            )
            continue
        state.objects[stix_id] = (obj, pointer)
        if kind == "attack-flow":
            if flow is None:
                flow = (obj, pointer)
            else:
                state.builder.warn(
                    pointer,
                    "the bundle has a second attack-flow object; "
                    "only the first one's name and start points count",
                )
    return flow


def _refs(state: _Import, obj: dict[str, Any], key: str, pointer: str) -> list[str]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        state.builder.warn(
            f"{pointer}/{key}", f"'{key}' should be a list of STIX ids; it is ignored"
        )
        return []
    out = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            out.append(item)
        else:
            state.builder.warn(
                f"{pointer}/{key}/{index}", "this reference is not a STIX id string; it is ignored"
            )
    return out


# --------------------------------------------------------------------- nodes
def _ext_fields(
    state: _Import,
    ext: dict[str, Any],
    fields: dict[str, Field],
    pointer: str,
) -> dict[str, Any]:
    """attackgraph's own fields from the extension, each checked."""
    out: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in ext:
            continue
        value = ext[name]
        message, _ = check_value(spec, value)
        if message is not None:
            state.builder.warn(
                f"{pointer}/extensions/{AG_EXTENSION}/{name}",
                f"attackgraph's '{name}' {message.rstrip('.')}; it is ignored",
            )
            continue
        out[name] = list(value) if isinstance(value, list) else value
    return out


def _add_node(state: _Import, stix_id: str, obj: dict[str, Any], pointer: str) -> None:
    builder = state.builder
    role = FLOW_TYPES[obj["type"]]
    ext = _ext(obj)
    wanted = ext.get("id") if isinstance(ext.get("id"), str) and is_id(ext["id"]) else None
    data: dict[str, Any] = {}
    description = _text(obj, "description")
    if role == "action":
        label = _text(obj, "name") or _text(obj, "technique_id") or "Unnamed action"
        if not _text(obj, "name"):
            builder.warn(pointer, f"this attack-action has no name; it is labelled {label[:60]!r}")
    elif role == "condition":
        label = first_line(description or "Condition")
        if description == label:
            description = None
    elif role == "operator":
        operator = obj.get("operator")
        if operator not in ("AND", "OR"):
            builder.warn(
                f"{pointer}/operator",
                f"the operator is {str(operator)[:40]!r}, not 'AND' or 'OR'; it is imported as OR",
            )
            operator = "OR"
        label = operator
        data["gate"] = operator.lower()
        state.gated.add(stix_id)
    else:
        label = _text(obj, "name") or "Unnamed asset"
    if isinstance(ext.get("label"), str) and ext["label"].strip():
        label = ext["label"]
    readable = label
    if role == "operator":  # name the gate after what it gates: "and-deploy-container"
        effects = obj.get("effect_refs")
        first = effects[0] if isinstance(effects, list) and effects else None
        target = (
            state.objects.get(first)[0]
            if isinstance(first, str) and first in state.objects
            else None
        )
        if target is not None:
            readable = f"{label} {_name_of(target)}"
    node_id = builder.new_id(wanted or slug(readable, role), role)
    data = {"id": node_id, "label": label, **data}
    fields = _ext_fields(state, ext, _NODE_EXT, pointer)
    explicit = "kind" in fields
    if "gate" in fields or "kind" in fields:  # attackgraph wrote it: the gate is decided
        state.gated.add(stix_id)
    if role != "action":
        data["cost"] = 0
    data.update(fields)
    techniques = list(fields.get("techniques", []))
    raw = obj.get("technique_id")
    if raw is not None and role == "action":
        found = _technique(raw)
        if found.note:
            builder.warn(
                f"{pointer}/technique_id",
                f"the technique id {found.note}"
                + (
                    f"; imported as {found.id}"
                    if found.id
                    else "; it is kept in the node's description"
                ),
            )
        if found.id and found.id not in techniques:
            techniques.insert(0, found.id)
        elif found.id is None and isinstance(raw, str) and raw.strip():
            description = join_text([description, f"Technique: {raw.strip()[:200]}"])
    if techniques:
        data["techniques"] = techniques
    refs = fields["refs"] if "refs" in fields else _external_refs(obj)
    if refs:
        data["refs"] = list(dict.fromkeys(refs))
    if description and "description" not in fields:
        data["description"] = description
    data.update(_ext_extras(ext))
    data["x-stix"] = _kept(state, obj, pointer)
    _reorder(data)
    builder.add_node(data, pointer, explicit_kind=explicit)
    state.node_of[stix_id] = node_id


def _technique(raw: Any) -> TechniqueId:
    """An ATT&CK or ATLAS id (normalised), or an id of another catalog the
    Builder offers (F3, D3FEND) or the 2023 corpus uses (MBC), as written."""
    if isinstance(raw, str):
        text = raw.strip()
        if _OTHER_CATALOGS.fullmatch(text):
            return TechniqueId(text)
        slashed = _SLASHED.fullmatch(text)
        if slashed:
            fixed = f"{slashed.group(1).upper()}.{slashed.group(2)}"
            return TechniqueId(fixed, f"was written {text!r}")
    return normalize_technique(raw)


def _ext_extras(ext: dict[str, Any]) -> dict[str, Any]:
    extras = ext.get("extras")
    if not isinstance(extras, dict):
        return {}
    return {
        k: v
        for k, v in extras.items()
        if isinstance(k, str) and k.startswith("x-") and k != "x-stix"
    }


def _external_refs(obj: dict[str, Any]) -> list[str]:
    out = []
    refs = obj.get("external_references")
    for ref in refs if isinstance(refs, list) else []:
        if not isinstance(ref, dict):
            continue
        for key in ("external_id", "url"):
            value = ref.get(key)
            if isinstance(value, str) and value.strip() and len(value) < 2000:
                out.append(value.strip())
                break
    return out


def _merge_synthetic_operators(state: _Import) -> None:
    """Fold operators attackgraph wrote for an ``and`` gate back into the
    node they gate (``gate_of`` in attackgraph's extension)."""
    for stix_id, (obj, _) in list(state.objects.items()):
        if obj["type"] != "attack-operator":
            continue
        target = _ext(obj).get("gate_of")
        effects = obj.get("effect_refs")
        if (
            isinstance(target, str)
            and target in state.node_of
            and effects == [target]
            and stix_id in state.node_of
        ):
            node_id = state.node_of.pop(stix_id)
            del state.builder.nodes[node_id]
            state.builder.taken.discard(node_id)
            gated = state.builder.nodes[state.node_of[target]].data
            gated["gate"] = "and" if obj.get("operator") == "AND" else "or"
            state.gated.add(target)
            state.merged[stix_id] = target


# --------------------------------------------------------------------- edges
def _collect_links(state: _Import, stix_id: str, obj: dict[str, Any], pointer: str) -> None:
    kind = obj["type"]
    if kind in FLOW_TYPES:
        for key in ("effect_refs", "asset_refs", "on_true_refs", "on_false_refs"):
            label = {"on_true_refs": "true", "on_false_refs": "false"}.get(key)
            targets = _refs(state, obj, key, pointer)
            for index, target in enumerate(targets):
                state.links.append(_Link(stix_id, target, f"{pointer}/{key}/{index}", label))
            if key == "on_false_refs" and targets:
                state.builder.warn(
                    f"{pointer}/{key}",
                    "the condition's false branch is "
                    "imported as edges labelled 'false': attackgraph has no "
                    "negation, so either branch may be taken",
                )
        target = obj.get("object_ref")
        if kind == "attack-asset" and isinstance(target, str):
            if target in state.node_of or target in state.merged:
                state.links.append(_Link(stix_id, target, f"{pointer}/object_ref"))
            elif target in state.objects:
                state.notes.setdefault(stix_id, []).append(_describe_object(state, target))
                _refs_of_object(state, stix_id, target)
            else:
                state.builder.warn(
                    f"{pointer}/object_ref",
                    f"the asset refers to {target[:80]!r}, which is not in the bundle",
                )
    elif kind == "relationship":
        source, target = obj.get("source_ref"), obj.get("target_ref")
        if not isinstance(source, str) or not isinstance(target, str):
            state.builder.warn(
                pointer, "this relationship lacks a source_ref or target_ref; it is ignored"
            )
            return
        label = obj.get("relationship_type")
        label = label if isinstance(label, str) and label not in ("related-to", "") else None
        _relationship(state, source, target, label, pointer)
    elif kind == "note":
        text = join_text([_text(obj, "abstract"), _text(obj, "content")])
        for index, target in enumerate(_refs(state, obj, "object_refs", pointer)):
            node = _flow_target(state, target)
            if node is not None and text:
                state.notes.setdefault(node, []).append(f"Note: {text}")
                state.explained.add(stix_id)
            elif target not in state.objects:
                state.builder.warn(
                    f"{pointer}/object_refs/{index}",
                    f"the note refers to {target[:80]!r}, which is not in the bundle",
                )


def _flow_target(state: _Import, stix_id: str) -> str | None:
    stix_id = state.merged.get(stix_id, stix_id)
    return stix_id if stix_id in state.node_of else None


def _relationship(
    state: _Import, source: str, target: str, label: str | None, pointer: str
) -> None:
    flow_source, flow_target = _flow_target(state, source), _flow_target(state, target)
    if flow_source and flow_target:
        state.links.append(_Link(source, target, pointer, label))
        return
    for flow_node, other in ((flow_source, target), (flow_target, source)):
        if flow_node is None:
            continue
        if other not in state.objects:
            state.builder.warn(
                pointer, f"the relationship refers to {other[:80]!r}, which is not in the bundle"
            )
        elif state.objects[other][0]["type"] == "course-of-action":
            state.blocks.setdefault(other, []).append(flow_node)
        else:
            state.notes.setdefault(flow_node, []).append(_describe_object(state, other))
            _refs_of_object(state, flow_node, other)
        return
    for end in (source, target):
        if end not in state.objects:
            state.builder.warn(
                pointer, f"the relationship refers to {end[:80]!r}, which is not in the bundle"
            )
            return


def _describe_object(state: _Import, stix_id: str) -> str:
    state.explained.add(stix_id)
    obj = state.objects[stix_id][0]
    kind = obj["type"][:60].replace("-", " ")
    text = f"Related {kind}: {_name_of(obj)}"
    detail = _text(obj, "description")
    if detail and first_line(detail, 200) != _name_of(obj):
        text += f" ({first_line(detail, 200)})"
    return text


def _refs_of_object(state: _Import, stix_id: str, other: str) -> None:
    obj = state.objects[other][0]
    found = _external_refs(obj)
    name = _text(obj, "name")
    if obj["type"] == "vulnerability" and name and name.upper().startswith("CVE-"):
        found.insert(0, name.strip())
    if found:
        state.refs.setdefault(stix_id, []).extend(found)


def _resolve_links(state: _Import) -> None:
    builder = state.builder
    for link in state.links:
        source = _flow_target(state, link.source)
        target = _flow_target(state, link.target)
        if source is None or target is None:
            missing = link.source if source is None else link.target
            if missing in state.objects:
                builder.warn(
                    link.pointer,
                    f"{missing[:80]!r} is a "
                    f"{state.objects[missing][0]['type'][:60]}, not a flow object; the "
                    "link is kept as text",
                )
                node = source or target
                if node:
                    state.notes.setdefault(node, []).append(_describe_object(state, missing))
            else:
                builder.warn(
                    link.pointer,
                    f"the reference {missing[:80]!r} names no object "
                    "in the bundle; the edge is left out",
                )
            continue
        builder.add_edge(state.node_of[source], state.node_of[target], link.pointer, link.label)


def _mark_starts(state: _Import, starts: list[str], pointer: str) -> None:
    preds = state.builder.predecessors()
    for index, start in enumerate(starts):
        stix_id = _flow_target(state, start)
        if stix_id is None:
            state.builder.warn(
                f"{pointer}/start_refs/{index}",
                f"the start point {start[:80]!r} is not a flow object of the bundle",
            )
            continue
        node_id = state.node_of[stix_id]
        node = state.builder.nodes[node_id]
        if node.explicit_kind:
            continue
        if preds[node_id]:  # not where an attacker starts: step or goal, as the edges say
            state.builder.warn(
                f"{pointer}/start_refs/{index}",
                f"the start point "
                f"{node.data['label'][:60]!r} has {len(preds[node_id])} "
                "enabler(s); it is imported as a step or goal, as its edges "
                "say",
            )
            continue
        node.data["kind"] = "entry"
        node.explicit_kind = True


def _attach_text(state: _Import) -> None:
    for stix_id, node_id in state.node_of.items():
        data = state.builder.nodes[node_id].data
        lines = list(dict.fromkeys(state.notes.get(stix_id, [])))
        if lines:
            text = join_text([data.get("description"), "\n".join(f"- {line}" for line in lines)])
            data["description"] = text
        refs = state.refs.get(stix_id, [])
        if refs:
            data["refs"] = list(dict.fromkeys([*data.get("refs", []), *refs]))
        _reorder(data)


def _kept(state: _Import, obj: dict[str, Any], pointer: str) -> dict[str, Any]:
    """The Attack Flow properties an export writes back, each type-checked."""
    kept = {"id": obj["id"], "type": obj["type"]}
    for key in _KEPT:
        value = obj.get(key)
        if value is None:
            continue
        if key == "confidence":
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100:
                kept[key] = value
            else:
                state.builder.warn(
                    f"{pointer}/{key}",
                    "the confidence is not a whole number from 0 to 100; it is ignored",
                )
        elif isinstance(value, str):
            if len(value) <= 10000:
                kept[key] = value
        else:
            state.builder.warn(f"{pointer}/{key}", f"'{key}' is not text; it is ignored")
    return kept


def _reorder(data: dict[str, Any]) -> None:
    order = [f.name for f in NODE_FIELDS]
    items = {k: data[k] for k in order if k in data}
    items.update({k: v for k, v in data.items() if k not in items})
    data.clear()
    data.update(items)


def _add_mitigations(state: _Import) -> None:
    taken: set[str] = set()
    for coa_id, (obj, pointer) in state.objects.items():
        if obj["type"] != "course-of-action":
            continue
        blocked = list(dict.fromkeys(state.node_of[s] for s in state.blocks.get(coa_id, [])))
        if not blocked:
            continue
        state.explained.add(coa_id)
        ext = _ext(obj)
        label = _text(obj, "name") or "Unnamed course of action"
        wanted = ext.get("id") if isinstance(ext.get("id"), str) and is_id(ext["id"]) else None
        data: dict[str, Any] = {
            "id": unique_id(wanted or slug(label, "mitigation"), taken, "mitigation"),
            "label": label,
            "blocks": blocked,
        }
        fields = _ext_fields(state, ext, _MIT_EXT, pointer)
        refs = fields.pop("refs") if "refs" in fields else _external_refs(obj)
        data.update(fields)
        data.update(_ext_extras(ext))
        if refs:
            data["refs"] = list(dict.fromkeys(refs))
        description, status = split_analysis(_text(obj, "description"))
        if description and "description" not in data:
            data["description"] = description
        if status and "status" not in data and status != "proposed":
            data["status"] = status  # what attackgraph's export said (an .afb file)
        data["x-stix"] = {"id": coa_id, "type": "course-of-action"}
        order = [f.name for f in MITIGATION_FIELDS]
        ordered = {k: data[k] for k in order if k in data}
        ordered.update({k: v for k, v in data.items() if k not in ordered})
        state.builder.add_mitigation(ordered, pointer)


def _warn_ambiguous_enablers(state: _Import) -> None:
    preds = state.builder.predecessors()
    for stix_id, node_id in state.node_of.items():
        count = len(preds[node_id])
        if count > 1 and stix_id not in state.gated:
            node = state.builder.nodes[node_id]
            state.builder.warn(
                node.pointer,
                f"{node.data['label'][:60]!r} has {count} "
                "enablers and no operator: it is imported as OR (any one "
                "enables it); set its gate to AND if all are needed",
            )


# --------------------------------------------------------------------- model
def _model_fields(
    state: _Import,
    flow: tuple[dict[str, Any], str] | None,
    flow_ext: dict[str, Any],
    model_extras: dict[str, Any],
) -> None:
    builder = state.builder
    record: dict[str, Any] = dict(model_extras)
    parts: list[str | None] = []
    if flow is not None:
        obj, pointer = flow
        builder.title = _text(obj, "name") or "Imported Attack Flow"
        record["flow_id"] = obj["id"]
        for key in ("scope", "created", "modified", "created_by_ref"):
            if isinstance(obj.get(key), str):
                record[key] = obj[key]
        author = _author(state, obj, pointer)
        if author:
            record["author"] = author
        description = (
            flow_ext.get("description")
            if isinstance(flow_ext.get("description"), str)
            else _text(obj, "description")
        )
        parts.append(description)
        if "description" not in flow_ext:
            references = obj.get("external_references")
            if references is not None and not isinstance(references, list):
                builder.warn(
                    f"{pointer}/external_references",
                    "'external_references' should be a list; it is ignored",
                )
            sources = [
                _source_line(ref)
                for ref in (references if isinstance(references, list) else [])
                if isinstance(ref, dict)
            ]
            sources = [s for s in sources if s]
            if sources:
                parts.append("Sources:\n" + "\n".join(f"- {s}" for s in sources))
        _model_lists(state, flow_ext, pointer)
    if "description" not in flow_ext:
        others = [
            f"{o['type'][:60]} {_name_of(o)!r}"
            for sid, (o, _) in state.objects.items()
            if sid not in state.explained
            and o["type"] not in FLOW_TYPES
            and o["type"] not in _SKIPPED_TYPES
            and o["type"] != "attack-flow"
            and sid not in state.merged
        ]
        if others:
            parts.append(
                "Also in the bundle: "
                + "; ".join(others[:50])
                + ("; ..." if len(others) > 50 else "")
                + "."
            )
    builder.description = join_text(parts)
    if isinstance(flow_ext.get("description"), str):
        builder.description = flow_ext["description"]
    builder.extras["x-stix"] = record


def _author(state: _Import, flow: dict[str, Any], pointer: str) -> dict[str, str] | None:
    """The flow's author: the identity its ``created_by_ref`` names (the
    Builder's STIX export), else the ``author`` an ``.afb`` flow block holds
    (older Builders also leaked it into their STIX as ``[name, value]`` pairs)."""
    ref = flow.get("created_by_ref")
    if isinstance(ref, str) and ref in state.objects:
        identity, where = state.objects[ref]
        if identity.get("type") == "identity":
            state.explained.add(ref)
            author = author_record(identity)
            if author is not None:
                return None if author == UNKNOWN_AUTHOR else author
            state.builder.warn(where, "the flow's author has no name; it is ignored")
        else:
            state.builder.warn(
                f"{pointer}/created_by_ref",
                f"the flow's creator {ref[:80]!r} "
                f"is a {str(identity.get('type'))[:40]}, not an identity; it is "
                "ignored",
            )
    raw = flow.get("author")
    if isinstance(raw, list) and all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in raw
    ):
        raw = {p[0]: p[1] for p in raw}
    author = author_record(raw)
    if author == UNKNOWN_AUTHOR:  # what attackgraph writes for a model without one
        return None
    if (
        author is None
        and raw not in (None, {})
        and not (isinstance(raw, dict) and raw.get("name") is None)
    ):
        state.builder.warn(
            f"{pointer}/author",
            "the author is not {name, identity_class, "
            "contact_information} with a name; it is "
            "ignored",
        )
    return author


def _source_line(ref: dict[str, Any]) -> str | None:
    name = ref.get("source_name") if isinstance(ref.get("source_name"), str) else None
    url = ref.get("url") if isinstance(ref.get("url"), str) else None
    desc = ref.get("description") if isinstance(ref.get("description"), str) else None
    text = " - ".join(p for p in (name, desc) if p)
    if url:
        text = f"{text}: {url}" if text else url
    return text or None


def _model_lists(state: _Import, flow_ext: dict[str, Any], pointer: str) -> None:
    """Components, profiles, releases and the layout from attackgraph's
    extension on the flow object."""
    builder = state.builder
    builder.add_model_lists(flow_ext, f"{pointer}/extensions/{AG_EXTENSION}")
    extras = flow_ext.get("extras")
    if isinstance(extras, dict):
        builder.extras.update(
            {
                k: v
                for k, v in extras.items()
                if isinstance(k, str) and k.startswith("x-") and k != "x-stix"
            }
        )
    listed = flow_ext.get("edges")
    if isinstance(listed, list):
        ordered: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for item in listed:
            if not (
                isinstance(item, list)
                and len(item) in (3, 4)
                and all(isinstance(v, str) for v in item[:3])
            ):
                continue
            entry = builder.edges.get((item[0], item[1]))
            if entry is not None and (item[0], item[1]) not in ordered:
                if item[2]:
                    entry[0]["label"] = item[2]
                else:
                    entry[0].pop("label", None)
                if len(item) == 4 and isinstance(item[3], dict):
                    entry[0].update(_ext_extras({"extras": item[3]}))
                ordered[(item[0], item[1])] = entry
        ordered.update({k: v for k, v in builder.edges.items() if k not in ordered})
        builder.edges.clear()
        builder.edges.update(ordered)
    layout = flow_ext.get("layout")
    where = f"{pointer}/extensions/{AG_EXTENSION}/layout"
    if isinstance(layout, list):
        for index, item in enumerate(layout):
            node = item.get("node") if isinstance(item, dict) else None
            if (
                isinstance(node, str)
                and node in builder.nodes
                and all(_finite(item.get(k)) for k in ("x", "y"))
            ):
                builder.layout[node] = [item["x"], item["y"]]
            else:
                builder.warn(
                    f"{where}/{index}",
                    'this layout entry is not {"node": a node '
                    'id, "x": number, "y": number}; it is '
                    "ignored",
                )
    elif layout is not None:
        builder.warn(where, "the layout should be a list; it is ignored")


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 1e15

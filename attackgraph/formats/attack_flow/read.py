"""Reading Attack Flow files: STIX 2.1 bundles and ``.afb`` Builder files.

Both become a list of STIX objects that :mod:`.mapping` turns into a
model. The ``.afb`` file is a canvas (blocks, anchors, latches and lines);
an edge is recovered as line -> its latch -> the anchor holding the latch ->
the block owning the anchor, exactly as the Builder's own STIX export does:
an action's line to an action, operator or condition is an ``effect_ref``,
to an asset an ``asset_ref``; a condition's ``branch:True``/``branch:False``
anchors give ``on_true_refs``/``on_false_refs``; a note's line is one of its
``object_refs``; every other line is a ``related-to`` relationship.
"""

from __future__ import annotations

import re
from typing import Any

from attackgraph.errors import FormatError, Problem
from attackgraph.formats.attack_flow.common import CONFIDENCE_TERMS, FLOW_TYPES, load_json
from attackgraph.formats.attack_flow.mapping import import_objects
from attackgraph.formats.building import ModelBuilder
from attackgraph.formats.native import CheckedModel

__all__ = ["check_afb", "check_stix", "sniff_afb", "sniff_stix"]

_BUNDLE = re.compile(rb'"type"\s*:\s*"bundle"')
_AFB = re.compile(rb'"schema"\s*:\s*"attack_flow_v')
_TEMPLATE_TYPES = {
    "action": "attack-action",
    "asset": "attack-asset",
    "condition": "attack-condition",
    "AND_operator": "attack-operator",
    "OR_operator": "attack-operator",
    "flow": "attack-flow",
}
_HELPERS = {
    "dynamic_line",
    "generic_latch",
    "generic_handle",
    "horizontal_anchor",
    "vertical_anchor",
}
_HASH_KEY = re.compile(r"[0-9a-f]{32}")
_LINK_KEYS = {
    "effect_refs",
    "asset_refs",
    "on_true_refs",
    "on_false_refs",
    "object_refs",
    "start_refs",
    "object_ref",
    "command_ref",
    "source_ref",
    "target_ref",
    "extensions",
    "type",
    "id",
    "spec_version",
}


def _head(raw: bytes) -> bytes:
    return raw[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")


def sniff_stix(raw: bytes) -> bool:
    """Whether the content looks like a STIX bundle (JSON with a bundle type).

    Examples
    --------
    >>> sniff_stix(b'{"type": "bundle", "id": "bundle--1", "objects": []}')
    True
    >>> sniff_stix(b'{"format": "attackgraph"}')
    False
    """
    head = _head(raw)
    return head[:1] == b"{" and bool(_BUNDLE.search(head))


def sniff_afb(raw: bytes) -> bool:
    """Whether the content looks like an Attack Flow Builder file.

    Examples
    --------
    >>> sniff_afb(b'{"schema": "attack_flow_v2", "objects": []}')
    True
    """
    head = _head(raw)
    return head[:1] == b"{" and bool(_AFB.search(head))


def _failed(exc: FormatError) -> CheckedModel:
    return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])


def check_stix(raw: bytes) -> CheckedModel:
    """Read an Attack Flow STIX 2.1 bundle; never raises for bad input."""
    try:
        data = load_json(raw, "an Attack Flow file holds a STIX bundle")
    except FormatError as exc:
        return _failed(exc)
    builder = ModelBuilder("Attack Flow")
    if not isinstance(data, dict) or data.get("type") != "bundle":
        builder.error(
            "" if not isinstance(data, dict) else "/type",
            "this is not a STIX bundle: an Attack Flow file holds "
            '{"type": "bundle", "objects": [...]}',
        )
        return CheckedModel(None, builder.problems)
    objects = data.get("objects")
    if not isinstance(objects, list):
        builder.error("/objects", "the bundle's 'objects' must be a list of STIX objects")
        return CheckedModel(None, builder.problems)
    extras = {"bundle_id": data["id"]} if isinstance(data.get("id"), str) else {}
    return import_objects(
        builder, objects, [f"/objects/{i}" for i in range(len(objects))], model_extras=extras
    )


# ----------------------------------------------------------------------- afb
def _pairs_to_value(value: Any) -> Any:
    """The Builder's ``[[key, value], ...]`` property lists as plain data."""
    if (
        isinstance(value, list)
        and value
        and all(
            isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) for item in value
        )
    ):
        keys = [item[0] for item in value]
        if all(_HASH_KEY.fullmatch(k) for k in keys):  # a list keyed by random hashes
            return [_pairs_to_value(item[1]) for item in value]
        return {item[0]: _pairs_to_value(item[1]) for item in value}
    if isinstance(value, list):
        return [_pairs_to_value(item) for item in value]
    return value


def check_afb(raw: bytes) -> CheckedModel:
    """Read an Attack Flow Builder (``.afb``) file; never raises for bad input."""
    try:
        data = load_json(raw, "an .afb file holds an Attack Flow Builder document")
    except FormatError as exc:
        return _failed(exc)
    builder = ModelBuilder("Attack Flow Builder")
    if not isinstance(data, dict) or not isinstance(data.get("objects"), list):
        builder.error(
            "" if not isinstance(data, dict) else "/objects",
            'this is not an Attack Flow Builder file: it holds {"schema": '
            '"attack_flow_v2", "objects": [...], "layout": {...}}',
        )
        return CheckedModel(None, builder.problems)
    schema = data.get("schema")
    if schema != "attack_flow_v2":
        builder.warn(
            "/schema",
            f"the file's schema is {str(schema)[:60]!r}, not "
            "'attack_flow_v2'; it is read as version 2",
        )
    objects, pointers = _afb_objects(builder, data["objects"])
    positions = _afb_layout(data.get("layout"))
    layout = {}
    for obj in objects:
        instance = obj["id"].split("--", 1)[1]
        if obj["type"] in FLOW_TYPES and instance in positions:
            layout[obj["id"]] = positions[instance]
    return import_objects(builder, objects, pointers, layout=layout)


def _afb_objects(builder: ModelBuilder, items: list[Any]) -> tuple[list[Any], list[str]]:
    blocks: dict[str, tuple[dict[str, Any], str, int]] = {}
    anchor_block: dict[str, tuple[str, str]] = {}
    latch_anchor: dict[str, str] = {}
    lines: list[tuple[dict[str, Any], str]] = []
    for index, item in enumerate(items):
        pointer = f"/objects/{index}"
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("id"), str)
            or not isinstance(item.get("instance"), str)
        ):
            builder.warn(pointer, "this entry has no template 'id' and 'instance'; skipped")
            continue
        template, instance = item["id"], item["instance"]
        if template == "dynamic_line":
            lines.append((item, pointer))
        elif template in ("horizontal_anchor", "vertical_anchor"):
            latches = item.get("latches")
            for latch in latches if isinstance(latches, list) else []:
                if isinstance(latch, str):
                    latch_anchor.setdefault(latch, instance)
        elif template not in _HELPERS:
            if instance in blocks:
                builder.warn(
                    pointer,
                    f"a second block has the instance {instance[:60]!r}; only the first is read",
                )
                continue
            blocks[instance] = (item, pointer, index)
            anchors = item.get("anchors")
            for name, anchor in anchors.items() if isinstance(anchors, dict) else ():
                if isinstance(anchor, str):
                    anchor_block.setdefault(anchor, (instance, str(name)))
    objects: dict[str, dict[str, Any]] = {}
    pointers: dict[str, str] = {}
    for instance, (item, pointer, _) in blocks.items():
        template = item["id"]
        kind = _TEMPLATE_TYPES.get(template, template.replace("_", "-"))
        obj = _block_properties(builder, item.get("properties"), pointer)
        obj.update({"type": kind, "id": f"{kind}--{instance}"})
        if template in ("AND_operator", "OR_operator"):
            obj["operator"] = template.split("_")[0]
        elif kind == "attack-action":
            _action_properties(builder, obj, pointer)
        objects[instance] = obj
        pointers[instance] = pointer
    relationships: list[tuple[dict[str, Any], str]] = []
    for line, pointer in lines:
        ends = []
        for key in ("source", "target"):
            latch = line.get(key)
            anchor = latch_anchor.get(latch) if isinstance(latch, str) else None
            ends.append(anchor_block.get(anchor) if anchor else None)
        if ends[0] is None or ends[1] is None:
            builder.warn(
                pointer, "this line is not attached to a block at both ends; it is left out"
            )
            continue
        (source, anchor_name), (target, _) = ends
        _afb_link(objects[source], objects[target], anchor_name, pointer, relationships)
    ordered = sorted(blocks, key=lambda i: blocks[i][2])
    out = [objects[i] for i in ordered] + [r for r, _ in relationships]
    where = [pointers[i] for i in ordered] + [p for _, p in relationships]
    return out, where


def _block_properties(builder: ModelBuilder, props: Any, pointer: str) -> dict[str, Any]:
    """A block's ``[[key, value], ...]`` properties as a STIX-like object;
    what a Builder block cannot hold (links, which are lines) is dropped."""
    if props is None:
        return {}
    where = f"{pointer}/properties"
    if not isinstance(props, list):
        builder.warn(
            where,
            "the block's properties should be a list of [name, value] pairs; they are ignored",
        )
        return {}
    obj: dict[str, Any] = {}
    for index, pair in enumerate(props):
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
            builder.warn(
                f"{where}/{index}", "this property is not a [name, value] pair; it is ignored"
            )
            continue
        key, value = pair[0], _pairs_to_value(pair[1])
        if key in _LINK_KEYS:
            builder.warn(
                f"{where}/{index}",
                f"a Builder file draws links as lines, not as "
                f"a {key[:40]!r} property; it is ignored",
            )
        elif key not in obj and value is not None and value != []:
            obj[key] = value
    return obj


def _action_properties(builder: ModelBuilder, obj: dict[str, Any], pointer: str) -> None:
    """The Builder's ``ttp`` pair and confidence term as the STIX properties
    its publisher writes (``tactic_id``, ``technique_id``, ``confidence``)."""
    ttp = obj.pop("ttp", None)
    if isinstance(ttp, dict):
        for part, key in (("tactic", "tactic_id"), ("technique", "technique_id")):
            value = ttp.get(part)
            if value is None:
                continue
            if not isinstance(value, str):
                builder.warn(
                    f"{pointer}/properties", f"the TTP's {part} is not text; it is ignored"
                )
            elif value.strip():
                if key in obj and obj[key] != value:
                    builder.warn(
                        f"{pointer}/properties",
                        f"the action's {key} "
                        f"{str(obj[key])[:40]!r} differs from its TTP's {part} "
                        f"{value[:40]!r}; the TTP's is used, as the Builder does",
                    )
                obj[key] = value
    elif ttp is not None:
        builder.warn(
            f"{pointer}/properties",
            "the action's 'ttp' is not a tactic and technique pair; it is ignored",
        )
    confidence = obj.get("confidence")
    if isinstance(confidence, str) and confidence in CONFIDENCE_TERMS:
        obj["confidence"] = CONFIDENCE_TERMS[confidence]
    elif confidence is not None and not (
        isinstance(confidence, int) and not isinstance(confidence, bool) and 0 <= confidence <= 100
    ):
        builder.warn(
            f"{pointer}/properties",
            f"the confidence {str(confidence)[:40]!r} is not "
            "one of the Builder's terms (" + ", ".join(CONFIDENCE_TERMS) + "); it is ignored",
        )
        del obj["confidence"]


def _afb_link(
    source: dict[str, Any],
    target: dict[str, Any],
    anchor: str,
    pointer: str,
    relationships: list[tuple[dict[str, Any], str]],
) -> None:
    """Store one Builder line the way the Builder's STIX export does."""
    kind, other = source["type"], target["type"]
    flow_targets = ("attack-action", "attack-operator", "attack-condition")
    key = None
    if (
        kind == "attack-condition"
        and anchor in ("branch:True", "branch:False")
        and other in flow_targets
    ):
        key = "on_true_refs" if anchor == "branch:True" else "on_false_refs"
    elif kind in ("attack-action", "attack-operator") and other in flow_targets:
        key = "effect_refs"
    elif kind == "attack-action" and other == "attack-asset":
        key = "asset_refs"
    elif kind == "note":
        key = "object_refs"
    if key is not None:
        refs = source.setdefault(key, [])
        if target["id"] not in refs:
            refs.append(target["id"])
        return
    relationships.append(
        (
            {
                "type": "relationship",
                "id": f"relationship--line-{pointer.rsplit('/', 1)[-1]}",
                "relationship_type": "related-to",
                "source_ref": source["id"],
                "target_ref": target["id"],
            },
            pointer,
        )
    )


def _afb_layout(layout: Any) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    if not isinstance(layout, dict):
        return out
    for instance, position in layout.items():
        if (
            isinstance(position, list)
            and len(position) == 2
            and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) < 1e9
                for v in position
            )
        ):
            out[str(instance)] = (float(position[0]), float(position[1]))
    return out

"""attackgraph model -> Attack Flow Builder (``.afb``) file.

The file holds what the Builder draws: one block per object of the STIX
export (actions, conditions, AND/OR operators, assets, courses of action),
each with the Builder's twelve anchors, and one line per reference or
relationship, attached bottom (anchor ``270``, or a condition's
``branch:True``/``branch:False``) to top (``90``). Block ids are the STIX
export's UUIDs, so an ``.afb`` and a ``.stix.json`` of one model share them.
Positions come from the model's layout; nodes without one are laid out in
layers. attackgraph's own data (node ids, kinds, costs, components, edge
labels ...) has no place in a Builder file, and an ``and`` gate is drawn as
an AND operator block: write ``.stix.json`` for a lossless copy.
"""

from __future__ import annotations

import json
import uuid
from collections import deque
from typing import Any

from attackgraph.formats.attack_flow.common import UNKNOWN_AUTHOR, confidence_term
from attackgraph.formats.attack_flow.write import _Writer
from attackgraph.model import AttackModel

__all__ = ["generate_afb"]

_ANGLES = ("0", "30", "60", "90", "120", "150", "180", "210", "240", "270", "300", "330")
_VERTICAL = {"60", "90", "120", "240", "270", "300", "branch:True", "branch:False"}
_CONDITION_ANCHORS = (
    "0",
    "30",
    "60",
    "90",
    "120",
    "150",
    "180",
    "210",
    "330",
    "branch:True",
    "branch:False",
)
_ANCHOR_OFFSET = {
    "90": (0.0, -100.0),
    "270": (0.0, 100.0),
    "branch:True": (-85.0, 70.0),
    "branch:False": (85.0, 70.0),
    "0": (150.0, 0.0),
    "180": (-150.0, 0.0),
    "330": (130.0, 60.0),
}
_PROPERTIES = {
    "attack-action": (
        "name",
        "tactic_id",
        "tactic_ref",
        "technique_id",
        "technique_ref",
        "description",
        "confidence",
        "execution_start",
        "execution_end",
    ),
    "attack-condition": ("description", "pattern", "pattern_type", "pattern_version"),
    "attack-asset": ("name", "description"),
    "attack-operator": ("operator",),
    "course-of-action": ("name", "description"),
}


class _Canvas:
    def __init__(self, seed: uuid.UUID) -> None:
        self.seed = seed
        self.count = 0
        self.objects: list[dict[str, Any]] = []
        self.layout: dict[str, list[float]] = {}
        self.anchors: dict[str, dict[str, dict[str, Any]]] = {}

    def new(self) -> str:
        self.count += 1
        return str(uuid.uuid5(self.seed, f"afb:{self.count}"))

    def block(
        self,
        template: str,
        instance: str,
        properties: list[list[Any]],
        position: tuple[float, float],
    ) -> None:
        names = _CONDITION_ANCHORS if template == "condition" else _ANGLES
        anchors: dict[str, dict[str, Any]] = {}
        for name in names:
            anchors[name] = {
                "id": "vertical_anchor" if name in _VERTICAL else "horizontal_anchor",
                "instance": self.new(),
                "latches": [],
            }
        self.anchors[instance] = anchors
        self.objects.append(
            {
                "id": template,
                "instance": instance,
                "properties": properties,
                "anchors": {n: a["instance"] for n, a in anchors.items()},
            }
        )
        self.objects.extend(anchors.values())
        self.layout[instance] = [float(position[0]), float(position[1])]

    def line(self, source: str, source_anchor: str, target: str, target_anchor: str) -> str:
        latches = []
        for block, anchor in ((source, source_anchor), (target, target_anchor)):
            latch = self.new()
            self.anchors[block][anchor]["latches"].append(latch)
            self.objects.append({"id": "generic_latch", "instance": latch})
            dx, dy = _ANCHOR_OFFSET.get(anchor, (0.0, 0.0))
            x, y = self.layout[block]
            self.layout[latch] = [x + dx, y + dy]
            latches.append(latch)
        handle, line = self.new(), self.new()
        self.objects.append({"id": "generic_handle", "instance": handle})
        self.objects.append(
            {
                "id": "dynamic_line",
                "instance": line,
                "source": latches[0],
                "target": latches[1],
                "handles": [handle],
            }
        )
        return line


def _layered(
    objects: list[dict[str, Any]],
    fixed: dict[str, tuple[float, float]],
) -> dict[str, tuple[float, float]]:
    """Positions for the blocks the model has none for: breadth-first layers
    from the blocks without incoming references."""
    ids = [o["id"] for o in objects]
    succ: dict[str, list[str]] = {i: [] for i in ids}
    indegree = dict.fromkeys(ids, 0)
    for o in objects:
        for key in ("effect_refs", "asset_refs", "on_true_refs", "on_false_refs"):
            for target in o.get(key, []):
                if target in succ:
                    succ[o["id"]].append(target)
                    indegree[target] += 1
    depth: dict[str, int] = {}
    queue = deque(i for i in ids if indegree[i] == 0)
    for i in queue:
        depth[i] = 0
    while queue:
        current = queue.popleft()
        for target in succ[current]:
            if target not in depth:
                depth[target] = depth[current] + 1
                queue.append(target)
    row: dict[int, int] = {}
    out = dict(fixed)
    for i in ids:
        if i in out:
            continue
        level = depth.get(i, max(depth.values(), default=0) + 1)
        column = row.get(level, 0)
        row[level] = column + 1
        out[i] = (column * 320.0, level * 260.0)
    return out


def _properties(obj: dict[str, Any]) -> list[list[Any]]:
    props: list[list[Any]] = [[key, obj.get(key)] for key in _PROPERTIES[obj["type"]]]
    if obj["type"] == "attack-action":
        confidence = obj.get("confidence")
        props = [
            [k, confidence_term(confidence) if k == "confidence" and confidence is not None else v]
            for k, v in props
        ]
        props.append(
            ["ttp", [["tactic", obj.get("tactic_id")], ["technique", obj.get("technique_id")]]]
        )
    elif obj["type"] == "attack-condition":
        props.append(["date", None])
    elif obj["type"] == "course-of-action":
        props += [["action_type", None], ["os_execution_envs", []], ["action_bin", None]]
    return props


def _instance(stix_id: str) -> str:
    return stix_id.split("--", 1)[1]


def _author(writer: _Writer) -> list[list[Any]]:
    """The flow's author block; the Builder requires a name, so a model
    without an author gets ``Unknown`` (identity class ``unknown``)."""
    author = writer.author or UNKNOWN_AUTHOR
    return [
        ["name", author["name"]],
        ["identity_class", author.get("identity_class")],
        ["contact_information", author.get("contact_information")],
    ]


def _edge_anchor(source_type: str, label: str | None) -> str:
    """Where a line leaves its source block: a condition's branch anchors
    for its true and false branches, its lower right anchor for any other
    line (the Builder exports that as a relationship), else the bottom."""
    if source_type == "attack-condition":
        return {"true": "branch:True", "false": "branch:False"}.get(label or "", "330")
    return "270"


def _mitigation_positions(
    model: AttackModel, writer: _Writer, positions: dict[str, tuple[float, float]]
) -> None:
    """Courses of action to the right of the flow, beside the first node
    each blocks."""
    right = max((p[0] for p in positions.values()), default=0.0) + 420.0
    used: set[tuple[float, float]] = set()
    for mit in model.mitigations.values():
        coa = writer.coa_ids[mit.id]
        if coa in positions:
            continue
        first = positions.get(writer.ids[mit.blocks[0]], (0.0, 0.0)) if mit.blocks else (0.0, 0.0)
        spot = (right, first[1])
        while spot in used:
            spot = (spot[0], spot[1] + 140.0)
        used.add(spot)
        positions[coa] = spot


def generate_afb(model: AttackModel) -> str:
    """The model as an Attack Flow Builder file (JSON text).

    Raises
    ------
    FormatError
        The model has nothing an Attack Flow can start from.
    """
    writer = _Writer(model)
    bundle = writer.bundle()
    flow = next(o for o in bundle["objects"] if o["type"] == "attack-flow")
    canvas = _Canvas(uuid.UUID(_instance(flow["id"])))
    drawn = [o for o in bundle["objects"] if o["type"] in _PROPERTIES]
    node_of = {writer.ids[n]: n for n in model.nodes}
    fixed = {sid: model.layout[node] for sid, node in node_of.items() if node in model.layout}
    flow_blocks = [o for o in drawn if o["type"] != "course-of-action"]
    positions = _layered(flow_blocks, fixed)
    _mitigation_positions(model, writer, positions)
    # STIX ids of different types may share a UUID; a Builder instance is unique
    instances = {flow["id"]: _instance(flow["id"])}
    for obj in drawn:
        candidate = _instance(obj["id"])
        if candidate in instances.values():
            candidate = str(uuid.uuid5(canvas.seed, obj["id"]))
        instances[obj["id"]] = candidate
    for obj in drawn:
        kind = obj["type"]
        template = {
            "attack-action": "action",
            "attack-condition": "condition",
            "attack-asset": "asset",
            "course-of-action": "course_of_action",
        }.get(kind, f"{obj.get('operator', 'OR')}_operator")
        canvas.block(template, instances[obj["id"]], _properties(obj), positions[obj["id"]])
    lines = []
    for node_id, op_id in writer.gate_ops.items():  # an AND gate's operator block
        lines.append(canvas.line(instances[op_id], "270", instances[writer.ids[node_id]], "90"))
    for edge in model.edges:
        source = writer.ids[edge.source]
        target = writer.gate_ops.get(edge.target, writer.ids[edge.target])
        anchor = _edge_anchor(writer.types[edge.source], edge.label)
        lines.append(canvas.line(instances[source], anchor, instances[target], "90"))
    for mit in model.mitigations.values():  # the Builder exports these as relationships
        for node_id in mit.blocks:
            lines.append(
                canvas.line(
                    instances[writer.coa_ids[mit.id]], "180", instances[writer.ids[node_id]], "0"
                )
            )
    blocks = [instances[o["id"]] for o in drawn]
    flow_block = {
        "id": "flow",
        "instance": _instance(flow["id"]),
        "properties": [
            ["name", flow["name"]],
            ["description", flow.get("description")],
            ["author", _author(writer)],
            ["scope", flow["scope"]],
            ["external_references", []],
            ["created", flow["created"]],
        ],
        "objects": blocks + lines,
    }
    xs = [p[0] for p in canvas.layout.values()] or [0.0]
    ys = [p[1] for p in canvas.layout.values()] or [0.0]
    document = {
        "schema": "attack_flow_v2",
        "theme": "dark_theme",
        "objects": [flow_block, *canvas.objects],
        "layout": canvas.layout,
        "camera": {"x": -min(xs), "y": -min(ys), "k": 0.5},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

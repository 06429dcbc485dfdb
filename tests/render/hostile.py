"""Hostile labels for the exporters, and small models that carry them.

Every string field a model has (title, description, component, node, edge,
mitigation, profile and release labels, techniques, refs, properties) gets
one of the strings below, so each exporter sees all of them.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from attackgraph.formats.native import document_to_model
from attackgraph.model import AttackModel
from attackgraph.render.backend import dot_available

__all__ = [
    "HOSTILE",
    "LOADABLE",
    "MARKER",
    "hostile_doc",
    "hostile_model",
    "needs_chromium",
    "needs_dot",
    "small_doc",
    "small_model",
]

MARKER = "data-pwned"
"""Set on <body> by the script payloads if any of them ever ran."""

_JS = f"document.body.setAttribute('{MARKER}','1')"

HOSTILE: list[str] = [
    "</text><script>alert(1)</script>",
    f"<script>{_JS}</script>",
    f'<img src=x onerror="{_JS}">',
    f'<svg onload="{_JS}"><a href="javascript:{_JS}">x</a></svg>',
    '"]; x -> y [label="pwned"]; //',
    '"; shape=none image="/etc/passwd" fontpath="/etc" //',
    '<<b>html</b>> <IMG SRC="/etc/passwd"/>',
    "back\\slash \\N \\G \\l \\\\ end\\",
    "new\nline\r\nand\rreturn\u2028sep",
    "tab\there",
    'A["x"] --> B{y}; click A "javascript:alert(1)"\n%%{init: {"securityLevel": "loose"}}%%',
    "end",
    "subgraph evil",
    "graph TD; A-->B",
    '=HYPERLINK("http://evil.example/","click me")',
    "+SUM(1,1)",
    "-2+3",
    "@cmd|' /C calc'!A0",
    "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J",
    "abc\u202efdp.exe \u2066isolate\u2069 \u202bembed\u202c",
    "nul\x00byte \x7f del \x85 nel",
    "-- > <!-- comment --> --",
    "]]> <![CDATA[x]]>",
    "&amp; &lt; &#x3c;script&#x3e; &nbsp;",
    "| pipe | table | `code` **bold** [link](javascript:alert(1)) ![img](http://evil/x.png)",
    "{{curly}} {%jinja%} ${template} $math$",
    "\ud800 lone surrogate",
    "emoji 🛡️ and ünïcödé ✓",
    "x" * 400,
]


LOADABLE = [text for text in HOSTILE if not any(0xD800 <= ord(c) <= 0xDFFF for c in text)]
"""The hostile strings a model file can hold (the reader refuses lone surrogates)."""


def hostile_doc() -> dict[str, Any]:
    """A valid document whose every text field holds a hostile string."""
    h = LOADABLE
    n = len(h)

    def pick(i: int) -> str:
        return h[i % n]

    nodes = [
        {
            "id": "E1",
            "kind": "entry",
            "label": pick(0),
            "component": "C1",
            "techniques": [pick(5), "T1190"],
            "refs": [pick(6)],
            "description": pick(7),
        },
        {"id": "E2", "kind": "entry", "label": pick(1), "component": "C2"},
        {
            "id": "end",
            "kind": "step",
            "label": pick(11),
            "component": "C2",
            "techniques": [pick(10)],
        },
        {
            "id": "a--b",
            "kind": "step",
            "label": pick(2),
            "component": "C3",
            "gate": "and",
            "techniques": [pick(14)],
        },
        {"id": "cluster_0", "kind": "step", "label": pick(3), "description": pick(24)},
        {"id": "node", "kind": "step", "label": pick(4), "component": "C3"},
        {"id": "G1", "kind": "goal", "label": pick(8), "component": "C3", "impact": 5},
        {"id": "G2", "kind": "goal", "label": pick(9), "impact": 2},
    ]
    for i in range(10, len(h)):
        nodes.append(
            {
                "id": f"S{i}",
                "kind": "step",
                "label": pick(i),
                "component": ("C1", "C2", "C3", None)[i % 4],
                "techniques": [pick(i + 1)],
            }
        )
        if nodes[-1]["component"] is None:
            del nodes[-1]["component"]
    edges = [
        {"source": "E1", "target": "end", "label": pick(12)},
        {"source": "E2", "target": "end", "label": pick(4)},
        {"source": "end", "target": "a--b", "label": pick(13)},
        {"source": "E2", "target": "a--b"},
        {"source": "a--b", "target": "node"},
        {"source": "node", "target": "G1", "label": pick(1)},
        {"source": "E1", "target": "cluster_0"},
        {"source": "cluster_0", "target": "G2", "label": pick(18)},
    ]
    previous = "E1"
    for i in range(10, len(h)):
        edges.append({"source": previous, "target": f"S{i}", "label": pick(i + 3)})
        previous = f"S{i}"
    edges.append({"source": previous, "target": "G2"})
    return {
        "format": "attackgraph",
        "version": 1,
        "title": "Hostile " + " | ".join(h[:6]),
        "description": "\n\n".join(h),
        "components": [
            {"id": "C1", "label": pick(0), "kind": "cloud", "description": pick(1)},
            {"id": "C2", "label": pick(10), "kind": "device"},
            {"id": "C3", "label": pick(4), "kind": "device", "parent": "C2"},
        ],
        "nodes": nodes,
        "edges": edges,
        "mitigations": [
            {
                "id": "M1",
                "label": pick(2),
                "blocks": ["end"],
                "status": "deployed",
                "property": pick(14),
                "refs": [pick(15)],
                "description": pick(3),
            },
            {
                "id": "M2",
                "label": pick(14),
                "blocks": ["node", "S12"],
                "cost": 2,
                "release": "R2",
                "property": pick(16),
            },
            {
                "id": "M3",
                "label": pick(17),
                "blocks": ["cluster_0"],
                "effectiveness": 0.5,
                "status": "deployed",
            },
            {"id": "M4", "label": pick(18), "blocks": ["E2"], "cost": 3},
        ],
        "profiles": [{"id": "P1", "label": pick(19), "access": ["network"]}],
        "releases": [{"id": "R1", "label": pick(20)}, {"id": "R2", "label": pick(21)}],
    }


def hostile_model() -> AttackModel:
    """:func:`hostile_doc` as a model (checked: it is a file a user could receive)."""
    from attackgraph.formats.native import check_text

    checked = check_text(json.dumps(hostile_doc()), "json")
    assert checked.model is not None, checked.errors
    return checked.model


def small_doc() -> dict[str, Any]:
    """A small, friendly model with every feature: nested components of two
    kinds, an AND gate, deployed/partial/proposed mitigations, a profile and
    two releases."""
    return {
        "format": "attackgraph",
        "version": 1,
        "title": "Phish to domain admin",
        "description": "A *small* model.",
        "components": [
            {"id": "cloud", "label": "Identity provider", "kind": "cloud"},
            {"id": "corp", "label": "Corporate laptop", "kind": "device"},
            {"id": "kernel", "label": "Laptop kernel", "kind": "device", "parent": "corp"},
        ],
        "nodes": [
            {
                "id": "E1",
                "kind": "entry",
                "label": "Phish a user",
                "component": "cloud",
                "access": "network",
            },
            {
                "id": "E2",
                "kind": "entry",
                "label": "Stolen laptop",
                "access": "physical",
                "component": "corp",
            },
            {
                "id": "S1",
                "kind": "step",
                "label": "Run a macro on the laptop",
                "component": "corp",
                "techniques": ["T1204.002"],
            },
            {
                "id": "S2",
                "kind": "step",
                "label": "Escalate to SYSTEM with a kernel bug",
                "component": "kernel",
                "techniques": ["T1068"],
                "release_fixed": "R2",
            },
            {
                "id": "S3",
                "kind": "step",
                "label": "Dump cached domain credentials",
                "component": "corp",
                "gate": "and",
                "techniques": ["T1003.005"],
            },
            {
                "id": "G1",
                "kind": "goal",
                "label": "Domain admin",
                "impact": 10,
                "component": "cloud",
            },
        ],
        "edges": [
            {"source": "E1", "target": "S1", "label": "macro document"},
            {"source": "E2", "target": "S2"},
            {"source": "S1", "target": "S2"},
            {"source": "S2", "target": "S3"},
            {"source": "S1", "target": "S3"},
            {"source": "S3", "target": "G1"},
        ],
        "mitigations": [
            {"id": "M1", "label": "Block Office macros", "blocks": ["S1"], "cost": 1},
            {"id": "M2", "label": "Patch the kernel", "blocks": ["S2"], "cost": 2, "release": "R2"},
            {
                "id": "M3",
                "label": "Credential Guard",
                "blocks": ["S3"],
                "cost": 3,
                "status": "deployed",
                "effectiveness": 0.6,
            },
            {
                "id": "M4",
                "label": "Full-disk encryption",
                "blocks": ["E2"],
                "cost": 1,
                "status": "deployed",
            },
        ],
        "profiles": [{"id": "remote", "label": "Remote attacker", "access": ["network"]}],
        "releases": [{"id": "R1", "label": "1.0"}, {"id": "R2", "label": "1.1"}],
    }


def small_model() -> AttackModel:
    """:func:`small_doc` as a model."""
    return document_to_model(small_doc())


def chromium_path() -> str | None:
    """The headless browser, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz dot is not installed")
needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed")

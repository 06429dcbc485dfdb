"""Small model files for the CLI tests of analyze, optimize and check."""

from __future__ import annotations

import json
from pathlib import Path

DEMO = {
    "format": "attackgraph",
    "version": 1,
    "title": "demo",
    "nodes": [
        {"id": "E1", "kind": "entry", "label": "Phish", "access": "local"},
        {"id": "E2", "kind": "entry", "label": "Exposed port", "access": "network"},
        {"id": "S1", "kind": "step", "label": "Foothold", "probability": 0.5},
        {"id": "S4", "kind": "step", "label": "Escalate"},
        {"id": "G1", "kind": "goal", "label": "Domain admin", "impact": 5},
        {"id": "G2", "kind": "goal", "label": "Data theft", "impact": 2},
    ],
    "edges": [
        {"source": "E1", "target": "S1"},
        {"source": "E2", "target": "S1"},
        {"source": "S1", "target": "S4"},
        {"source": "S4", "target": "G1"},
        {"source": "E2", "target": "G2"},
    ],
    "mitigations": [
        {"id": "M1", "label": "MFA", "blocks": ["E1"], "cost": 2},
        {"id": "M2", "label": "Firewall", "blocks": ["E2"], "cost": 3, "status": "deployed"},
        {"id": "M3", "label": "EDR", "blocks": ["S4"], "cost": 4, "release": "R2"},
        {
            "id": "M4",
            "label": "Training",
            "blocks": ["S1"],
            "effectiveness": 0.5,
            "status": "deployed",
        },
    ],
    "profiles": [{"id": "remote", "label": "Remote", "access": ["network"]}],
    "releases": [{"id": "R1", "label": "1"}, {"id": "R2", "label": "2"}],
}


def write_demo(tmp_path: Path, doc: dict | None = None) -> str:
    path = tmp_path / "demo.attackgraph.json"
    path.write_text(json.dumps(doc or DEMO), encoding="utf-8")
    return str(path)


def write_invalid(tmp_path: Path) -> str:
    path = tmp_path / "bad.attackgraph.json"
    doc = json.loads(json.dumps(DEMO))
    doc["nodes"][2]["gate"] = "xor"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)

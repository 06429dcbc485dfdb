"""ATT&CK Navigator layers: scores and colours follow the analysed scenario,
and every written layer passes the layer-format 4.5 schema."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from attackgraph.analysis import analyze
from attackgraph.cli import main
from attackgraph.formats import read_model
from attackgraph.formats.native import document_to_model
from attackgraph.render.navigator import (
    BROKEN_COLOUR,
    OPEN_COLOUR,
    UNREACHED_COLOUR,
    navigator_layer,
)

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = json.loads(
    (Path(__file__).parent / "navigator_layer_4_5.schema.json").read_text(encoding="utf-8")
)
SAMPLES = sorted(Path("samples").glob("*.attackgraph.json"))


def check_layer(layer: Any) -> None:
    """Fail with every schema error of ``layer``."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(layer)
    ]
    assert not errors, errors


def small_model():
    return document_to_model(
        {
            "format": "attackgraph",
            "version": 1,
            "title": "Two ways in",
            "nodes": [
                {"id": "net", "kind": "entry", "label": "Internet"},
                {"id": "phish", "kind": "step", "label": "Phishing", "techniques": ["T1566.001"]},
                {
                    "id": "vpn",
                    "kind": "step",
                    "label": "VPN exploit",
                    "techniques": ["T1190", "AML.T0051"],
                },
                {"id": "spare", "kind": "step", "label": "Dead end", "techniques": ["T1059"]},
                {"id": "data", "kind": "goal", "label": 'Data <b>"x"</b>', "techniques": ["t1005"]},
            ],
            "edges": [
                {"source": "net", "target": "phish"},
                {"source": "net", "target": "vpn"},
                {"source": "phish", "target": "data"},
                {"source": "vpn", "target": "data"},
                {"source": "net", "target": "spare"},
            ],
            "mitigations": [
                {"id": "mfa", "label": "MFA", "blocks": ["phish"], "status": "deployed"},
                {"id": "patch", "label": "Patch VPN", "blocks": ["vpn"]},
            ],
        }
    )


def by_id(layer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["techniqueID"]: t for t in layer["techniques"]}


def test_open_and_broken_techniques_are_scored_and_coloured_apart() -> None:
    model = small_model()
    layer = navigator_layer(model, analyze(model))
    check_layer(layer)
    techniques = by_id(layer)
    assert set(techniques) == {"T1566.001", "T1190", "T1059", "T1005"}
    assert techniques["T1190"]["score"] == 1 and techniques["T1190"]["color"] == OPEN_COLOUR
    assert techniques["T1566.001"]["score"] == 0
    assert techniques["T1566.001"]["color"] == BROKEN_COLOUR
    assert "broken by mfa" in techniques["T1566.001"]["comment"]
    assert "MFA (mfa, in effect)" in techniques["T1566.001"]["comment"]
    assert "Patch VPN (patch, proposed)" in techniques["T1190"]["comment"]
    assert "score" not in techniques["T1059"]
    assert techniques["T1059"]["color"] == UNREACHED_COLOUR
    assert techniques["T1005"]["score"] == 1  # the goal is on the open chain (lower case id)
    assert "AML.T0051" in layer["description"]  # not ATT&CK: left out, and said so


def test_what_if_changes_the_layer() -> None:
    model = small_model()
    state = {"switch_on": ("patch",), "switch_off": ("mfa",)}
    layer = navigator_layer(model, analyze(model, **state), **state)
    check_layer(layer)
    techniques = by_id(layer)
    assert techniques["T1566.001"]["color"] == OPEN_COLOUR
    assert techniques["T1190"]["color"] == BROKEN_COLOUR
    assert "with patch" in layer["name"] and "without mfa" in layer["name"]


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name.split(".")[0] for p in SAMPLES])
def test_every_sample_layer_passes_the_schema(sample: Path) -> None:
    model = read_model(sample)
    layer = navigator_layer(model, analyze(model, max_chains=200))
    check_layer(layer)
    techniques = [
        t
        for n in model.nodes.values()
        for t in n.techniques or ()
        if re.fullmatch(r"T\d{4}(\.\d{3})?", t)
    ]
    assert {t["techniqueID"] for t in layer["techniques"]} == set(techniques)


def test_cli_export_writes_a_layer_of_the_chosen_scenario(tmp_path: Path) -> None:
    out = tmp_path / "layer.json"
    sample = "samples/azure-sphere-2020.attackgraph.json"
    model = read_model(sample)
    mitigation = next(m.id for m in model.mitigations.values() if m.effective_status == "deployed")
    assert (
        main(["export", sample, "-o", str(out), "--format", "navigator", "--without", mitigation])
        == 0
    )
    layer = json.loads(out.read_text(encoding="utf-8"))
    check_layer(layer)
    assert f"without {mitigation}" in layer["description"]
    assert layer == navigator_layer(
        model, analyze(model, switch_off=(mitigation,)), switch_off=(mitigation,)
    )


def test_the_schema_accepts_the_navigator_specs_own_examples() -> None:
    """The hand-written schema is checked against the examples of
    Navigator's layer format 4.5 spec, when a copy of the Navigator
    repository is given (ATTACKGRAPH_NAVIGATOR_REPO: a git dir or a checkout)."""
    repo = os.environ.get("ATTACKGRAPH_NAVIGATOR_REPO")
    if not repo or not Path(repo).exists():
        pytest.skip("set ATTACKGRAPH_NAVIGATOR_REPO to a copy of mitre-attack/attack-navigator")
    spec_path = Path(repo) / "layers/spec/v4.5/layerformat.md"
    if spec_path.exists():
        text = spec_path.read_text(encoding="utf-8")
    else:
        text = subprocess.run(
            ["git", f"--git-dir={repo}", "show", "HEAD:layers/spec/v4.5/layerformat.md"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        data = json.loads(block)
        for layer in data if isinstance(data, list) else [data]:
            check_layer(layer)
    broken = json.loads(blocks[0])
    broken["versions"]["layer"] = "4.4"
    with pytest.raises(AssertionError):
        check_layer(broken)

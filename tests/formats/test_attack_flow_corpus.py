"""MITRE's public Attack Flow corpus and the real Attack Flow Builder.

Neither is part of the project. The corpus tests run when
``ATTACKGRAPH_ATTACK_FLOW_CORPUS`` names a folder holding the corpus files
(the ``corpus/`` folder of center-for-threat-informed-defense/attack-flow:
its ``.afb`` files, and the 2023 STIX bundles ``*.json`` from before commit
1fc70935); the Builder tests run when ``ATTACKGRAPH_AFB_BUILDER`` names the
Builder as a command (a ``check.mjs`` that prints, per ``.afb`` file, a JSON
line with the validator's ``errors`` and writes the Builder's own STIX export
beside it as ``FILE.builder.json``) and ``node`` is installed.

Every file must import with every technique id, and round-trip (``.afb ->
model -> .afb``, ``STIX -> model -> STIX``) keeping node kinds, object
types, gates, edges, technique ids, confidence, mitigations and the author;
the Builder must open every ``.afb`` attackgraph writes with no validator
error, and its own STIX export of it must say what attackgraph read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from attackgraph.formats.attack_flow import check_afb, check_stix, generate_afb, generate_stix
from attackgraph.formats.attack_flow.mapping import _technique
from attackgraph.formats.registry import check_file
from attackgraph.model import AttackModel

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _corpus() -> list[Path]:
    folder = os.environ.get("ATTACKGRAPH_ATTACK_FLOW_CORPUS")
    if not folder or not os.path.isdir(folder):
        return []
    return sorted(
        p
        for p in Path(folder).rglob("*")
        if p.suffix in (".afb", ".json") and not p.name.endswith(".builder.json")
    )


def _builder() -> str | None:
    tool = os.environ.get("ATTACKGRAPH_AFB_BUILDER")
    return tool if tool and os.path.isfile(tool) and shutil.which("node") else None


CORPUS = _corpus()
needs_corpus = pytest.mark.skipif(
    not CORPUS, reason="set ATTACKGRAPH_ATTACK_FLOW_CORPUS to the Attack Flow corpus folder"
)
needs_builder = pytest.mark.skipif(
    _builder() is None, reason="set ATTACKGRAPH_AFB_BUILDER to the Builder's check.mjs"
)


def _read(path: Path) -> AttackModel:
    checked = (check_afb if path.suffix == ".afb" else check_stix)(path.read_bytes())
    assert checked.model is not None, (path.name, checked.errors)
    return checked.model


def _source_techniques(path: Path) -> dict[str, set[str]]:
    """Technique ids each action of the file holds, by STIX id."""
    data = json.loads(path.read_bytes())
    out: dict[str, set[str]] = {}
    if path.suffix == ".afb":
        for item in data["objects"]:
            if item.get("id") != "action":
                continue
            props = dict(p for p in item["properties"] if len(p) == 2)
            raw = [props.get("technique_id"), dict(props.get("ttp") or []).get("technique")]
            out[f"attack-action--{item['instance']}"] = {
                _technique(r).id for r in raw if r and _technique(r).id
            }
    else:
        for item in data["objects"]:
            if item.get("type") == "attack-action" and _technique(item.get("technique_id")).id:
                out[item["id"]] = {_technique(item["technique_id"]).id}
    return out


def summary(model: AttackModel) -> tuple[Any, ...]:
    """What a round trip keeps, keyed by STIX id."""
    sid = {n.id: n.extras.get("x-stix", {}).get("id", n.id) for n in model.nodes.values()}
    nodes = {
        sid[n.id]: (
            n.kind,
            n.extras.get("x-stix", {}).get("type"),
            n.effective_gate,
            n.techniques or (),
            n.extras.get("x-stix", {}).get("confidence"),
        )
        for n in model.nodes.values()
    }
    edges = {(sid[e.source], sid[e.target], e.label or "") for e in model.edges}
    mitigations = {
        (m.label, m.effective_status, tuple(sorted(sid[b] for b in m.blocks)))
        for m in model.mitigations.values()
    }
    return nodes, edges, mitigations, model.extras.get("x-stix", {}).get("author")


@needs_corpus
@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_file_imports_with_every_technique_and_round_trips(path: Path) -> None:
    model = _read(path)
    held = {n.extras["x-stix"]["id"]: set(n.techniques or ()) for n in model.nodes.values()}
    for stix_id, wanted in _source_techniques(path).items():
        assert wanted <= held[stix_id], (stix_id, wanted, held[stix_id])
    assert model.extras["x-stix"].get("author"), "the flow's author is lost"
    write, read = (
        (generate_afb, check_afb) if path.suffix == ".afb" else (generate_stix, check_stix)
    )
    again = read(write(model).encode())
    assert again.model is not None, again.errors
    assert summary(again.model) == summary(model)
    if path.suffix != ".afb":  # and through the Builder's format
        via_afb = check_afb(generate_afb(model).encode()).model
        nodes, edges, *_ = summary(via_afb)
        assert edges == summary(model)[1]
        assert {k: v[1:] for k, v in nodes.items()} == {
            k: v[1:] for k, v in summary(model)[0].items()
        }


def _builder_check(paths: list[Path]) -> dict[str, dict[str, Any]]:
    run = subprocess.run(
        ["node", str(_builder()), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return {json.loads(line)["file"]: json.loads(line) for line in run.stdout.splitlines()}


def _builder_agrees(path: Path) -> None:
    """The Builder's own STIX export of ``path`` reads as ``path`` does (but
    for condition branches, which the current Builder exports as plain
    relationships, as it does for MITRE's own corpus files)."""
    ours = list(summary(check_afb(path.read_bytes()).model))
    theirs = list(summary(_read(path.with_name(path.stem + ".builder.json"))))
    for item in (ours, theirs):
        item[1] = {
            (s, t, "" if s.startswith("attack-condition--") else label) for s, t, label in item[1]
        }
    assert theirs == ours, path.name


@needs_builder
def test_the_builder_opens_every_sample_export_without_errors(tmp_path: Path) -> None:
    written = []
    for sample in sorted(SAMPLES.glob("*.attackgraph.json")):
        target = tmp_path / (sample.name.split(".")[0] + ".afb")
        target.write_text(generate_afb(check_file(sample).model), encoding="utf-8")
        written.append(target)
    results = _builder_check(written)
    assert len(results) == len(written)
    for target in written:
        assert results[str(target)]["loaded"] and results[str(target)]["errors"] == [], target
        _builder_agrees(target)


@needs_builder
@needs_corpus
def test_the_builder_opens_every_corpus_round_trip_without_errors(tmp_path: Path) -> None:
    written = []
    for index, path in enumerate(CORPUS):
        target = tmp_path / f"{index:03d}.afb"
        target.write_text(generate_afb(_read(path)), encoding="utf-8")
        written.append(target)
    results = _builder_check(written)
    failed = {
        CORPUS[i].name: results[str(t)]["errors"]
        for i, t in enumerate(written)
        if results[str(t)]["errors"] or not results[str(t)]["loaded"]
    }
    assert failed == {}
    for target in written:
        _builder_agrees(target)

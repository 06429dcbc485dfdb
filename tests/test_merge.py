"""Three-way semantic merge: every outcome on generated conflict cases, the
located conflicts, validation's warnings, the CLI as a git merge driver."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings

from attackgraph.cli import main
from attackgraph.formats.native import model_to_document
from attackgraph.merge import CONFLICTS_KEY, merge_documents
from attackgraph.model import validate_document
from tests.analysis.strategies import models

BASE = {
    "format": "attackgraph",
    "version": 1,
    "title": "demo",
    "components": [{"id": "cloud", "label": "Cloud", "kind": "cloud"}],
    "nodes": [
        {"id": "E1", "kind": "entry", "label": "Phish", "access": "local"},
        {
            "id": "S1",
            "kind": "step",
            "label": "Escalate",
            "component": "cloud",
            "techniques": ["T1068"],
        },
        {"id": "S2", "kind": "step", "label": "Dump creds"},
        {"id": "G1", "kind": "goal", "label": "Admin", "impact": 5},
    ],
    "edges": [
        {"source": "E1", "target": "S1"},
        {"source": "S1", "target": "G1"},
        {"source": "E1", "target": "S2"},
        {"source": "S2", "target": "G1"},
    ],
    "mitigations": [{"id": "M1", "label": "Patch", "blocks": ["S1"], "cost": 2}],
    "releases": [{"id": "R1", "label": "one"}, {"id": "R2", "label": "two"}],
    "layout": {"E1": [0, 0], "S1": [100, 0]},
}


def edit(change=None, doc=None):
    out = copy.deepcopy(doc or BASE)
    if change:
        change(out)
    return out


def node(doc, ident):
    return next(n for n in doc["nodes"] if n["id"] == ident)


def test_each_side_changes_another_field_merges_cleanly():
    ours = edit(lambda d: node(d, "S1").update(label="Escalate locally"))
    theirs = edit(lambda d: node(d, "S1").update(cost=3))
    result = merge_documents(BASE, ours, theirs)
    assert result.clean
    assert node(result.document, "S1")["label"] == "Escalate locally"
    assert node(result.document, "S1")["cost"] == 3
    assert CONFLICTS_KEY not in result.document


def test_both_change_one_field_is_a_located_conflict_keeping_ours():
    ours = edit(lambda d: node(d, "S2").update(label="ours"))
    theirs = edit(lambda d: node(d, "S2").update(label="theirs"))
    result = merge_documents(BASE, ours, theirs)
    [conflict] = result.conflicts
    assert (conflict.pointer, conflict.kind) == ("/nodes/2/label", "both-changed")
    assert (conflict.base, conflict.ours, conflict.theirs) == ("Dump creds", "ours", "theirs")
    assert node(result.document, "S2")["label"] == "ours"
    warnings = [p for p in validate_document(result.document) if not p.is_error]
    assert [(w.pointer, "merge conflict" in w.message) for w in warnings] == [
        ("/nodes/2/label", True)
    ]


def test_the_same_change_on_both_sides_is_no_conflict():
    both = edit(lambda d: node(d, "S2").update(label="same"))
    result = merge_documents(BASE, both, copy.deepcopy(both))
    assert result.clean and result.document == {k: v for k, v in both.items()}


def test_one_deletes_what_the_other_changed_keeps_the_changed_object():
    ours = edit(lambda d: node(d, "S2").update(label="kept"))

    def delete_s2(d):
        d["nodes"] = [n for n in d["nodes"] if n["id"] != "S2"]
        d["edges"] = [e for e in d["edges"] if "S2" not in (e["source"], e["target"])]

    theirs = edit(delete_s2)
    result = merge_documents(BASE, ours, theirs)
    assert [c.kind for c in result.conflicts] == ["deleted-and-changed"]
    assert node(result.document, "S2")["label"] == "kept"
    # the unchanged edges to S2 follow their side's deletion
    assert {"source": "E1", "target": "S2"} not in result.document["edges"]
    assert not [p for p in validate_document(result.document) if p.is_error]


def test_deleted_but_still_used_is_restored():
    def delete_s2(d):
        d["nodes"] = [n for n in d["nodes"] if n["id"] != "S2"]
        d["edges"] = [e for e in d["edges"] if "S2" not in (e["source"], e["target"])]

    ours = edit(delete_s2)
    theirs = edit(lambda d: d["mitigations"].append({"id": "M2", "label": "MFA", "blocks": ["S2"]}))
    result = merge_documents(BASE, ours, theirs)
    assert [c.kind for c in result.conflicts] == ["deleted-but-used"]
    assert any(n["id"] == "S2" for n in result.document["nodes"])
    assert not [p for p in validate_document(result.document) if p.is_error]


def test_deletion_on_one_side_unchanged_on_the_other_deletes():
    def delete_m1(d):
        del d["mitigations"]

    result = merge_documents(BASE, edit(delete_m1), edit())
    assert result.clean and "mitigations" not in result.document


def test_both_add_the_same_id():
    added = {"id": "S3", "kind": "step", "label": "Pivot"}
    same = merge_documents(
        BASE,
        edit(lambda d: d["nodes"].append(dict(added))),
        edit(lambda d: d["nodes"].append(dict(added))),
    )
    assert same.clean and node(same.document, "S3") == added
    other = merge_documents(
        BASE,
        edit(lambda d: d["nodes"].append(dict(added))),
        edit(lambda d: d["nodes"].append({**added, "label": "Move"})),
    )
    [conflict] = other.conflicts
    assert conflict.kind == "both-added" and conflict.pointer == "/nodes/4/label"
    assert node(other.document, "S3")["label"] == "Pivot"


def test_lists_of_ids_merge_as_sets():
    ours = edit(lambda d: d["mitigations"][0]["blocks"].append("S2"))
    theirs = edit(lambda d: d["mitigations"][0].update(blocks=["G1"]))
    result = merge_documents(BASE, ours, theirs)
    assert result.clean
    assert result.document["mitigations"][0]["blocks"] == ["S2", "G1"]


def test_added_objects_from_both_sides_are_kept_in_order():
    ours = edit(lambda d: d["nodes"].append({"id": "A", "kind": "step", "label": "a"}))
    theirs = edit(lambda d: d["nodes"].append({"id": "B", "kind": "step", "label": "b"}))
    result = merge_documents(BASE, ours, theirs)
    assert [n["id"] for n in result.document["nodes"]] == ["E1", "S1", "S2", "G1", "A", "B"]


def test_release_order_changed_on_one_side_wins_and_both_ways_conflicts():
    swap = edit(lambda d: d["releases"].reverse())
    result = merge_documents(BASE, edit(), swap)
    assert result.clean and [r["id"] for r in result.document["releases"]] == ["R2", "R1"]
    three = edit(lambda d: d["releases"].append({"id": "R3", "label": "three"}))
    ours = edit(lambda d: d["releases"].insert(0, d["releases"].pop()), three)
    theirs = edit(lambda d: d["releases"].insert(1, d["releases"].pop()), three)
    clash = merge_documents(three, ours, theirs)
    assert [c.kind for c in clash.conflicts] == ["order"]
    assert [r["id"] for r in clash.document["releases"]] == ["R3", "R1", "R2"]


def test_positions_merge_without_conflicts():
    ours = edit(lambda d: d["layout"].update(E1=[5, 5]))
    theirs = edit(lambda d: d["layout"].update(E1=[9, 9], S2=[1, 2]))
    result = merge_documents(BASE, ours, theirs)
    assert result.clean
    assert result.document["layout"] == {"E1": [5, 5], "S1": [100, 0], "S2": [1, 2]}


def test_a_resolved_conflict_stops_warning():
    ours = edit(lambda d: node(d, "S2").update(label="ours"))
    theirs = edit(lambda d: node(d, "S2").update(label="theirs"))
    merged = merge_documents(BASE, ours, theirs).document
    node(merged, "S2")["label"] = "theirs"
    assert not [p for p in validate_document(merged) if "merge conflict" in p.message]


@settings(max_examples=40, deadline=None)
@given(models(), models())
def test_merge_with_itself_and_with_unchanged_base_returns_the_model(a, b):
    one, two = model_to_document(a), model_to_document(b)
    assert merge_documents(one, one, one).document == one
    assert merge_documents(one, two, one).document == two
    assert merge_documents(one, one, two).document == two


@settings(max_examples=40, deadline=None)
@given(models(), models(), models())
def test_any_merge_of_valid_models_is_a_valid_model(a, b, c):
    docs = [model_to_document(m) for m in (a, b, c)]
    result = merge_documents(*docs)
    errors = [p for p in validate_document(result.document) if p.is_error]
    # two valid sides can still disagree structurally (an AND node whose
    # enablers each side removed); references, though, are always whole
    assert not [e for e in errors if "does not exist" in e.message]


@pytest.fixture
def three(tmp_path: Path):
    paths = []
    for name, doc in (
        ("base", BASE),
        ("ours", edit(lambda d: node(d, "S2").update(label="ours"))),
        ("theirs", edit(lambda d: node(d, "S2").update(label="theirs"))),
    ):
        path = tmp_path / f"{name}.attackgraph.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_cli_lists_conflicts_and_exits_1(three, tmp_path, capsys):
    out = tmp_path / "out.attackgraph.json"
    assert main(["merge", *three, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out}: /nodes/2/label: conflict (both-changed)" in err
    merged = json.loads(out.read_text())
    assert merged[CONFLICTS_KEY][0]["pointer"] == "/nodes/2/label"
    assert main(["validate", str(out)]) == 0


def test_cli_clean_merge_exits_0_and_writes_yaml_for_yaml_ours(tmp_path, capsys):
    base = tmp_path / "base.yaml"
    ours = tmp_path / "ours.yaml"
    theirs = tmp_path / "theirs.json"
    import yaml

    base.write_text(yaml.safe_dump(BASE))
    ours.write_text(yaml.safe_dump(edit(lambda d: d.update(title="new"))))
    theirs.write_text(json.dumps(edit(lambda d: node(d, "G1").update(impact=9))))
    out = tmp_path / "merged"  # git's %A has no ending: OURS' syntax is kept
    assert main(["merge", str(base), str(ours), str(theirs), "-o", str(out)]) == 0
    doc = yaml.safe_load(out.read_text())
    assert doc["title"] == "new" and node(doc, "G1")["impact"] == 9


def test_cli_invalid_input_is_located(three, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert main(["merge", three[0], str(bad), three[2], "-o", str(tmp_path / "o.json")]) == 1
    assert str(bad) in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_as_a_git_merge_driver(tmp_path):
    import sys

    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
        )

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    git(
        "config",
        "merge.attackgraph.driver",
        f"{sys.executable} -m attackgraph merge %O %A %B -o %A",
    )
    (repo / ".gitattributes").write_text("*.attackgraph.json merge=attackgraph\n")
    model = repo / "m.attackgraph.json"
    model.write_text(json.dumps(BASE, indent=2))
    git("add", ".")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "other")
    model.write_text(json.dumps(edit(lambda d: node(d, "S1").update(cost=7)), indent=2))
    git("commit", "-qam", "theirs")
    git("checkout", "-q", "main")
    model.write_text(json.dumps(edit(lambda d: node(d, "S1").update(label="Escalate!")), indent=2))
    git("commit", "-qam", "ours")
    merged = git("merge", "-q", "other", "-m", "merge")
    assert merged.returncode == 0, merged.stderr
    doc = json.loads(model.read_text())
    assert node(doc, "S1")["label"] == "Escalate!" and node(doc, "S1")["cost"] == 7

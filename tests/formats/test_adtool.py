"""ADTool attack-defence trees: the ADTree semantics kept exactly on import,
trees written back (shared steps duplicated, cycles refused), attackgraph's
own fields kept through a round trip, real ADTool files, hostile files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attackgraph.analysis import analyze
from attackgraph.cli import main
from attackgraph.errors import FormatError, ModelError
from attackgraph.formats import check_file, format_for_path, read_model, reader_for, write_model
from attackgraph.formats.adtool import MAX_DEPTH, check_adtool, generate_adtool, sniff_adtool
from attackgraph.formats.native import document_to_model, model_to_document

# Hand-written in ADTool's format: steal a car, conjunctively (get in AND
# start it); getting in is countered by an alarm, which a jammer defeats;
# starting it is countered by an immobiliser (a basic countermeasure).
CAR = b"""<?xml version="1.0" encoding="UTF-8"?><adtree>
  <node refinement="disjunctive">
    <label>Steal the car</label>
    <comment>The thief's goal</comment>
    <node refinement="conjunctive">
      <label>Drive away</label>
      <node refinement="disjunctive">
        <label>Get in</label>
        <node refinement="disjunctive"><label>Break window</label>
          <parameter domainId="MinCost1" category="basic">3.0</parameter></node>
        <node refinement="disjunctive"><label>Pick lock</label></node>
        <node refinement="disjunctive" switchRole="yes">
          <label>Alarm</label>
          <node refinement="disjunctive" switchRole="yes"><label>Jam the alarm</label></node>
        </node>
      </node>
      <node refinement="disjunctive">
        <label>Start engine</label>
        <node refinement="disjunctive"><label>Hot-wire</label></node>
        <node refinement="disjunctive" switchRole="yes"><label>Immobiliser</label></node>
      </node>
    </node>
    <node refinement="disjunctive"><label>Tow it</label>
      <node refinement="disjunctive" switchRole="yes"><label>Immobiliser</label></node>
    </node>
  </node>
  <domain id="MinCost1"><class>lu.uni.adtool.domains.adtpredefined.MinCost</class>
    <tool>ADTool2</tool></domain>
</adtree>
"""


def reachable(model, **state) -> bool:
    return any(g.reachable for g in analyze(model, **state).goals)


def test_the_adtree_semantics_is_kept(tmp_path: Path) -> None:
    checked = check_adtool(CAR)
    assert checked.model is not None, checked.problems
    model = checked.model
    assert model.title == "Steal the car"
    goal = next(n for n in model.nodes.values() if n.kind == "goal")
    assert goal.label == "Steal the car" and goal.description == "The thief's goal"
    drive = next(n for n in model.nodes.values() if n.label == "Drive away")
    assert drive.gate == "and"
    mitigations = {m.label: m for m in model.mitigations.values()}
    assert set(mitigations) == {"Alarm", "Immobiliser"}
    immobiliser = mitigations["Immobiliser"]
    assert immobiliser.effective_status == "deployed" and len(immobiliser.blocks) == 2
    # Countermeasures in place: the immobiliser stops both ways; the alarm
    # falls to the jammer, but the engine cannot be started.
    assert not reachable(model)
    assert reachable(model, switch_off=(immobiliser.id,))
    # Without the jammer's node the alarm holds: then getting in is blocked.
    jam = next(n.id for n in model.nodes.values() if n.label == "Jam the alarm")
    tow = next(n.id for n in model.nodes.values() if n.label == "Tow it")
    model.remove_node(jam)
    model.remove_node(tow)
    assert not reachable(model, switch_off=(immobiliser.id,))
    assert reachable(model, switch_off=(immobiliser.id, mitigations["Alarm"].id))
    window = next(n for n in checked.model.nodes.values() if n.label == "Break window")
    assert window.kind == "entry"
    assert window.extras["x-adtool"]["parameters"][0]["value"] == "3.0"
    assert any("not one mitigation" in p.message for p in checked.problems)
    labels = {n.label for n in checked.model.nodes.values()}
    assert {"Get in (despite its countermeasures)", "Defeat: Alarm", "Alarm not in place"} <= labels


def test_a_defence_at_the_root_makes_the_goal_defeating_it() -> None:
    raw = b"""<adtree><node refinement="conjunctive" switchRole="yes"><label>Secure data</label>
      <node refinement="disjunctive"><label>Encryption</label></node>
      <node refinement="disjunctive"><label>Access control</label>
        <node refinement="disjunctive" switchRole="yes"><label>Steal password</label></node>
      </node></node></adtree>"""
    checked = check_adtool(raw)
    model = checked.model
    assert model is not None, checked.problems
    goal = next(n for n in model.nodes.values() if n.kind == "goal")
    assert goal.label == "Defeat: Secure data" and goal.effective_gate == "or"
    assert reachable(model)  # stealing the password defeats access control
    assert any("root is a defence" in p.message for p in checked.problems)


def test_written_trees_read_back_to_the_same_semantics(tmp_path: Path) -> None:
    model = check_adtool(CAR).model
    path = tmp_path / "car.adtree.xml"
    write_model(model, path)
    again = read_model(path)
    assert model_to_document(again) == model_to_document(model)
    assert b'<domain id="MinCost1">' in path.read_bytes()


SAMPLES = [p for p in sorted(Path("samples").glob("*.attackgraph.json")) if "mirai" not in p.name]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name.split(".")[0])
def test_samples_round_trip_without_loss(tmp_path: Path, sample: Path) -> None:
    model = read_model(sample)
    out = tmp_path / "m.adtree.xml"
    write_model(model, out)
    assert sniff_adtool(out.read_bytes())
    document = model_to_document(model)
    document.pop("layout", None)
    assert model_to_document(read_model(out)) == document


def test_cycles_are_refused_with_a_clear_error(tmp_path: Path, capsys) -> None:
    code = main(["convert", "samples/mirai-2016.attackgraph.json", str(tmp_path / "m.xml")])
    _, err = capsys.readouterr()
    assert code == 1 and "cannot hold a cycle" in err and "Traceback" not in err
    assert not (tmp_path / "m.xml").exists()


def test_shared_steps_are_duplicated_and_read_back_once() -> None:
    model = document_to_model(
        {
            "format": "attackgraph",
            "version": 1,
            "title": "Shared",
            "nodes": [
                {"id": "e", "kind": "entry", "label": "Foothold <&>"},
                {"id": "a", "kind": "step", "label": "A"},
                {"id": "b", "kind": "step", "label": "B"},
                {"id": "g", "kind": "goal", "label": "G", "gate": "and"},
                {"id": "lost", "kind": "step", "label": "Reaches no goal"},
            ],
            "edges": [
                {"source": "e", "target": "a"},
                {"source": "e", "target": "b"},
                {"source": "a", "target": "g"},
                {"source": "b", "target": "g"},
                {"source": "e", "target": "lost"},
            ],
            "mitigations": [{"id": "m", "label": "M", "blocks": ["e"], "status": "proposed"}],
        }
    )
    text = generate_adtool(model)
    assert text.count("<label>Foothold &lt;&amp;&gt;</label>") == 2
    assert text.count("<label>M</label>") == 2
    assert "Reaches no goal" not in text  # not part of the tree
    back = check_adtool(text.encode()).model
    assert back is not None
    assert set(back.nodes) == {"e", "a", "b", "g"}
    assert back.mitigations["m"].effective_status == "proposed"


def test_registry_reads_by_content_and_writes_xml(tmp_path: Path) -> None:
    path = tmp_path / "tree.xml"
    path.write_bytes(CAR)
    assert reader_for(path, CAR).name == "adtool"
    assert format_for_path("x.xml").name == "adtool"
    assert format_for_path("x.graphml").name == "graphml"
    assert main(["convert", str(path), str(tmp_path / "car.attackgraph.yaml")]) == 0


# -------------------------------------------------------------- real files
def _real_files() -> list[Path]:
    folder = os.environ.get("ATTACKGRAPH_ADTOOL_EXAMPLES")
    if not folder or not Path(folder).is_dir():
        return []
    return sorted(p for p in Path(folder).rglob("*.xml") if sniff_adtool(p.read_bytes()))


def test_real_adtool_files_import_and_round_trip(tmp_path: Path) -> None:
    """ADTool's own example trees (tahti/ADTool2,
    project/src/main/resources/examples/*.xml) in the folder named by
    ATTACKGRAPH_ADTOOL_EXAMPLES: each imports, and the tree written back
    has the same reachability under every single-countermeasure what-if."""
    files = _real_files()
    if not files:
        pytest.skip("set ATTACKGRAPH_ADTOOL_EXAMPLES to a folder of ADTool .xml files")
    assert len(files) >= 2
    for path in files:
        checked = check_file(path)
        assert checked.format == "adtool"
        assert checked.model is not None, (path, checked.errors)
        model = checked.model
        out = tmp_path / f"{path.stem}.adtree.xml"
        write_model(model, out)
        again = read_model(out)
        assert model_to_document(again) == model_to_document(model), path
        for mitigation in [None, *model.mitigations]:
            off = () if mitigation is None else (mitigation,)
            assert reachable(again, switch_off=off) == reachable(model, switch_off=off)


# ----------------------------------------------------------------- hostile
HOSTILE = [
    (b"", "empty"),
    (b"<adtree><node><label>x</label>", "not well-formed XML"),
    (
        b'<?xml version="1.0"?><!DOCTYPE adtree [<!ENTITY a "aaaa">]><adtree><node>'
        b"<label>&a;</label></node></adtree>",
        "document type or entities",
    ),
    (b'<!DOCTYPE adtree SYSTEM "file:///etc/passwd"><adtree/>', "document type"),
    (b"<adtree></adtree>", "0 root <node>"),
    (b"<adtree><node/><node/></adtree>", "2 root <node>"),
    (
        b"<adtree>" + b"<node>" * (MAX_DEPTH + 5) + b"</node>" * (MAX_DEPTH + 5) + b"</adtree>",
        "nested more than",
    ),
    (b"<adtree>" + b"<node>" * 100_000 + b"</node>" * 100_000 + b"</adtree>", "nested more than"),
]


@pytest.mark.parametrize(("raw", "fragment"), HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_files_give_located_errors(tmp_path: Path, raw: bytes, fragment: str) -> None:
    path = tmp_path / "hostile.adtree.xml"
    path.write_bytes(raw)
    started = time.monotonic()
    checked = check_file(path)
    assert time.monotonic() - started < 10
    assert checked.model is None
    assert any(fragment in p.message for p in checked.errors), checked.errors
    for problem in checked.problems:
        assert problem.message.endswith(".") and "\n" not in problem.message
    with pytest.raises(ModelError):
        read_model(path)


def test_syntax_errors_have_a_line_and_column() -> None:
    checked = check_adtool(b"<adtree>\n  <node>\n    <label>x</lab>\n</adtree>")
    assert (checked.errors[0].line, checked.errors[0].column) == (3, 15)


def test_odd_but_readable_trees_import_with_warnings() -> None:
    raw = (
        b'<adtree><node refinement="weird"><node switchRole="true"/>'
        b'<node refinement="sequential"><label>a</label><node><label>b</label></node>'
        b"</node></node></adtree>"
    )
    checked = check_adtool(raw)
    assert checked.model is not None, checked.errors
    messages = " ".join(p.message for p in checked.problems)
    assert "no label" in messages and "weird" in messages
    assert "order of the steps is lost" in messages  # SAND's sequential, read as AND
    b = next(n for n in checked.model.nodes.values() if n.label == "a")
    assert b.gate == "and"


def test_labels_and_comments_that_break_xml_are_written_safely() -> None:
    model = document_to_model(
        {
            "format": "attackgraph",
            "version": 1,
            "title": "]]> <!-- x",
            "nodes": [
                {"id": "e", "kind": "entry", "label": "</label><node>"},
                {"id": "g", "kind": "goal", "label": "G \"'&", "description": "]]><!DOCTYPE x>"},
            ],
            "edges": [{"source": "e", "target": "g"}],
        }
    )
    back = check_adtool(generate_adtool(model).encode())
    assert back.model is not None, back.problems
    assert model_to_document(back.model) == model_to_document(model)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(CAR) - 1), st.binary(min_size=0, max_size=6))
def test_mutated_files_never_raise(position: int, junk: bytes) -> None:
    raw = CAR[:position] + junk + CAR[position + len(junk) :]
    checked = check_adtool(raw)
    assert checked.model is not None or checked.errors


def test_writing_refuses_a_model_without_goal() -> None:
    model = document_to_model(
        {
            "format": "attackgraph",
            "version": 1,
            "title": "t",
            "nodes": [{"id": "e", "kind": "entry", "label": "E"}],
        }
    )
    with pytest.raises(FormatError, match="no goal"):
        generate_adtool(model)

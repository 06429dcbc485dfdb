"""``attackgraph export``: every format, the analysed state, the registry's
model formats, and the errors (exit 1, 2, 3)."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from attackgraph.cli import main
from attackgraph.formats import FORMATS, ModelFormat, read_model
from attackgraph.formats.native import generate_json, generate_yaml
from tests.cli.analysis_models import write_demo, write_invalid
from tests.render.hostile import LOADABLE, hostile_doc, needs_dot

FLAGSHIP = "samples/azure-sphere-2020.attackgraph.json"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def hostile_file(tmp_path: Path) -> str:
    path = tmp_path / "hostile.attackgraph.json"
    path.write_text(json.dumps(hostile_doc()), encoding="utf-8")
    return str(path)


@pytest.mark.graphviz
@needs_dot
@pytest.mark.parametrize(
    ("name", "magic"),
    [
        ("d.svg", b"<?xml"),
        ("d.png", b"\x89PNG"),
        ("d.pdf", b"%PDF"),
        ("d.dot", b"digraph"),
        ("d.mmd", b"---\ntitle:"),
        ("d.html", b"<!DOCTYPE html>"),
        ("d.md", b"# "),
        ("d.csv", b"chain,goal,"),
    ],
)
def test_every_document_format(tmp_path, capsys, name, magic) -> None:
    out = tmp_path / name
    code, stdout, err = run(capsys, "export", write_demo(tmp_path), "-o", str(out))
    assert (code, stdout, err) == (0, "", "")
    assert out.read_bytes().startswith(magic)


@pytest.mark.graphviz
@needs_dot
def test_format_option_overrides_the_name(tmp_path, capsys) -> None:
    out = tmp_path / "diagram.txt"
    assert (
        run(capsys, "export", write_demo(tmp_path), "-o", str(out), "--format", "mermaid")[0] == 0
    )
    assert out.read_text().splitlines()[3] == "flowchart LR"
    assert run(capsys, "export", write_demo(tmp_path), "-o", str(out), "--format", "svg")[0] == 0
    ET.fromstring(out.read_bytes())


def test_csv_is_the_same_matrix_as_analyze(tmp_path, capsys) -> None:
    out = tmp_path / "m.csv"
    model = write_demo(tmp_path)
    assert run(capsys, "export", model, "-o", str(out), "--with", "M1")[0] == 0
    _, analyzed, _ = run(capsys, "analyze", model, "--format", "csv", "--with", "M1")
    assert out.read_text() == analyzed
    rows = list(csv.reader(io.StringIO(analyzed)))
    assert rows[0][:6] == ["chain", "goal", "cost", "probability", "open", "nodes"]


def test_native_model_formats_go_through_the_registry(tmp_path, capsys) -> None:
    source = write_demo(tmp_path)
    model = read_model(source)
    for name, generate in (
        ("m.json", generate_json),
        ("m.yaml", generate_yaml),
        ("m.attackgraph.yml", generate_yaml),
    ):
        out = tmp_path / name
        assert run(capsys, "export", source, "-o", str(out))[0] == 0
        assert out.read_text(encoding="utf-8") == generate(model)


def test_any_registered_writer_is_used_without_changes(tmp_path, capsys, monkeypatch) -> None:
    """An interchange format another module registers (here a stand-in for
    ``.stix.json``) is written by export as soon as it is in FORMATS."""
    written = []

    def generate(model) -> str:
        written.append(model.title)
        return json.dumps({"type": "bundle", "name": model.title}) + "\n"

    fake = ModelFormat("stix-test", "test bundle", (".stixtest.json",), generate=generate)
    monkeypatch.setattr("attackgraph.formats.registry.FORMATS", [fake, *FORMATS])
    out = tmp_path / "flow.stixtest.json"
    code, _, err = run(capsys, "export", write_demo(tmp_path), "-o", str(out))
    assert (code, err) == (0, "")
    assert written == ["demo"] and json.loads(out.read_text())["type"] == "bundle"
    by_name = tmp_path / "other.out"
    assert (
        run(capsys, "export", write_demo(tmp_path), "-o", str(by_name), "--format", "stix-test")[0]
        == 0
    )
    assert by_name.exists()


def test_analyze_options_make_no_sense_for_model_files(tmp_path, capsys) -> None:
    code, _, err = run(
        capsys, "export", write_demo(tmp_path), "-o", str(tmp_path / "m.json"), "--with", "M1"
    )
    assert code == 2 and "not to a model file" in err


@pytest.mark.graphviz
@needs_dot
def test_the_diagram_shows_the_chosen_state(tmp_path, capsys) -> None:
    source = write_demo(tmp_path)
    outputs = {}
    for label, extra in (
        ("base", []),
        ("with", ["--with", "M1"]),
        ("release", ["--at-release", "R2"]),
        ("profile", ["--profile", "remote"]),
        ("chain", ["--chain", "C2"]),
        ("plain", ["--no-analysis"]),
        ("hidden", ["--no-mitigations"]),
    ):
        out = tmp_path / f"{label}.dot"
        assert run(capsys, "export", source, "-o", str(out), *extra)[0] == 0
        outputs[label] = out.read_text()
    assert '"defence M1"' in outputs["with"] and '"defence M1"' not in outputs["base"]
    assert '"defence M3"' in outputs["release"]
    assert "not in profile" in outputs["profile"]
    assert "highlighted: C2" in outputs["chain"]
    assert "REACHABLE" not in outputs["plain"] and "REACHABLE" in outputs["base"]
    assert '"defence M2"' in outputs["base"] and '"defence M2"' not in outputs["hidden"]


@pytest.mark.graphviz
@needs_dot
def test_markdown_report_writes_its_svgs_beside_it(tmp_path, capsys) -> None:
    out = tmp_path / "docs" / "review.md"
    out.parent.mkdir()
    assert run(capsys, "export", write_demo(tmp_path), "-o", str(out))[0] == 0
    text = out.read_text()
    for name in ("review.diagram.svg", "review.pareto.svg", "review.timeline.svg"):
        assert f"({name})" in text
        ET.fromstring((out.parent / name).read_bytes())


@pytest.mark.graphviz
@needs_dot
def test_exported_svg_opens_again_as_a_model(tmp_path, capsys) -> None:
    svg = tmp_path / "flagship.svg"
    assert run(capsys, "export", FLAGSHIP, "-o", str(svg), "--at-release", "20.07")[0] == 0
    code, _, err = run(capsys, "validate", str(svg))
    assert code == 0 and "valid" in err
    code, out, _ = run(capsys, "analyze", str(svg), "--format", "json")
    _, original, _ = run(capsys, "analyze", FLAGSHIP, "--format", "json")
    assert code == 0 and json.loads(out) == json.loads(original)
    back = tmp_path / "back.json"
    assert run(capsys, "export", str(svg), "-o", str(back))[0] == 0
    assert back.read_text() == Path(FLAGSHIP).read_text()


@pytest.mark.graphviz
@needs_dot
@pytest.mark.parametrize(
    "name",
    ["h.svg", "h.png", "h.pdf", "h.dot", "h.mmd", "h.csv", "h.html", "h.md", "h.json", "h.yaml"],
)
def test_hostile_labels_through_every_exporter(tmp_path, capsys, hostile_file, name) -> None:
    out = tmp_path / name
    code, _, err = run(capsys, "export", hostile_file, "-o", str(out))
    assert (code, err) == (0, "")
    data = out.read_bytes()
    if name in ("h.png", "h.pdf"):
        assert data[:4] in (b"\x89PNG", b"%PDF")
        return
    text = data.decode("utf-8")
    assert "\x1b" not in text or name in ("h.json", "h.yaml")
    if name == "h.svg":
        ET.fromstring(data)
        assert read_model(out).title == read_model(hostile_file).title
    elif name == "h.html":
        ET.fromstring(text.split("\n", 1)[1])
        assert "<script" not in text.lower()
    elif name == "h.csv":
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert cell[:1] not in "=+@" or cell == "", cell
    elif name in ("h.json", "h.yaml"):
        model = read_model(out)  # the model survives every hostile string
        assert model.description == "\n\n".join(LOADABLE)


def test_usage_errors(tmp_path, capsys) -> None:
    demo = write_demo(tmp_path)
    code, _, err = run(capsys, "export", demo, "-o", str(tmp_path / "x.unknown"))
    assert code == 2 and "cannot tell what to write" in err and "svg" in err
    code, _, err = run(capsys, "export", demo, "-o", str(tmp_path / "x"), "--format", "gif")
    assert code == 2 and "'gif'" in err
    code, _, err = run(capsys, "export", demo, "-o", str(tmp_path / "x.csv"), "--with", "M9")
    assert code == 2 and "M1" in err
    with pytest.raises(SystemExit) as info:
        main(["export", demo])
    assert info.value.code == 2


@pytest.mark.graphviz
@needs_dot
def test_unknown_chain_is_a_usage_error(tmp_path, capsys) -> None:
    code, _, err = run(
        capsys, "export", write_demo(tmp_path), "-o", str(tmp_path / "x.svg"), "--chain", "C42"
    )
    assert code == 2 and "C1 to C3" in err
    assert not (tmp_path / "x.svg").exists()


def test_invalid_model_exits_1(tmp_path, capsys) -> None:
    code, _, err = run(capsys, "export", write_invalid(tmp_path), "-o", str(tmp_path / "x.csv"))
    assert code == 1 and "/nodes/2/gate" in err


def test_unwritable_output_exits_1(tmp_path, capsys) -> None:
    code, _, err = run(
        capsys, "export", write_demo(tmp_path), "-o", str(tmp_path / "missing" / "x.csv")
    )
    assert code == 1 and "folder does not exist" in err


@pytest.mark.parametrize("name", ["x.svg", "x.png", "x.pdf", "x.html", "x.md"])
def test_missing_graphviz_exits_3_with_an_install_hint(tmp_path, capsys, monkeypatch, name) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, out, err = run(capsys, "export", write_demo(tmp_path), "-o", str(tmp_path / name))
    assert code == 3 and out == ""
    assert "Graphviz is not installed" in err and "apt install graphviz" in err
    assert not (tmp_path / name).exists()
    # formats that need no Graphviz still work without it
    assert run(capsys, "export", write_demo(tmp_path), "-o", str(tmp_path / "y.mmd"))[0] == 0
    assert os.path.exists(tmp_path / "y.mmd")


@pytest.mark.parametrize("suffix", [".stix.json", ".afb", ".graphml", ".deciduous.yaml"])
def test_interchange_formats_are_the_registry_writers(tmp_path, capsys, suffix) -> None:
    exported, converted = tmp_path / f"e{suffix}", tmp_path / f"c{suffix}"
    assert run(capsys, "export", FLAGSHIP, "-o", str(exported))[0] == 0
    assert run(capsys, "convert", FLAGSHIP, str(converted), "--quiet")[0] == 0

    # the writers stamp times, so compare what reads back
    def content(path):
        model = read_model(path)
        return (
            [(n.id, n.kind, n.label) for n in model.nodes.values()],
            [e.key for e in model.edges],
            [(m.id, m.blocks) for m in model.mitigations.values()],
        )

    assert content(exported) == content(converted)


def test_exports_name_chains_by_the_whole_models_ids(tmp_path, capsys) -> None:
    """A profile, a release or a what-if never renumbers a chain: the CSV
    matrix (and every diagram and report) uses the whole model's ids."""
    import csv

    from attackgraph.analysis import analyze
    from attackgraph.formats import read_model

    model = read_model(FLAGSHIP)
    profile = "compromised-app"  # an attacker inside an app: a subset of the chains
    base = {frozenset(c.nodes): c.id for c in analyze(model).chains}
    scenario = analyze(model, profile=profile, at_release="20.06")
    expected = [base[frozenset(c.nodes)] for c in scenario.chains]
    assert expected != [c.id for c in scenario.chains]  # its own ranks would differ
    out = tmp_path / "m.csv"
    code, _, _ = run(
        capsys, "export", FLAGSHIP, "-o", str(out), "--profile", profile, "--at-release", "20.06"
    )
    assert code == 0
    assert [row[0] for row in list(csv.reader(out.open()))[1:]] == expected

"""MulVAL attack graphs: AttackGraph.xml and the VERTICES.CSV/ARCS.CSV pair.

The fixtures in ``tests/formats/mulval/`` are hand-written in the shape of
MulVAL's real output (a two-host network, one goal). Real MulVAL outputs
from public repositories are checked when ``ATTACKGRAPH_MULVAL_SAMPLES``
names a folder holding them (any depth): every ``AttackGraph.xml`` and every
``VERTICES.CSV`` with its ``ARCS.CSV``.
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from attackgraph.analysis import analyze
from attackgraph.formats import check_file, read_model, reader_for
from attackgraph.formats.mulval import (
    check_mulval_csv,
    check_mulval_xml,
    label_of_fact,
    sniff_mulval_arcs,
    sniff_mulval_vertices,
    sniff_mulval_xml,
)

DATA = Path(__file__).parent / "mulval"
SAMPLES = os.environ.get("ATTACKGRAPH_MULVAL_SAMPLES")


def _edges(model) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in model.edges}


# ------------------------------------------------------------------ mapping
def test_xml_fixture_maps_vertices_arcs_goals_hosts_and_metrics() -> None:
    checked = check_file(DATA / "AttackGraph.xml")
    assert checked.format == "mulval"
    model = checked.model
    assert model is not None, checked.problems
    assert not checked.errors
    nodes = model.nodes
    assert len(nodes) == 15 and len(model.edges) == 14
    assert [n for n in nodes if nodes[n].kind == "goal"] == ["1"]
    assert sorted(int(n) for n in nodes if nodes[n].kind == "entry") == list(range(9, 16))
    assert nodes["2"].gate == "and" and nodes["3"].gate == "or"
    # MulVAL's arc 8,15 (rule 8 needs attackerLocated) is the edge 15 -> 8
    assert ("15", "8") in _edges(model) and ("8", "15") not in _edges(model)
    assert ("2", "1") in _edges(model)
    assert nodes["5"].label == "execCode(webServer, apache)"
    assert nodes["5"].extras["x-mulval-fact"] == "execCode(webServer,apache)"
    assert nodes["5"].extras["x-mulval-type"] == "OR"
    # rule metrics in (0, 1] are probabilities; 0 stays an x- value only
    assert nodes["2"].probability == 0.8 and nodes["6"].probability == 0.6
    assert nodes["4"].probability is None and nodes["4"].extras["x-mulval-metric"] == 0
    assert list(nodes["10"].refs) == ["CVE-2019-9193"]
    comps = {c.id: c.kind for c in model.components.values()}
    assert comps == {"dbServer": "device", "webServer": "device", "internet": "network"}
    assert nodes["11"].component == "dbServer"  # hacl(src, dst, ...): the target host
    assert nodes["4"].component == "dbServer"  # the rule lies where its conclusion does
    assert nodes["15"].component == "internet"
    warnings = " ".join(p.message for p in checked.problems)
    assert "metric 0" in warnings and "components" in warnings
    assert "became goals (MulVAL's query goals): execCode(dbServer, root)" in warnings

    result = analyze(model)
    assert result.goals[0].reachable
    assert [round(c.probability, 6) for c in result.chains] == [0.48]


def test_csv_pair_reads_the_same_graph_from_either_file(tmp_path: Path) -> None:
    xml = read_model(DATA / "AttackGraph.xml")
    for name in ("VERTICES.CSV", "ARCS.CSV"):
        checked = check_file(DATA / name)
        assert checked.format == "mulval-csv"
        assert checked.model is not None, checked.problems
        model = checked.model
        assert _edges(model) == _edges(xml)
        assert {
            n: (v.kind, v.gate, v.label, v.component, v.probability) for n, v in model.nodes.items()
        } == {
            n: (v.kind, v.gate, v.label, v.component, v.probability) for n, v in xml.nodes.items()
        }
    # a prefix and lower case: run1_vertices.csv finds run1_arcs.csv
    shutil.copy(DATA / "VERTICES.CSV", tmp_path / "run1_vertices.csv")
    shutil.copy(DATA / "ARCS.CSV", tmp_path / "run1_arcs.csv")
    (tmp_path / "ARCS.CSV").write_text("1,2,-1\n")  # the wrong sibling: not taken
    assert _edges(read_model(tmp_path / "run1_vertices.csv")) == _edges(xml)
    assert _edges(read_model(tmp_path / "run1_arcs.csv")) == _edges(xml)


def test_content_decides_before_the_name(tmp_path: Path) -> None:
    raw = (DATA / "AttackGraph.xml").read_bytes()
    assert sniff_mulval_xml(raw)
    assert reader_for("graph.xml", raw).name == "mulval"
    assert reader_for("graph.graphml", raw).name == "mulval"
    assert sniff_mulval_vertices((DATA / "VERTICES.CSV").read_bytes())
    assert sniff_mulval_arcs((DATA / "ARCS.CSV").read_bytes())
    assert not sniff_mulval_arcs(b"id,label\n1,a\n")
    assert reader_for("vertices.txt", (DATA / "VERTICES.CSV").read_bytes()).name == "mulval-csv"
    (tmp_path / "VERTICES.txt").write_bytes((DATA / "VERTICES.CSV").read_bytes())
    (tmp_path / "ARCS.CSV").write_bytes((DATA / "ARCS.CSV").read_bytes())
    assert check_file(tmp_path / "VERTICES.txt").model is not None


def test_labels() -> None:
    assert (
        label_of_fact("hacl(internet,'10.0.0.1',tcp,'22')")
        == "hacl(internet, '10.0.0.1', tcp, '22')"
    )
    assert label_of_fact("f(a,'x,y',g(b,c))") == "f(a, 'x,y', g(b,c))"
    assert label_of_fact("  ") == "(no fact)"


def test_cycles_are_kept_and_warned() -> None:
    vertices = (
        b'1,"execCode(a,root)","OR",0\n2,"RULE 1 (x)","AND",0\n'
        b'3,"execCode(b,root)","OR",0\n4,"RULE 1 (x)","AND",0\n'
        b'5,"attackerLocated(internet)","LEAF",1\n6,"RULE 2 (y)","AND",0\n'
        b'7,"goal(a)","OR",0\n'
    )
    arcs = b"1,2,-1\n2,3,-1\n3,4,-1\n4,1,-1\n1,6,-1\n6,5,-1\n7,2,-1\n"
    checked = check_mulval_csv(vertices, arcs)
    assert checked.model is not None, checked.problems
    assert any("cycle" in p.message for p in checked.problems)
    assert [n for n, v in checked.model.nodes.items() if v.kind == "goal"] == ["7"]


def test_arc_metrics_are_kept() -> None:
    vertices = (
        b'1,"execCode(a,root)","OR",0\n2,"RULE 1 (x)","AND",0.5\n3,"hacl(i,a,t,1)","LEAF",1\n'
    )
    checked = check_mulval_csv(vertices, b"1,2,0.25\n2,3,-1\n")
    assert checked.model is not None, checked.problems
    extras = {(e.source, e.target): e.extras for e in checked.model.edges}
    assert extras[("2", "1")] == {"x-mulval-metric": 0.25}
    assert extras[("3", "2")] == {}


def test_cli_convert_to_native(tmp_path: Path) -> None:
    from attackgraph.cli import main

    out = tmp_path / "net.attackgraph.json"
    assert main(["convert", str(DATA / "AttackGraph.xml"), str(out)]) == 0
    again = read_model(out)
    assert _edges(again) == _edges(read_model(DATA / "AttackGraph.xml"))
    assert again.nodes["5"].extras["x-mulval-type"] == "OR"


# ------------------------------------------------------------------ hostile
def _errors(checked) -> list:
    assert checked.model is None
    errors = [p for p in checked.problems if p.is_error]
    assert errors
    return errors


@pytest.mark.parametrize(
    ("raw", "needle", "line"),
    [
        (b"<attack_graph><arcs>", "not well-formed", 1),
        (
            b"<attack_graph>\n<vertices>\n<vertex><id>1</id></vertex>\n</vertices>\n",
            "not well-formed",
            5,
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE attack_graph [<!ENTITY a "b">]>\n<attack_graph/>',
            "document type",
            None,
        ),
        (
            b"<attack_graph>\n<vertices>\n<vertex><id>x1</id><fact>f</fact><type>OR</type></vertex>"
            b"\n</vertices></attack_graph>",
            "not a vertex number",
            3,
        ),
        (
            b"<attack_graph>\n<vertices>\n<vertex><id>" + b"9" * 40 + b"</id><fact>f</fact>"
            b"<type>OR</type></vertex>\n</vertices></attack_graph>",
            "digits",
            3,
        ),
        (
            b"<attack_graph><vertices>\n<vertex><id>1</id><fact>f</fact><type>XOR</type></vertex>"
            b"</vertices></attack_graph>",
            "AND, OR or LEAF",
            2,
        ),
        (
            b"<attack_graph><arcs>\n<arc><src>1</src><dst>2</dst></arc></arcs><vertices>"
            b"<vertex><id>1</id><fact>f</fact><type>OR</type></vertex></vertices></attack_graph>",
            "vertex 2",
            2,
        ),
        (
            b"<attack_graph><vertices>\n<vertex><id>1</id><fact>f</fact><type>OR</type></vertex>\n"
            b"<vertex><id>1</id><fact>g</fact><type>OR</type></vertex></vertices></attack_graph>",
            "listed twice",
            3,
        ),
        (b"<graph/>", "root element", None),
        (b"<attack_graph/>", "no vertices", None),
    ],
)
def test_hostile_xml_gets_located_errors(raw: bytes, needle: str, line: int | None) -> None:
    errors = _errors(check_mulval_xml(raw))
    assert any(needle in e.message for e in errors), errors
    if line is not None:
        assert any(e.line == line for e in errors if needle in e.message), errors


def test_billion_laughs_and_deep_nesting_are_refused_quickly() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE attack_graph [<!ENTITY l0 "lol">'
        + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
        + "]>\n<attack_graph><vertices><vertex><fact>&l9;</fact></vertex></vertices>"
        "</attack_graph>"
    ).encode()
    assert "document type" in _errors(check_mulval_xml(bomb))[0].message
    deep = b"<attack_graph>" + b"<a>" * 200_000 + b"</a>" * 200_000 + b"</attack_graph>"
    assert "no vertices" in _errors(check_mulval_xml(deep))[0].message


@pytest.mark.parametrize(
    ("vertices", "arcs", "needle", "line"),
    [
        (b'1,"execCode(a,root)","OR",0\nabc,"x","LEAF",1\n', b"1,2,-1\n", "not a vertex number", 2),
        (b'1,"execCode(a,root)","OR",0\n2,"x"\n', b"", "field", 2),
        (b'1,"execCode(a,root)","OR",0\n2,"x","MAYBE",1\n', b"", "AND, OR or LEAF", 2),
        (b'1,"execCode(a,root)","OR",0\n', b"1,7,-1\n", "vertex 7", None),
        (b'1,"a","OR",0\n\xff\xfe,"b","LEAF",1\n', b"", "UTF-8", 2),
        (b'1,"a","OR",0\n2,"' + b"x" * 300_000 + b'","LEAF",1\n', b"", "field limit", 2),
    ],
)
def test_hostile_csv_gets_located_errors(
    vertices: bytes, arcs: bytes, needle: str, line: int | None
) -> None:
    errors = _errors(check_mulval_csv(vertices, arcs))
    assert any(needle in e.message for e in errors), errors
    if line is not None:
        assert any(e.line == line for e in errors if needle in e.message), errors


def test_problems_in_the_sibling_name_it(tmp_path: Path) -> None:
    (tmp_path / "VERTICES.CSV").write_bytes((DATA / "VERTICES.CSV").read_bytes())
    (tmp_path / "ARCS.CSV").write_bytes(b"1,2,-1\n2,x,-1\n")
    errors = _errors(check_file(tmp_path / "VERTICES.CSV"))
    assert any("ARCS.CSV line 2" in e.message and e.line is None for e in errors), errors


def test_missing_sibling_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "VERTICES.CSV").write_bytes((DATA / "VERTICES.CSV").read_bytes())
    (tmp_path / "arcs_only").mkdir()
    (tmp_path / "arcs_only" / "ARCS.CSV").write_bytes((DATA / "ARCS.CSV").read_bytes())
    for path, missing in (
        (tmp_path / "VERTICES.CSV", "ARCS.CSV"),
        (tmp_path / "arcs_only" / "ARCS.CSV", "VERTICES.CSV"),
    ):
        errors = _errors(check_file(path))
        assert missing in errors[0].message and "was not found" in errors[0].message


# ------------------------------------------------------- real MulVAL output
def _sample_files() -> list[Path]:
    if not SAMPLES:
        return []
    root = Path(SAMPLES)
    found = sorted(root.rglob("AttackGraph.xml")) + sorted(root.rglob("VERTICES.CSV"))
    return found


def _raw_graph(path: Path) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """Vertices (id -> type) and arcs (src, dst) read independently of the
    importer: the standard library's parsers on MulVAL's layout."""
    if path.suffix.lower() == ".xml":
        import defusedxml.ElementTree as safe_tree

        root = safe_tree.parse(path).getroot()
        types = {v.findtext("id").strip(): v.findtext("type").strip() for v in root.iter("vertex")}
        arcs = {(a.findtext("src").strip(), a.findtext("dst").strip()) for a in root.iter("arc")}
        return types, arcs
    with open(path, newline="") as handle:
        types = {row[0]: row[2] for row in csv.reader(handle) if row}
    with open(path.with_name("ARCS.CSV"), newline="") as handle:
        arcs = {(row[0], row[1]) for row in csv.reader(handle) if row}
    return types, arcs


def _mulval_derivable(types: dict[str, str], arcs: set[tuple[str, str]]) -> set[str]:
    """Least fixpoint of MulVAL's semantics: leaves hold, an AND vertex
    holds when all its premises (arc dst) do, an OR vertex when one does."""
    premises: dict[str, list[str]] = {v: [] for v in types}
    for src, dst in arcs:
        premises[src].append(dst)
    holds = {v for v, t in types.items() if t == "LEAF"}
    changed = True
    while changed:
        changed = False
        for vertex, kind in types.items():
            if vertex in holds or not premises[vertex]:
                continue
            need = all if kind == "AND" else any
            if need(p in holds for p in premises[vertex]):
                holds.add(vertex)
                changed = True
    return holds


@pytest.mark.skipif(
    not _sample_files(), reason="set ATTACKGRAPH_MULVAL_SAMPLES to a folder of real MulVAL outputs"
)
@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_mulval_output(path: Path) -> None:
    checked = check_file(path)
    assert checked.model is not None, checked.problems
    assert not checked.errors
    model = checked.model
    types, arcs = _raw_graph(path)
    assert len(model.nodes) == len(types)
    assert _edges(model) == {(dst, src) for src, dst in arcs}
    roots = {v for v, t in types.items() if t == "OR"} - {dst for _, dst in arcs}
    assert {n for n, v in model.nodes.items() if v.kind == "goal"} == roots
    assert roots
    derivable = _mulval_derivable(types, arcs)
    result = analyze(model)
    assert {g.id: g.reachable for g in result.goals} == {g: g in derivable for g in roots}
    assert all(g.reachable for g in result.goals)  # MulVAL only draws what it derived

"""Microsoft Threat Modeling Tool ``.tm7`` files: reading, hostile XML, real files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from attackgraph.cli import main
from attackgraph.errors import FormatError
from attackgraph.formats import check_file, read_model, reader_for, write_model
from attackgraph.formats.tm7 import check_tm7, sniff_tm7
from tests.formats.threat_files import DATA, assert_imported, real_files, same

SMALL = DATA / "small.tm7"


def test_small_file_maps_stencils_boundaries_threats_and_states() -> None:
    checked = check_file(SMALL)
    assert checked.format == "tm7" and checked.model is not None, checked.problems
    model = checked.model
    assert model.title == "Web shop" and model.description == "A hand-written web shop."
    comps = model.components
    assert comps["corporate-network"].kind == "network"
    assert comps["web-app"].parent == "corporate-network"  # inside the boundary box
    assert comps["sql-database"].parent == "corporate-network"
    assert comps["browser"].kind == "human" and comps["browser"].parent is None
    goals = {n.label: n for n in model.nodes.values() if n.kind == "goal"}
    assert set(goals) == {
        "SQL injection on SQL Database",
        "Spoofing of the Web App",
        "Web App crashes",
    }
    sqli = goals["SQL injection on SQL Database"]
    assert sqli.component == "sql-database"  # the flow's target
    assert sqli.extras["x-tm7"]["state"] == "NeedsInvestigation"
    assert sqli.extras["x-tm7"]["category"] == "Tampering"
    spoof = goals["Spoofing of the Web App"]
    assert "TLS 1.3 everywhere." in (spoof.description or "")  # the justification
    mits = {m.label: m for m in model.mitigations.values()}
    assert mits["Use parameterised queries."].status == "proposed"
    assert mits["Authenticate the server with TLS."].status == "deployed"  # Mitigated
    na = mits["Marked not applicable in the Threat Modeling Tool"]
    assert na.status == "deployed" and na.blocks == (goals["Web App crashes"].id,)
    # the flows connect: the attacker at the browser, then at the web app
    edges = {(e.source, e.target) for e in model.edges}
    assert {
        ("attacker", "at-browser"),
        ("at-browser", "at-web-app"),
        ("at-web-app", sqli.id),
        ("at-browser", spoof.id),
    } <= edges
    assert any("no attack paths" in p.message for p in checked.warnings)


def test_tm7_is_read_only_but_converts_to_every_writable_format(tmp_path: Path) -> None:
    with pytest.raises(FormatError):
        write_model(read_model(SMALL), tmp_path / "out.tm7")
    for suffix in (".attackgraph.json", ".otm.json", ".threat-dragon.json"):
        out = tmp_path / f"out{suffix}"
        assert main(["convert", "-q", str(SMALL), str(out)]) == 0
        assert same(read_model(out), read_model(SMALL))


def test_sniffing_wins_over_the_name(tmp_path: Path) -> None:
    raw = SMALL.read_bytes()
    assert sniff_tm7(raw)
    xml = tmp_path / "model.xml"
    xml.write_bytes(raw)
    assert reader_for(xml, raw).name == "tm7"


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE ThreatModel [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><ThreatModel>&b;</ThreatModel>'
)
EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE ThreatModel [<!ENTITY x SYSTEM '
    b'"file:///etc/passwd">]><ThreatModel>&x;</ThreatModel>'
)


@pytest.mark.parametrize(
    ("content", "fragment", "line"),
    [
        (b"", "empty", None),
        (BOMB, "document type or entities", None),
        (EXTERNAL, "document type or entities", None),
        (b"<ThreatModel>\n  <DrawingSurfaceList>\n</ThreatModel>", "not well-formed", 3),
        (b"<Other/>", "not a Threat Modeling Tool model", None),
        (b"<ThreatModel><DrawingSurfaceList/></ThreatModel>", "no threats", None),
        (b"\xff\xfe<\x00T\x00", "not well-formed", 1),
    ],
)
def test_hostile_files_give_located_errors(content: bytes, fragment: str, line: int | None) -> None:
    checked = check_tm7(content)
    assert checked.model is None
    assert any(fragment in p.message for p in checked.errors), checked.errors
    if line is not None:
        assert checked.errors[0].line == line


def test_deep_nesting_and_garbage_do_not_crash() -> None:
    deep = b"<ThreatModel>" + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</ThreatModel>"
    assert check_tm7(deep).errors
    text = SMALL.read_text(encoding="utf-8")
    # every element emptied, one at a time, still reads or fails cleanly
    for match in list(re.finditer(r"<(m:|b:|a:)?(\w+)>([^<]+)</", text))[:200]:
        broken = text[: match.start(3)] + "x" * 3 + text[match.end(3) :]
        checked = check_tm7(broken.encode())
        assert checked.model is not None or checked.errors


def test_real_files_import() -> None:
    imported = 0
    for path in real_files("tm7", "*.tm7"):
        checked = check_file(path)
        assert checked.format == "tm7", path
        imported += assert_imported(checked, path.name) is not None
    assert imported >= 2

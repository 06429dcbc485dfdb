"""HTML and Markdown reports and their plots: content matches the analysis,
documents are well-formed and self-contained, hostile text stays inert, and
Chromium renders the HTML report without running any script."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from attackgraph.analysis import optimal_mitigations
from attackgraph.render.html import CSP
from attackgraph.render.plots import pareto_svg, timeline_svg
from attackgraph.render.report_data import collect_report
from attackgraph.render.report_html import MATRIX_ROWS, html_report
from attackgraph.render.report_md import markdown_report
from tests.render.hostile import (
    MARKER,
    chromium_path,
    hostile_model,
    needs_chromium,
    needs_dot,
    small_model,
)

SECTIONS = [
    "diagram",
    "goals",
    "chains",
    "matrix",
    "mitigations",
    "optimal",
    "timeline",
    "profiles",
]


class _Collector(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _assert_inert_html(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collector()
    collector.feed(html)
    for tag, attrs in collector.tags:
        assert tag not in (
            "script",
            "iframe",
            "object",
            "embed",
            "img",
            "link",
            "base",
            "form",
            "foreignobject",
            "image",
        ), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcset", "formaction"), (tag, name)
            if name == "xlink:href" or (name == "href" and tag == "use"):
                assert (value or "").startswith("#"), (tag, value)  # in-document only
            elif name == "href":
                assert value and (
                    value.startswith("#") or value.startswith(("http://", "https://"))
                ), value
            if not name.endswith("title"):  # tooltips are text
                assert "javascript:" not in (value or "").lower(), (tag, name, value)
    return collector.tags


@pytest.fixture(scope="module")
def small_report() -> tuple[str, object]:
    model = small_model()
    data = collect_report(model)
    return html_report(model, data), data


@pytest.mark.graphviz
@needs_dot
def test_html_report_is_well_formed_self_contained_and_complete(small_report) -> None:
    html, _ = small_report
    root = ET.fromstring(html.split("\n", 1)[1])  # XHTML-compatible: parses as XML
    assert root.tag == "html"
    assert f'content="{CSP}"' in html.replace("&#39;", "'")
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert set(SECTIONS) <= ids
    tags = _assert_inert_html(html)
    assert any(t == "svg" for t, _ in tags)  # the diagram and plots are inline
    for word in (
        "Phish to domain admin",
        "goals reachable",
        "Domain admin",
        "Credential Guard",
        "Budget variants",
        "Release timeline",
        "Remote attacker",
    ):
        assert word in html, word
    assert "<em>small</em>" in html  # the description is rendered Markdown


@pytest.mark.graphviz
@needs_dot
def test_html_report_figures_match_the_analysis(small_report) -> None:
    html, data = small_report
    model = small_model()
    result = data.analysis
    opt = optimal_mitigations(model, goals=[g.id for g in result.goals if g.reachable])
    assert data.optimization == opt or data.optimization.cost == opt.cost
    summary = html.split('class="cards"')[1].split("</div></div>")[0]
    reachable = sum(g.reachable for g in result.goals)
    assert f"{reachable} of {len(result.goals)}" in html
    assert f"{sum(c.open for c in result.chains)}" in summary
    matrix = html.split('id="matrix"')[1].split("</table>")[0]
    marks = sum(
        len([m for m in c.broken_by if model.mitigations[m].is_full])
        for c in result.chains[:MATRIX_ROWS]
    )
    assert matrix.count("●") == marks
    timeline = html.split('id="timeline"')[1].split("</table>")[0]
    assert timeline.count("<tr>") == 1 + len(model.releases)
    assert len(data.timeline) == 2 and data.timeline[1].release == "R2"
    assert data.timeline[1].open_chains <= data.timeline[0].open_chains
    assert data.timeline[1].new_mitigations == ("M2",)
    assert [p.profile for p in data.profiles] == ["remote"]
    assert data.frontier[0].cost == 0 and data.frontier[-1].impact_left == 0


@pytest.mark.graphviz
@needs_dot
def test_report_state_options() -> None:
    model = small_model()
    data = collect_report(model, at_release="R2", switch_on=["M1"], profile="remote")
    html = html_report(model, data, chain=None)
    assert "at release R2" in html and "what-if with M1" in html
    assert "attacker profile remote" in html
    base = collect_report(model)
    plain, highlighted = html_report(model, base), html_report(model, base, chain="C1")
    assert "penwidth" not in highlighted  # (SVG output, not DOT)
    assert highlighted.count('stroke-width="3.2"') > plain.count('stroke-width="3.2"')


@pytest.mark.graphviz
@needs_dot
def test_hostile_html_report_is_well_formed_and_inert() -> None:
    model = hostile_model()
    html = html_report(model, collect_report(model), chain="C1")
    ET.fromstring(html.split("\n", 1)[1])
    _assert_inert_html(html)
    assert "&lt;script&gt;" in html
    assert "\x1b" not in html and "\u202e" not in html
    lowered = html.lower()
    assert (
        "<script" not in lowered
        and "javascript:"
        not in re.sub(r'title="[^"]*"', "", lowered)
        .replace("javascript:document", "")
        .split("<body")[0]
    )


@pytest.mark.graphviz
@needs_dot
def test_markdown_report_tables_attachments_and_escaping(tmp_path: Path) -> None:
    model = hostile_model()
    report = markdown_report(model, collect_report(model), stem="r")
    assert set(report.attachments) == {"r.diagram.svg", "r.pareto.svg", "r.timeline.svg"}
    for content in report.attachments.values():
        ET.fromstring(content)
    text = report.text
    assert "![Diagram of" in text and "(r.diagram.svg)" in text
    for heading in (
        "## Goals",
        "## Chains",
        "## Chain × mitigation matrix",
        "## Mitigations",
        "## Optimal mitigation set",
        "## Release timeline",
        "## Attacker profiles",
    ):
        assert heading in text
    # rendered the way a permissive wiki would (raw HTML allowed), it stays inert
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    tags = _Collector()
    tags.feed(rendered)
    for tag, attrs in tags.tags:
        assert tag not in ("script", "iframe", "svg", "object"), tag
        if tag == "img":
            assert attrs["src"] in report.attachments, attrs
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        scheme = (attrs.get("href") or "").strip().lower().split(":")[0]
        assert scheme not in ("javascript", "vbscript", "data", "file"), attrs
    # table rows keep their column count: no label breaks a row with a pipe
    for block in re.findall(r"(?:^\|.*\|$\n?)+", text, re.M):
        rows = [r for r in block.strip().split("\n")]
        widths = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
        assert len(widths) == 1, rows[:3]


def test_plots_are_svg_with_unique_ids() -> None:
    pareto = pareto_svg([(0, 12, 0), (2.5, 5, 1), (6, 0, 3)], total_impact=12)
    timeline = timeline_svg([("R1", 7, True), ("R2", 3, False), ("$x$", 0, True)])
    ids = []
    for text in (pareto, timeline):
        root = ET.fromstring(text)
        assert root.tag.endswith("svg")
        ids += [e.get("id") for e in root.iter() if e.get("id")]
        refs = re.findall(r'(?:href="#|url\(#)([^")]+)', text)
        assert set(refs) <= set(ids)
    assert len(ids) == len(set(ids))
    assert ">?<" in timeline and "P3 (3)" in pareto


def _chromium(*args: str, user_dir: Path) -> subprocess.CompletedProcess[str]:
    binary = chromium_path()
    assert binary is not None
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={user_dir}",
            "--virtual-time-budget=3000",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.graphviz
@needs_dot
@needs_chromium
def test_chromium_renders_the_report_and_runs_no_script(tmp_path: Path) -> None:
    # the harness really sees a script run: a control page sets the marker
    control = tmp_path / "control.html"
    control.write_text(
        f"<html><body><script>document.body.setAttribute('{MARKER}','1')"
        "</script><p>x</p></body></html>"
    )
    dom = _chromium("--dump-dom", control.as_uri(), user_dir=tmp_path / "profile0").stdout
    assert re.search(rf"<body[^>]*{MARKER}=\"1\"", dom), dom[:300]

    model = hostile_model()
    page = tmp_path / "report.html"
    page.write_text(html_report(model, collect_report(model)), encoding="utf-8")
    dom = _chromium("--dump-dom", page.as_uri(), user_dir=tmp_path / "profile1").stdout
    assert "<h1>" in dom and 'id="matrix"' in dom  # it rendered
    assert not re.search(rf"<body[^>]*{MARKER}", dom)  # and no payload ran
    assert "<script" not in dom.lower()

    shot = tmp_path / "report.png"
    _chromium(
        f"--screenshot={shot}",
        "--window-size=1280,1600",
        page.as_uri(),
        user_dir=tmp_path / "profile2",
    )
    from PIL import Image

    with Image.open(shot) as image:
        grey = image.convert("L")
        assert grey.size == (1280, 1600)
        low, high = grey.getextrema()
        assert low < 60 and high > 240  # text on a light page, not a blank screen


def test_report_collection_can_be_cancelled() -> None:
    import threading

    from attackgraph.render.backend import RenderCancelled

    cancel = threading.Event()
    cancel.set()
    with pytest.raises(RenderCancelled):
        collect_report(small_model(), cancel=cancel)


@needs_dot
def test_reports_show_the_defence_in_depth(tmp_path: Path) -> None:
    from attackgraph.formats import read_model

    model = read_model(Path(__file__).parents[2] / "samples" / "azure-sphere-2020.attackgraph.json")
    data = collect_report(model, at_release="20.07", time_limit=5)
    depth = data.analysis.depth
    assert depth is not None and depth.goal("root-nw-linux").depth == 1
    text = markdown_report(model, data, stem="r").text
    assert "- **Least defence in depth:** 1 " in text
    root = next(line for line in text.splitlines() if line.startswith("| Root with full"))
    assert "| 1 | `package-content-validation`, `afazspio-fix` |" in root
    timeline = [line for line in text.splitlines() if line.startswith("| `20.0")]
    assert [line.rsplit("|", 2)[1].strip() for line in timeline] == ["0", "1", "1", "3"]
    html = html_report(model, data, diagram_svg=b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert "Least depth" in html and "least defence in depth" in html

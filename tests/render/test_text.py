"""The escaping functions: every hostile string comes out inert for its target."""

from __future__ import annotations

import csv
import io
import re

import pytest

from attackgraph.render.table import write_csv
from attackgraph.render.text import (
    REPLACEMENT,
    clean,
    csv_cell,
    dot_html,
    dot_string,
    markdown_text,
    mermaid_text,
    one_line,
    wrap,
    xml_text,
)
from tests.render.hostile import HOSTILE

UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.mark.parametrize("text", HOSTILE)
def test_clean_leaves_no_control_bidi_or_surrogate(text: str) -> None:
    out = clean(text)
    assert not UNSAFE.search(out)
    assert "\r" not in out
    out.encode("utf-8")  # always encodable


def test_clean_makes_tampering_visible() -> None:
    assert clean("a\x1b[31mb") == f"a{REPLACEMENT}[31mb"
    assert clean("abc\u202efdp.exe") == f"abc{REPLACEMENT}fdp.exe"
    assert clean("x\r\ny\rz") == "x\ny\nz"


@pytest.mark.parametrize("text", HOSTILE)
def test_dot_string_is_one_quoted_token(text: str) -> None:
    quoted = dot_string(text)
    assert quoted.startswith('"') and quoted.endswith('"')
    body = quoted[1:-1]
    # every quote inside is escaped, and no raw newline can end the string
    assert not re.search(r'(?<!\\)(?:\\\\)*"', body)
    assert "\n" not in body


def test_dot_string_keeps_backslashes_literal() -> None:
    assert dot_string("a\\Nb") == '"a\\\\Nb"'
    assert dot_string('say "hi"') == '"say \\"hi\\""'
    assert dot_string("two\nlines") == '"two\\nlines"'
    assert dot_string("ends with \\") == '"ends with \\\\"'


@pytest.mark.parametrize("text", HOSTILE)
def test_dot_html_has_no_markup(text: str) -> None:
    out = dot_html(text)
    assert "<" not in out and ">" not in out and '"' not in out
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;)", out)


@pytest.mark.parametrize("text", HOSTILE)
def test_xml_text_has_no_markup(text: str) -> None:
    out = xml_text(text)
    assert not set("<>\"'") & set(out)
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#39;)", out)


@pytest.mark.parametrize("text", HOSTILE)
def test_mermaid_text_has_no_syntax(text: str) -> None:
    out = mermaid_text(text)
    assert re.fullmatch(r"(?:[^#;]|#\d+;)*", out), out
    bare = re.sub(r"#\d+;", "", out)
    assert not set('"[]{}<>|;%`#&\n') & set(bare)
    assert "--" not in bare


def test_mermaid_entities_spell_the_text() -> None:
    out = mermaid_text('a"b')
    assert out == "a#34;b"


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_escapes_every_punctuation(text: str) -> None:
    out = markdown_text(text)
    assert "\n" not in out
    for match in re.finditer(r"[\\`*_{}\[\]()#+\-.!|<>~&]", out):
        start = match.start()
        backslashes = len(out[:start]) - len(out[:start].rstrip("\\"))
        if out[start] == "\\":
            continue
        assert backslashes % 2 == 1, (text, out, start)


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_cells_are_never_formulas(text: str) -> None:
    cell = csv_cell(text)
    if cell[:1] in ("=", "+", "-", "@"):
        assert re.fullmatch(r"-?\d+(\.\d*)?([eE][-+]?\d+)?", cell)


def test_csv_writer_round_trips_and_neutralises() -> None:
    text = write_csv(
        [
            ["id", "label"],
            ["M1", '=HYPERLINK("http://x","y")'],
            ["M2", "-3"],
            ["M3", "+1"],
            ["M4", "@A1"],
            ["M5", "\tTAB"],
        ]
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["M1", '\'=HYPERLINK("http://x","y")']
    assert rows[2] == ["M2", "-3"]  # a number stays a number
    assert rows[3][1] == "'+1" and rows[4][1] == "'@A1" and rows[5][1] == "'\tTAB"


def test_wrap_and_one_line() -> None:
    assert one_line(" a \n\t b ") == "a b"
    lines = wrap("x" * 100, 20, max_lines=3)
    assert len(lines) == 3 and all(len(line) <= 20 for line in lines)
    assert lines[-1].endswith("…")
    assert wrap("", 10) == [""]


def test_wrap_of_a_huge_label_reads_only_what_shows() -> None:
    from attackgraph.render.text import wrap

    small = "word " * 100 + "x" * 50
    huge = small + "word " * 2_000_000
    assert wrap(huge, 20, 3) == wrap(small, 20, 3)
    assert wrap("a" * 5_000_000, 10, 2) == ["a" * 10, "a" * 8 + " …"]
    assert wrap("ab cd", 2, 2) == ["ab", "cd"]  # exactly the lines kept: no ellipsis

"""The format registry: choosing a reader by name and content, a writer by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from attackgraph.errors import FormatError, ModelError
from attackgraph.formats import FORMATS, check_file, format_for_path, read_model, write_model
from attackgraph.formats.native import document_to_model, generate_json, generate_yaml
from tests.support import base_doc


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("m.attackgraph.json", "json"),
        ("M.ATTACKGRAPH.JSON", "json"),
        ("plain.json", "json"),
        ("m.attackgraph.yaml", "yaml"),
        ("m.attackgraph.yml", "yaml"),
        ("dir.json/m.yml", "yaml"),
        ("m.YAML", "yaml"),
        ("notes.txt", None),
        ("json", None),
        ("m.json.bak", None),
    ],
)
def test_format_for_path_by_suffix(name: str, expected: str | None) -> None:
    fmt = format_for_path(name)
    assert (fmt.name if fmt else None) == expected


def test_format_for_path_by_name() -> None:
    assert format_for_path("whatever.txt", "yaml").name == "yaml"  # type: ignore[union-attr]
    assert format_for_path("m.json", "nope") is None
    assert {f.name for f in FORMATS} >= {"json", "yaml"}


def _json_text() -> str:
    return json.dumps(base_doc(), indent=2)


def _yaml_text() -> str:
    return yaml.safe_dump(base_doc(), sort_keys=False)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("model.txt", _json_text()),  # native JSON, unknown suffix: sniffed
        ("model.txt", _yaml_text()),  # native YAML, unknown suffix: sniffed
        ("model", _json_text()),
        ("model.json", _yaml_text()),  # YAML content wins over the name
        ("model.yaml", _json_text()),  # JSON content is read as JSON
        ("model.attackgraph.yml", _yaml_text()),
    ],
)
def test_reader_follows_content(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    checked = check_file(path)
    assert checked.problems == []
    assert checked.model is not None
    assert read_model(path).title == "base"


def test_unknown_suffix_json_syntax_error_is_reported_as_json(tmp_path: Path) -> None:
    path = tmp_path / "model.txt"
    path.write_text('{"format": "attackgraph",\n "version": 1,,}\n')
    problem = check_file(path).errors[0]
    assert "not valid JSON" in problem.message
    assert (problem.line, problem.column) == (2, 15)


def test_unknown_suffix_yaml_syntax_error_is_reported_as_yaml(tmp_path: Path) -> None:
    path = tmp_path / "model.txt"
    path.write_text("format: attackgraph\ntitle: [unclosed\n")
    problem = check_file(path).errors[0]
    assert "not valid YAML" in problem.message
    assert problem.line is not None


def test_unknown_content_and_name_falls_back_by_first_character(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("[1, 2]")
    assert "object at the top level" in check_file(path).errors[0].message
    path.write_text("hello: world\n")
    pointers = [p.pointer for p in check_file(path).errors]
    assert "/hello" in pointers


@pytest.mark.parametrize(
    ("name", "syntax"),
    [
        ("out.attackgraph.json", "json"),
        ("out.json", "json"),
        ("out.yaml", "yaml"),
        ("out.attackgraph.yml", "yaml"),
    ],
)
def test_write_model_by_suffix(tmp_path: Path, name: str, syntax: str) -> None:
    model = document_to_model(base_doc())
    path = tmp_path / name
    write_model(model, path)
    text = path.read_text(encoding="utf-8")
    assert text == (generate_json(model) if syntax == "json" else generate_yaml(model))
    assert read_model(path).title == "base"
    write_model(read_model(path), path)
    assert path.read_text(encoding="utf-8") == text  # re-saves byte-identical


def test_write_model_format_name_overrides_suffix(tmp_path: Path) -> None:
    model = document_to_model(base_doc())
    path = tmp_path / "model.txt"
    write_model(model, path, format_name="yaml")
    assert path.read_text(encoding="utf-8") == generate_yaml(model)


def test_write_model_refuses_unknown_format(tmp_path: Path) -> None:
    model = document_to_model(base_doc())
    with pytest.raises(FormatError, match="no model format writes"):
        write_model(model, tmp_path / "model.docx")
    with pytest.raises(FormatError):
        write_model(model, tmp_path / "model.json", format_name="nope")
    assert list(tmp_path.iterdir()) == []


def test_write_model_backup(tmp_path: Path) -> None:
    model = document_to_model(base_doc())
    path = tmp_path / "m.json"
    write_model(model, path)
    first = path.read_text()
    model.set_title("second")
    write_model(model, path, backup=True)
    assert (tmp_path / "m.json~").read_text() == first
    assert json.loads(path.read_text())["title"] == "second"


def test_read_model_error_lists_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"format": "attackgraph", "version": 1, "title": 3, "nodes": []}')
    with pytest.raises(ModelError) as info:
        read_model(path)
    assert [p.pointer for p in info.value.errors] == ["/title"]

"""Reading models back out of attackgraph's SVG diagrams.

``attackgraph export MODEL -o DIAGRAM.svg`` stores the native model (compact
JSON) in ``<metadata><ag:model xmlns:ag="urn:attackgraph:model">``; this
module finds it and validates it like any native file, so that a diagram
passed around opens again as a model.

The XML is read with expat and hardened the way defusedxml does it: any
DTD with an internal subset, entity declaration or external entity
reference is refused before it can expand, and parameter entities and
external DTDs are never loaded. Every problem is located (line and column
for XML errors, JSON pointers for the embedded model).
"""

from __future__ import annotations

from xml.parsers import expat

from attackgraph.errors import FormatError, Problem
from attackgraph.formats.native import CheckedModel, check_bytes
from attackgraph.formats.xmlguard import check_xml_limits

__all__ = ["MODEL_NAMESPACE", "check_svg", "extract_model", "looks_like_svg"]

MODEL_NAMESPACE = "urn:attackgraph:model"
_SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_SEP = " "


class _Refused(Exception):
    """Raised from an expat handler to stop on a dangerous construct."""


def looks_like_svg(raw: bytes) -> bool:
    """Whether ``raw`` starts like an XML/SVG document with an ``<svg`` element.

    Examples
    --------
    >>> looks_like_svg(b'<?xml version="1.0"?>\\n<svg xmlns="http://www.w3.org/2000/svg"/>')
    True
    >>> looks_like_svg(b"format: attackgraph")
    False
    """
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"<" and b"<svg" in head


def _refuse(what: str):  # type: ignore[no-untyped-def]
    def handler(*_args: object) -> None:
        raise _Refused(what)

    return handler


def extract_model(raw: bytes) -> tuple[bytes, int]:
    """The model JSON embedded in an attackgraph SVG, and its line.

    Parameters
    ----------
    raw : bytes
        The SVG file.

    Returns
    -------
    payload : bytes
        The embedded native model (JSON).
    line : int
        1-based line of the element that holds it.

    Raises
    ------
    FormatError
        Not well-formed XML, a refused construct (DTD subset, entities), not
        an SVG, no embedded model, several, or one of a newer version.
    """
    check_xml_limits(raw, "SVG")
    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    state: dict[str, object] = {"depth": 0, "in_model": 0, "found": 0, "line": 0, "root": None}
    chunks: list[str] = []

    def doctype(
        _name: str, _system: str | None, _public: str | None, has_internal_subset: int
    ) -> None:
        if has_internal_subset:
            raise _Refused("an SVG with an internal DTD subset (entity declarations) is refused")

    def start(name: str, attrs: dict[str, str]) -> None:
        depth = int(state["depth"])  # type: ignore[call-overload]
        if depth == 0:
            state["root"] = name
        state["depth"] = depth + 1
        if state["in_model"]:
            state["in_model"] = int(state["in_model"]) + 1  # type: ignore[call-overload]
            return
        if name == f"{MODEL_NAMESPACE}{_SEP}model":
            state["found"] = int(state["found"]) + 1  # type: ignore[call-overload]
            if state["found"] > 1:
                raise _Refused("the SVG holds more than one embedded model")
            version = attrs.get("version", "1")
            if version != "1":
                raise _Refused(
                    f"the embedded model is version {version!r} of the SVG "
                    "embedding; this program reads version '1': update "
                    "attackgraph"
                )
            if attrs.get("encoding", "json") != "json":
                raise _Refused("the embedded model is not JSON")
            state["in_model"] = 1
            state["line"] = parser.CurrentLineNumber

    def end(_name: str) -> None:
        state["depth"] = int(state["depth"]) - 1  # type: ignore[call-overload]
        if state["in_model"]:
            state["in_model"] = int(state["in_model"]) - 1  # type: ignore[call-overload]

    def text(data: str) -> None:
        if state["in_model"] == 1:
            chunks.append(data)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = _refuse("an SVG that declares entities is refused")
    parser.UnparsedEntityDeclHandler = _refuse("an SVG that declares entities is refused")
    parser.ExternalEntityRefHandler = _refuse("an SVG that references external entities is refused")
    parser.SkippedEntityHandler = _refuse("an SVG that uses an undeclared entity is refused")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(raw, True)
    except _Refused as exc:
        raise FormatError(
            f"{exc}.", parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        ) from None
    except expat.ExpatError as exc:
        raise FormatError(
            f"the SVG is not well-formed XML: {expat.ErrorString(exc.code)}.",
            exc.lineno,
            exc.offset + 1,
        ) from None
    except (LookupError, ValueError) as exc:  # an encoding expat cannot use
        raise FormatError(f"the SVG cannot be decoded: {str(exc)[:200]}.", 1, 1) from None
    if state["root"] != f"{_SVG_NAMESPACE}{_SEP}svg":
        raise FormatError(
            "this is XML but not an SVG image (its root element is not "
            "<svg> in the SVG namespace).",
            1,
            1,
        )
    if not state["found"]:
        raise FormatError(
            "this SVG carries no attackgraph model: only diagrams written by "
            "'attackgraph export MODEL -o FILE.svg' can be opened as models."
        )
    return "".join(chunks).encode("utf-8"), int(state["line"])  # type: ignore[call-overload]


def check_svg(raw: bytes) -> CheckedModel:
    """Read and validate the model embedded in an attackgraph SVG; never raises.

    Returns
    -------
    CheckedModel
        The model (None on errors) and every problem; problems of the
        embedded model keep their JSON pointers and say where they are.
    """
    try:
        payload, line = extract_model(raw)
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])
    checked = check_bytes(payload, "json")
    problems = [
        Problem(p.pointer, f"in the model embedded at line {line}: {p.message}", p.severity)
        for p in checked.problems
    ]
    return CheckedModel(checked.model, problems)

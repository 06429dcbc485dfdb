"""Hostile Attack Flow files: every field the STIX and ``.afb`` readers read
is type-checked before use, so a wrong type anywhere is a located warning or
error, never a traceback, and whatever imports also exports and reads back.

The mutation test takes valid files of both kinds (hand-written fixtures,
a current Builder file, attackgraph's own exports with its extension) and
puts a value of the wrong type, or nothing, at one place chosen by
Hypothesis; ``ATTACKGRAPH_AF_MUTATIONS`` raises the number of inputs for a
long run, and ``ATTACKGRAPH_ATTACK_FLOW_CORPUS`` adds MITRE's corpus files
to the seeds. The slow test (``ATTACKGRAPH_AF_EXHAUSTIVE=1``) does it
exhaustively: every place of every seed, with every hostile value.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import pathlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attackgraph.formats.attack_flow import check_afb, check_stix, generate_afb, generate_stix
from attackgraph.formats.native import CheckedModel
from tests.formats.flows import (
    AF,
    afb_document,
    builder_style_condition,
    builder_v3_document,
    bundle,
    condition_flow,
    encode,
    obj,
    operator_flow,
    sid,
)
from tests.support import rich_model

AG = "extension-definition--182a352c-1c60-489f-a460-4fd71ba98d25"
Path = tuple[Any, ...]
_DELETE = object()

HOSTILE: list[Any] = [
    None,
    True,
    0,
    -1,
    2.5,
    1e300,
    "",
    "x",
    "T1190",
    "certain",
    "0" * 32,
    [],
    [1],
    [[]],
    [["name", 1]],
    [["k", "v"], ["k", "w"]],
    {},
    {"node": []},
    {"name": {"x": 1}},
    sid("attack-action", 1),
    f"attack-action--{sid('attack-action', 1)}",
    _DELETE,
]
"""Values of the wrong type (or shape) for some field; ``_DELETE`` removes it."""

CHECKS: dict[str, Callable[[bytes], CheckedModel]] = {"stix": check_stix, "afb": check_afb}


@functools.cache
def seeds() -> list[tuple[str, Any, list[Path]]]:
    """Valid files of both kinds, each with every place in it."""
    rich = rich_model()
    v3 = check_afb(encode(builder_v3_document())).model
    docs = [
        ("stix", operator_flow()),
        ("stix", condition_flow()),
        ("stix", builder_style_condition()),
        ("afb", afb_document()),
        ("afb", builder_v3_document()),
        ("stix", json.loads(generate_stix(rich))),
        ("afb", json.loads(generate_afb(rich))),
        ("stix", json.loads(generate_stix(v3))),
    ]
    folder = os.environ.get("ATTACKGRAPH_ATTACK_FLOW_CORPUS")  # real files, for long runs
    if folder and os.path.isdir(folder):
        for path in sorted(pathlib.Path(folder).rglob("*")):
            if path.suffix in (".afb", ".json") and not path.name.endswith(".builder.json"):
                docs.append(
                    ("afb" if path.suffix == ".afb" else "stix", json.loads(path.read_bytes()))
                )
    return [(kind, doc, list(_paths(doc))) for kind, doc in docs]


def _paths(data: Any, prefix: Path = ()) -> Iterator[Path]:
    yield prefix
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        yield from _paths(value, (*prefix, key))


def _put(data: Any, path: Path, value: Any) -> Any:
    if not path:
        return {} if value is _DELETE else value
    data = copy.deepcopy(data)
    holder = data
    for key in path[:-1]:
        holder = holder[key]
    if value is _DELETE:
        del holder[path[-1]]
    else:
        holder[path[-1]] = value
    return data


def _sentences(checked: CheckedModel) -> None:
    assert checked.model is not None or checked.errors
    for problem in checked.problems:
        assert problem.message.endswith("."), problem
        assert "\n" not in problem.message and "Traceback" not in problem.message
        assert len(problem.message) < 600, problem
        assert isinstance(problem.pointer, str)


def _survives(kind: str, data: Any) -> None:
    """The reader's invariants on one input, then the writers' on its model."""
    started = time.monotonic()
    checked = CHECKS[kind](json.dumps(data).encode())
    assert time.monotonic() - started < 5
    _sentences(checked)
    if checked.model is None:
        return
    for write, read in ((generate_stix, check_stix), (generate_afb, check_afb)):
        again = read(write(checked.model).encode())
        _sentences(again)
        assert again.model is not None, again.errors
        assert len(again.model.nodes) >= len(checked.model.nodes)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(
    max_examples=int(os.environ.get("ATTACKGRAPH_AF_MUTATIONS", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    seed=st.integers(0, 10**6), place=st.integers(0, 10**6), value=st.sampled_from(HOSTILE) | _JSON
)
def test_a_wrong_type_anywhere_is_a_problem_never_a_traceback(
    seed: int, place: int, value: Any
) -> None:
    kind, doc, paths = seeds()[seed % len(seeds())]
    _survives(kind, _put(doc, paths[place % len(paths)], value))


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("ATTACKGRAPH_AF_EXHAUSTIVE"),
    reason="about 30,000 inputs: set ATTACKGRAPH_AF_EXHAUSTIVE=1",
)
def test_every_place_of_every_seed_with_every_hostile_value() -> None:
    for kind, doc, paths in seeds():
        for path in paths:
            for value in HOSTILE:
                _survives(kind, _put(doc, path, value))


# ------------------------------------- the cases the fuzz suite found first
def _flow_ext(data: dict[str, Any]) -> dict[str, Any]:
    flow = next(o for o in data["objects"] if o["type"] == "attack-flow")
    return flow["extensions"][AG]


@pytest.mark.parametrize("node", [[], ["a"], {}, {"id": "x"}, 3, None])
def test_layout_item_whose_node_is_not_an_id(node: Any) -> None:
    data = json.loads(generate_stix(rich_model()))
    _flow_ext(data)["layout"][0]["node"] = node
    checked = check_stix(encode(data))
    assert checked.model is not None
    warning = next(p for p in checked.warnings if "layout entry" in p.message)
    assert warning.pointer.endswith("/layout/0")


def test_layout_that_is_not_a_list() -> None:
    data = json.loads(generate_stix(rich_model()))
    _flow_ext(data)["layout"] = {"S1": [1, 2]}
    checked = check_stix(encode(data))
    assert any("layout should be a list" in p.message for p in checked.warnings)


@pytest.mark.parametrize("value", [5, "https://example.org", {"url": "x"}, True])
def test_external_references_that_are_not_a_list(value: Any) -> None:
    data = bundle(obj("attack-action", 1, name="A", external_references=value))
    data["objects"][0]["external_references"] = value
    checked = check_stix(encode(data))
    assert checked.model is not None
    assert any(p.pointer == "/objects/0/external_references" for p in checked.warnings)


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("confidence", "sure", "confidence"),
        ("confidence", 101, "confidence"),
        ("confidence", True, "confidence"),
        ("tactic_id", ["TA0001"], "not text"),
        ("technique_id", {"id": "T1190"}, "not text"),
    ],
)
def test_action_fields_of_the_wrong_type(key: str, value: Any, fragment: str) -> None:
    checked = check_stix(encode(bundle(obj("attack-action", 1, name="A", **{key: value}))))
    assert checked.model is not None
    assert any(
        fragment in p.message and p.pointer == f"/objects/1/{key}" for p in checked.warnings
    ), checked.warnings


@pytest.mark.parametrize(
    ("properties", "fragment"),
    [
        ("name", "list of [name, value] pairs"),
        ([["name"]], "not a [name, value] pair"),
        ([[1, "x"]], "not a [name, value] pair"),
        ([["name", "A"], ["ttp", "T1190"]], "not a tactic and technique pair"),
        ([["name", "A"], ["ttp", [["technique", 1190]]]], "TTP's technique is not text"),
        ([["name", "A"], ["confidence", "sure"]], "not one of the Builder's terms"),
        ([["name", "A"], ["effect_refs", "x"]], "draws links as lines"),
    ],
)
def test_afb_block_properties_of_the_wrong_shape(properties: Any, fragment: str) -> None:
    doc = afb_document()
    scan = next(o for o in doc["objects"] if o.get("instance") == "action-0001")
    scan["properties"] = properties
    checked = check_afb(encode(doc))
    assert checked.model is not None
    found = [p for p in checked.warnings if fragment in p.message]
    assert found and found[0].pointer.startswith("/objects/"), checked.warnings


@pytest.mark.parametrize("author", [[["name", ["A"]]], "Ana", 3, [["identity_class", "x"]]])
def test_afb_author_without_a_usable_name(author: Any) -> None:
    doc = afb_document()
    doc["objects"][0]["properties"].append(["author", author])
    checked = check_afb(encode(doc))
    assert checked.model is not None
    assert "author" not in checked.model.extras["x-stix"]
    generate_afb(checked.model)


def test_block_instance_that_is_itself_a_stix_id() -> None:
    doc = afb_document()
    doc["objects"][0]["instance"] = sid("attack-action", 1)
    checked = check_afb(encode(doc))
    assert checked.model is not None
    assert check_afb(generate_afb(checked.model).encode()).model is not None


def test_flow_creator_that_is_not_an_identity() -> None:
    data = bundle(obj("attack-action", 1, name="A"))
    data["objects"][0]["created_by_ref"] = sid("attack-action", 1)
    checked = check_stix(encode(data))
    assert any("not an identity" in p.message for p in checked.warnings)
    assert AF in json.dumps(data)


def test_huge_strings_are_cut_in_every_message() -> None:
    huge = "x" * 1_000_000
    data = bundle(
        obj(
            "attack-action",
            1,
            name="A",
            technique_id=huge,
            confidence=huge,
            effect_refs=[sid("note", 1)],
        ),
        obj("attack-operator", 1, operator=huge),
        {"type": huge, "id": huge},
        {"type": "note", "id": sid("note", 1), "content": "n"},
    )
    data["objects"][0]["created_by_ref"] = huge
    checked = check_stix(encode(data))
    _sentences(checked)
    doc = afb_document()
    doc["schema"] = huge
    _sentences(check_afb(encode(doc)))

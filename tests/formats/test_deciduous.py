"""Deciduous YAML in and out."""

from __future__ import annotations

import json
import textwrap

import pytest

from attackgraph.formats.deciduous import check_deciduous, generate_deciduous, sniff_deciduous
from attackgraph.formats.native import generate_json
from tests.support import rich_model

TREE = textwrap.dedent("""\
    title: Cloud bucket tree
    theme: accessible

    facts:
    - public_bucket: Bucket is public
      from:
      - bucket_search: '#yolosec'

    attacks:
    - bucket_search: Search for public buckets
      from:
      - reality
    - phishing:
      from:
      - reality
      - private_bucket
    - steal_creds: Steal credentials
      from:
      - phishing
    - bypass_mfa: Intercept the MFA prompt
      from:
      - mfa
    - pivot: Pivot to the backup host
      from:
      - steal_creds:
        backwards: true
        implemented: false

    mitigations:
    - private_bucket: Private bucket
      from:
      - reality
    - mfa: MFA
      from:
      - steal_creds
    - backup_isolation: Isolate backups
      from:
      - pivot:
        implemented: false

    goals:
    - data: Read the recordings
      from:
      - public_bucket
      - steal_creds
      - bypass_mfa
      - pivot
    """)


def _edges(model) -> set[tuple[str, str, str | None]]:
    return {(e.source, e.target, e.label) for e in model.edges}


def test_sections_map_to_kinds_and_mitigations() -> None:
    checked = check_deciduous(TREE.encode())
    model = checked.model
    assert model is not None, checked.problems
    assert model.title == "Cloud bucket tree"
    kinds = {n.id: n.kind for n in model.nodes.values()}
    assert kinds == {"reality": "entry", "public_bucket": "step", "bucket_search": "step",
                     "phishing": "step", "steal_creds": "step", "bypass_mfa": "step",
                     "pivot": "step", "data": "goal"}
    assert model.nodes["phishing"].label == "Phishing"          # default label from the name
    assert model.nodes["public_bucket"].extras["x-deciduous"] == {"type": "fact"}
    assert ("bucket_search", "public_bucket", "#yolosec") in _edges(model)
    mfa = model.mitigations["mfa"]
    assert mfa.blocks == ("steal_creds",) and mfa.status == "deployed"
    backup = model.mitigations["backup_isolation"]
    assert backup.blocks == ("pivot",) and backup.status is None   # not implemented
    assert model.extras["x-deciduous"]["theme"] == "accessible"


def test_attack_from_a_mitigation_bypasses_it() -> None:
    model = check_deciduous(TREE.encode()).model
    # bypass_mfa follows mfa, which blocks steal_creds: it is enabled by what
    # enabled steal_creds, and remembers the mitigation it goes around.
    edge = model.edge("phishing", "bypass_mfa")
    assert edge.extras["x-deciduous"] == {"direct": False, "via": [{"name": "mfa"}]}
    # a mitigation that only follows reality: its bypasses start from reality
    assert model.edge("reality", "phishing").extras == {
        "x-deciduous": {"via": [{"name": "private_bucket"}]}}
    assert "private_bucket" not in model.mitigations
    assert model.extras["x-deciduous"]["mitigations"][0]["name"] == "private_bucket"


def test_flags_and_warnings() -> None:
    checked = check_deciduous(TREE.encode())
    edge = checked.model.edge("steal_creds", "pivot")
    assert edge.extras["x-deciduous"] == {"backwards": True, "implemented": False}
    warning = next(p for p in checked.warnings if "private_bucket" in p.message)
    assert warning.pointer == "/mitigations/0"
    assert (warning.line, warning.column) == (30, 3)


def test_analysis_sees_the_bypass() -> None:
    from attackgraph.analysis import analyze

    model = check_deciduous(TREE.encode()).model
    result = analyze(model)
    chains = {tuple(c.nodes): c for c in result.chains}
    via_creds = ("reality", "phishing", "steal_creds", "data")
    assert chains[via_creds].broken_by == ("mfa",) and not chains[via_creds].open
    assert chains[("reality", "phishing", "bypass_mfa", "data")].open


def test_deciduous_round_trip_is_stable() -> None:
    model = check_deciduous(TREE.encode()).model
    text = generate_deciduous(model)
    again = check_deciduous(text.encode())
    assert again.model is not None, again.problems
    assert generate_json(again.model) == generate_json(model)
    assert generate_deciduous(again.model) == text
    assert "- mfa\n" in text and "bypass_mfa: Intercept the MFA prompt" in text
    assert "  - private_bucket\n" in text      # the bypass is written as in the source


def test_native_model_round_trips_through_deciduous() -> None:
    model = rich_model()
    text = generate_deciduous(model)
    assert sniff_deciduous(text.encode())
    again = check_deciduous(text.encode())
    assert again.model is not None, again.problems

    def canon(m):
        doc = json.loads(generate_json(m))
        doc["nodes"].sort(key=lambda n: n["id"])
        doc["edges"].sort(key=lambda e: (e["source"], e["target"]))
        return doc

    assert canon(again.model) == canon(model)


@pytest.mark.parametrize(("text", "fragment", "where"), [
    ("attacks: {a: b}\n", "must be a list", (1, 1)),
    ("attacks:\n- 42\n", "each entry is a mapping", (2, 3)),
    ("- just\n- a list\n", "YAML mapping", None),
    ("attacks:\n- a: A\n  from: [\n", "not valid YAML", (4, 1)),
    ("attacks:\n- a: !!python/object/apply:os.system ['true']\n", "not valid YAML", (2, 6)),
    ("", "empty", None),
])
def test_malformed_deciduous_is_a_located_error(text: str, fragment: str, where) -> None:
    checked = check_deciduous(text.encode())
    assert checked.model is None
    problem = checked.errors[0]
    assert fragment in problem.message
    if where:
        assert (problem.line, problem.column) == where


def test_unknown_names_are_warnings_not_errors() -> None:
    checked = check_deciduous(b"attacks:\n- a: A\n  from:\n  - ghost\n  - reality\n")
    assert checked.model is not None
    problem = next(p for p in checked.warnings if "ghost" in p.message)
    assert problem.pointer == "/attacks/0/from/0" and problem.line == 4


def test_invalid_names_become_valid_ids() -> None:
    checked = check_deciduous(b"attacks:\n- 'log in!': Log in\n  from: [reality]\n")
    assert list(checked.model.nodes) == ["reality", "log-in"]
    assert any("not a valid attackgraph id" in p.message for p in checked.warnings)


def test_ways_around_mitigations_inherit_declared_enablers_only() -> None:
    # a chain where every attack is also the way around the previous mitigation:
    # the enablers stay local, so the edges grow linearly, not quadratically
    n = 200
    lines = ["attacks:", "- a0: A0", "  from: [reality]"]
    for i in range(1, n):
        lines += [f"- a{i}: A{i}", f"  from: [a{i - 1}, m{i - 1}]"]
    lines.append("mitigations:")
    for i in range(n):
        lines += [f"- m{i}: M{i}", f"  from: [a{i}]"]
    model = check_deciduous("\n".join(lines).encode()).model
    assert len(model.edges) == 1 + 2 * (n - 1)  # reality->a0, a(i-1)->ai, a(i-2)->ai
    assert model.edge("a0", "a2").extras["x-deciduous"]["via"] == [{"name": "m1"}]


def test_way_around_a_blocked_first_step_is_an_entry() -> None:
    text = "attacks:\n- a: A\n- b: B\n  from: [m]\nmitigations:\n- m: M\n  from: [a]\n"
    model = check_deciduous(text.encode()).model
    assert model.nodes["a"].kind == "entry" and model.nodes["b"].kind == "entry"
    assert model.mitigations["m"].blocks == ("a",)

"""Deciduous YAML in and out."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

from attackgraph.formats.deciduous import (
    check_deciduous,
    generate_deciduous,
    safe_name,
    sniff_deciduous,
)
from attackgraph.formats.native import check_bytes, generate_json
from attackgraph.formats.registry import check_file
from tests.support import rich_model

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

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
    assert kinds == {
        "reality": "entry",
        "public_bucket": "step",
        "bucket_search": "step",
        "phishing": "step",
        "steal_creds": "step",
        "bypass_mfa": "step",
        "pivot": "step",
        "data": "goal",
    }
    assert model.nodes["phishing"].label == "Phishing"  # default label from the name
    assert model.nodes["public_bucket"].extras["x-deciduous"] == {"type": "fact"}
    assert ("bucket_search", "public_bucket", "#yolosec") in _edges(model)
    mfa = model.mitigations["mfa"]
    assert mfa.blocks == ("steal_creds",) and mfa.status == "deployed"
    backup = model.mitigations["backup_isolation"]
    assert backup.blocks == ("pivot",) and backup.status is None  # not implemented
    assert model.extras["x-deciduous"]["theme"] == "accessible"


def test_attack_from_a_mitigation_bypasses_it() -> None:
    model = check_deciduous(TREE.encode()).model
    # bypass_mfa follows mfa, which blocks steal_creds: it is enabled by what
    # enabled steal_creds, and remembers the mitigation it goes around.
    edge = model.edge("phishing", "bypass_mfa")
    assert edge.extras["x-deciduous"] == {"direct": False, "via": [{"name": "mfa"}]}
    # a mitigation that only follows reality: its bypasses start from reality
    assert model.edge("reality", "phishing").extras == {
        "x-deciduous": {"via": [{"name": "private_bucket"}]}
    }
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
    assert "  - private_bucket\n" in text  # the bypass is written as in the source


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


@pytest.mark.parametrize(
    ("text", "fragment", "where"),
    [
        ("attacks: {a: b}\n", "must be a list", (1, 1)),
        ("attacks:\n- 42\n", "each entry is a mapping", (2, 3)),
        ("- just\n- a list\n", "YAML mapping", None),
        ("attacks:\n- a: A\n  from: [\n", "not valid YAML", (4, 1)),
        ("attacks:\n- a: !!python/object/apply:os.system ['true']\n", "not valid YAML", (2, 6)),
        ("", "empty", None),
    ],
)
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


# ----------------------------------------------------- names Deciduous can render
_BARE = re.compile(r"[A-Za-z]\w*", re.ASCII)
_DOT_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def _declared(doc: dict) -> list[str]:
    return [
        next(k for k in item if k not in ("from", "x-attackgraph"))
        for section in ("facts", "attacks", "mitigations", "goals")
        for item in doc.get(section, [])
    ]


def _awkward_model():
    doc = {
        "format": "attackgraph",
        "version": 1,
        "title": "Awkward names",
        "nodes": [
            {"id": "reality", "kind": "entry", "label": "Reality"},
            {"id": "c2-infrastructure", "kind": "step", "label": "C2 infrastructure"},
            {"id": "c2_infrastructure", "kind": "step", "label": "Another"},
            {
                "id": "os-credential-dumping:-lsass.memory",
                "kind": "step",
                "label": "OS credential dumping: LSASS memory",
            },
            {"id": "2fa-bypass", "kind": "step", "label": "2FA bypass"},
            {"id": "node", "kind": "step", "label": "A node"},
            {"id": "Graph", "kind": "goal", "label": "The graph"},
        ],
        "edges": [
            {"source": "reality", "target": "c2-infrastructure"},
            {"source": "c2-infrastructure", "target": "c2_infrastructure"},
            {"source": "c2-infrastructure", "target": "os-credential-dumping:-lsass.memory"},
            {"source": "c2-infrastructure", "target": "2fa-bypass", "label": "then"},
            {"source": "2fa-bypass", "target": "node"},
            {"source": "node", "target": "Graph"},
            {"source": "os-credential-dumping:-lsass.memory", "target": "Graph"},
            {"source": "c2_infrastructure", "target": "Graph"},
        ],
        "mitigations": [
            {"id": "node", "label": "Same id as a node", "blocks": ["node"], "status": "deployed"},
            {"id": "mfa-everywhere", "label": "MFA", "blocks": ["2fa-bypass"]},
        ],
    }
    return check_bytes(json.dumps(doc).encode(), "json").model


def test_names_are_bare_dot_identifiers_and_ids_come_back() -> None:
    model = _awkward_model()
    text = generate_deciduous(model)
    names = _declared(yaml.safe_load(text))
    assert len(names) == len(set(names)) == len(model.nodes) - 1 + len(model.mitigations)
    for name in names:
        assert _BARE.fullmatch(name) and name.lower() not in _DOT_KEYWORDS, name
    assert "c2_infrastructure: C2 infrastructure" in text  # the label is kept
    again = check_deciduous(text.encode())
    assert again.model is not None and not again.warnings, again.problems
    assert generate_json(again.model) == generate_json(model)
    assert generate_deciduous(again.model) == text


def test_safe_name_is_stable_and_unique() -> None:
    taken = {"reality"}
    assert safe_name("a.b:c-d", taken) == "a_b_c_d"
    assert safe_name("a_b_c_d", taken) == "a_b_c_d_2"
    assert safe_name("Strict", taken) == "Strict_"
    assert safe_name("é", taken) == "n__"


def test_a_bad_kept_id_is_a_warning() -> None:
    text = "attacks:\n- a_b: A\n  from: [reality]\n  x-attackgraph: {id: '-bad'}\n"
    checked = check_deciduous(text.encode())
    assert list(checked.model.nodes) == ["reality", "a_b"]
    assert any("kept attackgraph id" in p.message for p in checked.warnings)


def _deciduous_layout() -> str | None:
    """Deciduous's own DOT generator, compiled: ``layout.js`` from
    rpetrich/deciduous (``tsc layout.ts``) with js-yaml beside it, named by
    ``ATTACKGRAPH_DECIDUOUS_LAYOUT``."""
    path = os.environ.get("ATTACKGRAPH_DECIDUOUS_LAYOUT")
    if not path or not os.path.isfile(path) or not shutil.which("node") or not shutil.which("dot"):
        return None
    return path


@pytest.mark.skipif(
    _deciduous_layout() is None,
    reason="set ATTACKGRAPH_DECIDUOUS_LAYOUT to Deciduous's compiled layout.js",
)
def test_deciduous_itself_renders_the_export(tmp_path) -> None:
    layout = _deciduous_layout()
    models = [_awkward_model(), rich_model()]
    models += [check_file(p).model for p in sorted(SAMPLES.glob("*.attackgraph.json"))]
    script = tmp_path / "render.mjs"
    script.write_text(
        f"import {{ convertToDot }} from {json.dumps(str(layout))};\n"
        "import yaml from 'js-yaml';\n"
        "import { readFileSync } from 'node:fs';\n"
        "process.stdout.write(convertToDot(yaml.load(readFileSync(process.argv[2], "
        "'utf8'))).dot);\n"
    )
    os.symlink(os.path.join(os.path.dirname(layout), "node_modules"), tmp_path / "node_modules")
    (tmp_path / "package.json").write_text('{"type": "module"}')
    for index, model in enumerate(models):
        source = tmp_path / f"m{index}.deciduous.yaml"
        source.write_text(generate_deciduous(model), encoding="utf-8")
        dot = subprocess.run(
            ["node", str(script), str(source)],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        rendered = subprocess.run(
            ["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60
        )
        assert rendered.returncode == 0, (model.title, rendered.stderr)

"""Every sample is valid without warnings, re-saves byte-identical and holds
what its users rely on (sources, components, mitigations, profiles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from attackgraph.formats import check_file, read_model
from attackgraph.formats.native import generate_json

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "samples").glob("*.attackgraph.*"))
FLAGSHIP = next(p for p in SAMPLES if p.name.startswith("azure-sphere-2020"))


def test_there_are_the_flagship_and_four_more_chains():
    assert len(SAMPLES) >= 5


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_is_valid_without_warnings(path: Path):
    checked = check_file(path)
    assert checked.model is not None
    assert checked.problems == [], [p.format(path.name) for p in checked.problems]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_resaves_byte_identical(path: Path):
    assert generate_json(read_model(path)) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_is_sourced_and_complete(path: Path):
    model = read_model(path)
    assert model.description and "http" in model.description
    assert any(node.refs for node in model.nodes.values())
    assert model.components and model.mitigations and model.profiles
    assert {n.kind for n in model.nodes.values()} == {"entry", "step", "goal"}
    placed = sum(1 for n in model.nodes.values() if n.component)
    assert placed >= 0.75 * len(model.nodes), "nodes sit in the components they happen in"


def test_flagship_covers_the_2020_challenge():
    model = read_model(FLAGSHIP)
    assert len(model.nodes) >= 25
    assert list(model.releases)[:4] == ["20.06", "20.07", "20.08", "20.09"]
    shipped = [m for m in model.mitigations.values() if m.release is not None]
    assert len(model.mitigations) >= 15 and len(shipped) >= 15
    assert all(m.property for m in model.mitigations.values())
    kinds = {c.kind for c in model.components.values()}
    assert {"cloud", "device"} <= kinds
    nested = [c for c in model.components.values() if c.parent is not None]
    assert any(model.components[c.parent].parent is not None for c in nested), (
        "components nest at least two levels (device > normal world > kernel)"
    )
    assert any(n.gate == "and" for n in model.nodes.values())
    assert {"remote-only", "physical-access", "compromised-app"} <= set(model.profiles)
    assert "[INFERENCE]" in (model.description or "")  # reconstructions are marked

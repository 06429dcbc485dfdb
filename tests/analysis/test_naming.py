"""One name per chain: a stable key from its sorted nodes, and the whole
model's ids in every scenario."""

from __future__ import annotations

from pathlib import Path

from attackgraph.analysis import analyze, chain_key, unlisted_chain_name
from attackgraph.analysis.naming import is_base_scenario, name_by_whole_model
from attackgraph.formats import read_model

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "azure-sphere-2020.attackgraph.json"


def test_the_key_depends_on_the_node_set_only():
    assert chain_key(["E1", "S1", "G1"]) == chain_key(["G1", "S1", "E1"])
    assert chain_key(["E1", "S1", "G1"]) != chain_key(["E1", "S2", "G1"])
    assert chain_key(["E1", "S1"]) != chain_key(["E1S1"])  # ids are separated
    assert unlisted_chain_name("0123456789ab") == "C-012345"


def test_every_scenario_names_chains_as_the_whole_model():
    model = read_model(SAMPLE)
    whole = analyze(model)
    ids = {c.key: c.id for c in whole.chains}
    assert len(ids) == len(whole.chains)  # keys are unique
    assert whole.to_json()["chains"][0]["key"] == whole.chains[0].key
    for scenario in ({"profile": p} for p in model.profiles):
        plain = analyze(model, **scenario)
        named = name_by_whole_model(model, plain, **scenario)
        assert [c.nodes for c in named.chains] == [c.nodes for c in plain.chains]  # same order
        assert all(c.id == ids[c.key] for c in named.chains)
        shown = {c.id for c in named.chains}
        for before, after in zip(plain.mitigations, named.mitigations, strict=True):
            assert len(before.breaks) == len(after.breaks) and set(after.breaks) <= shown
    plain = analyze(model, profile="compromised-app")
    named = name_by_whole_model(model, plain, profile="compromised-app")
    assert plain.chains[0].id == "C1" and named.chains[0].id != "C1"  # not a rank


def test_a_chain_the_whole_listing_cut_gets_a_key_name():
    model = read_model(SAMPLE)
    whole = analyze(model, max_chains=3)
    plain = analyze(model, profile="compromised-app")
    named = plain.named_as(whole.chain_names())
    listed = {c.key for c in whole.chains}
    for chain in named.chains:
        assert chain.id == (
            whole.chain_names()[chain.key]
            if chain.key in listed
            else unlisted_chain_name(chain.key)
        )
    assert is_base_scenario() and not is_base_scenario(profile="x")
    assert analyze(model).named_as(analyze(model).chain_names()) == analyze(model)

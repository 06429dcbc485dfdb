"""The presentation story: read from ``x-story``, checked, made from the
analysis when absent, extended by "Add to the story"."""

from __future__ import annotations

from attackgraph.analysis import analyze
from attackgraph.formats import read_model
from attackgraph.gui.app import flagship_path
from attackgraph.gui.present.story import (
    STORY_KEY,
    Scene,
    default_story,
    find_chain,
    plain_markdown,
    read_story,
    with_scene,
)
from tests.gui.conftest import small_model


def test_the_flagship_tells_mcafee_then_talos_then_the_releases():
    model = read_model(flagship_path())
    scenes, notes = read_story(model)
    assert notes == []
    assert [s.profile for s in scenes] == [
        "physical-access",
        "compromised-app",
        "compromised-app",
        None,
    ]
    assert scenes[3].timeline and not scenes[0].timeline
    for scene in scenes[:2]:
        chain = find_chain(
            analyze(model, profile=scene.profile, at_release=scene.at_release), scene.chain
        )
        assert chain is not None and chain.open  # both chains worked in 20.06


def test_the_flagship_shows_the_bypass_and_the_depth_it_gained():
    model = read_model(flagship_path())
    bypass = read_story(model)[0][2]
    assert "proc-thread-self-mem" in bypass.chain and bypass.at_release == "20.07"
    depths = []
    for release in ("20.07", "20.08", "20.09"):
        result = analyze(model, profile=bypass.profile, at_release=release)
        chain = find_chain(result, bypass.chain)
        assert chain is not None and not chain.open
        depths.append(result.depth.chains[chain.id])
    assert depths == [1, 2, None]  # one fix held it, then two, then the littlefs fix


def test_bad_scenes_are_skipped_with_a_note():
    model = small_model()
    model.set_extras(
        {
            STORY_KEY: [
                {"title": "ok", "chain": ["E2", "S1", "S2", "G1"]},
                {"title": "unknown node", "chain": ["E2", "nope"]},
                {"title": "bad profile", "chain": ["E2"], "profile": "P9"},
                {"title": "bad release", "timeline": True, "at_release": "R9"},
                "not an object",
                {"title": "\u202eevil\nline", "timeline": True},
            ]
        }
    )
    scenes, notes = read_story(model)
    assert [s.title for s in scenes] == ["ok", "\ufffdevil line"]
    assert len(notes) == 4 and "scene 2" in notes[0] and "'P9'" in notes[1]
    model.set_extras({STORY_KEY: "nonsense"})
    assert read_story(model)[0] == [] and "not a list" in read_story(model)[1][0]


def test_without_a_story_one_is_made_from_the_analysis():
    model = small_model()
    scenes = default_story(model)
    assert scenes[0].chain is not None and scenes[0].profile == "P1"
    assert set(scenes[0].chain) == {"E2", "S1", "S2", "G1"}
    assert scenes[-1].timeline


def test_adding_a_scene_keeps_the_timeline_last():
    model = small_model()
    extras = with_scene(model, Scene("mine", ("E2", "S1", "S2", "G1"), "P1"))
    assert extras[STORY_KEY] == [
        {"title": "mine", "chain": ["E2", "S1", "S2", "G1"], "profile": "P1"},
        {"title": "Release by release", "timeline": True},
    ]
    model.set_extras(extras)
    again = with_scene(model, Scene("second", ("E2", "S1", "S2", "G1"), None, "R1"))
    assert [s["title"] for s in again[STORY_KEY]] == ["mine", "second", "Release by release"]
    assert again[STORY_KEY][1]["at_release"] == "R1"


def test_plain_markdown():
    assert (
        plain_markdown("# Title\n\n- **a** [b](http://x)\n\n\n\nc `d`") == "Title\n\n• a b\n\nc d"
    )
    assert plain_markdown(None) == ""

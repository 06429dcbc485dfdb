"""The story of a presentation: several chains in order, then the release
timeline. Qt-free.

A model may carry its story in the top-level extension key ``x-story``
(extension keys are kept and ignored by every other reader, as the format
allows)::

    "x-story": [
      {"title": "McAfee ATR", "chain": ["preprod-account", "...", "root-nw-linux"],
       "profile": "physical-access"},
      {"title": "Cisco Talos", "chain": ["compromised-app", "...", "as-capabilities"]},
      {"title": "Release by release", "timeline": true}
    ]

A chain is named by its node set (chain ids change when the model does);
``profile`` and ``at_release`` choose the state it is shown in. Scenes that
name unknown nodes, profiles or releases are skipped with a note. Without
``x-story`` the story is made from the analysis: for each attacker profile
the cheapest open chain that profile reaches (else the cheapest open chain
of each reachable goal), then the releases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from attackgraph.analysis import Analysis, ChainResult, analyze
from attackgraph.errors import AnalysisError
from attackgraph.model import AttackModel
from attackgraph.render.text import clean, one_line

__all__ = [
    "STORY_KEY",
    "Scene",
    "default_story",
    "find_chain",
    "plain_markdown",
    "read_story",
    "story_document",
    "with_scene",
]

STORY_KEY = "x-story"
MAX_AUTO_SCENES = 4


@dataclass(frozen=True, slots=True)
class Scene:
    """One part of a story.

    Attributes
    ----------
    title : str
        What the presenter calls it.
    chain : tuple of str or None
        The chain's nodes (any order); None for the release timeline.
    profile, at_release : str or None
        The state it is shown in.
    """

    title: str
    chain: tuple[str, ...] | None = None
    profile: str | None = None
    at_release: str | None = None

    @property
    def timeline(self) -> bool:
        """Whether this scene walks through the releases."""
        return self.chain is None

    def to_json(self) -> dict[str, Any]:
        """The scene as ``x-story`` keeps it."""
        out: dict[str, Any] = {"title": self.title}
        if self.chain is None:
            out["timeline"] = True
        else:
            out["chain"] = list(self.chain)
        if self.profile:
            out["profile"] = self.profile
        if self.at_release:
            out["at_release"] = self.at_release
        return out


def _text(value: object, default: str) -> str:
    return one_line(value)[:200] if isinstance(value, str) and value.strip() else default


def read_story(model: AttackModel) -> tuple[list[Scene], list[str]]:
    """The scenes of the model's ``x-story``, and notes on what was skipped.

    Returns
    -------
    (list of Scene, list of str)
        Empty scenes (and no note) when the model has no story.
    """
    raw = model.extras.get(STORY_KEY)
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], [f"{STORY_KEY} is not a list of scenes; the story is made from the analysis"]
    scenes, notes = [], []
    for number, item in enumerate(raw, start=1):
        where = f"{STORY_KEY} scene {number}"
        if not isinstance(item, dict):
            notes.append(f"{where} is not an object")
            continue
        profile = item.get("profile")
        release = item.get("at_release")
        if profile is not None and profile not in model.profiles:
            notes.append(f"{where}: unknown profile {one_line(profile)!r}")
            continue
        if release is not None and release not in model.releases:
            notes.append(f"{where}: unknown release {one_line(release)!r}")
            continue
        if item.get("timeline") is True:
            if model.releases:
                scenes.append(Scene(_text(item.get("title"), "Release by release"), None, profile))
            continue
        chain = item.get("chain")
        if (
            not isinstance(chain, list)
            or not chain
            or not all(isinstance(n, str) and n in model.nodes for n in chain)
        ):
            notes.append(f"{where}: 'chain' must list node ids of the model")
            continue
        scenes.append(
            Scene(_text(item.get("title"), f"Scene {number}"), tuple(chain), profile, release)
        )
    return scenes, notes


def find_chain(analysis: Analysis, nodes: Iterable[str]) -> ChainResult | None:
    """The listed chain with exactly these nodes (None: not listed)."""
    wanted = frozenset(nodes)
    for chain in analysis.chains:
        if len(chain.nodes) == len(wanted) and wanted.issuperset(chain.nodes):
            return chain
    return None


def _cheapest_open(
    analysis: Analysis, goals: Sequence[str], used: set[frozenset[str]]
) -> ChainResult | None:
    impact = {g.id: g.impact for g in analysis.goals}
    candidates = [
        c for c in analysis.chains if c.open and c.goal in goals and frozenset(c.nodes) not in used
    ]
    if not candidates:
        return None
    top = max(impact.get(c.goal, 0.0) for c in candidates)
    return next(c for c in candidates if impact.get(c.goal, 0.0) == top)


def default_story(model: AttackModel, *, max_chains: int = 1000) -> list[Scene]:
    """A story made from the analysis (see the module's description)."""
    scenes: list[Scene] = []
    used: set[frozenset[str]] = set()
    labels = {n.id: n.label for n in model.nodes.values()}
    try:
        for profile in model.profiles.values():
            if len(scenes) >= MAX_AUTO_SCENES:
                break
            result = analyze(model, profile=profile.id, max_chains=max_chains, depth=False)
            chain = _cheapest_open(result, [g.id for g in result.goals if g.reachable], used)
            if chain is not None:
                used.add(frozenset(chain.nodes))
                scenes.append(
                    Scene(
                        f"{one_line(profile.label)}: "
                        f"{one_line(labels.get(chain.goal, chain.goal))}",
                        chain.nodes,
                        profile.id,
                    )
                )
        if not scenes:
            result = analyze(model, max_chains=max_chains, depth=False)
            for goal in result.goals:
                if len(scenes) >= MAX_AUTO_SCENES or not goal.reachable:
                    continue
                chain = _cheapest_open(result, [goal.id], used)
                if chain is not None:
                    used.add(frozenset(chain.nodes))
                    scenes.append(
                        Scene(
                            f"Cheapest open chain to {one_line(labels.get(goal.id, goal.id))}",
                            chain.nodes,
                        )
                    )
    except AnalysisError:
        scenes = []
    if model.releases:
        scenes.append(Scene("Release by release"))
    return scenes


def story_document(scenes: Sequence[Scene]) -> list[dict[str, Any]]:
    """The ``x-story`` value of some scenes."""
    return [scene.to_json() for scene in scenes]


def with_scene(model: AttackModel, scene: Scene) -> dict[str, Any]:
    """The model's extension keys with ``scene`` added to its story (before
    a final release-timeline scene, which stays last)."""
    scenes, _ = read_story(model)
    if not scenes and STORY_KEY not in model.extras:
        scenes = [s for s in default_story(model) if s.timeline]
    timeline = [s for s in scenes if s.timeline and s is scenes[-1]]
    body = scenes[:-1] if timeline else scenes
    extras = dict(model.extras)
    extras[STORY_KEY] = story_document([*body, scene, *timeline])
    return extras


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+", re.MULTILINE)


def plain_markdown(text: str | None) -> str:
    """A Markdown description as plain text for the screen (links keep their
    text, emphasis and headings marks go, bullets become ``•``).

    Examples
    --------
    >>> plain_markdown("## Note\\n- **bold** and [a link](http://x) `code`")
    'Note\\n• bold and a link code'
    """
    if not text:
        return ""
    value = clean(text)
    value = _LINK.sub(r"\1", value)
    value = _HEADING.sub("", value)
    value = _BULLET.sub("• ", value)
    for _ in range(2):
        value = _EMPHASIS.sub(r"\2", value)
    return re.sub(r"\n{3,}", "\n\n", value).strip()

"""The fragment library: the bundled starter fragments (``resources/library``)
and any folders a user adds; what an inserted fragment's library copy
changed since it was inserted. Qt-free."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from attackgraph.errors import ModelError, Problem
from attackgraph.fragments.compose import Instance, instances
from attackgraph.fragments.fragment import Fragment, read_fragment

__all__ = [
    "BUNDLED",
    "Library",
    "Outdated",
    "bundled_library",
    "describe",
    "load_library",
    "outdated",
]

BUNDLED = "library:"
"""The source prefix of the bundled fragments (``library:linux-kernel``)."""

_SUFFIXES = (".json", ".yaml", ".yml")


@dataclass(frozen=True)
class Library:
    """Fragments by id, and the problems of the files that did not read."""

    fragments: tuple[Fragment, ...]
    problems: tuple[tuple[str, Problem], ...] = ()

    def get(self, fragment_id: str) -> Fragment | None:
        """The fragment with that id, or None."""
        return next((f for f in self.fragments if f.id == fragment_id), None)

    def find(self, source: str | None, fragment_id: str) -> Fragment | None:
        """The fragment an instance came from: by source path, else by id."""
        if source and not source.startswith(BUNDLED):
            match = next((f for f in self.fragments if f.source == source), None)
            if match is not None:
                return match
        return self.get(fragment_id)

    def search(self, text: str) -> list[Fragment]:
        """Fragments whose id, title, description, labels or techniques hold
        every word of ``text`` (case-insensitive)."""
        words = text.lower().split()
        return [f for f in self.fragments if all(w in f.text().lower() for w in words)]


def load_library(folders: Iterable[str | os.PathLike[str]], *, bundled: bool = True) -> Library:
    """Read every fragment file in ``folders`` (not recursive), sorted by title."""
    found: list[Fragment] = []
    problems: list[tuple[str, Problem]] = []
    sources: list[tuple[Path, str | None]] = []
    if bundled:
        from attackgraph.bundled import resource_path

        folder = resource_path("library")
        if folder.is_dir():
            sources.extend((p, f"{BUNDLED}{_stem(p)}") for p in sorted(folder.iterdir()))
    for folder_name in folders:
        folder = Path(folder_name)
        if folder.is_dir():
            sources.extend((p, None) for p in sorted(folder.iterdir()))
    for path, source in sources:
        if not path.is_file() or not path.name.lower().endswith(_SUFFIXES):
            continue
        try:
            fragment = read_fragment(path, source)
        except ModelError as exc:
            problems.extend((str(path), p) for p in exc.problems if p.is_error)
            continue
        if source is not None and source != f"{BUNDLED}{fragment.id}":
            fragment = Fragment(
                fragment.id,
                fragment.version,
                fragment.ports_in,
                fragment.ports_out,
                fragment.document,
                f"{BUNDLED}{fragment.id}",
            )
        found.append(fragment)
    found.sort(key=lambda f: (f.title.lower(), f.id))
    return Library(tuple(found), tuple(problems))


@cache
def bundled_library() -> Library:
    """The starter library shipped with attackgraph (read once a process: it
    is part of the installed package; each new window reuses it)."""
    return load_library(())


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".fragment.json", ".fragment.yaml", *_SUFFIXES):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class Outdated:
    """An inserted fragment whose library copy differs from what was inserted."""

    instance: Instance
    fragment: Fragment
    changes: tuple[str, ...]
    """One line a change, from the semantic diff (``nodes: S1 changed: label``)."""


def _as_model_document(part: Mapping[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": "attackgraph", "version": 1, "title": "fragment"}
    for key in ("components", "nodes", "edges", "mitigations"):
        if part.get(key):
            doc[key] = part[key]
    doc.setdefault("nodes", [])
    return doc


def outdated(doc: Mapping[str, Any], library: Library) -> list[Outdated]:
    """The instances in ``doc`` whose library fragment changed since insertion."""
    from attackgraph.compare import diff_models
    from attackgraph.formats.native import document_to_model

    out = []
    for instance in instances(doc):
        fragment = library.find(instance.source, instance.id)
        if fragment is None:
            continue
        old = _as_model_document(instance.base)
        new = _as_model_document(fragment.document)
        if old == new and fragment.version == instance.version:
            continue
        try:
            result = diff_models(document_to_model(old), document_to_model(new), analysis=False)
        except ModelError:
            continue
        lines = []
        for change in result.changes:
            fields = ", ".join(f.field for f in change.fields)
            lines.append(
                f"{change.kind}: {change.key} {change.change}" + (f": {fields}" if fields else "")
            )
        if lines or fragment.version != instance.version:
            out.append(Outdated(instance, fragment, tuple(lines)))
    return out


def describe(items: Sequence[Outdated]) -> list[str]:
    """Text lines for people, one block an outdated instance."""
    lines = []
    for item in items:
        lines.append(
            f"{item.instance.id} {item.instance.version} -> {item.fragment.version} "
            f"({', '.join(item.instance.components)}):"
        )
        lines.extend(f"  {line}" for line in item.changes or ("(version only)",))
    return lines

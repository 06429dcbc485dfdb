"""Three-way semantic merge of models, for teams that keep models in git.

:func:`merge_documents` merges three model documents (``base``, ``ours``,
``theirs``: the plain dicts of the native format) by id, the way the
semantic diff compares them: components, nodes, mitigations, profiles and
releases by ``id``, edges by ``source -> target``, layout positions by node,
the title, description and ``x-`` keys as values. Within an object each
field merges on its own; lists of strings (``blocks``, ``techniques``,
``refs`` ...) merge as sets, so two people adding a block to one mitigation
do not conflict.

A conflict keeps *our* value (or, when one side deleted what the other
changed, the changed object: nothing is lost) and is recorded. The merged
document lists its conflicts under the extension key
``x-merge-conflicts``; validation reports each one as a located warning (so
the GUI's Problems dock shows them), until the value at its location is
changed or the entry is removed. Positions (``layout``) are not meaning: a
position moved on both sides keeps ours without a conflict.

Deleting an object that the other side still refers to (a node deleted on
one side while the other added an edge to it) keeps the object and records
a conflict, so that the merged model stays valid. Qt-free.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from attackgraph.errors import Problem
from attackgraph.model.conflicts import CONFLICTS_KEY, open_conflicts, resolve_pointer
from attackgraph.model.validate import OBJECT_LISTS, pointer_escape

__all__ = [
    "CONFLICTS_KEY",
    "Conflict",
    "MergeResult",
    "merge_documents",
    "open_conflicts",
    "resolve_pointer",
    "write_merged",
]

_MISSING: Any = object()

_GROUPS = OBJECT_LISTS
_GROUP_OF_KIND = {kind: group for group, kind, _ in _GROUPS}
_HEADER_ORDER = ("format", "version", "title", "description")


@dataclass(frozen=True, slots=True)
class Conflict:
    """One place where both sides changed the same thing differently.

    Parameters
    ----------
    pointer : str
        JSON pointer into the merged document (``/nodes/3/label``).
    kind : str
        ``both-changed``, ``both-added``, ``deleted-and-changed``,
        ``deleted-but-used`` or ``order``.
    message : str
        A sentence for people: what each side did and what was kept.
    base, ours, theirs : object
        The values (None where a side has none).
    kept : object
        The value the merged document holds at ``pointer``.
    """

    pointer: str
    kind: str
    message: str
    base: Any = None
    ours: Any = None
    theirs: Any = None
    kept: Any = None

    def to_json(self) -> dict[str, Any]:
        """The entry as written under :data:`CONFLICTS_KEY`."""
        return {
            "pointer": self.pointer,
            "kind": self.kind,
            "message": self.message,
            "base": self.base,
            "ours": self.ours,
            "theirs": self.theirs,
            "kept": self.kept,
        }


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The merged document and its conflicts.

    Attributes
    ----------
    document : dict
        The merged model; lists its conflicts under :data:`CONFLICTS_KEY`
        when there are any.
    conflicts : tuple of Conflict
        In document order.
    """

    document: dict[str, Any]
    conflicts: tuple[Conflict, ...] = field(default=())

    @property
    def clean(self) -> bool:
        """Whether the merge had no conflict."""
        return not self.conflicts


def _opt(value: Any) -> Any:
    return None if value is _MISSING else value


def _short(value: Any) -> str:
    if value is _MISSING or value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _merge_set(base: Any, ours: list[str], theirs: list[str]) -> list[str]:
    """Ours, without what theirs removed, plus what theirs added."""
    before = set(base) if _is_string_list(base) else set()
    removed = before - set(theirs)
    added = [v for v in theirs if v not in before and v not in ours]
    return [v for v in ours if v not in removed] + added


@dataclass
class _Pending:
    """A conflict before its pointer is known (lists are not yet final)."""

    path: tuple[Any, ...]
    kind: str
    base: Any
    ours: Any
    theirs: Any
    kept: Any
    why: str


def _merge_value(
    path: tuple[Any, ...],
    base: Any,
    ours: Any,
    theirs: Any,
    pending: list[_Pending],
    *,
    quiet: bool = False,
) -> Any:
    """Three-way merge of one value; ``_MISSING`` stands for absent."""
    if ours == theirs:
        return ours
    if ours == base:
        return theirs
    if theirs == base:
        return ours
    if (
        ours is not _MISSING
        and theirs is not _MISSING
        and _is_string_list(ours)
        and _is_string_list(theirs)
    ):
        return _merge_set(base, ours, theirs)
    if not quiet:
        pending.append(
            _Pending(
                path,
                "both-changed",
                base,
                ours,
                theirs,
                ours,
                f"both sides changed it: ours {_short(ours)}, theirs "
                f"{_short(theirs)} (base {_short(base)}); ours is kept.",
            )
        )
    return ours


def _merge_object(
    path: tuple[Any, ...],
    base: Mapping[str, Any] | None,
    ours: Mapping[str, Any],
    theirs: Mapping[str, Any],
    pending: list[_Pending],
    added: bool,
) -> dict[str, Any]:
    """Field by field; keys in our order, then theirs' new keys."""
    keys = list(ours) + [k for k in theirs if k not in ours]
    out: dict[str, Any] = {}
    before = base or {}
    for key in keys:
        start = len(pending)
        value = _merge_value(
            (*path, key),
            before.get(key, _MISSING),
            ours.get(key, _MISSING),
            theirs.get(key, _MISSING),
            pending,
        )
        if added:
            for item in pending[start:]:
                item.kind = "both-added"
                item.why = (
                    f"both sides added it differently: ours {_short(item.ours)}, "
                    f"theirs {_short(item.theirs)}; ours is kept."
                )
        if value is not _MISSING:
            out[key] = value
    return out


def _key(group: str, item: Mapping[str, Any]) -> str:
    if group == "edges":
        return f"{item.get('source')} -> {item.get('target')}"
    return str(item.get("id"))


def _index(group: str, doc: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    items = doc.get(group)
    if not isinstance(items, list):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        if isinstance(item, dict):
            out.setdefault(_key(group, item), item)
    return out


def _merged_order(
    base: Sequence[str], ours: Sequence[str], theirs: Sequence[str], keep: Iterable[str]
) -> tuple[list[str], bool]:
    """The order of the merged ids, and whether the two orders disagreed.

    The side that kept the base's relative order gives way to the side that
    changed it; when both changed it differently ours wins (a conflict for
    ordered groups). Ids only one side has come after, in that side's order.
    """
    wanted = set(keep)

    shared = set(base) & set(ours) & set(theirs)

    def common(seq: Sequence[str]) -> list[str]:
        return [k for k in seq if k in shared]

    b, o, t = common(base), common(ours), common(theirs)
    clash = False
    if o == b:
        order = t
    elif t == b:
        order = o
    else:
        order = o
        clash = o != t
    order = [k for k in order if k in wanted]
    inserted: set[str] = set()
    for seq in (ours, theirs):
        previous: str | None = None
        for key in seq:
            if key in wanted and key not in order:
                # after its predecessor on its side, and after what was
                # already inserted there (ours before theirs)
                at = order.index(previous) + 1 if previous in order else 0
                while at < len(order) and order[at] in inserted:
                    at += 1
                order.insert(at, key)
                inserted.add(key)
            if key in order:
                previous = key
    return order, clash


def _merge_group(
    group: str,
    kind: str,
    base: Mapping[str, Any],
    ours: Mapping[str, Any],
    theirs: Mapping[str, Any],
    pending: list[_Pending],
    deleted: dict[tuple[str, str], tuple[dict[str, Any], str]],
) -> list[dict[str, Any]]:
    b, o, t = _index(group, base), _index(group, ours), _index(group, theirs)
    merged: dict[str, dict[str, Any]] = {}
    for key in list(o) + [k for k in t if k not in o] + [k for k in b if k not in o and k not in t]:
        bv, ov, tv = b.get(key), o.get(key), t.get(key)
        path = (group, key)
        if ov is None and tv is None:
            continue  # deleted on both sides (or only in base)
        if ov is None or tv is None:
            present, side, other = (tv, "theirs", "ours") if ov is None else (ov, "ours", "theirs")
            if bv is None:
                merged[key] = dict(present)  # added on one side
            elif present == bv:
                deleted[(kind, key)] = (dict(present), other)  # deleted on the other side
            else:
                merged[key] = dict(present)
                pending.append(
                    _Pending(
                        path,
                        "deleted-and-changed",
                        bv,
                        _opt(ov),
                        _opt(tv),
                        present,
                        f"{other} deleted this {kind} and {side} "
                        f"changed it; the changed {kind} is kept.",
                    )
                )
            continue
        merged[key] = _merge_object(path, bv, ov, tv, pending, added=bv is None)
    order, clash = _merged_order(list(b), list(o), list(t), merged)
    if clash and group == "releases":
        pending.append(
            _Pending(
                (group,),
                "order",
                list(b),
                list(o),
                list(t),
                order,
                "both sides reordered the releases differently; our order is kept.",
            )
        )
    return [merged[k] for k in order]


def _references(doc: Mapping[str, Any]) -> list[tuple[str, str, tuple[Any, ...]]]:
    """Every reference in ``doc``: (kind it names, id, path of the referrer)."""
    refs: list[tuple[str, str, tuple[Any, ...]]] = []
    for group, _, fields in _GROUPS:
        for item in doc.get(group, []) or []:
            for spec in fields:
                if spec.ref is None or spec.name not in item:
                    continue
                value = item[spec.name]
                for ref in value if isinstance(value, list) else [value]:
                    if isinstance(ref, str):
                        refs.append((spec.ref, ref, (group, _key(group, item), spec.name)))
    return refs


def _restore_used(
    doc: dict[str, Any],
    deleted: dict[tuple[str, str], tuple[dict[str, Any], str]],
    pending: list[_Pending],
) -> None:
    """Bring back deleted objects that the merged document still refers to."""
    while True:
        present = {
            (kind, _key(group, item))
            for group, kind, _ in _GROUPS
            for item in doc.get(group, []) or []
        }
        restored = False
        for kind, ident, referrer in _references(doc):
            if (kind, ident) in present or (kind, ident) not in deleted:
                continue
            item, side = deleted.pop((kind, ident))
            group = _GROUP_OF_KIND[kind]
            doc.setdefault(group, []).append(item)
            present.add((kind, ident))
            pending.append(
                _Pending(
                    (group, ident),
                    "deleted-but-used",
                    item,
                    None,
                    None,
                    item,
                    f"{side} deleted this {kind}, but "
                    f"{'/'.join(str(p) for p in referrer)} still names it; "
                    f"it is kept.",
                )
            )
            restored = True
        if not restored:
            return


def _pointer(doc: Mapping[str, Any], path: tuple[Any, ...]) -> str:
    """The JSON pointer of a (group, key, field...) path in the final document."""
    if not path:
        return ""
    head, rest = path[0], path[1:]
    if head in _GROUP_OF_KIND.values() and rest:
        items = doc.get(head, [])
        index = next((i for i, item in enumerate(items) if _key(head, item) == rest[0]), None)
        if index is None:
            return f"/{head}"
        tail = "".join(f"/{pointer_escape(p)}" for p in rest[1:])
        return f"/{head}/{index}{tail}"
    return "".join(f"/{pointer_escape(p)}" for p in path)


def _merge_layout(base: Any, ours: Any, theirs: Any, nodes: set[str]) -> dict[str, Any]:
    b = base if isinstance(base, dict) else {}
    o = ours if isinstance(ours, dict) else {}
    t = theirs if isinstance(theirs, dict) else {}
    out: dict[str, Any] = {}
    for key in list(o) + [k for k in t if k not in o]:
        if key not in nodes:
            continue
        value = _merge_value(
            ("layout", key),
            b.get(key, _MISSING),
            o.get(key, _MISSING),
            t.get(key, _MISSING),
            [],
            quiet=True,
        )
        if value is _MISSING:
            value = o.get(key, t.get(key, _MISSING))
        if value is not _MISSING:
            out[key] = value
    return out


def merge_documents(
    base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any]
) -> MergeResult:
    """Merge ``ours`` and ``theirs``, two edits of ``base``.

    Parameters
    ----------
    base, ours, theirs : mapping
        Model documents (as :func:`attackgraph.formats.native.model_to_document`
        makes them). Conflict lists already in them are dropped.

    Returns
    -------
    MergeResult

    Examples
    --------
    >>> base = {"format": "attackgraph", "version": 1, "title": "t",
    ...         "nodes": [{"id": "E", "kind": "entry", "label": "start"}]}
    >>> ours = {**base, "title": "ours"}
    >>> theirs = {**base, "nodes": [{"id": "E", "kind": "entry", "label": "go"}]}
    >>> result = merge_documents(base, ours, theirs)
    >>> result.clean, result.document["title"], result.document["nodes"][0]["label"]
    (True, 'ours', 'go')
    """
    pending: list[_Pending] = []
    deleted: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    out: dict[str, Any] = {}
    scalar_keys = [k for k in _HEADER_ORDER]
    extension_keys: list[str] = []
    for doc in (ours, theirs, base):
        for key in doc:
            if key.startswith("x-") and key != CONFLICTS_KEY and key not in extension_keys:
                extension_keys.append(key)
    for key in scalar_keys:
        value = _merge_value(
            (key,),
            base.get(key, _MISSING),
            ours.get(key, _MISSING),
            theirs.get(key, _MISSING),
            pending,
        )
        if value is not _MISSING:
            out[key] = value
    for group, kind, _ in _GROUPS:
        items = _merge_group(group, kind, base, ours, theirs, pending, deleted)
        if items or group == "nodes":
            out[group] = items
    _restore_used(out, deleted, pending)
    node_ids = {str(n.get("id")) for n in out.get("nodes", [])}
    layout = _merge_layout(base.get("layout"), ours.get("layout"), theirs.get("layout"), node_ids)
    if layout:
        out["layout"] = layout
    for key in extension_keys:
        value = _merge_value(
            (key,),
            base.get(key, _MISSING),
            ours.get(key, _MISSING),
            theirs.get(key, _MISSING),
            pending,
        )
        if value is not _MISSING:
            out[key] = value
    conflicts = tuple(
        Conflict(
            _pointer(out, p.path),
            p.kind,
            p.why,
            _opt(p.base),
            _opt(p.ours),
            _opt(p.theirs),
            _opt(p.kept),
        )
        for p in pending
    )
    if conflicts:
        out[CONFLICTS_KEY] = [c.to_json() for c in conflicts]
    return MergeResult(out, conflicts)


def write_merged(result: MergeResult, path: str, syntax: str = "json") -> list[Problem]:
    """Write a merge's document atomically as a native model.

    A document that validation refuses (a rare merge whose two sides are
    each valid but not together, such as a component cycle) is still
    written, as plain JSON or YAML, so that nothing is lost; its errors are
    returned.

    Parameters
    ----------
    result : MergeResult
    path : str
        Where to write.
    syntax : {"json", "yaml"}

    Returns
    -------
    list of Problem
        The merged document's errors (empty when it is a valid model).
    """
    from attackgraph.fileio import atomic_write_text
    from attackgraph.formats.native import document_to_model, write_model
    from attackgraph.model import validate_document

    errors = [p for p in validate_document(result.document) if p.is_error]
    if not errors:
        write_model(
            document_to_model(result.document, check=False),
            path,
            syntax="yaml" if syntax == "yaml" else "json",
        )
        return []
    if syntax == "yaml":
        text = yaml.safe_dump(result.document, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(result.document, indent=2, ensure_ascii=False) + "\n"
    atomic_write_text(path, text)
    return errors

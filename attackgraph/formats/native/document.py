"""Conversion between an :class:`AttackModel` and the format's document
(plain dicts and lists in the specification's key order)."""

from __future__ import annotations

from typing import Any

from attackgraph.errors import ModelError
from attackgraph.model import (
    AttackModel,
    Component,
    Edge,
    Mitigation,
    Node,
    Profile,
    Release,
    validate_document,
)
from attackgraph.model.schema import FORMAT_NAME, FORMAT_VERSION

__all__ = ["document_to_model", "model_to_document"]


def model_to_document(model: AttackModel) -> dict[str, Any]:
    """The model as a document, keys and lists in the order writers emit.

    Empty optional lists are left out, so a minimal model stays minimal.

    Parameters
    ----------
    model : AttackModel

    Returns
    -------
    dict
        JSON-compatible data.
    """
    doc: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "title": model.title}
    if model.description is not None:
        doc["description"] = model.description
    if model.components:
        doc["components"] = [c.to_dict() for c in model.components.values()]
    doc["nodes"] = [n.to_dict() for n in model.nodes.values()]
    for key, items in (
        ("edges", model.edges),
        ("mitigations", model.mitigations.values()),
        ("profiles", model.profiles.values()),
        ("releases", model.releases.values()),
    ):
        dicts = [item.to_dict() for item in items]
        if dicts:
            doc[key] = dicts
    if model.layout:
        doc["layout"] = {node_id: [x, y] for node_id, (x, y) in model.layout.items()}
    doc.update(model.extras)
    return doc


def document_to_model(doc: Any, *, check: bool = True) -> AttackModel:
    """Build a model from a document.

    Parameters
    ----------
    doc : object
        Parsed file content.
    check : bool
        Validate first (default). Pass False only for a document that has
        just passed :func:`~attackgraph.model.validate_document`.

    Returns
    -------
    AttackModel

    Raises
    ------
    ModelError
        With every located problem, when the document is invalid.
    """
    if check:
        problems = validate_document(doc)
        errors = [p for p in problems if p.is_error]
        if errors:
            raise ModelError(f"the model has {len(errors)} error(s).", problems)
    model = AttackModel(doc["title"], doc.get("description"))
    model.set_extras({k: v for k, v in doc.items() if k.startswith("x-")})
    model.load_validated(
        components=[Component.from_dict(d) for d in doc.get("components", [])],
        nodes=[Node.from_dict(d) for d in doc["nodes"]],
        edges=[Edge.from_dict(d) for d in doc.get("edges", [])],
        mitigations=[Mitigation.from_dict(d) for d in doc.get("mitigations", [])],
        profiles=[Profile.from_dict(d) for d in doc.get("profiles", [])],
        releases=[Release.from_dict(d) for d in doc.get("releases", [])],
        layout=doc.get("layout"),
    )
    return model

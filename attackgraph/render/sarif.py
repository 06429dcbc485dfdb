"""SARIF 2.1.0 logs of ``attackgraph check``: each open chain a result, so
that GitHub code scanning (and every SARIF viewer) shows open chains where
the goal is declared in the model file.

- one rule per goal, ``attackgraph/open-chain/<goal id>``: "an attack chain
  reaches <goal> with no mitigation in effect to break it";
- one result per open chain, located at the goal's JSON pointer
  (``/nodes/<index>``) in the model file, with its line and column when the
  file is native JSON or YAML (other formats: the file, line 1); the chain's
  other nodes are related locations;
- level ``error`` when the number of open chains breaks the policy
  (``--max-open-chains``), ``warning`` when within it;
- ``partialFingerprints`` made from the goal and the chain's node ids, so
  that an alert keeps its identity across commits that move lines.

The log is plain JSON data: every string comes from the model and is
written through :mod:`json`, never interpolated into markup.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from attackgraph._version import __version__
from attackgraph.analysis.results import ChainResult
from attackgraph.model import AttackModel

__all__ = ["SARIF_SCHEMA", "problems_log", "sarif_log", "source_locator"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULE_PREFIX = "attackgraph/open-chain/"
INVALID_RULE = "attackgraph/invalid-model"
Locator = Callable[[str], "tuple[int, int] | None"]


def source_locator(raw: bytes) -> tuple[dict[str, int], Locator | None]:
    """Where each node is declared in a native model file.

    Returns
    -------
    index : dict
        Node id -> index in the file's ``nodes`` list (empty when the file
        is not a native model this can parse).
    locate : callable or None
        JSON pointer -> ``(line, column)``, 1-based, or None.
    """
    from attackgraph.errors import FormatError
    from attackgraph.formats.native.parse import decode_bytes, parse_yaml

    try:
        # YAML's composer marks every node; JSON models are YAML too.
        parsed = parse_yaml(decode_bytes(raw))
    except (FormatError, RecursionError, MemoryError):
        return {}, None
    nodes = parsed.data.get("nodes") if isinstance(parsed.data, dict) else None
    index: dict[str, int] = {}
    for i, node in enumerate(nodes if isinstance(nodes, list) else ()):
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            index.setdefault(node["id"], i)
    return index, parsed.locate


def _uri(path: str) -> str:
    """A path as a SARIF URI: relative to the working directory when inside
    it (what code scanning needs: the repository root is the working
    directory in CI), else a ``file:`` URI; percent-encoded.

    Examples
    --------
    >>> _uri("models/my model.yaml")
    'models/my%20model.yaml'
    """
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        relative = path
    if relative.startswith("..") or os.path.isabs(relative):
        return Path(os.path.abspath(path)).as_uri()
    return quote(relative.replace(os.sep, "/"))


def _location(
    uri: str,
    pointer: str | None,
    locate: Locator | None,
    message: str | None = None,
    number: int | None = None,
    where: tuple[int, int] | None = None,
) -> dict[str, Any]:
    if where is None and locate is not None and pointer is not None:
        # A node's id line: where a reviewer recognises the node.
        where = locate(pointer + "/id") or locate(pointer)
    line, column = where or (1, 1)
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": {"startLine": line, "startColumn": column},
        }
    }
    if pointer is not None:
        location["logicalLocations"] = [{"fullyQualifiedName": pointer, "kind": "object"}]
    if message:
        location["message"] = {"text": message}
    if number is not None:
        location["id"] = number
    return location


def sarif_log(
    model: AttackModel,
    chains: Sequence[ChainResult],
    *,
    path: str,
    allowed: int,
    complete: bool = True,
    node_index: dict[str, int] | None = None,
    locate: Locator | None = None,
) -> dict[str, Any]:
    """The SARIF 2.1.0 log (JSON-ready dict) of a check's open chains.

    Parameters
    ----------
    model : AttackModel
        The checked model.
    chains : sequence of ChainResult
        The open chains found (at most the listed ones).
    path : str
        The model file, as the user named it.
    allowed : int
        ``--max-open-chains``: more open chains than this fail the check.
    complete : bool
        Whether ``chains`` are all the open chains.
    node_index, locate : optional
        From :func:`source_locator`, to point at the goal's line.

    Examples
    --------
    >>> from attackgraph.analysis.analyze import open_chains
    >>> from attackgraph.formats.native import document_to_model
    >>> model = document_to_model({"format": "attackgraph", "version": 1, "title": "t",
    ...     "nodes": [{"id": "e", "kind": "entry", "label": "Internet"},
    ...               {"id": "g", "kind": "goal", "label": "Data"}],
    ...     "edges": [{"source": "e", "target": "g"}]})
    >>> found, complete = open_chains(model, limit=10)
    >>> log = sarif_log(model, found, path="m.attackgraph.yaml", allowed=0)
    >>> result = log["runs"][0]["results"][0]
    >>> result["ruleId"], result["level"]
    ('attackgraph/open-chain/g', 'error')
    """
    uri = _uri(path)
    index = node_index or {}
    failed = len(chains) > allowed or not complete
    rules: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    results = []
    for chain in chains:
        goal = model.nodes[chain.goal]
        rule_id = RULE_PREFIX + goal.id
        if rule_id not in rule_index:
            rule_index[rule_id] = len(rules)
            impact = goal.impact if goal.impact is not None else 1
            rules.append(
                {
                    "id": rule_id,
                    "name": "OpenAttackChain",
                    "shortDescription": {"text": f"An open attack chain reaches '{goal.label}'"},
                    "fullDescription": {
                        "text": f"An attack chain reaches the goal '{goal.label}' "
                        f"({goal.id}) and no mitigation in effect breaks "
                        "it. Deploy a mitigation that blocks one of its "
                        "steps (attackgraph optimize finds the cheapest "
                        "set)."
                    },
                    "help": {
                        "text": "Run `attackgraph analyze MODEL` to see every chain and the "
                        "mitigations that break it, and `attackgraph optimize MODEL` "
                        "for the cheapest set that breaks them all."
                    },
                    "defaultConfiguration": {"level": "error"},
                    "properties": {
                        "tags": ["security", "attack-chain"],
                        "goal": goal.id,
                        "impact": impact,
                    },
                }
            )
        labels = " > ".join(model.nodes[n].label for n in chain.nodes)
        pointer = f"/nodes/{index[goal.id]}" if goal.id in index else None
        related = [
            _location(
                uri,
                f"/nodes/{index[n]}" if n in index else None,
                locate,
                f"{model.nodes[n].label} ({n})",
                number,
            )
            for number, n in enumerate(chain.nodes, 1)
            if n != goal.id
        ]
        stable = hashlib.sha256(
            "\0".join((goal.id, *sorted(chain.nodes))).encode("utf-8")
        ).hexdigest()
        result: dict[str, Any] = {
            "ruleId": rule_id,
            "ruleIndex": rule_index[rule_id],
            "level": "error" if failed else "warning",
            "message": {
                "text": f"Open chain {chain.id} reaches '{goal.label}' ({goal.id}) "
                f"at cost {chain.cost:g}: {labels}."[:4000]
            },
            "locations": [_location(uri, pointer, locate)],
            "partialFingerprints": {"attackChain/v1": stable},
            "properties": {
                "chain": chain.id,
                "nodes": list(chain.nodes),
                "cost": chain.cost,
                "probability": chain.probability,
                "broken_by": list(chain.broken_by),
            },
        }
        if related:
            result["relatedLocations"] = related
        results.append(result)
    return _run(
        rules,
        uri,
        results,
        {
            "open_chains": len(chains) if complete else None,
            "max_open_chains": allowed,
            "ok": not failed,
        },
    )


def _run(
    rules: list[dict[str, Any]], uri: str, results: list[dict[str, Any]], properties: dict[str, Any]
) -> dict[str, Any]:
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "attackgraph",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"attackgraph/check/{uri}/"},
                "artifacts": [{"location": {"uri": uri}}],
                "results": results,
                "properties": properties,
            }
        ],
    }


def problems_log(
    problems: Sequence[Any], *, path: str, locate: Locator | None = None
) -> dict[str, Any]:
    """A SARIF log of a model file that could not be read: each problem
    (:class:`~attackgraph.errors.Problem`) a result at its line, so that a
    pull request that breaks the model shows where.

    Examples
    --------
    >>> from attackgraph.errors import Problem
    >>> log = problems_log([Problem("/nodes/0/gate", "bad gate.", "error", 4, 7)], path="m.yaml")
    >>> log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    {'startLine': 4, 'startColumn': 7}
    """
    uri = _uri(path)
    rules = [
        {
            "id": INVALID_RULE,
            "name": "InvalidModel",
            "shortDescription": {"text": "The model file breaks the attackgraph format"},
            "fullDescription": {
                "text": "attackgraph cannot analyse a model file with "
                "errors; `attackgraph validate MODEL` lists them."
            },
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["correctness"]},
        }
    ]
    results = []
    for problem in problems:
        where = (problem.line, problem.column or 1) if problem.line else None
        results.append(
            {
                "ruleId": INVALID_RULE,
                "ruleIndex": 0,
                "level": "error" if problem.is_error else "warning",
                "message": {
                    "text": (f"{problem.pointer}: " if problem.pointer else "")
                    + problem.message[:4000]
                },
                "locations": [_location(uri, problem.pointer or None, locate, where=where)],
            }
        )
    return _run(rules, uri, results, {"ok": False})

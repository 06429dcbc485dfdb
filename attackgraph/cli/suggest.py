"""``attackgraph suggest FILE``: catalog mitigations for each step, from its
technique ids."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "suggest",
        help="propose catalog mitigations (MITRE ATT&CK, Seven Properties) for each step",
        description="For every node with technique ids (ATT&CK T1190, T1059.001, ...), list "
        "the mitigations the bundled catalogs propose: MITRE ATT&CK Enterprise "
        "mitigations that mitigate the technique (a sub-technique the catalog "
        "does not list falls back to its parent) and the Seven Properties of "
        "Highly Secure Devices that realise them. Mitigations the model already "
        "has (same ATT&CK id in refs) are marked.",
    )
    parser.add_argument("file", metavar="FILE", help="the model file")
    parser.add_argument(
        "--node", metavar="ID", action="append", default=None, help="only this node (repeatable)"
    )
    parser.add_argument(
        "--catalog",
        metavar="NAME",
        action="append",
        default=None,
        help="only this catalog (repeatable; e.g. attack-enterprise, seven-properties)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the suggestions."""
    from attackgraph.catalogs import available_catalogs, load_catalog, suggest_all
    from attackgraph.cli.common import EXIT_INVALID, EXIT_OK, load_model, usage_error
    from attackgraph.cli.terminal import json_text
    from attackgraph.errors import FormatError

    model = load_model(args.file)
    if model is None:
        return EXIT_INVALID
    names = args.catalog
    if names is not None:
        unknown = [n for n in names if n not in available_catalogs()]
        if unknown:
            return usage_error(
                f"unknown catalog {unknown[0]!r}; available: {', '.join(available_catalogs())}."
            )
    if args.node:
        missing = [n for n in args.node if n not in model.nodes]
        if missing:
            return usage_error(f"the model has no node {missing[0]!r}.")
    try:
        catalogs = [load_catalog(n) for n in (names or available_catalogs())]
        results = suggest_all(model, names)
    except FormatError as exc:
        print(f"attackgraph: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.node:
        results = tuple(r for r in results if r.node_id in args.node)
    if args.format == "json":
        doc = {
            "schema": "attackgraph.suggestions/1",
            "title": model.title,
            "catalogs": [{"id": c.id, "title": c.title, "version": c.version} for c in catalogs],
            "nodes": [
                {
                    "id": r.node_id,
                    "label": r.label,
                    "techniques": list(r.techniques),
                    "unknown_techniques": list(r.unknown),
                    "suggestions": [s.to_json() for s in r.suggestions],
                }
                for r in results
            ],
        }
        sys.stdout.write(json_text(doc))
        sys.stdout.write("\n")
        return EXIT_OK
    out = sys.stdout
    print(f"Mitigation suggestions for {model.title}", file=out)
    print("Catalogs: " + "; ".join(f"{c.title} {c.version}" for c in catalogs), file=out)
    if not results:
        print(
            "\nNo node has technique ids (ATT&CK T1190, ATLAS AML.T0051, ...); add them to "
            "steps to get suggestions.",
            file=out,
        )
    short = {c.id: c.short for c in catalogs}
    for result in results:
        print(f"\n{result.node_id}  {result.label}  [{', '.join(result.techniques)}]", file=out)
        for s in result.suggestions:
            notes = []
            if s.via_parent:
                notes.append(f"via parent {', '.join(s.matched)}")
            if s.via:
                notes.append(f"via {', '.join(s.via)}")
            if s.existing:
                notes.append(
                    f"already blocks it: {s.existing}" if s.covered else f"in model as {s.existing}"
                )
            extra = f"  ({'; '.join(notes)})" if notes else ""
            print(
                f"  {s.entry_id:<6} {s.label:<42} {short.get(s.catalog, s.catalog)}{extra}",
                file=out,
            )
        if not result.suggestions:
            print("  no catalog entry mitigates these techniques", file=out)
        if result.unknown:
            print(f"  not in any catalog: {', '.join(result.unknown)}", file=out)
    attack = next((c for c in catalogs if c.id.startswith("attack-")), None)
    if attack is not None:
        print(
            f"\n{attack.title} v{attack.version}. © The MITRE Corporation; reproduced and "
            "distributed with the permission of The MITRE Corporation (ATT&CK Terms of Use).",
            file=out,
        )
    return EXIT_OK

"""``attackgraph merge BASE OURS THEIRS -o OUT``: a three-way semantic merge.

Merges two edits of one model by id (see :mod:`attackgraph.merge`). Exit 0
for a clean merge, 1 when there are conflicts (listed as located lines on
standard error, and kept in OUT for resolution) or an input is invalid. With
``-o %A`` it works as a git merge driver.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "merge",
        help="merge two edits of a model (three-way, by id; a git merge driver)",
        description="Three-way merge of models by id: components, nodes, edges, mitigations, "
        "profiles, releases and layout; fields merge one by one, lists of ids and "
        "techniques as sets. A conflict keeps our value (or the changed object when "
        "one side deleted what the other changed), is listed on standard error as "
        "FILE: /pointer: sentence, and is kept in OUT under 'x-merge-conflicts' "
        "so that validation and the GUI's Problems dock show it until it is "
        "resolved. Exit 0 when clean, 1 with conflicts or an invalid input. "
        "As a git merge driver: attackgraph merge %%O %%A %%B -o %%A",
    )
    parser.add_argument("base", metavar="BASE", help="the common ancestor (any readable format)")
    parser.add_argument("ours", metavar="OURS", help="our version")
    parser.add_argument("theirs", metavar="THEIRS", help="their version")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="where to write the merged model (native JSON or YAML by its name; "
        "a name without a known ending gets OURS' syntax)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing for a clean merge"
    )
    parser.set_defaults(run=run)


def _syntax_of(path: str) -> str:
    """``yaml`` when the file's content is YAML rather than JSON."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(4096).lstrip()
    except OSError:
        return "json"
    return "json" if start[:1] in (b"{", b"[") else "yaml"


def run(args: argparse.Namespace) -> int:
    """Merge and write OUT; exit 0 when clean, 1 with conflicts."""
    from attackgraph.cli.common import EXIT_INVALID, EXIT_OK, load_model, usage_error
    from attackgraph.errors import AttackGraphError
    from attackgraph.formats import format_for_path
    from attackgraph.formats.native import model_to_document
    from attackgraph.merge import merge_documents, write_merged
    from attackgraph.render.text import one_line

    documents = []
    for path in (args.base, args.ours, args.theirs):
        model = load_model(path)
        if model is None:
            return EXIT_INVALID
        documents.append(model_to_document(model))
    target = format_for_path(args.output)
    if target is not None and target.name not in ("json", "yaml"):
        return usage_error(
            f"cannot write {args.output!r}: a merge is written as a native model "
            f"(.json or .yaml), to keep its conflicts."
        )
    syntax = target.name if target is not None else _syntax_of(args.ours)
    result = merge_documents(*documents)
    try:
        problems = write_merged(result, args.output, syntax)
    except AttackGraphError as exc:
        print(f"{args.output}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for conflict in result.conflicts:
        print(
            one_line(
                f"{args.output}: {conflict.pointer or '/'}: conflict ({conflict.kind}): "
                f"{conflict.message}"
            ),
            file=sys.stderr,
        )
    for problem in problems:
        print(problem.format(args.output), file=sys.stderr)
    if result.conflicts or any(p.is_error for p in problems):
        print(
            f"{args.output}: {len(result.conflicts)} conflict(s); resolve them (the GUI's "
            f"Problems dock lists them), then commit.",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if not args.quiet:
        print(f"{args.output}: merged cleanly.", file=sys.stderr)
    return EXIT_OK

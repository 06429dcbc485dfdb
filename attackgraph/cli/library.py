"""``attackgraph library [MODEL] [--search TEXT] [--update ID -o OUT]``: the
fragment library, and the fragments a model holds whose library copy changed."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "library",
        help="list library fragments; show and update a model's outdated fragments",
        description="Without MODEL: list the fragments of the bundled starter library (and of "
        "--folder), filtered by --search. With MODEL: list the inserted fragments "
        "whose library copy changed since, with what changed (the semantic diff); "
        "--update ID -o OUT brings that instance up to date, keeping local edits "
        "where they do not conflict (exit 1 when some conflict; they are listed "
        "and kept in OUT for the Problems dock). To save a component of a model "
        "as a fragment, use --save COMPONENT MODEL -o FRAGMENT.",
    )
    parser.add_argument("model", metavar="MODEL", nargs="?", help="a model (any readable format)")
    parser.add_argument(
        "--folder",
        action="append",
        default=[],
        help="also read fragments from this folder (repeat)",
    )
    parser.add_argument("--search", metavar="TEXT", help="only fragments matching every word")
    parser.add_argument("--update", metavar="ID", help="update this fragment instance in MODEL")
    parser.add_argument(
        "--save",
        metavar="COMPONENT",
        help="save COMPONENT of MODEL (with its sub-components) as a fragment",
    )
    parser.add_argument("--id", dest="fragment_id", help="with --save: the fragment's id")
    parser.add_argument(
        "--fragment-version",
        default="1.0",
        help="with --save: the fragment's version (default 1.0)",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="where --update/--save write")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """List, report or update; exit 1 for outdated fragments or conflicts."""
    from attackgraph.cli.common import EXIT_INVALID, EXIT_OK, load_model, usage_error
    from attackgraph.errors import AttackGraphError
    from attackgraph.formats.native import document_to_model, model_to_document, write_model
    from attackgraph.fragments import (
        extract_fragment,
        instances,
        load_library,
        outdated,
        parse_fragment,
        update_instance,
    )
    from attackgraph.fragments.library import describe
    from attackgraph.render.text import one_line

    if (args.update or args.save) and not (args.model and args.output):
        return usage_error("--update and --save need MODEL and -o OUT.")
    library = load_library(args.folder)
    for path, problem in library.problems:
        print(problem.format(path), file=sys.stderr)
    if args.model is None:
        found = library.search(args.search) if args.search else list(library.fragments)
        for fragment in found:
            ports = (
                f"in: {', '.join(fragment.ports_in) or '-'}; out: "
                f"{', '.join(fragment.ports_out) or '-'}"
            )
            print(
                one_line(
                    f"{fragment.source or fragment.id}  {fragment.version}  "
                    f"{fragment.title}  ({ports})"
                )
            )
        return EXIT_OK
    model = load_model(args.model)
    if model is None:
        return EXIT_INVALID
    doc = model_to_document(model)
    try:
        if args.save:
            fragment_doc = extract_fragment(
                doc, args.save, fragment_id=args.fragment_id, version=args.fragment_version
            )
            parse_fragment(fragment_doc)
            write_model(document_to_model(fragment_doc), args.output)
            print(
                f"{args.output}: fragment {fragment_doc['x-fragment']['id']} saved.",
                file=sys.stderr,
            )
            return EXIT_OK
        stale = outdated(doc, library)
        if args.update is None:
            if not instances(doc):
                print(f"{args.model}: no inserted fragments.")
            for line in describe(stale):
                print(one_line(line))
            return EXIT_INVALID if stale else EXIT_OK
        match = next(
            (
                item
                for item in stale
                if item.instance.id == args.update or args.update in item.instance.components
            ),
            None,
        )
        if match is None:
            print(f"{args.model}: no outdated fragment instance {args.update!r}.", file=sys.stderr)
            return EXIT_INVALID
        new_doc, conflicts = update_instance(doc, match.instance, match.fragment)
        write_model(document_to_model(new_doc), args.output)
    except AttackGraphError as exc:
        problems = getattr(exc, "problems", None) or []
        for problem in problems:
            print(problem.format(args.output or args.model), file=sys.stderr)
        if not problems:
            print(f"{args.model}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for conflict in conflicts:
        print(
            f"{args.output}: {conflict.pointer}: conflict ({conflict.kind}): {conflict.message}",
            file=sys.stderr,
        )
    print(
        f"{args.output}: {match.instance.id} updated to {match.fragment.version}"
        f"{f' with {len(conflicts)} conflict(s)' if conflicts else ''}.",
        file=sys.stderr,
    )
    return EXIT_INVALID if conflicts else EXIT_OK

"""``attackgraph check FILE``: a CI gate on the number of open chains."""

from __future__ import annotations

import argparse
import json
import sys

from attackgraph.cli.analysis_text import add_state_options, count_argument, state_kwargs

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "check",
        help="fail (exit 1) when more chains to the goals are open than allowed",
        description="For CI: exit 0 when the number of open chains to the chosen goals is at "
        "most --max-open-chains (default 0), exit 1 otherwise, printing the open "
        "chains.",
    )
    add_state_options(parser)
    parser.add_argument(
        "--max-open-chains",
        metavar="N",
        type=count_argument,
        default=0,
        help="open chains allowed (default 0)",
    )
    parser.add_argument(
        "--min-depth",
        metavar="N",
        type=count_argument,
        default=None,
        help="also fail when a goal can be reopened by defeating fewer than "
        "N in-effect mitigations (defence in depth)",
    )
    parser.add_argument(
        "--max-chains",
        metavar="N",
        type=count_argument,
        default=1000,
        help="print at most N open chains (default 1000)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "csv", "sarif"),
        default="text",
        help="text (default); json: the verdict and the open chains; csv: "
        "the open chains as a chain x mitigation matrix; sarif: a SARIF "
        "2.1.0 log, each open chain a result at its goal's line (for "
        "GitHub code scanning)",
    )
    parser.set_defaults(run=run)


def _locator(path: str) -> tuple[dict[str, int], object]:
    from attackgraph.errors import FormatError
    from attackgraph.fileio import read_limited
    from attackgraph.formats.native.parse import max_file_bytes
    from attackgraph.render.sarif import source_locator

    try:
        return source_locator(read_limited(path, max_file_bytes()))
    except FormatError:
        return {}, None


def _sarif(model: object, shown: object, path: str, allowed: int, complete: bool) -> str:
    """The SARIF log, located in the model file when it is native JSON/YAML."""
    from attackgraph.cli.terminal import json_text
    from attackgraph.render.sarif import sarif_log

    index, locate = _locator(path)
    log = sarif_log(
        model,
        shown,
        path=path,
        allowed=allowed,  # type: ignore[arg-type]
        complete=complete,
        node_index=index,
        locate=locate,
    )
    return json_text(log) + "\n"  # labels exact, control characters escaped


def _invalid_sarif(path: str) -> int:
    """An unreadable model (whose problems are on stderr already): the
    problems as a SARIF log too."""
    from attackgraph.cli.common import EXIT_INVALID
    from attackgraph.formats import check_file
    from attackgraph.render.sarif import problems_log

    checked = check_file(path)
    _, locate = _locator(path)
    from attackgraph.cli.terminal import json_text

    log = problems_log(checked.problems, path=path, locate=locate)  # type: ignore[arg-type]
    sys.stdout.write(json_text(log) + "\n")
    return EXIT_INVALID


def run(args: argparse.Namespace) -> int:
    """Count the open chains and compare with the policy."""
    from attackgraph.analysis.analyze import open_chains
    from attackgraph.cli.analysis_text import chain_lines, chains_csv
    from attackgraph.cli.common import EXIT_INVALID, EXIT_OK, load_model, usage_error
    from attackgraph.errors import AnalysisError

    model = load_model(args.file)
    if model is None:
        return _invalid_sarif(args.file) if args.format == "sarif" else EXIT_INVALID
    allowed = args.max_open_chains
    warnings: list[str] = []
    try:
        found, complete = open_chains(
            model, limit=max(allowed + 1, args.max_chains), warnings=warnings, **state_kwargs(args)
        )
    except AnalysisError as exc:
        return usage_error(str(exc))
    for warning in warnings:
        print(f"attackgraph: warning: {warning}", file=sys.stderr)
    count = len(found)
    shallow: list[tuple[str, int]] = []
    if args.min_depth is not None:
        try:
            shallow = _shallow_goals(model, args)
        except AnalysisError as exc:
            return usage_error(str(exc))
    # a search stopped by its memory or time limit proves nothing: fail closed
    ok = count <= allowed and not shallow and not warnings
    shown = found[: args.max_chains]
    if args.format == "json":
        verdict = {
            "schema": "attackgraph.check/1",
            "ok": ok,
            "max_open_chains": allowed,
            "open_chains": count if complete else None,
            "chains": [c.to_json() for c in shown],
            **({"truncated": True, "warnings": warnings} if warnings else {}),
        }
        if args.min_depth is not None:
            verdict["min_depth"] = args.min_depth
            verdict["shallow_goals"] = [{"goal": g, "depth": d} for g, d in shallow]
        json.dump(verdict, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        sys.stdout.write(chains_csv(shown, list(model.mitigations)))
    elif args.format == "sarif":
        sys.stdout.write(_sarif(model, shown, args.file, allowed, complete))
    elif warnings and count <= allowed:
        print(
            f"{args.file}: FAILED: {count} open chain(s) found before the search stopped "
            f"at its limit, at most {allowed} allowed; more may exist"
        )
        for chain in shown:
            print("\n".join(chain_lines(chain)))
    elif count <= allowed:
        print(f"{args.file}: ok: {count} open chain(s), at most {allowed} allowed")
    else:
        total = f"{count}" if complete else f"more than {count - 1}"
        print(f"{args.file}: FAILED: {total} open chain(s), at most {allowed} allowed")
        for chain in shown:
            print("\n".join(chain_lines(chain)))
    if args.format == "text" and args.min_depth is not None:
        if shallow:
            print(
                f"{args.file}: FAILED: defence in depth below {args.min_depth}: "
                + ", ".join(f"{g} ({d})" for g, d in shallow)
            )
        else:
            print(
                f"{args.file}: ok: every goal needs at least {args.min_depth} defeated "
                "mitigation(s) to reopen"
            )
    return EXIT_OK if ok else EXIT_INVALID


def _shallow_goals(model: object, args: argparse.Namespace) -> list[tuple[str, int]]:
    """Goals reopened by defeating fewer than ``--min-depth`` mitigations."""
    from attackgraph.analysis.analyze import select_goals
    from attackgraph.analysis.depth import goal_depths
    from attackgraph.analysis.scenario import resolve_scenario

    kwargs = state_kwargs(args)
    goals = select_goals(model, kwargs.pop("goals", None))  # type: ignore[arg-type]
    scenario = resolve_scenario(model, **kwargs)  # type: ignore[arg-type]
    depths = goal_depths(scenario, [scenario.graph.index[g] for g in goals])
    return [(d.goal, d.depth) for d in depths if d.depth is not None and d.depth < args.min_depth]

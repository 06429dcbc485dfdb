"""``attackgraph export FILE -o OUT``: diagrams, reports, the CSV matrix and
model files.

The format follows ``--format`` or OUT's name. Diagrams (svg, png, pdf,
dot, mmd), reports (html, md) and the matrix (csv) show the analysed state
(``--profile``, ``--with``, ``--without``, ``--at-release``, ``--chain``);
every model format the registry writes (native json/yaml and the
interchange formats) is delegated to it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from attackgraph.cli.analysis_text import add_state_options, count_argument, state_kwargs

if TYPE_CHECKING:
    from attackgraph.model import AttackModel

__all__ = ["DOCUMENT_FORMATS", "add_parser", "run"]

DOCUMENT_FORMATS = ("svg", "png", "pdf", "dot", "mmd", "html", "md", "csv", "navigator")
"""What export writes itself; other names go to the model format registry."""
_ALIASES = {"mermaid": "mmd", "markdown": "md", "htm": "html", "gv": "dot", "layer": "navigator"}


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("must be a number of seconds above 0")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "export",
        help="write a diagram (svg, png, pdf, dot, mmd), a report (html, md), the CSV "
        "matrix or another model format",
        description="Write a diagram, report, matrix or model file. The format follows "
        "--format or OUT's extension: svg, png, pdf, dot, mmd (Mermaid), html "
        "and md (reports), csv (chain x mitigation matrix), navigator (an ATT&CK "
        "Navigator layer of the analysed state, with --format navigator), "
        "json/yaml (native "
        "model) and every interchange format attackgraph writes. Diagrams and "
        "reports show the state chosen with the analyze options; an SVG carries "
        "the model, so attackgraph can open it again.",
    )
    add_state_options(parser)
    parser.add_argument("-o", "--output", metavar="OUT", required=True, help="file to write")
    parser.add_argument(
        "--format",
        metavar="F",
        help="svg, png, pdf, dot, mmd, html, md, csv, navigator, json, yaml or "
        "another model format (default: from OUT's extension)",
    )
    parser.add_argument("--chain", metavar="ID", help="highlight one listed chain (e.g. C3)")
    parser.add_argument(
        "--max-chains",
        metavar="N",
        type=count_argument,
        default=1000,
        help="analyse at most N chains (default 1000)",
    )
    parser.add_argument(
        "--no-mitigations",
        dest="mitigations",
        action="store_false",
        help="diagrams: do not draw the in-effect mitigations",
    )
    parser.add_argument(
        "--no-analysis",
        dest="analysis",
        action="store_false",
        help="diagrams: draw the model only, without the analysis overlay",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        default=120.0,
        help="stop the export (analysis, layout by Graphviz, rendering) "
        "after this long (default 120)",
    )
    parser.set_defaults(run=run)


def _say_limits(warnings: tuple[str, ...]) -> None:
    """Print the analysis' warnings (a memory or time limit stopped it)."""
    for warning in warnings:
        print(f"attackgraph: warning: {warning}", file=sys.stderr)


def _left(args: argparse.Namespace) -> float:
    """Seconds left of ``--timeout`` for the next step (Graphviz)."""
    import time

    deadline = getattr(args, "deadline", None)
    if deadline is None:
        return float(args.timeout)
    return max(deadline - time.monotonic(), 0.05)


class _TimedOut(Exception):
    """Raised by the alarm when ``--timeout`` has passed."""


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Interrupt the Python work of an export after ``seconds`` (POSIX, main
    thread only; Graphviz gets what remains as its own timeout anyway)."""
    import signal
    import threading

    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def ring(_signum: int, _frame: object) -> None:
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _choose(output: str, name: str | None) -> tuple[str, str] | None:
    """``("document", fmt)`` or ``("model", registry name)``, or None."""
    from attackgraph.formats import format_for_path

    if name is not None:
        key = _ALIASES.get(name.lower(), name.lower())
        if key in DOCUMENT_FORMATS:
            return "document", key
        fmt = format_for_path(output, key)
        return ("model", fmt.name) if fmt is not None and fmt.generate is not None else None
    lower = output.lower()
    registry = format_for_path(output)
    mine = next((f for f in DOCUMENT_FORMATS if lower.endswith("." + f)), None)
    if mine is None:
        ext = lower.rsplit(".", 1)[-1] if "." in os.path.basename(lower) else ""
        mine = _ALIASES.get(ext)
    longest = (
        max((len(s) for s in registry.suffixes if lower.endswith(s)), default=0) if registry else 0
    )
    if (
        registry is not None
        and registry.generate is not None
        and (mine is None or longest > len(mine) + 1)
    ):
        return "model", registry.name
    if mine is not None:
        return "document", mine
    return None


def _known() -> str:
    from attackgraph.formats import FORMATS

    names = list(DOCUMENT_FORMATS) + [f.name for f in FORMATS if f.generate is not None]
    return ", ".join(dict.fromkeys(names))


def _document(model: AttackModel, fmt: str, args: argparse.Namespace) -> dict[str, bytes]:
    """The files to write for a document format: OUT itself and attachments."""
    from attackgraph.analysis import analyze
    from attackgraph.render.dot import DiagramOptions
    from attackgraph.render.overlay import build_overlay

    kwargs = state_kwargs(args)
    output = args.output
    if fmt in ("html", "md"):
        from attackgraph.render.report_data import collect_report

        data = collect_report(model, max_chains=args.max_chains, **kwargs)
        _say_limits(data.analysis.warnings)
        options = DiagramOptions(title=False, mitigations=args.mitigations)
        if fmt == "html":
            from attackgraph.render.report_html import html_report

            text = html_report(model, data, chain=args.chain, options=options, timeout=_left(args))
            return {output: text.encode("utf-8")}
        from attackgraph.render.report_md import markdown_report

        stem = os.path.basename(output)
        stem = stem[:-3] if stem.lower().endswith(".md") else stem
        report = markdown_report(
            model, data, stem=stem, chain=args.chain, options=options, timeout=_left(args)
        )
        folder = os.path.dirname(output)
        files = {output: report.text.encode("utf-8")}
        files.update(
            {os.path.join(folder, name): content for name, content in report.attachments.items()}
        )
        return files
    from attackgraph.analysis.naming import name_by_whole_model

    result = analyze(model, max_chains=args.max_chains, depth=False, **kwargs)  # not drawn
    _say_limits(result.warnings)
    # every view names a chain by the whole model's id, whatever the scenario
    result = name_by_whole_model(model, result, max_chains=args.max_chains, **kwargs)
    if fmt == "csv":
        from attackgraph.render.table import chains_csv

        return {
            output: chains_csv(result.chains, [m.id for m in result.mitigations]).encode("utf-8")
        }
    if fmt == "navigator":
        from attackgraph.render.navigator import generate_navigator

        return {
            output: generate_navigator(
                model,
                result,
                switch_on=kwargs["switch_on"],
                switch_off=kwargs["switch_off"],
                goals=tuple(args.goals) if args.goals else None,
            ).encode("utf-8")
        }
    overlay = build_overlay(model, result, chain=args.chain) if args.analysis else None
    if fmt == "mmd":
        from attackgraph.render.mermaid import generate_mermaid

        return {
            output: generate_mermaid(model, overlay, mitigations=args.mitigations).encode("utf-8")
        }
    from attackgraph.render.diagram import render_diagram

    options = DiagramOptions(mitigations=args.mitigations)
    return {
        output: render_diagram(model, fmt, overlay=overlay, options=options, timeout=_left(args))
    }


def run(args: argparse.Namespace) -> int:
    """Write the requested file."""
    from attackgraph.cli.common import EXIT_INVALID, EXIT_OK, EXIT_TOOL, load_model, usage_error
    from attackgraph.errors import AnalysisError, FormatError, RenderError
    from attackgraph.fileio import atomic_write_bytes
    from attackgraph.formats import format_for_path, write_model

    choice = _choose(args.output, args.format)
    if choice is None:
        what = f"format {args.format!r}" if args.format else f"the name {args.output!r}"
        return usage_error(
            f"cannot tell what to write from {what}; formats: {_known()} (use --format)"
        )
    kind, fmt = choice
    state = (args.chain, args.profile, args.goals, args.switch_on, args.switch_off, args.at_release)
    if kind == "model" and any(state):
        return usage_error(
            "--chain and the analyze options apply to diagrams, reports and "
            f"the matrix, not to a model file ({fmt})"
        )
    model = load_model(args.file)
    if model is None:
        return EXIT_INVALID
    try:
        if kind == "model":
            try:
                with _alarm(args.timeout):
                    write_model(model, args.output, format_name=fmt, backup=True)
            except _TimedOut:
                print(
                    f"attackgraph: the export took longer than --timeout {args.timeout:g} s "
                    "and was stopped; the output file was not changed.",
                    file=sys.stderr,
                )
                return EXIT_TOOL
            target = format_for_path(args.output, fmt)
            if target is not None and target.limitations:
                print(f"note: {target.limitations}", file=sys.stderr)
            return EXIT_OK
        args.deadline = time.monotonic() + args.timeout
        try:
            with _alarm(args.timeout):
                files = _document(model, fmt, args)
        except _TimedOut:
            print(
                f"attackgraph: the export took longer than --timeout {args.timeout:g} s "
                "and was stopped; nothing was written.",
                file=sys.stderr,
            )
            return EXIT_TOOL
        for path, content in files.items():
            atomic_write_bytes(path, content, backup=True)
    except AnalysisError as exc:
        return usage_error(str(exc))
    except RenderError as exc:
        print(f"attackgraph: {exc}", file=sys.stderr)
        return EXIT_TOOL
    except FormatError as exc:
        print(f"{args.output}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK

"""Long fuzz runs of every model reader (issue 12); prints figures.

Usage::

    python benchmarks/fuzz.py [--per-reader N] [--reader NAME ...]
        [--graphviz-every K] [--findings DIR] [--seed S]

Runs N structure-aware mutations of each reader's valid files (see
``tests/fuzzing.py``) through the command line's code path, in-process, and
checks the invariants there. Inputs that break one are written to DIR
(default ``fuzz-findings``) with a summary; the exit code is 1 when there
are findings. Progress is printed every 1,000 inputs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _plain(check):  # type: ignore[no-untyped-def]
    """``check`` as a one-argument function without defaults (as @given wants)."""

    def one(raw: bytes) -> None:
        check(raw)

    return one


def main() -> int:
    """Run the fuzzers and print one line per reader."""
    from hypothesis import HealthCheck, Phase, given, seed, settings

    from tests.fuzzing import (
        READERS,
        Fuzzer,
        fuzz_folder,
        is_known,
        mutated_inputs,
        save_findings,
        seeds,
    )

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-reader", type=int, default=1000, metavar="N")
    parser.add_argument("--reader", action="append", choices=READERS)
    parser.add_argument("--graphviz-every", type=int, default=200, metavar="K")
    parser.add_argument("--findings", default="fuzz-findings", metavar="DIR")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    corpus = seeds()
    total = 0
    all_findings = []
    with fuzz_folder() as scratch:
        for reader in args.reader or READERS:
            fuzzer = Fuzzer(Path(scratch), graphviz_every=args.graphviz_every)
            started = time.monotonic()

            def check(
                raw: bytes, fuzzer: Fuzzer = fuzzer, reader: str = reader, started: float = started
            ) -> None:
                fuzzer.run(reader, raw)
                if fuzzer.runs % 1000 == 0:
                    print(
                        f"  {reader}: {fuzzer.runs} inputs, {fuzzer.valid} valid, "
                        f"{len(fuzzer.findings)} findings, "
                        f"{time.monotonic() - started:.0f} s",
                        flush=True,
                    )

            one = seed(args.seed)(
                settings(
                    max_examples=args.per_reader,
                    deadline=None,
                    database=None,
                    phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )(given(mutated_inputs(reader, corpus[reader]))(_plain(check)))
            )
            one()
            seconds = time.monotonic() - started
            total += fuzzer.runs
            all_findings += fuzzer.findings
            kinds: dict[str, int] = {}
            for finding in fuzzer.findings:
                kind = "known (issue 13)" if is_known(finding) else finding.invariant
                kinds[kind] = kinds.get(kind, 0) + 1
            if fuzzer.findings:
                save_findings(all_findings, Path(args.findings))
            print(
                f"{reader}: {fuzzer.runs} inputs ({fuzzer.valid} valid) in {seconds:.0f} s, "
                f"slowest {fuzzer.slowest:.2f} s CPU ({fuzzer.slowest_wall:.2f} s wall), "
                f"findings {len(fuzzer.findings)} {kinds}",
                flush=True,
            )
    if all_findings:
        save_findings(all_findings, Path(args.findings))
        print(f"{len(all_findings)} finding(s) written to {args.findings}/")
    new = [f for f in all_findings if not is_known(f)]
    print(
        f"total: {total} inputs, {len(new)} new finding(s), "
        f"{len(all_findings) - len(new)} known (issue 13)"
    )
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())

"""The chain x mitigation matrix as CSV: the one CSV writer of the program,
used by ``analyze --format csv``, ``check --format csv``, ``export X.csv``
and the desktop app's export.

Every cell goes through :func:`~attackgraph.render.text.csv_cell`, so that a
spreadsheet never runs a cell as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from attackgraph.render.text import csv_cell, number

if TYPE_CHECKING:
    from attackgraph.analysis import ChainResult

__all__ = ["chains_csv", "write_csv"]


def write_csv(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text (``\\n`` line ends), every cell neutralised.

    Examples
    --------
    >>> write_csv([["a", "=1+1"], ["b", "@SUM(A1)"]])
    "a,'=1+1\\nb,'@SUM(A1)\\n"
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


def chains_csv(chains: Sequence[ChainResult], mitigation_ids: Sequence[str]) -> str:
    """The chain x mitigation matrix: one row per chain (id, goal, cost,
    probability, open, nodes), then one column per mitigation, ``1`` where
    it breaks the chain and ``0`` elsewhere."""
    header = ["chain", "goal", "cost", "probability", "open", "nodes", *mitigation_ids]
    rows: list[Sequence[object]] = [header]
    for chain in chains:
        broken = set(chain.broken_by)
        rows.append(
            [
                chain.id,
                chain.goal,
                number(chain.cost),
                repr(chain.probability),
                "true" if chain.open else "false",
                " > ".join(chain.nodes),
                *("1" if m in broken else "0" for m in mitigation_ids),
            ]
        )
    return write_csv(rows)

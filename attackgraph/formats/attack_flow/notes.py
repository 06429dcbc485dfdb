"""What each mitigation does, as the paragraph an Attack Flow export adds
to its course of action's description.

Attack Flow has no place for analysis results, so a course of action says
in words whether the mitigation is in effect and which attack chains it
breaks. The paragraph opens with :data:`~.common.ANALYSIS_MARK`; an import
removes it (and reads the status back from it, which is all an ``.afb``
file can carry of it), since every export writes it afresh.
"""

from __future__ import annotations

import time

from attackgraph.analysis import Analysis, analyze
from attackgraph.errors import AnalysisError
from attackgraph.formats.attack_flow.common import ANALYSIS_MARK
from attackgraph.model import AttackModel

__all__ = ["mitigation_notes"]

MAX_CHAINS = 1000
"""Chains the export's analysis lists at most (the cheapest ones)."""

TIME_LIMIT = 5.0
"""Seconds the export's analysis may take before the notes are left out."""

_EXAMPLES = 3


def mitigation_notes(
    model: AttackModel,
    *,
    time_limit: float = TIME_LIMIT,
) -> dict[str, str]:
    """The analysis paragraph of each mitigation, by mitigation id.

    Empty when the model has no mitigations or the analysis does not finish
    within ``time_limit`` seconds (a course of action then carries its own
    description only).

    Examples
    --------
    >>> from attackgraph.model import AttackModel, Node, Edge, Mitigation
    >>> m = AttackModel("demo")
    >>> m.add_all(nodes=[Node("E", "entry", "Phish"), Node("G", "goal", "Admin")],
    ...           edges=[Edge("E", "G")], mitigations=[Mitigation("M", "MFA", ("E",))])
    >>> print(mitigation_notes(m)["M"])
    attackgraph analysis: proposed, not in effect. Breaks 1 of the 1 attack chain found (1 \
of them open): Phish > Admin. On its own it makes unreachable: Admin.
    """
    if not model.mitigations:
        return {}
    deadline = time.monotonic() + time_limit
    try:
        result = analyze(model, max_chains=MAX_CHAINS, cancel=lambda: time.monotonic() > deadline)
    except AnalysisError:  # cancelled, or a model the analysis refuses
        return {}
    return {mit.id: _note(model, result, mit.id) for mit in model.mitigations.values()}


def _note(model: AttackModel, result: Analysis, mit_id: str) -> str:
    mit = model.mitigations[mit_id]
    outcome = result.mitigation(mit_id)
    parts = [
        f"{ANALYSIS_MARK} {mit.effective_status}, "
        f"{'in effect' if outcome.in_effect else 'not in effect'}."
    ]
    total = len(result.chains)
    found = f"attack chain{'' if total == 1 else 's'} found" + (
        f" (the {total} cheapest; more exist)" if result.truncated else ""
    )
    if not outcome.full:
        parts.append(
            f"Partial (effectiveness {mit.effectiveness:g}): it lowers the "
            "probability of the chains through the steps it blocks and breaks "
            "none of them."
        )
    elif outcome.breaks:
        chains = [result.chain(c) for c in outcome.breaks]
        still_open = sum(1 for c in chains if c.open)
        opened = f" ({still_open} of them open)" if not outcome.in_effect else ""
        examples = "; ".join(
            " > ".join(model.nodes[n].label for n in c.nodes) for c in chains[:_EXAMPLES]
        )
        more = f"; and {len(chains) - _EXAMPLES} more" if len(chains) > _EXAMPLES else ""
        parts.append(f"Breaks {len(chains)} of the {total} {found}{opened}: {examples}{more}.")
    else:
        parts.append(f"Breaks none of the {total} {found}.")
    if outcome.makes_unreachable:
        goals = ", ".join(model.nodes[g].label for g in outcome.makes_unreachable)
        parts.append(f"On its own it makes unreachable: {goals}.")
    return " ".join(parts)

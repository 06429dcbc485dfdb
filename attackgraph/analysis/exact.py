"""Exact arithmetic on the model's numbers, and the scaling that keeps the
solver's absolute tolerances below them.

The model's costs, impacts and probabilities are binary floats; every float
is a rational number, so sums and products of them are compared exactly as
:class:`fractions.Fraction` values (no rounding decides an order or a
budget). The MILP solver (HiGHS) has absolute tolerances (``mip_abs_gap``
1e-6, feasibility 1e-7) that SciPy does not expose; :func:`pow2_scale`
returns the power of two that lifts the smallest positive number of a row
or objective to [1024, 2048), so those tolerances sit nine orders of
magnitude below the smallest number, at any scale of the model's numbers.
Scaling by a power of two is exact in binary floating point.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

__all__ = ["SCALED_MAX", "SCALED_MIN", "exact_product", "exact_sum", "pow2_scale"]

SCALED_MIN = 1024.0
"""The smallest positive number of a scaled row lands in [SCALED_MIN, 2 SCALED_MIN)."""

SCALED_MAX = 2.0**45
"""Unless that would lift the largest number above this (HiGHS treats huge
coefficients as infinite); then the largest lands below it."""


def pow2_scale(values: Iterable[float]) -> float:
    """The power of two that brings ``values`` to the solver's comfortable range.

    Parameters
    ----------
    values : iterable of float
        Finite numbers (zeros and signs ignored).

    Returns
    -------
    float
        ``2**k`` with the smallest positive ``|value| * 2**k`` in
        [1024, 2048), lowered when the largest would exceed ``2**45``;
        ``1.0`` when every value is zero.

    Examples
    --------
    >>> pow2_scale([1e-7, 1.5e-7]) * 1e-7 >= 1024
    True
    >>> pow2_scale([0.0])
    1.0
    """
    magnitudes = [abs(v) for v in values if v]
    if not magnitudes:
        return 1.0
    low, high = min(magnitudes), max(magnitudes)
    exponent = math.floor(math.log2(SCALED_MIN / low))
    while low * 2.0**exponent < SCALED_MIN:
        exponent += 1
    while low * 2.0 ** (exponent - 1) >= SCALED_MIN:
        exponent -= 1
    while exponent > -1074 and high * 2.0**exponent > SCALED_MAX:
        exponent -= 1
    return 2.0**exponent


def exact_sum(values: Iterable[float]) -> Fraction:
    """The exact sum of floats.

    Examples
    --------
    >>> exact_sum([0.1, 0.2]) == exact_sum([0.3])
    False
    >>> float(exact_sum([1e16, 1.0, -1e16]))
    1.0
    """
    total = Fraction(0)
    for value in values:
        total += Fraction(value)
    return total


def exact_product(values: Iterable[float]) -> Fraction:
    """The exact product of floats (in [0, 1] for probabilities).

    Examples
    --------
    >>> exact_product([0.5, 0.5])
    Fraction(1, 4)
    """
    total = Fraction(1)
    for value in values:
        if value == 0:
            return Fraction(0)
        total *= Fraction(value)
    return total

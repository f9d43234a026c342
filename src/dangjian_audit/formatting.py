"""Numbers as people read them, in one place: points, totals and percentages.

Scores are exact :class:`~decimal.Decimal` values from scoring to every report; this module
is where they become text. Floats appear only at the serialization boundaries (JSON numbers,
spreadsheet cells), through :func:`json_number`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def q(value: Decimal) -> Decimal:
    """Rounded half up to the cent, as every score is."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal:
    """``part`` as a percentage of ``whole``, half up to one decimal (6.25 -> 6.3); 0 when ``whole`` is 0."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def num(value: Decimal | float | int | None, none: str = "—") -> str:
    """A total or maximum: ``60`` when whole, else two decimals (``59.50``)."""
    if value is None:
        return none
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}"


def points(value: Decimal | float | int) -> str:
    """Points in a column: always two decimals, so ``2.00`` lines up with ``2.50``."""
    return f"{value:.2f}"


def compact(value: Decimal | float | int) -> str:
    """The shortest exact text: ``2.5``, ``60``, ``97.39`` (no trailing zeros)."""
    d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def json_number(value: Any) -> Any:
    """A Decimal as a JSON number (float); anything else unchanged."""
    return float(value) if isinstance(value, Decimal) else value

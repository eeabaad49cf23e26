"""Numbers as cbc shows them: exact decimals tidied, counts with thousands separators."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _tidy(d: Decimal) -> Decimal:
    """2.50 -> 2.5, 5.0 -> 5; exact, no float."""
    if d == d.to_integral_value():
        return Decimal(int(d))
    return d.normalize()


def _fmt(d: Decimal) -> str:
    return format(_tidy(d), "f")


def fmt_number(value: Any) -> str:
    """A parsed value for a message: 1200 -> '1,200', Decimal('2.5') -> '2.5'."""
    if value is None:
        return "空"
    if isinstance(value, Decimal):
        return _fmt(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)

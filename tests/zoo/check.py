"""What the zoo asks of a read-back return."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import notice as N
from .build import Expect


def _same(got: Any, want: Any) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return Decimal(str(got)) == Decimal(str(want))


def named(result: Any, code: str) -> list[Any]:
    return [i for i in result.issues if i.field == code]


def wrong_numbers(result: Any, expect: Expect) -> list[str]:
    """Never a different number: a field read as a number other than the one written."""
    out = []
    for f in N.FIELDS:
        got = result.values.get(f.code)
        want = expect.values.get(f.code)
        if got is not None and not _same(got, want):
            out.append(f"{f.code}: wrote {want!r}, read {got!r} at {result.cells.get(f.code)}")
    return out


def unexplained(result: Any, expect: Expect) -> list[str]:
    """The property: for every field, the value read back is the value written, or the file has a
    finding naming that field."""
    out = wrong_numbers(result, expect)
    for f in N.FIELDS:
        got = result.values.get(f.code)
        want = expect.values.get(f.code)
        if not _same(got, want) and not named(result, f.code) and got is None:
            out.append(f"{f.code}: wrote {want!r}, read nothing, and no finding names it")
    return out


def exactly(result: Any, expect: Expect) -> list[str]:
    """A zoo variant: every field read exactly, the unit and date too; the fields the variant must
    flag carry a finding naming them and no value; no error otherwise."""
    out = unexplained(result, expect)
    for f in N.FIELDS:
        if f.code in expect.flag:
            if result.values.get(f.code) is not None or not [i for i in named(result, f.code) if i.is_error]:
                out.append(f"{f.code}: must be flagged, not read")
        elif not _same(result.values.get(f.code), expect.values.get(f.code)):
            out.append(f"{f.code}: wrote {expect.values.get(f.code)!r}, read {result.values.get(f.code)!r}")
    if expect.unit is not None and result.unit_written != expect.unit:
        out.append(f"unit: wrote {expect.unit!r}, read {result.unit_written!r}")
    if expect.date is not None and result.date != expect.date:
        out.append(f"date: wrote {expect.date}, read {result.date}")
    errors = [i for i in result.issues if i.is_error and i.field not in expect.flag]
    if errors:
        out.append("errors: " + "; ".join(f"{i.code} {i.field} {i.cell} {i.message}" for i in errors))
    return out


def score_problems(result: Any, scores: dict[int, Any], flag: set[int] = frozenset()) -> list[str]:
    out = []
    got = {i.item: i.score for i in result.items}
    for item in N.ITEMS:
        want = scores.get(item.no)
        if item.no in flag:
            if got.get(item.no) is not None or not [i for i in result.issues if i.item == item.no]:
                out.append(f"item {item.no}: must be flagged")
        elif got.get(item.no) != want:
            if got.get(item.no) is None and [i for i in result.issues if i.item == item.no] and want is None:
                continue
            out.append(f"item {item.no}: wrote {want!r}, read {got.get(item.no)!r}")
    errors = [i for i in result.issues if i.is_error and i.item not in flag]
    if errors:
        out.append("errors: " + "; ".join(f"{i.code} {i.item} {i.cell} {i.message}" for i in errors))
    return out

"""Raw cell values -> typed values: numbers however they were typed, dates, scores.

A cell may hold a number, or text that means one: full-width digits (１２３), thousands
separators (1,200 / 1，200), spaces, a trailing unit that matches the field (人/个/次/项/万元).
Empty, 无, —, / mean "not filled" (None), which is not 0. Everything else is a problem that the
caller turns into a finding at the cell.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from ..model.numbers import _fmt, _tidy, fmt_number  # noqa: F401 (fmt_number: re-exported for the judges)

BLANKS = {"", "无", "—", "——", "-", "--", "/", "\\", "空", "暂无", "null", "none", "n/a", "na", "－", "─"}
YUAN_PER_WAN = Decimal(10_000)


class Parsed(NamedTuple):
    """A parsed value, or why it could not be parsed: a finding code of data/findings.toml, its
    wording and parameters (the caller adds where). A named tuple: one is made for every cell of
    every return, and a tuple is the cheapest."""

    value: Any = None
    code: str | None = None
    variant: str | None = None
    params: dict[str, Any] | None = None
    warning: tuple[str, dict[str, Any]] | None = None  # (code, parameters): parsed, but worth a look

    @property
    def ok(self) -> bool:
        return self.code is None

    def finding(self, **where: Any) -> Any:
        """The finding for a value that could not be parsed, at the cell given."""
        from ..model.findings import finding

        return finding(self.code or "not-a-number", self.variant, **{**(self.params or {}), **where})

    def warning_finding(self, **where: Any) -> Any:
        from ..model.findings import finding

        assert self.warning is not None
        return finding(self.warning[0], **where, **self.warning[1])


def _bad(code: str, variant: str | None = None, **params: Any) -> Parsed:
    return Parsed(code=code, variant=variant, params=params)


_NOTHING = Parsed(None)


_SPACES = re.compile(r"\s+")
_WITH_UNIT = re.compile(r"(.+?)(万元|万|元|人次|人|个|家|次|项|条|处)")


def _normal(text: str) -> str:
    t = unicodedata.normalize("NFKC", text)
    t = t.replace("\u3000", " ").strip()
    return _SPACES.sub("", t)


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def _to_decimal(text: str) -> Decimal | None:
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        return None


def is_blank(raw: Any) -> bool:
    if raw is None or raw == "":  # an empty cell: the common case, before any normalising
        return True
    if isinstance(raw, str):
        return _normal(raw).lower() in BLANKS
    return False


def parse_number(raw: Any, *, label: str, unit: str, money: bool) -> Parsed:
    """A count (whole, >= 0) or a 万元 amount (decimal, >= 0) from a raw cell value."""
    if type(raw) is float and raw >= 0 and raw.is_integer() and raw < 1e15:  # the common case, fast
        return Parsed(Decimal(int(raw)) if money else int(raw))
    if type(raw) is int and raw >= 0:
        return Parsed(Decimal(raw) if money else raw)
    if is_blank(raw):
        return _NOTHING
    warning = None
    if isinstance(raw, bool) or isinstance(raw, (datetime, date, timedelta)):
        return _bad("not-a-number", "kind", label=label, text=raw)
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (raw != raw or raw in (float("inf"), float("-inf"))):
            return _bad("not-a-number", "kind", label=label, text=raw)
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        text = _normal(str(raw))
        number = _to_decimal(text)
        if number is None:
            number, warning, problem = _with_unit(text, label=label, unit=unit, money=money)
            if problem:
                return problem
    if number < 0:
        return _bad("negative", label=label, number=_fmt(number))
    if money:
        return Parsed(_tidy(number), warning=warning)
    if number != number.to_integral_value():
        return _bad("not-whole", label=label, number=_fmt(number))
    return Parsed(int(number), warning=warning)


def _with_unit(text: str, *, label: str, unit: str, money: bool) -> tuple[Decimal | None, tuple[str, dict[str, Any]] | None, Parsed | None]:
    """Numbers written with a unit: '1,200人', '5万元', '50000元'."""
    bad = _bad("not-a-number", label=label, text=text, unit=unit)
    m = _WITH_UNIT.fullmatch(text)
    if not m:
        return None, None, bad
    number = _to_decimal(m.group(1))
    written = m.group(2)
    if number is None:
        return None, None, bad
    if money:
        if written in ("万元", "万"):
            return number, None, None
        if written == "元":
            converted = _tidy(number / YUAN_PER_WAN)
            return converted, ("yuan-converted", {"label": label, "text": text, "number": _fmt(converted)}), None
        return None, None, bad
    units_ok = {unit} | ({"人次"} if unit == "人" else set()) | ({"家"} if unit == "个" else set()) | (
        {"条", "处"} if unit == "项" else set())
    if written in units_ok:
        return number, None, None
    return None, None, _bad("not-a-number", "unit", label=label, text=text, unit=unit)


# --- dates ---------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EMPTY_DATE = re.compile(r"^(填报日期[:：]?)?\s*年\s*月\s*日?$")
EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(raw: Any) -> Parsed:
    """A 填报日期: a date cell, '2020年5月28日', '2020-05-28', '2020/5/28', '2020.5.28'."""
    if raw is None:
        return Parsed(None)
    if isinstance(raw, datetime):
        return Parsed(raw.date())
    if isinstance(raw, date):
        return Parsed(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 36526 <= raw <= 73050:  # an Excel serial number between 2000 and 2099
            return Parsed(EXCEL_EPOCH + timedelta(days=int(raw)))
        return _bad("date-invalid", "serial", text=raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    text = re.sub(r"^填报日期\s*[:：]?\s*", "", text)
    if not text or _EMPTY_DATE.match(re.sub(r"\s+", " ", text)) or re.fullmatch(r"[年月日\s]*", text):
        return Parsed(None)
    m = _DATE.search(text) or _DATE_DIGITS.match(text)
    if not m:
        return _bad("date-invalid", text=text)
    y, mo, d = (int(x) for x in m.groups())
    try:
        found = date(y, mo, d)
    except ValueError:
        return _bad("date-invalid", "no-such-day", text=text, year=y, month=mo, day=d)
    if not 2000 <= y <= 2099:
        return _bad("date-invalid", "year", text=text)
    return Parsed(found)


# --- scores --------------------------------------------------------------------------------

def parse_score(raw: Any, *, item: int, maximum: int) -> Parsed:
    """A self-check score: a whole number from 0 to the item's max ('５', '6分' accepted)."""
    if is_blank(raw):
        return Parsed(None)
    if isinstance(raw, bool) or isinstance(raw, (datetime, date, timedelta)):
        return _bad("score-out-of-range", "text", item=item, max=maximum, text=raw)
    if isinstance(raw, (int, float)):
        number: Decimal | None = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        text = _normal(str(raw))
        text = re.sub(r"分$", "", text)
        number = _to_decimal(text)
        if number is None:
            return _bad("score-out-of-range", "text", item=item, max=maximum, text=raw)
    if number != number.to_integral_value():
        return _bad("score-not-whole", item=item, number=_fmt(number))
    if number < 0 or number > maximum:
        return _bad("score-out-of-range", item=item, max=maximum, number=_fmt(number))
    return Parsed(int(number))

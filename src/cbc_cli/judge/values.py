"""Raw cell values -> typed values: numbers however they were typed, dates, scores.

A cell may hold a number, or text that means one: full-width digits (１２３), thousands
separators (1,200 / 1，200), spaces, a trailing unit that matches the field (the edition's
units and their synonyms: 人/人次, 个/家 …), a 万元 amount written in 元 (converted, with a
warning). What people write for "not filled" (the edition's `not_applicable`: 无, —, / …) is
None, which is not 0. Text holding two numbers ("1\\n2") is an error, never their
concatenation. Everything else is a problem that the caller turns into a finding at the cell.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model.numbers import _fmt, _tidy, fmt_number  # noqa: F401 (fmt_number: re-exported for the judges)
from ..read.words import DATE_DIGITS, DATE_PATTERN, digits_in_dates

if TYPE_CHECKING:
    from ..model.edition import Edition


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


class Vocabulary:
    """What the edition says about typed values: the words for "not filled", the unit words a
    number may carry, and 元 in a 万元 field."""

    def __init__(self, blanks: tuple[str, ...], synonyms: dict[str, tuple[str, ...]], yuan: str | None,
                 yuan_per_unit: int):
        self.blanks = frozenset(_normal(b).lower() for b in blanks) | {""}
        self.synonyms = synonyms
        self.yuan = yuan
        self.yuan_per_unit = Decimal(yuan_per_unit)
        words = {w for unit, more in synonyms.items() for w in (unit, *more)} | ({yuan} if yuan else set())
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        self.with_unit = re.compile(rf"(.+?)({alternatives})") if alternatives else None

    def same_unit(self, written: str, unit: str) -> bool:
        return written == unit or written in self.synonyms.get(unit, ())


def _vocabulary_of(ed: Edition) -> Vocabulary:
    r = ed.reading
    synonyms: dict[str, tuple[str, ...]] = {u: () for u in {f.unit for f in ed.stats.fields}}
    for unit, more in r.unit_synonyms.items():
        synonyms[unit] = tuple(more)
    return Vocabulary(r.not_applicable, synonyms, r.yuan, r.yuan_per_unit)


def vocabulary(ed: Edition | None = None) -> Vocabulary:
    """The vocabulary of an edition (the newest shipped one when none is given)."""
    if ed is None:
        from ..model.edition import get_edition

        ed = get_edition()
    return ed.derived("vocabulary", _vocabulary_of)


_SPACES = re.compile(r"\s+")


def _normal(text: str) -> str:
    t = unicodedata.normalize("NFKC", text)
    t = t.replace("\u3000", " ").strip()
    return _SPACES.sub("", t)


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# two numbers kept apart by a line break, a vertical tab or spaces: "1\r\n2", "1\x0b2", "1 2"
_TWO_NUMBERS = re.compile(r"\d[\s\x0b\x0c\x1c-\x1f\u2028\u2029]+[+-]?\d")


def _to_decimal(text: str) -> Decimal | None:
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        return None


def is_blank(raw: Any, vocab: Vocabulary | None = None) -> bool:
    if raw is None or raw == "":  # an empty cell: the common case, before any normalising
        return True
    if isinstance(raw, str):
        return _normal(raw).lower() in (vocab or vocabulary()).blanks
    return False


def parse_number(raw: Any, *, label: str, unit: str, money: bool, vocab: Vocabulary | None = None) -> Parsed:
    """A count (whole, >= 0) or a 万元 amount (decimal, >= 0) from a raw cell value."""
    if type(raw) is float and raw >= 0 and raw.is_integer() and raw < 1e15:  # the common case, fast
        return Parsed(Decimal(int(raw)) if money else int(raw))
    if type(raw) is int and raw >= 0:
        return Parsed(Decimal(raw) if money else raw)
    vocab = vocab or vocabulary()
    if is_blank(raw, vocab):
        return _NOTHING
    warning = None
    if isinstance(raw, bool) or isinstance(raw, (datetime, date, timedelta)):
        return _bad("not-a-number", "kind", label=label, text=raw)
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (raw != raw or raw in (float("inf"), float("-inf"))):
            return _bad("not-a-number", "kind", label=label, text=raw)
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        shown = unicodedata.normalize("NFKC", str(raw)).strip()
        if _TWO_NUMBERS.search(shown):
            return _bad("two-numbers", label=label, text=_visible(shown))
        text = _normal(shown)
        number = _to_decimal(text)
        if number is None:
            number, warning, problem = _with_unit(text, label=label, unit=unit, money=money, vocab=vocab)
            if problem:
                return problem
    if number < 0:
        return _bad("negative", label=label, number=_fmt(number))
    if money:
        return Parsed(_tidy(number), warning=warning)
    if number != number.to_integral_value():
        return _bad("not-whole", label=label, number=_fmt(number))
    return Parsed(int(number), warning=warning)


def _visible(text: str) -> str:
    """Text for a message, its line breaks and control characters shown as a space."""
    return re.sub(r"[\s\x00-\x1f\u2028\u2029]+", " ", text)


def _with_unit(text: str, *, label: str, unit: str, money: bool,
               vocab: Vocabulary) -> tuple[Decimal | None, tuple[str, dict[str, Any]] | None, Parsed | None]:
    """Numbers written with a unit: '1,200人', '5万元', '50000元'."""
    bad = _bad("not-a-number", label=label, text=text, unit=unit)
    m = vocab.with_unit.fullmatch(text) if vocab.with_unit else None
    if not m:
        return None, None, bad
    number = _to_decimal(m.group(1))
    written = m.group(2)
    if number is None:
        return None, None, bad
    if vocab.same_unit(written, unit):
        return number, None, None
    if money and written == vocab.yuan:
        converted = _tidy(number / vocab.yuan_per_unit)
        return converted, ("yuan-converted", {"label": label, "text": text, "number": _fmt(converted)}), None
    return None, None, _bad("not-a-number", "unit", label=label, text=text, unit=unit)


# --- dates ---------------------------------------------------------------------------------

_DATE, _DATE_DIGITS = DATE_PATTERN, DATE_DIGITS
_EMPTY_DATE = re.compile(r"^[年月日\s:：]*$")
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
    if not text or _EMPTY_DATE.match(text):
        return Parsed(None)
    text = digits_in_dates(text)
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

def parse_score(raw: Any, *, item: int, maximum: int, unit: str | None = None,
                vocab: Vocabulary | None = None) -> Parsed:
    """A self-check score: a whole number from 0 to the item's max ('５', '6分' accepted)."""
    vocab = vocab or vocabulary()
    if is_blank(raw, vocab):
        return Parsed(None)
    if isinstance(raw, bool) or isinstance(raw, (datetime, date, timedelta)):
        return _bad("score-out-of-range", "text", item=item, max=maximum, text=raw)
    if isinstance(raw, (int, float)):
        number: Decimal | None = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        shown = unicodedata.normalize("NFKC", str(raw)).strip()
        if _TWO_NUMBERS.search(shown):
            return _bad("score-out-of-range", "text", item=item, max=maximum, text=_visible(shown))
        text = _normal(shown)
        if unit and text.endswith(unit):
            text = text[: -len(unit)]
        number = _to_decimal(text)
        if number is None:
            return _bad("score-out-of-range", "text", item=item, max=maximum, text=raw)
    if number != number.to_integral_value():
        return _bad("score-not-whole", item=item, number=_fmt(number))
    if number < 0 or number > maximum:
        return _bad("score-out-of-range", item=item, max=maximum, number=_fmt(number))
    return Parsed(int(number))

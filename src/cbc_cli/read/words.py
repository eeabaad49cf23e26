"""What a cell of a hand-typed copy is: one of the form's labels, a column header, a note, a
unit word, a number, a date — or just text. Built once per edition from its labels and its
[reading] vocabulary, so that no word of the form is spelt here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model.edition import Edition


class Kind(Enum):
    # members are singletons: hashed by identity, in C, not by name (the layout tests kinds
    # against these sets tens of thousands of times a batch); nothing iterates over such a set
    __hash__ = object.__hash__

    EMPTY = 0
    LABEL = 1          # a field's label (maybe with its value inline: '参与职工人数：120')
    UNIT_HEAD = 2      # 填报单位（章）：… (maybe with the unit, and even the date, in the same cell)
    DATE_HEAD = 3      # 填报日期：…
    VALUE_HEADER = 4   # 数量 / 数值 / 本期数 … over a column of values
    UNIT_HEADER = 5    # 单位 / 计量单位 over a column of unit words
    ITEM_HEADER = 6    # 项目 / 指标 over the labels
    NUMBER_HEADER = 7  # 序号 over a column of row numbers
    REMARK_HEADER = 8  # 备注 / 说明 over a column of remarks
    NOTE = 9           # 注：… / 填表人 / 联系电话 … (never a value)
    UNIT_WORD = 10     # 个 / 人 / 万元 … on its own
    NOT_APPLICABLE = 11  # / — 无 不适用 …
    TOTAL = 12         # 合计 / 小计 (a row that adds up others)
    NUMBER = 13        # a number, or text that reads as one ('1,200人', '１２３')
    DATE = 14          # a date cell, or text holding a full date
    TEXT = 15          # anything else


# never a value: a cell of one of these kinds where the layout says a value should be means
# the layout and the sheet disagree
NEVER_VALUE = frozenset({Kind.LABEL, Kind.UNIT_HEAD, Kind.DATE_HEAD, Kind.VALUE_HEADER, Kind.UNIT_HEADER,
                         Kind.ITEM_HEADER, Kind.NUMBER_HEADER, Kind.REMARK_HEADER, Kind.NOTE, Kind.UNIT_WORD})
HEADERS = frozenset({Kind.VALUE_HEADER, Kind.UNIT_HEADER, Kind.ITEM_HEADER, Kind.NUMBER_HEADER, Kind.REMARK_HEADER})
VALUE_LIKE = frozenset({Kind.NUMBER, Kind.NOT_APPLICABLE})

_QUOTES = dict.fromkeys(map(ord, "“”\"'‘’「」『』〝〞＂"), None)
_NUMBERING = re.compile(r"^(\d{1,2}|[一二三四五六七八九十]{1,3})[.、)．,]|^\((\d{1,2}|[一二三四五六七八九十]{1,3})\)")
_SPACES = re.compile(r"\s+")
_INLINE = re.compile(r"^(.+?)[:：](.+)$", re.S)  # '参与职工人数：120'
_UNIT_SUFFIX = re.compile(r"\(([^()]{1,3})\)$")   # '参与职工人数(人)'
_NUMBERISH = re.compile(r"^[+-]?(\d[\d,]*(\.\d+)?|\.\d+)(\D{1,2})?$")
# a full date as people type it: 2020年5月28日, 2020-05-28, 2020/5/28, 2020.5.28 (and 20200528)
DATE_PATTERN = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH_DAY = DATE_PATTERN


_CN_DIGIT = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "Ｏ": 0}
_CN_DATE = re.compile(r"([〇零○OＯ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                      r"\s*([一二三四五六七八九十]{1,3})\s*日")


def _cn_number(text: str) -> int:
    """一 .. 三十一: 十 = 10, 十二 = 12, 二十 = 20, 二十八 = 28."""
    if "十" not in text:
        return _CN_DIGIT[text] if len(text) == 1 else -1
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def digits_in_dates(text: str) -> str:
    """A date written in Chinese numerals in digits: '二〇二〇年五月二十八日' -> '2020年5月28日'."""
    if "年" not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        year = "".join(str(_CN_DIGIT[ch]) for ch in m.group(1))
        return f"{year}年{_cn_number(m.group(2))}月{_cn_number(m.group(3))}日"

    return _CN_DATE.sub(sub, text)


def looks_like_date(text: str) -> bool:
    """Whether text holds a full date (year, month and day), as a bare 填报日期 would."""
    t = digits_in_dates(unicodedata.normalize("NFKC", text))
    return bool(DATE_PATTERN.search(t) or DATE_DIGITS.match(t.strip()))


@lru_cache(maxsize=16_384)  # the same labels come in return after return
def norm_label(text: str) -> str:
    """What a label says, whatever way it was typed: '组织开展"查保促"工作\\n企事业单位数：' ->
    '组织开展查保促工作企事业单位数'."""
    t = text
    for _ in range(4):  # to a fixed point: '1.2.参与职工人数：' loses both numbers and the colon
        before = t
        t = unicodedata.normalize("NFKC", t).translate(_QUOTES)
        t = _SPACES.sub("", t).rstrip(":：*＊")
        t = _NUMBERING.sub("", t)
        t = unicodedata.normalize("NFC", t)  # removing spaces can leave combining marks to compose
        if t == before:
            break
    return t


def _keys(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(norm_label(w) for w in words)


@dataclass(frozen=True)
class Cell:
    """A classified cell: its kind, and for a label the field codes it may be (twins: several)."""

    kind: Kind
    codes: tuple[str, ...] = ()
    inline: Any = None              # a label's value written in its own cell
    text: str = ""                  # the header entry's own text after its key (填报单位：环翠区总工会)


EMPTY = Cell(Kind.EMPTY)


class Words:
    """The vocabulary of one edition's 统计表, for classifying cells."""

    def __init__(self, ed: Edition):
        r = ed.reading
        labels: dict[str, list[str]] = {}
        for f in ed.stats.fields:
            labels.setdefault(norm_label(f.label), []).append(f.code)
        self.labels = {k: tuple(v) for k, v in labels.items()}
        self.prefixes = frozenset(k[:n] for k in self.labels for n in range(2, len(k)))
        self.units = {f.unit for f in ed.stats.fields}
        self.unit_keys = tuple(sorted((norm_label(k) for k in ed.stats.reading.unit_keys), key=len, reverse=True))
        self.date_keys = tuple(sorted((norm_label(k) for k in ed.stats.reading.date_keys), key=len, reverse=True))
        self.headers = {Kind.VALUE_HEADER: _keys(r.value_headers), Kind.UNIT_HEADER: _keys(r.unit_headers),
                        Kind.ITEM_HEADER: _keys(r.item_headers), Kind.NUMBER_HEADER: _keys(r.number_headers),
                        Kind.REMARK_HEADER: _keys(r.remark_headers)}
        self.notes = tuple(unicodedata.normalize("NFKC", n) for n in r.notes)
        self.unit_words = _keys(r.unit_words)
        self.blanks = frozenset(norm_label(b).lower() for b in r.not_applicable) | frozenset(
            unicodedata.normalize("NFKC", b).strip().lower() for b in r.not_applicable)
        self.totals = _keys(r.total_words)
        self.unit_endings = tuple(norm_label(e) for e in r.unit_endings)
        self.title_tail = norm_label(ed.stats.title)[-3:]   # how the form's title ends (…统计表)
        quoted = re.search(r"“([^”]+)”", ed.stats.title)     # the campaign's name in the title (查保促)
        self.title_mark = norm_label(quoted.group(1)) if quoted else ""
        self._cache: dict[Any, Cell] = {}

    def label_codes(self, text: str) -> tuple[str, ...] | None:
        key = norm_label(text)
        found = self.labels.get(key)
        if found is None:
            m = _UNIT_SUFFIX.search(key)  # '参与职工人数（人）', '…资金（万元）（万元）'
            while found is None and m and m.group(1) in self.units | self.unit_words:
                key = key[: m.start()]
                found = self.labels.get(key)
                m = _UNIT_SUFFIX.search(key)
        return found

    def is_label_start(self, text: Any) -> bool:
        """Whether text is the first part of a label broken over two cells (a TRUE/FALSE cell or
        a duration, which classify() also calls text, never is)."""
        return isinstance(text, str) and norm_label(text) in self.prefixes

    def classify(self, value: Any) -> Cell:
        if value is None:
            return EMPTY
        if isinstance(value, str):
            cell = self._cache.get(value)
            if cell is None:
                cell = self._cache[value] = self._classify_text(value)
            return cell
        if isinstance(value, bool):
            return Cell(Kind.TEXT)
        if isinstance(value, (datetime, date)):
            return Cell(Kind.DATE)
        if isinstance(value, (int, float)):
            return Cell(Kind.NUMBER)
        return Cell(Kind.TEXT)

    def _classify_text(self, value: str) -> Cell:
        plain = unicodedata.normalize("NFKC", value).strip()
        if not plain:
            return EMPTY
        codes = self.label_codes(value)
        if codes:
            return Cell(Kind.LABEL, codes)
        key = norm_label(value)
        for k in self.unit_keys:
            if key.startswith(k) and not self.label_codes(value):
                return Cell(Kind.UNIT_HEAD, text=_after_key(plain, k))
        for k in self.date_keys:
            if key.startswith(k):
                return Cell(Kind.DATE_HEAD, text=_after_key(plain, k))
        if plain.startswith(self.notes):
            return Cell(Kind.NOTE)
        for kind, keys in self.headers.items():
            if key in keys:
                return Cell(kind)
        if key in self.unit_words:
            return Cell(Kind.UNIT_WORD)
        if plain.lower() in self.blanks or key.lower() in self.blanks:
            return Cell(Kind.NOT_APPLICABLE)
        if key in self.totals:
            return Cell(Kind.TOTAL)
        if _NUMBERISH.match(key.replace("，", ",")):
            return Cell(Kind.NUMBER)
        if _YEAR_MONTH_DAY.search(plain) or _CN_DATE.search(plain):
            return Cell(Kind.DATE)
        m = _INLINE.match(plain)
        if m:
            codes = self.label_codes(m.group(1))
            if codes:
                return Cell(Kind.LABEL, codes, inline=m.group(2).strip())
        return Cell(Kind.TEXT)

    def looks_like_unit(self, text: str) -> bool:
        """A reporting body's name written without its label: ends like one (…工会)."""
        key = norm_label(text)
        return len(key) > max((len(e) for e in self.unit_endings), default=0) and key.endswith(self.unit_endings)


    def unit_in_title(self, text: str) -> str | None:
        """A title that names its unit: '环翠区总工会“查保促”活动统计表' -> '环翠区总工会'."""
        key = norm_label(text)
        if not self.title_tail or not key.endswith((self.title_tail, self.title_tail[:-1])):
            return None
        best = None
        for e in self.unit_endings:
            i = key.find(e)
            while i >= 0:
                head = key[: i + len(e)]
                if self.looks_like_unit(head) and (best is None or len(head) > len(best)):
                    best = head
                i = key.find(e, i + 1)
        if best is None and self.title_mark:  # '综保区“查保促”工作情况统计表': what stands before the campaign's name
            at = key.find(self.title_mark)
            head = key[:at] if at > 0 else ""
            if 2 <= len(head) <= 30 and not any(ch.isdigit() for ch in head) and not head.startswith("关于"):
                best = head
        return best


def _after_key(plain: str, key: str) -> str:
    """The text after a header key in its cell ('填报单位（章）：环翠区总工会' -> '环翠区总工会'),
    skipping the stamp note and the colon."""
    i = 0
    want = list(key)
    # walk the original text until every character of the key has been seen (spaces, quotes
    # and numbering were dropped from the key)
    for ch in plain:
        if not want:
            break
        i += 1
        if ch == want[0]:
            want.pop(0)
    rest = plain[i:]
    rest = re.sub(r"^\s*[(（][^)）]{0,6}[)）]", "", rest)   # （章） / (盖章)
    return rest.lstrip(" :：\u3000").strip()


def words_of(ed: Edition) -> Words:
    return ed.derived("words", Words)

"""Grid + form definition -> raw field values with their cells.

A workbook made by `cbc new-form` is read exactly, from its identity sheet. Anything else is
read by its labels: each label's cell is found (after normalising line breaks, spaces, quotes,
brackets and numbering), and the value is the first thing to its right, or below it. Labels
that appear twice (其中奖励化工行业职工人数) are told apart by their parent label nearby.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model.cells import ref
from .grid import Book, Sheet

if TYPE_CHECKING:
    from ..model.edition import Edition

IDENTITY_SHEET = "_cbc"


class RawCell(NamedTuple):  # a tuple: some thirty are made for every return
    sheet: str
    cell: str
    raw: Any

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass
class Located:
    form: str                                   # "stats" | "selfcheck"
    sheet: str
    by_identity: bool = False
    identity: dict[str, str] = field(default_factory=dict)
    fields: dict[str, RawCell] = field(default_factory=dict)   # stats: field code -> cell
    items: dict[int, RawCell] = field(default_factory=dict)    # selfcheck: item no -> score cell
    unit: RawCell | None = None
    date: RawCell | None = None
    total: RawCell | None = None                # selfcheck: a total written on the sheet
    drills: RawCell | None = None               # selfcheck: number of drills, where the form has it


class FormNotFound(Exception):
    """No sheet of the workbook looks like the form."""


# --- label normalisation ---------------------------------------------------------------------

_QUOTES = dict.fromkeys(map(ord, "“”\"'‘’「」『』〝〞＂"), None)
_NUMBERING = re.compile(r"^(\d{1,2}|[一二三四五六七八九十]{1,3})[.、)．,]|^\((\d{1,2}|[一二三四五六七八九十]{1,3})\)")
_SPACES = re.compile(r"\s+")
_INLINE = re.compile(r"^(.+?)[:：](.+)$", re.S)  # '参与职工人数：120'
_UNIT_SUFFIX = re.compile(r"\((个|人|次|项|万元|元|人次|家)\)$")


@lru_cache(maxsize=8192)  # the same labels come back in every return of a batch
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


def _label_keys(label: str) -> list[str]:
    key = norm_label(label)
    keys = [key]
    stripped = _UNIT_SUFFIX.sub("", key)
    if stripped != key:
        keys.append(stripped)
    return keys


_INDEXES: dict[int, tuple[Edition, dict[str, tuple[str, ...]]]] = {}


def _stats_index(ed: Edition) -> dict[str, tuple[str, ...]]:
    """Normalised label -> field codes, built once per edition object."""
    cached = _INDEXES.get(id(ed))
    if cached is not None and cached[0] is ed:
        return cached[1]
    index: dict[str, list[str]] = {}
    for f in ed.stats.fields:
        for key in _label_keys(f.label):
            index.setdefault(key, []).append(f.code)
    frozen = {k: tuple(v) for k, v in index.items()}
    _INDEXES[id(ed)] = (ed, frozen)
    return frozen


def _lookup(index: dict[str, tuple[str, ...]], text: str) -> tuple[str, ...] | None:
    key = norm_label(text)
    found = index.get(key)
    if found is None:
        bare = _UNIT_SUFFIX.sub("", key)
        if bare != key:
            found = index.get(bare)
    return found


# --- identity --------------------------------------------------------------------------------

def read_identity(book: Book) -> dict[str, str]:
    sheet = book.sheet(IDENTITY_SHEET)
    if sheet is None or not sheet.rows or sheet.value(0, 0) != "cbc":
        return {}
    out: dict[str, str] = {}
    for row in sheet.rows[1:]:
        if len(row) >= 2 and isinstance(row[0], str):
            out[row[0]] = "" if row[1] is None else str(row[1])
    return out


def _identity_fits(sheet: Sheet, ed: Edition) -> bool:
    """The form's labels are still where the identity says (no rows inserted or deleted)."""
    for f in ed.stats.fields:
        value = sheet.at(f.label_cell)
        if not isinstance(value, str) or norm_label(value) != norm_label(f.label):
            return False
    return True


# --- the statistics return -------------------------------------------------------------------

def locate_stats(book: Book, ed: Edition) -> Located:
    ident = read_identity(book)
    if ident.get("form") == "stats" and ident.get("edition") == ed.id:
        sheet = book.sheet(ident.get("sheet", ed.stats.sheet))
        if sheet is not None and _identity_fits(sheet, ed):
            return _from_identity(sheet, ident, ed)
    best: tuple[int, Located] | None = None
    for sheet in book.sheets:
        if sheet.name == IDENTITY_SHEET:
            continue
        found = _by_labels(sheet, ed)
        score = len(found.fields) + (2 if sheet.visible else 0)
        if best is None or score > best[0]:
            best = (score, found)
    if best is None or len(best[1].fields) < 3:
        raise FormNotFound(ed.stats.title)
    best[1].identity = ident
    return best[1]


def _from_identity(sheet: Sheet, ident: dict[str, str], ed: Edition) -> Located:
    loc = Located("stats", sheet.name, by_identity=True, identity=ident)
    for f in ed.stats.fields:
        cell = ident.get(f"field:{f.code}", f.value_cell)
        loc.fields[f.code] = RawCell(sheet.name, cell, sheet.at(cell))
    unit_cell = ident.get("unit_cell", ed.stats.unit_cell)
    date_cell = ident.get("date_cell", ed.stats.date_cell)
    loc.unit = RawCell(sheet.name, unit_cell, sheet.at(unit_cell))
    loc.date = RawCell(sheet.name, date_cell, sheet.at(date_cell))
    return loc


_UNIT_HEAD = re.compile(r"^填报单位\s*(?:[(（]\s*[章盖印公]*\s*章?\s*[)）])?\s*[:：]?\s*(.*?)\s*(填报日期.*)?$", re.S)
_DATE_HEAD = re.compile(r"^填报日期\s*[:：]?\s*(.*)$", re.S)


@dataclass
class _Hit:
    row: int
    col: int
    codes: tuple[str, ...]
    inline: Any = None        # the value, when written in the label's own cell ('参与职工人数：120')
    code: str | None = None


def _by_labels(sheet: Sheet, ed: Edition) -> Located:
    index = _stats_index(ed)
    hits: list[_Hit] = []
    unit_at: tuple[int, int, str] | None = None
    date_at: tuple[int, int, str] | None = None
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if not isinstance(value, str) or not value:
                continue
            codes = _lookup(index, value)
            if codes:
                hits.append(_Hit(r, c, codes))
                continue
            text = unicodedata.normalize("NFKC", value).strip()
            if text.startswith("填报单位"):
                unit_at = (r, c, text)
                if "填报日期" in text:
                    date_at = (r, c, text[text.index("填报日期"):])
                continue
            if text.startswith("填报日期"):
                date_at = (r, c, text)
                continue
            m = _INLINE.match(text)
            if m:
                codes = _lookup(index, m.group(1))
                if codes:
                    hits.append(_Hit(r, c, codes, inline=m.group(2).strip()))
    _resolve_twins(hits, ed)
    label_cells = {(h.row, h.col) for h in hits}
    if unit_at:
        label_cells.add(unit_at[:2])
    if date_at:
        label_cells.add(date_at[:2])
    loc = Located("stats", sheet.name)
    for h in hits:
        if h.code is None or h.code in loc.fields:
            continue
        if h.inline is not None:
            loc.fields[h.code] = RawCell(sheet.name, ref(h.row, h.col), h.inline)
        else:
            r, c = _value_beside(sheet, h.row, h.col, label_cells)
            loc.fields[h.code] = RawCell(sheet.name, ref(r, c), sheet.value(r, c))
    if unit_at:
        loc.unit = _header_value(sheet, unit_at, label_cells, _UNIT_HEAD)
    if date_at:
        loc.date = _header_value(sheet, date_at, label_cells, _DATE_HEAD, join=True)
    return loc


def _resolve_twins(hits: list[_Hit], ed: Edition) -> None:
    """Give each hit its field; a label shared by several fields goes to the field whose
    parent label is the nearest one before it (same row to the left, or rows above)."""
    parents = {f.code: f.parent for f in ed.stats.fields}
    order = sorted(range(len(hits)), key=lambda i: (hits[i].row, hits[i].col))
    seen_count: dict[tuple[str, ...], int] = {}
    for pos, i in enumerate(order):
        h = hits[i]
        if len(h.codes) == 1:
            h.code = h.codes[0]
            continue
        wanted = {parents.get(code): code for code in h.codes if parents.get(code)}
        for j in reversed(order[:pos]):
            prev = hits[j]
            if prev.code in wanted:
                h.code = wanted[prev.code]
                break
        if h.code is None:  # no parent before it: take the twins in the order of the form
            k = seen_count.get(h.codes, 0)
            h.code = h.codes[min(k, len(h.codes) - 1)]
        seen_count[h.codes] = seen_count.get(h.codes, 0) + 1


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _value_beside(sheet: Sheet, r: int, c: int, labels: set[tuple[int, int]]) -> tuple[int, int]:
    """Where a label's value is: the first non-empty cell to its right (stopping at another
    label), else the cell below it; an empty value is reported at the cell right of the label."""
    start = sheet.merge_end(r, c) + 1
    row = sheet.rows[r] if r < len(sheet.rows) else []
    for cc in range(start, len(row)):
        if (r, cc) in labels:
            break
        if not _empty(row[cc]):
            return r, cc
    else:
        below = sheet.value(r + 1, c)
        if not _empty(below) and (r + 1, c) not in labels:
            return r + 1, c
        return r, start
    # the next thing to the right is another label: a value may still sit below (a header
    # row of labels over a row of values)
    below = sheet.value(r + 1, c)
    if not _empty(below) and (r + 1, c) not in labels:
        return r + 1, c
    return r, start


def _header_value(sheet: Sheet, at: tuple[int, int, str], labels: set[tuple[int, int]],
                  pattern: re.Pattern[str], join: bool = False) -> RawCell:
    r, c, text = at
    m = pattern.match(text)
    inline = m.group(1).strip() if m else ""
    if inline:
        return RawCell(sheet.name, ref(r, c), inline)
    row = sheet.rows[r]
    parts: list[str] = []
    first: int | None = None
    for cc in range(sheet.merge_end(r, c) + 1, len(row)):
        v = row[cc]
        if (r, cc) in labels:
            break
        if _empty(v):
            continue
        if not join:
            return RawCell(sheet.name, ref(r, cc), v)
        if not isinstance(v, str):          # a real date (or number) cell
            return RawCell(sheet.name, ref(r, cc), v)
        first = cc if first is None else first
        parts.append(v.strip())
    if parts and first is not None:
        return RawCell(sheet.name, ref(r, first), "".join(parts))
    return RawCell(sheet.name, ref(r, sheet.merge_end(r, c) + 1), None)


__all__ = ["FormNotFound", "Located", "RawCell", "locate_selfcheck", "locate_stats", "norm_label", "read_identity"]


# --- the self-check ----------------------------------------------------------------------------

_ITEM_NO = re.compile(r"^\s*(\d{1,2})\s*[.、．,，]")
_PREFIX = 8  # characters of an item's text that identify it, after its number


def _item_keys(ed: Edition) -> dict[int, str]:
    return {i.no: norm_label(i.text)[:_PREFIX] for i in ed.selfcheck.items}


def locate_selfcheck(book: Book, ed: Edition) -> Located:
    """A 自查表: from its identity, else by the item texts ('1.' … '11.')."""
    ident = read_identity(book)
    if ident.get("form") == "selfcheck" and ident.get("edition") == ed.id:
        sheet = book.sheet(ident.get("sheet", ed.selfcheck.sheet))
        if sheet is not None and _selfcheck_identity_fits(sheet, ed):
            loc = Located("selfcheck", sheet.name, by_identity=True, identity=ident)
            for item in ed.selfcheck.items:
                cell = ident.get(f"item:{item.no}", f"C{ed.selfcheck.item_row(item.no)}")
                loc.items[item.no] = RawCell(sheet.name, cell, sheet.at(cell))
            unit_cell = ident.get("unit_cell", ed.selfcheck.unit_cell)
            loc.unit = RawCell(sheet.name, unit_cell, sheet.at(unit_cell))
            total_cell = ident.get("total_cell")
            if total_cell:
                loc.total = RawCell(sheet.name, total_cell, sheet.at(total_cell))
            return loc
    best: Located | None = None
    for sheet in book.sheets:
        if sheet.name == IDENTITY_SHEET:
            continue
        found = _selfcheck_by_text(sheet, ed)
        if best is None or len(found.items) > len(best.items):
            best = found
    if best is None or len(best.items) < max(3, len(ed.selfcheck.items) // 2):
        raise FormNotFound(ed.selfcheck.title)
    best.identity = ident
    return best


def _selfcheck_identity_fits(sheet: Sheet, ed: Edition) -> bool:
    for item in ed.selfcheck.items:
        value = sheet.value(ed.selfcheck.item_row(item.no) - 1, 1)
        if not isinstance(value, str) or norm_label(value)[:_PREFIX] != norm_label(item.text)[:_PREFIX]:
            return False
    return True


def _selfcheck_by_text(sheet: Sheet, ed: Edition) -> Located:
    keys = _item_keys(ed)
    by_key = {v: k for k, v in keys.items()}
    loc = Located("selfcheck", sheet.name)
    score_col: int | None = None
    total_at: tuple[int, int] | None = None
    drills_at: tuple[int, int, str] | None = None
    unit_at: tuple[int, int, str] | None = None
    hits: dict[int, tuple[int, int]] = {}
    item4 = next((i for i in ed.selfcheck.items if i.drills_label), None)
    drills_key = norm_label(item4.drills_label) if item4 and item4.drills_label else None
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if not isinstance(value, str) or not value.strip():
                continue
            text = unicodedata.normalize("NFKC", value).strip()
            key = norm_label(text)
            if key == "得分" and score_col is None:
                score_col = c
                continue
            if key in ("总得分", "总分", "合计", "合计得分"):
                total_at = (r, c)
                continue
            if text.startswith("企业工会") and "自查表" not in text:  # not the title
                unit_at = (r, c, text)
                continue
            if drills_key and key.startswith(drills_key):
                drills_at = (r, c, text)
                continue
            m = _ITEM_NO.match(text)
            no = int(m.group(1)) if m else None
            prefix = key[:_PREFIX]
            if no in keys and keys[no] == prefix:
                hits.setdefault(no, (r, c))
            elif prefix in by_key:
                hits.setdefault(by_key[prefix], (r, c))
    labels = set(hits.values())
    for no, (r, c) in sorted(hits.items()):
        if score_col is not None and score_col > c:
            loc.items[no] = RawCell(sheet.name, ref(r, score_col), sheet.value(r, score_col))
        else:
            rr, cc = _value_beside(sheet, r, c, labels)
            if rr != r:  # a score is on the item's own row, never below it
                rr, cc = r, sheet.merge_end(r, c) + 1
            loc.items[no] = RawCell(sheet.name, ref(rr, cc), sheet.value(rr, cc))
    if total_at:
        r, c = total_at
        col = score_col if score_col is not None and score_col > c else None
        if col is None:
            rr, col = _value_beside(sheet, r, c, labels)
        loc.total = RawCell(sheet.name, ref(r, col), sheet.value(r, col))
    if unit_at:
        loc.unit = _header_value(sheet, unit_at, labels, re.compile(r"^企业工会\s*[:：]?\s*(.*)$", re.S))
    if drills_at:
        loc.drills = _header_value(sheet, drills_at, labels, re.compile(r"^[^:：]*[:：]\s*(.*)$", re.S))
    return loc

"""The pieces the zoo's variants are made of: how a number, a label, the header and the date are
typed, and the four shapes of table (the notice's grid, a list or vertical table, labels across a
row with the values below, 'label：value' in one cell). Each piece takes the notice's data
(notice.py) and writes into a Table; a variant is a few of them put together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from . import notice as N
from .table import Formula, Table

FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@dataclass
class Expect:
    """What a correct reader gives back for a file, field by field; `flag`: fields whose value cannot
    be known from the file (a formula never calculated, two sheets that disagree) and must carry a
    finding naming them instead."""

    values: dict[str, Any]
    unit: str | None = N.UNIT
    date: date | None = N.DAY
    flag: set[str] = field(default_factory=set)
    level: str = "county"
    calculated: dict[str, Any] = field(default_factory=dict)  # what a program that calculates (LibreOffice) saves


@dataclass
class Style:
    """How the person typed things."""

    number: str = "number"        # number | text | fullwidth | unit | thousands
    blank: Any = None             # what stands in a field the level does not fill: None, "/", "—", 0 …
    numbering: str = ""           # "" | "一、" | "1." | "(1)"
    label_break: bool = False     # a line break inside long labels
    header: str = "notice"        # notice | inline | one-cell | bare | title-unit | none
    date: str = "text"            # text | real | dash | split | chinese | spaced
    attachment: bool = True       # the 附件1 row
    title: bool = True
    note: bool = True             # the 注 line under the table
    level: str = "county"


def typed(v: Any, code: str, style: Style) -> Any:
    """A value as the person typed it."""
    f = N.BY_CODE[code]
    if v is None:
        return None
    if isinstance(v, Formula):
        return v
    if style.number == "number":
        return float(v) if isinstance(v, Decimal) else v
    text = f"{v:,}" if style.number == "thousands" and not isinstance(v, Decimal) else str(v)
    if style.number == "fullwidth":
        return text.translate(FULLWIDTH)
    if style.number == "unit":
        return f"{text}{f.unit}"
    return text


def cell_value(values: dict, code: str, style: Style) -> Any:
    """The cell of a field: its value typed, or what stands for 'not filled' where the level does
    not fill it."""
    v = values.get(code)
    if v is None and style.level not in N.BY_CODE[code].levels:
        return style.blank
    return typed(v, code, style)


def expected(values: dict, style: Style) -> dict:
    out = {}
    for code, v in values.items():
        if isinstance(v, Formula):
            out[code] = None
        elif v is None and style.level not in N.BY_CODE[code].levels and style.blank == 0:
            out[code] = 0
        else:
            out[code] = v
    return out


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 24 -> 二十四."""
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


_NUMBERS = {"一、": lambda i: cn_number(i) + "、", "1.": lambda i: f"{i}.", "(1)": lambda i: f"({i})", "": lambda i: ""}


def label(code: str, style: Style, n: int = 0) -> str:
    text = N.BY_CODE[code].label
    if style.label_break and len(text) > 12:
        text = text[: len(text) // 2] + "\n" + text[len(text) // 2:]
    return _NUMBERS[style.numbering](n) + text if n else text


def cn_date(d: date) -> str:
    return "".join("〇一二三四五六七八九"[int(ch)] for ch in str(d.year)) + f"年{cn_number(d.month)}月{cn_number(d.day)}日"


def date_cells(d: date, kind: str) -> list[Any]:
    if kind == "real":
        return [d]
    if kind == "dash":
        return [d.isoformat()]
    if kind == "split":
        return [str(d.year), "年", d.month, "月", d.day, "日"]
    if kind == "chinese":
        return [cn_date(d)]
    if kind == "spaced":
        return [f"{d.year} 年 {d.month} 月 {d.day} 日"]
    return [f"{d.year}年{d.month}月{d.day}日"]


def head(t: Table, r: int, style: Style, unit: str, day: date, width: int = 4) -> int:
    """附件1, the title and the 填报单位/填报日期 row from row r; returns the next free row."""
    if style.attachment:
        t.put(r, 0, N.ATTACHMENT)
        r += 1
    if style.header == "title-unit":
        t.put(r, 0, unit + "“查保促”活动统计表")
        t.merge(r, 0, r, width - 1)
        r += 1
        dc = date_cells(day, style.date)
        t.row(r, *dc, start=max(0, width - len(dc)))
        return r + 1
    if style.title:
        t.put(r, 0, N.TITLE)
        t.merge(r, 0, r, width - 1)
        r += 1
    dc = date_cells(day, style.date)
    if style.header == "notice":
        t.row(r, N.UNIT_LABEL, unit, N.DATE_LABEL, *dc, start=0)
    elif style.header == "inline":
        t.put(r, 0, N.UNIT_LABEL + unit)
        if len(dc) == 1 and isinstance(dc[0], str):
            t.put(r, max(2, width - 2), N.DATE_LABEL + dc[0])
        else:
            t.row(r, N.DATE_LABEL, *dc, start=max(2, width - 2))
    elif style.header == "one-cell":
        if len(dc) == 1 and isinstance(dc[0], str):
            t.put(r, 0, f"{N.UNIT_LABEL}{unit}　　　　{N.DATE_LABEL}{dc[0]}")
        else:
            t.put(r, 0, f"{N.UNIT_LABEL}{unit}　　　　{N.DATE_LABEL}")
            t.row(r, *dc, start=1)
    elif style.header == "bare":
        t.put(r, 0, unit)
        t.row(r, *dc, start=max(1, width - len(dc)))
    elif style.header == "none":
        return r
    return r + 1


def foot(t: Table, r: int, style: Style, width: int = 4) -> int:
    if style.note:
        t.put(r, 0, N.NOTE)
        t.merge(r, 0, r, width - 1)
        r += 1
    return r


# --- the four shapes ---------------------------------------------------------------------------

def grid(values: dict, style: Style, *, unit: str = N.UNIT, day: date = N.DAY, merge_spans: bool = True,
         swap_pairs: bool = False, value_first: bool = False, name: str = "统计表") -> Table:
    """The notice's grid: label | value | label | value; rows with one field have its value merged
    across the row."""
    t = Table(name)
    r = head(t, 0, style, unit, day)
    n = 0
    for left, right in N.GRID_ROWS:
        pairs = [left] + ([right] if right else [])
        numbers = list(range(n + 1, n + 1 + len(pairs)))
        n += len(pairs)
        if swap_pairs and right:
            pairs.reverse()
            numbers.reverse()
        for i, (code, no) in enumerate(zip(pairs, numbers)):
            lc, vc = (2 * i + 1, 2 * i) if value_first else (2 * i, 2 * i + 1)
            t.put(r, lc, label(code, style, no if style.numbering else 0))
            t.put(r, vc, cell_value(values, code, style))
        if right is None and merge_spans and not value_first:
            t.merge(r, 1, r, 3)
        r += 1
    foot(t, r, style)
    return t


def listing(values: dict, style: Style, *, unit: str = N.UNIT, day: date = N.DAY, heading: str | None = "数量",
            item_heading: str = "项目", seq: bool = False, unit_col: str | None = None, remarks: bool = False,
            last_year: bool = False, label_rows: int = 1, total_row: bool = False, name: str = "统计表") -> Table:
    """A list or vertical table: [序号] | 项目 | [单位] | [上年同期] | 数量 | [单位] | [备注]."""
    cols = (["序号"] if seq else []) + [item_heading] + (["单位"] if unit_col == "before" else []) + \
        (["上年同期"] if last_year else []) + [heading or ""] + (["计量单位"] if unit_col == "after" else []) + \
        (["备注"] if remarks else [])
    t = Table(name)
    r = head(t, 0, style, unit, day, width=len(cols))
    if heading is not None:
        t.row(r, *[c or None for c in cols])
        r += 1
    for n, f in enumerate(N.FIELDS, 1):
        row: dict[str, Any] = {"序号": n, "单位": f.unit, "计量单位": f.unit,
                               "上年同期": _last_year(values.get(f.code)),
                               "备注": "含外包单位职工" if remarks and f.code == "workers_total" else None}
        text = label(f.code, style, n if style.numbering else 0)
        for i, col in enumerate(cols):
            if col == item_heading:
                if label_rows == 2 and len(text) > 12:
                    half = len(text) // 2
                    t.put(r, i, text[:half])
                    t.put(r + 1, i, text[half:])
                else:
                    t.put(r, i, text)
            elif col == (heading or ""):
                t.put(r, i, cell_value(values, f.code, style))
            else:
                t.put(r, i, row[col])
        r += 2 if label_rows == 2 and len(text) > 12 else 1
    if total_row:
        t.row(r, *(["合计"] + [None] * (len(cols) - 1)))
        r += 1
    foot(t, r, style, width=len(cols))
    return t


def _last_year(v: Any) -> Any:
    if v is None or isinstance(v, Formula):
        return None
    return v + 7 if not isinstance(v, Decimal) else float(v) + 1.5


def across(values: dict, style: Style, *, unit: str = N.UNIT, day: date = N.DAY, quarters: bool = False,
           name: str = "统计表") -> Table:
    """Labels across a header row, each value in the row below it (or, with rows per quarter, in
    the 合计 row)."""
    t = Table(name)
    width = len(N.FIELDS) + (1 if quarters else 0)
    r = head(t, 0, style, unit, day, width=min(width, 6))
    start = 1 if quarters else 0
    for i, f in enumerate(N.FIELDS):
        t.put(r, start + i, label(f.code, style, i + 1 if style.numbering else 0))
    if quarters:
        t.put(r, 0, "时间")
        for k, name_ in enumerate(("一季度", "二季度", "合计")):
            t.put(r + 1 + k, 0, name_)
            for i, f in enumerate(N.FIELDS):
                v = values.get(f.code)
                if v is None or isinstance(v, Formula):
                    t.put(r + 1 + k, start + i, cell_value(values, f.code, style) if k == 2 else None)
                    continue
                half = (v / 2 if isinstance(v, Decimal) else v // 2)
                part = (half, v - half, v)[k]
                t.put(r + 1 + k, start + i, typed(part, f.code, style))
        r += 4
    else:
        for i, f in enumerate(N.FIELDS):
            t.put(r + 1, start + i, cell_value(values, f.code, style))
        r += 2
    foot(t, r, style, width=min(width, 6))
    return t


def inline(values: dict, style: Style, *, unit: str = N.UNIT, day: date = N.DAY, per_row: int = 1,
           name: str = "统计表") -> Table:
    """'参与职工人数：3200' in one cell."""
    t = Table(name)
    r = head(t, 0, style, unit, day, width=max(per_row, 2))
    for n, f in enumerate(N.FIELDS):
        v = cell_value(values, f.code, style)
        text = label(f.code, style, n + 1 if style.numbering else 0) + "："
        if v is not None:
            text += str(v.isoformat() if isinstance(v, date) else v)
        t.put(r + n // per_row, n % per_row, text)
    foot(t, r + (len(N.FIELDS) + per_row - 1) // per_row, style, width=max(per_row, 2))
    return t

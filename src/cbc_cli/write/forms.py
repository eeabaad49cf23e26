"""Drawing the official forms, and writing files safely.

The forms are drawn once, on a `Canvas` (canvas.py), from the edition's definition: openpyxl
writes them for `cbc new-form` and send-back copies, xlsxwriter for the summary's first sheet.
Every string from outside (unit names, values as typed, file names) is stored as text, never as
a formula. Files are written to a temporary name in the target folder and renamed into place,
so an interrupted run leaves no half-written workbook.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import safety
from ..version import __version__
from .canvas import BookWriter, Canvas, Check, OpenpyxlBook, Style, clean_text
from .files import OutputExists, check_free, inside, safe_name_part, write_atomically  # noqa: F401 (re-exported)
from ..model.cells import parse_ref

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from ..model.edition import Edition, StatsField

IDENTITY_SHEET = "_cbc"

FONT = "宋体"
TITLE_FONT = "黑体"
INPUT = "FFF2CC"
ERROR_FILL = "FFC7CE"
WARN_FILL = "FFEB9C"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
MONEY_FORMAT = "0.00####"
# Excel serial numbers of 2000-01-01 and 2099-12-31: the range a 填报日期 may take.
DATE_MIN, DATE_MAX = 36526, 73050

ATTACHMENT = Style(font=TITLE_FONT, size=12)
TITLE = Style(font=TITLE_FONT, size=18, bold=True, align="center")
HEAD_LABEL = Style(align="right")
LABEL = Style(border=True, align="left", wrap=True)
LABEL_BOLD = LABEL.but(bold=True, align="center")
HEADER = LABEL_BOLD.but(fill="D9D9D9")
# No shrink-to-fit anywhere: a long unit name would print at 6 pt. The input columns are wide
# enough for the longest roster name (edition data: column_widths).
INPUT_CELL = Style(border=True, align="center", fill=INPUT, locked=False)
NOTE = Style(size=10, wrap=True, valign="top")


def save_atomic(wb: Workbook, path: Path, force: bool = False) -> Path:
    """An openpyxl workbook, saved atomically."""
    return write_atomically(path, wb.save, force=force)


# --- the identity of a generated form ------------------------------------------------------

def draw_identity(book: BookWriter, entries: Mapping[str, str]) -> None:
    """A hidden sheet of key/value rows telling a reader exactly what this workbook is."""
    c = book.sheet(IDENTITY_SHEET)
    c.put(1, 1, "cbc")
    c.put(1, 2, "此工作表供 cbc 读取，请勿修改。")
    for row, (key, value) in enumerate(entries.items(), start=2):
        c.put(row, 1, key)
        c.put(row, 2, value)
    c.hide()
    c.protect()


# --- layout helpers -------------------------------------------------------------------------

@lru_cache(maxsize=8192)
def text_width(text: str) -> int:
    """Display width in Excel column units: a CJK character counts two (cached: tables measure
    the same unit and file names again and again)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    return max(1, math.ceil(text_width(text) / max(1.0, width * 0.92)))


# Chinese line-breaking rules: no line starts with closing punctuation, none ends with an
# opening one, and a number stays with its unit ("2分" is never split).
NO_LINE_START = "）)】」』”’。，、；：？！…%分次个项人元"
NO_LINE_END = "（(【「『“‘"


def _may_break(before: str, after: str) -> bool:
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    return not (before.isdigit() and (after.isdigit() or after == "."))


def break_lines(text: str, width: float) -> str:
    """Text with explicit line breaks, each line within width (Excel column units, a little
    short of what the cell shows so the application does not wrap again), broken only where
    Chinese typesetting allows."""
    room = max(4.0, width * 0.86)
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and text_width(line + ch) > room:
            cut = len(line)  # break before ch, or as close before it as the rules allow
            while cut > 1 and not _may_break(line[cut - 1], (line + ch)[cut]) and len(line) - cut < 6:
                cut -= 1
            if cut > 1 and len(line) - cut < 6:
                lines.append(line[:cut])
                line = line[cut:]
            # else: no place the rules allow; the line runs on (the caller widens the column)
        line += ch
    lines.append(line)
    return "\n".join(x for x in lines if x)


# The printable height of an A4 portrait page in points (margins 0.6 in, footer), and the
# column width unit in points, to fill the page without going over it.
A4_PORTRAIT = (523.0, 725.0)
POINTS_PER_WIDTH = 5.6


def fill_page(c: Canvas, heights: dict[int, float], fixed: float, widths: list[float]) -> None:
    """Grow the rows in heights evenly so that, fitted to the page width, the form fills an A4
    portrait page (fixed: the height of the other rows)."""
    scale = min(1.0, A4_PORTRAIT[0] / (sum(widths) * POINTS_PER_WIDTH))
    room = A4_PORTRAIT[1] / scale * 0.96 - fixed
    grow = max(0.0, (room - sum(heights.values())) / max(1, len(heights)))
    for row, h in heights.items():
        c.height(row, min(409, round(h + grow)))


def _field_check(f: StatsField) -> Check:
    if f.is_money:
        return Check("decimal", 0, None, f"第{f.no}项",
                     f"{f.label}：请填写金额，单位：万元（如 5 或 2.5；5万元填5，不要填50000）。没有请填0。",
                     f"“{f.label}”应为不小于0的数字，单位万元。")
    return Check("whole", 0, None, f"第{f.no}项", f"{f.label}：请填写不小于0的整数，单位：{f.unit}。没有请填0，不要留空。",
                 f"“{f.label}”应为不小于0的整数（{f.unit}）。")


# --- 附件1 统计表 --------------------------------------------------------------------------

def draw_stats(book: BookWriter, ed: Edition, *, unit: str | None = None, report_date: date | None = None,
               values: Mapping[str, Any] | None = None, protect: bool = True, sheet_name: str | None = None) -> Canvas:
    """The official 统计表 layout; inputs shaded, unlocked and validated; fields named."""
    form = ed.stats
    sheet_name = sheet_name or form.sheet
    c = book.sheet(sheet_name)
    ncols = len(form.column_widths)
    for i, width in enumerate(form.column_widths, start=1):
        c.width(i, width)

    c.put(1, 1, form.attachment, ATTACHMENT)
    t = form.title_row
    c.merge(t, 1, t, ncols, form.title, TITLE)
    c.height(t, 40)

    h = form.header_row
    (ur, uc), (dr, dc) = parse_ref(form.unit_cell), parse_ref(form.date_cell)
    c.put(h, uc, form.unit_label, HEAD_LABEL)
    c.put(h, dc, form.date_label, HEAD_LABEL)
    c.height(h, 26)
    c.put(ur + 1, uc + 1, unit, INPUT_CELL.but(align="left"))
    c.validate(ur + 1, uc + 1, Check("text", None, 100, form.unit_label, "请填写单位全称，打印后加盖公章。",
                                     "单位名称过长，请填写单位全称。"))
    c.put(dr + 1, dc + 1, report_date, INPUT_CELL.but(number=DATE_FORMAT))
    c.validate(dr + 1, dc + 1, Check("date", DATE_MIN, DATE_MAX, "填报日期", "请填写填报日期，如 2020-5-28 或 2020/5/28。",
                                     "请填写有效日期，如 2020-5-28。"))

    heights: dict[int, int] = {}
    for f in form.fields:
        lr, lc = parse_ref(f.label_cell)
        vr, vc = parse_ref(f.value_cell)
        c.put(lr + 1, lc + 1, f.label, LABEL)
        style = INPUT_CELL.but(number=MONEY_FORMAT if f.is_money else "0")
        value = (values or {}).get(f.code)
        if f.value_span:
            er, ec = parse_ref(f.value_span.split(":")[1])
            c.merge(vr + 1, vc + 1, er + 1, ec + 1, value, style)
        else:
            c.put(vr + 1, vc + 1, value, style)
        c.validate(vr + 1, vc + 1, _field_check(f))
        heights[lr + 1] = max(heights.get(lr + 1, 1), lines_needed(f.label, form.column_widths[lc]))
    n = form.note_row
    c.merge(n, 1, n, ncols, form.note, NOTE)
    c.height(n, 30)
    fill_page(c, {row: max(34, 15 * nlines + 8) for row, nlines in heights.items()}, 18 + 40 + 26 + 30 + 20,
              form.column_widths)
    c.page(landscape=False, tall=1, last_row=n, last_col=ncols, center=True)
    if protect:
        c.protect()
    for f in form.fields:
        vr, vc = parse_ref(f.value_cell)
        book.define(f"cbc_{f.code}", sheet_name, vr + 1, vc + 1)
    return c


def stats_identity(ed: Edition, unit: str | None, period: str | None, sheet: str | None = None,
                   kind: str = "form") -> dict[str, str]:
    form = ed.stats
    entries = {
        "generator": f"cbc {__version__}",
        "form": "stats",
        "kind": kind,
        "edition": ed.id,
        "unit": unit or "",
        "period": period or "",
        "sheet": sheet or form.sheet,
        "unit_cell": form.unit_cell,
        "date_cell": form.date_cell,
    }
    entries.update({f"field:{f.code}": f.value_cell for f in form.fields})
    return entries


def new_stats_workbook(ed: Edition, *, unit: str | None = None, period: str | None = None,
                       report_date: date | None = None, values: Mapping[str, Any] | None = None) -> Workbook:
    book = OpenpyxlBook()
    draw_stats(book, ed, unit=unit, report_date=report_date, values=values)
    draw_identity(book, stats_identity(ed, unit, period))
    book.wb.active = 0
    return book.wb


# --- 附件2 自查表 --------------------------------------------------------------------------

def draw_selfcheck(book: BookWriter, ed: Edition, *, unit: str | None = None,
                   scores: Mapping[int, Any] | None = None, protect: bool = True) -> Canvas:
    form = ed.selfcheck
    c = book.sheet(form.sheet)
    for i, width in enumerate(form.column_widths, start=1):
        c.width(i, width)
    c.put(1, 1, form.attachment, ATTACHMENT)
    t = form.title_row
    c.merge(t, 1, t, 3, form.title, TITLE)
    c.height(t, 40)

    ur, uc = parse_ref(form.unit_cell)
    c.put(ur + 1, uc, form.unit_label, HEAD_LABEL)
    c.merge(ur + 1, uc + 1, ur + 1, 3, unit, INPUT_CELL.but(align="left", shrink=False))
    c.validate(ur + 1, uc + 1, Check("text", None, 100, "企业工会", "请填写企业工会全称，打印后加盖公章。",
                                     "名称过长，请填写企业工会全称。"))
    c.height(ur + 1, 26)

    hr = form.header_row
    for col, text in enumerate(form.columns, start=1):
        c.put(hr, col, text, HEADER)
    c.height(hr, 24)

    section_rows: dict[str, list[int]] = {}
    item_heights: dict[int, float] = {}
    for item in form.items:
        r = form.item_row(item.no)
        section_rows.setdefault(item.section, []).append(r)
        text = break_lines(item.text, form.column_widths[1])
        c.put(r, 2, text, LABEL)
        item_heights[r] = max(30, 15 * (text.count("\n") + 1) + 10)
        c.put(r, 3, (scores or {}).get(item.no), INPUT_CELL.but(number="0"))
        c.validate(r, 3, Check("whole", 0, item.max, f"第{item.no}项（满分{item.max}分）",
                               f"请填写本项得分：0至{item.max}的整数。", f"第{item.no}项得分应为0至{item.max}的整数。"))
    for section in form.sections:
        rs = section_rows.get(section.name, [])
        if len(rs) > 1:
            c.merge(rs[0], 1, rs[-1], 1, section.name, LABEL_BOLD)
        elif rs:
            c.put(rs[0], 1, section.name, LABEL_BOLD)

    tr = form.total_row
    c.merge(tr, 1, tr, 2, form.total_label, LABEL_BOLD)
    scores_range = f"C{form.item_row(1)}:C{form.item_row(len(form.items))}"
    # blank until a score is entered: a blank form must not print 总得分 0
    c.formula(tr, 3, f'=IF(COUNT({scores_range})=0,"",SUM({scores_range}))', LABEL_BOLD)
    c.height(tr, 28)
    fill_page(c, item_heights, 18 + 40 + 26 + 24 + 28, form.column_widths)
    c.page(landscape=False, tall=1, last_row=tr, last_col=3, center=True)
    if protect:
        c.protect()
    for item in form.items:
        book.define(f"cbc_item_{item.no}", form.sheet, form.item_row(item.no), 3)
    book.define("cbc_total", form.sheet, tr, 3)
    return c


def selfcheck_identity(ed: Edition, unit: str | None, period: str | None) -> dict[str, str]:
    form = ed.selfcheck
    entries = {
        "generator": f"cbc {__version__}",
        "form": "selfcheck",
        "edition": ed.id,
        "unit": unit or "",
        "period": period or "",
        "sheet": form.sheet,
        "unit_cell": form.unit_cell,
        "total_cell": f"C{form.total_row}",
    }
    entries.update({f"item:{i.no}": f"C{form.item_row(i.no)}" for i in form.items})
    return entries


def new_selfcheck_workbook(ed: Edition, *, unit: str | None = None, period: str | None = None,
                           scores: Mapping[int, Any] | None = None) -> Workbook:
    book = OpenpyxlBook()
    draw_selfcheck(book, ed, unit=unit, scores=scores)
    draw_identity(book, selfcheck_identity(ed, unit, period))
    book.wb.active = 0
    return book.wb


# --- marking cells (annotated copies) ------------------------------------------------------

def mark_cell(ws: Worksheet, ref: str, message: str, severity: str) -> None:
    safety.openpyxl_module()
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    cell = ws[ref]
    cell.fill = PatternFill("solid", fgColor=ERROR_FILL if severity == "error" else WARN_FILL)
    old = cell.comment.text + "\n" if cell.comment else ""
    comment = Comment(clean_text(old + message)[:2000], "cbc")
    comment.width, comment.height = 300, 120
    cell.comment = comment

"""Writing workbooks with openpyxl: the official forms (blank, filled or annotated) and tables.

Every string from outside (unit names, values as typed, file names) goes through `put_text`, so
it is stored as text and never as a formula. Files are written to a temporary name in the
target folder and renamed into place, so an interrupted run leaves no half-written workbook.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import safety  # noqa: F401  (activates defusedxml for openpyxl before it is imported)

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from ..version import __version__

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

    from ..forms import Edition, StatsField

IDENTITY_SHEET = "_cbc"
MAX_CELL_TEXT = 32_767

FONT = "宋体"
TITLE_FONT = "黑体"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARN_FILL = PatternFill("solid", fgColor="FFEB9C")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
MONEY_FORMAT = "0.00####"
# Excel serial numbers of 2000-01-01 and 2099-12-31: the range a 填报日期 may take.
DATE_MIN, DATE_MAX = 36526, 73050


class OutputExists(Exception):
    """A file would be overwritten and --force was not given."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        names = "、".join(p.name for p in paths[:3]) + ("等" if len(paths) > 3 else "")
        super().__init__(f"文件已存在：{names}。如需覆盖，请加 --force。")


# --- safe cell writing -------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean_text(value: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return text[:MAX_CELL_TEXT]


def put_text(cell: Cell, value: str | None) -> None:
    """Store a string as text: never a formula, no XML-illegal characters, within Excel's cap."""
    if value is None:
        cell.value = None
        return
    text = clean_text(str(value))
    cell.value = text
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


def put_value(cell: Cell, value: Any) -> None:
    """Store a number as a number, a date as a date, anything else as text."""
    if value is None:
        cell.value = None
    elif isinstance(value, bool):
        put_text(cell, "是" if value else "否")
    elif isinstance(value, Decimal):
        cell.value = int(value) if value == value.to_integral_value() else float(value)
    elif isinstance(value, (int, float, date)):
        cell.value = value
    else:
        put_text(cell, str(value))


# --- atomic saving -------------------------------------------------------------------------

def check_free(paths: Iterable[Path], force: bool) -> None:
    """Refuse before anything is written if any target exists and force is not given."""
    if force:
        return
    taken = [p for p in paths if p.exists()]
    if taken:
        raise OutputExists(taken)


def save_atomic(wb: Workbook, path: Path, force: bool = False) -> Path:
    path = Path(path)
    check_free([path], force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".cbc-", suffix=".xlsx.part", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        if not force and path.exists():  # appeared while we were writing
            raise OutputExists([path])
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# --- file names that cannot escape their folder -----------------------------------------

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_name_part(text: str, limit: int = 60) -> str:
    """A piece of a file name made from user text: no separators, controls, or leading dots."""
    t = unicodedata.normalize("NFKC", text)
    t = _UNSAFE_NAME.sub("_", t)
    t = re.sub(r"\s+", "", t).strip("._-")
    return t[:limit] or "未命名"


def inside(directory: Path, name: str) -> Path:
    """directory/name, proven to stay inside directory."""
    target = (directory / name).resolve()
    if target.parent != directory.resolve():
        raise ValueError(f"文件名不安全：{name!r}")
    return target


# --- the identity of a generated form ------------------------------------------------------

def write_identity(wb: Workbook, entries: Mapping[str, str]) -> None:
    """A hidden sheet of key/value rows telling a reader exactly what this workbook is."""
    ws = wb.create_sheet(IDENTITY_SHEET)
    ws.sheet_state = "hidden"
    put_text(ws.cell(1, 1), "cbc")
    put_text(ws.cell(1, 2), "此工作表供 cbc 读取，请勿修改。")
    for row, (key, value) in enumerate(entries.items(), start=2):
        put_text(ws.cell(row, 1), key)
        put_text(ws.cell(row, 2), value)
    ws.protection.sheet = True


def _define(wb: Workbook, name: str, sheet: str, cell: str) -> None:
    col, row = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()  # type: ignore[union-attr]
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!${col}${row}")


# --- layout helpers -------------------------------------------------------------------------

def text_width(text: str) -> int:
    """Display width in Excel column units: a CJK character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    return max(1, math.ceil(text_width(text) / max(1.0, width * 0.92)))


def _style_label(cell: Cell, bold: bool = False, center: bool = False) -> None:
    cell.font = Font(name=FONT, size=11, bold=bold)
    cell.alignment = Alignment(horizontal="center" if center else "left", vertical="center", wrap_text=True)
    cell.border = BOX


def _style_input(cell: Cell, number_format: str | None = None) -> None:
    cell.font = Font(name=FONT, size=11)
    cell.alignment = Alignment(horizontal="center", vertical="center", shrink_to_fit=True)
    cell.fill = INPUT_FILL
    cell.protection = Protection(locked=False)
    cell.border = BOX
    if number_format:
        cell.number_format = number_format


def _validation(ws: Worksheet, ref: str, kind: str, *, title: str, prompt: str, error: str,
                low: float | int = 0, high: float | int | None = None) -> None:
    if kind == "text":
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(high))
    elif high is None:
        dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low))
    else:
        dv = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high))
    dv.allow_blank = True
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.promptTitle = title[:32]
    dv.prompt = prompt[:255]
    dv.errorTitle = "输入有误"
    dv.error = error[:255]
    ws.add_data_validation(dv)
    dv.add(ref)


def _print_setup(ws: Worksheet, last_col: int, last_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"


def _field_prompt(f: StatsField) -> tuple[str, str]:
    if f.is_money:
        return (f"请填写金额，单位：万元（如 5 或 2.5；5万元填5，不要填50000）。没有请填0。",
                f"“{f.label}”应为不小于0的数字，单位万元。")
    return (f"请填写不小于0的整数，单位：{f.unit}。没有请填0，不要留空。",
            f"“{f.label}”应为不小于0的整数（{f.unit}）。")


# --- 附件1 统计表 --------------------------------------------------------------------------

def build_stats_sheet(wb: Workbook, ed: Edition, *, unit: str | None = None, report_date: date | None = None,
                      values: Mapping[str, Any] | None = None, protect: bool = True,
                      sheet_name: str | None = None) -> Worksheet:
    """The official 统计表 layout as a sheet of wb; inputs shaded, unlocked and validated."""
    form = ed.stats
    sheet_name = sheet_name or form.sheet
    ws = wb.create_sheet(sheet_name)
    for i, width in enumerate(form.column_widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ncols = len(form.column_widths)
    last = get_column_letter(ncols)

    ws["A1"] = form.attachment
    ws["A1"].font = Font(name=TITLE_FONT, size=12)
    t = form.title_row
    ws.merge_cells(f"A{t}:{last}{t}")
    ws[f"A{t}"] = form.title
    ws[f"A{t}"].font = Font(name=TITLE_FONT, size=18, bold=True)
    ws[f"A{t}"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[t].height = 40

    h = form.header_row
    unit_label_cell = ws.cell(h, ws[form.unit_cell].column - 1)
    date_label_cell = ws.cell(h, ws[form.date_cell].column - 1)
    for cell, text in ((unit_label_cell, form.unit_label), (date_label_cell, form.date_label)):
        cell.value = text
        cell.font = Font(name=FONT, size=11)
        cell.alignment = Alignment(horizontal="right", vertical="center")
    ws.row_dimensions[h].height = 26
    uc = ws[form.unit_cell]
    put_text(uc, unit)
    _style_input(uc)
    uc.alignment = Alignment(horizontal="left", vertical="center", shrink_to_fit=True)
    _validation(ws, form.unit_cell, "text", high=100, title="填报单位",
                prompt="请填写单位全称（如“环翠区总工会”），打印后加盖公章。",
                error="单位名称过长，请填写单位全称。")
    dc = ws[form.date_cell]
    dc.value = report_date
    _style_input(dc, DATE_FORMAT)
    _validation(ws, form.date_cell, "date", low=DATE_MIN, high=DATE_MAX, title="填报日期",
                prompt="请填写填报日期，如 2020-5-28 或 2020/5/28。",
                error="请填写有效日期，如 2020-5-28。")

    rows: dict[int, int] = {}
    for f in form.fields:
        label = ws[f.label_cell]
        label.value = f.label
        _style_label(label)
        cell = ws[f.value_cell]
        put_value(cell, (values or {}).get(f.code))
        _style_input(cell, MONEY_FORMAT if f.is_money else "0")
        if f.value_span:
            ws.merge_cells(f.value_span)
            for row in ws[f.value_span]:
                for c in row:
                    c.border = BOX
        prompt, error = _field_prompt(f)
        _validation(ws, f.value_cell, "decimal" if f.is_money else "whole",
                    title=f"第{f.no}项"[:32], prompt=f"{f.label}：{prompt}", error=error)
        width = ws.column_dimensions[re.match(r"[A-Z]+", f.label_cell).group()].width  # type: ignore[union-attr]
        rows[label.row] = max(rows.get(label.row, 1), lines_needed(f.label, width))
    for row, nlines in rows.items():
        ws.row_dimensions[row].height = max(34, 15 * nlines + 8)

    n = form.note_row
    ws.merge_cells(f"A{n}:{last}{n}")
    ws[f"A{n}"] = form.note
    ws[f"A{n}"].font = Font(name=FONT, size=10)
    ws[f"A{n}"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[n].height = 30

    _print_setup(ws, ncols, n)
    if protect:
        ws.protection.sheet = True
        ws.protection.formatCells = False
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
    for f in form.fields:
        _define(wb, f"cbc_{f.code}", sheet_name, f.value_cell)
    return ws


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
    wb = Workbook()
    wb.remove(wb.active)
    build_stats_sheet(wb, ed, unit=unit, report_date=report_date, values=values)
    write_identity(wb, stats_identity(ed, unit, period))
    wb.active = 0
    return wb


# --- 附件2 自查表 --------------------------------------------------------------------------

def build_selfcheck_sheet(wb: Workbook, ed: Edition, *, unit: str | None = None,
                          scores: Mapping[int, Any] | None = None, protect: bool = True) -> Worksheet:
    form = ed.selfcheck
    ws = wb.create_sheet(form.sheet)
    for i, width in enumerate(form.column_widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws["A1"] = form.attachment
    ws["A1"].font = Font(name=TITLE_FONT, size=12)
    t = form.title_row
    ws.merge_cells(f"A{t}:C{t}")
    ws[f"A{t}"] = form.title
    ws[f"A{t}"].font = Font(name=TITLE_FONT, size=18, bold=True)
    ws[f"A{t}"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[t].height = 40

    uc = ws[form.unit_cell]
    label = ws.cell(uc.row, uc.column - 1)
    label.value = form.unit_label
    label.font = Font(name=FONT, size=11)
    label.alignment = Alignment(horizontal="right", vertical="center")
    put_text(uc, unit)
    _style_input(uc)
    uc.alignment = Alignment(horizontal="left", vertical="center")
    ws.merge_cells(start_row=uc.row, start_column=uc.column, end_row=uc.row, end_column=3)
    _validation(ws, form.unit_cell, "text", high=100, title="企业工会",
                prompt="请填写企业工会全称，打印后加盖公章。", error="名称过长，请填写企业工会全称。")
    ws.row_dimensions[uc.row].height = 26

    hr = form.header_row
    for col, text in enumerate(form.columns, start=1):
        c = ws.cell(hr, col, text)
        _style_label(c, bold=True, center=True)
        c.fill = HEADER_FILL
    ws.row_dimensions[hr].height = 24

    text_w = form.column_widths[1]
    section_rows: dict[str, list[int]] = {}
    for item in form.items:
        r = form.item_row(item.no)
        section_rows.setdefault(item.section, []).append(r)
        c = ws.cell(r, 2, item.text)
        _style_label(c)
        ws.row_dimensions[r].height = max(30, 15 * lines_needed(item.text, text_w) + 10)
        sc = ws.cell(r, 3)
        put_value(sc, (scores or {}).get(item.no))
        _style_input(sc, "0")
        _validation(ws, sc.coordinate, "whole", low=0, high=item.max, title=f"第{item.no}项（满分{item.max}分）",
                    prompt=f"请填写本项得分：0至{item.max}的整数。", error=f"第{item.no}项得分应为0至{item.max}的整数。")
    for section in form.sections:
        rs = section_rows.get(section.name, [])
        if not rs:
            continue
        top = ws.cell(rs[0], 1, section.name)
        _style_label(top, bold=True, center=True)
        if len(rs) > 1:
            ws.merge_cells(start_row=rs[0], start_column=1, end_row=rs[-1], end_column=1)
            for r in rs[1:]:
                ws.cell(r, 1).border = BOX

    tr = form.total_row
    ws.merge_cells(start_row=tr, start_column=1, end_row=tr, end_column=2)
    total = ws.cell(tr, 1, form.total_label)
    _style_label(total, bold=True, center=True)
    ws.cell(tr, 2).border = BOX
    first, last = form.item_row(1), form.item_row(len(form.items))
    tc = ws.cell(tr, 3, f"=SUM(C{first}:C{last})")
    _style_label(tc, bold=True, center=True)
    ws.row_dimensions[tr].height = 28

    _print_setup(ws, 3, tr)
    if protect:
        ws.protection.sheet = True
        ws.protection.formatCells = False
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
    for item in form.items:
        _define(wb, f"cbc_item_{item.no}", form.sheet, f"C{form.item_row(item.no)}")
    _define(wb, "cbc_total", form.sheet, f"C{tr}")
    return ws


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
    wb = Workbook()
    wb.remove(wb.active)
    build_selfcheck_sheet(wb, ed, unit=unit, scores=scores)
    write_identity(wb, selfcheck_identity(ed, unit, period))
    wb.active = 0
    return wb


# --- marking cells (annotated copies) ------------------------------------------------------

def mark_cell(ws: Worksheet, ref: str, message: str, severity: str) -> None:
    cell = ws[ref]
    cell.fill = ERROR_FILL if severity == "error" else WARN_FILL
    old = cell.comment.text + "\n" if cell.comment else ""
    comment = Comment(clean_text(old + message)[:2000], "cbc")
    comment.width, comment.height = 300, 120
    cell.comment = comment

"""One drawing surface, two writers: forms are drawn once and written by openpyxl or by xlsxwriter.

openpyxl writes the forms (new-form, send-back copies): it is the project's form writer and
round-trips comments and marks. xlsxwriter writes the summary and ranking workbooks: it is
fast on large tables, escapes `_xHHHH_` in text and counts the cell limit in UTF-16 units, and
the summary's first sheet is the official form, drawn by the same code as the blank form.

Every sheet prints on A4 (portrait, or landscape where wide), fitted to the page width, with
its header rows repeated and a footer 第 N 页 共 M 页.

Every string goes through `clean_text` and is stored as text, never as a formula: strings that
start like a formula get a quote prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

MAX_CELL_TEXT = 32_767
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# XML 1.0 forbids these control characters and U+FFFE/U+FFFF; lone surrogates (from file names
# that are not valid UTF-8) cannot be encoded at all and become U+FFFD.
_FORBIDDEN = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0xFFFE, 0xFFFF))  # dropped
_SURROGATES = (0xD800, 0xDFFF)                                                # become U+FFFD
_ILLEGAL: dict[int, str | None] = {c: None for lo, hi in _FORBIDDEN for c in range(lo, hi + 1)}
_ILLEGAL.update(dict.fromkeys(range(_SURROGATES[0], _SURROGATES[1] + 1), "\ufffd"))
_HAS_ILLEGAL = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in (*_FORBIDDEN, _SURROGATES)) + "]")


def clean_text(value: str) -> str:
    """Text as a workbook may hold it: no characters XML forbids, within Excel's cell limit
    (counted, as Excel does, in UTF-16 units: a character outside the BMP counts two)."""
    text = str(value)
    if _HAS_ILLEGAL.search(text):  # rare: searching is several times cheaper than translating
        text = text.translate(_ILLEGAL)
    if len(text) > MAX_CELL_TEXT // 2 and len(text.encode("utf-16-le")) > 2 * MAX_CELL_TEXT:
        text = text.encode("utf-16-le")[: 2 * MAX_CELL_TEXT].decode("utf-16-le", errors="ignore")
    return text


FOOTER = "第 &P 页 共 &N 页"


@dataclass(frozen=True)
class Style:
    font: str = "宋体"
    size: float = 11
    bold: bool = False
    color: str | None = None         # font colour, RGB
    fill: str | None = None          # RGB, e.g. "FFF2CC"
    border: bool = False
    align: str | None = None         # left / center / right
    valign: str = "center"
    wrap: bool = False
    shrink: bool = False
    number: str | None = None
    locked: bool = True

    def but(self, **changes: Any) -> Style:
        return replace(self, **changes)

    @property
    def dated(self) -> Style:
        """This style with a date format, when it has no number format of its own."""
        if self.number:
            return self
        cached = _DATED.get(self)
        if cached is None:
            cached = _DATED[self] = replace(self, number="yyyy-mm-dd")
        return cached


_DATED: dict[Style, Style] = {}
PLAIN = Style()


@dataclass(frozen=True)
class Check:
    """A data validation: kind is whole / decimal / date / text (length)."""

    kind: str
    low: float | None = 0
    high: float | None = None
    title: str = ""
    prompt: str = ""
    error: str = ""


def _num(value: Any) -> Any:
    """A Decimal as the int or float a workbook stores (NaN and infinities as float)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return float(value)
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class Canvas:
    """What a sheet drawing needs. Rows and columns are 1-based, as in Excel."""

    name: str

    def width(self, col: int, width: float) -> None: ...
    def height(self, row: int, height: float) -> None: ...
    def put(self, row: int, col: int, value: Any, style: Style = PLAIN) -> None: ...
    def formula(self, row: int, col: int, formula: str, style: Style = PLAIN) -> None: ...

    def row(self, row: int, values: list[Any], styles: list[Style]) -> None:
        """A whole row of cells, each with its style (writers may do this faster)."""
        for col, (value, style) in enumerate(zip(values, styles), 1):
            self.put(row, col, value, style)

    def merge(self, r0: int, c0: int, r1: int, c1: int, value: Any = None, style: Style = PLAIN) -> None: ...
    def validate(self, row: int, col: int, check: Check) -> None: ...
    def protect(self) -> None: ...
    def hide(self) -> None: ...
    def freeze(self, row: int, col: int) -> None: ...
    def autofilter(self, r0: int, c0: int, r1: int, c1: int) -> None: ...
    def page(self, *, landscape: bool, tall: int = 0, last_row: int | None = None, last_col: int | None = None,
             repeat_rows: tuple[int, int] | None = None, title_cols: int = 0, center: bool = False,
             wide: int = 1) -> None:
        """Print setup: A4, fitted to one page wide (tall=0: as many pages down as needed; 1: one
        page), header rows repeated, footer 第 N 页 共 M 页, no gridlines. wide > 1: a table too wide
        for one page prints in that many parts side by side, title_cols repeated on each."""

    def page_break(self, row: int) -> None:
        """A new printed page starts at this row."""

    def note(self, row: int, col: int, text: str) -> None:
        """A comment on a cell (seen on screen; the printed copy lists findings instead)."""


class BookWriter:
    """A workbook being written: sheets, defined names, and an atomic save."""

    def sheet(self, name: str) -> Canvas: ...
    def define(self, name: str, sheet: str, row: int, col: int) -> None: ...
    def _save_to(self, path: str) -> None: ...

    def save(self, path: Path, *, force: bool = False) -> Path:
        from .files import write_atomically

        return write_atomically(Path(path), self._save_to, force=force)


def _col(col: int) -> str:
    from ..model.cells import col_letters

    return col_letters(col - 1)


# --- openpyxl --------------------------------------------------------------------------------

class OpenpyxlCanvas(Canvas):
    def __init__(self, ws: Any):
        self.ws = ws
        self.name = ws.title
        self._styles: dict[Style, dict[str, Any]] = {}

    def _apply(self, cell: Any, style: Style) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        parts = self._styles.get(style)
        if parts is None:
            side = Side(style="thin", color="000000")
            parts = {
                "font": Font(name=style.font, size=style.size, bold=style.bold, color=style.color),
                "alignment": Alignment(horizontal=style.align, vertical=style.valign, wrap_text=style.wrap or None,
                                       shrink_to_fit=style.shrink or None),
                "protection": Protection(locked=style.locked),
            }
            if style.fill:
                parts["fill"] = PatternFill("solid", fgColor=style.fill)
            if style.border:
                parts["border"] = Border(left=side, right=side, top=side, bottom=side)
            if style.number:
                parts["number_format"] = style.number
            self._styles[style] = parts
        for attr, value in parts.items():
            setattr(cell, attr, value)

    def width(self, col: int, width: float) -> None:
        self.ws.column_dimensions[_col(col)].width = width

    def height(self, row: int, height: float) -> None:
        self.ws.row_dimensions[row].height = height

    def put(self, row: int, col: int, value: Any, style: Style = PLAIN) -> None:
        cell = self.ws.cell(row, col)
        if isinstance(value, str):
            text = clean_text(value)
            cell.value = text
            cell.data_type = "s"
            if text.startswith(FORMULA_START):
                cell.quotePrefix = True
        elif isinstance(value, bool):
            cell.value = "是" if value else "否"
        else:
            cell.value = _num(value)
            if isinstance(value, (date, datetime)):
                style = style.dated
        self._apply(cell, style)

    def formula(self, row: int, col: int, formula: str, style: Style = PLAIN) -> None:
        cell = self.ws.cell(row, col)
        cell.value = formula
        self._apply(cell, style)

    def merge(self, r0: int, c0: int, r1: int, c1: int, value: Any = None, style: Style = PLAIN) -> None:
        self.put(r0, c0, value, style)
        self.ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
        if style.border:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self._apply(self.ws.cell(r, c), style)

    def validate(self, row: int, col: int, check: Check) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        if check.kind == "text":
            dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(int(check.high or 255)))
        elif check.high is None:
            dv = DataValidation(type=check.kind, operator="greaterThanOrEqual", formula1=_formula_number(check.low))
        else:
            dv = DataValidation(type=check.kind, operator="between", formula1=_formula_number(check.low),
                                formula2=_formula_number(check.high))
        dv.allow_blank = True
        dv.showInputMessage = True
        dv.showErrorMessage = True
        dv.errorStyle = "stop"
        dv.promptTitle = check.title[:32]
        dv.prompt = check.prompt[:255]
        dv.errorTitle = "输入有误"
        dv.error = check.error[:255]
        self.ws.add_data_validation(dv)
        dv.add(f"{_col(col)}{row}")

    def protect(self) -> None:
        p = self.ws.protection
        p.sheet = True
        p.formatCells = p.formatColumns = p.formatRows = False

    def hide(self) -> None:
        self.ws.sheet_state = "hidden"

    def freeze(self, row: int, col: int) -> None:
        self.ws.freeze_panes = f"{_col(col + 1)}{row + 1}"

    def autofilter(self, r0: int, c0: int, r1: int, c1: int) -> None:
        self.ws.auto_filter.ref = f"{_col(c0)}{r0}:{_col(c1)}{r1}"

    def page(self, *, landscape: bool, tall: int = 0, last_row: int | None = None, last_col: int | None = None,
             repeat_rows: tuple[int, int] | None = None, title_cols: int = 0, center: bool = False,
             wide: int = 1) -> None:
        ws = self.ws
        ws.print_options.gridLines = False
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = wide
        ws.page_setup.fitToHeight = tall
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = center
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = 0.6
        # the footer needs room of its own between the table and the page's edge (LibreOffice cut
        # the lower half of 第 N 页 共 M 页 with a 0.3-inch band)
        ws.page_margins.bottom = 0.85
        ws.page_margins.footer = 0.3
        ws.oddFooter.center.text = FOOTER
        if last_row and last_col:
            ws.print_area = f"A1:{_col(last_col)}{last_row}"
        if repeat_rows:
            ws.print_title_rows = f"{repeat_rows[0]}:{repeat_rows[1]}"
        if title_cols:
            ws.print_title_cols = f"A:{_col(title_cols)}"

    def page_break(self, row: int) -> None:
        from openpyxl.worksheet.pagebreak import Break

        self.ws.row_breaks.append(Break(id=row - 1))

    def note(self, row: int, col: int, text: str) -> None:
        from openpyxl.comments import Comment

        cell = self.ws.cell(row, col)
        old = cell.comment.text + "\n" if cell.comment else ""
        comment = Comment(clean_text(old + text)[:2000], "cbc")
        comment.width, comment.height = 300, 120
        cell.comment = comment


def _formula_number(x: float | None) -> str:
    if x is None:
        return "0"
    return str(int(x)) if float(x).is_integer() else str(x)


class OpenpyxlBook(BookWriter):
    def __init__(self) -> None:
        from . import safety

        self.wb = safety.openpyxl_module().Workbook()
        self.wb.remove(self.wb.active)

    def sheet(self, name: str) -> OpenpyxlCanvas:
        return OpenpyxlCanvas(self.wb.create_sheet(name))

    def define(self, name: str, sheet: str, row: int, col: int) -> None:
        from openpyxl.workbook.defined_name import DefinedName

        self.wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!${_col(col)}${row}")

    def _save_to(self, path: str) -> None:
        self.wb.active = 0
        self.wb.save(path)


# --- xlsxwriter ------------------------------------------------------------------------------

NUMBER, TEXT, DATE = 0, 1, 2  # the kinds of plain table cell XlsxCanvas.row passes on
LONG_TEXT = 32_767 // 2         # a text this long may be over Excel's limit in UTF-16 units: xlsxwriter checks it
_XL_CHECK = {"whole": "integer", "decimal": "decimal", "date": "date", "text": "length"}
_EXCEL_EPOCH = datetime(1899, 12, 30)


class XlsxCanvas(Canvas):
    """A sheet written by xlsxwriter. Cells are written as they are put (strings, numbers, dates
    each by their own call); formats are made once per Style and shared by the whole book."""

    def __init__(self, book: XlsxBook, ws: Any):
        self.book = book
        self.ws = ws
        self.name = ws.name
        self._row_formats: dict[int, tuple[list[Style], list[Any], dict[int, Any]]] = {}
        self._serials: dict[date, float] = {}  # a date's Excel serial (a table's dates repeat)

    def width(self, col: int, width: float) -> None:
        self.ws.set_column(col - 1, col - 1, width)

    def height(self, row: int, height: float) -> None:
        self.ws.set_row(row - 1, height)

    def put(self, row: int, col: int, value: Any, style: Style = PLAIN) -> None:
        ws, fmt = self.ws, self.book.format
        if isinstance(value, str):
            text = clean_text(value)
            ws._write_string(row - 1, col - 1, text, fmt(style, text.startswith(FORMULA_START)))
        elif value is None:
            if style is not PLAIN:
                ws._write_blank(row - 1, col - 1, None, fmt(style))
        elif isinstance(value, bool):
            ws._write_string(row - 1, col - 1, "是" if value else "否", fmt(style))
        elif isinstance(value, (date, datetime)):
            ws._write_datetime(row - 1, col - 1, value if isinstance(value, datetime)
                               else datetime(value.year, value.month, value.day), fmt(style.dated))
        else:
            number = _num(value)
            if isinstance(number, float) and not math.isfinite(number):
                ws._write_string(row - 1, col - 1, str(value), fmt(style))
            else:
                ws._write_number(row - 1, col - 1, number, fmt(style))

    def row(self, row: int, values: list[Any], styles: list[Style]) -> None:
        ws, fmt, r = self.ws, self.book.format, row - 1
        known = self._row_formats.get(id(styles))  # tables pass the same list for every row
        if known is None or known[0] is not styles:
            known = self._row_formats[id(styles)] = (styles, [fmt(style) for style in styles], {})
        formats, dated = known[1], known[2]
        plain: list[tuple[int, int, Any, Any]] = []  # (column, NUMBER/TEXT/DATE, value, format), in column order
        add = plain.append
        other: list[int] = []
        long = False
        for c, value in enumerate(values):
            t = type(value)
            if t is int or t is float and math.isfinite(value):
                add((c, NUMBER, value, formats[c]))
            elif t is str:
                text = clean_text(value)
                long = long or len(text) > LONG_TEXT
                add((c, TEXT, text, fmt(styles[c], True) if text.startswith(FORMULA_START) else formats[c]))
            elif value is None:  # an empty table cell needs no cell at all (a thousand-row table has thousands)
                continue
            elif t is Decimal and value.is_finite():
                add((c, NUMBER, _num(value), formats[c]))
            elif t is date:
                f = dated.get(c)
                if f is None:
                    f = dated[c] = fmt(styles[c].dated)
                serial = self._serials.get(value)
                if serial is None:
                    serial = self._serials[value] = ws._convert_date_time(datetime(value.year, value.month, value.day))
                add((c, DATE, serial, f))
            else:
                other.append(c)
        put_cells = getattr(ws, "put_cells", None)
        if put_cells is None or long or not put_cells(r, plain):
            # the stock worksheet (tests compare the two), a text that may need cutting to Excel's
            # limit, or a row the table sheet will not take: xlsxwriter's own checks and storage
            for c, kind, value, f in plain:
                if kind == NUMBER:
                    ws._write_number(r, c, value, f)
                elif kind == TEXT:
                    ws._write_string(r, c, value, f)
                else:
                    ws._write_datetime(r, c, values[c], f)
        for c in other:
            self.put(row, c + 1, values[c], styles[c])

    def formula(self, row: int, col: int, formula: str, style: Style = PLAIN) -> None:
        self.ws.write_formula(row - 1, col - 1, formula, self.book.format(style))

    def merge(self, r0: int, c0: int, r1: int, c1: int, value: Any = None, style: Style = PLAIN) -> None:
        if (r0, c0) == (r1, c1):  # xlsxwriter merges two cells or more
            self.put(r0, c0, value, style)
            return
        self.ws.merge_range(r0 - 1, c0 - 1, r1 - 1, c1 - 1, "", self.book.format(style))
        if value is not None:
            self.put(r0, c0, value, style)

    def validate(self, row: int, col: int, check: Check) -> None:
        kind = _XL_CHECK[check.kind]

        def bound(x: float | None) -> Any:
            if kind == "date":
                return _EXCEL_EPOCH + timedelta(days=float(x or 0))
            return int(x) if x is not None and float(x).is_integer() else (x or 0)

        options: dict[str, Any] = {"validate": kind, "ignore_blank": True, "show_input": True, "show_error": True,
                                   "error_type": "stop", "input_title": check.title[:32],
                                   "input_message": check.prompt[:255], "error_title": "输入有误",
                                   "error_message": check.error[:255]}
        if kind == "length":
            options.update(criteria="<=", value=int(check.high or 255))
        elif check.high is None:
            options.update(criteria=">=", value=bound(check.low))
        else:
            options.update(criteria="between", minimum=bound(check.low), maximum=bound(check.high))
        self.ws.data_validation(row - 1, col - 1, row - 1, col - 1, options)

    def protect(self) -> None:
        self.ws.protect("", {"format_cells": True, "format_columns": True, "format_rows": True})

    def hide(self) -> None:
        self.ws.hide()

    def freeze(self, row: int, col: int) -> None:
        self.ws.freeze_panes(row, col)

    def autofilter(self, r0: int, c0: int, r1: int, c1: int) -> None:
        self.ws.autofilter(r0 - 1, c0 - 1, r1 - 1, c1 - 1)

    def page(self, *, landscape: bool, tall: int = 0, last_row: int | None = None, last_col: int | None = None,
             repeat_rows: tuple[int, int] | None = None, title_cols: int = 0, center: bool = False,
             wide: int = 1) -> None:
        ws = self.ws
        ws.set_paper(9)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(wide, tall)
        ws.hide_gridlines(1)  # shown on screen, not printed
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.set_footer("&C" + FOOTER)
        if center:
            ws.center_horizontally()
        if last_row and last_col:
            ws.print_area(0, 0, last_row - 1, last_col - 1)
        if repeat_rows:
            ws.repeat_rows(repeat_rows[0] - 1, repeat_rows[1] - 1)
        if title_cols:
            ws.repeat_columns(0, title_cols - 1)

    def page_break(self, row: int) -> None:
        self.book.breaks.setdefault(self.name, []).append(row - 1)
        self.ws.set_h_pagebreaks(self.book.breaks[self.name])

    def note(self, row: int, col: int, text: str) -> None:
        self.ws.write_comment(row - 1, col - 1, clean_text(text)[:2000], {"author": "cbc", "x_scale": 2, "y_scale": 2})


def _table_sheet_class() -> Any:
    """xlsxwriter's worksheet, taking in and writing out plain table cells by a shorter path.

    A summary's tables are its innermost loop (34,000 cells for 1,000 returns). A cell cbc
    writes there is a number or a shared string with, at most, a cell format (never a row or
    column format), whose attributes need no escaping: a number, a date (as its serial) or a
    shared string. For those this class stores the cells of a row in one call (`put_cells`,
    one bounds check per row) and writes a row's cells as one string, with each column's
    letters and each format's index worked out once; every other cell (formulas, blanks), and
    a sheet with comments, goes to xlsxwriter's own code. The bytes are
    exactly the stock worksheet's (tests/test_canvas.py compares the two). Measured in-process
    on 1,000 returns: the summary from 0.147 to 0.10 s."""
    global _TABLE_SHEET
    if _TABLE_SHEET is None:
        from xlsxwriter.utility import xl_col_to_name
        from xlsxwriter.worksheet import CellDatetimeTuple, CellNumberTuple, CellStringTuple, Worksheet

        new = tuple.__new__

        class TableSheet(Worksheet):  # type: ignore[misc]
            def put_cells(self, row: int, cells: list[tuple[int, int, Any, Any]]) -> bool:
                """One row's plain cells, (column, NUMBER/TEXT/DATE, value, format) in column
                order, a date as its Excel serial and no text longer than LONG_TEXT: stored as
                _write_number, _write_string and _write_datetime store them, with the bounds
                checked once for the row. False (nothing stored) for a row outside the sheet or
                a constant_memory sheet."""
                if not cells:
                    return True
                if (self.constant_memory or self._check_dimensions(row, cells[0][0])
                        or self._check_dimensions(row, cells[-1][0])):
                    return False
                table_row = self.table[row]
                shared = self.str_table._get_shared_string_index
                for col, kind, value, fmt in cells:
                    if kind == NUMBER:
                        table_row[col] = new(CellNumberTuple, (value, fmt))
                    elif kind == TEXT:
                        table_row[col] = new(CellStringTuple, (shared(value), fmt))
                    else:
                        table_row[col] = new(CellDatetimeTuple, (value, fmt))
                return True

            def _write_rows(self) -> None:
                if self.comments or self.constant_memory or self.dim_rowmin is None:  # xlsxwriter's own loop
                    super()._write_rows()
                    return
                table, row_info = self.table, self.row_info
                first, last = self.dim_rowmin, self.dim_rowmax
                # the <row> spans, as _calculate_spans works them out for a sheet without comments
                spans: dict[int, str] = {}
                lo = hi = None
                for row_num in range(first, last + 1):
                    cells = table.get(row_num)
                    if cells:
                        a, b = min(cells), max(cells)
                        lo = a if lo is None or a < lo else lo
                        hi = b if hi is None or b > hi else hi
                    if (row_num + 1) % 16 == 0 or row_num == last:
                        if lo is not None:
                            spans[row_num // 16] = f"{lo + 1}:{hi + 1}"
                            lo = hi = None
                self.row_spans = spans
                letters = [xl_col_to_name(c) for c in range(self.dim_colmax + 1)]
                styles: dict[int, str] = {}
                write = self.fh.write
                for row_num in range(first, last + 1):
                    cells = table.get(row_num)
                    info = row_info.get(row_num)
                    if not cells:
                        if info is not None:
                            self._write_empty_row(row_num, spans.get(row_num // 16), info)
                        continue
                    self._write_row(row_num, spans.get(row_num // 16), info)
                    r = str(row_num + 1)
                    out: list[str] = []
                    for col in sorted(cells):
                        cell = cells[col]
                        kind = cell.__class__
                        if kind is CellNumberTuple or kind is CellStringTuple or kind is CellDatetimeTuple:
                            fmt = cell.format
                            if fmt is None:
                                s = ""
                            else:
                                s = styles.get(id(fmt))
                                if s is None:
                                    s = styles[id(fmt)] = f' s="{fmt._get_xf_index()}"'
                            if kind is not CellStringTuple:
                                out.append(f'<c r="{letters[col]}{r}"{s}><v>{cell.number:.16G}</v></c>')
                            else:
                                out.append(f'<c r="{letters[col]}{r}"{s} t="s"><v>{cell.string}</v></c>')
                        else:
                            write("".join(out))
                            out.clear()
                            self._write_cell(row_num, col, cell)
                    write("".join(out))
                    self._xml_end_tag("row")

        _TABLE_SHEET = TableSheet
    return _TABLE_SHEET


_TABLE_SHEET: Any = None


def ready_xlsx() -> None:
    """Import xlsxwriter and make the table worksheet class ahead of the first XlsxBook (a
    command calls this while its workers read, when the wait costs nothing)."""
    _table_sheet_class()


class XlsxBook(BookWriter):
    """A workbook written by xlsxwriter, in memory until saved (then atomically, like every file)."""

    def __init__(self) -> None:
        import io

        import xlsxwriter

        self._out = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self._out, {"in_memory": True, "strings_to_numbers": False,
                                                  "strings_to_formulas": False, "strings_to_urls": False})
        self._formats: dict[tuple[Style, bool], Any] = {}
        self.breaks: dict[str, list[int]] = {}

    def format(self, style: Style, quote: bool = False) -> Any:
        """The one xlsxwriter Format of a style (None for the plain style: no format at all)."""
        key = (style, quote)
        fmt = self._formats.get(key, False)
        if fmt is not False:
            return fmt
        if style is PLAIN and not quote:
            fmt = None
        else:
            props: dict[str, Any] = {"font_name": style.font, "font_size": style.size, "valign": {
                "center": "vcenter", "top": "top", "bottom": "bottom"}.get(style.valign, "vcenter")}
            if style.bold:
                props["bold"] = True
            if style.color:
                props["font_color"] = "#" + style.color
            if style.fill:
                props.update(pattern=1, bg_color="#" + style.fill)
            if style.border:
                props["border"] = 1
            if style.align:
                props["align"] = style.align
            if style.wrap:
                props["text_wrap"] = True
            if style.shrink:
                props["shrink"] = True
            if style.number:
                props["num_format"] = style.number
            if not style.locked:
                props["locked"] = False
            if quote:
                props["quote_prefix"] = True
            fmt = self.wb.add_format(props)
        self._formats[key] = fmt
        return fmt

    stock_sheets = False  # tests set it to compare the output of the stock worksheet class

    def sheet(self, name: str) -> XlsxCanvas:
        return XlsxCanvas(self, self.wb.add_worksheet(name, worksheet_class=None if self.stock_sheets
                                                      else _table_sheet_class()))

    def define(self, name: str, sheet: str, row: int, col: int) -> None:
        quoted = "'" + sheet.replace("'", "''") + "'"
        self.wb.define_name(name, f"={quoted}!${_col(col)}${row}")

    def _save_to(self, path: str) -> None:
        self.wb.close()
        Path(path).write_bytes(self._out.getvalue())

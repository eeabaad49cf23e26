"""One drawing surface, two writers: forms are drawn once and written by openpyxl or by xlsx.py.

openpyxl writes the forms (new-form, annotated copies): it is the project's form writer and
round-trips comments and marks. xlsx.py, cbc's own small writer, writes the summary and ranking
workbooks: for a thousand returns it writes the tables several times faster (measured in
benchmarks/, see README), and the summary's first sheet is the official form, drawn by the same
code as the blank form.

Every string goes through `clean_text` and is stored as text, never as a formula: strings that
start like a formula get a quote prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

MAX_CELL_TEXT = 32_767
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# XML 1.0 forbids these control characters and U+FFFE/U+FFFF; lone surrogates (from file names
# that are not valid UTF-8) cannot be encoded at all and become U+FFFD.
_ILLEGAL: dict[int, str | None] = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF], None)
_ILLEGAL.update(dict.fromkeys(range(0xD800, 0xE000), "\ufffd"))


def clean_text(value: str) -> str:
    """Text as a workbook may hold it: no characters XML forbids, within Excel's cell limit."""
    return str(value).translate(_ILLEGAL)[:MAX_CELL_TEXT]


@dataclass(frozen=True)
class Style:
    font: str = "宋体"
    size: float = 11
    bold: bool = False
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
    def page(self, *, landscape: bool, wide: int = 1, tall: int = 1, last_row: int | None = None,
             last_col: int | None = None, title_rows: int = 0, title_cols: int = 0, a3: bool = False,
             center: bool = False, gridlines: bool = False) -> None: ...


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
                "font": Font(name=style.font, size=style.size, bold=style.bold),
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

    def page(self, *, landscape: bool, wide: int = 1, tall: int = 1, last_row: int | None = None,
             last_col: int | None = None, title_rows: int = 0, title_cols: int = 0, a3: bool = False,
             center: bool = False, gridlines: bool = False) -> None:
        ws = self.ws
        ws.print_options.gridLines = gridlines
        ws.page_setup.paperSize = ws.PAPERSIZE_A3 if a3 else ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = wide
        ws.page_setup.fitToHeight = tall
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = center
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        if last_row and last_col:
            ws.print_area = f"A1:{_col(last_col)}{last_row}"
        if title_rows:
            ws.print_title_rows = f"1:{title_rows}"
        if title_cols:
            ws.print_title_cols = f"A:{_col(title_cols)}"


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

"""A workbook as the zoo builds it (cells, merges, sheets), and the programs that write it:
openpyxl, xlsxwriter, xlwt — and LibreOffice, which re-saves what openpyxl wrote."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Formula:
    """A formula; written without a cached value by openpyxl (as a script would)."""

    text: str


@dataclass
class Table:
    name: str = "Sheet1"
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False

    def put(self, r: int, c: int, v: Any) -> None:
        if v is None:
            self.cells.pop((r, c), None)
        else:
            self.cells[(r, c)] = v

    def row(self, r: int, *values: Any, start: int = 0) -> None:
        for i, v in enumerate(values):
            self.put(r, start + i, v)

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        self.merges.append((r0, c0, r1, c1))

    @property
    def height(self) -> int:
        return 1 + max((r for r, _ in self.cells), default=-1)

    @property
    def width(self) -> int:
        return 1 + max((c for _, c in self.cells), default=-1)

    def find(self, test) -> list[tuple[int, int]]:
        return sorted(k for k, v in self.cells.items() if test(v))

    def insert_row(self, at: int) -> None:
        self.cells = {((r + 1 if r >= at else r), c): v for (r, c), v in self.cells.items()}
        self.merges = [(r0 + (r0 >= at), c0, r1 + (r1 >= at), c1) for r0, c0, r1, c1 in self.merges]

    def insert_col(self, at: int) -> None:
        self.cells = {(r, (c + 1 if c >= at else c)): v for (r, c), v in self.cells.items()}
        self.merges = [(r0, c0 + (c0 >= at), r1, c1 + (c1 >= at)) for r0, c0, r1, c1 in self.merges]

    def delete_rows(self, rows: set[int]) -> None:
        keep = sorted({r for r, _ in self.cells} - rows)
        shift = {r: r - sum(1 for x in rows if x < r) for r in keep}
        self.cells = {(shift[r], c): v for (r, c), v in self.cells.items() if r not in rows}
        self.merges = [(shift[r0], c0, shift[r0] + (r1 - r0), c1) for r0, c0, r1, c1 in self.merges
                       if r0 not in rows and r0 in shift]


@dataclass
class Workbook:
    sheets: list[Table]

    @property
    def main(self) -> Table:
        return self.sheets[0]


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    return v


# --- writers ---------------------------------------------------------------------------------

def write_openpyxl(book: Workbook, path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for t in book.sheets:
        ws = wb.create_sheet(t.name)
        if t.hidden:
            ws.sheet_state = "hidden"
        for (r, c), v in t.cells.items():
            cell = ws.cell(r + 1, c + 1)
            if isinstance(v, Formula):
                cell.value = v.text
            elif isinstance(v, (date, datetime)):
                cell.value = v
                cell.number_format = "yyyy\"年\"m\"月\"d\"日\""
            else:
                cell.value = _plain(v)
        for r0, c0, r1, c1 in t.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(path)
    return path


def write_xlsxwriter(book: Workbook, path: Path) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    fmt = wb.add_format({"num_format": "yyyy\"年\"m\"月\"d\"日\""})
    for t in book.sheets:
        ws = wb.add_worksheet(t.name)
        if t.hidden:
            ws.hide()
        merged_at = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in t.merges}
        covered = {(r, c) for r0, c0, r1, c1 in t.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r0, c0, r1, c1 in t.merges:
            v = t.cells.get((r0, c0))
            ws.merge_range(r0, c0, r1, c1, None)
            _xw_write(ws, r0, c0, v, fmt)
        for (r, c), v in t.cells.items():
            if (r, c) in covered:
                continue
            _xw_write(ws, r, c, v, fmt)
        del merged_at
    wb.close()
    return path


def _xw_write(ws, r: int, c: int, v: Any, fmt) -> None:
    if v is None:
        return
    if isinstance(v, Formula):
        ws.write_formula(r, c, v.text)
    elif isinstance(v, (date, datetime)):
        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), fmt)
    elif isinstance(v, str):
        ws.write_string(r, c, v)
    else:
        ws.write_number(r, c, float(_plain(v)))


def write_xlwt(book: Workbook, path: Path) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    style = xlwt.XFStyle()
    style.num_format_str = "yyyy-mm-dd"
    for t in book.sheets:
        ws = wb.add_sheet(t.name, cell_overwrite_ok=True)
        if t.hidden:
            ws.visibility = 1
        covered = {}
        for r0, c0, r1, c1 in t.merges:
            v = t.cells.get((r0, c0))
            ws.write_merge(r0, r1, c0, c1, _xlwt_value(v), style if isinstance(v, (date, datetime)) else xlwt.Style.default_style)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    covered[(r, c)] = True
        for (r, c), v in t.cells.items():
            if (r, c) in covered:
                continue
            if isinstance(v, (date, datetime)):
                ws.write(r, c, datetime(v.year, v.month, v.day), style)
            else:
                ws.write(r, c, _xlwt_value(v))
    wb.save(str(path))
    return path


def _xlwt_value(v: Any) -> Any:
    import xlwt

    if isinstance(v, Formula):
        return xlwt.Formula(v.text.lstrip("="))
    if isinstance(v, (date, datetime)):
        return datetime(v.year, v.month, v.day)
    return _plain(v)


WRITERS = {"openpyxl": (write_openpyxl, "xlsx"), "xlsxwriter": (write_xlsxwriter, "xlsx"), "xlwt": (write_xlwt, "xls")}


def soffice_batch(paths: list[Path], fmt: str, out_dir: Path, timeout: int = 600) -> list[Path]:
    """Re-save many files with LibreOffice in one call (a private profile, like
    conftest.soffice_convert), so the zoo pays for one start-up, not one per file."""
    from ..conftest import soffice

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cbc-lo-") as profile:
        subprocess.run([soffice(), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--convert-to", fmt, "--outdir", str(out_dir), *map(str, paths)],
                       check=True, capture_output=True, timeout=timeout)
    ext = fmt.split(":")[0]
    return [out_dir / f"{p.stem}.{ext}" for p in paths]

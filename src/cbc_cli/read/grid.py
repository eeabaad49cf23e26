"""A guarded workbook -> grids of cell values with their addresses (python-calamine).

python-calamine reads .xlsx/.xlsm/.xls/.ods from bytes and picks the format from the content,
not the file name. A grid starts at A1 (row 0, column 0); a merged cell's value sits in its
top-left cell, and the merged ranges are kept so a reader can step over them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from ..model.cells import parse_ref
from . import zipdir
from .guard import Guarded, Unreadable, _unescape

Merged = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Sheet:
    name: str
    visible: bool
    rows: list[list[Any]]
    merged: list[Merged] = field(default_factory=list)

    def value(self, row: int, col: int) -> Any:
        if 0 <= row < len(self.rows):
            r = self.rows[row]
            if 0 <= col < len(r):
                return r[col]
        return None

    def at(self, cell: str) -> Any:
        return self.value(*parse_ref(cell))

    def merge_end(self, row: int, col: int) -> int:
        """The last column of the merged range whose top-left is (row, col), else col."""
        for (r0, c0), (_, c1) in self.merged:
            if r0 == row and c0 == col:
                return c1
        return col


@dataclass
class Book:
    format: str
    sheets: list[Sheet]
    source: Guarded | None = None
    _blank_formulas: dict[str, set[str]] | None = None
    _calc_on_load: bool | None = None
    _formulas: dict[str, set[str]] | None = None

    def sheet(self, name: str) -> Sheet | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None

    def is_blank_formula(self, sheet: str, cell: str) -> bool:
        """Whether an empty-looking cell is a formula that was never calculated (xlsx only).

        Worked out on first use, from the sheet XML: most returns never need it."""
        if self.format != "xlsx" or self.source is None:
            return False
        if self._blank_formulas is None:
            self._blank_formulas = _blank_formulas(self.source)
        return cell in self._blank_formulas.get(sheet, ())

    def is_stale_formula(self, sheet: str, cell: str) -> bool:
        """Whether a cell is a formula whose saved value cannot be trusted: the workbook asks to be
        calculated when opened (xlsxwriter and some scripts save every formula with a 0 until then)."""
        if self.format != "xlsx" or self.source is None:
            return False
        if self._calc_on_load is None:
            self._calc_on_load = _calc_on_load(self.source)
        if not self._calc_on_load:
            return False
        if self._formulas is None:
            self._formulas = _blank_formulas(self.source, every=True)
        return cell in self._formulas.get(sheet, ())


_CALAMINE: Any = None


def read_book(g: Guarded, wanted: set[str] | None = None) -> Book:
    """Every sheet's grid (or only those named in wanted, when given)."""
    global _CALAMINE
    if _CALAMINE is None:  # imported on first use (cbc --help never needs it), then kept at hand
        import python_calamine

        _CALAMINE = python_calamine
    CalamineError, CalamineWorkbook, PasswordError = (_CALAMINE.CalamineError, _CALAMINE.CalamineWorkbook,
                                                      _CALAMINE.PasswordError)

    try:
        wb = CalamineWorkbook.from_filelike(BytesIO(g.data))
    except PasswordError:
        raise Unreadable("encrypted") from None
    except (CalamineError, ValueError, OSError) as exc:
        raise _calamine_failure(exc, g.format) from None
    sheets: list[Sheet] = []
    book_area = 0
    try:
        for meta in wb.sheets_metadata:
            if wanted is not None and meta.name not in wanted:
                continue
            if str(getattr(meta.typ, "name", meta.typ)) not in ("WorkSheet", "SheetTypeEnum.WorkSheet"):
                continue
            sh = wb.get_sheet_by_name(meta.name)
            # the grid runs from A1 to the last cell: hold its area to the limits before Python
            # builds it (an .ods row repeated a million times, a sheet the guard could not measure)
            area = _area(sh)
            book_area += area
            if area > g.limits.max_area:
                raise Unreadable("suspicious-file", "area", rows=f"{sh.end[0] + 1:,}" if sh.end else "0",
                                 cols=f"{sh.end[1] + 1:,}" if sh.end else "0", limit=f"{g.limits.max_area:,}")
            if book_area > g.limits.max_book_area:
                raise Unreadable("suspicious-file", "book-area", cells=f"{book_area:,}",
                                 limit=f"{g.limits.max_book_area:,}")
            rows = sh.to_python(skip_empty_area=False)
            try:
                merged = list(sh.merged_cell_ranges or [])
            except (CalamineError, ValueError, AttributeError):  # not every format keeps them
                merged = []
            visible = str(getattr(meta.visible, "name", meta.visible)).endswith("Visible")
            sheets.append(Sheet(meta.name, visible, rows, merged))
    except PasswordError:
        raise Unreadable("encrypted") from None
    except (CalamineError, ValueError, OSError) as exc:
        raise _calamine_failure(exc, g.format) from None
    finally:
        try:
            wb.close()
        except Exception:  # noqa: BLE001 - closing a half-read workbook may fail; nothing to do
            pass
    return Book(g.format, sheets, g)


def _area(sh: Any) -> int:
    """Cells in the grid to_python(skip_empty_area=False) builds: A1 to the sheet's last cell."""
    end = sh.end
    return 0 if not end else (end[0] + 1) * (end[1] + 1)


def _calamine_failure(exc: Exception, fmt: str) -> Unreadable:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return Unreadable("encrypted")
    if "macrosheets/" in text:  # calamine opens no workbook holding an Excel 4.0 macro sheet
        return Unreadable("old-format", "macro-sheet")
    return Unreadable("corrupt-file", "xlsb" if fmt == "xlsb" else None)


# --- formulas without a cached value (xlsx only) ----------------------------------------
# A formula saved by a program that does not calculate (some generators, some scripts) has no
# value until Excel or WPS opens and saves the file; calamine then reads an empty cell.

_SHEET_ENTRY = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_SHEET_ENTRY_ALT = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', re.S)
_REL_ALT = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"', re.S)
_HAS_VALUE = re.compile(rb"<v>[^<]+</v>")
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


_CALC_ON_LOAD = re.compile(rb'<calcPr\b[^>]*\bfullCalcOnLoad="(1|true)"')


def _part_reader(g: Guarded) -> Callable[[str], bytes]:
    """A package part's bytes by name (b"" when absent): as the guard inflated it, else read the
    same way the guard reads."""
    members: dict[str, zipdir.Member] | None = None

    def part(name: str) -> bytes:
        nonlocal members
        known = g.parts.get(name)
        if known is not None:
            return known
        if members is None:
            members = {m.name: m for m in zipdir.directory(g.data, len(g.members) + 1)}
        return zipdir.read(g.data, members[name]) if name in members else b""

    return part


def _calc_on_load(g: Guarded) -> bool:
    try:
        workbook = _part_reader(g)(g.workbook)
    except zipdir.ZipError:
        return False
    return bool(_CALC_ON_LOAD.search(workbook))


def _blank_formulas(g: Guarded, every: bool = False) -> dict[str, set[str]]:
    """Per sheet, the formula cells saved without a value (every=True: all formula cells)."""
    found: dict[str, set[str]] = {}
    part = _part_reader(g)  # the guard has checked these parts already (and kept those it inflated)
    try:
        folder, _, leaf = g.workbook.rpartition("/")
        base = f"{folder}/" if folder else ""
        workbook = part(g.workbook)
        rels = part(f"{base}_rels/{leaf}.rels")
    except zipdir.ZipError:
        return found
    targets = {rid: tgt for rid, tgt in _REL.findall(rels)}
    targets.update({rid: tgt for tgt, rid in _REL_ALT.findall(rels)})
    entries = {name: rid for name, rid in _SHEET_ENTRY.findall(workbook)}
    entries.update({name: rid for rid, name in _SHEET_ENTRY_ALT.findall(workbook)})
    for raw_name, rid in entries.items():
        target = targets.get(rid)
        if target is None:
            continue
        t = target.decode("utf-8", "replace").lstrip("/")
        member = t if target.startswith(b"/") or (base and t.startswith(base)) else f"{base}{t}"
        try:
            xml = part(member)
        except zipdir.ZipError:
            continue
        if b"<f" not in xml:
            continue
        blanks = found.setdefault(_unescape(raw_name), set())
        for cell_ref, inner in _CELL.findall(xml):
            if inner and b"<f" in inner and (every or not _HAS_VALUE.search(inner)):
                blanks.add(cell_ref.decode())
    return found

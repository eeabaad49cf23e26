"""A legacy .xls, looked at before calamine sees it: its OLE container and its BIFF records.

The guard needs four answers that calamine cannot give safely from a byte buffer: is the
workbook password-protected (a FilePass record, RC4 or XOR), is it an Excel 95 or older file
(BIFF5 in a "Book" stream, BIFF2-4 with no container at all), is the OLE file a workbook at all
(a Word or PowerPoint file), and how large is each sheet's grid (its DIMENSIONS record: a 31 KB
file can declare 32,770 x 130 cells and take hundreds of MB once expanded).

This reads only the container's directory and the records that answer those questions: the
workbook globals up to their EOF, then a few records at each worksheet's BOF (found through
the BOUNDSHEET records). Every chain and every walk is bounded; anything that does not add up is
`BiffError`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
_MAX_RECORDS_AT_SHEET = 64   # DIMENSIONS comes within the first few records of a sheet

BOF_TYPES = {0x0009: 2, 0x0209: 3, 0x0409: 4}  # BIFF2-4 BOF record types -> BIFF version
_BOF8, _EOF, _FILEPASS, _BOUNDSHEET, _DIMENSIONS = 0x0809, 0x000A, 0x002F, 0x0085, 0x0200
_MACRO_SHEET = 0x0040


class BiffError(Exception):
    """The container or the record stream does not add up."""


@dataclass
class XlsInfo:
    """What the guard needs to know about a legacy workbook."""

    streams: set[str] = field(default_factory=set)   # top-level stream names, in upper case
    biff: int = 0                       # 8 for Excel 97-2003, 5 for Excel 5/95, 2-4 older
    encrypted: bool = False
    macro: bool = False                 # an Excel 4 macro sheet, not a worksheet
    sheets: list[tuple[str, int, int]] = field(default_factory=list)  # (name, rows, cols) per worksheet


def old_biff(data: bytes) -> XlsInfo | None:
    """A BIFF2-4 file (no OLE container, starts with its BOF record), else None."""
    if len(data) < 8:
        return None
    rtype, size = struct.unpack_from("<HH", data)
    if rtype not in BOF_TYPES or not 4 <= size <= 16:
        return None
    _version, dt = struct.unpack_from("<HH", data, 4)
    return XlsInfo(biff=BOF_TYPES[rtype], macro=dt == _MACRO_SHEET)


def inspect(data: bytes) -> XlsInfo:
    """An OLE file's streams and, for a workbook, its BIFF version, encryption and sheet sizes."""
    ole = _Ole(data)
    info = XlsInfo(streams=set(ole.entries))
    name = "WORKBOOK" if "WORKBOOK" in ole.entries else "BOOK" if "BOOK" in ole.entries else None
    if name is None:
        return info
    stream = ole.read(name)
    _walk(stream, info)
    return info


def _walk(s: bytes, info: XlsInfo) -> None:
    if len(s) < 8:
        raise BiffError("workbook stream too short")
    rtype, size = struct.unpack_from("<HH", s)
    if rtype != _BOF8 or size < 4:
        if rtype in BOF_TYPES:
            info.biff = BOF_TYPES[rtype]
            return
        raise BiffError("no BOF")
    version = struct.unpack_from("<H", s, 4)[0]
    info.biff = 8 if version == 0x0600 else 5 if version == 0x0500 else 8 if size >= 16 else 5
    boundsheets: list[tuple[int, int, str]] = []
    pos, end = 0, len(s)
    while pos + 4 <= end:
        rtype, size = struct.unpack_from("<HH", s, pos)
        body = s[pos + 4:pos + 4 + size]
        if rtype == _FILEPASS:
            info.encrypted = True
            return
        if rtype == _BOUNDSHEET and len(body) >= 8:
            offset, _visibility, kind = struct.unpack_from("<IBB", body)
            if kind == 0:  # a worksheet (1 macro sheet, 2 chart, 6 VB module)
                boundsheets.append((offset, pos, _sheet_name(body[6:], info.biff)))
        if rtype == _EOF:
            break
        pos += 4 + size
    for offset, _, name in boundsheets:
        info.sheets.append((name, *_dimensions(s, offset, info.biff)))


def _sheet_name(raw: bytes, biff: int) -> str:
    if not raw:
        return ""
    n = raw[0]
    if biff >= 8 and len(raw) >= 2:
        if raw[1] & 1:
            return raw[2:2 + 2 * n].decode("utf-16-le", "replace")
        return raw[2:2 + n].decode("latin-1")
    return raw[1:1 + n].decode("latin-1")


def _dimensions(s: bytes, pos: int, biff: int) -> tuple[int, int]:
    """(rows, columns) from A1 to the end of the sheet's used range, by its DIMENSIONS record."""
    if pos + 4 > len(s) or struct.unpack_from("<H", s, pos)[0] != _BOF8:
        raise BiffError("BOUNDSHEET points at no BOF")
    for _ in range(_MAX_RECORDS_AT_SHEET):
        if pos + 4 > len(s):
            break
        rtype, size = struct.unpack_from("<HH", s, pos)
        body = s[pos + 4:pos + 4 + size]
        if rtype == _DIMENSIONS:
            if biff >= 8 and len(body) >= 12:
                _, last_row, _, last_col = struct.unpack_from("<IIHH", body)
            elif len(body) >= 8:
                _, last_row, _, last_col = struct.unpack_from("<HHHH", body)
            else:
                raise BiffError("short DIMENSIONS")
            return last_row, last_col   # both one past the last used row / column
        if rtype == _EOF:
            break
        pos += 4 + size
    return 0, 0


class _Ole:
    """The directory of an OLE compound file, and its streams by name (top level only)."""

    def __init__(self, data: bytes):
        if len(data) < 512 or data[:8] != OLE_MAGIC:
            raise BiffError("not an OLE file")
        self.data = data
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise BiffError("odd sector sizes")
        self.size = 1 << shift
        self.mini = 1 << mini_shift
        (n_fat, first_dir, _, self.cutoff, first_minifat, n_minifat, first_difat,
         n_difat) = struct.unpack_from("<IIIIIIII", data, 0x2C)
        self.n_sectors = max(0, (len(data) - self.size) // self.size + 1)
        fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
        sector, seen = first_difat, 0
        while sector not in (_FREE, _END) and seen < n_difat:
            block = self._sector(sector)
            ids = struct.unpack(f"<{self.size // 4}I", block)
            fat_sectors.extend(ids[:-1])
            sector = ids[-1]
            seen += 1
        fat_sectors = [s for s in fat_sectors[:n_fat] if s not in (_FREE, _END)]
        self.fat = [x for s in fat_sectors for x in struct.unpack(f"<{self.size // 4}I", self._sector(s))]
        directory = self._chain(first_dir)
        self.entries: dict[str, tuple[int, int]] = {}  # by upper-case name
        root: tuple[int, int] | None = None
        for i in range(0, len(directory) - 127, 128):
            e = directory[i:i + 128]
            name_len, kind = struct.unpack_from("<HB", e, 64)
            start, size = struct.unpack_from("<IQ", e, 116)
            if self.size == 512:
                size &= 0xFFFFFFFF
            name = e[:max(0, name_len - 2)].decode("utf-16-le", "replace")
            if kind == 5 and root is None:
                root = (start, size)
            elif kind == 2:  # names compare without case: Excel writes "Workbook", others "WORKBOOK"
                self.entries.setdefault(name.upper(), (start, size))
        self.minifat: list[int] = []
        self.ministream = b""
        if root is not None and n_minifat:
            raw = self._chain(first_minifat)
            self.minifat = list(struct.unpack(f"<{len(raw) // 4}I", raw[:len(raw) // 4 * 4]))
            self.ministream = self._chain(root[0])[:root[1]]

    def _sector(self, n: int) -> bytes:
        off = (n + 1) * self.size
        block = self.data[off:off + self.size]
        if len(block) != self.size:
            raise BiffError("sector past the end of the file")
        return block

    def _chain(self, start: int, fat: list[int] | None = None, read=None) -> bytes:  # type: ignore[no-untyped-def]
        fat = self.fat if fat is None else fat
        read = read or self._sector
        parts, sector, steps = [], start, 0
        while sector not in (_END, _FREE):
            if sector >= len(fat) or steps > len(fat):
                raise BiffError("broken sector chain")
            parts.append(read(sector))
            sector = fat[sector]
            steps += 1
        return b"".join(parts)

    def _mini_sector(self, n: int) -> bytes:
        block = self.ministream[n * self.mini:(n + 1) * self.mini]
        if len(block) != self.mini:
            raise BiffError("mini sector past the end of the mini stream")
        return block

    def read(self, name: str) -> bytes:
        start, size = self.entries[name.upper()]
        if size < self.cutoff:
            raw = self._chain(start, self.minifat, self._mini_sector)
        else:
            raw = self._chain(start)
        if len(raw) < size:
            raise BiffError("stream shorter than its directory entry")
        return raw[:size]


# --- .xlsb sheets: BIFF12 records --------------------------------------------------------------
_XLSB_CELLS = frozenset(range(0x0002, 0x000C))  # RK, error, bool, real, string, shared string, formulas
_XLSB_ROW, _XLSB_END_DATA = 0x0000, 0x0092


def xlsb_extent(s: bytes) -> tuple[int, int, int]:
    """(rows, columns, cells) of an .xlsb sheet part: A1 to the last cell present, and the count.

    calamine builds a dense grid from the cells it finds (blank cells are skipped), whatever the
    sheet's BrtWsDim claims; so this walks every record, as calamine will."""
    pos, end = 0, len(s)
    row = max_row = max_col = cells = 0
    while pos < end:
        rtype = s[pos]
        pos += 1
        if rtype & 0x80:
            if pos >= end:
                raise BiffError("record type cut short")
            rtype = (rtype & 0x7F) | ((s[pos] & 0x7F) << 7)
            pos += 1
        size = shift = 0
        for _ in range(4):
            if pos >= end:
                raise BiffError("record size cut short")
            b = s[pos]
            pos += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        if rtype in _XLSB_CELLS and size >= 4:
            cells += 1
            col = int.from_bytes(s[pos:pos + 4], "little")
            max_row, max_col = max(max_row, row + 1), max(max_col, col + 1)
        elif rtype == _XLSB_ROW and size >= 4:
            row = int.from_bytes(s[pos:pos + 4], "little")
        elif rtype == _XLSB_END_DATA:
            break
        pos += size
    return max_row, max_col, cells

"""Checks before any parser sees a file: is this a workbook we can safely read?

Everything here works from the file's first bytes and, for zip-based formats, the zip's central
directory. Nothing is decompressed except the small XML parts checked for DOCTYPE/ENTITY. A file
that fails is turned away with one clear Chinese reason (`Unreadable`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..model.findings import reason
from ..model.limits import DEFAULT_LIMITS, MiB, Limits
from . import biff, zipdir

Format = Literal["xlsx", "xls", "ods", "xlsb"]

OLE_MAGIC = biff.OLE_MAGIC
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")

class Unreadable(Exception):
    """The file cannot be read as a workbook: a finding code (and wording) of data/findings.toml."""

    def __init__(self, code: str, variant: str | None = None, **params: object):
        self.code = code
        self.variant = variant
        self.params = params
        self.reason = reason(code, variant, **params)
        super().__init__(self.reason)


@dataclass
class Guarded:
    """A file that passed the checks: its bytes, format, and what the zip directory told us."""

    path: Path
    data: bytes
    format: Format
    members: list[str] = field(default_factory=list)
    workbook: str = "xl/workbook.xml"   # the workbook part of an OOXML package (from _rels/.rels)
    limits: Limits = DEFAULT_LIMITS     # the limits it was checked against, for the reader to keep
    parts: dict[str, bytes] = field(default_factory=dict)  # XML parts the checks inflated whole (size and CRC held)


_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_BAD_NAME = re.compile(r"(^/|^\\|\\|\x00|(^|/)\.\.(/|$)|^[A-Za-z]:)", re.M)
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_SST_COUNT = re.compile(rb'<sst\b[^>]*?\b(?:uniqueCount|count)="(\d+)"')


def guard(path: str | Path, limits: Limits = DEFAULT_LIMITS, *, stat: os.stat_result | None = None) -> Guarded:
    """Read the file once and decide whether a parser may see it. stat: the file's, when the
    caller has just taken it."""
    path = path if isinstance(path, Path) else Path(path)
    try:
        size = (stat or path.stat()).st_size
    except OSError as exc:
        raise Unreadable("unreadable", error=exc.strerror or exc) from None
    if size == 0:
        raise Unreadable("empty-file")
    if size > limits.max_bytes:
        raise Unreadable("file-too-large", mb=f"{size / MiB:.1f}", limit=f"{limits.max_bytes / MiB:.0f}")
    try:
        data = _read_upto(path, size + 1)  # what stat said, and a byte more if it grew meanwhile
    except OSError as exc:
        raise Unreadable("unreadable", "read", error=exc.strerror or exc) from None
    g = _guard_bytes(path, data, limits)
    g.limits = limits
    return g


def _guard_bytes(path: Path, data: bytes, limits: Limits) -> Guarded:
    head = data[:8]
    if head == OLE_MAGIC:
        return _guard_ole(path, data, limits)
    old = biff.old_biff(data)
    if old is not None:
        raise Unreadable("old-format", "macro" if old.macro else None, version=_EXCEL_OF_BIFF[old.biff])
    if head[:4] in ZIP_MAGIC:
        return _guard_zip(path, data, limits)
    if head[:5] in (b"<?xml", b"<html", b"<HTML", b"<!DOC") or data[:3] == b"\xef\xbb\xbf":
        raise Unreadable("not-a-workbook", "html")
    if head[:4] == b"%PDF":
        raise Unreadable("not-a-workbook", "pdf")
    raise Unreadable("not-a-workbook")


def _read_upto(path: Path, n: int) -> bytes:
    """At most n bytes, unbuffered: asking a buffered reader for the 20 MB limit costs a 20 MB
    allocation per file (a fifth of the guard's time on a form)."""
    parts: list[bytes] = []
    with open(path, "rb", buffering=0) as fh:
        while n > 0:
            chunk = fh.read(n)
            if not chunk:
                break
            parts.append(chunk)
            n -= len(chunk)
    return b"".join(parts)


_EXCEL_OF_BIFF = {2: "Excel 2.x", 3: "Excel 3.0", 4: "Excel 4.0", 5: "Excel 5.0/95"}


def _guard_ole(path: Path, data: bytes, limits: Limits) -> Guarded:
    """A legacy .xls (or another OLE file): encrypted, too old, not a workbook, or too large?"""
    try:
        info = biff.inspect(data)
    except biff.BiffError:
        # a container this walk cannot follow: calamine may still read it, or say it is damaged
        if _ENCRYPTED_STREAM in data:
            raise Unreadable("encrypted") from None
        return Guarded(path, data, "xls")
    if "ENCRYPTEDPACKAGE" in info.streams:
        raise Unreadable("encrypted")    # an .xlsx with an open password is an OLE file
    if "WORKBOOK" not in info.streams and "BOOK" not in info.streams:
        if "WORDDOCUMENT" in info.streams:
            raise Unreadable("not-a-workbook", "word")
        if "POWERPOINT DOCUMENT" in info.streams:
            raise Unreadable("not-a-workbook", "powerpoint")
        raise Unreadable("not-a-workbook", "ole")
    if info.encrypted:
        raise Unreadable("encrypted")
    if info.biff < 8:
        raise Unreadable("old-format", version=_EXCEL_OF_BIFF.get(info.biff, "Excel 95"))
    _check_areas([(rows, cols) for _, rows, cols in info.sheets], limits)
    return Guarded(path, data, "xls")


def _check_areas(sheets: list[tuple[int, int]], limits: Limits) -> None:
    """Each sheet's grid, A1 to its last cell, and all of them together, within the limits."""
    book = 0
    for rows, cols in sheets:
        if rows * cols > limits.max_area:
            raise Unreadable("suspicious-file", "area", rows=f"{rows:,}", cols=f"{cols:,}",
                             limit=f"{limits.max_area:,}")
        book += rows * cols
    if book > limits.max_book_area:
        raise Unreadable("suspicious-file", "book-area", cells=f"{book:,}", limit=f"{limits.max_book_area:,}")


def _guard_zip(path: Path, data: bytes, limits: Limits) -> Guarded:
    try:
        members = zipdir.directory(data, limits.max_members)
    except zipdir.ZipError as exc:
        if exc.suspicious:
            raise Unreadable("suspicious-file", "zip") from None
        raise Unreadable("corrupt-file", "zip") from None
    by_name = {m.name: m for m in members}
    # one search over all the names (a name holding a line break only gives the anchors more to match)
    if len(by_name) != len(members) or _BAD_NAME.search("\n".join(by_name)):
        raise Unreadable("suspicious-file", "names")
    total = 0
    for m in members:
        if m.method not in (zipdir.STORED, zipdir.DEFLATED):
            raise Unreadable("suspicious-file", "method")
        if m.flags & 0x1:
            raise Unreadable("encrypted", "zip")
        if m.size > limits.max_member_bytes:
            raise Unreadable("suspicious-file", "member")
        if m.size > limits.ratio_floor and m.size > limits.max_ratio * max(1, m.compressed):
            raise Unreadable("suspicious-file", "ratio")
        total += m.size
    if total > limits.max_total_bytes:
        raise Unreadable("suspicious-file", "total")
    names = by_name.keys()

    workbook = ""
    if "mimetype" in names and "content.xml" in names:
        fmt: Format = "ods"
        _refuse_encrypted_ods(data, by_name)
    elif "[Content_Types].xml" in names:
        workbook = _workbook_part(data, by_name)
        if workbook not in names:
            if "word/document.xml" in names:
                raise Unreadable("not-a-workbook", "word")
            if "ppt/presentation.xml" in names:
                raise Unreadable("not-a-workbook", "powerpoint")
            raise Unreadable("corrupt-file", "no-workbook")
        fmt = "xlsb" if workbook.endswith(".bin") else "xlsx"
        folder = workbook.rpartition("/")[0]
        if any(n.startswith(f"{folder}/macrosheets/" if folder else "macrosheets/") for n in names):
            # an Excel 4.0 macro sheet: calamine opens no workbook that holds one
            raise Unreadable("old-format", "macro-sheet")
    else:
        raise Unreadable("not-a-workbook", "zip")

    base = workbook.rpartition("/")[0] + "/" if "/" in workbook else ""
    areas: list[tuple[int, int]] = []
    parts: dict[str, bytes] = {}
    for name, m in by_name.items():
        if fmt == "xlsb" and name.startswith(f"{base}worksheets/") and name.endswith(".bin"):
            areas.append(_xlsb_sheet(data, m, limits))
            continue
        if not _is_parsed(name, fmt, base):
            continue  # read by no reader: the size and ratio checks above are all it needs
        whole = _is_scanned_whole(name, fmt, base)
        try:
            if whole:
                part = parts[name] = zipdir.read(data, m)
            else:
                raw = zipdir.stored_bytes(data, m)
                key = (name, m.method, m.crc, m.size, limits.max_xml_scan)
                seen = _PASSED.get(key)
                if seen is not None and seen[0] == raw:  # the very bytes checked before
                    if seen[1] is not None:
                        parts[name] = seen[1]
                    continue
                if m.size <= limits.max_xml_scan:
                    # all of it, checked against its size and CRC: a size that lies (a "0-byte" part
                    # that inflates to gigabytes) is caught here, before a reader trusts it
                    part = parts[name] = zipdir.read(data, m, raw=raw)
                else:
                    part = zipdir.read(data, m, 512, raw)  # the prolog is in a real part's first bytes
                    if not _PROLOG.match(part):
                        part = zipdir.read(data, m, limits.max_xml_scan, raw)
        except zipdir.ZipError:
            raise Unreadable("corrupt-file", "inflate") from None
        _check_prolog(part)
        if whole:
            area = _check_content(name, part, limits, base)
            if area is not None:
                areas.append(area)
        elif len(raw) <= _PASSED_BYTES:
            if len(_PASSED) >= _PASSED_MAX:
                _PASSED.clear()
            _PASSED[key] = (bytes(raw), parts.get(name))
    _check_areas(areas, limits)
    return Guarded(path, data, fmt, sorted(names), workbook or "xl/workbook.xml", parts=parts)


# The parts of a form's template (styles, theme, workbook, relationships) come again and again,
# byte for byte, in a folder of returns made from one form. Parts that passed the prolog and
# size checks are remembered by their stored bytes: the same bytes (compared whole, not by CRC,
# which a crafted part could match) have passed already and are not inflated and checked again.
# Sheets and shared strings, different in every return, are checked every time.
# Held per process, within a few MiB: at most _PASSED_MAX parts of at most _PASSED_BYTES stored
# (each kept with its inflated bytes, at most max_xml_scan).
_PASSED: dict[tuple[str, int, int, int, int], tuple[bytes, bytes | None]] = {}
_WORKBOOK_OF: dict[tuple[int, int, int, bytes], str] = {}  # a package's relationships -> its workbook part
_PASSED_MAX = 128            # entries: the parts of a few templates
_PASSED_BYTES = 16 * 1024    # stored bytes of one remembered part, at most


def _xlsb_sheet(data: bytes, m: zipdir.Member, limits: Limits) -> tuple[int, int]:
    """An .xlsb sheet's cells present and their area (rows, columns), from its records."""
    try:
        rows, cols, cells = biff.xlsb_extent(zipdir.read(data, m))
    except zipdir.ZipError:
        raise Unreadable("corrupt-file", "inflate") from None
    except biff.BiffError:
        raise Unreadable("corrupt-file", "xlsb") from None
    if cells > limits.max_cells:
        raise Unreadable("suspicious-file", "cells", cells=f"{cells:,}")
    return rows, cols


_OFFICE_DOC = re.compile(rb'<Relationship\b[^>]*?\bType="[^"]*/officeDocument"[^>]*>', re.S)
_TARGET = re.compile(rb'\bTarget="([^"]*)"')


def _workbook_part(data: bytes, by_name: dict[str, zipdir.Member]) -> str:
    """The workbook part, as the package's own relationships name it (usually xl/workbook.xml)."""
    rels = by_name.get("_rels/.rels")
    if rels is not None:
        try:
            raw = zipdir.stored_bytes(data, rels)
            key = (rels.method, rels.crc, rels.size, bytes(raw))
            known = _WORKBOOK_OF.get(key)  # the same relationships as a package seen before
            if known is not None:
                return known
            part = zipdir.read(data, rels, raw=raw)
        except zipdir.ZipError:
            raise Unreadable("corrupt-file", "inflate") from None
        _check_prolog(part)
        for rel in _OFFICE_DOC.findall(part):
            t = _TARGET.search(rel)
            if t:
                target = _unescape(t.group(1)).lstrip("/")
                if target.startswith("./"):
                    target = target[2:]
                if len(_WORKBOOK_OF) >= _PASSED_MAX:
                    _WORKBOOK_OF.clear()
                _WORKBOOK_OF[key] = target
                return target
    for name in ("xl/workbook.xml", "xl/workbook.bin"):
        if name in by_name:
            return name
    return "xl/workbook.xml"


def _refuse_encrypted_ods(data: bytes, by_name: dict[str, zipdir.Member]) -> None:
    """An .ods saved with a password lists its encrypted parts in the manifest."""
    m = by_name.get("META-INF/manifest.xml")
    if m is None:
        return
    try:
        manifest = zipdir.read(data, m)
    except zipdir.ZipError:
        raise Unreadable("corrupt-file", "inflate") from None
    if b"encryption-data" in manifest:
        raise Unreadable("encrypted")


def _is_parsed(name: str, fmt: Format, base: str) -> bool:
    """Parts a reader parses, held to the strict XML checks: the content types, relationships,
    and every XML part of the workbook itself (workbook, sheets, shared strings, styles). Other
    parts (customXml with its <?mso-contentType?> or UTF-16 DataMashup, docProps, thumbnails)
    are read by no reader."""
    if fmt == "ods":
        return name in ("content.xml", "styles.xml", "META-INF/manifest.xml")
    if name == "[Content_Types].xml" or name.endswith(".rels"):
        return True
    return name.endswith(".xml") and name.startswith(base)


def _is_scanned_whole(name: str, fmt: Format, base: str) -> bool:
    """Parts whose whole content is checked: the sheets, the shared strings, ODS content."""
    if fmt == "ods":
        return name == "content.xml"
    if fmt == "xlsb":
        return False
    return (name.startswith(f"{base}worksheets/") and name.endswith(".xml")) or name == f"{base}sharedStrings.xml"


_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]{0,200}\?>)?\s*(?:<!--.*?-->\s*)*<[A-Za-z_]", re.S)


def _check_prolog(part: bytes) -> None:
    """Before the root element an XML part may hold a declaration and comments, nothing else:
    a DOCTYPE (entity expansion, external entities, external DTDs) is turned away."""
    if part[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in part[:64]:
        raise Unreadable("suspicious-file", "encoding")
    if _PROLOG.match(part):
        return
    if _DOCTYPE.search(part[:65536]):
        raise Unreadable("suspicious-file", "doctype")
    if part.strip():
        raise Unreadable("suspicious-file", "xml")


# Only references that could make a large area are looked at closely: two or more column
# letters, or five or more row digits (a sheet within A1:Z9999 cannot pass the limits).
# A cell written as <c .../> holds no value (a styled blank, often a whole formatted row out to
# XFD1048576): calamine skips it, so it does not make the grid any larger. <row> alone neither.
_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(/?)>')
_SUSPECT_REF = re.compile(rb'r="(?:[A-Z][A-Z]|[A-Z]*\d{5})')  # one pass, from the literal prefix
_LONG_RUN = re.compile(rb"<(?:t|text:p|text:span)\b[^>]*>([^<]{%d,})")


def _check_content(name: str, part: bytes, limits: Limits, base: str) -> tuple[int, int] | None:
    """The long texts, the shared strings' count, and a sheet's cells and area (rows, columns)."""
    if len(part) > limits.max_text:
        # a text run needs at least one byte per character: only runs that long are decoded and counted
        for run in re.finditer(_LONG_RUN.pattern % (limits.max_text + 1), part):
            if len(_unescape(run.group(1))) > limits.max_text:
                raise Unreadable("suspicious-file", "long-text")
    if name == f"{base}sharedStrings.xml":
        m = _SST_COUNT.search(part[:4096])
        # an entry takes at least 5 bytes (<si/>): a smaller part cannot hold too many, so skip the count
        if (m and int(m.group(1)) > limits.max_shared_strings) or (
                len(part) > 5 * limits.max_shared_strings and part.count(b"<si") > limits.max_shared_strings):
            raise Unreadable("suspicious-file", "strings")
        return None
    if not name.startswith(f"{base}worksheets/"):
        return None
    # a cell takes at least 4 bytes (<c/>): a smaller part cannot hold too many, so skip the count
    if len(part) > 4 * limits.max_cells:
        cells = part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/")
        if cells > limits.max_cells:
            raise Unreadable("suspicious-file", "cells", cells=f"{cells:,}")
    # the cells present decide the area, not the <dimension> a writer claims (calamine builds
    # its grid from the cells; it trusts a dimension only for a small reservation)
    max_row = max_col = 0
    if _SUSPECT_REF.search(part):
        for col, row, empty in _REF.findall(part):
            if not empty:
                max_col = max(max_col, _col_number(col))
                max_row = max(max_row, int(row))
    return max_row, max_col


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    if "&" not in text:  # nothing to unescape: the common case
        return text
    from html import unescape

    return unescape(text)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n

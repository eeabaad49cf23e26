"""Checks before any parser sees a file: is this a workbook we can safely read?

Everything here works from the file's first bytes and, for zip-based formats, the zip's central
directory. Nothing is decompressed except the small XML parts checked for DOCTYPE/ENTITY. A file
that fails is turned away with one clear Chinese reason (`Unreadable`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..model.findings import reason
from ..model.limits import DEFAULT_LIMITS, MiB, Limits
from . import zipdir

Format = Literal["xlsx", "xls", "ods"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
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


_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_BAD_NAME = re.compile(r"(^/|^\\|\\|\x00|(^|/)\.\.(/|$)|^[A-Za-z]:)", re.M)
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_SST_COUNT = re.compile(rb'<sst\b[^>]*?\b(?:uniqueCount|count)="(\d+)"')


def guard(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Guarded:
    """Read the file once and decide whether a parser may see it."""
    path = Path(path)
    try:
        size = path.stat().st_size
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
    head = data[:8]
    if head == OLE_MAGIC:
        if _ENCRYPTED_STREAM in data:
            raise Unreadable("encrypted")
        return Guarded(path, data, "xls")
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

    if "mimetype" in names and "content.xml" in names:
        fmt: Format = "ods"
    elif "[Content_Types].xml" in names:
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            if "word/document.xml" in names:
                raise Unreadable("not-a-workbook", "word")
            if "ppt/presentation.xml" in names:
                raise Unreadable("not-a-workbook", "powerpoint")
            raise Unreadable("corrupt-file", "no-workbook")
        if "xl/workbook.bin" in names:
            raise Unreadable("not-a-workbook", "xlsb")
        fmt = "xlsx"
    else:
        raise Unreadable("not-a-workbook", "zip")

    for name, m in by_name.items():
        if not name.endswith((".xml", ".rels")):
            continue
        whole = _is_scanned_whole(name, fmt)
        try:
            if whole:
                part = zipdir.read(data, m)  # checks size and CRC: sizes that lie are caught here
            else:
                part = zipdir.read(data, m, 512)  # the prolog is in a real part's first bytes
                if not _PROLOG.match(part):
                    part = zipdir.read(data, m, limits.max_xml_scan)
        except zipdir.ZipError:
            raise Unreadable("corrupt-file", "inflate") from None
        _check_prolog(part)
        if whole:
            _check_content(name, part, limits)
    return Guarded(path, data, fmt, sorted(names))


def _is_scanned_whole(name: str, fmt: Format) -> bool:
    """Parts whose whole content is checked: the sheets, the shared strings, ODS content."""
    if fmt == "ods":
        return name == "content.xml"
    return name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"


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


# Only references that could break a limit are looked at closely: three or more column letters,
# two letters (AA-ZZ may pass 200 columns), or five or more row digits. A real form has none.
_WIDE_REF = re.compile(rb'<(?:c|row)\b[^>]*?\br="([A-Z]*)(\d*)"')
_SUSPECT_REF = re.compile(rb'r="(?:[A-Z][A-Z]|[A-Z]*\d{5})')  # one pass, from the literal prefix
_LONG_TEXT = re.compile(rb"<(?:t|text:p|text:span)\b[^>]*>[^<]{32768}")
_SI = re.compile(rb"<si\b")


def _check_content(name: str, part: bytes, limits: Limits) -> None:
    if len(part) > 32768 and _LONG_TEXT.search(part):
        raise Unreadable("suspicious-file", "long-text")
    if name == "xl/sharedStrings.xml":
        m = _SST_COUNT.search(part[:4096])
        # an entry takes at least 5 bytes (<si/>): a smaller part cannot hold too many, so skip the count
        if (m and int(m.group(1)) > limits.max_shared_strings) or (
                len(part) > 5 * limits.max_shared_strings and part.count(b"<si") > limits.max_shared_strings):
            raise Unreadable("suspicious-file", "strings")
        return
    if not name.startswith("xl/worksheets/"):
        return
    # a cell takes at least 4 bytes (<c/>): a smaller part cannot hold too many, so skip the count
    if len(part) > 4 * limits.max_cells:
        cells = part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/")
        if cells > limits.max_cells:
            raise Unreadable("suspicious-file", "cells", cells=f"{cells:,}")
    max_row = max_col = 0
    if _SUSPECT_REF.search(part):
        for col, row in _WIDE_REF.findall(part):
            if col:
                max_col = max(max_col, _col_number(col))
            if row:
                max_row = max(max_row, int(row))
    m = _DIMENSION.search(part[:4096])
    if m:
        max_col = max(max_col, _col_number(m.group(3) or m.group(1)))
        max_row = max(max_row, int(m.group(4) or m.group(2)))
    if max_row > limits.max_rows or max_col > limits.max_cols:
        raise Unreadable("suspicious-file", "range", rows=f"{max_row:,}", cols=f"{max_col:,}")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n

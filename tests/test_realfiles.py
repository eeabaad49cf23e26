"""Real workbooks, as other programs write them: read when they can be, refused with the right
reason when they cannot (issue 12, "Real workbooks refused or misnamed").

The small fixtures in tests/data/realfiles are made by tools/make_realfile_fixtures.py. Tests
marked `corpus` run on public spreadsheet test corpora (SheetJS/test_files, apache/poi's
test-data/spreadsheet, tafia/calamine's tests) when CBC_CORPUS_DIR names a folder holding them;
tools/corpus.py explains how to run cbc over all of it.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cbc_cli.judge.ladder import validate_file
from cbc_cli.model.limits import Limits
from cbc_cli.read import zipdir
from cbc_cli.read.grid import read_book
from cbc_cli.read.guard import Unreadable, guard
from tests.hostile import HEAD, _read, rezip

DATA = Path(__file__).parent / "data" / "realfiles"
ROOT = Path(__file__).parent.parent
CORPUS = os.environ.get("CBC_CORPUS_DIR")
SAVE_UNENCRYPTED = "请另存为未加密的副本"


def verdict(path: Path, limits: Limits = Limits()) -> tuple[str, str | None]:
    """('read', None), or the refusal's (code, variant)."""
    try:
        read_book(guard(path, limits))
    except Unreadable as exc:
        return exc.code, exc.variant
    return "read", None


def message(path: Path) -> str:
    r = validate_file(path)
    return r.issues[0].message


# --- what was refused and is read now ---------------------------------------------------------

def test_customxml_parts_that_no_reader_parses_do_not_refuse_the_workbook():
    """Office templates and SharePoint add customXml/item1.xml starting with <?mso-contentType?>;
    Power Query and Mac Excel 16 add a UTF-16 DataMashup item. Neither is parsed by any reader."""
    with zipfile.ZipFile(DATA / "customxml.xlsx") as z:
        assert b"<?mso-contentType?>" in z.read("customXml/item1.xml")
        assert z.read("customXml/item2.xml")[:2] == b"\xff\xfe"
    assert verdict(DATA / "customxml.xlsx") == ("read", None)
    book = read_book(guard(DATA / "customxml.xlsx"))
    assert book.sheets[0].at("A1") == "参与职工人数" and book.sheets[0].at("B1") == 120


def _moved(data: bytes, folder: str) -> bytes:
    """The package with the workbook's parts moved from xl/ to another folder."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            body = src.read(name)
            if name.endswith(".rels") or name == "[Content_Types].xml":
                body = body.replace(b"/xl/", f"/{folder}/".encode()).replace(b'"xl/', f'"{folder}/'.encode())
            dst.writestr(f"{folder}/{name[3:]}" if name.startswith("xl/") else name, body)
    return out.getvalue()


def test_a_return_with_customxml_parts_or_its_workbook_elsewhere_is_checked_as_usual(tmp_path):
    """A filled 统计表, as a clerk's Office template or another writer would package it."""
    from tests.hostile import good_bytes

    with zipfile.ZipFile(DATA / "customxml.xlsx") as z:
        custom = [(n, z.read(n)) for n in z.namelist() if n.startswith("customXml/")]
    good = good_bytes(tmp_path)
    (tmp_path / "template.xlsx").write_bytes(rezip(good, add=custom))
    (tmp_path / "moved.xlsx").write_bytes(_moved(good, "wb"))
    (tmp_path / "plain.xlsx").write_bytes(good)
    plain = validate_file(tmp_path / "plain.xlsx")
    assert plain.readable and plain.valid
    for name in ("template.xlsx", "moved.xlsx"):
        r = validate_file(tmp_path / name)
        assert r.readable and r.valid, (name, r.issues)
        assert (r.unit, r.values) == (plain.unit, plain.values)


def test_parts_a_reader_parses_keep_the_strict_checks(tmp_path):
    """The same UTF-16 text or a DOCTYPE in the workbook's own parts is still refused."""
    base = (DATA / "customxml.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        styles, sheet = z.read("xl/styles.xml"), z.read("xl/worksheets/sheet1.xml")
    utf16 = tmp_path / "utf16-styles.xlsx"
    utf16.write_bytes(rezip(base, replace={"xl/styles.xml": styles.decode().encode("utf-16")}))
    assert verdict(utf16) == ("suspicious-file", "encoding")
    doctype = tmp_path / "doctype-in-custom-and-sheet.xlsx"
    doctype.write_bytes(rezip(base, replace={"xl/worksheets/sheet1.xml": HEAD + b'<!DOCTYPE x [<!ENTITY e "x">]>'
                                             + sheet[len(HEAD):]}))
    assert verdict(doctype) == ("suspicious-file", "doctype")
    rels = tmp_path / "doctype-in-rels.xlsx"
    rels.write_bytes(rezip(base, replace={"customXml/_rels/item1.xml.rels": HEAD + b"<!DOCTYPE r SYSTEM 'http://x/'><r/>"}))
    assert verdict(rels) == ("suspicious-file", "doctype")


def _same_crc(body: bytes, crc: int) -> bytes:
    """body with its last 4 bytes chosen so that its CRC-32 is crc (CRC-32 is affine over GF(2))."""
    import zlib

    head = body[:-4]
    base = zlib.crc32(head + b"\0\0\0\0")
    columns = [zlib.crc32(head + (1 << bit).to_bytes(4, "little")) ^ base for bit in range(32)]
    basis: list[tuple[int, int]] = []  # (vector, which of the 32 bits make it), distinct top bits
    for i, col in enumerate(columns):
        vec, made = col, 1 << i
        for bvec, bmade in basis:
            if vec ^ bvec < vec:  # bvec's top bit is set in vec
                vec, made = vec ^ bvec, made ^ bmade
        if vec:
            basis = sorted([*basis, (vec, made)], reverse=True)
    want, pick = crc ^ base, 0
    for bvec, bmade in basis:
        if want ^ bvec < want:
            want, pick = want ^ bvec, pick ^ bmade
    assert want == 0
    forged = head + pick.to_bytes(4, "little")
    assert zlib.crc32(forged) == crc
    return forged


def test_a_part_like_one_checked_before_is_checked_again_unless_its_bytes_are_the_same(tmp_path):
    """The guard remembers template parts that passed (styles, theme, workbook) by their stored
    bytes, not by CRC and size, which a crafted part can match: a DOCTYPE styles part with the
    CRC-32 and size of a benign one seen just before is still refused."""
    import zlib

    base = (DATA / "customxml.xlsx").read_bytes()
    styles = _read(base, "xl/styles.xml")
    first = tmp_path / "first.xlsx"
    first.write_bytes(base)
    assert verdict(first) == ("read", None)
    again = guard(first)
    assert verdict(first) == ("read", None) and guard(first).parts == again.parts  # remembered: the same parts
    evil = HEAD + b'<!DOCTYPE x [<!ENTITY e "x">]><x/>'
    evil = evil + b" " * (len(styles) - len(evil))
    forged = _same_crc(evil, zlib.crc32(styles))
    assert len(forged) == len(styles) and forged != styles and zlib.crc32(forged) == zlib.crc32(styles)
    crafted = tmp_path / "crafted.xlsx"
    crafted.write_bytes(rezip(base, replace={"xl/styles.xml": forged}))
    assert verdict(crafted) == ("suspicious-file", "doctype")
    assert verdict(first) == ("read", None)


def test_customxml_parts_keep_the_size_and_ratio_checks(tmp_path):
    base = (DATA / "customxml.xlsx").read_bytes()
    bomb = tmp_path / "customxml-bomb.xlsx"
    bomb.write_bytes(rezip(base, replace={"customXml/item1.xml": b"<?mso-contentType?>" + b" " * (17 * 1024 * 1024)}))
    assert verdict(bomb)[0] == "suspicious-file"


def test_the_workbook_part_is_found_through_the_package_relationships():
    with zipfile.ZipFile(DATA / "workbook-elsewhere.xlsx") as z:
        assert "xl/workbook.xml" not in z.namelist() and "excel/workbook.xml" in z.namelist()
    g = guard(DATA / "workbook-elsewhere.xlsx")
    assert g.workbook == "excel/workbook.xml"
    book = read_book(g)
    assert book.sheets[0].name == "统计表" and book.sheets[0].at("B2") == 30
    assert not book.is_blank_formula("统计表", "B2")  # the formula scan finds the sheet there too


def test_a_package_without_its_workbook_part_is_still_damaged(tmp_path):
    base = (DATA / "workbook-elsewhere.xlsx").read_bytes()
    p = tmp_path / "no-workbook.xlsx"
    p.write_bytes(rezip(base, replace={"excel/workbook.xml": None}))
    assert verdict(p) == ("corrupt-file", "no-workbook")


@pytest.mark.parametrize("name, rows, cols", [("wide-1x256.xls", 1, 256), ("wide-2x300.xlsx", 2, 300)])
def test_wide_used_ranges_that_ordinary_files_have_are_read(name, rows, cols):
    book = read_book(guard(DATA / name))
    sheet = book.sheets[0]
    assert len(sheet.rows) == rows and max(len(r) for r in sheet.rows) == cols
    assert sheet.at("A1") == "参与职工人数" and sheet.at("B1") == 120


def test_an_xls_declaring_a_huge_grid_is_refused_before_calamine_expands_it():
    """31 KB on disk, 32,770 x 130 once expanded: the DIMENSIONS record says so first."""
    assert (DATA / "tall-32770x130.xls").stat().st_size < 10_000
    assert verdict(DATA / "tall-32770x130.xls") == ("suspicious-file", "area")
    assert "32,770 行 × 130 列" in message(DATA / "tall-32770x130.xls")


def test_area_limits_hold_per_sheet_and_per_workbook(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    for i in range(3):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws["CV100"] = i  # 100 rows x 100 columns from A1: 10,000 cells each
    p = tmp_path / "three-sheets.xlsx"
    wb.save(p)
    assert verdict(p) == ("read", None)
    assert verdict(p, Limits(max_area=9_999)) == ("suspicious-file", "area")
    assert verdict(p, Limits(max_book_area=25_000)) == ("suspicious-file", "book-area")


def test_styled_blank_cells_far_away_do_not_count_towards_the_area(tmp_path):
    """Formatting a whole row or column writes valueless cells out to XFD or row 1,048,576
    (Gnumeric, Excel); calamine skips them, so they are not refused either. A value there is."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "参与职工人数", 120
    for ref in ("XFD1", "A1048576", "XFD1048576"):
        ws[ref].fill = PatternFill("solid", fgColor="FFFF00")
    p = tmp_path / "styled.xlsx"
    wb.save(p)
    with zipfile.ZipFile(p) as z:
        assert b'r="XFD1048576"' in z.read("xl/worksheets/sheet1.xml")
    assert verdict(p) == ("read", None)
    assert read_book(guard(p)).sheets[0].rows == [["参与职工人数", 120]]
    ws["XFD1048576"] = 1
    wb.save(p)
    assert verdict(p) == ("suspicious-file", "area")


def test_the_reader_holds_the_area_of_formats_the_guard_cannot_measure():
    """An .ods (written by LibreOffice) is measured by calamine's own range before Python builds it."""
    ods = Path(__file__).parent / "data" / "grid-libreoffice.ods"
    assert verdict(ods) == ("read", None)
    assert verdict(ods, Limits(max_area=4)) == ("suspicious-file", "area")


def test_long_text_is_counted_in_characters_not_bytes(tmp_path):
    """5,000 CJK characters written as character references are 40,000 bytes: not over 32,767."""
    book = read_book(guard(DATA / "long-cjk.xlsx"))
    assert len(book.sheets[0].at("B1")) == 5_000
    base = (DATA / "long-cjk.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        part = next(n for n in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml") if n in z.namelist()
                    and b"&#" in z.read(n))
        sst = z.read(part)
    for n, expect in ((32_767, ("read", None)), (32_768, ("suspicious-file", "long-text"))):
        text = ("&#23433;" * n).encode()  # 安
        start, end = sst.index(b"&#"), sst.rindex(b";") + 1
        p = tmp_path / f"cjk-{n}.xlsx"
        p.write_bytes(rezip(base, replace={part: sst[:start] + text + sst[end:]}))
        assert verdict(p) == expect, n
    raw = tmp_path / "cjk-raw.xlsx"  # the same over-long text as plain UTF-8
    raw.write_bytes(rezip(base, replace={part: sst[:start] + "安".encode() * 32_768 + sst[end:]}))
    assert verdict(raw) == ("suspicious-file", "long-text")


def test_true_false_and_duration_cells_are_not_a_reader_crash(tmp_path):
    """92 corpus workbooks with a TRUE/FALSE or a duration cell were "读取时出错（TypeError）"."""
    from datetime import timedelta

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["参与", True, False])
    ws.append(["用时", timedelta(hours=36), 1])
    p = tmp_path / "booleans.xlsx"
    wb.save(p)
    r = validate_file(p)
    assert [i.code for i in r.issues] == ["form-not-found"], r.issues


# --- what is refused, and now says why ---------------------------------------------------------

@pytest.mark.parametrize("name", ["encrypted-rc4.xls", "encrypted-xor.xls", "encrypted.ods"])
def test_password_protected_xls_and_ods_get_the_encrypted_message(name):
    assert verdict(DATA / name) == ("encrypted", None)
    assert SAVE_UNENCRYPTED in message(DATA / name)


def test_an_xor_obfuscated_xls_is_refused_not_read_as_garbage():
    """calamine itself reads an XOR-obfuscated .xls without complaint (and, on a real one, would
    hand back scrambled text); the guard stops at the FilePass record."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO((DATA / "encrypted-xor.xls").read_bytes()))
    assert wb.sheet_names  # calamine does not object ...
    assert verdict(DATA / "encrypted-xor.xls") == ("encrypted", None)  # ... cbc does


@pytest.mark.parametrize("name, version", [("biff5.xls", "Excel 5.0/95"), ("biff4.xls", "Excel 4.0"),
                                           ("biff3.xls", "Excel 3.0"), ("biff2.xls", "Excel 2.x")])
def test_excel_95_and_older_is_named_an_old_format_with_how_to_save_it(name, version):
    assert verdict(DATA / name) == ("old-format", None)
    text = message(DATA / name)
    assert version in text and "另存为 .xlsx" in text and "不是 Excel" not in text


def test_an_excel_4_macro_sheet_says_so():
    assert verdict(DATA / "biff4-macro.xlm") == ("old-format", "macro")
    assert "宏表" in message(DATA / "biff4-macro.xlm")


def _make():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_realfile_fixtures as make
    finally:
        sys.path.pop(0)
    return make


def test_an_xlsm_holding_an_excel_4_macro_sheet_says_so(tmp_path):
    """python-calamine opens no workbook holding a macro sheet ("Cannot detect file format")."""
    base = (DATA / "customxml.xlsx").read_bytes()
    p = tmp_path / "macro.xlsm"
    p.write_bytes(rezip(base, add=[("xl/macrosheets/sheet1.xml", HEAD + b"<xm:macrosheet xmlns:xm='x'/>")]))
    assert verdict(p) == ("old-format", "macro-sheet")
    assert "宏表" in message(p) and "另存为 .xlsx" in message(p)


def test_biff5_text_is_not_read_because_calamine_garbles_its_code_page():
    """Why BIFF5 is refused rather than read: python-calamine reads the file, but decodes GBK
    text (CODEPAGE 936) as garbage, so a unit name or a label would silently be wrong."""
    make = _make()
    from python_calamine import CalamineWorkbook

    label = "参与职工人数".encode("gbk")
    bof = make.record(0x0809, struct.pack("<HHHH", 0x0500, 0x0005, 0, 0))
    cp = make.record(0x0042, struct.pack("<H", 936))
    eof = make.record(0x000A)
    at = len(bof) + len(cp) + 4 + 6 + 1 + 6 + len(eof)
    stream = (bof + cp + make.record(0x0085, struct.pack("<IBBB", at, 0, 0, 6) + b"Sheet1") + eof
              + make.record(0x0809, struct.pack("<HHHH", 0x0500, 0x0010, 0, 0))
              + make.record(0x0204, struct.pack("<HHHH", 0, 0, 15, len(label)) + label) + eof)
    data = make.ole({"Book": stream})
    got = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[0][0]
    assert got != "参与职工人数"


def test_ole_stream_names_compare_without_case():
    book = read_book(guard(DATA / "workbook-in-capitals.xls"))
    assert book.sheets[0].at("B1") == 120


def test_an_ole_file_that_is_a_word_document_is_named():
    assert verdict(DATA / "word.doc") == ("not-a-workbook", "word")


def test_xlsb_is_read():
    """A binary workbook (BIFF12 records; written record by record, read by python-calamine)."""
    g = guard(DATA / "minimal.xlsb")
    assert g.format == "xlsb"
    book = read_book(g)
    assert book.sheets[0].name == "统计表"
    assert book.sheets[0].rows == [["参与职工人数", 120.0], ["查出安全隐患数", 30.0]]
    assert verdict(DATA / "minimal.xlsb", Limits(max_area=3)) == ("suspicious-file", "area")


def test_an_xlsb_sheet_with_a_far_cell_is_refused_before_calamine_builds_its_grid(tmp_path):
    """Two cells, A1 and CV1000000: calamine would build a 100-million-cell grid in Rust."""
    make = _make()
    base = (DATA / "minimal.xlsb").read_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        sheet = z.read("xl/worksheets/sheet1.bin")
    far = make.brt(0x00, struct.pack("<IIHBBI", 999_999, 0, 300, 0, 0, 0) + b"\0") + make.brt(
        0x05, struct.pack("<IId", 99, 0, 1.0))
    at = sheet.index(make.brt(0x92))
    p = tmp_path / "far.xlsb"
    p.write_bytes(rezip(base, replace={"xl/worksheets/sheet1.bin": sheet[:at] + far + sheet[at:]}))
    with pytest.raises(Unreadable) as exc:
        guard(p)  # the guard alone: nothing was handed to calamine
    assert (exc.value.code, exc.value.variant) == ("suspicious-file", "area")
    assert exc.value.params["rows"] == "1,000,000" and exc.value.params["cols"] == "100"


def test_folders_pick_up_xlsb(tmp_path):
    from cbc_cli.batch.find import find_workbooks

    (tmp_path / "环翠区总工会-统计表.xlsb").write_bytes((DATA / "minimal.xlsb").read_bytes())
    assert [p.name for p in find_workbooks([tmp_path])] == ["环翠区总工会-统计表.xlsb"]


def test_a_corrupt_xlsb_gets_its_own_message(tmp_path):
    p = tmp_path / "broken.xlsb"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", HEAD + b"<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    p.write_bytes(buf.getvalue())
    assert verdict(p) == ("corrupt-file", "xlsb")
    assert ".xlsb" in message(p)


def test_the_cli_shows_the_reasons_in_chinese():
    files = [DATA / n for n in ("encrypted-rc4.xls", "biff4.xls", "customxml.xlsx")]
    out = subprocess.run([sys.executable, "-m", "cbc_cli", "validate", "--no-cache", *map(str, files)],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert SAVE_UNENCRYPTED in out.stdout
    assert "Excel 4.0 的旧版工作簿格式" in out.stdout
    assert "XML 结构异常" not in out.stdout and "非 UTF-8" not in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_the_generator_makes_files_with_the_same_verdicts(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_realfile_fixtures.py"), str(tmp_path)],
                   check=True, capture_output=True, timeout=120)
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in DATA.iterdir())
    for name in made:
        assert verdict(tmp_path / name) == verdict(DATA / name), name


# --- the zip directory reader against Python's zipfile ----------------------------------------

_names = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x9FFF, exclude_characters="\\/:"),
                 min_size=1, max_size=12)
_member = st.tuples(st.lists(_names, min_size=1, max_size=3).map("/".join),
                    st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode),
                              st.integers(0, 5000).map(lambda n: b"<x/>" * n)),
                    st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
                    st.binary(max_size=20))


@st.composite
def archives(draw):
    members = draw(st.lists(_member, min_size=1, max_size=6, unique_by=lambda m: m[0]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        # a comment may itself hold the end-of-directory signature (it is free text)
        z.comment = draw(st.one_of(st.binary(max_size=40),
                                   st.binary(max_size=10).map(lambda b: b + b"PK\x05\x06" + b"\0" * 18)))
        for name, body, method, extra in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            if extra:
                info.extra = struct.pack("<HH", 0xCAFE, len(extra)) + extra
            z.writestr(info, body)
    prefix = draw(st.sampled_from([b"", b"MZ\x90\x00 self-extracting stub "]))
    return prefix, buf.getvalue(), members


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(archives())
def test_zipdir_agrees_with_zipfile(arch):
    prefix, data, members = arch
    if prefix:  # a self-extracting stub in front: offsets no longer match; refused, never misread
        data = prefix + data
        try:
            got = zipdir.directory(data, 1000)
            read = {m.name: zipdir.read(data, m) for m in got}
        except zipdir.ZipError:
            return
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert read == {n: z.read(n) for n in read}
        return
    try:
        zipfile.ZipFile(io.BytesIO(data)).close()
    except zipfile.BadZipFile:  # a comment ending in the end-of-directory signature: zipfile refuses it too
        with pytest.raises(zipdir.ZipError):
            zipdir.directory(data, 1000)
        return
    got = zipdir.directory(data, 1000)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        assert [m.name for m in got] == [i.filename for i in infos]
        for m, info in zip(got, infos):
            assert (m.size, m.compressed, m.crc, m.method) == (info.file_size, info.compress_size, info.CRC,
                                                                info.compress_type)
            body = z.read(info)
            assert zipdir.read(data, m) == body
            assert zipdir.read(data, m, 7) == body[:7]


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(archives(), st.data())
def test_zipdir_on_damaged_archives_fails_only_with_zip_error_and_never_disagrees(arch, data):
    """Cut or flip bytes anywhere: zipdir raises ZipError or reads what zipfile reads."""
    prefix, raw, _ = arch
    buf = bytearray(prefix + raw)
    if data.draw(st.booleans()):
        buf = buf[:data.draw(st.integers(0, len(buf)))]
    for _ in range(data.draw(st.integers(0, 4))):
        if buf:
            at = data.draw(st.integers(0, len(buf) - 1))
            buf[at] = data.draw(st.integers(0, 255))
    damaged = bytes(buf)
    try:
        members = zipdir.directory(damaged, 1000)
    except zipdir.ZipError:
        return
    for m in members:
        try:
            mine = zipdir.read(damaged, m)
            zipdir.read(damaged, m, 16)
        except zipdir.ZipError:
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(damaged)) as z:
                theirs = z.read(z.getinfo(m.name))
        except Exception:  # noqa: BLE001 - zipfile may refuse what zipdir checked by size and CRC
            continue
        assert mine == theirs


def test_a_zero_byte_member_that_inflates_is_never_inflated():
    """A deflated member that declares 0 bytes but inflates to megabytes: zlib takes a
    max_length of 0 as 'no limit', so a partial read must not ask for 0."""
    import zlib

    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = bomb.compress(b"\0" * (8 * 1024 * 1024)) + bomb.flush()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("x.xml"), b"")
    data = bytearray(buf.getvalue())
    # splice the payload in as the member's compressed data, keeping size 0
    local = data.index(b"PK\x03\x04")
    name_len, extra_len = struct.unpack_from("<HH", data, local + 26)
    start = local + 30 + name_len + extra_len
    body = bytes(data[:start]) + payload
    cd = bytes(data[start:])
    central = bytearray(cd[:cd.index(b"PK\x05\x06")])
    struct.pack_into("<H", central, 10, 8)                 # deflated
    struct.pack_into("<I", central, 20, len(payload))      # compressed size
    eocd = bytearray(cd[cd.index(b"PK\x05\x06"):])
    struct.pack_into("<I", eocd, 16, len(body))            # central directory offset
    struct.pack_into("<H", bytearray(body), local + 8, 8)
    archive = body + bytes(central) + bytes(eocd)
    [m] = zipdir.directory(archive, 10)
    assert m.size == 0 and m.compressed == len(payload)
    assert zipdir.read(archive, m, 512) == b""
    with pytest.raises(zipdir.ZipError):
        zipdir.read(archive, m)


# --- public corpora (CBC_CORPUS_DIR) -----------------------------------------------------------

corpus = pytest.mark.skipif(not CORPUS, reason="CBC_CORPUS_DIR is not set")


def _corpus_file(*candidates: str) -> Path:
    for c in candidates:
        hits = list(Path(CORPUS).rglob(c))  # type: ignore[arg-type]
        if hits:
            return hits[0]
    pytest.skip(f"none of {candidates} in the corpus")


@corpus
@pytest.mark.parametrize("names, expect", [
    (("wtf_path.xlsx",), ("read", None)),                      # SheetJS: the workbook in wtf/
    (("minimal_package.xlsx",), ("read", None)),               # calamine: the workbook at the root
    (("pivots.xlsx",), ("read", None)),                        # calamine: a UTF-16 customXml part
    (("Excel_file_with_trash_item.xlsx", "54399.xlsx"), ("read", None)),  # POI: customXml
    (("pass_protected.ods",), ("encrypted", None)),
    (("password.xls",), ("encrypted", None)),                  # POI: RC4
    (("xor-encryption-abc.xls", "password_2002_40_xor.xls"), ("encrypted", None)),
    (("biff5_write.xls",), ("old-format", None)),
    (("any_sheets.xlsb",), ("read", None)),                    # calamine: a real .xlsb
])
def test_corpus_files(names, expect):
    assert verdict(_corpus_file(*names)) == expect


@corpus
def test_corpus_xlsb_files_are_read():
    files = sorted(Path(CORPUS).rglob("*.xlsb"))[:60]  # type: ignore[arg-type]
    if not files:
        pytest.skip("no .xlsb in the corpus")
    def safe(f: Path) -> tuple[str, str | None]:
        try:
            return verdict(f)
        except Exception as exc:  # python-calamine's PanicException (Simple.xlsb); cbc's workers contain it
            return "panic", type(exc).__name__
        except BaseException as exc:  # noqa: BLE001 - pyo3 panics derive from BaseException
            if isinstance(exc, KeyboardInterrupt):
                raise
            return "panic", type(exc).__name__

    got = {f: safe(f) for f in files}
    read = [f for f, v in got.items() if v[0] == "read"]
    assert len(read) >= len(files) * 0.8, [(f.name, v) for f, v in got.items() if v[0] != "read"]


# --- tools/corpus.py -----------------------------------------------------------------------------

@pytest.mark.slow
def test_the_corpus_script_reports_verdicts_crashes_slowest_and_over_the_limits(tmp_path):
    out_json = tmp_path / "rows.json"
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "corpus.py"), str(DATA), "-j", "2", "--top", "3",
                          "--json", str(out_json)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    text = run.stdout
    n = len(list(DATA.iterdir()))
    assert f"files: {n}   read: 7   refused: {n - 7}" in text
    assert "      4  old-format\n" in text and "      1  old-format/macro\n" in text  # BIFF2-5, the macro sheet
    assert "      3  encrypted" in text
    assert "crashes: 0" in text
    assert "slowest 3 (CPU seconds" in text and "most memory 3" in text
    assert "over the limits: 1\n  tall-32770x130.xls  [suspicious-file/area]" in text
    import json

    rows = json.loads(out_json.read_text("utf-8"))
    assert len(rows) == n and {r["verdict"][0] for r in rows} >= {"read", "encrypted", "old-format"}

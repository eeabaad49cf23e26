"""cbc's own .xlsx writer (workbook/xlsx.py): what it writes reads back the same in openpyxl,
python-calamine and LibreOffice, in the shape Excel requires."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree
from python_calamine import CalamineWorkbook

from cbc_cli.write.canvas import PLAIN, Check, Style
from cbc_cli.write.xlsx import XmlBook, col_name

from .conftest import pdf_pages, soffice, soffice_convert, to_pdf

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# CT_Worksheet's children in the order the schema requires (the ones this writer may emit among them)
WORKSHEET_ORDER = ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
                   "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
                   "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
                   "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter"]
WORKBOOK_ORDER = ["fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                  "functionGroups", "externalReferences", "definedNames", "calcPr"]
STYLESHEET_ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
                    "tableStyles", "colors"]
HEAD = Style(font="黑体", size=12, bold=True, fill="D9D9D9", border=True, align="center", wrap=True)
MONEY = Style(number="0.00####")
INPUT = Style(fill="FFF2CC", border=True, locked=False, shrink=True, align="center")


def drawing() -> XmlBook:
    book = XmlBook()
    c = book.sheet("表一")
    c.merge(1, 1, 1, 4, "“查保促”工作情况统计表", HEAD)
    c.height(1, 40)
    c.width(1, 38)
    c.width(2, 14.5)
    c.put(2, 1, "填报日期")
    c.put(2, 2, date(2020, 5, 28), INPUT)
    c.put(3, 1, "整数")
    c.put(3, 2, 41426, INPUT)
    c.put(4, 1, "金额")
    c.put(4, 2, Decimal("18.60"), MONEY)
    c.put(5, 1, "小数")
    c.put(5, 2, 0.1, MONEY)
    c.put(6, 1, True)
    c.put(7, 1, "=SUM(A1:A2)")            # text that looks like a formula stays text
    c.put(8, 1, "a & b < c > d \"q\" 'x'")
    c.put(9, 1, "第一行\n第二行\t制表")
    c.put(10, 1, "bad\x00\x07chars\ufffe")
    c.put(11, 1, "x" * 40_000)
    c.formula(12, 2, "=SUM(B3:B4)", MONEY)
    c.validate(3, 2, Check("whole", 0, None, "整数", "请填写整数", "应为整数"))
    c.validate(4, 2, Check("decimal", 0, 100, "金额", "请填写金额", "应为 0 到 100"))
    c.validate(2, 2, Check("date", 43831, 44196, "日期", "请填写日期", "日期不对"))
    c.validate(1, 1, Check("text", None, 100, "单位", "请填写单位", "太长"))
    c.page(landscape=False, last_row=12, last_col=4, center=True)
    c.protect()
    book.define("cbc_total", "表一", 12, 2)

    t = book.sheet("明细's")
    t.put(1, 1, "序号", HEAD)
    t.put(1, 2, "单位", HEAD)
    styles = [PLAIN, PLAIN, MONEY, PLAIN]
    for r in range(2, 12):
        t.row(r, [r - 1, f"单位{r}", Decimal(r) / 4, date(2020, 5, r) if r % 2 else None], styles)
    t.freeze(1, 2)
    t.autofilter(1, 1, 11, 4)
    t.page(landscape=True, wide=2, tall=0, title_rows=1, title_cols=2, a3=True, gridlines=True)

    h = book.sheet("_hidden")
    h.put(1, 1, "key")
    h.put(1, 2, "value")
    h.hide()
    h.protect()
    return book


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "book.xlsx"
    drawing().save(path)
    return path


def test_col_names():
    assert [col_name(n) for n in (1, 26, 27, 52, 53, 702, 703, 16384)] == \
        ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]


def test_openpyxl_reads_values_styles_and_settings(written):
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames == ["表一", "明细's", "_hidden"]
    ws = wb["表一"]
    assert ws["A1"].value == "“查保促”工作情况统计表"
    assert ws["A1"].font.bold and ws["A1"].font.name == "黑体" and ws["A1"].font.size == 12
    assert ws["A1"].fill.fgColor.rgb == "FFD9D9D9" and ws["D1"].border.right.style == "thin"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    assert ws.row_dimensions[1].height == 40
    assert round(ws.column_dimensions["A"].width) == 39
    assert ws["B2"].value.date() == date(2020, 5, 28) and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["B2"].protection.locked is False and ws["A3"].protection.locked is True
    assert ws["B3"].value == 41426 and ws["B4"].value == 18.6 and ws["B4"].number_format == "0.00####"
    assert ws["B5"].value == 0.1
    assert ws["A6"].value == "是"
    assert ws["A7"].value == "=SUM(A1:A2)" and ws["A7"].data_type == "s" and ws["A7"].quotePrefix
    assert ws["A8"].value == "a & b < c > d \"q\" 'x'"
    assert ws["A9"].value == "第一行\n第二行\t制表"
    assert ws["A10"].value == "badchars"
    assert len(ws["A11"].value) == 32_767
    assert ws["B12"].value == "=SUM(B3:B4)"
    dv = {str(d.sqref): d for d in ws.data_validations.dataValidation}
    assert (dv["B3"].type, dv["B3"].operator, dv["B3"].formula1) == ("whole", "greaterThanOrEqual", "0")
    assert (dv["B4"].type, dv["B4"].formula1, dv["B4"].formula2) == ("decimal", "0", "100")
    assert (dv["B2"].type, dv["B2"].formula1, dv["B2"].formula2) == ("date", "43831", "44196")
    assert (dv["A1"].type, dv["A1"].operator, dv["A1"].formula1) == ("textLength", "lessThanOrEqual", "100")
    assert dv["B3"].prompt == "请填写整数" and dv["B3"].error == "应为整数" and dv["B3"].showErrorMessage
    assert ws.protection.sheet and ws.print_area == "'表一'!$A$1:$D$12"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.print_options.horizontalCentered and ws.sheet_properties.pageSetUpPr.fitToPage
    assert wb.defined_names["cbc_total"].attr_text == "'表一'!$B$12"

    t = wb["明细's"]
    assert [[c.value for c in row] for row in t.iter_rows(min_row=2, max_row=3)] == \
        [[1, "单位2", 0.5, None], [2, "单位3", 0.75, t["D3"].value]]
    assert t["D3"].value.date() == date(2020, 5, 3) and t["D3"].number_format == "yyyy-mm-dd"
    assert t["C2"].number_format == "0.00####"
    assert t.freeze_panes == "C2" and t.auto_filter.ref == "A1:D11"
    assert t.page_setup.paperSize == 8 and t.page_setup.orientation == "landscape"
    assert t.page_setup.fitToWidth == 2 and t.page_setup.fitToHeight == 0 and t.print_options.gridLines
    assert t.print_title_rows == "$1:$1" and t.print_title_cols == "$A:$B"
    assert t.dimensions == "A1:D11"
    assert wb["_hidden"].sheet_state == "hidden" and wb.active.title == "表一"


def test_calamine_reads_the_same_grid(written):
    wb = CalamineWorkbook.from_path(str(written))
    rows = wb.get_sheet_by_name("表一").to_python(skip_empty_area=False)
    assert rows[0][0] == "“查保促”工作情况统计表"
    assert rows[2][1] == 41426 and rows[3][1] == 18.6 and rows[1][1] == date(2020, 5, 28)
    assert rows[6][0] == "=SUM(A1:A2)"
    table = wb.get_sheet_by_name("明细's").to_python()
    assert len(table) == 11 and table[10][:3] == [10, "单位11", 2.75]
    assert str(wb.sheets_metadata[2].visible).endswith("Hidden")


def test_parts_are_well_formed_and_in_schema_order(written):
    with zipfile.ZipFile(written) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
        types = zf.read("[Content_Types].xml").decode()
        for name in names:
            ElementTree.fromstring(zf.read(name))  # every part parses (and has no DOCTYPE)
            if name.startswith("xl/") and name.endswith(".xml"):
                assert f'PartName="/{name}"' in types, name
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        for target in re.findall(r'Target="([^"]+)"', rels):
            assert f"xl/{target}" in names
        for name in (n for n in names if n.startswith("xl/worksheets/")):
            children = [el.tag.removeprefix(NS) for el in ElementTree.fromstring(zf.read(name))]
            assert children == sorted(children, key=WORKSHEET_ORDER.index), (name, children)
            sheet = ElementTree.fromstring(zf.read(name))
            rows = [int(r.get("r")) for r in sheet.iter(f"{NS}row")]
            assert rows == sorted(set(rows))
            for row in sheet.iter(f"{NS}row"):
                cols = [openpyxl.utils.column_index_from_string(re.sub(r"\d", "", c.get("r")))
                        for c in row.iter(f"{NS}c")]
                assert cols == sorted(set(cols))
        styles = ElementTree.fromstring(zf.read("xl/styles.xml"))
        for part, order in ((styles, STYLESHEET_ORDER), (ElementTree.fromstring(zf.read("xl/workbook.xml")), WORKBOOK_ORDER)):
            children = [el.tag.removeprefix(NS) for el in part]
            assert children == sorted(children, key=order.index), children
        xfs = len(styles.find(f"{NS}cellXfs"))
        for name in (n for n in names if n.startswith("xl/worksheets/")):
            used = {int(s) for s in re.findall(rb' s="(\d+)"', zf.read(name))}
            assert all(s < xfs for s in used)
        sst = ElementTree.fromstring(zf.read("xl/sharedStrings.xml"))
        assert int(sst.get("uniqueCount")) == len(sst)


def test_same_drawing_same_bytes(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    drawing().save(a)
    drawing().save(b)
    assert a.read_bytes() == b.read_bytes()


def test_text_from_hostile_files_never_breaks_the_file(tmp_path):
    """Lone surrogates (undecodable file names), XML-forbidden characters, markup."""
    book = XmlBook()
    c = book.sheet("x")
    nasty = ["name\udcff.xlsx", "\ud800", "]]><x>", "<script>&amp;", "\uffff\ufffe", "\x1b[31m", "@cmd", "-1+1"]
    c.row(1, nasty, [PLAIN] * len(nasty))
    c.put(2, 1, float("nan"))
    c.put(2, 2, Decimal("Infinity"))
    path = book.save(tmp_path / "n.xlsx")
    ws = openpyxl.load_workbook(path)["x"]
    got = [cell.value for cell in ws[1]]
    assert got[0].startswith("name") and got[0].endswith(".xlsx")
    assert got[2:4] == ["]]><x>", "<script>&amp;"] and got[4] in ("", None)
    assert got[5] == "[31m" and got[6] == "@cmd" and ws["G1"].quotePrefix and ws["H1"].quotePrefix
    assert ws["A2"].value == "nan" and ws["B2"].value == "Infinity"


def test_an_empty_book_still_opens(tmp_path):
    path = XmlBook().save(tmp_path / "e.xlsx")
    assert openpyxl.load_workbook(path).sheetnames == ["Sheet1"]


def test_write_is_atomic_and_refuses_to_overwrite(tmp_path):
    from cbc_cli.write.files import OutputExists

    path = drawing().save(tmp_path / "a.xlsx")
    before = path.read_bytes()
    with pytest.raises(OutputExists):
        drawing().save(path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_and_prints_it(written, tmp_path):
    pdf = to_pdf(written, tmp_path)
    assert pdf_pages(pdf) >= 2  # 表一 on one page, then the table; the hidden sheet does not print
    # and LibreOffice re-saves it as a workbook that still holds the values
    soffice_convert(written, "xlsx:Calc MS Excel 2007 XML", tmp_path / "re")
    again = openpyxl.load_workbook(tmp_path / "re" / written.name)
    assert again["表一"]["B3"].value == 41426 and again["明细's"]["B11"].value == "单位11"


def test_in_memory_parts_round_trip():
    parts = drawing().parts()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["表一"]["B3"].value == 41426

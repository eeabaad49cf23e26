"""The drawing layer's xlsxwriter side (summary and ranking workbooks), read back by readers cbc
did not write: openpyxl and python-calamine."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from cbc_cli.write.canvas import MAX_CELL_TEXT, Check, Style, XlsxBook, clean_text
from cbc_cli.write.files import OutputExists


@pytest.fixture
def written(tmp_path):
    book = XlsxBook()
    c = book.sheet("表一")
    c.width(1, 20)
    c.height(2, 30)
    c.put(1, 1, "=SUM(A1:A2)")                         # text that looks like a formula stays text
    c.put(1, 2, "新区_x0041_工会")
    c.put(1, 3, "控制\x01字符\ud800")
    c.put(2, 1, Decimal("2.50"), Style(number="0.00####"))
    c.put(2, 2, date(2020, 5, 28))
    c.put(2, 3, True)
    c.put(2, 4, float("nan"))
    c.row(3, [1, "甲", None, 0.5], [Style(), Style(), Style(), Style(number="0.0%")])
    c.merge(4, 1, 4, 3, "合并", Style(border=True, bold=True))
    c.formula(5, 1, "=A2*2")
    c.validate(2, 1, Check("decimal", 0, None, "金额", "请填写金额", "应为数字"))
    c.freeze(1, 1)
    c.autofilter(1, 1, 3, 4)
    c.page(landscape=True, last_row=5, last_col=4, repeat_rows=(1, 1), wide=2)
    book.define("cbc_x", "表一", 2, 1)
    hidden = book.sheet("_cbc")
    hidden.put(1, 1, "cbc")
    hidden.hide()
    hidden.protect()
    return book.save(tmp_path / "a.xlsx")


def test_openpyxl_reads_values_and_settings(written):
    wb = openpyxl.load_workbook(written)
    ws = wb["表一"]
    assert ws["A1"].value == "=SUM(A1:A2)" and ws["A1"].data_type == "s" and ws["A1"].quotePrefix
    assert ws["C1"].value == "控制字符\ufffd"
    assert ws["A2"].value == 2.5 and ws["A2"].number_format == "0.00####"
    assert ws["B2"].value.date() == date(2020, 5, 28) and ws["B2"].is_date
    assert ws["C2"].value == "是" and ws["D2"].value == "nan"
    assert ws["D3"].value == 0.5 and ws["D3"].number_format == "0.0%" and ws["C3"].value is None
    assert "A4:C4" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A5"].value == "=A2*2"
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:D3"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.fitToWidth) == 2 and ws.print_title_rows == "$1:$1"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert not ws.print_options.gridLines
    assert ws.data_validations.dataValidation[0].type == "decimal"
    assert wb["_cbc"].sheet_state == "hidden" and wb["_cbc"].protection.sheet
    assert "cbc_x" in wb.defined_names


def test_calamine_reads_escapes_exactly(written):
    rows = CalamineWorkbook.from_path(str(written)).get_sheet_by_name("表一").to_python()
    assert rows[0][1] == "新区_x0041_工会"


def test_the_cell_limit_is_counted_in_utf16_units():
    assert len(clean_text("a" * 40000)) == MAX_CELL_TEXT
    wide = clean_text("𠀀" * 20000)                 # each counts two UTF-16 units
    assert len(wide) == MAX_CELL_TEXT // 2 and len(wide.encode("utf-16-le")) <= 2 * MAX_CELL_TEXT


@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=0x3F), st.characters(min_codepoint=0xD790, max_codepoint=0xE010, exclude_categories=()),
                                  st.characters(min_codepoint=0xFFF0, max_codepoint=0x10010),
                                  st.sampled_from("查保促（）：")), max_size=12))
def test_clean_text_drops_exactly_what_xml_forbids(text):
    """Its quick look for a forbidden character finds every one the translation removes."""
    from cbc_cli.write.canvas import _ILLEGAL

    assert clean_text(text) == text.translate(_ILLEGAL)


def test_save_refuses_to_overwrite(tmp_path):
    XlsxBook().sheet("a").put(1, 1, 1)
    target = tmp_path / "x.xlsx"
    target.write_bytes(b"old")
    book = XlsxBook()
    book.sheet("a").put(1, 1, 1)
    with pytest.raises(OutputExists):
        book.save(target)
    assert target.read_bytes() == b"old"


def test_the_short_cell_path_writes_what_xlsxwriter_writes(tmp_path, ed):
    """XlsxBook writes plain cells by a shorter path than xlsxwriter's own: the same bytes."""
    import zipfile

    from cbc_cli.write.summary import draw_table

    def book(stock: bool) -> dict[str, bytes]:
        b = XlsxBook()
        b.stock_sheets = stock
        b.wb.set_properties({"created": __import__("datetime").datetime(2020, 1, 1)})
        rows = [[n, f"单位{n}", Decimal("2.5") if n % 2 else Decimal(n) if n % 3 else None, date(2020, 5, n % 28 + 1),
                 0.25 if n % 5 else float("nan"), "=x&<y>\"" if n % 4 else "长" * (20_000 if n == 8 else 3), True]
                for n in range(1, 60)]
        draw_table(b.sheet("表"), "标题", ["序号", "单位", "金额", "日期", "比率", "说明", "是否"], rows,
                   money_cols={3}, percent_cols={5}, wrap_cols={6}, bold_last=True)
        noted = b.sheet("批注")  # a sheet with a comment is written by xlsxwriter's own row loop
        draw_table(noted, "标题", ["序号", "单位"], [[n, f"单位{n}"] for n in range(1, 20)])
        noted.note(3, 2, "说明")
        noted.formula(30, 1, "=SUM(A3:A21)")
        path = b.save(tmp_path / f"{stock}.xlsx")
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist()}

    assert book(True) == book(False)

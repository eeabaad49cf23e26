"""`cbc new-form`: the generated workbooks, read back as a user's Excel would see them."""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from cbc_cli.cli import app
from cbc_cli.model.config import default_roster

from .conftest import pdf_pages, soffice, to_pdf

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def _validations(ws):
    """cell -> DataValidation for every validated cell of a sheet."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in ws[rng.coord] if ":" in rng.coord else [[ws[rng.coord]]]:
                for cell in row:
                    out[cell.coordinate] = dv
    return out


def _identity(wb):
    ws = wb["_cbc"]
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}


@pytest.fixture
def both(tmp_path):
    result = run("new-form", "-o", str(tmp_path), "--unit", "环翠区总工会", "--period", "2020H1")
    assert result.exit_code == 0, result.output
    stats = tmp_path / "附件1_统计表_环翠区总工会_2020H1.xlsx"
    selfcheck = tmp_path / "附件2_自查表_环翠区总工会_2020H1.xlsx"
    assert stats.is_file() and selfcheck.is_file()
    assert "已生成" in result.output and "共 2 个文件" in result.output
    return stats, selfcheck


def test_stats_form_is_the_official_layout(both, ed):
    wb = openpyxl.load_workbook(both[0])
    ws = wb["统计表"]
    assert ws["A1"].value == "附件1"
    assert ws["A2"].value == "“查保促”工作情况统计表"
    assert ws["A3"].value == "填报单位（章）："
    assert ws["B3"].value == "环翠区总工会"
    assert ws["C3"].value == "填报日期："
    for f in ed.stats.fields:
        assert ws[f.label_cell].value == f.label, f.code
    assert ws["A17"].value.startswith("注：各区市总工会、市直各单位工会请分别于6月1日、11月30日前")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"B11:D11", "B13:D13", "A2:D2", "A17:D17"} <= merged
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["A4"].font.name == "宋体"


def test_every_stats_input_is_unlocked_shaded_and_validated(both, ed):
    ws = openpyxl.load_workbook(both[0])["统计表"]
    assert ws.protection.sheet is True
    assert not ws.protection.password
    dvs = _validations(ws)
    for f in ed.stats.fields:
        cell = ws[f.value_cell]
        assert cell.protection.locked is False, f.code
        assert cell.fill.fgColor.rgb.endswith("FFF2CC"), f.code
        dv = dvs[f.value_cell]
        assert dv.type == ("decimal" if f.is_money else "whole"), f.code
        assert dv.operator == "greaterThanOrEqual" and dv.formula1 == "0"
        assert dv.showErrorMessage and dv.error and "请" in dv.prompt
        assert ws[f.label_cell].protection.locked is True
    for ref in ("B3", "D3"):
        assert ws[ref].protection.locked is False and ref in dvs
    assert dvs["D3"].type == "date"


def test_selfcheck_form_is_the_official_layout(both, ed):
    ws = openpyxl.load_workbook(both[1])["自查表"]
    assert ws["A1"].value == "附件2"
    assert ws["A2"].value == "企业工会开展“查保促”活动自查表"
    assert ws["A3"].value == "企业工会："
    assert ws["B3"].value == "环翠区总工会"
    assert [ws.cell(4, c).value for c in (1, 2, 3)] == ["项目", "自查内容", "得分"]
    for item in ed.selfcheck.items:
        assert ws.cell(4 + item.no, 2).value.replace("\n", "") == item.text   # broken into lines by Chinese rules
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:A6", "A7:A8", "A9:A12", "A14:A15", "A16:B16"} <= merged
    assert [ws.cell(r, 1).value for r in (5, 7, 9, 13, 14)] == ["动员部署", "教育培训", "载体搭建", "奖励激励", "氛围营造"]
    assert ws["A16"].value == "总 得 分"
    assert ws["C16"].value == '=IF(COUNT(C5:C15)=0,"",SUM(C5:C15))'
    assert ws.protection.sheet is True and not ws.protection.password
    dvs = _validations(ws)
    for item in ed.selfcheck.items:
        ref = f"C{4 + item.no}"
        assert ws[ref].protection.locked is False
        assert (dvs[ref].type, dvs[ref].formula1, dvs[ref].formula2) == ("whole", "0", str(item.max))
    assert ws["C16"].protection.locked is True


def test_identity_tells_a_reader_exactly_what_the_workbook_is(both, ed):
    wb = openpyxl.load_workbook(both[0])
    assert wb["_cbc"].sheet_state == "hidden"
    ident = _identity(wb)
    assert (ident["form"], ident["edition"], ident["unit"], ident["period"]) == ("stats", "2020", "环翠区总工会", "2020H1")
    assert all(ident[f"field:{f.code}"] == f.value_cell for f in ed.stats.fields)
    assert wb.defined_names["cbc_units_total"].attr_text == "'统计表'!$B$4"
    wb2 = openpyxl.load_workbook(both[1])
    ident2 = _identity(wb2)
    assert ident2["form"] == "selfcheck" and ident2["item:11"] == "C15" and ident2["total_cell"] == "C16"


def test_roster_writes_a_pair_per_unit_with_the_unit_filled(tmp_path):
    result = run("new-form", "--roster", "--period", "2020下半年", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    units = [u.name for u in default_roster().units]
    files = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    enterprises = {u.name for u in default_roster().units if u.level == "enterprise"}
    assert len(files) == len(units) + len(enterprises)   # the 自查表 is for enterprise unions only
    for unit in units:
        stats = tmp_path / f"附件1_统计表_{unit}_2020H2.xlsx"
        assert openpyxl.load_workbook(stats)["统计表"]["B3"].value == unit
        assert (tmp_path / f"附件2_自查表_{unit}_2020H2.xlsx").is_file() == (unit in enterprises)


def test_a_second_run_refuses_without_force(tmp_path, both):
    out = both[0].parent
    before = both[0].stat().st_mtime_ns
    again = run("new-form", "-o", str(out), "--unit", "环翠区总工会", "--period", "2020H1")
    assert again.exit_code == 2
    assert "已存在" in again.output and "--force" in again.output
    assert both[0].stat().st_mtime_ns == before
    forced = run("new-form", "-o", str(out), "--unit", "环翠区总工会", "--period", "2020H1", "--force")
    assert forced.exit_code == 0


def test_one_form_only_and_names_that_cannot_escape(tmp_path):
    result = run("new-form", "统计表", "-o", str(tmp_path / "o"), "--unit", "../../etc/x:y")
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "o").iterdir())
    assert len(files) == 1 and files[0].parent == tmp_path / "o"
    assert files[0].name.startswith("附件1_统计表_") and "/" not in files[0].name
    ws = openpyxl.load_workbook(files[0])["统计表"]
    assert ws["B3"].value == "../../etc/x:y"  # the unit as given, stored as text


def test_formula_like_unit_is_stored_as_text(tmp_path):
    result = run("new-form", "统计表", "-o", str(tmp_path), "--unit", "=HYPERLINK(\"x\")")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(next(tmp_path.glob("*.xlsx")))["统计表"]
    assert ws["B3"].data_type == "s" and ws["B3"].quotePrefix


@pytest.mark.parametrize("args, says", [
    (("new-form", "附件3"), "不认识的表"),
    (("new-form", "--period", "2020Q3"), "无法识别报送期"),
    (("new-form", "--unit", "x", "--roster"), "只能选一个"),
    (("new-form", "--edition", "1999"), "没有 1999 年版"),
])
def test_usage_errors_exit_2_in_chinese(tmp_path, args, says):
    result = run(*args, "-o", str(tmp_path))
    assert result.exit_code == 2
    assert says in result.output


def test_help_is_chinese_with_an_example():
    for args in ([], ["new-form"], ["forms"], ["roster"]):
        result = run(*args, "--help")
        assert result.exit_code == 0
        assert "示例" in result.output and "用法" in result.output and "显示本帮助并退出" in result.output


def test_forms_lists_fields_and_items():
    result = run("forms", "--format", "json")
    assert result.exit_code == 0
    import json

    data = json.loads(result.output)
    ed = next(e for e in data["editions"] if e["id"] == "2020")
    assert len(ed["stats"]["fields"]) == 24 and ed["selfcheck"]["max"] == 57
    table = run("forms", "--edition", "2020")
    assert "参与职工人数" in table.output and "57" in table.output


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_each_form_prints_on_one_a4_page(tmp_path, both):
    for path in both:
        pdf = to_pdf(path, tmp_path)
        assert pdf_pages(pdf) == 1, path.name

"""The hazard ledger: the blank template, each row rule, a period's counts, the cross-check with
a filed 统计表, the award list (threshold changed by config), and ledgers typed by hand,
written by openpyxl, xlsxwriter and xlwt directly."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cbc_cli.cli import app
from cbc_cli.ledger import read_ledgers
from cbc_cli.model.config import load_roster

from . import ledger_samples as ls
from . import samples
from .conftest import pdf_pages, soffice, to_pdf

runner = CliRunner()
CHEM = dict(unit="威海某化工有限公司", district="环翠区", industry="化工")
OTHER = dict(unit="威海某机械有限公司", district="文登区", industry="非化工")


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def one(tmp_path: Path, rows, *, columns=ls.STANDARD, period="2020H1", today=None, config=None, name="a.xlsx",
        **header):
    path = ls.write_openpyxl(tmp_path / name, columns, rows, **{**CHEM, **header})
    s = read_ledgers([path], period, None, config, today=today, isolation=None)
    return s, s.ledgers[0]


def found(ledger, code):
    return [(i.row, i.cell) for i in ledger.issues if i.code == code]


# --- the template ------------------------------------------------------------------------------

@pytest.fixture
def template(tmp_path):
    result = run("new-form", "台账", "-o", tmp_path, "--unit", "威海某化工有限公司", "--period", "2020H1")
    assert result.exit_code == 0, result.output
    path = tmp_path / "隐患台账_威海某化工有限公司_2020H1.xlsx"
    assert path.is_file() and "已生成" in result.output
    return path


def _validation_of(ws, cell):
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            if cell in rng:
                return dv
    return None


def test_template_has_validation_frozen_header_and_prints_a4_landscape(template, ed):
    wb = openpyxl.load_workbook(template)
    ws = wb["隐患台账"]
    spec = ed.ledger
    labels = [ws.cell(spec.header_row, c).value.rstrip("*") for c in range(1, len(spec.columns) + 1)]
    assert labels == [c.label for c in spec.columns]
    col = {c.label: i for i, c in enumerate(spec.columns, 1)}
    first, last = spec.header_row + 1, spec.header_row + spec.blank_rows
    assert spec.blank_rows >= 1000  # room for thousands of hazards
    letter = openpyxl.utils.get_column_letter
    for label in ("发现时间", "整改时限", "整改完成时间"):
        for row in (first, last):
            dv = _validation_of(ws, f"{letter(col[label])}{row}")
            assert dv is not None and dv.type == "date", (label, row)
    grade = _validation_of(ws, f"{letter(col['隐患等级'])}{last}")
    assert grade.type == "list" and grade.formula1 == '"一级,二级,三级,四级"'
    status = _validation_of(ws, f"{letter(col['状态'])}{first}")
    assert status.type == "list" and status.formula1 == '"已整改,整改中,未整改"'
    assert ws.freeze_panes == f"A{first}"
    assert ws.print_title_rows.replace("$", "") == f"1:{spec.header_row}"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    # the header entry for the unit is prefilled; the industry has its list
    values = [c.value for c in ws[spec.head_row]]
    assert "威海某化工有限公司" in values and "企业名称：" in values
    ident = {r[0].value: r[1].value for r in wb["_cbc"].iter_rows(min_row=2)}
    assert ident["form"] == "ledger" and ident["edition"] == "2020"


def test_template_filled_in_by_hand_is_read(template, tmp_path, ed):
    wb = openpyxl.load_workbook(template)
    ws = wb["隐患台账"]
    idents = {r[0].value: r[1].value for r in wb["_cbc"].iter_rows(min_row=2)}
    ws[idents["district_cell"]] = "环翠区"
    ws[idents["industry_cell"]] = "化工"
    row = ls.hazard(1, date(2020, 3, 2), grade="四级", status="整改中", deadline=date(2020, 9, 1),
                    interim="设置警戒线")
    for i, c in enumerate(ed.ledger.columns, 1):
        ws.cell(ed.ledger.header_row + 1, i, row[c.label])
    wb.save(tmp_path / "filled.xlsx")
    s = read_ledgers([tmp_path / "filled.xlsx"], "2020H1", isolation=None)
    r = s.ledgers[0]
    assert (r.unit, r.district, r.industry, r.rows, r.found, r.fixed) == ("威海某化工有限公司", "环翠区总工会", "化工", 1, 1, 0)
    assert r.issues == []


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_template_opens_and_prints_on_a4_in_libreoffice(template, tmp_path):
    pdf = to_pdf(template, tmp_path)
    data = pdf.read_bytes()
    assert pdf_pages(pdf) == 1  # the blank rows carry validation, not ink
    assert b"/MediaBox [0 0 842 595]" in data or b"/MediaBox[0 0 842 595]" in data or b"841.8" in data


def test_new_form_ledger_for_each_roster_enterprise(tmp_path):
    cfg = tmp_path / "cbc.toml"
    cfg.write_text('[roster]\nreplace = true\n[city]\nname = "环翠区总工会"\nlevel = "county"\n'
                   '[[units]]\nname = "威海甲公司工会"\nlevel = "enterprise"\n'
                   '[[units]]\nname = "威海乙公司工会"\nlevel = "enterprise"\n', encoding="utf-8")
    result = run("new-form", "台账", "--roster", "--config", cfg, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["隐患台账_威海乙公司工会_2020.xlsx",
                                                                    "隐患台账_威海甲公司工会_2020.xlsx"]


# --- each row rule -----------------------------------------------------------------------------

def test_required_column_missing(tmp_path):
    cols = [c for c in ls.STANDARD if c != "隐患等级"]
    _, r = one(tmp_path, [ls.hazard(1, date(2020, 3, 1))], columns=cols)
    assert [(i.code, i.severity) for i in r.issues] == [("ledger-column-missing", "error")]
    assert "隐患等级" in r.issues[0].message and r.issues[0].row == 3


def test_required_cell_blank(tmp_path):
    _, r = one(tmp_path, [ls.hazard(1, date(2020, 3, 1)), ls.hazard(2, date(2020, 3, 2), finder=None)])
    assert found(r, "ledger-cell-missing") == [(5, "Sheet1!C5")]
    assert r.issues[0].message == "未填写发现人，请补填。"


def test_fixed_before_found(tmp_path):
    _, r = one(tmp_path, [ls.hazard(1, date(2020, 3, 5), fixed=date(2020, 3, 1))])
    assert found(r, "fixed-before-found") == [(4, "Sheet1!L4")]
    assert r.issues[0].severity == "error" and "2020-03-01" in r.issues[0].message and "2020-03-05" in r.issues[0].message


def test_overdue_by_period_end_or_today(tmp_path):
    rows = [ls.hazard(1, date(2020, 3, 1), status="整改中", deadline=date(2020, 5, 1)),          # overdue
            ls.hazard(2, date(2020, 3, 1), fixed=date(2020, 7, 10), deadline=date(2020, 5, 1)),  # fixed after the end
            ls.hazard(3, date(2020, 3, 1), fixed=date(2020, 6, 1), deadline=date(2020, 5, 1)),   # late, but fixed
            ls.hazard(4, date(2020, 3, 1), status="整改中", deadline=date(2020, 6, 30))]         # due on the last day
    s, r = one(tmp_path, rows)
    assert found(r, "hazard-overdue") == [(4, "Sheet1!K4"), (5, "Sheet1!K5")]
    assert r.overdue == 2 and r.overdue_rows == [4, 5] and s.totals["overdue"] == 2
    assert all(i.severity == "warning" for i in r.issues)
    assert "截至 2020-06-30" in r.issues[0].message and "60 天" in r.issues[0].message
    _, early = one(tmp_path, rows, today=date(2020, 4, 30), name="b.xlsx")
    assert early.overdue == 0


def test_major_hazard_needs_interim_measures(tmp_path):
    rows = [ls.hazard(1, date(2020, 3, 1), grade="四级"),
            ls.hazard(2, date(2020, 3, 1), grade="四级", interim="设置警戒区"),
            ls.hazard(3, date(2020, 3, 1), grade="三级")]
    _, r = one(tmp_path, rows)
    assert found(r, "major-without-interim") == [(4, "Sheet1!O4")]
    assert r.issues[0].message.startswith("四级隐患属重大事故隐患，须填写临时控制措施")


def test_fixed_hazard_needs_date_and_acceptor(tmp_path):
    rows = [ls.hazard(1, "2020-03-01", fixed=None),
            ls.hazard(2, date(2020, 3, 1), fixed=date(2020, 3, 2), acceptor=None),
            ls.hazard(3, date(2020, 3, 1), fixed=date(2020, 3, 2))]
    _, r = one(tmp_path, rows)
    assert found(r, "fixed-without-record") == [(4, "Sheet1!L4"), (5, "Sheet1!M5")]


def test_grades_and_statuses_as_typed(tmp_path):
    rows = [ls.hazard(1, date(2020, 3, 1), grade="3级"), ls.hazard(2, date(2020, 3, 1), grade="Ⅲ级"),
            ls.hazard(3, date(2020, 3, 1), grade="三级隐患"), ls.hazard(4, date(2020, 3, 1), grade="五级"),
            ls.hazard(5, date(2020, 3, 1), status="完成了")]
    s, r = one(tmp_path, rows)
    assert found(r, "ledger-grade-unknown") == [(7, "Sheet1!H7")]
    assert found(r, "ledger-status-unknown") == [(8, "Sheet1!N8")]
    assert [a.grade for a in s.awards] == ["三级", "三级", "三级"]


def test_a_date_that_cannot_be_read(tmp_path):
    _, r = one(tmp_path, [ls.hazard(1, "2020-13-01"), ls.hazard(2, "去年")])
    assert found(r, "ledger-date-invalid") == [(4, "Sheet1!B4"), (5, "Sheet1!B5")]
    assert r.found == 0  # never a guess


def test_header_entries_and_industry(tmp_path):
    _, r = one(tmp_path, [ls.hazard(1, date(2020, 3, 1))], industry="化工行业")
    assert r.industry == "化工"
    _, r = one(tmp_path, [ls.hazard(1, date(2020, 3, 1))], industry="非化工", name="b.xlsx")
    assert (r.industry, r.found, r.found_chem) == ("非化工", 1, 0)
    _, r = one(tmp_path, [ls.hazard(1, date(2020, 3, 1))], industry=None, district=None, name="c.xlsx")
    assert [i.code for i in r.issues] == ["ledger-district-missing", "ledger-industry-unknown"]
    assert r.found == 1 and r.found_chem is None and not r.valid


def test_district_named_as_in_the_roster(tmp_path):
    s1, a = one(tmp_path, [ls.hazard(1, date(2020, 3, 1), grade="三级")], district="高区")
    s2, b = one(tmp_path, [ls.hazard(1, date(2020, 3, 1), grade="三级")], district="火炬高技术产业开发区", name="b.xlsx")
    assert a.district == b.district == "威海火炬高技术产业开发区总工会"
    _, c = one(tmp_path, [ls.hazard(1, date(2020, 3, 1))], district="某某新区", name="c.xlsx")
    assert c.district == "某某新区"


def test_not_a_ledger(tmp_path):
    path = tmp_path / "x.xlsx"
    samples.write_generated(path, __import__("cbc_cli.model.edition", fromlist=["x"]).get_edition("2020"),
                            unit="环翠区总工会", report_date=date(2020, 5, 1), values={}, period="2020H1")
    s = read_ledgers([path], "2020H1", isolation=None)
    assert not s.ledgers[0].readable and s.ledgers[0].issues[0].code == "ledger-not-found"


# --- the counts, by hand --------------------------------------------------------------------------

def _boundary_rows():
    return [
        ls.hazard(1, date(2019, 12, 31), fixed=date(2020, 1, 5)),        # before the year: not counted
        ls.hazard(2, date(2020, 1, 1), fixed=date(2020, 6, 30)),         # first day; fixed on H1's last day
        ls.hazard(3, date(2020, 6, 30), fixed=date(2020, 7, 1)),         # H1's last day; fixed after it
        ls.hazard(4, date(2020, 7, 1), fixed=date(2020, 7, 2)),          # after H1
        ls.hazard(5, date(2020, 3, 1), status="整改中", deadline=date(2020, 12, 31)),
        ls.hazard(6, "2020年5月5日", fixed="2020/5/6"),                   # dates typed as text
        ls.hazard(7, date(2020, 11, 30), fixed=date(2020, 12, 1)),       # H2's last day; fixed after it
        ls.hazard(8, date(2020, 12, 1), fixed=date(2020, 12, 2)),        # after H2
    ]


@pytest.mark.parametrize("period, counts", [
    ("2020H1", {"found": 4 + 2, "fixed": 2 + 1, "found_chem": 4, "fixed_chem": 2}),   # rows 2 3 5 6 | 2 6
    ("2020H2", {"found": 6 + 2, "fixed": 4 + 1, "found_chem": 6, "fixed_chem": 4}),   # rows 2-7 | 2 3 4 6
])
def test_counts_against_a_hand_computed_case(tmp_path, period, counts):
    a = ls.write_openpyxl(tmp_path / "chem.xlsx", ls.STANDARD, _boundary_rows(), **CHEM)
    b = ls.write_openpyxl(tmp_path / "other.xlsx", ls.STANDARD,
                          [ls.hazard(1, date(2020, 2, 1), fixed=date(2020, 2, 3)),
                           ls.hazard(2, date(2020, 4, 1), status="未整改", deadline=date(2020, 12, 1))], **OTHER)
    s = read_ledgers([tmp_path], period, isolation=None)
    assert {k: s.totals[k] for k in counts} == counts
    chem = next(r for r in s.ledgers if r.path == a)
    assert chem.rows == 8 and chem.found == counts["found_chem"]
    assert next(r for r in s.ledgers if r.path == b).found_chem == 0


def test_period_is_inferred_from_today_or_the_latest_date(tmp_path):
    path = ls.write_openpyxl(tmp_path / "a.xlsx", ls.STANDARD, [ls.hazard(1, date(2020, 5, 1))], **CHEM)
    assert str(read_ledgers([path], isolation=None).period) == "2020H1"
    assert str(read_ledgers([path], today=date(2020, 11, 20), isolation=None).period) == "2020H2"


# --- the cross-check with a filed 统计表 ----------------------------------------------------------

def test_against_the_filed_form_names_both_numbers(tmp_path, ed):
    ledger = ls.write_openpyxl(tmp_path / "台账.xlsx", ls.STANDARD, _boundary_rows(), **CHEM)
    filed = tmp_path / "报送"
    filed.mkdir()
    samples.write_generated(filed / "统计表.xlsx", ed, unit="威海某化工有限公司", report_date=date(2020, 6, 20),
                            values=dict(samples.full_values(ed, "enterprise", seed=1), hazards_found=5,
                                        hazards_found_chem=4, hazards_fixed=2, hazards_fixed_chem=2),
                            period="2020H1")
    result = run("ledger", ledger, "--period", "2020H1", "--against", filed, "--format", "json")
    assert result.exit_code == 0, result.output  # a difference is a warning
    check = json.loads(result.stdout)["against"][0]
    assert check["compared_with"] == ["威海某化工有限公司"]
    assert [(i["code"], i["cell"], i["value"]) for i in check["issues"]] == [
        ("ledger-against-mismatch", "统计表!B9", "5")]
    assert check["issues"][0]["message"] == "统计表（统计表.xlsx）的查出安全隐患数为5，按台账统计2020年上半年为4，请核对。"
    shown = run("ledger", ledger, "--period", "2020H1", "--against", filed)
    assert "按台账统计2020年上半年为4" in "".join(shown.output.replace("│", "").split())
    # held against the ledgers counted over the return's own half-year, whatever --period says
    later = json.loads(run("ledger", ledger, "--period", "2020H2", "--against", filed, "--format", "json").stdout)
    assert [(i["cell"], i["value"]) for i in later["against"][0]["issues"]] == [("统计表!B9", "5")]
    assert run("ledger", ledger, "--period", "2020H1", "--against", filed, "--strict").exit_code == 1


def test_to_form_writes_a_stats_form_that_validates(tmp_path, ed):
    ledger = ls.write_openpyxl(tmp_path / "台账.xlsx", ls.STANDARD, _boundary_rows(), **CHEM)
    result = run("ledger", ledger, "--period", "2020H1", "--to-form", tmp_path / "统计表.xlsx")
    assert result.exit_code == 0, result.output
    check = run("validate", tmp_path / "统计表.xlsx", "--format", "json", "--level", "enterprise")
    values = json.loads(check.stdout)["files"][0]["values"]
    assert (values["hazards_found"], values["hazards_fixed"], values["hazards_found_chem"],
            values["hazards_fixed_chem"]) == (4, 2, 4, 2)
    again = run("ledger", ledger, "--period", "2020H1", "--against", tmp_path / "统计表.xlsx", "--format", "json")
    assert json.loads(again.stdout)["against"][0]["issues"] == []


# --- the award list --------------------------------------------------------------------------------

def _award_rows():
    return [ls.hazard(1, date(2020, 5, 3), grade="三级", finder="甲"),
            ls.hazard(2, date(2020, 2, 1), grade="四级", finder="乙", interim="警戒"),
            ls.hazard(3, date(2020, 1, 9), grade="三级", finder="丙", status="整改中", deadline=date(2020, 12, 1)),
            ls.hazard(4, date(2020, 1, 2), grade="二级", finder="丁"),
            ls.hazard(5, date(2019, 12, 30), grade="四级", finder="戊", interim="警戒")]   # last year


def test_award_list_ranked_by_grade_then_date_with_json(tmp_path):
    ls.write_openpyxl(tmp_path / "a.xlsx", ls.STANDARD, _award_rows(), **CHEM)
    ls.write_openpyxl(tmp_path / "b.xlsx", ls.STANDARD, [ls.hazard(1, date(2020, 3, 3), grade="三级", finder="己")],
                      **OTHER)
    result = run("ledger", tmp_path, "--period", "2020H1", "-o", tmp_path / "out" / "奖励.xlsx", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(a["finder"], a["grade"], a["date"], a["fixed"]) for a in data["awards"]] == [
        ("乙", "四级", "2020-02-01", True), ("丙", "三级", "2020-01-09", False), ("己", "三级", "2020-03-03", True),
        ("甲", "三级", "2020-05-03", True)]
    assert set(data["awards"][0]) == {"unit", "district", "finder", "grade", "date", "content", "fixed"}
    assert data["awards"][0]["unit"] == "威海某化工有限公司" and data["awards"][0]["district"] == "环翠区总工会"
    assert set(data) >= {"version", "period", "ledgers", "totals", "awards"} and data["version"] == 1
    assert set(data["ledgers"][0]) == {"path", "unit", "district", "industry", "rows", "found", "fixed", "found_chem",
                                       "fixed_chem", "overdue", "issues"}
    assert set(data["totals"]) == {"found", "fixed", "found_chem", "fixed_chem", "overdue"}
    wb = openpyxl.load_workbook(tmp_path / "out" / "奖励.xlsx")
    ws = wb["奖励候选"]
    assert "三级及以上" in ws["A1"].value
    assert [ws.cell(r, 2).value for r in range(3, 7)] == ["乙", "丙", "己", "甲"]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows.replace("$", "") == "1:2"
    d = wb["按区市统计"]
    assert [[c.value for c in row] for row in d.iter_rows(min_row=3)] == [["环翠区总工会", 3, 2], ["文登区总工会", 1, 1],
                                                                         ["合计", 4, 3]]


def test_award_threshold_and_scale_changed_by_config(tmp_path):
    ledger = ls.write_openpyxl(tmp_path / "a.xlsx", ls.STANDARD, _award_rows(), **CHEM)
    cfg = tmp_path / "cbc.toml"
    cfg.write_text('[ledger]\naward_from = "四级"\n', encoding="utf-8")
    data = json.loads(run("ledger", ledger, "--period", "2020H1", "--config", cfg, "--format", "json").stdout)
    assert [a["finder"] for a in data["awards"]] == ["乙"]
    # a three-step scale of its own: 一般 < 较大 < 重大
    cfg.write_text('[ledger]\ngrades = ["一般", "较大", "重大"]\nmajor = ["重大"]\naward_from = "较大"\n',
                   encoding="utf-8")
    rows = [ls.hazard(1, date(2020, 3, 1), grade="较大", finder="甲"),
            ls.hazard(2, date(2020, 3, 2), grade="重大", finder="乙"),
            ls.hazard(3, date(2020, 3, 3), grade="一般", finder="丙")]
    other = ls.write_openpyxl(tmp_path / "b.xlsx", ls.STANDARD, rows, **CHEM)
    result = run("ledger", other, "--period", "2020H1", "--config", cfg, "--format", "json")
    data = json.loads(result.stdout)
    assert [a["finder"] for a in data["awards"]] == ["乙", "甲"]
    assert [i["code"] for i in data["ledgers"][0]["issues"]] == ["major-without-interim"]
    assert result.exit_code == 1
    cfg.write_text('[ledger]\naward_from = "五级"\n', encoding="utf-8")
    bad = run("ledger", ledger, "--period", "2020H1", "--config", cfg)
    assert bad.exit_code == 2 and "五级" in bad.output and "[ledger]" in bad.output


# --- ledgers typed by hand ---------------------------------------------------------------------------

def test_shuffled_extra_columns_text_dates_openpyxl(tmp_path):
    rnd = random.Random(7)
    cols = ls.STANDARD + ["联系电话", "检查类型"]
    rnd.shuffle(cols)
    rows = ls.random_rows(200, seed=3, text_dates=True)
    for r in rows:
        r["联系电话"], r["检查类型"] = "13800000000", "日常检查"
    plain = ls.write_openpyxl(tmp_path / "plain.xlsx", ls.STANDARD, ls.random_rows(200, seed=3), **CHEM)
    typed = ls.write_openpyxl(tmp_path / "typed.xlsx", cols, rows, inline=True, **CHEM)
    s = read_ledgers([plain, typed], "2020H2", isolation=None)
    a, b = s.ledgers
    assert b.errors == [] and (b.unit, b.district, b.industry) == ("威海某化工有限公司", "环翠区总工会", "化工")
    assert [(i.code, i.row) for i in a.issues] == [(i.code, i.row) for i in b.issues]  # overdue ones alike
    assert a.counts() == b.counts() and a.rows == b.rows == 200 and a.found > 150


@pytest.mark.parametrize("writer, suffix", [(ls.write_xlsxwriter, ".xlsx"), (ls.write_xlwt, ".xls")])
def test_other_writers(tmp_path, writer, suffix):
    cols = ["隐患等级", "发现日期", "排查人", "隐患描述", "所在位置", "整改责任人", "整改期限", "完成时间", "复查人",
            "整改状态", "临时措施", "序号", "其他"]
    names = dict(zip(cols, ["隐患等级", "发现时间", "发现人", "隐患内容", "存在部位", "责任人", "整改时限",
                            "整改完成时间", "验收人", "状态", "临时控制措施", "序号", "备注"]))
    rows = [{k: r[v] for k, v in names.items()} for r in ls.random_rows(50, seed=9)]
    path = writer(tmp_path / f"ledger{suffix}", cols, rows, **OTHER)
    reference = ls.write_openpyxl(tmp_path / "ref.xlsx", ls.STANDARD, ls.random_rows(50, seed=9), **OTHER)
    s = read_ledgers([path, reference], "2020H2", isolation=None)
    assert s.ledgers[0].errors == [], [i.message for i in s.ledgers[0].errors]
    assert {i.code for i in s.ledgers[0].issues} <= {"hazard-overdue"}
    assert s.ledgers[0].counts() == s.ledgers[1].counts()
    assert s.ledgers[0].industry == "非化工"


def test_two_row_header_and_a_signature_line(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业名称", "威海某化工有限公司", None, "所属区市", "环翠区", None, "行业", "化工"])
    ws.append(["序号", "发现时间", "发现人", "存在部位", "隐患内容", "隐患等级", "责任人", "状态", "整改情况"])
    ws.append([None, None, None, None, None, None, None, None, "整改措施", "整改时限", "整改完成时间", "验收人"])
    ws.append([1, "2020-3-1", "张三", "罐区", "阀门泄漏", "二级", "李四", "已整改", "更换", "2020-3-10", "2020-3-5", "王五"])
    ws.append(["填表人：赵六"])
    wb.save(tmp_path / "two.xlsx")
    s = read_ledgers([tmp_path / "two.xlsx"], "2020H1", isolation=None)
    r = s.ledgers[0]
    assert (r.rows, r.found, r.fixed, r.issues) == (1, 1, 1, [])


def test_one_sheet_a_month(tmp_path):
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = "汇总"
    summary.append(["月份", "查出隐患数", "整改完成数"])
    summary.append(["1月", 1, 1])
    for month, rows in (("1月", [ls.hazard(1, date(2020, 1, 5))]),
                        ("2月", [ls.hazard(1, date(2020, 2, 5), grade="三级", finder="甲"),
                                 ls.hazard(2, date(2020, 2, 9), finder=None)])):
        ws = wb.create_sheet(month)
        if month == "1月":
            ws.append(["企业名称：", "威海某化工有限公司", "所属区市：", "环翠区", "行业：", "化工"])
        ws.append(ls.STANDARD)
        for r in rows:
            ws.append([r[c] for c in ls.STANDARD])
    wb.save(tmp_path / "月.xlsx")
    s = read_ledgers([tmp_path / "月.xlsx"], "2020H1", isolation=None)
    r = s.ledgers[0]
    assert (r.rows, r.found, r.unit, r.industry) == (3, 3, "威海某化工有限公司", "化工")
    assert found(r, "ledger-cell-missing") == [(3, "2月!C3")]
    assert [(a.finder, a.sheet, a.row) for a in s.awards] == [("甲", "2月", 2)]


def test_a_bad_file_does_not_stop_the_batch(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    ls.write_openpyxl(tmp_path / "good.xlsx", ls.STANDARD, [ls.hazard(1, date(2020, 3, 1))], **CHEM)
    result = run("ledger", tmp_path, "--period", "2020H1", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(x["path"].rsplit("/", 1)[-1], x["found"]) for x in data["ledgers"]] == [("bad.xlsx", 0), ("good.xlsx", 1)]
    assert data["ledgers"][0]["issues"][0]["code"] == "not-a-workbook"


def test_exit_codes(tmp_path):
    good = ls.write_openpyxl(tmp_path / "good.xlsx", ls.STANDARD, [ls.hazard(1, date(2020, 3, 1))], **CHEM)
    assert run("ledger", good, "--period", "2020H1").exit_code == 0
    assert run("ledger", good, "--period", "2020H3").exit_code == 2
    assert run("ledger", tmp_path / "nope.xlsx").exit_code == 2
    assert run("ledger", good, "--today", "明天").exit_code == 2
    out = tmp_path / "奖励.xlsx"
    out.write_bytes(b"")
    assert run("ledger", good, "--period", "2020H1", "-o", out).exit_code == 2  # exists, no --force: refused before reading
    (tmp_path / "e").mkdir()
    empty = ls.write_openpyxl(tmp_path / "e" / "empty.xlsx", ls.STANDARD, [], **CHEM)  # nothing to infer from
    result = run("ledger", empty)
    assert result.exit_code == 2 and "--period" in result.output


def test_library_call_with_config(tmp_path):
    ls.write_openpyxl(tmp_path / "a.xlsx", ls.STANDARD, _award_rows(), **CHEM)
    cfg = tmp_path / "cbc.toml"
    cfg.write_text('[ledger]\naward_from = "四级"\n[ledger.periods]\nH1 = { start = "01-01", end = "05-31" }\n',
                   encoding="utf-8")
    s = read_ledgers([tmp_path], "2020H1", "2020", load_roster(cfg), isolation=None)
    assert s.end == date(2020, 5, 31)
    assert [a.finder for a in s.awards] == ["乙"]
    assert s.ledgers[0].found == 4  # 05-03, 02-01, 01-09, 01-02 (not 2019-12-30)


# --- untrusted files ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_hostile_files_are_turned_away_one_by_one(tmp_path):
    from cbc_cli.model.limits import MiB, Isolation

    from . import hostile

    made = hostile.build(tmp_path / "hostile")
    good = ls.write_openpyxl(tmp_path / "hostile" / "好的台账.xlsx", ls.STANDARD, [ls.hazard(1, date(2020, 3, 1))],
                             **CHEM)
    before = {p.name: p.read_bytes() for p in (tmp_path / "hostile").iterdir()}
    s = read_ledgers([tmp_path / "hostile"], "2020H1", isolation=Isolation(timeout=5.0, memory=256 * MiB), jobs=2)
    assert len(s.ledgers) == len(made) + 1  # every file accounted for
    for r in s.ledgers:
        codes = {i.code for i in r.issues}
        assert not {"reader-timeout", "reader-memory", "reader-crashed"} & codes, (r.path.name, codes)
        assert all("Traceback" not in i.message for i in r.issues)
        if r.path == good:
            assert r.valid and r.found == 1
        else:
            assert not r.valid and r.issues[0].message.startswith("无法读取："), (r.path.name, r.issues)
    assert {p.name: p.read_bytes() for p in (tmp_path / "hostile").iterdir()} == before  # never modified


# --- variations composed -------------------------------------------------------------------------------

DATE_STYLES = [lambda d: d, lambda d: f"{d.year}年{d.month}月{d.day}日", lambda d: f"{d.year}-{d.month:02d}-{d.day:02d}",
               lambda d: f"{d.year}/{d.month}/{d.day}", lambda d: f"{d.year}.{d.month}.{d.day}",
               lambda d: f"{d.year}{d.month:02d}{d.day:02d}"]
ALIASES = {"发现时间": ["发现日期", "排查时间", "发现时间（年月日）"], "发现人": ["排查人"], "隐患内容": ["隐患描述"],
           "存在部位": ["所在位置", "隐患部位"], "隐患等级": ["等级", "隐患级别"], "整改时限": ["整改期限"],
           "整改完成时间": ["完成时间"], "状态": ["整改状态"], "验收人": ["复查人"]}


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(len(ls.STANDARD))), extra=st.integers(0, 3), style=st.integers(0, 5),
       names=st.lists(st.integers(0, 2), min_size=len(ALIASES), max_size=len(ALIASES)),
       writer=st.sampled_from(["openpyxl", "xlsxwriter", "xlwt"]), inline=st.booleans(), seed=st.integers(1, 50))
def test_any_typing_gives_the_same_counts(tmp_path, order, extra, style, names, writer, inline, seed):
    """However the columns are ordered, named and padded, the dates typed and the file written,
    the counts and the findings' rows are those of the plain ledger."""
    rows = ls.random_rows(25, seed=seed)
    rename = {k: v[n % len(v)] for (k, v), n in zip(ALIASES.items(), names)}
    cols = [rename.get(ls.STANDARD[i], ls.STANDARD[i]) for i in order] + [f"附加{j}" for j in range(extra)]
    typed = []
    for r in rows:
        t = {rename.get(k, k): (DATE_STYLES[style](v) if isinstance(v, date) else v) for k, v in r.items()}
        t.update({f"附加{j}": f"备用{j}" for j in range(extra)})
        typed.append(t)
    write = {"openpyxl": ls.write_openpyxl, "xlsxwriter": ls.write_xlsxwriter, "xlwt": ls.write_xlwt}[writer]
    name = f"{writer}-{seed}-{style}{'.xls' if writer == 'xlwt' else '.xlsx'}"
    path = write(tmp_path / name, cols, typed, inline=inline, **CHEM)
    plain = ls.write_openpyxl(tmp_path / f"plain-{seed}.xlsx", ls.STANDARD, rows, **CHEM)
    s = read_ledgers([path, plain], "2020H2", isolation=None)
    a, b = s.ledgers
    assert a.counts() == b.counts() and a.rows == b.rows == 25
    assert ([(i.code, i.row - a.header_row) for i in a.issues] == [(i.code, i.row - b.header_row) for i in b.issues])
    assert (a.unit, a.district, a.industry) == (b.unit, b.district, b.industry)

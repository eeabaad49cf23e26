"""Reading filled 统计表 however they were typed, and judging them by the rules."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import pytest

from tests import samples
from cbc_cli.judge.ladder import validate_file

from .conftest import DATA, soffice

DATE = date(2020, 5, 28)


@pytest.fixture(scope="module")
def good(ed):
    return samples.full_values(ed, "county", seed=7)


def codes(result):
    return [(i.cell, i.code) for i in result.issues]


def assert_read_back(result, values):
    assert result.readable, result.issues
    for code, v in values.items():
        assert result.values[code] == (Decimal(str(v)) if isinstance(v, float) else v), code


def test_generated_form_filled_in_is_read_exactly(tmp_path, ed, good):
    path = samples.write_generated(tmp_path / "a.xlsx", ed, unit="环翠区总工会", report_date=DATE,
                                   values=good, period="2020H1")
    r = validate_file(path)
    assert r.by_identity and r.valid, r.issues
    assert (r.unit, r.level, r.date, r.period) == ("环翠区总工会", "county", DATE, "2020H1")
    assert_read_back(r, good)
    assert r.issues == []
    assert r.cells["workers_chem"] == "统计表!D5"


@pytest.mark.parametrize("variant", [
    {},
    {"ascii_quotes": True, "half_brackets": True},
    {"break_labels": True},
    {"title_rows": 3},
    {"merge_labels": True},
    {"header_in_one_cell": True},
])
def test_the_notice_grid_typed_by_hand(tmp_path, ed, good, variant):
    path = samples.write_grid(tmp_path / "grid.xlsx", ed, unit="文登区总工会（章）", date_text="2020年5月28日",
                              values=good, **variant)
    r = validate_file(path)
    assert not r.by_identity
    assert r.valid, r.issues
    assert (r.unit, r.date) == ("文登区总工会", DATE)
    assert_read_back(r, good)


def test_a_shuffled_two_column_list(tmp_path, ed, good):
    import random

    order = [f.code for f in ed.stats.fields]
    random.Random(3).shuffle(order)
    # the twins must follow their parents for a person to tell them apart too
    for twin, parent in (("city_awarded_chem", "city_awarded"), ("county_awarded_chem", "county_awarded")):
        order.remove(twin)
        order.insert(order.index(parent) + 1, twin)
    path = samples.write_list(tmp_path / "list.xlsx", ed, unit="荣成", date_text="2020-05-28", values=good, order=order)
    r = validate_file(path)
    assert r.valid, r.issues
    assert r.unit == "荣成市总工会"
    assert_read_back(r, good)


def test_twin_labels_go_to_their_own_parent(tmp_path, ed):
    values = {f.code: 0 for f in ed.stats.fields}
    values.update(city_awarded=30, city_awarded_chem=4, county_awarded=50, county_awarded_chem=9)
    path = samples.write_grid(tmp_path / "g.xlsx", ed, unit="威海市总工会", date_text="2020-06-10", values=values)
    r = validate_file(path)
    assert r.level == "city"
    assert (r.values["city_awarded_chem"], r.values["county_awarded_chem"]) == (4, 9)
    assert r.cells["city_awarded_chem"] == "Sheet1!D14" and r.cells["county_awarded_chem"] == "Sheet1!D15"


@pytest.mark.parametrize("typed, expected", [
    ("１２３", 123), ("1,200", 1200), ("1，200", 1200), (" 45 ", 45), ("45人", 45), ("3.0", 3),
    (12.0, 12), ("1,200人", 1200),
])
def test_number_spellings(tmp_path, ed, good, typed, expected):
    values = dict(good, workers_total=typed, workers_chem=0, trained_total=0, trained_chem=0)
    path = samples.write_grid(tmp_path / "v.xlsx", ed, unit="乳山市总工会", date_text="2020.5.28", values=values)
    r = validate_file(path)
    assert r.values["workers_total"] == expected
    assert r.valid, r.issues


@pytest.mark.parametrize("typed", ["无", "—", "/", "", None])
def test_blank_spellings_are_not_zero(tmp_path, ed, good, typed):
    values = dict(good, hazards_found_chem=typed)
    path = samples.write_grid(tmp_path / "b.xlsx", ed, unit="乳山市总工会", date_text="2020/5/28", values=values)
    r = validate_file(path)
    assert r.values["hazards_found_chem"] is None
    assert codes(r) == [("Sheet1!D9", "required-missing")]
    assert "没有填写" in r.issues[0].message and "空白不等于0" in r.issues[0].message


@pytest.mark.parametrize("typed, code, says", [
    ("十二", "not-a-number", "“十二”"),
    ("约100", "not-a-number", "“约100”"),
    ("-3", "negative", "不能为负数"),
    ("2.5", "not-whole", "应为整数"),
    ("12个", "not-a-number", "单位应为“人”"),
])
def test_bad_values_name_the_cell_and_quote_the_text(tmp_path, ed, good, typed, code, says):
    values = dict(good, workers_chem=typed)
    path = samples.write_grid(tmp_path / "x.xlsx", ed, unit="乳山市总工会", date_text="2020-05-28", values=values)
    r = validate_file(path)
    assert codes(r) == [("Sheet1!D5", code)]
    issue = r.issues[0]
    assert issue.field == "workers_chem" and issue.value == typed
    assert issue.message.startswith("其中化工行业参与职工人数") and says in issue.message
    assert issue.where_message.startswith("Sheet1!D5：其中化工行业参与职工人数")
    assert not r.valid


def test_money_in_yuan_is_converted_with_a_warning(tmp_path, ed, good):
    values = dict(good, county_fund="50000元", county_paid="3万元")
    path = samples.write_grid(tmp_path / "y.xlsx", ed, unit="南海", date_text="2020-05-28", values=values)
    r = validate_file(path)
    assert r.values["county_fund"] == Decimal(5) and r.values["county_paid"] == Decimal(3)
    assert codes(r) == [("Sheet1!B13", "yuan-converted")]
    assert r.valid


def test_money_that_looks_like_yuan(tmp_path, ed, good):
    values = dict(good, county_fund=50000, county_paid=20000)
    path = samples.write_grid(tmp_path / "y.xlsx", ed, unit="南海", date_text="2020-05-28", values=values)
    r = validate_file(path)
    assert ("Sheet1!B13", "money-looks-like-yuan") in codes(r)
    assert r.valid  # a warning


@pytest.mark.parametrize("text, expected", [
    ("2020年5月28日", DATE), ("2020-05-28", DATE), ("2020/5/28", DATE), ("2020.5.28", DATE),
    ("填报日期：2020年5月28日", DATE), (DATE, DATE), ("  年  月  日", None),
])
def test_date_spellings(tmp_path, ed, good, text, expected):
    path = samples.write_grid(tmp_path / "d.xlsx", ed, unit="高区", date_text=text, values=good)
    r = validate_file(path)
    assert r.date == expected
    assert r.unit == "威海火炬高技术产业开发区总工会"
    if expected is None:
        assert codes(r) == [("Sheet1!D3", "date-missing")]


def test_an_impossible_date_is_an_error(tmp_path, ed, good):
    path = samples.write_grid(tmp_path / "d.xlsx", ed, unit="高区", date_text="2020年2月30日", values=good)
    r = validate_file(path)
    assert codes(r) == [("Sheet1!D3", "date-invalid")]
    assert "不存在" in r.issues[0].message


# --- each rule: a failing and a passing case ----------------------------------------------

RULE_CASES = [
    # (rule code, severity, level, overrides that break it, overrides that satisfy it)
    ("sub-exceeds-total", "error", "county", {"workers_chem": 9999999}, {"workers_chem": 0}),
    ("funded-exceeds-unions", "error", "city", {"county_unions": 9, "county_unions_with_fund": 10},
     {"county_unions": 9, "county_unions_with_fund": 9}),
    ("funded-flag-not-0-or-1", "error", "county", {"county_unions_with_fund": 2}, {"county_unions_with_fund": 0,
                                                                                   "county_fund": 0, "county_paid": 0,
                                                                                   "county_awarded": 0,
                                                                                   "county_awarded_chem": 0}),
    ("fixed-exceeds-found", "warning", "county", {"hazards_fixed": 9999999}, {}),
    ("trained-exceeds-workers", "warning", "county", {"trained_total": 9999999}, {}),
    ("trainees-without-training", "warning", "county", {"union_trainings": 0, "union_trainees": 40}, {}),
    ("fund-without-funded-union", "warning", "county", {"county_unions_with_fund": 0}, {}),
    ("paid-exceeds-fund", "warning", "county", {"county_paid": 999}, {}),
    ("awards-money-mismatch", "warning", "county", {"county_paid": 0}, {}),
    ("money-looks-like-yuan", "warning", "county", {"county_fund": 5000, "county_paid": 4000}, {}),
]


@pytest.mark.parametrize("rule, severity, level, broken, fine", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_each_rule_fails_and_passes(tmp_path, ed, rule, severity, level, broken, fine):
    base = samples.full_values(ed, "county", seed=11)
    unit = "威海市总工会" if level == "city" else "环翠区总工会"
    if level == "city":
        base.update(city_fund=20, county_unions=9, city_awarded=10, city_awarded_chem=1, city_paid=2)
    bad = samples.write_generated(tmp_path / "bad.xlsx", ed, unit=unit, report_date=DATE, values={**base, **broken})
    r = validate_file(bad)
    hits = [i for i in r.issues if i.code == rule]
    assert hits and all(i.severity == severity for i in hits), r.issues
    assert hits[0].cell.startswith("统计表!") and hits[0].field and "请" in hits[0].message
    ok = samples.write_generated(tmp_path / "ok.xlsx", ed, unit=unit, report_date=DATE, values={**base, **fine})
    r2 = validate_file(ok)
    assert not [i for i in r2.issues if i.code == rule], r2.issues


def test_level_from_roster_else_option(tmp_path, ed, good):
    path = samples.write_generated(tmp_path / "e.xlsx", ed, unit="威海某某化工有限公司工会", report_date=DATE,
                                   values=samples.full_values(ed, "enterprise"))
    r = validate_file(path, level="enterprise")
    assert r.level == "enterprise" and r.unit == "威海某某化工有限公司工会"
    assert [i.code for i in r.issues] == ["unit-unlisted"]
    r2 = validate_file(path)
    assert r2.level == "county" and "level-unknown" in [i.code for i in r2.issues]
    assert "required-missing" in [i.code for i in r2.issues]  # county fields it did not fill


def test_a_field_the_level_does_not_fill_is_ignored_with_a_warning(tmp_path, ed, good):
    path = samples.write_generated(tmp_path / "n.xlsx", ed, unit="环翠区总工会", report_date=DATE,
                                   values={**good, "city_fund": 50})
    r = validate_file(path)
    assert codes(r) == [("统计表!B11", "not-for-level")]
    assert r.values["city_fund"] is None and r.valid


def test_missing_unit_is_an_error(tmp_path, ed, good):
    path = samples.write_generated(tmp_path / "u.xlsx", ed, unit=None, report_date=DATE, values=good)
    r = validate_file(path, level="county")
    assert codes(r) == [("统计表!B3", "unit-missing")]


def test_formula_without_a_cached_value(tmp_path, ed, good):
    from openpyxl import load_workbook

    path = samples.write_generated(tmp_path / "f.xlsx", ed, unit="环翠区总工会", report_date=DATE, values=good)
    wb = load_workbook(path)
    wb["统计表"]["B5"] = "=D5*10"  # openpyxl stores formulas without a value, like some generators
    wb.save(path)
    r = validate_file(path)
    assert codes(r) == [("统计表!B5", "formula-no-value")]
    assert "Excel 或 WPS" in r.issues[0].message


def test_files_that_are_not_workbooks(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "text.xlsx").write_text("hello", encoding="utf-8")
    (tmp_path / "fake.xls").write_bytes(b"%PDF-1.4 ...")
    for name, code in (("empty.xlsx", "empty-file"), ("text.xlsx", "not-a-workbook"), ("fake.xls", "not-a-workbook")):
        r = validate_file(tmp_path / name)
        assert not r.readable and not r.valid
        assert [i.code for i in r.issues] == [code]
        assert r.issues[0].message.startswith("无法读取：")


def test_an_encrypted_workbook_says_save_an_unencrypted_copy():
    r = validate_file(DATA / "encrypted.xlsx")
    assert [i.code for i in r.issues] == ["encrypted"]
    assert "请另存为未加密的副本" in r.issues[0].message


def test_xls_from_an_old_excel(tmp_path, ed, good):
    path = samples.write_xls_grid(tmp_path / "old.xls", ed, unit="经区", date_text="2020年5月28日", values=good)
    r = validate_file(path)
    assert r.valid, r.issues
    assert r.unit == "威海经济技术开发区总工会"
    assert_read_back(r, good)


def test_xls_renamed_to_xlsx_is_read_by_its_bytes(tmp_path, ed, good):
    path = samples.write_xls_grid(tmp_path / "old.xls", ed, unit="经区", date_text="2020-05-28", values=good)
    renamed = tmp_path / "renamed.xlsx"
    shutil.copy(path, renamed)
    assert validate_file(renamed).valid


def test_committed_real_files(ed):
    """Files saved by LibreOffice (an .ods and an .xls), kept in tests/data."""
    for name in ("grid-libreoffice.ods", "grid-libreoffice.xls"):
        r = validate_file(DATA / name)
        assert r.valid, (name, r.issues)
        assert r.unit == "临港区" or r.unit == "威海临港经济技术开发区总工会"


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_libreoffice_converted_copies(tmp_path, ed, good, fmt):
    src = samples.write_grid(tmp_path / "src.xlsx", ed, unit="临港区", date_text="2020年5月28日", values=good,
                             merge_labels=True)
    out = tmp_path / "conv"
    out.mkdir()
    converted = samples.convert_with_soffice(src, fmt, out)
    r = validate_file(converted)
    assert r.valid, r.issues
    assert_read_back(r, good)


def test_input_files_are_never_modified(tmp_path, ed, good):
    path = samples.write_grid(tmp_path / "g.xlsx", ed, unit="临港区", date_text="2020-05-28",
                              values=dict(good, workers_chem="十二"))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    validate_file(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before

"""The reading model on the cases that rejected real hand-typed returns (issue: "Reading returns
nobody here made"). Every workbook here is written directly with openpyxl or xlsxwriter, never
with cbc's own writers or tests/samples.py; the labels come from the edition file itself."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cbc_cli import validate_file
from cbc_cli.cli import app

EDITION = tomllib.loads((Path(__file__).resolve().parent.parent / "schemas" / "edition-2020.toml")
                        .read_text(encoding="utf-8"))
FIELDS = EDITION["stats"]["fields"]
NOTE = EDITION["stats"]["note"]
COUNTY_ONLY_BLANK = [f["code"] for f in FIELDS if "county" not in f["levels"]]

# a consistent county return (every rule holds)
COUNTY = {
    "units_total": 40, "units_chem": 6, "workers_total": 3200, "workers_chem": 410, "trainings_total": 96,
    "trainings_chem": 12, "trained_total": 2100, "trained_chem": 300, "union_trainings": 4, "union_trainees": 220,
    "hazards_found": 180, "hazards_found_chem": 30, "hazards_fixed": 160, "hazards_fixed_chem": 25,
    "county_unions_with_fund": 1, "county_fund": 12.5, "county_awarded": 40, "county_awarded_chem": 6,
    "county_paid": 8.2,
}


def _grid(path: Path, values: dict, *, note: bool = True, date_cell=None, header=True) -> Path:
    """The notice's grid typed by hand: label | value | label | value, the wide rows merged."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "附件1"
    ws["A2"] = EDITION["stats"]["title"]
    if header:
        ws["A3"] = "填报单位（章）："
        ws["B3"] = "环翠区总工会"
        ws["C3"] = "填报日期："
        ws["D3"] = date_cell if date_cell is not None else "2020年5月28日"
    for f in FIELDS:
        lc, row = f["label_cell"][0], int(f["label_cell"][1:])
        col = 1 if lc == "A" else 3
        ws.cell(row, col, f["label"])
        if values.get(f["code"]) is not None:
            ws.cell(row, col + 1, values[f["code"]])
        if f.get("value_span"):
            ws.merge_cells(f"{f['value_cell']}:{f['value_span'].split(':')[1]}")
    if note:
        ws["A17"] = NOTE
        ws.merge_cells("A17:D17")
    wb.save(path)
    return path


def _read_back_exactly(r, values: dict) -> None:
    for f in FIELDS:
        want = values.get(f["code"])
        got = r.values[f["code"]]
        assert (got is None and want is None) or (got is not None and float(got) == float(want)), f["code"]


def test_the_notice_grid_with_blank_city_fields_and_the_note_under_it(tmp_path):
    """The case that rejected every hand-typed county return: blank city-only fields, with the
    notice's 注 line under the table. Blank stays blank; the note is never a value."""
    r = validate_file(_grid(tmp_path / "g.xlsx", COUNTY))
    assert r.valid, [(i.cell, i.code, i.message) for i in r.issues]
    _read_back_exactly(r, COUNTY)
    assert r.issues == []
    assert r.cells["city_paid"] == "Sheet!B16" and r.sources["city_paid"] == ("Sheet!A16", "grid")


def test_a_thousand_such_returns_are_all_counted(tmp_path):
    """A folder of hand-typed county returns, like the 1,000 that were all rejected: all count."""
    folder = tmp_path / "returns"
    folder.mkdir()
    units = ["环翠区总工会", "文登区总工会", "荣成市总工会", "乳山市总工会", "高区总工会", "经区总工会",
             "临港区总工会", "综保区", "南海新区总工会"]
    for i, unit in enumerate(units * 3):
        path = _grid(folder / f"{i:03d}.xlsx", COUNTY)
        wb = openpyxl.load_workbook(path)
        wb.active["B3"] = unit
        wb.active["D3"] = f"2020年5月{1 + i}日"
        wb.save(path)
    out = CliRunner().invoke(app, ["aggregate", str(folder), "--period", "2020H1", "--format", "json",
                                   "-o", str(tmp_path / "s.xlsx")])
    data = json.loads(out.stdout)
    assert data["rejected"] == []
    assert len(data["counted"]) == 9 and len(data["replaced"]) == 18 and data["missing"] == []


def test_a_vertical_table_with_a_unit_column(tmp_path):
    """序号 | 项目 | 单位 | 数量: the 单位 column (个/人/次/万元) is never taken as the values."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([EDITION["stats"]["title"]])
    ws.append(["填报单位：环翠区总工会", None, "填报日期：", "2020年5月30日"])
    ws.append(["序号", "项目", "单位", "数量"])
    for n, f in enumerate(FIELDS, 1):
        ws.append([n, f["label"], f["unit"], COUNTY.get(f["code"])])
    wb.save(tmp_path / "v.xlsx")
    r = validate_file(tmp_path / "v.xlsx")
    assert r.valid, [(i.cell, i.code) for i in r.issues]
    _read_back_exactly(r, COUNTY)
    assert r.cells["units_total"] == "Sheet!D4"


def test_the_unit_column_after_the_values_and_a_remarks_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位：环翠区总工会", "填报日期：2020-05-30"])
    for f in FIELDS:
        remark = "含外包单位" if f["code"] == "workers_total" else None
        ws.append([f["label"], COUNTY.get(f["code"]), f["unit"], remark])
    wb.save(tmp_path / "u.xlsx")
    r = validate_file(tmp_path / "u.xlsx")
    assert r.valid and r.cells["workers_total"] == "Sheet!B4"
    _read_back_exactly(r, COUNTY)


def test_the_date_in_the_header_row_without_its_label(tmp_path):
    """2020年5月30日 where 填报日期：… usually stands: read, not date-missing (a correction with
    no date would lose to the older original)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([EDITION["stats"]["title"]])
    ws.append(["环翠区总工会", None, None, "2020年5月30日"])
    ws.append(["项目", "数值"])
    for f in FIELDS:
        ws.append([f["label"], COUNTY.get(f["code"])])
    wb.save(tmp_path / "d.xlsx")
    r = validate_file(tmp_path / "d.xlsx")
    assert (r.unit, r.date.isoformat()) == ("环翠区总工会", "2020-05-30")
    assert not [i for i in r.issues if i.code.startswith("date")]


@pytest.mark.parametrize("cell", [datetime(2020, 5, 28), "2020 年 5 月 28 日"])
def test_a_real_date_cell_and_a_spaced_date(tmp_path, cell):
    r = validate_file(_grid(tmp_path / "g.xlsx", COUNTY, date_cell=cell))
    assert r.date.isoformat() == "2020-05-28" and r.valid


def test_a_date_split_over_several_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位：", "环翠区总工会", "填报日期：", 2020, "年", 5, "月", 28, "日"])
    ws.append(["项目", "数值"])
    for f in FIELDS:
        ws.append([f["label"], COUNTY.get(f["code"])])
    wb.save(tmp_path / "s.xlsx")
    r = validate_file(tmp_path / "s.xlsx")
    assert r.date.isoformat() == "2020-05-28" and r.valid


@pytest.mark.parametrize("typed", ["1\r\n2", "1\x0b2", "1\n2", "3 4"])
def test_two_numbers_in_one_cell_are_an_error_never_their_concatenation(tmp_path, typed):
    import xlsxwriter  # openpyxl refuses control characters; xlsxwriter writes them as _x000B_

    path = tmp_path / "two.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["填报单位：环翠区总工会", "填报日期：2020-05-30"])
    for n, f in enumerate(FIELDS, 1):
        ws.write_row(n, 0, [f["label"], typed if f["code"] == "workers_total" else COUNTY.get(f["code"])])
    wb.close()
    r = validate_file(path)
    assert r.values["workers_total"] is None
    assert [(i.field, i.code) for i in r.issues if i.field == "workers_total"] == [("workers_total", "two-numbers")]
    assert not r.valid


@pytest.mark.parametrize("marker", ["/", "／", "—", "－", "-", "无", "不适用"])
def test_not_applicable_in_a_field_the_level_does_not_fill_is_no_error(tmp_path, marker):
    values = dict(COUNTY, **{code: marker for code in COUNTY_ONLY_BLANK})
    r = validate_file(_grid(tmp_path / "na.xlsx", values))
    assert r.valid and r.issues == []
    assert all(r.values[c] is None for c in COUNTY_ONLY_BLANK)


def test_two_columns_of_figures_with_no_header_are_not_guessed(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位：环翠区总工会", "填报日期：2020-05-30"])
    for f in FIELDS:
        v = COUNTY.get(f["code"])
        ws.append([f["label"], v, None if v is None else v * 2])  # this year and last year, unlabelled
    wb.save(tmp_path / "two-cols.xlsx")
    r = validate_file(tmp_path / "two-cols.xlsx")
    assert all(v is None for v in r.values.values())
    unclear = {i.field for i in r.issues if i.code == "layout-unclear"}
    assert unclear == {f["code"] for f in FIELDS}
    issue = next(i for i in r.issues if i.field == "workers_total")
    assert "B4" in issue.message and "C4" in issue.message and not r.valid


def test_a_value_column_header_settles_two_columns_of_figures(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位：环翠区总工会", "填报日期：2020-05-30"])
    ws.append(["项目", "上年同期", "本期数"])
    for f in FIELDS:
        v = COUNTY.get(f["code"])
        ws.append([f["label"], None if v is None else v * 2, v])
    wb.save(tmp_path / "headed.xlsx")
    r = validate_file(tmp_path / "headed.xlsx")
    assert r.valid
    _read_back_exactly(r, COUNTY)


def test_a_label_twice_with_different_values_is_not_guessed(tmp_path):
    path = _grid(tmp_path / "twice.xlsx", COUNTY, note=False)
    wb = openpyxl.load_workbook(path)
    wb.active["A20"] = "参与职工人数"
    wb.active["B20"] = 999
    wb.save(path)
    r = validate_file(path)
    assert r.values["workers_total"] is None
    issue = next(i for i in r.issues if i.field == "workers_total")
    assert issue.code == "label-twice" and "A5" in issue.message and "A20" in issue.message


def test_a_label_twice_with_the_same_value_is_fine(tmp_path):
    path = _grid(tmp_path / "same.xlsx", COUNTY, note=False)
    wb = openpyxl.load_workbook(path)
    wb.active["A20"] = "参与职工人数"
    wb.active["B20"] = COUNTY["workers_total"]
    wb.save(path)
    r = validate_file(path)
    assert r.values["workers_total"] == COUNTY["workers_total"] and r.valid


def test_labels_across_a_header_row_with_values_below(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位：环翠区总工会", None, "填报日期：2020年5月28日"])
    ws.append([f["label"] for f in FIELDS])
    ws.append([COUNTY.get(f["code"]) for f in FIELDS])
    wb.save(tmp_path / "row.xlsx")
    r = validate_file(tmp_path / "row.xlsx")
    assert r.valid, [(i.cell, i.code) for i in r.issues]
    _read_back_exactly(r, COUNTY)
    assert r.sources["workers_total"][1] == "header"


def test_labels_across_a_header_row_with_several_rows_and_a_total_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位：环翠区总工会", None, "填报日期：2020年5月28日"])
    ws.append(["企业"] + [f["label"] for f in FIELDS])
    ws.append(["甲公司"] + [1 if f["code"] in COUNTY else None for f in FIELDS])
    ws.append(["乙公司"] + [2 if f["code"] in COUNTY else None for f in FIELDS])
    ws.append(["合计"] + [COUNTY.get(f["code"]) for f in FIELDS])
    wb.save(tmp_path / "total.xlsx")
    r = validate_file(tmp_path / "total.xlsx")
    _read_back_exactly(r, COUNTY)
    # without the 合计 row, cbc cannot tell which row is the return's
    ws.delete_rows(5)
    wb.save(tmp_path / "no-total.xlsx")
    r = validate_file(tmp_path / "no-total.xlsx")
    assert r.values["workers_total"] is None
    assert {i.code for i in r.issues if i.field == "workers_total"} == {"layout-unclear"}


def test_pairs_swapped_left_and_right(tmp_path):
    """value | label | value | label: the whole table reads its values from the left."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位：环翠区总工会", None, "填报日期：2020年5月28日"])
    for f in FIELDS:
        lc, row = f["label_cell"][0], int(f["label_cell"][1:])
        col = 2 if lc == "A" else 4
        ws.cell(row, col, f["label"])
        ws.cell(row, col - 1, COUNTY.get(f["code"]))
    wb.save(tmp_path / "swap.xlsx")
    r = validate_file(tmp_path / "swap.xlsx")
    assert r.valid, [(i.cell, i.code, i.message) for i in r.issues]
    _read_back_exactly(r, COUNTY)


def test_a_unit_word_where_the_value_should_be_is_never_a_value(tmp_path):
    """The layout says the value is right of the label; there stands 人: a finding, not a number."""
    path = _grid(tmp_path / "g.xlsx", COUNTY)
    wb = openpyxl.load_workbook(path)
    wb.active["B5"] = "人"
    wb.save(path)
    r = validate_file(path)
    assert r.values["workers_total"] is None
    assert [i.code for i in r.issues if i.field == "workers_total"] == ["layout-unclear"]


def test_explain_prints_the_cell_map(tmp_path):
    path = _grid(tmp_path / "g.xlsx", COUNTY)
    out = CliRunner().invoke(app, ["validate", "--explain", str(path)], env={"COLUMNS": "160"})
    assert out.exit_code == 0
    assert "读取位置" in out.stdout and "栏目旁的数值列" in out.stdout
    line = next(x for x in out.stdout.splitlines() if "参与职工人数" in x and "其中" not in x)
    assert "3,200" in line and "B5" in line and "A5" in line


def test_an_uncalculated_formula_is_never_read_as_its_saved_zero(tmp_path, ed):
    """xlsxwriter saves every formula with a 0 and asks Excel to calculate on opening. In a field
    the level fills, that is formula-no-value (an error naming the cell); in a field it does not
    fill, the value is not read (None), never 0. (Found by the zoo's property test.)"""
    import xlsxwriter

    path = tmp_path / "公式.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("统计表")
    ws.write_row(0, 0, ["填报单位：", "环翠区总工会", "填报日期：", "2020年5月28日"])
    cells = {}
    for row, f in enumerate(ed.stats.fields, 1):   # a two-column list, every field
        ws.write(row, 0, f.label)
        cells[f.code] = f"统计表!B{row + 1}"
        if f.code == "workers_total":
            ws.write_formula(row, 1, "=1000+200")
        elif f.code == "city_paid":                  # a city-only field, in a county's return
            ws.write_formula(row, 1, "=1+0")
        elif "county" in f.levels:
            ws.write_number(row, 1, 0)
    wb.close()
    r = validate_file(path)
    assert r.values["workers_total"] is None
    assert any(i.code == "formula-no-value" and i.field == "workers_total" and i.cell == cells["workers_total"]
               for i in r.issues)
    assert r.values["city_paid"] is None
    assert not any(i.field == "city_paid" and i.code == "formula-no-value" for i in r.issues)


@pytest.mark.parametrize("title, unit", [
    ("综保区“查保促”工作情况统计表", "威海综合保税区总工会"),              # a roster alias
    ("综合保税区总工会“查保促”活动情况统计", "威海综合保税区总工会"),      # no 表 at the end
    ("威海综合保税区总工会查保促统计", "威海综合保税区总工会"),             # no quotes
    ("2020年上半年“查保促”工作情况统计表", None),                          # a period, not a unit
])
def test_the_unit_named_only_in_the_title(tmp_path, ed, title, unit):
    """No 填报单位 line: the title names the unit, by its name or an alias, with or without 表 and
    quotes; a title that names only the period names no unit (unit-missing, never a guess)."""
    path = tmp_path / "标题.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "统计表"
    ws.append([title])
    ws.append(["填报日期：2020年5月28日"])
    for f in ed.stats.fields:
        ws.append([f.label, 1 if "county" in f.levels else None])
    wb.save(path)
    r = validate_file(path)
    assert r.unit == unit, (r.unit, [(i.code, i.message) for i in r.issues][:3])
    if unit is None:
        assert any(i.code == "unit-missing" for i in r.issues)

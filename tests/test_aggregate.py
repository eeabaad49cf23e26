"""`cbc aggregate`: who counts, the sums, and the outputs read back."""

# The fixtures here are our own, trusted files: they are read in this process (isolation=None);
# the worker pool has its own tests in test_hostile.py.
from __future__ import annotations

import json
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests import samples
from cbc_cli.aggregate import aggregate
from cbc_cli.cli import app
from cbc_cli.model.config import default_roster, load_roster
from cbc_cli.model.period import Period
from cbc_cli.judge.ladder import validate_file

runner = CliRunner()
H1 = Period.parse("2020H1")
COUNTY_SUM = ["units_total", "units_chem", "workers_total", "workers_chem", "trainings_total", "trainings_chem",
              "trained_total", "trained_chem", "hazards_found", "hazards_found_chem", "hazards_fixed",
              "hazards_fixed_chem", "county_fund", "county_awarded", "county_awarded_chem", "county_paid",
              "union_trainings", "union_trainees"]


def run(*args, cwd: Path | None = None):
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        return runner.invoke(app, [str(a) for a in args])
    finally:
        os.chdir(old)


def put(folder: Path, name: str, ed, unit: str, day: date | None, values: dict, *, generated: bool = True) -> Path:
    if generated:
        return samples.write_generated(folder / name, ed, unit=unit, report_date=day, values=values)
    return samples.write_grid(folder / name, ed, unit=unit, date_text=day.isoformat() if day else None, values=values)


@pytest.fixture
def folder(tmp_path, ed):
    """Six of the nine districts report: one late, one corrected, one with an error, one unreadable."""
    d = tmp_path / "returns"
    d.mkdir()
    v = {name: samples.full_values(ed, "county", seed=i) for i, name in enumerate(
        ["环翠区总工会", "文登区总工会", "荣成市总工会", "乳山市总工会", "威海火炬高技术产业开发区总工会",
         "威海经济技术开发区总工会", "威海临港经济技术开发区总工会"])}
    put(d, "环翠-初报.xlsx", ed, "环翠区总工会", date(2020, 5, 20), dict(v["环翠区总工会"], units_total=1, units_chem=0))
    put(d, "环翠-更正.xlsx", ed, "环翠区", date(2020, 5, 27), v["环翠区总工会"], generated=False)
    put(d, "文登.xlsx", ed, "文登区总工会（章）", date(2020, 5, 28), v["文登区总工会"], generated=False)
    put(d, "荣成.xlsx", ed, "荣成", date(2020, 6, 3), v["荣成市总工会"])                        # late
    put(d, "乳山.xlsx", ed, "乳山市总工会", date(2020, 5, 29), dict(v["乳山市总工会"], workers_chem=10 ** 7))  # error
    put(d, "高区.xlsx", ed, "高区", date(2020, 5, 30), v["威海火炬高技术产业开发区总工会"])
    put(d, "经区.xlsx", ed, "经区总工会", date(2020, 6, 1), v["威海经济技术开发区总工会"])        # on the day: not late
    (d / "临港.xlsx").write_bytes(b"PK\x03\x04 truncated")                                          # unreadable
    put(d, "某局.xlsx", ed, "威海市某某局工会", date(2020, 5, 25), samples.full_values(ed, "county", seed=42))  # unlisted
    return d, v


def test_who_counts(folder):
    d, v = folder
    s = aggregate([d], isolation=None, roster=default_roster())
    assert s.period == H1
    counted = {c.unit: c.result.path.name for c in s.counted}
    assert counted == {"环翠区总工会": "环翠-更正.xlsx", "文登区总工会": "文登.xlsx", "荣成市总工会": "荣成.xlsx",
                       "威海火炬高技术产业开发区总工会": "高区.xlsx", "威海经济技术开发区总工会": "经区.xlsx",
                       "威海市某某局工会": "某局.xlsx"}
    assert [(r.result.path.name, r.by.path.name) for r in s.replaced] == [("环翠-初报.xlsx", "环翠-更正.xlsx")]
    assert [(c.unit, c.deadline) for c in s.late] == [("荣成市总工会", date(2020, 6, 1))]
    assert sorted(r.result.path.name for r in s.rejected) == ["临港.xlsx", "乳山.xlsx"]
    assert "大于" in next(r.reason for r in s.rejected if r.result.path.name == "乳山.xlsx")
    assert [u.name for u in s.missing] == ["乳山市总工会", "威海临港经济技术开发区总工会", "威海综合保税区总工会", "南海新区总工会"]
    assert [c.unit for c in s.unlisted] == ["威海市某某局工会"]
    assert not s.complete


def test_the_sums_against_an_independent_count(folder):
    d, v = folder
    s = aggregate([d], isolation=None, roster=default_roster())
    counted = [v[n] for n in ("环翠区总工会", "文登区总工会", "荣成市总工会", "威海火炬高技术产业开发区总工会",
                              "威海经济技术开发区总工会")] + [samples.full_values(s.edition, "county", seed=42)]
    for code in COUNTY_SUM:
        expected = sum(Decimal(str(x[code])) for x in counted)
        assert Decimal(s.totals[code]) == expected, code
    assert s.totals["county_unions"] == 9                                 # federations in the roster
    assert s.totals["county_unions_with_fund"] == 6                      # counted returns with a fund
    assert s.totals["city_fund"] is None and s.totals["city_awarded"] is None   # the city's own: not given
    assert [i.code for i in s.issues] == ["own-figures-missing"]
    assert s.indicators()["fix_rate"] == round(s.totals["hazards_fixed"] / s.totals["hazards_found"], 4)


def test_latest_by_date_then_file_time(tmp_path, ed):
    d = tmp_path / "r"
    d.mkdir()
    a = put(d, "a.xlsx", ed, "环翠区总工会", date(2020, 5, 20), samples.full_values(ed, seed=1))
    b = put(d, "b.xlsx", ed, "环翠区总工会", date(2020, 5, 20), samples.full_values(ed, seed=2))
    os.utime(a, (2_000_000_000, 2_000_000_000))   # same date: the later file wins
    os.utime(b, (1_900_000_000, 1_900_000_000))
    s = aggregate([d], isolation=None, roster=default_roster(), period=H1)
    assert s.counted[0].result.path.name == "a.xlsx" and s.replaced[0].result.path.name == "b.xlsx"


def test_money_is_added_exactly(tmp_path, ed):
    d = tmp_path / "r"
    d.mkdir()
    base = samples.full_values(ed, seed=5)
    for i, (unit, fund) in enumerate([("环翠区总工会", "0.1"), ("文登区总工会", "0.2"), ("荣成市总工会", "0.7")]):
        put(d, f"{i}.xlsx", ed, unit, date(2020, 5, 20), dict(base, county_fund=fund, county_paid="0.1"), generated=False)
    s = aggregate([d], isolation=None, roster=default_roster(), period=H1)
    assert s.totals["county_fund"] == Decimal("1.0") and isinstance(s.totals["county_fund"], Decimal)
    assert s.totals["county_paid"] == Decimal("0.3")
    assert str(s.totals["county_paid"]) == "0.3"  # float addition would give 0.30000000000000004


def test_strict_roster_refuses_unlisted(folder):
    d, _ = folder
    s = aggregate([d], isolation=None, roster=default_roster(), strict_roster=True)
    assert not s.unlisted
    assert any(r.result.path.name == "某局.xlsx" and "名册" in r.reason for r in s.rejected)


def test_config_extends_roster_with_own_figures_and_deadlines(folder, tmp_path):
    d, _ = folder
    cfg = tmp_path / "cbc.toml"
    cfg.write_text('''
[[units]]
name = "威海市某某局工会"
aliases = ["某某局工会"]
level = "county"
federation = false

[deadlines.county]
H1 = "06-05"
H2 = "11-30"

[own]
city_fund = 20
city_awarded = 30
city_awarded_chem = 3
city_paid = 12.5
union_trainings = 4
union_trainees = 300
''', encoding="utf-8")
    roster = load_roster(cfg)
    s = aggregate([d], isolation=None, roster=roster)
    assert not s.unlisted and s.late == []                       # listed now; deadline moved to 6月5日
    assert s.totals["county_unions"] == 9                        # 市直 unions are not federations
    assert (s.totals["city_fund"], s.totals["city_awarded"], s.totals["city_paid"]) == (Decimal(20), 30, Decimal("12.5"))
    counted_trainings = sum(c.result.values["union_trainings"] for c in s.counted)
    assert s.totals["union_trainings"] == counted_trainings + 4
    assert s.issues == []


def test_own_file_gives_the_city_figures(folder, tmp_path, ed):
    d, _ = folder
    own = put(tmp_path, "市本级.xlsx", ed, "威海市总工会", date(2020, 6, 2),
              {"city_fund": 30, "city_awarded": 12, "city_awarded_chem": 2, "city_paid": 8,
               "union_trainings": 2, "union_trainees": 150})
    s = aggregate([d], isolation=None, roster=default_roster(), own_file=own)
    assert (s.totals["city_fund"], s.totals["city_awarded"], s.totals["city_awarded_chem"], s.totals["city_paid"]) == \
        (Decimal(30), 12, 2, Decimal(8))
    assert s.totals["union_trainees"] == sum(c.result.values["union_trainees"] for c in s.counted) + 150


def test_a_city_return_in_the_folder_is_not_counted(folder, ed):
    d, _ = folder
    put(d, "市总.xlsx", ed, "威海市总工会", date(2020, 5, 30), {"city_fund": 1})
    s = aggregate([d], isolation=None, roster=default_roster())
    assert any(r.result.path.name == "市总.xlsx" for r in s.rejected)


def test_summary_workbook_read_back(folder, tmp_path):
    d, _ = folder
    out = tmp_path / "out"
    out.mkdir()
    result = run("aggregate", d, "-o", out / "汇总.xlsx", "--jobs", "2")
    assert result.exit_code == 1, result.output                # rejected and missing units
    s = aggregate([d], isolation=None, roster=default_roster())
    wb = openpyxl.load_workbook(out / "汇总.xlsx")
    assert wb.sheetnames == ["汇总", "明细", "报送情况", "问题", "_cbc"]
    ws = wb["汇总"]
    assert ws["A2"].value == "“查保促”工作情况统计表" and ws["B3"].value == "威海市总工会"
    for f in s.edition.stats.fields:
        assert ws[f.label_cell].value == f.label
        expected = s.totals[f.code]
        assert (ws[f.value_cell].value is None) if expected is None else Decimal(str(ws[f.value_cell].value)) == expected
    detail = wb["明细"]
    assert detail.freeze_panes == "C3" and "明细" in detail["A1"].value   # the title, then the header
    assert [c.value for c in detail[2]][:6] == ["序号", "单位", "层级", "填报日期", "状态", "来源文件"]
    units = [detail.cell(r, 2).value for r in range(3, detail.max_row)]
    assert units == [c.unit for c in s.counted]
    assert detail.cell(detail.max_row, 2).value == "合计（下级报表）"
    status = wb["报送情况"]
    rows = {(status.cell(r, 1).value, status.cell(r, 2).value) for r in range(3, status.max_row + 1)}
    assert ("荣成市总工会", "迟报（已计入）") in rows and ("南海新区总工会", "未报") in rows
    assert ("环翠区总工会", "被替换") in rows and ("乳山市总工会", "退回") in rows
    assert ("威海市某某局工会", "名册外（已计入）") in rows
    problems = wb["问题"]
    assert problems.freeze_panes == "A3"
    assert any(problems.cell(r, 4).value == "“其中”数超过总数" and "大于" in problems.cell(r, 8).value  # the rule's title
               for r in range(3, problems.max_row + 1))


def test_summary_is_a_valid_return_one_level_up(tmp_path, ed):
    """Enterprises -> a district's summary (county level) -> the city's summary of districts."""
    district_cfg = '''
[roster]
replace = true

[city]
name = "{name}"
aliases = ["{alias}"]
level = "county"

[deadlines.enterprise]
H1 = "06-30"
H2 = "11-30"

[[units]]
name = "{name}甲公司工会"
level = "enterprise"

[[units]]
name = "{name}乙公司工会"
level = "enterprise"

[own]
union_trainings = 2
union_trainees = 80
county_unions_with_fund = 1
county_fund = 5
county_awarded = 10
county_awarded_chem = 1
county_paid = 2.5
'''
    enterprise_values = []
    summaries = tmp_path / "districts"
    summaries.mkdir()
    for k, (name, alias) in enumerate([("环翠区总工会", "环翠区"), ("文登区总工会", "文登区")]):
        base = tmp_path / f"d{k}"
        (base / "in").mkdir(parents=True)
        cfg = base / "cbc.toml"
        cfg.write_text(district_cfg.format(name=name, alias=alias), encoding="utf-8")
        for j, suffix in enumerate(["甲公司工会", "乙公司工会"]):
            vals = samples.full_values(ed, "enterprise", seed=10 * k + j)
            enterprise_values.append(vals)
            put(base / "in", f"{j}.xlsx", ed, name + suffix, date(2020, 5, 20), vals)
        result = run("aggregate", "in", "-o", summaries / f"{alias}.xlsx", "--period", "2020H1", cwd=base)
        assert result.exit_code == 0, result.output
        back = validate_file(summaries / f"{alias}.xlsx")
        assert back.valid and back.level == "county" and back.unit == name, back.issues
    city = aggregate([summaries], isolation=None, roster=default_roster())
    assert city.period == H1
    assert [c.unit for c in city.counted] == ["环翠区总工会", "文登区总工会"]
    for code in ("units_total", "workers_total", "hazards_found", "hazards_fixed_chem"):
        assert city.totals[code] == sum(v[code] for v in enterprise_values), code
    assert city.totals["county_fund"] == Decimal(10) and city.totals["county_paid"] == Decimal(5)
    assert city.totals["county_unions_with_fund"] == 2


def test_html_report_escaped_and_self_contained(folder, tmp_path, ed):
    d, _ = folder
    put(d, "x.xlsx", ed, "<script>alert(1)</script>工会", date(2020, 5, 25), samples.full_values(ed, seed=3))
    html_path = tmp_path / "报告.html"
    result = run("aggregate", d, "-o", tmp_path / "s.xlsx", "--html", html_path)
    assert result.exit_code == 1
    html = html_path.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;工会" in html
    assert not re.search(r"""(src|href)\s*=|<link|@import|url\(""", html)
    assert "<svg" in html and "查出安全隐患数" in html and "2020年上半年" in html
    assert "环翠区总工会" in html and "未报" in html


def test_json_contract(folder, tmp_path):
    d, _ = folder
    result = run("aggregate", d, "--format", "json", "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) >= {"version", "period", "totals", "indicators", "counted", "replaced", "late", "missing",
                         "unlisted", "rejected", "issues"}
    assert data["version"] == 1 and data["period"] == "2020H1"
    assert len(data["totals"]) == 24 and data["totals"]["county_unions"] == 9
    assert {"unit", "path", "date"} == set(data["counted"][0])
    assert data["late"] == [{"unit": "荣成市总工会", "path": str(d / "荣成.xlsx"), "date": "2020-06-03", "deadline": "2020-06-01"}]
    assert data["missing"] == ["乳山市总工会", "威海临港经济技术开发区总工会", "威海综合保税区总工会", "南海新区总工会"]
    assert data["replaced"] == [{"unit": "环翠区总工会", "path": str(d / "环翠-初报.xlsx")}]
    assert data["unlisted"] == [{"unit": "威海市某某局工会", "path": str(d / "某局.xlsx")}]
    assert {r["path"].rsplit("/", 1)[-1] for r in data["rejected"]} == {"乳山.xlsx", "临港.xlsx"}
    assert all(set(r) == {"path", "unit", "reason"} for r in data["rejected"])
    assert data["issues"] and {"severity", "code", "field", "cell", "value", "message"} <= set(data["issues"][0])


def test_exit_0_when_everything_is_in(tmp_path, ed):
    d = tmp_path / "r"
    d.mkdir()
    for i, u in enumerate(default_roster().units):
        put(d, f"{i}.xlsx", ed, u.name, date(2020, 5, 25), samples.full_values(ed, seed=i))
    result = run("aggregate", d, "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 0, result.output
    assert "已计入" in result.output and "已写入" in result.output


def test_never_overwrites_without_force(folder, tmp_path):
    d, _ = folder
    target = tmp_path / "s.xlsx"
    target.write_bytes(b"keep me")
    result = run("aggregate", d, "-o", target)
    assert result.exit_code == 2 and "--force" in result.output
    assert target.read_bytes() == b"keep me"
    assert run("aggregate", d, "-o", target, "--force").exit_code == 1   # written; units still missing
    assert openpyxl.load_workbook(target).sheetnames[0] == "汇总"


def test_default_name_carries_the_period(folder, tmp_path):
    d, _ = folder
    result = run("aggregate", d, cwd=tmp_path)
    assert (tmp_path / "查保促汇总_2020H1.xlsx").is_file(), result.output


def test_period_cannot_be_told(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.xlsx").write_bytes(b"nope")
    result = run("aggregate", tmp_path / "in", "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 2 and "--period" in result.output


def test_a_self_check_beside_the_returns_is_skipped_not_rejected(folder, ed, tmp_path):
    d, _ = folder
    samples.write_selfcheck_generated(d / "某企业-自查表.xlsx", ed, unit="某企业工会", scores=samples.full_scores(ed))
    s = aggregate([d], isolation=None, roster=default_roster())
    assert [r.path.name for r in s.skipped] == ["某企业-自查表.xlsx"]
    assert "某企业-自查表.xlsx" not in {r.result.path.name for r in s.rejected}
    assert "cbc score" in s.to_json()["skipped"][0]["reason"]
    v = validate_file(d / "某企业-自查表.xlsx")
    assert [i.code for i in v.issues] == ["not-a-stats-form"] and "自查表" in v.issues[0].message


def test_a_late_h2_return_dated_in_january_is_late_not_rejected(tmp_path, ed):
    d = tmp_path / "r"
    d.mkdir()
    put(d, "a.xlsx", ed, "环翠区总工会", date(2021, 1, 8), samples.full_values(ed, seed=1))
    put(d, "b.xlsx", ed, "文登区总工会", date(2020, 3, 8), samples.full_values(ed, seed=2))
    s = aggregate([d], isolation=None, roster=default_roster(), period=Period.parse("2020H2"))
    assert [(c.unit, c.late) for c in s.counted] == [("环翠区总工会", True)]
    assert [r.result.path.name for r in s.rejected] == ["b.xlsx"] and "不在" in s.rejected[0].reason


# --- November against June (--previous) --------------------------------------------------------

@pytest.fixture
def two_halves(tmp_path, ed):
    """June and November returns of three districts; 环翠 reports fewer hazards found in
    November than in June; 荣成 sent nothing in June; 文登's June return has an error."""
    june, nov = tmp_path / "上半年", tmp_path / "下半年"
    june.mkdir()
    nov.mkdir()
    v = {name: samples.full_values(ed, "county", seed=i) for i, name in enumerate(["环翠", "文登", "荣成"])}
    put(june, "环翠-6月.xlsx", ed, "环翠区总工会", date(2020, 5, 28), v["环翠"])
    put(june, "文登-6月.xlsx", ed, "文登区总工会", date(2020, 5, 28), dict(v["文登"], workers_chem=10 ** 7))
    later = {name: {k: (x + 5 if isinstance(x, int) and k != "county_unions_with_fund" else x) for k, x in vals.items()}
             for name, vals in v.items()}                  # (county_unions_with_fund is a 0/1 flag at county level)
    later["环翠"]["hazards_found"] = v["环翠"]["hazards_found"] - 3
    later["环翠"]["hazards_found_chem"] = 0
    for name, unit in (("环翠", "环翠区总工会"), ("文登", "文登区总工会"), ("荣成", "荣成市总工会")):
        put(nov, f"{name}-11月.xlsx", ed, unit, date(2020, 11, 25), later[name], generated=name != "文登")
    return june, nov, v, later


def test_a_november_figure_below_june_is_a_warning_on_that_return(two_halves):
    june, nov, v, later = two_halves
    s = aggregate([nov], isolation=None, roster=default_roster(), previous=[june])
    assert str(s.period) == "2020H2" and str(s.earlier.period) == "2020H1" and s.earlier.files == 2
    assert s.earlier.compared == ["环翠区总工会"]           # 文登's June return was sent back; 荣成 sent none
    assert s.earlier.lower == ["环翠区总工会"]
    hw = next(c.result for c in s.counted if c.unit == "环翠区总工会")
    found = [i for i in hw.issues if i.code == "below-first-half"]
    assert {i.field for i in found} == {"hazards_found", "hazards_found_chem"}
    first = next(i for i in found if i.field == "hazards_found")
    assert first.severity == "warning" and first.cell == "统计表!B9"
    assert str(later["环翠"]["hazards_found"]) in first.message and str(v["环翠"]["hazards_found"]) in first.message
    assert "环翠-6月.xlsx" in first.message and "上半年" in first.message
    assert len(s.counted) == 3 and not s.rejected             # a warning: still counted
    assert "1 个单位，其中 1 个单位有栏目少于上半年（环翠区总工会）" in s.earlier.note()
    assert s.to_json()["earlier"] == {"period": "2020H1", "files": 2, "compared": ["环翠区总工会"],
                                      "lower": ["环翠区总工会"]}
    plain = aggregate([nov], isolation=None, roster=default_roster())           # without --previous: no comparison
    assert plain.earlier is None and not any(i.code == "below-first-half" for r in plain.results for i in r.issues)


def test_one_folder_holding_the_whole_year(two_halves, tmp_path):
    june, nov, _, _ = two_halves
    year = tmp_path / "全年"
    year.mkdir()
    for p in [*june.iterdir(), *nov.iterdir()]:
        (year / p.name).write_bytes(p.read_bytes())
    s = aggregate([year], isolation=None, roster=default_roster(), period=Period.parse("2020H2"), previous=[year])
    assert s.earlier.compared == ["环翠区总工会"] and s.earlier.lower == ["环翠区总工会"]


def test_previous_from_the_command_line(two_halves, tmp_path):
    june, nov, _, _ = two_halves
    out = tmp_path / "汇总.xlsx"
    result = run("aggregate", nov, "--previous", june, "-o", out, "--format", "json")
    data = json.loads(result.output)
    assert data["earlier"]["lower"] == ["环翠区总工会"]
    assert any(i["code"] == "below-first-half" and i["unit"] == "环翠区总工会" for i in data["issues"])
    problems = openpyxl.load_workbook(out)["问题"]
    assert any("上半年" in (problems.cell(r, 8).value or "") for r in range(3, problems.max_row + 1))
    shown = run("aggregate", nov, "--previous", june, "-o", tmp_path / "b.xlsx", "--html", tmp_path / "b.html")
    assert "已与2020年上半年报表对照：1 个单位" in shown.output
    assert "已与2020年上半年报表对照：1 个单位" in (tmp_path / "b.html").read_text(encoding="utf-8")
    h1 = run("aggregate", june, "--previous", june, "-o", tmp_path / "c.xlsx")
    assert h1.exit_code == 2 and "下半年" in h1.output
    gone = run("aggregate", nov, "--previous", tmp_path / "无此文件夹", "-o", tmp_path / "d.xlsx")
    assert gone.exit_code == 2 and "找不到" in gone.output
    empty = tmp_path / "空"
    empty.mkdir()
    none = aggregate([nov], isolation=None, roster=default_roster(), previous=[empty])
    assert none.earlier.compared == [] and any(i.code == "first-half-not-found" for i in none.issues)


def test_validate_holds_a_november_return_against_june(two_halves):
    june, nov, v, _ = two_halves
    from cbc_cli.validate import validate_paths

    results = {r.path.name: r for r in validate_paths([nov], roster=default_roster(), previous=[june])}
    codes = {name: [i.code for i in r.issues if i.code == "below-first-half"] for name, r in results.items()}
    assert codes == {"环翠-11月.xlsx": ["below-first-half"] * 2, "文登-11月.xlsx": [], "荣成-11月.xlsx": []}
    alone = run("validate", nov / "环翠-11月.xlsx", "--previous", june, "--format", "json")
    assert alone.exit_code == 0  # warnings only
    found = [i for i in json.loads(alone.output)["files"][0]["issues"] if i["code"] == "below-first-half"]
    assert [i["cell"] for i in found] == ["统计表!B9", "统计表!D9"]
    assert "环翠-6月.xlsx" in found[0]["message"]
    june_only = validate_paths([june], roster=default_roster(), previous=[june])  # June returns: nothing to hold
    assert not any(i.code == "below-first-half" for r in june_only for i in r.issues)


def test_a_return_with_no_unit_is_its_file_names_unit_sent_back_not_missing(tmp_path, ed):
    """A return with no 填报单位 cannot count; but its file's name (综保区.xlsx) names a unit, so
    that unit is 退回 — it did report, and the clerk must not chase it as 未报 (as cbc status says)."""
    d = tmp_path / "returns"
    d.mkdir()
    samples.write_grid(d / "综保区.xlsx", ed, unit=None, date_text="2020年5月28日",
                       values=samples.full_values(ed, "county", seed=3))
    s = aggregate([d], isolation=None, roster=default_roster(), period=H1)
    rows = {r["unit"]: r for r in s.status_rows()}
    assert rows["威海综合保税区总工会"]["status"] == "rejected"
    assert "按文件名" in rows["威海综合保税区总工会"]["note"]
    assert "（无法识别）" not in rows
    assert dict(s.status_counts())["未报"] == len(default_roster().units) - 1


def test_identical_copies_are_named_as_duplicates_not_corrections(tmp_path):
    """The same return sent twice (or copied): counted once, and the other is said to be a
    duplicate, not a correction that replaced it."""
    import shutil

    d = tmp_path / "returns"
    d.mkdir()
    one = Path(__file__).resolve().parent.parent / "examples" / "报送-2020H1" / "环翠区总工会-统计表.xlsx"
    shutil.copy(one, d / "a.xlsx")
    shutil.copy(one, d / "b.xlsx")
    s = aggregate([d], isolation=None, roster=default_roster(), period=H1)
    assert len(s.counted) == 1 and len(s.replaced) == 1
    (row,) = [r for r in s.status_rows() if r["status"] == "replaced"]
    assert "重复" in row["note"]


def test_the_leaders_report_does_not_tell_them_how_to_work_the_tool(tmp_path, ed):
    """The HTML report goes to leaders: a note about missing own figures keeps what it means and
    drops the hint about cbc.toml and --own (which the clerk sees on the screen and in 问题)."""
    from cbc_cli.report import render_html

    d = tmp_path / "returns"
    d.mkdir()
    samples.write_generated(d / "环翠.xlsx", ed, unit="环翠区总工会", report_date=date(2020, 5, 26),
                            values=samples.full_values(ed, "county", seed=1))
    s = aggregate([d], isolation=None, roster=default_roster(), period=H1)
    assert any(i.code == "own-figures-missing" and "cbc.toml" in i.message for i in s.issues)
    html = render_html(s)
    assert "本级" in html and "cbc.toml" not in html and "--own" not in html


def test_many_identical_copies_are_one_line_on_the_screen(tmp_path):
    """Twenty copies of one return: the follow-up table says so in one line, not twenty (the
    报送情况 sheet still lists every file)."""
    import shutil

    d = tmp_path / "returns"
    d.mkdir()
    one = Path(__file__).resolve().parent.parent / "examples" / "报送-2020H1" / "环翠区总工会-统计表.xlsx"
    for i in range(20):
        shutil.copy(one, d / f"h{i:02}.xlsx")
    result = run("aggregate", d, "-o", tmp_path / "汇总.xlsx", "--period", "2020H1", "--no-cache")
    assert result.exit_code == 1
    assert "另有19份内容完全相同的重复文件" in result.output.replace("\n", "").replace("│", "").replace(" ", "")
    assert result.output.count("被替换") <= 2   # the counts header and one line
    sheet = openpyxl.load_workbook(tmp_path / "汇总.xlsx")["报送情况"]
    assert sum(1 for row in sheet.iter_rows(values_only=True) if "被替换" in row) == 19

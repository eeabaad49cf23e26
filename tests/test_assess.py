"""`cbc assess`: the year's facts per unit, the order by facts, a weighted score worked out by hand,
the JSON contract, exit codes, and the 年度考核 workbook read back and printed."""

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

from cbc_cli.assess import LedgersNotWired, assess
from cbc_cli.cli import app
from cbc_cli.model.assess import AssessConfig, HalfFacts, UnitFacts, load_assess_config, rank_units, score_units
from cbc_cli.model.config import load_roster
from tests import samples
from tests.conftest import pdf_pages, soffice, to_pdf

runner = CliRunner()

ROSTER = """
[roster]
replace = true

[city]
name = "某市总工会"

[deadlines.county]
H1 = "05-31"
H2 = "11-30"

[deadlines.enterprise]
H1 = "06-30"
H2 = "11-30"

[[units]]
name = "甲区总工会"
level = "county"
federation = true

[[units]]
name = "乙区总工会"
level = "county"
federation = true

[[units]]
name = "丙区总工会"
level = "county"
federation = true

[[units]]
name = "丁区总工会"
level = "county"
federation = true

[[units]]
name = "戊区总工会"
level = "county"
federation = true

[[units]]
name = "某某机械有限公司工会"
level = "enterprise"
"""

WEIGHTS = """
[assess.weights]
on_time_h1 = 20
on_time_h2 = 20
first_valid_h1 = 10
first_valid_h2 = 10
fix_rate = 20
training_coverage = 10
selfcheck = 10
"""


def _set_mtime(path: Path, day: date) -> None:
    t = float(date(day.year, day.month, day.day).strftime("%s"))
    os.utime(path, (t, t))


@pytest.fixture
def year(tmp_path, ed):
    """Two half-years of returns, written by openpyxl directly (the notice's grid, a two-column
    list) and by cbc's own form:
    甲 on time twice; 乙 late twice, across a month end each time (05-31 → 06-02, 11-30 → 12-03);
    丙 sent back in June, and in November first sent back then corrected; 丁 never reported;
    戊 sent two valid returns in June (a correction) and one in November; the enterprise union
    reported on time and sent a self-check."""
    h1, h2, sc = tmp_path / "h1", tmp_path / "h2", tmp_path / "selfchecks"
    for d in (h1, h2, sc):
        d.mkdir()
    v = {u: samples.full_values(ed, "county", seed=i) for i, u in enumerate("甲乙丙丁戊")}
    ent = samples.full_values(ed, "enterprise", seed=9)

    def grid(folder, name, unit, day, values):
        p = samples.write_grid(folder / name, ed, unit=unit, date_text=day.isoformat(), values=values)
        _set_mtime(p, day)

    grid(h1, "甲.xlsx", "甲区总工会", date(2020, 5, 20), v["甲"])
    samples.write_list(h1 / "乙.xlsx", ed, unit="乙区总工会", date_text="2020年6月2日", values=v["乙"])
    grid(h1, "丙.xlsx", "丙区总工会", date(2020, 5, 25), dict(v["丙"], workers_chem=10 ** 7))  # error
    grid(h1, "戊-初报.xlsx", "戊区总工会", date(2020, 5, 21), dict(v["戊"], units_total=v["戊"]["units_total"] + 1))
    grid(h1, "戊-更正.xlsx", "戊区总工会", date(2020, 5, 28), v["戊"])
    samples.write_generated(h1 / "企业.xlsx", ed, unit="某某机械有限公司工会", report_date=date(2020, 6, 30), values=ent)

    grid(h2, "甲.xlsx", "甲区总工会", date(2020, 11, 28), dict(v["甲"], hazards_found=200, hazards_fixed=150))
    grid(h2, "乙.xlsx", "乙区总工会", date(2020, 12, 3), v["乙"])
    grid(h2, "丙-初报.xlsx", "丙区总工会", date(2020, 11, 20), dict(v["丙"], workers_chem=10 ** 7))
    grid(h2, "丙-更正.xlsx", "丙区总工会", date(2020, 11, 25), v["丙"])
    grid(h2, "戊.xlsx", "戊区总工会", date(2020, 11, 30), v["戊"])
    samples.write_generated(h2 / "企业.xlsx", ed, unit="某某机械有限公司工会", report_date=date(2020, 11, 26), values=ent)

    samples.write_selfcheck_generated(sc / "企业-自查表.xlsx", ed, unit="某某机械有限公司工会",
                                      scores=samples.full_scores(ed, drop=6))
    cfg = tmp_path / "cbc.toml"
    cfg.write_text(ROSTER, encoding="utf-8")
    return tmp_path, h1, h2, sc, cfg


def facts(a):
    return {u.unit: {h: (x.state, x.days_late, x.returns, x.first_valid) for h, x in u.halves.items()} for u in a.units}


def test_each_state_per_half_days_late_corrections_and_first_validity(year):
    _, h1, h2, _, cfg = year
    a = assess([h1], [h2], roster=load_roster(cfg), isolation=None)
    assert a.year == 2020
    assert facts(a) == {
        "甲区总工会": {"H1": ("ok", 0, 1, True), "H2": ("ok", 0, 1, True)},
        "乙区总工会": {"H1": ("late", 2, 1, True), "H2": ("late", 3, 1, True)},   # across May/June, Nov/Dec
        "丙区总工会": {"H1": ("rejected", None, 1, False), "H2": ("ok", 0, 2, False)},
        "丁区总工会": {"H1": ("missing", None, 0, None), "H2": ("missing", None, 0, None)},
        "戊区总工会": {"H1": ("ok", 0, 2, True), "H2": ("ok", 0, 1, True)},
        "某某机械有限公司工会": {"H1": ("ok", 0, 1, True), "H2": ("ok", 0, 1, True)},
    }
    by = {u.unit: u for u in a.units}
    assert by["乙区总工会"].halves["H1"].date == date(2020, 6, 2)
    assert by["乙区总工会"].halves["H1"].deadline == date(2020, 5, 31)
    assert by["某某机械有限公司工会"].halves["H1"].deadline == date(2020, 6, 30)   # per level
    assert by["丙区总工会"].halves["H2"].file == "丙-更正.xlsx"
    assert "大于" in by["丙区总工会"].halves["H1"].note
    # the year's indicators come from the November return
    assert by["甲区总工会"].fix_rate == 0.75
    assert by["丁区总工会"].fix_rate is None and by["丁区总工会"].training_coverage is None
    assert [u.unit for u in a.outstanding] == ["丙区总工会", "丁区总工会"]


def test_facts_only_ordering_grouped_by_level(year):
    _, h1, h2, _, cfg = year
    a = assess([h1], [h2], roster=load_roster(cfg), isolation=None)
    assert not a.weighted
    # clean first (roster order), then: fewer halves not counted, fewer days late
    assert [u.unit for u in a.units] == ["甲区总工会", "戊区总工会", "乙区总工会", "丙区总工会", "丁区总工会",
                                         "某某机械有限公司工会"]
    assert [lv for lv, _ in a.levels()] == ["county", "enterprise"]
    assert all(u.score is None and u.parts is None and u.rank is None for u in a.units)


def test_selfcheck_total_for_enterprise_unions(year, ed):
    _, h1, h2, sc, cfg = year
    a = assess([h1], [h2], selfchecks=[sc], roster=load_roster(cfg), isolation=None)
    by = {u.unit: u for u in a.units}
    assert by["某某机械有限公司工会"].selfcheck == sum(samples.full_scores(ed, drop=6).values())
    assert by["甲区总工会"].selfcheck is None
    assert a.selfcheck_max == 57


def _unit(name, h1="ok", h2="ok", fv1=True, fv2=True, fix=None, cov=None, sc=None, level="county"):
    return UnitFacts(name, level, {"H1": HalfFacts(h1, first_valid=fv1), "H2": HalfFacts(h2, first_valid=fv2)},
                     fix_rate=fix, training_coverage=cov, selfcheck=sc)


def test_a_weighted_score_worked_out_by_hand_ties_share_a_rank():
    config = AssessConfig(weights={"on_time_h1": 30, "on_time_h2": 30, "first_valid_h1": 10, "first_valid_h2": 10,
                                   "fix_rate": 20})
    units = [
        _unit("A", fix=0.9),                          # 30+30+10+10+18     = 98
        _unit("B", h1="late", fix=1.0),               # 0+30+10+10+20      = 70
        _unit("C", h2="late", fix=1.0),               # 30+0+10+10+20      = 70
        _unit("D", fv2=False, fix=0.5),               # 30+30+10+0+10      = 80
        _unit("E", h1="missing", fv1=None),           # 0+30+0+10+0 (no November rate counts 0) = 40
    ]
    score_units(units, config, 57)
    ranked = rank_units(units)
    assert [(u.unit, u.score, u.rank) for u in ranked] == [
        ("A", Decimal("98.00"), 1), ("D", Decimal("80.00"), 2), ("B", Decimal("70.00"), 3),
        ("C", Decimal("70.00"), 3), ("E", Decimal("40.00"), 5)]
    a = next(u for u in units if u.unit == "A")
    assert a.parts == {"on_time_h1": 30, "on_time_h2": 30, "first_valid_h1": 10, "first_valid_h2": 10,
                       "fix_rate": Decimal("18.00")}
    assert sum(a.parts.values()) == a.score


def test_a_part_that_does_not_apply_is_scaled_to_the_same_full_mark():
    """The self-check applies to enterprise unions only: a county body's other parts are scaled
    by full / applying = 100 / 80."""
    config = AssessConfig(weights={"on_time_h1": 40, "on_time_h2": 40, "selfcheck": 20})
    county, ent = _unit("县"), _unit("企", level="enterprise", sc=57)
    ent2 = _unit("企2", level="enterprise", h1="late", sc=38)            # 0 + 40 + 20×38/57 = 53.33
    score_units([county, ent, ent2], config, 57)
    assert county.parts == {"on_time_h1": Decimal("50.00"), "on_time_h2": Decimal("50.00")} and county.score == 100
    assert ent.score == 100 and ent.applying == 100
    assert ent2.parts == {"on_time_h1": 0, "on_time_h2": Decimal("40.00"), "selfcheck": Decimal("13.33")}
    assert ent2.score == Decimal("53.33")


def test_weights_from_cbc_toml(year):
    tmp, h1, h2, sc, cfg = year
    cfg.write_text(ROSTER + WEIGHTS, encoding="utf-8")
    a = assess([h1], [h2], selfchecks=[sc], roster=load_roster(cfg), config=load_assess_config(cfg), isolation=None)
    assert a.weighted and a.config.full == 100
    county = [u for u in a.units if u.level == "county"]
    assert [u.rank for u in county] == sorted(u.rank for u in county)
    for u in a.units:
        assert u.score == sum(u.parts.values())
    jia = next(u for u in a.units if u.unit == "甲区总工会")   # fix 0.75, no self-check: ×100/90
    cov = Decimal(str(jia.training_coverage))
    expected = [(w * share * Decimal(100) / Decimal(90)).quantize(Decimal("0.01"))
                for w, share in ((20, 1), (20, 1), (10, 1), (10, 1), (20, Decimal("0.75")), (10, cov))]
    assert jia.score == sum(expected)


def test_bad_weights_are_a_usage_error(year):
    tmp, h1, h2, _, cfg = year
    cfg.write_text(ROSTER + "[assess.weights]\nspeed = 5\n", encoding="utf-8")
    r = runner.invoke(app, ["assess", "--h1", str(h1), "--h2", str(h2), "--config", str(cfg)])
    assert r.exit_code == 2 and "speed" in r.output and "权重" in r.output


def test_json_contract(year, tmp_path):
    _, h1, h2, sc, cfg = year
    cfg.write_text(ROSTER + WEIGHTS, encoding="utf-8")
    r = runner.invoke(app, ["assess", "--h1", str(h1), "--h2", str(h2), "--selfchecks", str(sc), "--config", str(cfg),
                            "--format", "json", "-o", str(tmp_path / "k.xlsx")])
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert set(data) == {"version", "year", "units"} and data["version"] == 1 and data["year"] == 2020
    keys = {"unit", "level", "H1", "H2", "fix_rate", "training_coverage", "selfcheck", "hazards_found", "score",
            "parts", "rank"}
    half_keys = {"state", "date", "deadline", "days_late", "returns", "first_valid"}
    for u in data["units"]:
        assert set(u) == keys and set(u["H1"]) == half_keys and set(u["H2"]) == half_keys
        assert u["hazards_found"] is None                      # no ledgers given
        assert isinstance(u["score"], (int, float)) and isinstance(u["rank"], int)
        assert abs(sum(u["parts"].values()) - u["score"]) < 1e-9
    yi = next(u for u in data["units"] if u["unit"] == "乙区总工会")
    assert yi["H1"] == {"state": "late", "date": "2020-06-02", "deadline": "2020-05-31", "days_late": 2,
                        "returns": 1, "first_valid": True}
    ding = next(u for u in data["units"] if u["unit"] == "丁区总工会")
    assert ding["H2"] == {"state": "missing", "date": None, "deadline": "2020-11-30", "days_late": None,
                          "returns": 0, "first_valid": None}
    ent = next(u for u in data["units"] if u["level"] == "enterprise")
    assert isinstance(ent["selfcheck"], int) and "selfcheck" in ent["parts"]
    # without weights: facts only
    cfg.write_text(ROSTER, encoding="utf-8")
    r = runner.invoke(app, ["assess", "--h1", str(h1), "--h2", str(h2), "--config", str(cfg), "--format", "json",
                            "-o", str(tmp_path / "k.xlsx"), "--force"])
    assert all(u["score"] is None and u["parts"] is None and u["rank"] is None and u["selfcheck"] is None
               for u in json.loads(r.stdout)["units"])


def test_exit_0_when_every_unit_is_counted_in_both_halves(year, tmp_path):
    _, h1, h2, _, cfg = year
    cfg.write_text(ROSTER.split("[[units]]")[0] + '[[units]]\nname = "甲区总工会"\nlevel = "county"\n', encoding="utf-8")
    r = runner.invoke(app, ["assess", "--h1", str(h1), "--h2", str(h2), "--config", str(cfg), "-o",
                            str(tmp_path / "o.xlsx")])
    assert r.exit_code == 0, r.output
    assert "全年按时且首次合格 1 个" in r.output


def test_ledgers_are_refused_until_connected(year, tmp_path):
    _, h1, h2, _, cfg = year
    r = runner.invoke(app, ["assess", "--h1", str(h1), "--h2", str(h2), "--config", str(cfg), "--ledgers", str(h1),
                            "-o", str(tmp_path / "o.xlsx")])
    assert r.exit_code == 2 and "台账" in r.output
    assert not (tmp_path / "o.xlsx").exists()
    with pytest.raises(LedgersNotWired):
        assess([h1], [h2], ledgers=[h1], roster=load_roster(cfg), isolation=None)


def test_swapped_folders_are_a_usage_error(year, tmp_path):
    _, h1, h2, _, cfg = year
    r = runner.invoke(app, ["assess", "--h1", str(h2), "--h2", str(h1), "--config", str(cfg), "-o",
                            str(tmp_path / "o.xlsx")])
    assert r.exit_code == 2 and "写反" in r.output


def test_workbook_and_html_read_back(year, tmp_path):
    _, h1, h2, sc, cfg = year
    cfg.write_text(ROSTER + WEIGHTS, encoding="utf-8")
    out, page = tmp_path / "考核.xlsx", tmp_path / "考核.html"
    r = runner.invoke(app, ["assess", "--h1", str(h1), "--h2", str(h2), "--selfchecks", str(sc), "--config", str(cfg),
                            "-o", str(out), "--html", str(page)])
    assert r.exit_code == 1, r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["年度考核", "说明"]
    ws = wb["年度考核"]
    assert ws["A1"].value == "2020年度“查保促”工作考核情况" and "某市总工会" in ws["A2"].value
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    headers = [ws.cell(4, c).value or ws.cell(3, c).value for c in range(1, ws.max_column + 1)]
    assert headers[:2] == ["名次", "单位"] and "考核得分" in headers
    assert any(h and "（权重20）" in h for h in headers)
    rows = {ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
            for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value}
    yi = rows["乙区总工会"]
    assert headers[2:8] == ["情况", "填报日期", "截止日期", "迟报天数", "报送份数", "首次合格"]   # 上半年
    assert yi[2:8] == ["迟报", yi[3], yi[4], 2, 1, "是"] and yi[3].date() == date(2020, 6, 2)
    assert yi[8] == "迟报" and yi[11] == 3                                                  # 下半年
    score_col = headers.index("考核得分")
    parts = yi[score_col - 7:score_col]
    assert parts[-1] == "不适用"                                                            # 自查: enterprises only
    assert round(sum(p for p in parts if isinstance(p, (int, float))), 2) == yi[score_col]
    html = page.read_text(encoding="utf-8")
    assert "2020年度“查保促”工作考核情况" in html and "乙区总工会" in html and "迟报 2 天" in html
    assert "<b>22.22</b>／20" in html or "／20" in html


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_workbook_prints_on_a4_landscape(year, tmp_path):
    _, h1, h2, sc, cfg = year
    cfg.write_text(ROSTER + WEIGHTS, encoding="utf-8")
    out = tmp_path / "考核.xlsx"
    a = assess([h1], [h2], selfchecks=[sc], roster=load_roster(cfg), config=load_assess_config(cfg), isolation=None)
    from cbc_cli.write.assess import write_assessment

    write_assessment(a, out)
    pdf = to_pdf(out, tmp_path)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    assert boxes, "no page in the PDF"
    for w, h in boxes:  # A4 landscape: 842 × 595 pt
        assert (round(float(w)), round(float(h))) == (842, 595)
    assert pdf_pages(pdf) == 2   # the table on one page, 说明 on the other


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_the_readme_walk_through_on_the_examples(tmp_path):
    """As README shows it: facts only with examples/cbc.toml; scored with examples/cbc-assess.toml."""
    base = ["assess", "--h1", str(EXAMPLES / "报送-2020H1"), "--h2", str(EXAMPLES / "报送-2020H2"), "--format", "json"]
    r = runner.invoke(app, [*base, "--config", str(EXAMPLES / "cbc.toml"), "-o", str(tmp_path / "a.xlsx")])
    assert r.exit_code == 1, r.output   # 临港 sent back in June, 南海新区 never reported
    units = {u["unit"]: u for u in json.loads(r.stdout)["units"]}
    assert len(units) == 10 and all(u["score"] is None for u in units.values())
    gaoqu = units["威海火炬高技术产业开发区总工会"]["H1"]
    assert (gaoqu["state"], gaoqu["days_late"], gaoqu["date"], gaoqu["deadline"]) == ("late", 4, "2020-06-05", "2020-06-01")
    assert units["威海经济技术开发区总工会"]["H1"]["returns"] == 2
    assert units["威海临港经济技术开发区总工会"]["H1"]["state"] == "rejected"
    assert units["威海临港经济技术开发区总工会"]["H2"]["state"] == "ok"
    assert units["南海新区总工会"]["H1"]["state"] == units["南海新区总工会"]["H2"]["state"] == "missing"
    order = list(units)
    assert order[-3:] == ["威海火炬高技术产业开发区总工会", "威海临港经济技术开发区总工会", "南海新区总工会"]

    r = runner.invoke(app, [*base, "--config", str(EXAMPLES / "cbc-assess.toml"), "--selfchecks",
                            str(EXAMPLES / "自查表"), "-o", str(tmp_path / "b.xlsx")])
    assert r.exit_code == 1, r.output
    units = json.loads(r.stdout)["units"]
    enterprises = [u for u in units if u["level"] == "enterprise"]
    assert [(u["selfcheck"], u["rank"]) for u in enterprises] == [(56, 1), (54, 2), (54, 2), (51, 4), (None, 5)]
    county = [u for u in units if u["level"] == "county"]
    assert county[0]["unit"] == "环翠区总工会" and county[0]["score"] == 97.18
    assert county[-1]["unit"] == "南海新区总工会" and county[-1]["score"] == 0


def test_first_return_is_the_earliest_by_date_then_file_time(tmp_path, ed):
    """Two returns with the same 填报日期: the older file was the first, and it had an error."""
    h1, h2 = tmp_path / "h1", tmp_path / "h2"
    h1.mkdir(), h2.mkdir()
    v = samples.full_values(ed, "county", seed=3)
    bad = samples.write_grid(h1 / "b.xlsx", ed, unit="甲区总工会", date_text="2020-05-20", values=dict(v, workers_chem=10 ** 7))
    good = samples.write_list(h1 / "a.xlsx", ed, unit="甲区总工会", date_text="2020-05-20", values=v)
    os.utime(bad, (1_590_000_000, 1_590_000_000))
    os.utime(good, (1_590_100_000, 1_590_100_000))
    cfg = tmp_path / "cbc.toml"
    cfg.write_text(ROSTER, encoding="utf-8")
    a = assess([h1], [h2], year=2020, roster=load_roster(cfg), isolation=None)
    jia = next(u for u in a.units if u.unit == "甲区总工会").halves["H1"]
    assert (jia.state, jia.returns, jia.first_valid, jia.file) == ("ok", 2, False, "a.xlsx")
    os.utime(bad, (1_590_200_000, 1_590_200_000))  # now the valid one came first
    a = assess([h1], [h2], year=2020, roster=load_roster(cfg), isolation=None)
    assert next(u for u in a.units if u.unit == "甲区总工会").halves["H1"].first_valid is True


from hypothesis import given, strategies as st  # noqa: E402


@given(st.lists(st.tuples(st.sampled_from(["ok", "late", "missing"]), st.sampled_from(["ok", "late", "missing"]),
                          st.none() | st.floats(0, 1)), min_size=1, max_size=12))
def test_ranks_share_ties_and_skip_after_them(rows):
    config = AssessConfig(weights={"on_time_h1": 7, "on_time_h2": 3, "fix_rate": 5})
    units = [_unit(f"U{i}", h1=a, h2=b, fv1=a != "missing" or None, fv2=b != "missing" or None, fix=f)
             for i, (a, b, f) in enumerate(rows)]
    score_units(units, config, 57)
    ranked = rank_units(units)
    for u in ranked:
        assert u.rank == 1 + sum(1 for o in units if o.score > u.score)   # 1, 1, 3
        assert sum(u.parts.values()) == u.score and 0 <= u.score <= 15
    assert [u.score for u in ranked] == sorted((u.score for u in units), reverse=True)


def test_november_held_against_june_as_aggregate_previous_does():
    """文登 typed only the second half's trainees in November (examples): noted, not scored."""
    a = assess([EXAMPLES / "报送-2020H1"], [EXAMPLES / "报送-2020H2"], roster=load_roster(EXAMPLES / "cbc.toml"),
               isolation=None)
    assert [u.unit for u in a.units if u.below_first_half] == ["文登区总工会"]
    from cbc_cli.write.assess import note

    assert "少于上半年" in note(a, next(u for u in a.units if u.unit == "文登区总工会"))


def test_one_folder_for_the_whole_year_gives_the_same_facts(tmp_path):
    """A clerk who keeps the year's returns in one folder passes it twice: a June return in it is
    not a November return sent back."""
    import shutil

    both = tmp_path / "全年"
    both.mkdir()
    for half in ("报送-2020H1", "报送-2020H2"):
        for p in (EXAMPLES / half).iterdir():
            shutil.copy2(p, both / p.name)
    roster = load_roster(EXAMPLES / "cbc.toml")
    apart = assess([EXAMPLES / "报送-2020H1"], [EXAMPLES / "报送-2020H2"], roster=roster, isolation=None)
    together = assess([both], [both], roster=roster, isolation=None)
    assert facts(together) == facts(apart)

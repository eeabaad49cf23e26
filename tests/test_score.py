"""`cbc score`: self-checks against the rubric, the ranking, the cross-form check."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests import samples
from cbc_cli.cli import app
from cbc_cli.judge.ladder import score_file
from cbc_cli.scoring import score_paths

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def codes(r):
    return [(i.cell, i.code) for i in r.issues]


def test_full_marks(tmp_path, ed):
    path = samples.write_selfcheck_generated(tmp_path / "a.xlsx", ed, unit="威海甲公司工会", scores=samples.full_scores(ed))
    r = score_file(path)
    assert r.by_identity and r.valid and r.total == 57 and r.max == 57
    assert r.sections() == {"动员部署": {"score": 5, "max": 5}, "教育培训": {"score": 10, "max": 10},
                            "载体搭建": {"score": 29, "max": 29}, "奖励激励": {"score": 10, "max": 10},
                            "氛围营造": {"score": 3, "max": 3}}
    assert r.unit == "威海甲公司工会" and r.issues == []


def test_partial_marks(tmp_path, ed):
    scores = samples.full_scores(ed, seed=4, drop=9)
    path = samples.write_selfcheck_grid(tmp_path / "b.xlsx", ed, unit="威海乙公司工会", scores=scores)
    r = score_file(path)
    assert not r.by_identity and r.valid, r.issues
    assert r.total == 48 and [i.score for i in r.items] == [scores[n] for n in range(1, 12)]


def test_a_wrong_written_total_is_a_warning(tmp_path, ed):
    path = samples.write_selfcheck_grid(tmp_path / "c.xlsx", ed, unit="丙公司工会", scores=samples.full_scores(ed), total=55)
    r = score_file(path)
    assert r.valid and r.total == 57
    assert [i.code for i in r.issues] == ["total-mismatch"]
    assert "55" in r.issues[0].message and "57" in r.issues[0].message
    right = samples.write_selfcheck_grid(tmp_path / "d.xlsx", ed, unit="丙公司工会", scores=samples.full_scores(ed), total=57)
    assert score_file(right).issues == []


@pytest.mark.parametrize("typed, code", [(13, "score-out-of-range"), (-1, "score-out-of-range"), (2.5, "score-not-whole"),
                                         ("很好", "score-out-of-range")])
def test_bad_scores_are_errors(tmp_path, ed, typed, code):
    scores = {**samples.full_scores(ed), 6: typed}
    path = samples.write_selfcheck_grid(tmp_path / "e.xlsx", ed, unit="丁公司工会", scores=scores)
    r = score_file(path)
    assert [(i.item, i.code) for i in r.issues] == [(6, code)]
    assert r.issues[0].cell == "自查!C9" and "第6项" in r.issues[0].message
    assert not r.valid and r.total is None


@pytest.mark.parametrize("typed, expected", [("５", 5), ("6分", 6), (" 3 ", 3), (4.0, 4)])
def test_text_scores(tmp_path, ed, typed, expected):
    scores = {**samples.full_scores(ed), 8: typed}
    r = score_file(samples.write_selfcheck_grid(tmp_path / "f.xlsx", ed, unit="戊公司工会", scores=scores))
    assert r.valid and r.items[7].score == expected


def test_a_blank_item_is_an_error(tmp_path, ed):
    scores = samples.full_scores(ed)
    del scores[10]
    r = score_file(samples.write_selfcheck_grid(tmp_path / "g.xlsx", ed, unit="己公司工会", scores=scores))
    assert codes(r) == [("自查!C13", "score-missing")]
    assert r.total is None and not r.valid


@pytest.mark.parametrize("layout", [{"merge_sections": True}, {"merge_sections": False}, {"section_column": False}])
def test_section_column_merged_plain_or_missing(tmp_path, ed, layout):
    scores = samples.full_scores(ed, seed=2, drop=5)
    r = score_file(samples.write_selfcheck_grid(tmp_path / "h.xlsx", ed, unit="庚公司工会", scores=scores, **layout))
    assert r.valid, r.issues
    assert r.total == 52


def test_drills_decide_item_4(tmp_path, ed):
    scores = {**samples.full_scores(ed), 4: 2}
    r = score_file(samples.write_selfcheck_grid(tmp_path / "i.xlsx", ed, unit="辛公司工会", scores=scores, drills=1))
    assert r.items[3].score == 1 and r.total == 56
    assert [i.code for i in r.issues] == ["drills-mismatch"]
    blank = dict(scores)
    del blank[4]
    r2 = score_file(samples.write_selfcheck_grid(tmp_path / "j.xlsx", ed, unit="辛公司工会", scores=blank, drills="3次"))
    assert r2.items[3].score == 2 and r2.valid and r2.issues == []


def test_xls_self_check(tmp_path, ed):
    scores = samples.full_scores(ed, seed=8, drop=3)
    r = score_file(samples.write_selfcheck_xls(tmp_path / "k.xls", ed, unit="企业工会：壬公司工会", scores=scores))
    assert r.valid, r.issues
    assert r.total == 54 and r.unit == "壬公司工会"


def test_a_stats_form_is_not_a_self_check(tmp_path, ed):
    path = samples.write_generated(tmp_path / "s.xlsx", ed, unit="环翠区总工会", report_date=None, values={})
    r = score_file(path)
    assert not r.readable and "统计表" in r.issues[0].message


def test_ranking_and_workbook_read_back(tmp_path, ed):
    d = tmp_path / "sc"
    d.mkdir()
    samples.write_selfcheck_generated(d / "1.xlsx", ed, unit="乙公司工会", scores=samples.full_scores(ed, drop=4))
    samples.write_selfcheck_generated(d / "2.xlsx", ed, unit="甲公司工会", scores=samples.full_scores(ed, drop=4, seed=9))
    samples.write_selfcheck_grid(d / "3.xlsx", ed, unit="丙公司工会", scores=samples.full_scores(ed))
    samples.write_selfcheck_grid(d / "4.xlsx", ed, unit="丁公司工会", scores={**samples.full_scores(ed), 1: 9})
    out = tmp_path / "排名.xlsx"
    result = run("score", d, "-o", out)
    assert result.exit_code == 1                       # 丁 has an error
    assert "自查表排名" in result.output and "未计入排名" in result.output
    wb = openpyxl.load_workbook(out)
    ws = wb["排名"]
    assert ws.freeze_panes == "C3" and "排名" in ws["A1"].value   # the title, then the header
    header = [c.value.replace("\n", "") for c in ws[2]]   # long headers are broken into lines
    assert header[:2] == ["名次", "企业工会"] and header[-3] == "总得分（57分）"
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert [(row[0], row[1], row[-3]) for row in body] == [(1, "丙公司工会", 57), (2, "乙公司工会", 53), (2, "甲公司工会", 53)]
    assert body[0][2:7] == [5, 10, 29, 10, 3]
    bad = wb["未计入排名"]
    assert bad["A3"].value == "丁公司工会" and "第1项" in bad["D3"].value
    assert int(ws.page_setup.paperSize) == 9 and ws.sheet_properties.pageSetUpPr.fitToPage   # A4, fitted to the width


def test_cross_form_training_warning(tmp_path, ed):
    d = tmp_path / "unit"
    d.mkdir()
    stats = samples.full_values(ed, "enterprise", seed=1)
    stats.update(trainings_total=0, trainings_chem=0)
    samples.write_generated(d / "统计表.xlsx", ed, unit="癸公司工会", report_date=date(2020, 6, 20), values=stats)
    samples.write_selfcheck_generated(d / "自查表.xlsx", ed, unit="癸公司工会", scores=samples.full_scores(ed))
    ranking = score_paths([d])
    assert len(ranking.results) == 1 and len(ranking.others) == 1
    r = ranking.results[0]
    assert [(i.item, i.code, i.severity) for i in r.issues] == [(3, "training-score-without-trainings", "warning")]
    assert "第3项" in r.issues[0].message and "企业组织开展安全生产培训次数" in r.issues[0].message
    # with trainings reported, no warning
    stats.update(trainings_total=4)
    samples.write_generated(d / "统计表.xlsx", ed, unit="癸公司工会", report_date=date(2020, 6, 20), values=stats)
    assert score_paths([d]).results[0].issues == []


def test_json_contract(tmp_path, ed):
    path = samples.write_selfcheck_grid(tmp_path / "j.xlsx", ed, unit="甲公司工会",
                                        scores={**samples.full_scores(ed), 6: 13}, total=50)
    result = run("score", path, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["version"] == 1
    f = data["files"][0]
    assert set(f) == {"path", "unit", "valid", "total", "max", "items", "sections", "issues"}
    assert (f["unit"], f["valid"], f["total"], f["max"]) == ("甲公司工会", False, None, 57)
    assert f["items"][5] == {"item": 6, "section": "载体搭建", "score": None, "max": 12}
    assert f["sections"]["动员部署"] == {"score": 5, "max": 5}
    assert f["issues"] == [{"severity": "error", "code": "score-out-of-range", "item": 6, "cell": "自查!C9",
                            "value": "13", "message": f["issues"][0]["message"]}]
    ok = json.loads(run("score", samples.write_selfcheck_grid(tmp_path / "k.xlsx", ed, unit="乙", scores=samples.full_scores(ed)),
                        "--format", "json").stdout)
    assert ok["files"][0]["total"] == 57 and ok["files"][0]["valid"] is True


def test_annotate_self_check(tmp_path, ed):
    d = tmp_path / "in"
    d.mkdir()
    samples.write_selfcheck_grid(d / "bad.xlsx", ed, unit="甲公司工会", scores={**samples.full_scores(ed), 6: 13})
    out = tmp_path / "退回"
    assert run("score", d, "--annotate", out).exit_code == 1
    ws = openpyxl.load_workbook(out / "bad_问题标注.xlsx")["自查表"]
    assert ws["C10"].value == 13 and "超出范围" in ws["C10"].comment.text  # a number: the form's SUM counts it


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=11, max_size=11))
def test_total_is_the_sum_and_never_exceeds_the_max(ed, raw):
    from cbc_cli.judge.selfcheck import judge_selfcheck
    from cbc_cli.model.config import default_roster
    from cbc_cli.read.locate import Located, RawCell

    loc = Located("selfcheck", "自查表", unit=RawCell("自查表", "B3", "某公司工会"))
    for item, v in zip(ed.selfcheck.items, raw):
        loc.items[item.no] = RawCell("自查表", f"C{item.no + 4}", v)
    r = judge_selfcheck(loc, ed, roster=default_roster(), path=__import__("pathlib").Path("x.xlsx"))
    in_range = all(v <= i.max for i, v in zip(ed.selfcheck.items, raw))
    assert r.valid == in_range
    if in_range:
        assert r.total == sum(raw) <= 57
        assert sum(s["score"] for s in r.sections().values()) == r.total

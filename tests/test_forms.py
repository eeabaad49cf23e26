"""The form definitions: the 2020 edition as data, its checks, and new editions as files."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from cbc_cli.model.edition import (DefinitionError, get_edition, json_schemas, load_edition,
                           selfcheck_return_model, stats_return_model)
from cbc_cli.model.paths import schemas_dir

from .conftest import DATA


def test_2020_stats_has_the_24_fields_of_the_notice(ed, notice_text):
    fields = ed.stats.fields
    assert [f.no for f in fields] == list(range(1, 25))
    for f in fields:
        assert f.label in notice_text, f.label
    assert ed.stats.field("units_chem").parent == "units_total"
    assert ed.stats.field("city_fund").kind == "money" and ed.stats.field("city_fund").unit == "万元"
    assert ed.stats.field("union_trainings").levels == ("county", "city")


def test_2020_rubric_is_11_items_57_points(ed, notice_text):
    sc = ed.selfcheck
    assert len(sc.items) == 11
    assert sc.total_max == 57
    assert {s.name: sc.section_max(s.name) for s in sc.sections} == {
        "动员部署": 5, "教育培训": 10, "载体搭建": 29, "奖励激励": 10, "氛围营造": 3}
    for item in sc.items:
        assert item.text in notice_text, item.no
    item4 = sc.item(4)
    assert [item4.points_for_drills(n) for n in (0, 1, 2, 5)] == [0, 1, 2, 2]


def test_rules_have_stable_codes_and_severities(ed):
    codes = {r.code: r.severity for r in ed.stats.rules}
    assert codes["sub-exceeds-total"] == "error"
    assert codes["funded-exceeds-unions"] == "error"
    assert codes["fixed-exceeds-found"] == "warning"
    pairs = dict(next(r for r in ed.stats.rules if r.code == "sub-exceeds-total").pairs)
    assert pairs["city_awarded_chem"] == "city_awarded"
    assert pairs["county_awarded_chem"] == "county_awarded"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (schemas_dir() / "edition-2020.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "edition-broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, says", [
    ('pairs = [["union_trainees", "union_trainings"]]', 'pairs = [["union_trainees", "no_such_field"]]',
     "未知字段 “no_such_field”"),
    ('{ text = "对“查保促”活动进行了动员部署", points = 2 }', '{ text = "对“查保促”活动进行了动员部署", points = 3 }',
     "各部分分值之和 4 不等于该项满分 3"),
    ('code = "fixed-exceeds-found"', 'code = "sub-exceeds-total"', "规则编码重复：sub-exceeds-total"),
    ('code = "workers_chem"', 'code = "workers_total"', "字段编码重复：workers_total"),
    ('parent = "hazards_fixed"', 'parent = "hazards_mended"', "parent “hazards_mended”"),
    ('max = 57', 'max = 58', "各项满分之和为 57"),
    ('severity = "warning"', 'severity = "fatal"', "severity"),
    ('id = "2020"', 'id = 2020 [', "无法读取"),
])
def test_a_broken_definition_fails_clearly_when_it_loads(tmp_path, old, new, says):
    with pytest.raises(DefinitionError) as exc:
        load_edition(_broken(tmp_path, old, new))
    assert says in str(exc.value)


def test_a_new_edition_is_a_new_file(tmp_path):
    ed21 = load_edition(DATA / "edition-2021.toml")
    assert ed21.id == "2021"
    assert ed21.selfcheck.total_max == 60
    assert ed21.selfcheck.item(10).max == 2
    assert len(ed21.selfcheck.items) == 12
    # and the same code writes its form
    from cbc_cli.newform import new_forms

    import openpyxl

    written = new_forms(tmp_path, forms=("selfcheck",), edition=ed21)
    ws = openpyxl.load_workbook(written[0].path)["自查表"]
    texts = [ws.cell(r, 2).value for r in range(5, 17)]
    assert texts[-1] == "12.开展“查保促”主题征文或知识竞赛（2分）。"
    assert ws["C17"].value == '=IF(COUNT(C5:C16)=0,"",SUM(C5:C16))'   # blank, not 0, on a blank form


def test_edition_by_path_and_unknown_edition():
    assert get_edition(str(DATA / "edition-2021.toml")).id == "2021"
    with pytest.raises(DefinitionError, match="没有 1999 年版"):
        get_edition("1999")


def test_return_models_follow_the_definition(ed):
    Stats = stats_return_model(ed)
    ok = Stats(unit="环翠区总工会", date="2020-05-28", values={"units_total": 12, "county_fund": Decimal("2.5")})
    assert ok.values.units_total == 12 and ok.values.workers_total is None
    with pytest.raises(ValidationError):
        Stats(values={"units_total": -1})
    with pytest.raises(ValidationError):
        Stats(values={"no_such": 1})
    Self = selfcheck_return_model(ed)
    assert Self(scores={"item_6": 12}).scores.item_6 == 12
    with pytest.raises(ValidationError):
        Self(scores={"item_6": 13})


def test_exported_json_schemas_are_current(ed):
    for name, schema in json_schemas(ed).items():
        path = schemas_dir() / name
        assert path.is_file(), f"missing {name}: run python tools/export_schemas.py"
        on_disk = json.loads(path.read_text(encoding="utf-8"))
        assert on_disk == json.loads(json.dumps(schema)), f"{name} is stale: run python tools/export_schemas.py"


def test_the_footer_has_room_of_its_own(tmp_path):
    """第 N 页 共 M 页 needs its own band below the table: LibreOffice cut its lower half when the
    band between the bottom margin and the footer was 0.3 inch."""
    import openpyxl

    from cbc_cli import new_forms

    new_forms(tmp_path)
    for path in sorted(tmp_path.glob("*.xlsx")):
        ws = openpyxl.load_workbook(path).worksheets[0]
        m = ws.page_margins
        assert m.bottom - m.footer >= 0.5, (path.name, m.bottom, m.footer)
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert len(list(tmp_path.glob("*.xlsx"))) == 2

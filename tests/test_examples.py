"""The bundled examples: regenerated deterministically, current, and doing what README shows."""

from __future__ import annotations

import importlib.util
import json

from typer.testing import CliRunner

from cbc_cli.cli import app

from .conftest import ROOT

EXAMPLES = ROOT / "examples"


def _make_module():
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_examples_are_deterministic_and_current(tmp_path):
    make = _make_module().make
    first = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in make(tmp_path / "a")}
    second = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in make(tmp_path / "b")}
    assert first == second
    committed = {p.relative_to(EXAMPLES): p.read_bytes()
                 for d in ("报送-2020H1", "报送-2020H2", "自查表", "台账-2020") for p in (EXAMPLES / d).iterdir()}
    assert committed == first, "examples are stale: run python examples/make_examples.py"


def test_the_readme_main_command_on_the_examples(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["aggregate", str(EXAMPLES / "报送-2020H1"), "--config", str(EXAMPLES / "cbc.toml"),
                                 "-o", str(tmp_path / "汇总.xlsx"), "--format", "json"])
    assert result.exit_code == 1  # one unit missing, one return rejected: as it really happens
    data = json.loads(result.stdout)
    assert data["period"] == "2020H1"
    assert data["missing"] == ["威海临港经济技术开发区总工会", "南海新区总工会"]
    assert [x["unit"] for x in data["late"]] == ["威海火炬高技术产业开发区总工会"]
    assert [x["path"].rsplit("/", 1)[-1] for x in data["replaced"]] == ["经区-统计表.xlsx"]
    assert [x["unit"] for x in data["rejected"]] == ["威海临港经济技术开发区总工会"]
    assert len(data["counted"]) == 8 and data["unlisted"] == []
    assert data["totals"]["city_fund"] == 50 and data["totals"]["county_unions"] == 9


def test_november_against_june_on_the_examples(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["aggregate", str(EXAMPLES / "报送-2020H2"), "--previous", str(EXAMPLES / "报送-2020H1"),
                                 "--config", str(EXAMPLES / "cbc.toml"), "-o", str(tmp_path / "汇总.xlsx"),
                                 "--format", "json"])
    assert result.exit_code == 1  # 南海新区 is missing again
    data = json.loads(result.stdout)
    assert data["period"] == "2020H2" and data["missing"] == ["南海新区总工会"] and not data["rejected"]
    assert len(data["earlier"]["compared"]) == 8 and data["earlier"]["lower"] == ["文登区总工会"]
    lower = [i for i in data["issues"] if i["code"] == "below-first-half"]
    assert [(i["unit"], i["field"]) for i in lower] == [("文登区总工会", "trained_total")]
    assert "2020年上半年报表（文登区“查保促”统计表.xlsx）" in lower[0]["message"]


def test_the_example_self_checks():
    runner = CliRunner()
    result = runner.invoke(app, ["score", str(EXAMPLES / "自查表"), "--format", "json"])
    assert result.exit_code == 1
    files = {f["path"].rsplit("/", 1)[-1]: f for f in json.loads(result.stdout)["files"]}
    assert len(files) == 5
    assert not files["威海化工机械有限公司工会.xlsx"]["valid"]
    assert [i["code"] for i in files["威海市海王旋流器有限公司工会.xlsx"]["issues"]] == ["total-mismatch"]
    assert [i["code"] for i in files["威海广泰空港设备股份有限公司工会-自查表.xlsx"]["issues"]] == ["training-score-without-trainings"]


def test_the_example_ledgers(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["ledger", str(EXAMPLES / "台账-2020"), "--period", "2020H2", "--against",
                                 str(EXAMPLES / "自查表" / "威海广泰空港设备股份有限公司工会-统计表.xlsx"),
                                 "-o", str(tmp_path / "奖励候选.xlsx"), "--format", "json"])
    assert result.exit_code == 1  # 华东数控 and 广泰 have an error each
    data = json.loads(result.stdout)
    ledgers = {x["path"].rsplit("/", 1)[-1]: x for x in data["ledgers"]}
    assert len(ledgers) == 4 and all(x["rows"] for x in ledgers.values())
    assert [i["code"] for i in ledgers["华东数控 隐患排查治理台账.xlsx"]["issues"] if i["severity"] == "error"] == [
        "fixed-without-record"]
    assert [i["code"] for i in ledgers["威海广泰空港设备股份有限公司-台账.xlsx"]["issues"]] == ["major-without-interim"]
    assert ledgers["威海化工机械有限公司-隐患台账.xlsx"]["issues"] == []
    assert ledgers["威海化工机械有限公司-隐患台账.xlsx"]["found_chem"] == data["totals"]["found_chem"] > 0
    assert [i["cell"] for i in data["against"][0]["issues"]] == ["统计表!B9", "统计表!B10", "统计表!D9", "统计表!D10"]
    assert data["awards"] and {a["grade"] for a in data["awards"]} == {"三级", "四级"}
    assert (tmp_path / "奖励候选.xlsx").is_file()

"""`cbc validate` as a user runs it: exit codes, the JSON contract, annotated copies."""

from __future__ import annotations

import json
import os
from datetime import date

import openpyxl
import pytest
from typer.testing import CliRunner

from tests import samples
from cbc_cli import validate_file
from cbc_cli.cli import app

runner = CliRunner()
DATE = date(2020, 5, 28)


@pytest.fixture
def batch(tmp_path, ed):
    """A folder as it arrives: good returns, one with an error, one that is not a workbook."""
    d = tmp_path / "returns"
    d.mkdir()
    good = samples.full_values(ed, "county", seed=3)
    samples.write_generated(d / "环翠.xlsx", ed, unit="环翠区总工会", report_date=DATE, values=good)
    samples.write_grid(d / "文登.xlsx", ed, unit="文登区总工会", date_text="2020年5月30日", values=good)
    samples.write_grid(d / "荣成.xlsx", ed, unit="荣成市总工会", date_text="2020-05-29",
                       values=dict(good, workers_chem=good["workers_total"] + 1, hazards_found="十二"))
    (d / "说明.xlsx").write_text("这不是表格", encoding="utf-8")
    (d / "~$环翠.xlsx").write_bytes(b"lock")  # Excel's lock file: skipped
    (d / "readme.txt").write_text("not a workbook suffix: skipped", encoding="utf-8")
    sub = d / "补报"
    sub.mkdir()
    samples.write_grid(sub / "乳山.xlsx", ed, unit="乳山", date_text="2020-05-31", values=good)
    return d


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_json_contract(batch):
    result = run("validate", batch, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["version"] == 1
    files = {p["path"].rsplit("/", 1)[-1]: p for p in data["files"]}
    assert sorted(files) == ["文登.xlsx", "环翠.xlsx", "荣成.xlsx", "说明.xlsx"]
    for f in files.values():
        assert set(f) == {"path", "form", "unit", "level", "date", "readable", "valid", "values", "fields", "issues"}
        assert set(f["fields"]) == set(f["values"])
        for code, one in f["fields"].items():
            assert set(one) == {"value", "cell", "label", "how"} and one["value"] == f["values"][code]
        for i in f["issues"]:
            assert set(i) == {"severity", "code", "field", "cell", "value", "message"}
    hc = files["环翠.xlsx"]
    assert (hc["unit"], hc["level"], hc["date"], hc["readable"], hc["valid"]) == ("环翠区总工会", "county", "2020-05-28", True, True)
    assert len(hc["values"]) == 24 and hc["values"]["city_fund"] is None
    # how each value was found: a generated form by its identity; a hand-typed one by its labels
    assert hc["fields"]["workers_total"] == {"value": hc["values"]["workers_total"], "cell": "统计表!B5",
                                             "label": "统计表!A5", "how": "identity"}
    rc = files["荣成.xlsx"]
    assert rc["fields"]["workers_chem"] == {"value": rc["values"]["workers_chem"], "cell": "Sheet1!D5",
                                            "label": "Sheet1!C5", "how": "grid"}
    assert not rc["valid"]
    assert {(i["cell"], i["code"]) for i in rc["issues"]} == {("Sheet1!D5", "sub-exceeds-total"), ("Sheet1!B9", "not-a-number")}
    bad = next(i for i in rc["issues"] if i["code"] == "not-a-number")
    assert (bad["field"], bad["value"], bad["severity"]) == ("hazards_found", "十二", "error")
    sm = files["说明.xlsx"]
    assert (sm["readable"], sm["valid"], sm["form"]) == (False, False, None)
    assert len(sm["values"]) == 24 and set(sm["values"].values()) == {None}
    assert sm["issues"][0]["message"].startswith("无法读取：")


def test_json_is_the_library_result(batch):
    result = run("validate", batch / "荣成.xlsx", "--format", "json")
    assert json.loads(result.stdout)["files"][0] == validate_file(batch / "荣成.xlsx").to_json()


def test_recursive_takes_subfolders(batch):
    data = json.loads(run("validate", batch, "-r", "--format", "json").stdout)
    assert any(f["path"].endswith("补报/乳山.xlsx") and f["unit"] == "乳山市总工会" for f in data["files"])


def test_terminal_output_and_exit_codes(batch):
    result = run("validate", batch)
    assert result.exit_code == 1
    out = result.output
    assert "✓ 环翠.xlsx" in out and "✗ 荣成.xlsx" in out
    assert "无法读取" in out and "Traceback" not in out
    assert "共 4 个文件" in out
    clean = run("validate", batch / "环翠.xlsx", batch / "文登.xlsx")
    assert clean.exit_code == 0, clean.output


def test_strict_counts_warnings(tmp_path, ed):
    good = samples.full_values(ed, "county", seed=3)
    path = samples.write_grid(tmp_path / "w.xlsx", ed, unit="环翠区总工会", date_text="  年  月  日", values=good)
    assert run("validate", path).exit_code == 0  # a missing date is a warning
    assert run("validate", path, "--strict").exit_code == 1
    only = run("validate", path, "--errors-only")
    assert "date-missing" not in only.output


def test_usage_errors(tmp_path, batch):
    assert run("validate", tmp_path / "nope").exit_code == 2
    assert run("validate", batch, "--format", "xml").exit_code == 2
    assert run("validate", batch, "--level", "省级").exit_code == 2
    same = run("validate", batch, "--annotate", batch)
    assert same.exit_code == 2 and "要读取的文件夹" in same.output


def test_annotate_writes_marked_copies_and_leaves_originals(batch, tmp_path, ed):
    original = (batch / "荣成.xlsx").read_bytes()
    out = tmp_path / "退回"
    result = run("validate", batch, "--annotate", out)
    assert result.exit_code == 1
    assert (batch / "荣成.xlsx").read_bytes() == original
    made = sorted(p.name for p in out.iterdir())
    assert made == ["荣成_问题标注.xlsx"]  # clean returns and unreadable files get none
    wb = openpyxl.load_workbook(out / "荣成_问题标注.xlsx")
    ws = wb["统计表"]
    assert ws["B3"].value == "荣成市总工会"
    assert ws["B9"].value == "十二"                          # what the unit typed, shown back
    assert "错误" in ws["B9"].comment.text and "十二" in ws["B9"].comment.text
    assert ws["B9"].fill.fgColor.rgb.endswith("FF9C9C") and ws["B9"].number_format.startswith('"×')
    assert "大于" in ws["D5"].comment.text
    assert ws["B5"].comment is None
    # the copy is itself a form cbc reads exactly
    again = validate_file(out / "荣成_问题标注.xlsx")
    assert again.by_identity and again.unit == "荣成市总工会"


def test_limits_are_configurable(batch, tmp_path):
    cfg = tmp_path / "cbc.toml"
    cfg.write_text("[limits]\nmax_file_mb = 0.001\ntimeout_seconds = 5\nmemory_mb = 256\n", encoding="utf-8")
    data = json.loads(run("validate", batch / "环翠.xlsx", "--config", cfg, "--format", "json").stdout)
    assert [i["code"] for i in data["files"][0]["issues"]] == ["file-too-large"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[limits]\nmemory_mb = 1\n", encoding="utf-8")
    result = run("validate", batch / "环翠.xlsx", "--config", bad)
    assert result.exit_code == 2 and "memory_mb" in result.output


def test_the_real_command_exits_with_its_code_and_says_everything(batch, tmp_path):
    """The console entry leaves without interpreter teardown (cli.main): exit codes, the whole
    JSON, the error line and the written workbook must all still be there; a reader that stops
    early (cbc ... | head) gets no traceback."""
    import subprocess
    import sys

    env = dict(os.environ, PYTHONWARNINGS="ignore")
    env.pop("CBC_DEBUG", None)
    base = [sys.executable, "-m", "cbc_cli"]
    done = subprocess.run(base + ["validate", str(batch), "--format", "json"], capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert len(json.loads(done.stdout)["files"]) == 4  # 补报/ needs --recursive
    missing = subprocess.run(base + ["validate", str(tmp_path / "无此文件.xlsx")], capture_output=True, text=True, env=env)
    assert missing.returncode == 2 and "找不到" in missing.stderr
    out = tmp_path / "out" / "汇总.xlsx"
    agg = subprocess.run(base + ["aggregate", str(batch), "-o", str(out), "--format", "json", "--no-cache"],
                         capture_output=True, text=True, env=env)
    assert agg.returncode in (0, 1) and json.loads(agg.stdout)["counted"]
    assert openpyxl.load_workbook(out)["汇总"]["A1"].value
    closed = subprocess.Popen(base + ["validate", str(batch), "--format", "json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env)
    closed.stdout.close()  # the reader is gone before cbc writes a word
    err = closed.stderr.read().decode()
    closed.wait(60)
    assert "Traceback" not in err and closed.returncode in (0, 1, 2)

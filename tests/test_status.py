"""`cbc status`: every roster unit's state as of a day, the headline, the JSON contract, exit
codes, the history, the messages read back, and the cache on a re-run.

Returns are made several ways: cbc's own form (samples.write_generated), the notice's grid typed
with openpyxl (samples.write_grid), a two-column list written here with openpyxl directly, an
.xls written by xlwt, and a PDF sent instead of a return.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from jinja2 import Environment, StrictUndefined, meta
from typer.testing import CliRunner

from tests import samples
from cbc_cli.batch.history import History
from cbc_cli.cli import app
from cbc_cli.model.config import load_roster
from cbc_cli.model.paths import templates_dir
from cbc_cli.status import status, unit_by_name
from cbc_cli.write.messages import MessageError, write_messages

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent

CONFIG = """
[roster]
replace = true

[city]
name = "威海市总工会"
prefixes = ["威海市"]

[deadlines.county]
H1 = "06-01"
H2 = "11-30"

[deadlines.enterprise]
H1 = "06-30"
H2 = "11-30"

[[units]]
name = "环翠区总工会"
aliases = ["环翠区"]
level = "county"
federation = true

[[units]]
name = "文登区总工会"
aliases = ["文登区"]
level = "county"
federation = true

[[units]]
name = "荣成市总工会"
aliases = ["荣成市", "荣成"]
level = "county"
federation = true

[[units]]
name = "乳山市总工会"
aliases = ["乳山市", "乳山"]
level = "county"
federation = true

[[units]]
name = "南海新区总工会"
aliases = ["南海新区"]
level = "county"
federation = true

[[units]]
name = "威海化工机械有限公司工会"
aliases = ["化工机械工会"]
level = "enterprise"

[contact]
office = "威海市总工会生产部"
person = "王明"
phone = "0631-5200000"
email = "scb@example.cn"
"""


def hand_list(path: Path, ed, unit: str, day: str, values: dict) -> Path:
    """A return typed as a two-column list, written with openpyxl directly (not cbc's writer)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([ed.stats.title])
    ws.append([ed.stats.unit_label, unit])
    ws.append([ed.stats.date_label, day])
    for f in ed.stats.fields:
        v = values.get(f.code)
        ws.append([f.label, v])
    wb.save(path)
    return path


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """Each test its own cache folder (results and history)."""
    d = tmp_path / "cache"
    monkeypatch.setenv("CBC_CACHE_DIR", str(d))
    return d


@pytest.fixture
def week(tmp_path, ed, cache_home):
    """Five county units and one enterprise: one ok, one ok with a warning, one with an error, one
    that sent a PDF, one that sent nothing; the enterprise has not reported; one unlisted body."""
    conf = tmp_path / "cbc.toml"
    conf.write_text(CONFIG, encoding="utf-8")
    d = tmp_path / "报送"
    d.mkdir()
    v = {n: samples.full_values(ed, "county", seed=i) for i, n in enumerate(["环翠", "文登", "荣成", "其他"])}
    samples.write_generated(d / "环翠区总工会.xlsx", ed, unit="环翠区总工会", report_date=date(2020, 5, 26),
                            values=v["环翠"])
    # a county return that fills a city-only field: counts, with a warning
    warned = dict(v["文登"])
    city_only = next(f.code for f in ed.stats.fields if f.levels == ("city",))
    warned[city_only] = 5
    hand_list(d / "文登-统计表.xlsx", ed, "文登区总工会（章）", "2020-05-27", warned)
    bad = dict(v["荣成"], workers_chem=10 ** 7)
    samples.write_grid(d / "荣成.xlsx", ed, unit="荣成", date_text="2020年5月28日", values=bad)
    (d / "乳山市总工会.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    samples.write_generated(d / "某局.xlsx", ed, unit="威海市某某局工会", report_date=date(2020, 5, 25),
                            values=v["其他"])
    return d, conf


def states(report):
    return {u.unit: u.state for u in report.units}


def test_each_state_as_of_a_day(week):
    d, conf = week
    r = status([d], today=date(2020, 5, 29), roster=load_roster(conf))
    assert states(r) == {"环翠区总工会": "ok", "文登区总工会": "ok", "荣成市总工会": "rejected",
                         "乳山市总工会": "skipped", "南海新区总工会": "missing", "威海化工机械有限公司工会": "missing"}
    by = {u.unit: u for u in r.units}
    assert [i.code for i in by["文登区总工会"].findings] == ["not-for-level"]
    assert by["文登区总工会"].action == "提醒" and by["环翠区总工会"].action is None
    assert by["荣成市总工会"].errors[0].code == "sub-exceeds-total" and by["荣成市总工会"].errors[0].cell
    assert [i.code for i in by["乳山市总工会"].findings] == ["not-a-workbook"]
    assert [p.name for p in by["乳山市总工会"].files] == ["乳山市总工会.pdf"]
    assert [(u.unit, u.state) for u in r.unlisted] == [("威海市某某局工会", "ok")]
    assert r.counts() == {"ok": 2, "rejected": 1, "skipped": 1, "missing": 2, "late": 0}
    assert r.headline() == "截止 2020年6月1日（还有 3 天）：已报 2/6，需重报 2，未报 2"
    # grouped by level, the roster's order inside each
    assert [lv for lv, _ in r.levels()] == ["county", "enterprise"]


def test_days_left_and_overdue_per_level(week):
    d, conf = week
    roster = load_roster(conf)
    before = {u.unit: (u.deadline, u.days_left) for u in status([d], today=date(2020, 5, 29), roster=roster).units}
    assert before["南海新区总工会"] == (date(2020, 6, 1), 3)
    assert before["威海化工机械有限公司工会"] == (date(2020, 6, 30), 32)
    r = status([d], today=date(2020, 6, 3), roster=roster)
    after = {u.unit: u.days_left for u in r.units}
    assert after["南海新区总工会"] == -2 and after["威海化工机械有限公司工会"] == 27
    # the headline's deadline is the county level's
    assert (r.deadline, r.days_left) == (date(2020, 6, 1), -2)
    assert r.headline().startswith("截止 2020年6月1日（已过 2 天）")
    on_the_day = status([d], today=date(2020, 6, 1), roster=roster)
    assert on_the_day.days_left == 0 and "今天截止" in on_the_day.headline()


def test_headline_deadline_of_a_roster_without_county_units(tmp_path, ed, cache_home):
    conf = tmp_path / "cbc.toml"
    conf.write_text('[roster]\nreplace = true\n[city]\nname = "环翠区总工会"\nlevel = "county"\n'
                    '[deadlines.enterprise]\nH1 = "06-30"\nH2 = "11-30"\n'
                    '[[units]]\nname = "威海化工机械有限公司工会"\nlevel = "enterprise"\n', encoding="utf-8")
    (tmp_path / "空").mkdir()
    r = status([tmp_path / "空"], today=date(2020, 6, 20), roster=load_roster(conf))
    assert (str(r.period), r.deadline, r.days_left) == ("2020H1", date(2020, 6, 30), 10)
    assert states(r) == {"威海化工机械有限公司工会": "missing"}


def test_late_flag_and_returns_dated_after_today(week, ed):
    d, conf = week
    samples.write_generated(d / "南海.xlsx", ed, unit="南海新区总工会", report_date=date(2020, 6, 3),
                            values=samples.full_values(ed, "county", seed=9))
    roster = load_roster(conf)
    early = {u.unit: u for u in status([d], today=date(2020, 6, 2), roster=roster).units}["南海新区总工会"]
    assert early.state == "missing" and [p.name for p in early.files] == ["南海.xlsx"]
    assert [(i.code, i.value) for i in early.findings] == [("dated-after-today", "2020-06-03")]
    later = {u.unit: u for u in status([d], today=date(2020, 6, 5), roster=roster).units}["南海新区总工会"]
    assert (later.state, later.late, later.date) == ("ok", True, date(2020, 6, 3))


def test_unit_by_file_name():
    roster = load_roster(None)
    assert unit_by_name("乳山市总工会", roster) == "乳山市总工会"
    assert unit_by_name("南海新区-上半年统计表", roster) == "南海新区总工会"
    assert unit_by_name("统计表", roster) is None


# --- the command: JSON, exit codes, terminal ------------------------------------------------

UNIT_KEYS = {"unit", "level", "state", "late", "date", "deadline", "days_left", "files", "findings", "message"}


def test_json_contract(week):
    d, conf = week
    res = runner.invoke(app, ["status", str(d), "--config", str(conf), "--today", "2020-05-29", "--format", "json",
                              "--no-history"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.stdout)
    assert list(data) == ["version", "period", "today", "deadline", "days_left", "counts", "units", "unlisted",
                          "since_last"]
    assert (data["version"], data["period"], data["today"], data["deadline"], data["days_left"]) == \
        (1, "2020H1", "2020-05-29", "2020-06-01", 3)
    assert data["counts"] == {"ok": 2, "rejected": 1, "skipped": 1, "missing": 2, "late": 0}
    assert data["since_last"] is None
    for u in data["units"] + data["unlisted"]:
        assert set(u) == UNIT_KEYS
        for f in u["findings"]:
            assert set(f) == {"severity", "code", "field", "cell", "message"}
    rongcheng = next(u for u in data["units"] if u["unit"] == "荣成市总工会")
    assert rongcheng["state"] == "rejected" and rongcheng["level"] == "county" and rongcheng["date"] == "2020-05-28"
    assert rongcheng["files"] == [str(d / "荣成.xlsx")] and rongcheng["message"] is None
    assert rongcheng["findings"][0]["code"] == "sub-exceeds-total" and rongcheng["findings"][0]["cell"]
    enterprise = next(u for u in data["units"] if u["level"] == "enterprise")
    assert (enterprise["state"], enterprise["deadline"], enterprise["days_left"], enterprise["files"]) == \
        ("missing", "2020-06-30", 32, [])
    # the JSON is the library result
    lib = status([d], today=date(2020, 5, 29), roster=load_roster(conf), cache=True)
    assert json.loads(json.dumps(lib.to_json(), default=str)) == data


def test_exit_codes(tmp_path, ed, cache_home):
    conf = tmp_path / "cbc.toml"
    conf.write_text('[roster]\nreplace = true\n[deadlines.county]\nH1 = "06-01"\nH2 = "11-30"\n'
                    '[[units]]\nname = "环翠区总工会"\nlevel = "county"\n', encoding="utf-8")
    d = tmp_path / "报送"
    d.mkdir()
    args = ["status", str(d), "--config", str(conf), "--today", "2020-05-29", "--no-history"]
    assert runner.invoke(app, args + ["--period", "2020H1"]).exit_code == 1          # missing
    samples.write_grid(d / "环翠.xlsx", ed, unit="环翠区总工会", date_text="2020-05-20",
                       values=samples.full_values(ed, "county"))
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert "已报 1/1" in ok.output
    assert runner.invoke(app, args[:-3] + ["--today", "29.5.2020"]).exit_code == 2
    assert runner.invoke(app, ["status", str(tmp_path / "没有"), "--no-history"]).exit_code == 2
    inside = runner.invoke(app, args + ["--messages", str(d)])
    assert inside.exit_code == 2 and "要读取的文件夹" in inside.output


def test_terminal_output(week):
    d, conf = week
    res = runner.invoke(app, ["status", str(d), "--config", str(conf), "--today", "2020-06-03", "--no-history"])
    assert res.exit_code == 1
    out = res.output
    assert "截止 2020年6月1日（已过 2 天）：已报 2/6，需重报 2，未报 2" in out
    for word in ("县级（截止 2020年6月1日，已过 2 天）", "企业（截止 2020年6月30日，还有 27 天）", "需重报", "无法读取",
                 "名册外", "威海市某某局工会", "南海新区总工会"):
        assert word in out


# --- history ------------------------------------------------------------------------------------

def test_second_run_says_what_is_new(week, ed, cache_home):
    d, conf = week
    roster = load_roster(conf)
    first = status([d], today=date(2020, 5, 29), roster=roster, history=True, now=datetime(2020, 5, 29, 9, 12))
    assert first.since_last is None
    assert (cache_home / "status-history.sqlite").is_file()
    samples.write_generated(d / "南海.xlsx", ed, unit="南海新区总工会", report_date=date(2020, 5, 30),
                            values=samples.full_values(ed, "county", seed=7))
    fixed = dict(samples.full_values(ed, "county", seed=2))
    samples.write_grid(d / "荣成（更正）.xlsx", ed, unit="荣成市总工会", date_text="2020-05-30", values=fixed)
    second = status([d], today=date(2020, 5, 30), roster=roster, history=True, now=datetime(2020, 5, 30, 8, 0))
    s = second.since_last
    assert s is not None and s.at == datetime(2020, 5, 29, 9, 12) and s.today == date(2020, 5, 29)
    assert sorted((n.unit, n.path.name, n.correction) for n in s.new) == [
        ("南海新区总工会", "南海.xlsx", False), ("荣成市总工会", "荣成（更正）.xlsx", True)]
    assert sorted(s.changed) == [("南海新区总工会", "missing", "ok"), ("荣成市总工会", "rejected", "ok")]
    assert s.line().startswith("自上次（5月29日 09:12）以来：新收到 2 份（")
    assert "荣成市总工会更正" in s.line() and "荣成市总工会 需重报→已报" in s.line()
    # nothing new since
    third = status([d], today=date(2020, 5, 30), roster=roster, history=True, now=datetime(2020, 5, 30, 9, 0))
    assert third.since_last.new == [] and "没有新收到的报表" in third.since_last.line()


def test_no_history(week, cache_home):
    d, conf = week
    args = ["status", str(d), "--config", str(conf), "--today", "2020-05-29", "--format", "json"]
    assert json.loads(runner.invoke(app, args + ["--no-history"]).stdout)["since_last"] is None
    assert not (cache_home / "status-history.sqlite").exists()
    assert json.loads(runner.invoke(app, args).stdout)["since_last"] is None       # the first recorded run
    again = json.loads(runner.invoke(app, args).stdout)["since_last"]
    assert again["today"] == "2020-05-29" and again["new"] == [] and again["changed"] == []
    assert set(again) == {"at", "today", "new", "changed"}


def test_history_replay_compares_with_an_earlier_day(week, cache_home):
    """Runs with --today out of order: each compares with the latest run as of its day or before."""
    d, conf = week
    roster = load_roster(conf)
    store = History(cache_home)
    status([d], today=date(2020, 6, 3), roster=roster, history=store)
    assert status([d], today=date(2020, 5, 29), roster=roster, history=store).since_last is None
    store.close()


# --- messages ---------------------------------------------------------------------------------------

def _placeholders(name: str) -> set[str]:
    env = Environment()
    return meta.find_undeclared_variables(env.parse((templates_dir() / "messages" / name).read_text(encoding="utf-8")))


def test_messages_read_back(week, tmp_path):
    d, conf = week
    out = tmp_path / "通知"
    res = runner.invoke(app, ["status", str(d), "--config", str(conf), "--today", "2020-06-03", "--messages", str(out),
                              "--format", "json", "--no-history"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.stdout)
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == sorted([
        "催报通知.txt", "南海新区总工会/催报.txt", "威海化工机械有限公司工会/催报.txt",
        "荣成市总工会/退回.txt", "荣成市总工会/荣成_问题标注.xlsx",
        "乳山市总工会/退回.txt", "文登区总工会/提醒.txt", "文登区总工会/文登-统计表_问题标注.xlsx"])
    # no message for a unit that needs none; each unit's JSON names its message
    messages = {u["unit"]: u["message"] for u in data["units"]}
    assert messages["环翠区总工会"] is None
    assert messages["荣成市总工会"] == str(out / "荣成市总工会" / "退回.txt")
    texts = {p: p.read_text(encoding="utf-8") for p in out.rglob("*.txt")}
    for path, text in texts.items():
        assert "{{" not in text and "{%" not in text and "None" not in text, path
        # no empty field: nothing between brackets, nothing after a label
        assert not re.search(r"《》|（）|“”|[：:][，。、]|(联系人|电话)[：:]\s|至\s*[。，]", text), path
        assert not re.search(r"^\s*\d+\.\s*$", text, re.M), path          # no empty list item
        for value in ("scb@example.cn", "王明", "0631-5200000", "威海市总工会生产部", "2020年6月3日"):
            assert value in text, (path, value)
    nanhai = texts[out / "南海新区总工会" / "催报.txt"]
    assert nanhai.startswith("关于报送2020年上半年") and "南海新区总工会：" in nanhai
    assert "2020年6月1日前" in nanhai and "已超过截止日期 2 天" in nanhai
    enterprise = texts[out / "威海化工机械有限公司工会" / "催报.txt"]
    assert "2020年6月30日前" in enterprise and "距截止还有 27 天" in enterprise
    back = texts[out / "荣成市总工会" / "退回.txt"]
    assert "《荣成.xlsx》" in back and "《荣成_问题标注.xlsx》" in back and "2020年5月28日" in back
    rongcheng = next(u for u in data["units"] if u["unit"] == "荣成市总工会")
    for f in rongcheng["findings"]:
        assert f"{f['cell']}：{f['message']}" in back
    assert "不是 Excel 工作簿" in texts[out / "乳山市总工会" / "退回.txt"]
    assert "标注" not in texts[out / "乳山市总工会" / "退回.txt"]         # a PDF has no annotated copy
    remind = texts[out / "文登区总工会" / "提醒.txt"]
    assert "已收到并计入汇总" in remind and "2020年5月27日" in remind
    group = texts[out / "催报通知.txt"]
    for unit in ("南海新区总工会", "威海化工机械有限公司工会", "荣成市总工会", "乳山市总工会"):
        assert unit in group
    assert "环翠区总工会" not in group and "文登区总工会" not in group
    # the annotated copy beside the 退回 message marks the cell of the finding
    wb = openpyxl.load_workbook(out / "荣成市总工会" / "荣成_问题标注.xlsx")
    ws = wb[wb.sheetnames[0]]
    cell = rongcheng["findings"][0]["cell"].split("!")[-1]
    assert ws[cell].comment is not None and "大于" in ws[cell].comment.text


def test_every_template_placeholder_is_given(week):
    """Render each bundled template with StrictUndefined from the context cbc gives: nothing missing."""
    from cbc_cli.write.messages import combined_context, unit_context

    d, conf = week
    r = status([d], today=date(2020, 6, 3), roster=load_roster(conf))
    env = Environment(undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    for u in r.units:
        if u.action:
            ctx = unit_context(r, u, "x.xlsx")
            assert _placeholders(f"{u.action}.txt.j2") <= set(ctx)
            text = env.from_string((templates_dir() / "messages" / f"{u.action}.txt.j2").read_text("utf-8")).render(**ctx)
            assert "None" not in text
    assert _placeholders("催报通知.txt.j2") <= set(combined_context(r))


def test_no_messages_when_every_unit_is_fine(tmp_path, ed, cache_home):
    conf = tmp_path / "cbc.toml"
    conf.write_text('[roster]\nreplace = true\n[deadlines.county]\nH1 = "06-01"\nH2 = "11-30"\n'
                    '[[units]]\nname = "环翠区总工会"\nlevel = "county"\n'
                    '[contact]\nperson = "王明"\nphone = "1"\nemail = "a@b.cn"\n', encoding="utf-8")
    d = tmp_path / "报送"
    d.mkdir()
    samples.write_generated(d / "环翠.xlsx", ed, unit="环翠区总工会", report_date=date(2020, 5, 20),
                            values=samples.full_values(ed, "county"))
    res = runner.invoke(app, ["status", str(d), "--config", str(conf), "--today", "2020-05-29",
                              "--messages", str(tmp_path / "通知"), "--no-history"])
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "通知").exists()


def test_messages_need_a_contact(week, tmp_path):
    d, conf = week
    plain = tmp_path / "plain.toml"
    plain.write_text(CONFIG.split("[contact]")[0], encoding="utf-8")
    res = runner.invoke(app, ["status", str(d), "--config", str(plain), "--today", "2020-06-03",
                              "--messages", str(tmp_path / "通知"), "--no-history"])
    assert res.exit_code == 2 and "[contact]" in res.output
    assert not (tmp_path / "通知").exists()


def test_user_templates_from_cbc_toml(week, tmp_path):
    d, conf = week
    own = tmp_path / "我的模板"
    own.mkdir()
    (own / "催报.txt.j2").write_text("{{ unit }}：请于{{ deadline }}前报送。{{ contact.person }}\n", encoding="utf-8")
    conf.write_text(CONFIG + '\n[messages]\ntemplates = "我的模板"\n', encoding="utf-8")
    out = tmp_path / "通知"
    res = runner.invoke(app, ["status", str(d), "--config", str(conf), "--today", "2020-06-03",
                              "--messages", str(out), "--no-history"])
    assert res.exit_code == 1, res.output
    assert (out / "南海新区总工会" / "催报.txt").read_text("utf-8") == "南海新区总工会：请于2020年6月1日前报送。王明\n"
    assert (out / "荣成市总工会" / "退回.txt").read_text("utf-8").startswith("关于退回")   # the bundled one
    # a template naming a placeholder cbc does not give: an error, and nothing written
    (own / "催报.txt.j2").write_text("{{ unit }} {{ 负责人 }}\n", encoding="utf-8")
    again = runner.invoke(app, ["status", str(d), "--config", str(conf), "--today", "2020-06-03",
                                "--messages", str(tmp_path / "通知2"), "--no-history"])
    assert again.exit_code == 2 and "催报.txt.j2" in again.output
    assert not (tmp_path / "通知2").exists()


def test_messages_are_not_overwritten_without_force(week, tmp_path):
    d, conf = week
    args = ["status", str(d), "--config", str(conf), "--today", "2020-06-03", "--messages", str(tmp_path / "通知"),
            "--no-history"]
    assert runner.invoke(app, args).exit_code == 1
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(app, args + ["--force"]).exit_code == 1


def test_write_messages_library(week, tmp_path):
    d, conf = week
    r = status([d], today=date(2020, 6, 3), roster=load_roster(conf))
    paths = write_messages(r, tmp_path / "通知")
    assert all(p.exists() for p in paths)
    assert {u.unit for u in r.units if u.message} == {u.unit for u in r.units if u.action}
    plain = status([d], today=date(2020, 6, 3), roster=load_roster(None))
    with pytest.raises(MessageError):
        write_messages(plain, tmp_path / "其他")


# --- the board ------------------------------------------------------------------------------------

def test_html_board(week, tmp_path, ed):
    d, conf = week
    samples.write_generated(d / "x.xlsx", ed, unit="<script>某单位</script>", report_date=date(2020, 5, 25),
                            values=samples.full_values(ed, "county", seed=3))
    board = tmp_path / "看板.html"
    res = runner.invoke(app, ["status", str(d), "--config", str(conf), "--today", "2020-05-29", "--html", str(board),
                              "--no-history"])
    assert res.exit_code == 1, res.output
    html = board.read_text("utf-8")
    assert "截止 2020年6月1日（" in html and "还有 3 天" in html and "@page { size: A4" in html
    for unit in ("环翠区总工会", "荣成市总工会", "乳山市总工会", "南海新区总工会", "威海化工机械有限公司工会"):
        assert unit in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http" not in html.replace("http-equiv", "")          # self-contained


# --- one path with aggregate: the cache ----------------------------------------------------------

@pytest.mark.slow
def test_rerun_over_100_unchanged_returns_is_served_from_the_cache(tmp_path, ed, cache_home, monkeypatch):
    import cbc_cli.batch.run as batch_run

    units = [f"测试{i:03d}区总工会" for i in range(100)]
    conf = tmp_path / "cbc.toml"
    conf.write_text('[roster]\nreplace = true\n[deadlines.county]\nH1 = "06-01"\nH2 = "11-30"\n'
                    + "".join(f'[[units]]\nname = "{u}"\nlevel = "county"\n' for u in units), encoding="utf-8")
    d = tmp_path / "报送"
    d.mkdir()
    for i, u in enumerate(units):
        samples.write_generated(d / f"{i:03d}.xlsx", ed, unit=u, report_date=date(2020, 5, 20),
                                values=samples.full_values(ed, "county", seed=i))
    read: list[int] = []
    real = batch_run.run_isolated

    def counting(task, paths, **kw):  # type: ignore[no-untyped-def]
        read.append(len(paths))
        return real(task, paths, **kw)

    monkeypatch.setattr(batch_run, "run_isolated", counting)
    roster = load_roster(conf)
    first = status([d], today=date(2020, 5, 29), roster=roster, cache=True, jobs=2)
    assert first.complete and read == [100]
    second = status([d], today=date(2020, 5, 29), roster=roster, cache=True, jobs=2)
    assert read == [100, 0]                                      # nothing read again: every result from the cache
    assert second.to_json() == first.to_json()
    # the same cache as cbc aggregate: it reads nothing either
    from cbc_cli.aggregate import aggregate

    aggregate([d], roster=roster, cache=True, jobs=2)
    assert read == [100, 0, 0]


# --- the README's example ---------------------------------------------------------------------------

def test_readme_example(cache_home):
    examples = ROOT / "examples"
    args = ["status", str(examples / "报送-2020H1"), "--config", str(examples / "cbc.toml"), "--no-history"]
    early = runner.invoke(app, args + ["--today", "2020-05-29"])
    assert early.exit_code == 1
    assert "截止 2020年6月1日（还有 3 天）：已报 6/10，需重报 1，未报 3" in early.output
    late = runner.invoke(app, args + ["--today", "2020-06-03", "--format", "json"])
    data = json.loads(late.stdout)
    assert data["counts"] == {"ok": 7, "rejected": 1, "skipped": 0, "missing": 2, "late": 0}
    assert {u["unit"] for u in data["units"] if u["state"] == "missing"} == {"威海火炬高技术产业开发区总工会", "南海新区总工会"}
    after = runner.invoke(app, args + ["--today", "2020-06-08", "--format", "json"])
    assert json.loads(after.stdout)["counts"]["late"] == 1


def test_on_the_real_day_a_future_dated_return_has_come(tmp_path):
    """Without --today, a file in the folder has come, whatever date is typed in it: a mistyped
    future date must not make its unit look missing (only a replay with --today holds it back)."""
    import shutil

    from cbc_cli.model.config import load_roster
    from cbc_cli.status import status

    d = tmp_path / "in"
    d.mkdir()
    src = ROOT / "examples" / "报送-2020H1" / "高区总工会.xlsx"   # dated 2020-06-05
    shutil.copy(src, d / src.name)
    roster = load_roster(ROOT / "examples" / "cbc.toml")
    real_day = status([d], roster=roster, isolation=None)
    replay = status([d], roster=roster, today=__import__("datetime").date(2020, 6, 3), isolation=None)
    state = lambda rep: {u.unit: u.state for u in rep.units}["威海火炬高技术产业开发区总工会"]
    assert state(real_day) == "ok"
    assert state(replay) == "missing"

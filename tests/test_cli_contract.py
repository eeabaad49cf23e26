"""The contract every command keeps: exit codes (0/1/2), every file in a folder accounted for
(read or skipped with its reason), outputs checked first and written all or none with the
umask's mode, Chinese for what typer/click and the OS would say in English, JSON always valid
UTF-8."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cbc_cli import i18n
from cbc_cli.cli import app
from cbc_cli.model.edition import get_edition
from tests import samples

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "报送-2020H1"
ONE = EXAMPLES / "环翠区总工会-统计表.xlsx"


def run(*args, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder as a clerk's mailbox leaves it: one return, and what is not one."""
    d = tmp_path / "报送"
    d.mkdir()
    shutil.copy(ONE, d / "环翠区总工会-统计表.xlsx")
    (d / "南海新区总工会-统计表.pdf").write_bytes(b"%PDF-1.4\n")
    (d / "文登区-统计表.docx").write_bytes(b"PK\x03\x04")
    (d / "乳山.csv").write_text("a,b\n", encoding="utf-8")
    (d / "照片.jpg").write_bytes(b"\xff\xd8\xff")
    (d / "高区.et").write_bytes(b"")  # read (WPS spreadsheet): the reader says it is empty
    (d / "~$环翠区总工会-统计表.xlsx").write_bytes(b"lock")
    (d / ".DS_Store").write_bytes(b"x")
    (d / "旧表").mkdir()
    (d / "失效的链接.xlsx").symlink_to(tmp_path / "不存在.xlsx")
    return d


def test_every_file_in_a_folder_is_read_or_skipped_with_its_reason(mixed):
    result = run("validate", mixed, "--format", "json", "--no-cache")
    assert result.exit_code == 1  # a PDF where a return should be needs follow-up
    data = json.loads(result.stdout)
    read = {Path(f["path"]).name for f in data["files"]}
    skipped = {Path(s["path"]).name: s for s in data["skipped"]}
    assert read == {"环翠区总工会-统计表.xlsx", "高区.et"}
    assert set(skipped) == {"南海新区总工会-统计表.pdf", "文登区-统计表.docx", "乳山.csv", "照片.jpg",
                            "~$环翠区总工会-统计表.xlsx", ".DS_Store", "旧表", "失效的链接.xlsx"}
    assert {n: s["code"] for n, s in skipped.items()} == {
        "南海新区总工会-统计表.pdf": "not-excel", "文登区-统计表.docx": "not-excel", "乳山.csv": "not-excel",
        "照片.jpg": "not-excel", "~$环翠区总工会-统计表.xlsx": "lock-file", ".DS_Store": "hidden-file",
        "旧表": "subfolder", "失效的链接.xlsx": "not-a-file"}
    assert "PDF" in skipped["南海新区总工会-统计表.pdf"]["reason"]
    assert skipped["~$环翠区总工会-统计表.xlsx"]["quiet"] and not skipped["乳山.csv"]["quiet"]


def test_terminal_lists_skipped_files_but_lock_and_hidden_files_only_with_verbose(mixed):
    plain = run("validate", mixed, "--no-cache").stdout
    assert "南海新区总工会-统计表.pdf" in plain and "不是 Excel 报表" in plain
    assert "~$" not in plain and ".DS_Store" not in plain
    assert "另有 2 个锁定文件或隐藏文件未读取" in plain
    verbose = run("validate", mixed, "--no-cache", "-v").stdout
    assert "~$环翠区总工会-统计表.xlsx" in verbose and ".DS_Store" in verbose and "lock-file" in verbose


def test_a_folder_with_nothing_to_check_exits_2(tmp_path):
    empty = tmp_path / "空"
    empty.mkdir()
    for cmd in ("validate", "score", "aggregate"):
        result = run(cmd, empty, "--period", "2020H1") if cmd == "aggregate" else run(cmd, empty)
        assert result.exit_code == 2, cmd
        assert "没有可检查的" in result.output
    (empty / "南海新区总工会.pdf").write_bytes(b"%PDF")
    result = run("validate", empty)
    assert result.exit_code == 2 and "南海新区总工会.pdf" in result.output


def test_a_unit_whose_return_came_as_pdf_is_told_to_send_it_again(mixed, tmp_path):
    out = tmp_path / "汇总.xlsx"
    result = run("aggregate", mixed, "--period", "2020H1", "-o", out, "--format", "json", "--no-cache")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["received"] == {"南海新区总工会": str(mixed / "南海新区总工会-统计表.pdf"),  # by name or alias
                                "文登区总工会": str(mixed / "文登区-统计表.docx"), "乳山市总工会": str(mixed / "乳山.csv")}
    assert "南海新区总工会" in data["missing"]
    assert {Path(s["path"]).name for s in data["skipped"]} >= {"南海新区总工会-统计表.pdf", "乳山.csv"}
    sheet = openpyxl.load_workbook(out)["报送情况"]
    notes = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    nanhai = next(r for r in notes if r[0] == "南海新区总工会")
    assert "收到 南海新区总工会-统计表.pdf，不是 Excel 报表，请要求重报" in nanhai
    assert any(r[1] == "未读取" and r[4] == "照片.jpg" for r in notes)  # names no unit: listed on its own
    shown = run("aggregate", mixed, "--period", "2020H1", "-o", tmp_path / "b.xlsx", "--no-cache").stdout
    assert "南海新区总工会-统计表.pdf" in shown and "请要求重报" in shown


def test_outputs_are_checked_before_reading_and_written_all_or_none(tmp_path):
    out = tmp_path / "汇总.xlsx"
    in_the_way = tmp_path / "报告.html"
    in_the_way.mkdir()
    result = run("aggregate", EXAMPLES, "-o", out, "--html", in_the_way, "--no-cache")
    assert result.exit_code == 2
    said = re.sub(r"\s", "", result.output)
    assert "是一个文件夹" in said and str(in_the_way) in said
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cbc-")]


def test_an_output_that_is_not_xlsx_is_refused(tmp_path):
    for cmd, extra in (("aggregate", ()), ("score", ())):
        result = run(cmd, EXAMPLES, "-o", tmp_path / "x.csv", *extra)
        assert result.exit_code == 2 and ".xlsx" in result.output
    assert not (tmp_path / "x.csv").exists()


def test_an_existing_output_exits_2_and_is_kept(tmp_path):
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"keep")
    result = run("aggregate", EXAMPLES, "-o", out)
    assert result.exit_code == 2 and "文件已存在" in result.output and "--force" in result.output
    assert out.read_bytes() == b"keep"


def test_outputs_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        out, html = tmp_path / "汇总.xlsx", tmp_path / "汇总.html"
        run("aggregate", EXAMPLES, "-o", out, "--html", html)
        run("new-form", "-o", tmp_path / "空白")
    finally:
        os.umask(old)
    for p in (out, html, *sorted((tmp_path / "空白").iterdir())):
        assert stat.S_IMODE(p.stat().st_mode) == 0o644, p


def test_os_errors_are_chinese_and_name_the_users_path(tmp_path):
    a_file = tmp_path / "不是文件夹"
    a_file.write_text("x")
    result = run("new-form", "-o", a_file)
    assert result.exit_code == 2
    assert str(a_file) in result.output and "不是文件夹" in result.output
    assert not re.search(r"[A-Za-z]{4,} ", result.output.replace(str(a_file), ""))


def test_json_is_valid_utf8_for_an_undecodable_file_name(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    odd = os.fsencode(d) + b"/\xff\xfe.xlsx"
    shutil.copy(ONE, odd)
    env = dict(os.environ, PYTHONUTF8="1", XDG_CACHE_HOME=str(tmp_path / "cache"))
    raw = subprocess.run([sys.executable, "-m", "cbc_cli", "validate", str(d), "--format", "json", "--no-cache"],
                         capture_output=True, env=env, timeout=120).stdout
    text = raw.decode("utf-8")  # strict: raises on any invalid byte
    path = json.loads(text)["files"][0]["path"]
    assert os.fsencode(path) == odd  # the escape gives the exact bytes back


def test_common_options_are_taken_by_every_command(tmp_path):
    for cmd in ("validate", "score", "aggregate", "status"):
        help_text = run(cmd, "--help").stdout
        for opt in ("--format", "--force", "--debug", "--config", "--no-cache", "--jobs", "--verbose"):
            if (cmd, opt) != ("status", "--verbose"):  # status shows every received file already
                assert opt in help_text, (cmd, opt)
    ed = get_edition()
    sc = tmp_path / "自查表"
    sc.mkdir()
    samples.write_selfcheck_generated(sc / "a.xlsx", ed, unit="某企业工会", scores=samples.full_scores(ed))
    scored = run("score", sc, "--no-cache", "-j", "1", "--format", "json")
    assert scored.exit_code in (0, 1) and json.loads(scored.stdout)["files"]
    assert run("score", EXAMPLES, "--no-cache").exit_code == 2  # 统计表 only: nothing to score
    result = run("aggregate", EXAMPLES, "-j", "0")
    assert result.exit_code == 2 and "--jobs 至少为 1" in result.output


@pytest.mark.parametrize("args", [("validate",), ("validate", "--jobs", "x", "."), ("valdate",),
                                  ("validate", "--fromat", "json", "."), ("aggregate", "-o"), ("forms", "extra"),
                                  ("roster", "--config"), ("new-form", "--unit"), ("score", "--jobs", "1.5", "."),
                                  ("validate", ".", "--format", "xml"), ("aggregate", ".", "--level", "省级")])
def test_usage_errors_are_chinese(args):
    result = run(*args)
    assert result.exit_code == 2
    shown = re.sub(r"--?[\w-]+|'[^']*'|“[^”]*”|cbc|json|xml|table|enterprise|county|city|validate|aggregate|forms|roster|score|new-form|extra", "",
                   result.output)
    assert not re.search(r"[A-Za-z]{3,}", shown), result.output


def test_help_shows_no_english_placeholders():
    for cmd in ("new-form", "forms", "roster", "validate", "score", "aggregate", "status"):
        text = run(cmd, "--help").stdout
        for english in ("<bool>", "<str>", "<path>", "<list", "range>", "[x>=", "[OPTIONS]", "COMMAND", "Usage"):
            assert english not in text, (cmd, english)
    assert i18n.missing() == []


def test_forms_shows_rule_titles_and_codes_only_with_verbose():
    text = run("forms", "--edition", "2020").stdout
    ed = get_edition("2020")
    assert all(r.title in text for r in ed.stats.rules)
    assert "sub-exceeds-total" not in text and "units_total" not in text
    assert "sub-exceeds-total" in run("forms", "--edition", "2020", "-v").stdout


def test_roster_shows_own_figures_by_their_labels(tmp_path):
    (tmp_path / "cbc.toml").write_text('[own]\ncity_fund = 50\n', encoding="utf-8")
    result = run("roster", cwd=tmp_path)
    assert result.exit_code == 0
    assert "city_fund" not in result.stdout and "=50" not in result.stdout
    label = get_edition().stats.by_code["city_fund"].label
    assert label in re.sub(r"\s", "", result.stdout)


def test_validate_shows_finding_codes_only_with_verbose():
    bad = EXAMPLES / "临港区总工会.xlsx"
    plain = run("validate", bad, "--no-cache").stdout
    assert "sub-exceeds-total" not in plain
    assert "sub-exceeds-total" in run("validate", bad, "--no-cache", "-v").stdout


def test_aggregate_follow_up_lists_warnings_and_returns_without_a_date(tmp_path):
    ed = get_edition()
    d = tmp_path / "报送"
    d.mkdir()
    samples.write_generated(d / "环翠.xlsx", ed, unit="环翠区总工会", report_date=None,
                            values=samples.full_values(ed))
    shutil.copy(EXAMPLES / "市交通运输局工会.xlsx", d)
    result = run("aggregate", d, "--period", "2020H1", "-o", tmp_path / "s.xlsx", "--no-cache")
    shown = re.sub(r"\s*│\s*", "", result.stdout)
    assert "无填报日期" in shown and "无法判断是否迟报" in shown
    assert "提醒 2 条" in shown  # the unlisted unit's two warnings, one line


def test_send_back_copies_are_not_overwritten_without_force_and_are_listed(tmp_path):
    """--annotate follows the output contract: a copy already there is not replaced without
    --force (exit 2, nothing written), and each copy written is named on the screen."""
    d = tmp_path / "报送"
    d.mkdir()
    bad = EXAMPLES / "临港区总工会.xlsx"
    shutil.copy(bad, d / bad.name)
    out = tmp_path / "退回"
    first = run("validate", d, "--annotate", out, "--no-cache")
    assert first.exit_code == 1 and "已写入" in first.output
    (copy,) = out.iterdir()
    copy.write_bytes(b"MY NOTES")
    again = run("validate", d, "--annotate", out, "--no-cache")
    assert again.exit_code == 2 and "--force" in again.output
    assert copy.read_bytes() == b"MY NOTES"
    forced = run("validate", d, "--annotate", out, "--no-cache", "--force")
    assert forced.exit_code == 1 and copy.read_bytes() != b"MY NOTES"


@pytest.mark.parametrize("args", [
    ("aggregate", "{d}", "-o", "{d}/汇总.xlsx"),
    ("aggregate", "{d}", "--html", "{d}/报告.html", "-o", "{t}/汇总.xlsx"),
    ("aggregate", "{d}", "-r", "-o", "{d}/下级/汇总.xlsx"),
    ("validate", "{d}", "--annotate", "{d}/退回"),
    ("score", "{d}", "--annotate", "{d}/退回"),
    ("status", "{d}", "--messages", "{d}/通知"),
    ("status", "{d}", "--html", "{d}/看板.html"),
    ("assess", "--h1", "{d}", "--h2", "{d}", "-o", "{d}/考核.xlsx"),
    ("ledger", "{d}", "-o", "{d}/奖励.xlsx"),
])
def test_no_output_where_the_next_run_would_read_it(tmp_path, args):
    """cbc's own summary, board or send-back copies inside a folder being read would come back as
    returns next time (a copy would even replace its unit's return): refused before reading, exit 2."""
    d = tmp_path / "报送"
    d.mkdir()
    shutil.copy(ONE, d / ONE.name)
    cmd = [a.format(d=d, t=tmp_path) for a in args]
    result = run(*cmd)
    assert result.exit_code == 2 and "要读取的文件夹" in result.output, result.output
    assert [p.name for p in d.iterdir()] == [ONE.name]


def test_status_without_a_contact_stops_before_reading_or_recording(tmp_path):
    d = tmp_path / "报送"
    d.mkdir()
    shutil.copy(ONE, d / ONE.name)
    cfg = tmp_path / "cbc.toml"
    cfg.write_text("", encoding="utf-8")
    result = run("status", d, "--config", cfg, "--messages", tmp_path / "通知")
    assert result.exit_code == 2 and "[contact]" in result.output
    later = run("status", d, "--config", cfg, "--format", "json")
    assert json.loads(later.stdout)["since_last"] is None   # the failed run was not recorded


def test_terminal_tables_break_lines_as_chinese_text_does():
    """A note is broken between Chinese characters, never inside a number, a date or a cell
    (a clerk saw '（2,' and '920）' on two lines), and no text is lost."""
    from rich.console import Console

    from cbc_cli.render import Table, _divide

    note = ("未计入，需重报：统计表!D5：其中化工行业参与职工人数（2,920）大于参与职工人数（2,800），"
            "“其中”数不能超过总数，请核对。截止 2020-06-01（临港区总工会.xlsx）")
    from rich.cells import cell_len

    whole = ["（2,920）", "（2,800），", "2020-06-01", "表!D5：", "（临港区总工会.xlsx）"]
    for width in range(12, 60):
        cuts = [0, *_divide(note, width, True), len(note)]
        lines = [note[a:b] for a, b in zip(cuts, cuts[1:])]
        assert "".join(lines) == note
        for piece in whole:  # kept on one line wherever a line can hold it
            if cell_len(piece) <= width:
                assert any(piece in line for line in lines), (width, piece, lines)
    t = Table()
    t.add_column("单位")
    t.add_column("说明", overflow="fold")
    t.add_row("威海火炬高技术产业开发区总工会", note)
    out = Console(width=60, record=True, color_system=None, file=__import__("io").StringIO())
    out.print(t)
    text = out.export_text()
    assert "…" not in text and "2,920" in text and "2,800" in text
    right = Table()
    right.add_column("合计", justify="right")
    right.add_row("478")
    right.add_row("41,426")
    out.print(right)
    assert "│    478 │" in out.export_text()  # columns keep their alignment


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="报送统计表参与职工人数（）“”，。、：abcXYZ0123456789,.-_! ", min_size=1, max_size=80),
       st.integers(min_value=2, max_value=40))
def test_every_line_of_a_wrapped_note_fits_and_nothing_is_lost(text, width):
    from rich.cells import cell_len

    from cbc_cli.render import _divide

    offsets = _divide(text, width, True)
    assert offsets == sorted(set(offsets)) and all(0 < o < len(text) for o in offsets)
    cuts = [0, *offsets, len(text)]
    lines = [text[a:b] for a, b in zip(cuts, cuts[1:])]
    assert "".join(lines) == text
    assert all(cell_len(line.rstrip()) <= width for line in lines)

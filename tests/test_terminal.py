"""Every command run as a person runs it: on a pseudo-terminal of 80 and 120 columns, with the
progress bar, the tables, Ctrl-C and the exit code. CliRunner cannot see any of this (it is no
terminal), which is how a crash on 20+ files once went unseen."""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "报送-2020H1"
ONE = EXAMPLES / "环翠区总工会-统计表.xlsx"
HIDE, SHOW = b"\x1b[?25l", b"\x1b[?25h"
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


def on_pty(args: list[str], cols: int, cwd: Path, interrupt_on: bytes | None = None,
           limit: float = 180) -> tuple[int, bytes]:
    """Run `python -m cbc_cli args` with stdin/stdout/stderr on a pty of the given width; with
    interrupt_on, send Ctrl-C (SIGINT to its process group, as a terminal does) once that text shows."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "TERM", "CI")}
    env.update(TERM="xterm-256color", XDG_CACHE_HOME=str(cwd / ".cache-home"), PYTHONUTF8="1")
    proc = subprocess.Popen([sys.executable, "-m", "cbc_cli", *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=cwd, env=env, start_new_session=True, close_fds=True)
    os.close(slave)
    out = b""
    sent = False
    deadline = time.monotonic() + limit
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
            if interrupt_on is not None and not sent and interrupt_on in out:
                os.killpg(proc.pid, signal.SIGINT)
                sent = True
            if not ready and proc.poll() is not None:
                break
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        os.close(master)
    return code, out


def text(out: bytes) -> str:
    return ANSI.sub(b"", out).decode("utf-8", "replace")


def cursor_restored(out: bytes) -> bool:
    return out.rfind(HIDE) < out.rfind(SHOW) if HIDE in out else True


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("pty") / "报送"
    d.mkdir()
    for i in range(25):
        shutil.copy(ONE, d / f"h{i:02}.xlsx")
    return d


@pytest.mark.slow
@pytest.mark.parametrize("cols", [80, 120])
def test_validate_25_files_shows_a_progress_bar_and_gives_the_cursor_back(many, cols):
    code, out = on_pty(["validate", str(many), "--no-cache", "-j", "2"], cols, many.parent)
    shown = text(out)
    assert code == 0, shown
    assert "读取报表" in shown and "内部错误" not in shown and "Traceback" not in shown
    assert "共 25 个文件：25 个无错误" in shown
    assert cursor_restored(out)


@pytest.mark.slow
def test_aggregate_25_files_on_a_terminal(many, tmp_path):
    code, out = on_pty(["aggregate", str(many), "--no-cache", "-o", str(tmp_path / "s.xlsx")], 80, tmp_path)
    shown = text(out)
    assert code == 1, shown  # the other units have not reported
    assert "读取报表" in shown and "需要跟进" in shown and "Traceback" not in shown
    assert cursor_restored(out)


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_with_130_and_writes_nothing(tmp_path):
    d = tmp_path / "报送"
    d.mkdir()
    for i in range(1000):  # enough that the run is still reading when Ctrl-C arrives, even on a loaded machine
        shutil.copy(ONE, d / f"h{i:04}.xlsx")
    out_file = tmp_path / "汇总.xlsx"
    code, out = on_pty(["aggregate", str(d), "--no-cache", "-j", "1", "-o", str(out_file)], 80, tmp_path,
                       interrupt_on="读取报表".encode())
    shown = text(out)
    assert code == 130, shown
    assert "已中止" in shown and "Traceback" not in shown and "KeyboardInterrupt" not in shown
    assert cursor_restored(out)
    assert not out_file.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cbc-")]


@pytest.mark.slow
@pytest.mark.parametrize("cols", [80, 120])
def test_every_command_on_a_terminal(tmp_path, cols):
    """Each command's everyday output at both widths: Chinese, nothing cut with "…", the
    documented exit code."""
    runs = {
        ("forms", "--edition", "2020"): 0,
        ("roster",): 0,
        ("validate", str(EXAMPLES), "--no-cache"): 1,
        ("score", str(EXAMPLES), "--no-cache"): 2,  # 统计表 only: no 自查表 to score
        ("new-form", "-o", str(tmp_path / f"空白{cols}")): 0,
        ("validate",): 2,
        ("aggregate", "--help"): 0,
    }
    for args, expected in runs.items():
        code, out = on_pty(list(args), cols, tmp_path)
        shown = text(out)
        assert code == expected, (args, shown)
        assert "Traceback" not in shown and "…" not in shown, (args, shown)
        assert not re.search(r"<(bool|str|path|int)|\[OPTIONS\]|Usage|Missing|Error", shown), (args, shown)
        assert all(len(line) <= cols for line in shown.splitlines()), args
    code, out = on_pty(["roster"], 80, tmp_path)
    assert "威海火炬高技术产业开发区总工会" in text(out)  # the longest unit name, not cut at 80


@pytest.mark.slow
def test_help_of_every_command_at_100_columns_is_whole_and_chinese(tmp_path):
    for cmd in ("new-form", "forms", "roster", "validate", "score", "aggregate", "status"):
        code, out = on_pty([cmd, "--help"], 100, tmp_path)
        shown = text(out)
        assert code == 0, shown
        assert "…" not in shown and "用法：cbc " + cmd + " [选项]" in shown, shown
        assert not re.search(r"<(bool|str|path|int|list)|\[OPTIONS\]|\[x>=|Usage|Options|Arguments", shown), shown


def test_usage_error_on_a_terminal_is_chinese_and_exits_2(tmp_path):
    code, out = on_pty(["aggregate", "-j", "x", "."], 80, tmp_path)
    shown = text(out)
    assert code == 2 and "应是整数" in shown and "Input should" not in shown, shown

"""Run cbc over any folder of spreadsheets and say how it went.

    python tools/corpus.py FOLDER [FOLDER ...] [-j 2] [--timeout 20] [--memory 512] [--top 10] [--json out.json]

Every file under the folders (whatever its name) is validated as a 统计表 in a process of its own,
forked from this one, with cbc's own time and memory limits, so a reader that aborts or runs
away costs one file and is counted. The report gives:

- verdicts: how many files were read (a workbook cbc could read, whether or not it is the
  campaign form) and how many were refused, by finding code and variant;
- crashes: files whose reading process died (a signal, or an exit without a result);
- the slowest files (by the CPU time of their process, which other load does not inflate), and
  the most memory one file took (peak resident size above the process's
  size when it started);
- files over the limits: refused by a size, shape or resource limit (file-too-large,
  suspicious-file with a size variant, reader-timeout, reader-memory).

It uses only `cbc_cli.judge.ladder.validate_file`, so it runs against any checkout: put its
src/ first on PYTHONPATH to measure that one (e.g. main for a "before" figure).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import sys
import time
from collections import Counter
from pathlib import Path

MiB = 1024 * 1024
READ = "read"  # the file was read as a workbook (it may still not be the campaign form)
READ_CODES = {"form-not-found", "not-a-stats-form"}
LIMIT_CODES = {"file-too-large", "reader-timeout", "reader-memory"}
LIMIT_VARIANTS = {"member", "total", "ratio", "long-text", "strings", "cells", "range", "area", "book-area"}


def _rss() -> int:
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _variant(code: str, message: str) -> str | None:
    """Which variant of a finding a message is (an Issue keeps only its code and text)."""
    import tomllib
    from importlib.resources import files

    entry = tomllib.loads((files("cbc_cli") / "data" / "findings.toml").read_text("utf-8")).get(code, {})
    for name, template in entry.get("variants", {}).items():
        pattern = "".join(".*?" if part.startswith("{") else re.escape(part)
                          for part in re.split(r"(\{[^}]*\})", template))
        if re.search(pattern + r"\Z", message, re.S):  # the message may carry a prefix (无法读取：)
            return name
    return None


def _child(path: Path, out: int, memory: int) -> None:
    """In the forked process: read one file, write one JSON line, exit."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # a panicking reader prints its own message
        start_rss = _rss()
        vsz = int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (vsz + memory, vsz + memory))
        from cbc_cli.judge.ladder import validate_file

        t0 = time.perf_counter()
        try:
            r = validate_file(path)
            if r.readable or (r.issues and r.issues[0].code in READ_CODES):
                verdict = [READ, None]
            else:
                i = r.issues[0]
                verdict = [i.code, _variant(i.code, i.message)]
                if i.code == "reader-crashed":  # which exception: a reader's panic, or cbc's own bug
                    m = re.search(r"读取时出错（(\w+)）", i.message)
                    verdict[1] = m.group(1) if m else verdict[1]
        except MemoryError:
            verdict = ["reader-memory", None]
        except Exception as exc:  # noqa: BLE001 - cbc itself failed: that is a finding of this run
            verdict = ["cbc-exception", type(exc).__name__]
        seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        msg = {"verdict": verdict, "seconds": seconds, "memory": max(0, peak - start_rss)}
        os.write(out, (json.dumps(msg) + "\n").encode())
    finally:
        os._exit(0)


def run(files: list[Path], jobs: int, timeout: float, memory: int) -> list[dict]:
    import cbc_cli.judge.ladder  # noqa: F401 - imported once here, shared by every fork
    from cbc_cli.read import grid  # noqa: F401

    try:
        import python_calamine  # noqa: F401
    except ImportError:
        pass
    results: list[dict] = []
    todo = list(enumerate(files))[::-1]
    running: dict[int, tuple[int, Path, int, float, int]] = {}
    while todo or running:
        while todo and len(running) < jobs:
            idx, path = todo.pop()
            r, w = os.pipe()
            base = _rss()  # what a forked child starts with, for a child that dies before it can say
            pid = os.fork()
            if pid == 0:
                os.close(r)
                _child(path, w, memory)
            os.close(w)
            running[pid] = (idx, path, r, time.perf_counter(), base)
        pid, status, usage = os.wait4(-1, os.WNOHANG)
        if pid == 0:
            now = time.perf_counter()
            for p, (_, _, _, t0, _) in list(running.items()):
                if now - t0 > timeout:
                    os.kill(p, signal.SIGKILL)
            time.sleep(0.002)
            continue
        idx, path, r, t0, base = running.pop(pid)
        died_with = max(0, usage.ru_maxrss * 1024 - base)
        wall = time.perf_counter() - t0
        raw = b""
        while chunk := os.read(r, 65536):
            raw += chunk
        os.close(r)
        # CPU time (user + system) of the file's own process: unlike wall time, it does not grow
        # when other work shares the machine
        row = {"file": str(path), "wall": wall, "cpu": usage.ru_utime + usage.ru_stime}
        if raw.strip():
            row.update(json.loads(raw))
            row["crash"] = None
        elif os.WIFSIGNALED(status) and wall > timeout:
            row.update(verdict=["reader-timeout", None], crash=None, memory=died_with)
        else:
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            row.update(verdict=["crash", f"signal {sig}" if sig else f"exit {os.WEXITSTATUS(status)}"],
                       crash=True, memory=died_with)
        results.append(row)
    return results


def _label(verdict: list) -> str:
    code, variant = verdict
    return code if not variant else f"{code}/{variant}"


def over_limits(row: dict) -> bool:
    code, variant = row["verdict"]
    return code in LIMIT_CODES or (code == "suspicious-file" and variant in LIMIT_VARIANTS)


def report(results: list[dict], top: int, root: Path | None) -> str:
    def name(p: str) -> str:
        return os.path.relpath(p, root) if root else p

    lines = []
    n = len(results)
    read = sum(1 for r in results if r["verdict"][0] == READ)
    lines.append(f"files: {n}   read: {read}   refused: {n - read}")
    lines.append("verdicts:")
    for label, count in Counter(_label(r["verdict"]) for r in results).most_common():
        lines.append(f"  {count:6d}  {label}")
    # a reader that panicked inside the process (cbc caught it) or took the process down
    crashes = [r for r in results if r.get("crash") or r["verdict"][0] in ("reader-crashed", "cbc-exception")]
    lines.append(f"crashes: {len(crashes)}")
    for r in crashes:
        lines.append(f"  {name(r['file'])}  [{_label(r['verdict'])}]")
    lines.append(f"slowest {top} (CPU seconds of the file's process; wall seconds):")
    for r in sorted(results, key=lambda r: -r["cpu"])[:top]:
        lines.append(f"  {r['cpu']:7.2f} s  {r['wall']:7.2f} s  {name(r['file'])}  [{_label(r['verdict'])}]")
    mem = sorted(results, key=lambda r: -r.get("memory", 0))
    lines.append(f"most memory {top} (peak resident size above the worker's start):")
    for r in mem[:top]:
        lines.append(f"  {r.get('memory', 0) / MiB:7.1f} MB  {name(r['file'])}  [{_label(r['verdict'])}]")
    over = [r for r in results if over_limits(r)]
    lines.append(f"over the limits: {len(over)}")
    for r in over:
        lines.append(f"  {name(r['file'])}  [{_label(r['verdict'])}]")
    lines.append(f"total CPU time: {sum(r['cpu'] for r in results):.1f} s; "
                 f"wall, summed over files: {sum(r['wall'] for r in results):.1f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per file (cbc's default)")
    ap.add_argument("--memory", type=int, default=512, help="MiB a file may add (cbc's default)")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--json", type=Path, help="write every file's row here")
    a = ap.parse_args(argv)
    files = sorted(p for f in a.folders for p in ([f] if f.is_file() else f.rglob("*")) if p.is_file())
    if not files:
        print("no files", file=sys.stderr)
        return 2
    results = run(files, max(1, a.jobs), a.timeout, a.memory * MiB)
    root = a.folders[0] if len(a.folders) == 1 and a.folders[0].is_dir() else None
    print(report(results, a.top, root))
    if a.json:
        a.json.write_text(json.dumps(sorted(results, key=lambda r: r["file"]), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

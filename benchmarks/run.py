"""Benchmark: `cbc aggregate` end to end against a pandas + openpyxl baseline, side by side.

    python benchmarks/run.py                 # 1,000 returns, 5 rounds
    python benchmarks/run.py --n 10000 --rounds 3

Each round runs, as separate processes and in turn: the baseline (benchmarks/baseline_pandas.py),
`cbc aggregate --no-cache` (cold: process start, read, judge, sum, write the summary) and
`cbc aggregate` with a warm cache (a re-run over unchanged files). It reports the median wall
time of each, its ratio to the baseline's median, the median and range of each round's own
ratio (the runs of one round follow each other, so a slow spell of a shared machine slows
both), and the peak memory of each process tree (sampled from /proc every 5 ms). Then, in this process, reading + judging alone with 2 workers (files/s), and
`cbc --help`; and a 5,000-row hazard ledger read (`--ledger-only` for that figure alone). The
machine is shared and noisy: compare ratios within one run, not across runs.
Needs the bench extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and its descendants, in bytes (Linux)."""
    total = 0
    pids = [pid]
    seen = set()
    while pids:
        p = pids.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            with open(f"/proc/{p}/task/{p}/children", "rb") as fh:
                pids.extend(int(x) for x in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def timed(cmd: list[str], env: dict[str, str], expect: Path | None = None) -> tuple[float, int]:
    """Wall time and peak tree RSS of one run; `expect` is a file the run must leave behind."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.005)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    t.join()
    # 0 and 1 are cbc's "done" codes (1 = some returns have errors); anything else, or a run that
    # wrote nothing, is a failed run and must not be timed as a fast one
    if proc.returncode not in (0, 1) or (expect is not None and not expect.is_file()):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode(errors='replace')[-2000:]}")
    return elapsed, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dir", type=Path, default=None, help="reuse (or make) returns here")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--ledger-rows", type=int, default=5000, help="rows of the hazard-ledger figure")
    ap.add_argument("--ledger-only", action="store_true", help="only the hazard-ledger figure")
    args = ap.parse_args()
    if args.ledger_only:
        work = Path(tempfile.mkdtemp(prefix="cbc-bench-"))
        ledger_figures(work, dict(os.environ, CBC_CACHE_DIR=str(work / "cache")), args.rounds, args.ledger_rows)
        return

    work = Path(tempfile.mkdtemp(prefix="cbc-bench-"))
    folder = args.dir or work / f"returns-{args.n}"
    roster = folder.parent / f"{folder.name}-ROSTER.toml"
    if not roster.is_file():
        import make_returns

        t = time.perf_counter()
        make_returns.make(args.n, folder)
        print(f"made {args.n} returns in {time.perf_counter() - t:.1f} s")
    # Run cbc as installed: pip compiles a wheel's modules to bytecode, and Python caches them
    # on first import, unless PYTHONDONTWRITEBYTECODE is set (as on some CI machines), in which
    # case every run would compile cbc from source again (~25 ms).
    import compileall

    import cbc_cli

    compileall.compile_dir(str(Path(cbc_cli.__file__).parent), quiet=1)
    env = dict(os.environ, CBC_CACHE_DIR=str(work / "cache"), PYTHONWARNINGS="ignore")
    py = sys.executable
    out = work / "out"
    out.mkdir(exist_ok=True)
    cbc = [py, "-m", "cbc_cli", "aggregate", str(folder), "--config", str(roster), "--jobs", str(args.jobs),
           "--force", "--format", "json"]
    commands = {
        "baseline (pandas + openpyxl)": [py, str(HERE / "baseline_pandas.py"), str(folder), str(out / "base.xlsx")],
        "cbc aggregate (cold, --no-cache)": cbc + ["-o", str(out / "cold.xlsx"), "--no-cache"],
        "cbc aggregate (re-run, cached)": cbc + ["-o", str(out / "warm.xlsx")],
    }
    outputs = {name: Path(cmd[cmd.index("-o") + 1]) if "-o" in cmd else Path(cmd[-1]) for name, cmd in commands.items()}
    if args.no_baseline:
        del commands["baseline (pandas + openpyxl)"]
    timed(cbc + ["-o", str(out / "warm.xlsx")], env)  # warm the cache and the disk
    runs: dict[str, list[tuple[float, int]]] = {k: [] for k in commands}
    for r in range(args.rounds):
        for name, cmd in commands.items():
            outputs[name].unlink(missing_ok=True)
            runs[name].append(timed(cmd, env, outputs[name]))
        print(f"round {r + 1}/{args.rounds}: " + ", ".join(f"{runs[k][-1][0]:.2f} s" for k in commands), flush=True)

    medians = {k: statistics.median(t for t, _ in v) for k, v in runs.items()}
    base = medians.get("baseline (pandas + openpyxl)")
    count = sum(1 for p in folder.iterdir() if p.suffix in (".xlsx", ".xls"))
    print(f"\n{count} returns, {args.rounds} rounds, {args.jobs} workers, {os.cpu_count()} CPUs")
    # two ratios: of the medians, and the median of each round's own ratio (the baseline and cbc
    # of one round run back to back, so a noisy machine's slow and fast spells hit both alike)
    base_runs = runs.get("baseline (pandas + openpyxl)")
    print("| run | median | vs baseline (medians) | vs baseline (per round: median, range) | peak memory |")
    print("|---|---|---|---|---|")
    for name in commands:
        ratio = f"{base / medians[name]:.1f}×" if base else "—"
        paired = "—"
        if base_runs:
            each = sorted(b / t for (b, _), (t, _) in zip(base_runs, runs[name]))
            paired = f"{statistics.median(each):.1f}× ({each[0]:.1f}–{each[-1]:.1f})"
        peak = max(p for _, p in runs[name]) / 2**20
        print(f"| {name} | {medians[name]:.2f} s | {ratio} | {paired} | {peak:.0f} MB |")

    # reading + judging alone, in this process, with the workers
    from cbc_cli.batch.run import read_returns as read_all
    from cbc_cli.model.edition import get_edition
    from cbc_cli.model.config import load_roster

    files = sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".xls"))
    ro, ed = load_roster(roster), get_edition()
    rates = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        read_all(files, roster=ro, edition=ed, jobs=args.jobs)
        rates.append(len(files) / (time.perf_counter() - t))
    print(f"| read + judge only ({args.jobs} workers) | {statistics.median(rates):,.0f} returns/s | | | |")
    helps = [timed([py, "-m", "cbc_cli", "--help"], env)[0] for _ in range(args.rounds)]
    print(f"| cbc --help | {statistics.median(helps):.2f} s | | | |")
    ledger_figures(work, env, args.rounds, args.ledger_rows)


def ledger_figures(work: Path, env: dict[str, str], rounds: int, n: int) -> None:
    """A 5,000-row hazard ledger (written by xlsxwriter, half its dates typed as text): read and
    checked in this process (guard, calamine, every row), and `cbc ledger` end to end."""
    sys.path.insert(0, str(HERE.parent))
    from tests import ledger_samples as ls

    from cbc_cli.judge.ledger import read_ledger
    from cbc_cli.model.edition import get_edition

    path = work / f"ledger-{n}.xlsx"
    rows = ls.random_rows(n, seed=1, text_dates=True)
    ls.write_xlsxwriter(path, ls.STANDARD, rows, unit="威海某化工有限公司", district="环翠区", industry="化工")
    ed = get_edition()
    reads = []
    for _ in range(max(rounds, 3)):
        t = time.perf_counter()
        result = read_ledger(path, ed.ledger, edition=ed)
        reads.append(time.perf_counter() - t)
    assert result.rows == n, result.issues[:3]
    print(f"| hazard ledger, {n:,} rows: read + check (in process) | {statistics.median(reads):.2f} s | | | |")
    cmd = [sys.executable, "-m", "cbc_cli", "ledger", str(path), "--period", "2020H2", "--format", "json"]
    runs = [timed(cmd, env) for _ in range(max(rounds, 3))]
    print(f"| cbc ledger, {n:,} rows (end to end) | {statistics.median(t for t, _ in runs):.2f} s | | | "
          f"{max(p for _, p in runs) / 2**20:.0f} MB |")


if __name__ == "__main__":
    main()

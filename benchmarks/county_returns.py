"""1,000 hand-typed county returns, all counted: the notice's grid typed by hand, the city-only
fields left blank and the notice's 注 line under the table (issue 11: before the reading model,
`cbc aggregate` rejected every one of them). Times `cbc aggregate --no-cache` over them.

    python benchmarks/county_returns.py              # 1,000 returns, 3 rounds
    python benchmarks/county_returns.py --n 200 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/zoo


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dir", type=Path, default=None, help="reuse (or make) the returns here")
    args = ap.parse_args()

    from tests.zoo.county import make

    work = Path(tempfile.mkdtemp(prefix="cbc-county-"))
    folder = args.dir or work / f"county-{args.n}"
    roster = folder.parent / f"{folder.name}-ROSTER.toml"
    if not roster.is_file():
        t = time.perf_counter()
        make(args.n, folder)
        print(f"made {args.n} hand-typed county returns in {time.perf_counter() - t:.1f} s")
    env = dict(os.environ, CBC_CACHE_DIR=str(work / "cache"), PYTHONWARNINGS="ignore")
    cmd = [sys.executable, "-m", "cbc_cli", "aggregate", str(folder), "--config", str(roster), "--jobs",
           str(args.jobs), "--no-cache", "--force", "--format", "json", "-o", str(work / "summary.xlsx")]
    times, data = [], {}
    for _ in range(args.rounds):
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t)
        data = json.loads(proc.stdout)
    n = sum(1 for p in folder.iterdir() if p.suffix == ".xlsx")
    counted, rejected = len(data.get("counted", [])), len(data.get("rejected", []))
    median = statistics.median(times)
    print(f"{n} returns: counted {counted}, rejected {rejected}, missing {len(data.get('missing', []))}; "
          f"cbc aggregate --no-cache median {median:.2f} s ({1000 * median / n:.2f} ms per return, "
          f"{args.jobs} workers)")
    return 0 if counted == n and rejected == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

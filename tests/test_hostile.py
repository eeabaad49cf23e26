"""Hostile and broken files: nothing crashes, hangs, leaks or is lost.

Every file is read in an isolated worker with a 5 s time limit and a 256 MiB memory budget:
a file that needed more would come back as reader-timeout or reader-memory, which no case
expects, so each case passing proves it was turned away within those limits.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cbc_cli.cli import app
from cbc_cli.batch.pool import run_isolated
from cbc_cli.model.limits import MiB, Isolation
from cbc_cli.judge.ladder import unreadable_result
from cbc_cli.validate import validate_paths

from . import hostile

LIMITS = Isolation(timeout=5.0, memory=256 * MiB)
CASES = hostile.cases()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return folder, hostile.build(folder)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name.strip().replace("\n", "\\n")[:40] for c in CASES])
def test_each_file_is_turned_away_with_its_reason(corpus, case):
    folder, _ = corpus
    [result] = validate_paths([folder / case.name], isolation=LIMITS, jobs=1)
    found = {i.code for i in result.issues}
    if case.expect is None:
        assert result.readable and result.valid, result.issues
        return
    assert found & case.expect, (case.name, [(i.code, i.message) for i in result.issues])
    assert not {"reader-timeout", "reader-memory", "reader-crashed"} & found
    if not result.readable:
        assert not result.valid
        assert len(result.issues) == 1 and result.issues[0].message.startswith("无法读取：")
        assert "Traceback" not in result.issues[0].message


def test_a_batch_goes_on_and_a_good_return_still_counts(corpus, tmp_path):
    folder, made = corpus
    from tests import samples
    from cbc_cli.model.edition import get_edition
    from datetime import date

    samples.write_generated(folder / "好的-环翠区.xlsx", get_edition("2020"), unit="环翠区总工会",
                            report_date=date(2020, 5, 27), values=samples.full_values(get_edition("2020"), seed=5))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    annotated = tmp_path / "标注"
    out = tmp_path / "out"
    runner = CliRunner()
    v = runner.invoke(app, ["validate", str(folder), "--annotate", str(annotated), "--format", "json"])
    assert v.exit_code == 1 and "Traceback" not in v.output
    files = {Path(f["path"]).name: f for f in json.loads(v.stdout)["files"]}
    assert len(files) == len(made) + 1
    unreadable = {n for n, f in files.items() if not f["readable"]}
    written = {p.name for p in annotated.iterdir()} if annotated.exists() else set()
    for name in unreadable:  # nothing is written for a file that cannot be read
        assert not any(w.startswith(Path(name).stem[:20]) and w.endswith("_问题标注.xlsx") for w in written
                       if Path(name).stem[:20]), name

    a = runner.invoke(app, ["aggregate", str(folder), "--period", "2020H1", "-o", str(out / "汇总.xlsx"),
                            "--html", str(out / "报告.html"), "--format", "json"])
    assert a.exit_code == 1 and "Traceback" not in a.output
    data = json.loads(a.stdout)
    assert {"unit": "环翠区总工会", "path": str(folder / "好的-环翠区.xlsx"), "date": "2020-05-27"} in data["counted"]
    rejected = {Path(r["path"]).name for r in data["rejected"]}
    for name, case in made.items():
        if case.expect and not case.expect & {"unit-unlisted"}:
            assert name in rejected, name
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before   # inputs untouched
    assert sorted(p.name for p in out.iterdir()) == ["报告.html", "汇总.xlsx"]  # no temporaries left

    # what was written from hostile content is safe
    wb = openpyxl.load_workbook(out / "汇总.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    injected = [c for c in cells if c.value.startswith("=HYPERLINK")]
    assert injected and all(c.data_type == "s" and c.quotePrefix for c in injected)
    assert not any(ch in c.value for c in cells for ch in "\x00\x07\x1b")
    html = (out / "报告.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


# --- the worker pool itself --------------------------------------------------------------------

def _crashy(path: Path):
    if "abort" in path.name:
        os.abort()                      # what python-calamine does on some crafted files
    if "slow" in path.name:
        time.sleep(60)
    if "hog" in path.name:
        blocks = []
        while True:
            blocks.append(bytearray(64 * MiB))
    return path.name


def _failed(path: Path, code: str, variant=None, **params):
    return f"{code}:{path.name}"


@pytest.mark.slow
def test_a_worker_that_dies_hangs_or_hogs_costs_only_its_file(tmp_path):
    names = ["a", "abort-1", "b", "slow-1", "c", "hog-1", "d", "abort-2", "e"]
    paths = [tmp_path / n for n in names]
    out = run_isolated(_crashy, paths, on_failure=_failed, jobs=2, isolation=Isolation(timeout=1.5, memory=256 * MiB))
    assert out[0::2] == ["a", "b", "c", "d", "e"]
    assert out[1] == "reader-crashed:abort-1" and out[7] == "reader-crashed:abort-2"
    assert out[3] == "reader-timeout:slow-1"
    assert out[5] in ("reader-memory:hog-1", "reader-crashed:hog-1")


@pytest.mark.slow
def test_bad_files_inside_big_chunks_cost_only_themselves(tmp_path):
    """Chunks of many files, two in flight per worker: a crash or a hang anywhere in them is
    traced back to its own file, and every other file still gets its own result, in order."""
    names = [f"ok-{i}" for i in range(300)]
    for at, bad in ((17, "abort-x"), (150, "slow-x"), (151, "abort-y"), (299, "hog-x")):
        names[at] = bad
    paths = [tmp_path / n for n in names]
    out = run_isolated(_crashy, paths, on_failure=_failed, jobs=2, isolation=Isolation(timeout=1.5, memory=256 * MiB))
    expected = {"abort-x": "reader-crashed:abort-x", "slow-x": "reader-timeout:slow-x",
                "abort-y": "reader-crashed:abort-y"}
    for name, got in zip(names, out):
        if name == "hog-x":
            assert got in ("reader-memory:hog-x", "reader-crashed:hog-x")
        else:
            assert got == expected.get(name, name), (name, got)


def test_unreadable_result_shape(tmp_path):
    r = unreadable_result(tmp_path / "x.xlsx", "reader-timeout", seconds=20)
    assert not r.readable and not r.valid
    assert r.issues[0].message.startswith("无法读取：读取超时（超过 20 秒）")


def test_openpyxl_never_runs_without_defusedxml():
    import subprocess
    import sys

    code = ("import cbc_cli.cli, cbc_cli.write.safety as s; import openpyxl; "
            "print(openpyxl.DEFUSEDXML, s.openpyxl_module().DEFUSEDXML)")
    env = dict(os.environ, OPENPYXL_DEFUSEDXML="False")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["True", "True"]


def test_an_unexpected_failure_is_one_line_unless_debug(tmp_path, monkeypatch):
    import cbc_cli.validate as validate

    def boom(*args, **kwargs):
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(validate, "validate_paths", boom)
    (tmp_path / "a.xlsx").write_bytes(b"x")
    runner = CliRunner()
    plain = runner.invoke(app, ["validate", str(tmp_path)])
    assert plain.exit_code == 2 and "程序内部错误" in plain.output and "Traceback" not in plain.output
    debug = runner.invoke(app, ["validate", str(tmp_path), "--debug"])
    assert isinstance(debug.exception, RuntimeError)


def test_every_code_reported_is_registered(corpus, ed):
    from cbc_cli.model.findings import registered_codes

    folder, _ = corpus
    seen = {i.code for r in validate_paths([folder], isolation=LIMITS) for i in r.issues}
    assert seen and seen <= registered_codes(ed), seen - registered_codes(ed)


def _counted(path: Path):
    """Takes a fair share of the time limit, and leaves a mark each time it runs."""
    with open(path, "a") as fh:
        fh.write("x")
    time.sleep(0.05)
    if "slow" in path.name:
        time.sleep(60)
    return path.name


@pytest.mark.slow
def test_the_time_limit_is_per_file_not_per_chunk(tmp_path):
    """Files that each take a fair share of the limit, sent in chunks that together take several
    times it: none times out, and none is read twice; a file that overruns is the only one marked,
    and its chunk's other files are read again at most once."""
    names = [f"ok-{i}" for i in range(160)]
    names[100] = "slow-x"
    paths = [tmp_path / n for n in names]
    out = run_isolated(_counted, paths, on_failure=_failed, jobs=2, isolation=Isolation(timeout=0.6, memory=256 * MiB))
    assert out == [n if n != "slow-x" else "reader-timeout:slow-x" for n in names]
    runs = {p.name: len(p.read_text()) for p in paths}
    assert runs["slow-x"] == 1
    assert all(1 <= r <= 2 for r in runs.values())
    assert sum(runs.values()) < len(names) + 20  # only the overrun chunk's files read again


def test_the_callers_own_work_runs_once_while_the_workers_read(tmp_path):
    """aggregate readies its writer while the workers read: called once, with work in flight or none."""
    paths = [tmp_path / f"{i}.txt" for i in range(40)]
    for p in paths:
        p.write_text("x")
    calls: list[int] = []
    out = run_isolated(_counted, paths, on_failure=_failed, jobs=2, while_waiting=lambda: calls.append(1))
    assert calls == [1] and len(out) == 40
    assert run_isolated(_counted, [], on_failure=_failed, while_waiting=lambda: calls.append(2)) == []
    assert calls == [1, 2]

"""The result cache: re-runs read only new or changed files, and give the same result."""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from tests import samples
from cbc_cli.batch.run import read_returns as read_all
from cbc_cli.batch.cache import ResultCache, context_key
from cbc_cli.cli import app
from cbc_cli.model.config import default_roster

from .conftest import DATA


def _folder(tmp_path, ed, n=6):
    d = tmp_path / "r"
    d.mkdir()
    units = [u.name for u in default_roster().units][:n]
    for i, unit in enumerate(units):
        values = samples.full_values(ed, seed=i)
        if i == 2:
            values["workers_chem"] = "十二"  # an error: cached with its finding
        samples.write_grid(d / f"{i}.xlsx", ed, unit=unit, date_text=f"2020-05-2{i}", values=values)
    (d / "bad.xlsx").write_bytes(b"not a workbook")
    return d


def test_cached_and_uncached_runs_give_the_same_result(tmp_path, ed, monkeypatch):
    monkeypatch.setenv("CBC_CACHE_DIR", str(tmp_path / "cache"))
    d = _folder(tmp_path, ed)
    runner = CliRunner()
    args = ["aggregate", str(d), "--period", "2020H1", "--format", "json", "--force"]
    cold = runner.invoke(app, [*args, "-o", str(tmp_path / "a.xlsx"), "--no-cache"])
    first = runner.invoke(app, [*args, "-o", str(tmp_path / "b.xlsx")])
    warm = runner.invoke(app, [*args, "-o", str(tmp_path / "c.xlsx")])
    outs = [json.loads(r.stdout) for r in (cold, first, warm)]
    for o in outs:
        o.pop("outputs")
    assert outs[0] == outs[1] == outs[2]


def test_a_rerun_reads_only_new_or_changed_files(tmp_path, ed, monkeypatch):
    monkeypatch.setenv("CBC_CACHE_DIR", str(tmp_path / "cache"))
    d = _folder(tmp_path, ed)
    files = sorted(d.iterdir())
    roster = default_roster()
    first = read_all(files, roster=roster, edition=ed, cache=True)

    calls = []
    import cbc_cli.batch.run as agg

    real = agg.run_isolated

    def counting(task, paths, **kw):
        calls.append([p.name for p in paths])
        return real(task, paths, **kw)

    monkeypatch.setattr(agg, "run_isolated", counting)
    again = read_all(files, roster=roster, edition=ed, cache=True)
    assert calls == [[]]  # nothing read again
    assert [r.to_json() for r in again] == [r.to_json() for r in first]
    assert [r.raw for r in again] == [r.raw for r in first] and again[2].raw == {"workers_chem": "十二"}

    samples.write_grid(d / "1.xlsx", ed, unit="文登区总工会", date_text="2020-05-30", values=samples.full_values(ed, seed=99))
    calls.clear()
    changed = read_all(files, roster=roster, edition=ed, cache=True)
    assert calls == [["1.xlsx"]]
    assert changed[1].date == date(2020, 5, 30)


def test_a_changed_rule_set_or_code_misses(ed, monkeypatch):
    from cbc_cli.batch import cache
    from cbc_cli.model.edition import load_edition

    base = context_key(ed, default_roster(), None)
    assert base == context_key(ed, default_roster(), None)
    assert base != context_key(load_edition(DATA / "edition-2021.toml"), default_roster(), None)
    assert base != context_key(ed, default_roster(), "enterprise")
    monkeypatch.setattr(cache, "code_hash", lambda: "another build of cbc")
    assert context_key(ed, default_roster(), None) != base


def test_the_code_hash_follows_every_module_and_data_file(tmp_path):
    """A code change without a version change (the same 0.1.0) must not serve stale results."""
    import shutil

    from cbc_cli.batch import cache

    pkg = tmp_path / "cbc_cli"
    shutil.copytree(cache._PACKAGE, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.tree_hash(pkg)
    assert before == cache.code_hash()
    locate = pkg / "read" / "locate.py"
    locate.write_text(locate.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cache.tree_hash(pkg) != before
    findings = pkg / "data" / "findings.toml"
    locate.write_text(locate.read_text(encoding="utf-8").replace("\n# changed\n", ""), encoding="utf-8")
    assert cache.tree_hash(pkg) == before
    findings.write_text(findings.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cache.tree_hash(pkg) != before


def test_an_unwritable_cache_folder_means_no_cache_not_no_result(tmp_path, ed):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = ResultCache("ctx", directory=blocker / "sub")
    assert cache.db is None and cache.get_many(["a"]) == {}
    cache.put_many([])

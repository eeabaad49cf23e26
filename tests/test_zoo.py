"""The layout zoo (issue 11, item 6): the same county return and the same self-check, laid out
the many ways people type them and saved by programs that are not cbc — openpyxl, xlsxwriter,
xlwt and LibreOffice. Every field must come back exactly as written; where the file itself cannot
say (a formula never calculated, two sheets that disagree), the field must carry a finding naming
it. Only the public API is used."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbc_cli import score_file, validate_file

from .conftest import soffice
from .zoo import notice as N
from .zoo import selfcheck as SC
from .zoo import stats as ST
from .zoo.check import exactly, score_problems
from .zoo.table import WRITERS, soffice_batch


def _validate(path: Path, exp) -> object:
    return validate_file(path, level=None if exp.level == "county" else exp.level)


def test_the_zoo_is_as_big_as_the_issue_asks():
    assert len(ST.VARIANTS) >= 40 and len(SC.VARIANTS) >= 10 and len(WRITERS) >= 3
    assert set(ST.FRESH) <= set(ST.VARIANTS)


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("name", sorted(ST.VARIANTS))
def test_stats_variant(tmp_path, name, writer):
    write, ext = WRITERS[writer]
    book, exp = ST.VARIANTS[name]()
    r = _validate(write(book, tmp_path / f"{name}.{ext}"), exp)
    assert exactly(r, exp) == []


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("name", sorted(SC.VARIANTS))
def test_selfcheck_variant(tmp_path, name, writer):
    write, ext = WRITERS[writer]
    book, scores = SC.VARIANTS[name]()
    r = score_file(write(book, tmp_path / f"{name}.{ext}"))
    assert score_problems(r, scores) == []
    assert r.unit_written == N.SC_UNIT and r.total == sum(scores.values())


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_every_variant_saved_by_libreoffice(tmp_path, fmt):
    """Each variant written by openpyxl, opened and saved again by LibreOffice (one soffice call
    for all of them). LibreOffice calculates formulas, so a formula's value is there to read."""
    write, _ = WRITERS["openpyxl"]
    src = tmp_path / "src"
    src.mkdir()
    stats = {name: ST.VARIANTS[name]() for name in ST.VARIANTS}
    checks = {name: SC.VARIANTS[name]() for name in SC.VARIANTS}
    paths = [write(b, src / f"{n}.xlsx") for n, (b, _) in {**stats, **checks}.items()]
    saved = soffice_batch(paths, fmt, tmp_path / "out")
    failures = {}
    for path in saved:
        name = path.stem
        if name in stats:
            exp = stats[name][1]
            exp.values.update(exp.calculated)
            exp.flag -= set(exp.calculated)
            problems = exactly(_validate(path, exp), exp)
        else:
            problems = score_problems(score_file(path), checks[name][1])
        if problems:
            failures[name] = problems
    assert failures == {}

"""One file, all the way down: guard -> grid -> locate -> judge, for either form.

The ladder is the same for a 统计表 and a 自查表; only the last two steps differ. A bad file
never raises here: it becomes a result that says why it cannot be read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from ..model.config import Roster, default_roster
from ..model.edition import Edition, Level, get_edition
from ..model.findings import finding
from ..model.limits import DEFAULT_LIMITS, Limits
from ..model.results import FileResult, ScoreResult
from ..read.guard import Unreadable, guard
from ..read.locate import FormNotFound, locate_selfcheck, locate_stats, read_identity
from .selfcheck import judge_selfcheck
from .stats import judge_stats

Form = Literal["stats", "selfcheck"]


def unreadable(path: Path, form: Form, code: str, variant: str | None = None, *, edition: Edition | None = None,
               **params: Any) -> FileResult | ScoreResult:
    """The result for a file that cannot be read: one finding saying why."""
    issue = finding(code, variant, **params)
    if form == "stats":
        return FileResult(path, form=None, edition=edition.id if edition else None, readable=False, issues=[issue])
    return ScoreResult(path, edition.id if edition else None, readable=False,
                       max=edition.selfcheck.total_max if edition else 0, issues=[issue])


def unreadable_result(path: Path, code: str, variant: str | None = None, **params: Any) -> FileResult:
    """The result for a 统计表 whose reader failed in isolation (crashed, out of memory, too slow)."""
    result = unreadable(path, "stats", code, variant, **params)
    try:
        result.mtime = path.stat().st_mtime
    except OSError:
        pass
    return result  # type: ignore[return-value]


def _edition(edition: str | Edition | None) -> Edition:
    return edition if isinstance(edition, Edition) else get_edition(edition)


def validate_file(path: str | Path, *, roster: Roster | None = None, level: Level | None = None,
                  edition: str | Edition | None = None, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Read and judge one 统计表. Never raises for a bad file."""
    result = judge_file(path if isinstance(path, Path) else Path(path), "stats", roster=roster, level=level,
                        edition=edition, limits=limits)
    return result  # type: ignore[return-value]


def score_file(path: str | Path, *, roster: Roster | None = None, edition: str | Edition | None = None,
               limits: Limits = DEFAULT_LIMITS) -> ScoreResult:
    """Read and score one 自查表. Never raises for a bad file."""
    return judge_file(Path(path), "selfcheck", roster=roster, edition=edition, limits=limits)  # type: ignore[return-value]


def score_or_stats(path: Path, *, roster: Roster, edition: Edition,
                   limits: Limits = DEFAULT_LIMITS) -> ScoreResult | FileResult:
    """A self-check's score; or, when the file is a 统计表, its validation (for cross-form checks)."""
    r = score_file(path, roster=roster, edition=edition, limits=limits)
    if not r.readable and r.issues and r.issues[0].code == "form-not-found":
        other = validate_file(path, roster=roster, edition=edition, limits=limits)
        if other.readable:
            return other
    return r


def judge_file(path: Path, form: Form, *, roster: Roster | None = None, level: Level | None = None,
               edition: str | Edition | None = None, limits: Limits = DEFAULT_LIMITS) -> FileResult | ScoreResult:
    from ..read.grid import read_book

    ed = _edition(edition)
    roster = roster if roster is not None else default_roster()
    try:
        stat: os.stat_result | None = path.stat()
    except OSError:
        stat = None
    mtime = stat.st_mtime if stat is not None else 0.0
    book = None
    result: FileResult | ScoreResult
    try:
        book = read_book(guard(path, limits, stat=stat))
        if form == "stats":
            result = judge_stats(locate_stats(book, ed), ed, roster=roster, level=level, path=path, book=book)
        else:
            result = judge_selfcheck(locate_selfcheck(book, ed), ed, roster=roster, path=path)
    except Unreadable as exc:
        result = unreadable(path, form, exc.code, exc.variant, edition=ed, **exc.params)
    except FormNotFound:
        result = _not_this_form(path, form, book, ed)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - a reader panic (pyo3 PanicException is a BaseException)
        if os.environ.get("CBC_DEBUG"):
            raise
        result = unreadable(path, form, "reader-crashed", "error", edition=ed, error=type(exc).__name__)
    if isinstance(result, FileResult):
        result.mtime = mtime
    return result


def _not_this_form(path: Path, form: Form, book: Any, ed: Edition) -> FileResult | ScoreResult:
    """A workbook that is not the form asked for: say which form it is, when it is the other one."""
    if form == "stats":
        if _is_selfcheck(book, ed):
            result = unreadable(path, form, "not-a-stats-form", edition=ed, attachment=ed.selfcheck.attachment,
                                title=ed.selfcheck.title, stats=ed.stats.attachment)
            result.form = "selfcheck"  # type: ignore[union-attr]
            return result
        return unreadable(path, form, "form-not-found", edition=ed, title=ed.stats.title,
                          example=ed.stats.fields[0].label, attachment=ed.stats.attachment)
    if read_identity(book).get("form") == "stats":
        return unreadable(path, form, "form-not-found", "stats-given", edition=ed, stats=ed.stats.attachment,
                          attachment=ed.selfcheck.attachment)
    return unreadable(path, form, "form-not-found", "selfcheck", edition=ed, title=ed.selfcheck.title,
                      items=len(ed.selfcheck.items))


def _is_selfcheck(book: Any, ed: Edition) -> bool:
    """Whether a workbook that is not a 统计表 is the self-check (附件2) instead."""
    try:
        locate_selfcheck(book, ed)
    except FormNotFound:
        return False
    return True

"""Annotated copies: a fresh official form with the unit's values, the offending cells marked.

Something the federation can send back to the unit. The original file is never touched: the
copy is a new workbook built from the definition, written under a name derived from the
original's and kept inside the chosen folder.
"""

from __future__ import annotations

from pathlib import Path
from ..model.edition import Edition, get_edition
from ..model.findings import shown
from ..model.results import FileResult

SUFFIX = "_问题标注.xlsx"


def annotated_name(result: FileResult) -> str:
    from .files import safe_name_part

    return safe_name_part(result.path.stem, 80) + SUFFIX


def _write_marked(wb, sheet: str, result, target_of, title_cell: str, out_dir: str | Path) -> Path:  # type: ignore[no-untyped-def]
    """Mark each finding on the cell target_of(issue) gives (None: a note on the title), and save."""
    from .forms import inside, mark_cell, save_atomic

    ws = wb[sheet]
    general: list[str] = []
    for issue in result.issues:
        target = target_of(issue)
        if target is None:
            general.append(issue.message)
        else:
            mark_cell(ws, target, _severity_word(issue.severity) + issue.message, issue.severity)
    if general:
        mark_cell(ws, title_cell, "\n".join(general), "error")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return save_atomic(wb, inside(out, annotated_name(result)), force=True)


def _severity_word(severity: str) -> str:
    return "【错误】" if severity == "error" else "【提醒】"


def annotate(result: FileResult, out_dir: str | Path, *, edition: Edition | None = None) -> Path | None:
    """Write the annotated copy of one judged return; None when it has no findings or is unreadable."""
    from .forms import new_stats_workbook

    if not result.readable or not result.issues:
        return None
    ed = edition or get_edition(result.edition)
    values: dict[str, object] = dict(result.values)
    for code, text in result.raw.items():  # what the unit typed where it could not be read
        if values.get(code) is None and text not in (None, ""):
            values[code] = shown(text)
    wb = new_stats_workbook(ed, unit=result.unit_written or result.unit, period=result.period,
                            report_date=result.date, values=values)
    fields = ed.stats.by_code

    def target(issue):  # type: ignore[no-untyped-def]
        if issue.field in fields:
            return fields[issue.field].value_cell
        if issue.code in ("unit-missing", "unit-unlisted"):
            return ed.stats.unit_cell
        if issue.code.startswith("date-"):
            return ed.stats.date_cell
        return None

    return _write_marked(wb, ed.stats.sheet, result, target, f"A{ed.stats.title_row}", out_dir)


def annotate_selfcheck(result, out_dir: str | Path, *, edition: Edition | None = None) -> Path | None:  # type: ignore[no-untyped-def]
    """The same for a 自查表: a fresh form with the scores, the offending items marked."""
    from .forms import new_selfcheck_workbook

    if not result.readable or not result.issues:
        return None
    ed = edition or get_edition(result.edition)
    scores: dict[int, object] = {i.item: i.score for i in result.items if i.score is not None}
    for no, text in result.raw.items():
        if scores.get(no) is None and text not in (None, ""):
            scores[no] = shown(text)
    wb = new_selfcheck_workbook(ed, unit=result.unit_written or result.unit, period=result.period, scores=scores)
    sc = ed.selfcheck

    def target(issue):  # type: ignore[no-untyped-def]
        if issue.item is not None:
            return f"C{sc.item_row(issue.item)}"
        if issue.code == "unit-missing":
            return sc.unit_cell
        if issue.code == "total-mismatch":
            return f"C{sc.total_row}"
        return None

    return _write_marked(wb, sc.sheet, result, target, f"A{sc.title_row}", out_dir)

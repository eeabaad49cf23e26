"""A located 统计表 -> a typed, judged return: who sent it, when, every value, and the findings.

Rules never open a file; this module sees only what locate found.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from decimal import Decimal
from typing import Any

from ..model.config import Roster, clean_unit
from ..model.edition import LEVEL_NAMES, Edition, Level
from ..model.findings import finding, shown
from ..model.results import FileResult
from ..read.locate import Located
from .rules import apply_rules
from .values import fmt_number, parse_date, parse_number, vocabulary


def judge_stats(located: Located, ed: Edition, *, roster: Roster, level: Level | None = None,
                path: Path | None = None, book: Any = None) -> FileResult:
    """Located raw values -> a typed, judged return."""
    stats = ed.stats
    result = FileResult(path or Path("?"), edition=ed.id, by_identity=located.by_identity,
                        period=located.identity.get("period") or None)
    result.sources = {code: (src.label, src.how) for code, src in located.sources.items()}
    result.header = {name: rc.where for name, rc in (("unit", located.unit), ("date", located.date)) if rc}
    issues = result.issues
    vocab = vocabulary(ed)

    # who: the unit and its level
    unit_cell = located.unit.where if located.unit else None
    written = clean_unit(shown(located.unit.raw)) if located.unit else None
    result.unit_written = written
    if not written:
        issues.append(finding("unit-missing", cell=unit_cell, example=_example_unit(roster)))
    else:
        match = roster.match(written)
        if match is not None:
            result.unit, result.level, result.listed = match.name, match.level, True
        elif roster.is_city(written):
            result.unit, result.level, result.listed = roster.city.name, roster.city.level, True
        else:
            result.unit = written
            issues.append(finding("unit-unlisted", cell=unit_cell, value=written, unit=written))
    if result.level is None:
        if level is not None:
            result.level = level
        else:
            result.level = "county"
            issues.append(finding("level-unknown"))
    lv = result.level

    # when
    if located.date is not None:
        d = parse_date(located.date.raw)
        if d.ok:
            result.date = d.value
        else:
            issues.append(d.finding(cell=located.date.where, value=located.date.raw))
    if result.date is None and not any(i.code == "date-invalid" for i in issues):
        cell = located.date.where if located.date else None
        issues.append(finding("date-missing", cell=cell))

    # what: every field, typed
    values: dict[str, int | Decimal | None] = {}
    broken: set[str] = set()
    for f in stats.fields:
        rc = located.fields.get(f.code)
        problem = located.problems.get(f.code)
        if problem is not None:  # the layout could not tell where its value is: never guess
            values[f.code] = None
            broken.add(f.code)
            issues.append(problem)
            continue
        if rc is None:
            values[f.code] = None
            if lv in f.levels:
                broken.add(f.code)
                issues.append(finding("field-not-found", field=f.code, label=f.label, attachment=stats.attachment))
            continue
        result.cells[f.code] = rc.where
        raw = rc.raw
        stale = (book is not None and type(raw) in (int, float) and raw == 0
                 and book.is_stale_formula(rc.sheet, rc.cell))  # a formula saved with a 0 until opened (xlsxwriter)
        if stale and lv not in f.levels:  # its value is unknown, and the level does not fill it: not read
            values[f.code] = None
            continue
        if book is not None and ((raw is None or raw == "") and lv in f.levels
                                 and book.is_blank_formula(rc.sheet, rc.cell) or stale):
            broken.add(f.code)
            values[f.code] = None
            issues.append(finding("formula-no-value", field=f.code, cell=rc.where, label=f.label))
            continue
        p = parse_number(raw, label=f.label, unit=f.unit, money=f.is_money, vocab=vocab)
        if not p.ok:
            broken.add(f.code)
            values[f.code] = None
            result.raw[f.code] = raw
            issues.append(p.finding(field=f.code, cell=rc.where, value=raw))
            continue
        if p.warning:
            issues.append(p.warning_finding(field=f.code, cell=rc.where, value=raw))
        values[f.code] = p.value

    # which fields this level fills
    for f in stats.fields:
        v = values.get(f.code)
        if lv not in f.levels:
            if v:
                issues.append(finding("not-for-level", field=f.code, cell=result.cells[f.code], value=fmt_number(v),
                                      label=f.label, levels=_levels(f.levels), level=LEVEL_NAMES[lv]))
                values[f.code] = None
            elif v is None or f.code in broken:
                values[f.code] = None
            # a 0 typed where this level does not fill: read as typed (0 adds nothing), no warning
        elif v is None and f.code not in broken:
            cell = result.cells.get(f.code)
            issues.append(finding("required-missing", field=f.code, cell=cell, label=f.label))
    result.values = values
    own = {f.code: (values[f.code] if lv in f.levels else None) for f in stats.fields}
    issues.extend(apply_rules(ed, own, lv, result.cells))  # a 0 typed where it is not filled is no figure
    return result


def _levels(levels: Iterable[str]) -> str:
    return "、".join(LEVEL_NAMES[x] for x in levels) + "单位"


def _example_unit(roster: Roster) -> str:
    """A unit name to show in a message: the roster's first unit, else the collecting body."""
    return roster.units[0].name if roster.units else roster.city.name

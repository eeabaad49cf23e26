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
    result.sources = dict(located.sources)
    result.header = {name: _shared(rc.where) for name, rc in (("unit", located.unit), ("date", located.date)) if rc}
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
    fields, problems, cells = located.fields, located.problems, result.cells
    for f in stats.fields:
        code = f.code
        rc = fields.get(code)
        problem = problems.get(code) if problems else None
        if problem is not None:  # the layout could not tell where its value is: never guess
            values[code] = None
            broken.add(code)
            issues.append(problem)
            continue
        filled_here = lv in f.levels
        if rc is None:
            values[code] = None
            if filled_here:
                broken.add(code)
                issues.append(finding("field-not-found", field=code, label=f.label, attachment=stats.attachment))
            continue
        where = rc.where
        where = cells[code] = _SHARED.get(where) or _shared(where)
        raw = rc.raw
        t = type(raw)
        if t is float and raw > 0 and raw.is_integer() and raw < 1e15 or t is int and raw > 0:
            # a figure typed as a number (the common case): read as it is, no formula to look at
            n = int(raw)
            values[code] = Decimal(n) if f.kind == "money" else n
            continue
        stale = (book is not None and (t is int or t is float) and raw == 0
                 and book.is_stale_formula(rc.sheet, rc.cell))  # a formula saved with a 0 until opened (xlsxwriter)
        if stale and not filled_here:  # its value is unknown, and the level does not fill it: not read
            values[code] = None
            continue
        if book is not None and ((raw is None or raw == "") and filled_here
                                 and book.is_blank_formula(rc.sheet, rc.cell) or stale):
            broken.add(code)
            values[code] = None
            issues.append(finding("formula-no-value", field=code, cell=where, label=f.label))
            continue
        if raw is None:  # an empty cell: nothing to read (what parse_number would say)
            values[code] = None
            continue
        p = parse_number(raw, label=f.label, unit=f.unit, money=f.kind == "money", vocab=vocab)
        if not p.ok:
            broken.add(code)
            values[code] = None
            result.raw[code] = raw
            issues.append(p.finding(field=code, cell=where, value=raw))
            continue
        if p.warning:
            issues.append(p.warning_finding(field=code, cell=where, value=raw))
        values[code] = p.value

    # which fields this level fills
    for f in stats.fields:
        code = f.code
        v = values[code]
        if lv not in f.levels:
            if v:
                issues.append(finding("not-for-level", field=code, cell=cells[code], value=fmt_number(v),
                                      label=f.label, levels=_levels(f.levels), level=LEVEL_NAMES[lv]))
                values[code] = None
            elif v is None or code in broken:
                values[code] = None
            # a 0 typed where this level does not fill: read as typed (0 adds nothing), no warning
        elif v is None and code not in broken:
            issues.append(finding("required-missing", field=code, cell=cells.get(code), label=f.label))
    result.values = values
    own = {f.code: (values[f.code] if lv in f.levels else None) for f in stats.fields}
    issues.extend(apply_rules(ed, own, lv, result.cells))  # a 0 typed where it is not filled is no figure
    return result


_SHARED: dict[Any, Any] = {}


def _shared(value: Any) -> Any:
    """One object for equal cell references across the returns a process judges: the returns of
    one form place their fields alike, and a batch of results sent back from a worker then
    carries each only once (pickle keeps one copy of an object it meets again)."""
    known = _SHARED.get(value)
    if known is None:
        if len(_SHARED) >= 4096:  # a folder of many layouts (or sheet names): start again
            _SHARED.clear()
        known = _SHARED[value] = value
    return known


def _levels(levels: Iterable[str]) -> str:
    return "、".join(LEVEL_NAMES[x] for x in levels) + "单位"


def _example_unit(roster: Roster) -> str:
    """A unit name to show in a message: the roster's first unit, else the collecting body."""
    return roster.units[0].name if roster.units else roster.city.name

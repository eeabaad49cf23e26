"""One hazard ledger, however it was typed: the header row found by its labels (any order,
extra columns allowed, a two-row header joined), the enterprise's name, district and industry
found above it, and every hazard row checked.

The grid is read once (python-calamine); each row is then a handful of list look-ups, and a
date typed as text is parsed once per distinct text. Counting a period, overdue hazards and the
award list need the period, so they are worked out afterwards from the hazards (`count`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from ..model.cells import col_letters
from ..model.config import Roster, clean_unit, default_roster
from ..model.edition import Edition, LedgerForm
from ..model.findings import Issue, finding, rule_finding
from ..model.ledger import Award, Hazard, LedgerResult
from ..model.limits import DEFAULT_LIMITS, Limits
from ..read.grid import Sheet
from ..read.words import norm_label
from .values import is_blank, parse_date, vocabulary

HEADER_SCAN = 40        # rows searched for the column headers
MIN_COLUMNS = 3         # labels a row needs to be the header
_BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_KEY_SPLIT = re.compile(r"[:：]")


# --- the vocabulary of one ledger definition ---------------------------------------------------

class _Words:
    """Label -> role, grade spellings -> grade, and the like, built once per ledger definition."""

    def __init__(self, spec: LedgerForm, ed: Edition):
        self.labels: dict[str, str] = {}
        for c in spec.columns:
            for text in (c.label, *c.aliases):
                self.labels.setdefault(norm_label(text), c.role)
        self.grades: dict[str, str] = {}
        for g in spec.grades:
            for text in (g, *spec.grade_aliases.get(g, ())):
                key = _plain(text)
                self.grades[key] = g
                for suffix in spec.grade_suffixes:
                    self.grades[key + _plain(suffix)] = g
        self.statuses = {_plain(s): s for s in spec.statuses}
        self.keys = {
            "unit": [norm_label(k) for k in spec.reading.unit_keys],
            "district": [norm_label(k) for k in spec.reading.district_keys],
            "industry": [norm_label(k) for k in spec.reading.industry_keys],
        }
        self.notes = tuple(norm_label(n) for n in ed.reading.notes if norm_label(n))
        self.vocab = vocabulary(ed)

    def role(self, text: Any) -> str | None:
        if not isinstance(text, str) or not text.strip():
            return None
        key = norm_label(text)
        role = self.labels.get(key)
        if role is None and ("(" in key or "（" in key or "[" in key or "【" in key):
            role = self.labels.get(norm_label(_BRACKETS.sub("", key)))
        return role


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def words_for(spec: LedgerForm, ed: Edition) -> _Words:
    cached = spec.__dict__.get("_words")
    if cached is None or cached[0] is not ed:
        cached = spec.__dict__["_words"] = (ed, _Words(spec, ed))
    return cached[1]


# --- where the table is ------------------------------------------------------------------------

def _header(sheet: Sheet, w: _Words) -> tuple[int, int, dict[str, int], list[tuple[str, int, int]]] | None:
    """(header row, first data row, role -> column, columns found twice) of the best header."""
    best: tuple[int, dict[str, int]] | None = None
    rows = sheet.rows
    for r in range(min(HEADER_SCAN, len(rows))):
        found: dict[str, int] = {}
        for c, v in enumerate(rows[r]):
            role = w.role(v)
            if role is not None and role not in found:
                found[role] = c
        if len(found) >= MIN_COLUMNS and (best is None or len(found) > len(best[1])):
            best = (r, found)
    if best is None:
        return None
    r, found = best
    twice: list[tuple[str, int, int]] = []
    for c, v in enumerate(rows[r]):
        role = w.role(v)
        if role is not None and found.get(role) != c:
            twice.append((role, found[role], c))
    first = r + 1
    # a two-row header: group titles above (整改情况 over 整改措施 | 整改时限 …)
    if r + 1 < len(rows):
        below = {w.role(v): c for c, v in enumerate(rows[r + 1]) if w.role(v) is not None}
        new = {role: c for role, c in below.items() if role not in found}
        if len(new) >= 2 or (new and len(below) == len(new) and len(below) >= 1):
            for role, c in new.items():
                found[role] = c
            first = r + 2
    return r, first, found, twice


def _header_entries(sheet: Sheet, last_row: int, w: _Words) -> dict[str, tuple[str, str]]:
    """企业名称 / 所属区市 / 行业 above the table: key -> (value as written, cell)."""
    out: dict[str, tuple[str, str]] = {}
    for r in range(min(last_row, len(sheet.rows))):
        row = sheet.rows[r]
        for c, v in enumerate(row):
            if not isinstance(v, str) or not v.strip():
                continue
            text = unicodedata.normalize("NFKC", v)
            parts = _KEY_SPLIT.split(text)
            if len(parts) >= 2:  # '企业名称：威海某公司  行业：化工' (several in one cell)
                for i in range(len(parts) - 1):
                    head = parts[i].split()[-1] if parts[i].split() else ""
                    value = parts[i + 1]
                    if i + 1 < len(parts) - 1:  # the next key sits at the end of this value
                        value = " ".join(value.split()[:-1]) if len(value.split()) > 1 else ""
                    what = _which(norm_label(head), w)
                    if what and what not in out:
                        value = value.strip()
                        if not value:
                            value = _next_value(row, c, w) or ""
                        if value:
                            out[what] = (value, f"{col_letters(c)}{r + 1}")
                continue
            what = _which(norm_label(text), w)
            if what and what not in out:
                value = _next_value(row, c, w)
                if value:
                    out[what] = (value, f"{col_letters(c)}{r + 1}")
    return out


def _which(key: str, w: _Words) -> str | None:
    for what, keys in w.keys.items():
        if key in keys:
            return what
    return None


def _next_value(row: list[Any], c: int, w: _Words) -> str | None:
    """The first filled cell to the right, unless it is the next entry's label."""
    for v in row[c + 1:c + 6]:
        if v is not None and str(v).strip():
            text = str(v).strip()
            head = _KEY_SPLIT.split(unicodedata.normalize("NFKC", text))[0]
            if _which(norm_label(head), w) is not None:
                return None
            return text
    return None


def _choose_industry(text: str, options: tuple[str, ...]) -> str | None:
    t = _plain(text)
    for opt in sorted(options, key=len, reverse=True):  # 非化工 before 化工
        if t.startswith(_plain(opt)):
            return opt
    return None


# --- one file ------------------------------------------------------------------------------------

def read_ledger(path: str | Path, spec: LedgerForm, *, edition: Edition, roster: Roster | None = None,
                limits: Limits = DEFAULT_LIMITS) -> LedgerResult:
    """Read and check one ledger. Never raises for a bad file."""
    from ..read.grid import read_book
    from ..read.guard import Unreadable, guard

    path = Path(path)
    roster = roster if roster is not None else default_roster()
    try:
        book = read_book(guard(path, limits))
        return judge_ledger(book.sheets, spec, edition=edition, roster=roster, path=path)
    except Unreadable as exc:
        return unreadable_ledger(path, exc.code, exc.variant, **exc.params)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - a reader panic (pyo3 PanicException is a BaseException)
        if os.environ.get("CBC_DEBUG"):
            raise
        return unreadable_ledger(path, "reader-crashed", "error", error=type(exc).__name__)


def unreadable_ledger(path: Path, code: str, variant: str | None = None, **params: Any) -> LedgerResult:
    return LedgerResult(Path(path), readable=False, issues=[finding(code, variant, **params)])


def judge_ledger(sheets: list[Sheet], spec: LedgerForm, *, edition: Edition, roster: Roster,
                 path: Path) -> LedgerResult:
    """Every visible sheet whose header has the ledger's date and content columns is read (a
    ledger kept one sheet a month); failing that, the first sheet with a ledger header at all."""
    w = words_for(spec, edition)
    ordered = sorted(sheets, key=lambda s: (not s.visible, s.name != spec.sheet))
    found: list[tuple[Sheet, Any]] = []
    fallback = None
    for sheet in ordered:
        located = _header(sheet, w)
        if located is None:
            continue
        if fallback is None:
            fallback = (sheet, located)
        if sheet.visible and "found_on" in located[2] and ("content" in located[2] or "grade" in located[2]):
            found.append((sheet, located))
    if not found and fallback is not None:
        found = [fallback]
    if not found:
        return unreadable_ledger(path, "ledger-not-found", example="、".join(
            c.label for c in spec.columns if c.required)[:40])
    first_sheet, (header0, _, cols0, _) = found[0]
    result = LedgerResult(path, sheet=first_sheet.name, header_row=header0 + 1,
                          columns={role: col_letters(c) for role, c in cols0.items()})
    by_role = {c.role: c for c in spec.columns}
    entries: dict[str, tuple[str, str]] = {}
    for sheet, (header, first, cols, twice) in found:
        where = f"{sheet.name}!"
        for role, c0, c1 in twice:
            result.issues.append(finding("ledger-column-twice", column=by_role[role].label, first=col_letters(c0),
                                         second=col_letters(c1), cell=f"{where}{col_letters(c1)}{header + 1}",
                                         row=header + 1))
        for c in spec.columns:
            if c.required and c.role not in cols:
                result.issues.append(finding("ledger-column-missing", column=c.label, row=header + 1,
                                             cell=f"{where}A{header + 1}" if len(found) > 1 else None))
        for what, value in _header_entries(sheet, header, w).items():
            entries.setdefault(what, (value[0], f"{where}{value[1]}"))
        _rows(result, sheet, first, cols, spec, w, where, edition)
    _header_findings(result, entries, spec, roster)
    return result


def _header_findings(result: LedgerResult, entries: dict[str, tuple[str, str]], spec: LedgerForm,
                     roster: Roster) -> None:
    unit = entries.get("unit")
    if unit is None:
        result.issues.append(finding("ledger-unit-missing", label=spec.unit_label))
    else:
        result.unit_written = unit[0]
        matched = roster.match(unit[0])
        result.unit = matched.name if matched else clean_unit(unit[0])
        result.listed = matched is not None
    district = entries.get("district")
    if district is None:
        result.issues.append(finding("ledger-district-missing", label=spec.district_label))
    else:  # one name per district however written (高区, 火炬高技术产业开发区): the roster's, where it knows it
        known = roster.match(district[0])
        result.district = known.name if known is not None and known.level != "enterprise" else clean_unit(district[0])
    industry = entries.get("industry")
    chosen = _choose_industry(industry[0], spec.industries) if industry else None
    if chosen is None:
        shown = f"“{industry[0]}”无法识别" if industry else "未填写"
        result.issues.append(finding("ledger-industry-unknown", label=spec.industry_label, shown=shown,
                                     options="、".join(spec.industries), value=industry[0] if industry else None,
                                     cell=industry[1] if industry else None))
    result.industry = chosen


class _Nothing:
    """Whether a cell holds nothing: empty, spaces, or a word meaning "not filled" (无, —, /).
    Asked of every required cell of every row, so answered once per distinct short text."""

    def __init__(self, w: _Words):
        self.vocab = w.vocab
        self.known: dict[str, bool] = {}

    def __call__(self, v: Any) -> bool:
        if v is None or v == "":
            return True
        if type(v) is not str or len(v) > 12:  # no "not filled" word is that long
            return False
        known = self.known.get(v)
        if known is None:
            known = self.known[v] = not v.strip() or is_blank(v, self.vocab)
        return known


def _rows(result: LedgerResult, sheet: Sheet, first: int, cols: dict[str, int], spec: LedgerForm, w: _Words,
          where: str, edition: Edition) -> None:
    issues = result.issues
    by_role = {c.role: c for c in spec.columns}
    present = [(c.role, cols[c.role], c) for c in spec.columns if c.role in cols]
    content_cols = [ci for role, ci, c in present if c.kind != "number"]
    letters = {role: col_letters(ci) for role, ci, _ in present}
    required = [(role, ci, c.label) for role, ci, c in present if c.required]
    dates = [(role, ci, c.label) for role, ci, c in present if c.kind == "date"]
    grade_col = cols.get("grade")
    status_col = cols.get("status")
    finder_col = cols.get("finder")
    content_col = cols.get("content")
    grade_label = by_role["grade"].label
    status_label = by_role["status"].label
    major = frozenset(spec.major)
    date_cache: dict[Any, Any] = {}
    grade_cache: dict[Any, str | None] = {}
    status_cache: dict[Any, str | None] = {}
    grade_list = "、".join(spec.grades)
    status_list = "、".join(spec.statuses)
    rules = [r for r in spec.rules if r.check != "overdue"]  # overdue needs the period: see count()
    width = max(cols.values()) + 1
    hazards = result.hazards
    notes = w.notes
    nothing = _Nothing(w)
    fixed_status = spec.fixed_status
    grades, statuses = w.grades, w.statuses
    rows = sheet.rows

    def cell(role: str, r: int) -> str:
        return f"{where}{letters[role]}{r}"

    for index in range(first, len(rows)):
        raw = rows[index]
        if len(raw) < width:
            raw = raw + [None] * (width - len(raw))
        # a blank row (a numbered row of an empty template included), or a signature line
        filled = 0
        last = None
        for ci in content_cols:
            v = raw[ci]
            if v is not None and v != "":
                filled += 1
                last = v
                if filled > 1:
                    break
        if filled == 0 or (filled == 1 and nothing(last)):
            continue
        if filled == 1 and isinstance(last, str) and norm_label(last).startswith(notes):
            continue
        r = index + 1
        values: dict[str, Any] = {}
        for role, ci, label in required:
            v = raw[ci]
            if v is None or v == "" or (type(v) is str and len(v) <= 12 and nothing(v)):
                issues.append(finding("ledger-cell-missing", column=label, cell=cell(role, r), row=r))
        for role, ci, label in dates:
            v = raw[ci]
            if v is None or v == "":
                values[role] = None
                continue
            key = v if type(v) in (str, int, float) else None
            parsed = date_cache.get(key) if key is not None else None
            if parsed is None:
                parsed = parse_date(None if nothing(v) else v)
                if key is not None:
                    date_cache[key] = parsed
            if parsed.code is None:
                values[role] = parsed.value
            else:
                values[role] = None
                issues.append(finding("ledger-date-invalid", parsed.variant, column=label, cell=cell(role, r),
                                      row=r, value=v, **{**(parsed.params or {}), "text": _shown(v)}))
        grade = None
        if grade_col is not None:
            g = raw[grade_col]
            if not nothing(g):
                key = g if type(g) in (str, int, float) else str(g)
                if key in grade_cache:
                    grade = grade_cache[key]
                else:
                    grade = grade_cache[key] = _grade_of(g, grades)
                if grade is None:
                    issues.append(finding("ledger-grade-unknown", column=grade_label, text=_shown(g),
                                          grades=grade_list, cell=cell("grade", r), row=r, value=g))
        status = None
        if status_col is not None:
            st = raw[status_col]
            if not nothing(st):
                key = st if type(st) in (str, int, float) else str(st)
                if key in status_cache:
                    status = status_cache[key]
                else:
                    status = status_cache[key] = statuses.get(_plain(str(st)))
                if status is None:
                    issues.append(finding("ledger-status-unknown", column=status_label, text=_shown(st),
                                          statuses=status_list, cell=cell("status", r), row=r, value=st))
        is_fixed = status == fixed_status
        for rule in rules:
            _row_rule(rule, r, raw, values, grade, status, is_fixed, cols, by_role, major, cell, issues, nothing)
        deadline = values.get("deadline")
        hazards.append(Hazard(r, values.get("found_on"), values.get("fixed_on"), deadline, grade,
                              is_fixed, _text(raw, finder_col), _text(raw, content_col), sheet.name,
                              cell("deadline", r) if deadline is not None else None))


def _grade_of(g: Any, grades: dict[str, str]) -> str | None:
    if isinstance(g, float) and g.is_integer():
        g = int(g)
    found = grades.get(_plain(str(g)))
    if found is None and isinstance(g, int) and not isinstance(g, bool):
        found = grades.get(_plain(f"{g}级"))  # 3 typed for 三级
    return found


def _row_rule(rule: Any, r: int, raw: list[Any], values: dict[str, Any], grade: str | None, status: str | None,
              is_fixed: bool, cols: dict[str, int], by_role: dict[str, Any], major: frozenset[str], cell: Any,
              issues: list[Issue], nothing: _Nothing) -> None:
    check = rule.check
    if check == "not_before":
        a, b = rule.roles
        left, right = values.get(a), values.get(b)
        if left is not None and right is not None and left < right:
            issues.append(rule_finding(rule, {"left": by_role[a].label, "left_value": _day(left),
                                              "right": by_role[b].label, "right_value": _day(right)},
                                       cell=cell(a, r), value=_day(left), row=r))
        return
    if check == "major_needs":
        applies = grade is not None and grade in major
    elif check == "fixed_needs":
        applies = is_fixed
    elif check == "open_needs":
        applies = status is not None and not is_fixed
    else:
        return
    if not applies:
        return
    for role in rule.roles:
        ci = cols.get(role)
        if nothing(raw[ci] if ci is not None else None):
            issues.append(rule_finding(rule, {"column": by_role[role].label, "grade": grade or "",
                                              "status": status or ""},
                                       cell=cell(role, r) if ci is not None else None, row=r))


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _text(raw: list[Any], ci: int | None) -> str | None:
    if ci is None or ci >= len(raw) or _empty(raw[ci]):
        return None
    v = raw[ci]
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _shown(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _day(d: date) -> str:
    return f"{d.year}-{d.month:02d}-{d.day:02d}"


# --- a period's counts, overdue hazards and award candidates --------------------------------------

def count(result: LedgerResult, spec: LedgerForm, start: date, end: date, as_of: date) -> list[Award]:
    """Fill in the ledger's counts for [start, end], its overdue hazards on as_of (with a warning
    each), and return its award candidates of the year up to end."""
    result.found = result.fixed = result.overdue = 0
    result.overdue_rows = []
    chem = None if result.industry is None else result.industry == spec.chem
    overdue_rule = next((r for r in spec.rules if r.check == "overdue"), None)
    result.issues = [i for i in result.issues if overdue_rule is None or i.code != overdue_rule.code]
    award_grades = set(spec.award_grades)
    year_start = date(end.year, 1, 1)
    awards: list[Award] = []
    found = fixed = 0
    for h in result.hazards:
        if h.found_on is not None and start <= h.found_on <= end:
            found += 1
            if h.fixed_on is not None and h.fixed_on <= end:
                fixed += 1
        if (overdue_rule is not None and h.deadline is not None and h.deadline < as_of
                and (h.found_on is None or h.found_on <= as_of)
                and (h.fixed_on is None or h.fixed_on > as_of)):
            result.overdue += 1
            result.overdue_rows.append(h.row)
            result.issues.append(rule_finding(
                overdue_rule, {"deadline": _day(h.deadline), "as_of": _day(as_of), "days": (as_of - h.deadline).days},
                cell=h.deadline_cell, value=_day(h.deadline), row=h.row))
        if (h.grade in award_grades and h.found_on is not None and year_start <= h.found_on <= end):
            awards.append(Award(result.unit, result.district, h.finder, h.grade, h.found_on, h.content,
                                h.fixed_on is not None and h.fixed_on <= end, result.path, h.row, h.sheet))
    result.found, result.fixed = found, fixed
    result.found_chem = None if chem is None else (found if chem else 0)
    result.fixed_chem = None if chem is None else (fixed if chem else 0)
    result.issues.sort(key=lambda i: (i.row is not None, i.row or 0))
    return awards


def counts_for(result: LedgerResult, spec: LedgerForm, start: date, end: date) -> dict[str, int | None]:
    """found / fixed (and their 化工 shares) of one ledger over [start, end], without touching it
    (a filed 统计表 of another period is held against these)."""
    found = sum(1 for h in result.hazards if h.found_on is not None and start <= h.found_on <= end)
    fixed = sum(1 for h in result.hazards if h.found_on is not None and start <= h.found_on <= end
                and h.fixed_on is not None and h.fixed_on <= end)
    chem = None if result.industry is None else result.industry == spec.chem
    return {"found": found, "fixed": fixed, "found_chem": None if chem is None else (found if chem else 0),
            "fixed_chem": None if chem is None else (fixed if chem else 0)}

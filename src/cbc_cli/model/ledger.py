"""The hazard ledger (隐患排查治理登记台账) as read: its hazards, its findings, the counts a
period yields, and the year-end award list. `to_json` of a LedgerSummary is the `cbc ledger
--format json` contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from .edition import Edition, LedgerForm
from .findings import HasIssues, Issue
from .period import Period

ISSUE_KEYS = ("severity", "code", "row", "cell", "value", "message")
COUNTS = ("found", "fixed", "found_chem", "fixed_chem", "overdue")


class Hazard(NamedTuple):
    """One hazard row, as much of it as the counts, the rules that need a date to compare with
    and the award list use. A tuple: a ledger has thousands."""

    row: int                  # 1-based, as Excel shows it
    found_on: date | None
    fixed_on: date | None
    deadline: date | None
    grade: str | None         # a grade of the scale, or None (blank or not on the scale)
    fixed_status: bool        # 状态 says fixed
    finder: str | None
    content: str | None
    sheet: str = ""
    deadline_cell: str | None = None   # where an overdue warning points


@dataclass(frozen=True)
class Award:
    unit: str | None
    district: str | None
    finder: str | None
    grade: str
    date: date | None
    content: str | None
    fixed: bool
    path: Path
    row: int
    sheet: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "district": self.district, "finder": self.finder, "grade": self.grade,
                "date": self.date.isoformat() if self.date else None, "content": self.content, "fixed": self.fixed}


@dataclass
class LedgerResult(HasIssues):
    """One ledger file, read and checked row by row (counts filled in by `count`)."""

    path: Path
    readable: bool = True
    unit: str | None = None           # the roster name when matched, else as written
    unit_written: str | None = None
    listed: bool = False
    district: str | None = None
    industry: str | None = None       # one of the edition's industries, or None when unknown
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)   # role -> column letter
    hazards: list[Hazard] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    found: int = 0
    fixed: int = 0
    found_chem: int | None = 0
    fixed_chem: int | None = 0
    overdue: int = 0
    overdue_rows: list[int] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.hazards)

    def counts(self) -> dict[str, int | None]:
        return {k: getattr(self, k) for k in COUNTS}

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "unit": self.unit, "district": self.district, "industry": self.industry,
                "rows": self.rows, "found": self.found, "fixed": self.fixed, "found_chem": self.found_chem,
                "fixed_chem": self.fixed_chem, "overdue": self.overdue,
                "issues": [i.as_json(ISSUE_KEYS) for i in self.issues]}


@dataclass
class AgainstCheck:
    """A filed 统计表 held against the ledgers: which ledgers, and the differences."""

    path: Path
    unit: str | None
    compared_with: list[str]          # the ledgers' units (all of them: the totals)
    issues: list[Issue] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "unit": self.unit, "compared_with": self.compared_with,
                "issues": [i.as_json(ISSUE_KEYS) for i in self.issues]}


@dataclass
class LedgerSummary:
    """Every ledger of a run, the period's counts per ledger and in total, and the award list."""

    edition: Edition
    spec: LedgerForm
    period: Period
    start: date
    end: date
    as_of: date                      # overdue is judged on this day (the period's end, or --today)
    ledgers: list[LedgerResult]
    awards: list[Award] = field(default_factory=list)
    against: list[AgainstCheck] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for k in COUNTS:
            out[k] = sum(getattr(r, k) or 0 for r in self.ledgers if r.readable)
        return out

    def by_district(self) -> list[tuple[str | None, int, int]]:
        """Award candidates per district: (district, candidates, of them fixed), most first."""
        counts: dict[str | None, list[int]] = {}
        for a in self.awards:
            c = counts.setdefault(a.district, [0, 0])
            c[0] += 1
            c[1] += a.fixed
        return sorted(((d, n, f) for d, (n, f) in counts.items()), key=lambda t: (-t[1], t[0] or "\uffff"))

    @property
    def issues(self) -> list[Issue]:
        return [i for r in self.ledgers for i in r.issues] + [i for a in self.against for i in a.issues]

    @property
    def failed(self) -> bool:
        return any(not r.valid for r in self.ledgers)

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "period": str(self.period), "start": self.start.isoformat(),
                "end": self.end.isoformat(), "as_of": self.as_of.isoformat(),
                "ledgers": [r.to_json() for r in self.ledgers], "totals": self.totals,
                "awards": [a.to_json() for a in self.awards], "against": [a.to_json() for a in self.against]}


def period_range(spec: LedgerForm, period: Period) -> tuple[date, date]:
    """The dates a period's counts cover (from the edition: cumulative from 1 January)."""
    p = spec.periods[period.half]
    (m0, d0), (m1, d1) = (tuple(int(x) for x in s.split("-")) for s in (p.start, p.end))
    return date(period.year, m0, d0), date(period.year, m1, d1)


def ledger_spec(ed: Edition, overrides: dict[str, Any] | None = None) -> LedgerForm:
    """The edition's ledger with a cbc.toml's [ledger] applied. Raise DefinitionError when the
    edition has no ledger or the overrides do not fit it."""
    from .edition import DefinitionError

    if ed.ledger is None:
        raise DefinitionError(f"{ed.id} 年版的表样中没有隐患台账（[ledger]）")
    try:
        return ed.ledger.with_overrides(dict(overrides or {}))
    except ValueError as exc:
        raise DefinitionError(f"cbc.toml 的 [ledger] 有误：{exc}") from None

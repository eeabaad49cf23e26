"""`cbc ledger`: enterprises' hazard ledgers read and checked, a period's counts per enterprise
and in total, overdue hazards, the cross-check with filed 统计表, and the year-end award list.

Each ledger is read in an isolated worker (an untrusted file, like every input); the period's
counts are worked out afterwards from the hazards read, so the period may be inferred from them.
`read_ledgers` is the library call (and what `cbc assess` may call).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from .batch.find import find_workbooks
from .batch.run import Progress, read_returns, run
from .judge.ledger import count, counts_for, enterprise_key, read_ledger, union_endings, unreadable_ledger
from .model.config import Roster, default_roster, normalize_unit
from .model.edition import Edition, get_edition
from .model.findings import finding
from .model.ledger import AgainstCheck, LedgerResult, LedgerSummary, ledger_spec, period_range
from .model.limits import DEFAULT_ISOLATION, Isolation
from .model.period import Period


class LedgerError(Exception):
    """The job cannot be done (e.g. no period given and none can be inferred)."""


def read_ledgers(paths: Iterable[str | Path], period: Period | str | None = None, edition: str | Edition | None = None,
                 config: Roster | None = None, *, today: date | None = None, against: Sequence[str | Path] = (),
                 recursive: bool = False, jobs: int | None = None, isolation: Isolation | None = DEFAULT_ISOLATION,
                 progress: Progress | None = None) -> LedgerSummary:
    """Read every ledger among the paths and count the period.

    period: 2020H1 / 2020H2 (default: the half-year of --today, else of the latest 发现时间).
    config: the roster and cbc.toml in use (its [ledger] may change grades, threshold, periods).
    today: judge overdue hazards on this day instead of the period's end.
    against: filed 统计表 (files or folders) held against the ledgers' counts.
    Raises LedgerError when no period is given and none can be inferred; DefinitionError when
    the edition or the [ledger] overrides are unusable."""
    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    roster = config if config is not None else default_roster()
    spec = ledger_spec(ed, roster.ledger)
    isolation = roster.isolation() if isolation is DEFAULT_ISOLATION else isolation
    limits = (isolation or DEFAULT_ISOLATION).limits
    files = list(find_workbooks(paths, recursive))
    task = partial(read_ledger, spec=spec, edition=ed, roster=roster, limits=limits)
    results: list[LedgerResult] = run(files, task, on_failure=unreadable_ledger, context=("ledger", ed, roster),
                                      jobs=jobs, progress=progress, isolation=isolation)
    p = _period(period, today, results, spec)
    start, end = period_range(spec, p)
    as_of = today or end
    awards = []
    for r in results:
        if r.readable:
            awards.extend(count(r, spec, start, end, as_of))
    rank = {g: i for i, g in enumerate(spec.grades)}
    awards.sort(key=lambda a: (-rank[a.grade], a.date or date.max, a.unit or "", str(a.path), a.row))
    summary = LedgerSummary(ed, spec, p, start, end, as_of, results, awards)
    if against:
        summary.against = cross_check(summary, against, roster=roster, jobs=jobs, isolation=isolation)
    return summary


def _period(period: Period | str | None, today: date | None, results: list[LedgerResult], spec: Any) -> Period:
    if isinstance(period, Period):
        return period
    if isinstance(period, str):
        return Period.parse(period)
    when = today
    if when is None:
        dates = [h.found_on for r in results for h in r.hazards if h.found_on is not None]
        when = max(dates) if dates else None
    if when is None:
        label = spec.column("found_on").label
        raise LedgerError(f"无法确定统计期：台账中没有可读的{label}。请用 --period 指定（如 2020H1）。")
    h1 = period_range(spec, Period(year=when.year, half="H1"))[1]
    return Period(year=when.year, half="H1" if when <= h1 else "H2")


# --- the filed 统计表 held against the ledgers -------------------------------------------------

def cross_check(summary: LedgerSummary, against: Sequence[str | Path], *, roster: Roster, jobs: int | None = None,
                isolation: Isolation | None = DEFAULT_ISOLATION) -> list[AgainstCheck]:
    """Each filed 统计表 against the ledgers of its unit (or, when one return is given and no
    ledger is its unit's, against all the ledgers' totals): each difference a warning naming
    both numbers, on the return's cell."""
    ed, spec = summary.edition, summary.spec
    if spec.to_stats is None:
        return []
    files = list(find_workbooks(against))
    returns = read_returns(files, roster=roster, edition=ed, isolation=isolation, jobs=jobs)
    readable = [r for r in summary.ledgers if r.readable]
    checks: list[AgainstCheck] = []
    pairs = spec.to_stats.model_dump()
    endings = union_endings(ed)
    for ret in returns:
        check = AgainstCheck(ret.path, ret.unit, [])
        checks.append(check)
        if not ret.readable:
            check.issues.append(finding("ledger-against-unmatched", "unreadable", file=ret.path.name,
                                        reason=ret.reason or ""))
            continue
        key = enterprise_key(ret.unit, endings)
        mine = [r for r in readable if key and enterprise_key(r.unit, endings) == key]
        if not mine and len(returns) == 1:
            mine = readable
        if not mine:
            check.issues.append(finding("ledger-against-unmatched", file=ret.path.name, unit=ret.unit or "未填单位"))
            continue
        check.compared_with = [r.unit or r.path.name for r in mine]
        period = _period_of(ret, summary.period)
        if period == summary.period:
            each = [r.counts() for r in mine]
        else:  # a return of another half-year: the ledgers counted over that one
            start, end = period_range(spec, period)
            each = [counts_for(r, spec, start, end) for r in mine]
        for what, code in pairs.items():
            counted_each = [c[what] for c in each]
            if any(v is None for v in counted_each):
                continue  # a ledger's industry is unknown: its 化工 counts are not known (already an error)
            counted = sum(counted_each)
            filed = ret.values.get(code)
            if filed is None or filed == counted:
                continue
            field = ed.stats.field(code)
            check.issues.append(finding("ledger-against-mismatch", file=ret.path.name, label=field.label,
                                        filed=filed, counted=counted, period=period.label, cell=ret.cells.get(code),
                                        value=filed))
    return checks


def _period_of(ret: Any, default: Period) -> Period:
    """The half-year a filed 统计表 is for: its identity's, else its 填报日期's, else the ledgers'."""
    if ret.period:
        try:
            return Period.parse(ret.period)
        except ValueError:
            pass
    if ret.date is not None:
        return Period.of_date(ret.date)
    return default


# --- outputs -------------------------------------------------------------------------------------

def stats_values(summary: LedgerSummary) -> dict[str, int | None]:
    """The 统计表's hazard fields, from the ledgers' totals (None where a 化工 count is unknown)."""
    spec = summary.spec
    if spec.to_stats is None:
        return {}
    unknown = any(r.readable and r.found_chem is None for r in summary.ledgers)
    t = summary.totals
    return {code: (None if unknown and what.endswith("_chem") else t[what])
            for what, code in spec.to_stats.model_dump().items()}


def write_to_form(summary: LedgerSummary, path: str | Path, *, force: bool = False) -> Path:
    """A 统计表 with the hazard rows prefilled from the ledgers (the unit filled in when all the
    ledgers are one enterprise's)."""
    from .write.forms import new_stats_workbook, save_atomic

    units = {r.unit for r in summary.ledgers if r.readable}
    unit = units.pop() if len(units) == 1 else None
    wb = new_stats_workbook(summary.edition, unit=unit, period=str(summary.period), values=stats_values(summary))
    return save_atomic(wb, Path(path), force=force)


def write_award_list(summary: LedgerSummary, path: str | Path, *, force: bool = False) -> Path:
    from .write.ledger import write_awards

    return write_awards(summary, path, force=force)


__all__ = ["LedgerError", "cross_check", "read_ledgers", "stats_values", "write_award_list", "write_to_form"]

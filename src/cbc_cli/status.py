"""`cbc status`: the deadline week as of one day — who is in, who must redo, who is missing.

The same reading and deciding as `cbc aggregate` (batch.run.read_returns with the same result
cache, then aggregate.decide), seen as of a day:
- with --today (a replay of an earlier morning), a return dated after that day has not come yet; its file is listed
  with the unit, with a warning saying so;
- every file that came is accounted for, workbook or not: one cbc cannot read as a 统计表 (a
  PDF, a broken file, a self-check) makes its unit `skipped`, found by the unit written in it or,
  failing that, by the file's name;
- each roster unit gets one state, the best it has: ok, then rejected, skipped, missing.
Each run is recorded (batch.history) so the next one can say what is new since.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from .aggregate import AggregateError, _period_mismatch, decide, infer_period
from .batch.find import find_received
from .batch.history import History, Run, folder_key
from .batch.run import Progress, read_returns
from .model.config import Roster, default_roster, normalize_unit
from .model.edition import Edition, Level, get_edition
from .model.findings import Issue, finding, finding_types
from .model.limits import DEFAULT_ISOLATION, Isolation
from .model.period import Period
from .model.results import FileResult
from .model.status import NewFile, SinceLast, StatusReport, UnitStatus

_RANK = {"ok": 0, "rejected": 1, "skipped": 2, "missing": 3}


def period_of_day(today: date, roster: Roster) -> Period:
    """With no readable return to tell, the period whose deadline is next (or just passed)."""
    return Period.of_date(today)


def unit_by_name(name: str, roster: Roster) -> str | None:
    """The roster unit a file's name points to (e.g. 南海新区总工会.pdf), or None when it names
    none or more than one."""
    u = roster.match(name)
    if u is not None:
        return u.name
    key = normalize_unit(name)
    best: dict[str, int] = {}
    for unit in roster.units:
        for alias in (unit.name, *unit.aliases):
            a = normalize_unit(alias)
            if len(a) >= 2 and a in key:
                best[unit.name] = max(best.get(unit.name, 0), len(a))
    if not best:
        return None
    top = max(best.values())
    winners = [u for u, n in best.items() if n == top]
    return winners[0] if len(winners) == 1 else None


def status(paths: Iterable[str | Path], *, today: date | None = None, recursive: bool = False,
           roster: Roster | None = None, period: Period | None = None, edition: str | Edition | None = None,
           level: Level | None = None, jobs: int | None = None, progress: Progress | None = None,
           isolation: Isolation | None = DEFAULT_ISOLATION, cache: bool = False,
           history: bool | History = False, now: datetime | None = None) -> StatusReport:
    """Every roster unit's state as of today. history: True for the history in cbc's cache
    folder, or a History; False records nothing and compares with nothing."""
    paths = [Path(p) for p in paths]
    replay = today is not None  # --today: look as of an earlier morning, so later-dated returns had not come
    today = today or date.today()
    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    roster = roster if roster is not None else default_roster()
    isolation = roster.isolation() if isolation is DEFAULT_ISOLATION else isolation
    files = list(find_received(paths, recursive))
    digests: dict[Path, str] = {}  # the cache's content hashes, which the history keeps too
    read = read_returns(files, roster=roster, edition=ed, level=level, jobs=jobs, progress=progress,
                        isolation=isolation, cache=cache, digests=digests)
    readable = [r for r in read if r.readable and r.form == "stats"]
    unreadable = [r for r in read if not (r.readable and r.form == "stats")]
    # A file that is in the folder has come. Only a replay (--today) holds back returns dated after
    # the day looked at; on the real day a mistyped future date must not make a unit look missing.
    later = [r for r in readable if replay and r.date and r.date > today]
    held = {id(r) for r in later}
    arrived = [r for r in readable if id(r) not in held]
    if period is None:
        period = infer_period(readable) or period_of_day(today, roster)
    counted, replaced, rejected, _missing = decide(arrived, roster=roster, period=period)

    book = _Book(roster, period, today)
    for c in counted:
        u = book.entry(c.result)
        u.files.append(c.result.path)
        book.put(u, "ok", c.result, late=c.late, findings=c.result.warnings)
    for rp in replaced:
        book.entry(rp.result).files.append(rp.result.path)
    for rj in rejected:
        u = book.entry(rj.result)
        u.files.append(rj.result.path)
        found = list(rj.result.issues) if rj.result.errors else [_decide_finding(rj.result, rj.reason, roster, period)]
        book.put(u, "rejected", rj.result, findings=found)
    for r in unreadable:
        u = book.entry(r)
        u.files.append(r.path)
        book.put(u, "skipped", r, findings=list(r.issues))
    for r in later:
        u = book.entry(r)
        u.files.append(r.path)
        if u.state == "missing":
            u.findings.append(finding("dated-after-today", field="date", cell=r.header.get("date"),
                                      value=r.date.isoformat() if r.date else None,
                                      date=r.date.isoformat() if r.date else "", today=today.isoformat()))
    report = StatusReport(ed, roster, period, today, book.roster_units(), book.unlisted())
    if history:
        store = history if isinstance(history, History) else History()
        try:
            report.since_last = remember(store, paths, report, set(r.path for r in later), now or datetime.now(),
                                         digests)
        finally:
            if store is not history:
                store.close()
    return report


def _decide_finding(r: FileResult, why: str, roster: Roster, period: Period) -> Issue:
    """Why a readable return without errors still does not count, as a finding."""
    if r.unit == roster.city.name and r.listed:
        code = "own-return"
    elif _period_mismatch(r, period):
        code = "other-period"
    else:
        code = "not-in-roster"
    return Issue(finding_types()[code].severity, code, why)


class _Book:
    """The units as they are filled in: roster units first, then anything else that came."""

    def __init__(self, roster: Roster, period: Period, today: date):
        self.roster, self.period, self.today = roster, period, today
        self.units = {u.name: self._new(u.name, u.level, True) for u in roster.units}
        self.others: dict[str, UnitStatus] = {}

    def _new(self, unit: str | None, level: Level | None, listed: bool) -> UnitStatus:
        deadline = self.roster.deadline(level or "county", self.period)
        return UnitStatus(unit, level, "missing", deadline, (deadline - self.today).days if deadline else None,
                          listed=listed)

    def entry(self, r: FileResult) -> UnitStatus:
        name = r.unit if (r.unit and r.listed) else None
        if name is None or name not in self.units:
            by_name = unit_by_name(r.path.stem, self.roster) if not r.unit else None
            name = by_name or name
        if name in self.units:
            return self.units[name]
        key = r.unit or f"\x00{r.path}"
        if key not in self.others:
            self.others[key] = self._new(r.unit_written or r.unit, r.level, False)
        return self.others[key]

    def put(self, u: UnitStatus, state: str, r: FileResult, *, findings: list[Issue], late: bool = False) -> None:
        """Give the unit this state if it is better than the one it has (ok, rejected, skipped,
        missing); among returns of the same state, the latest dated decides."""
        if u.result is not None and _RANK[state] > _RANK[u.state]:
            return
        if u.result is not None and state == u.state and (r.date or date.min) < (u.date or date.min):
            return
        u.state = state  # type: ignore[assignment]
        u.result = r
        u.date = r.date
        u.findings = list(findings)
        u.late = late or bool(state == "rejected" and u.deadline and r.date and r.date > u.deadline)

    def roster_units(self) -> list[UnitStatus]:
        order: dict[Level | None, int] = {}
        for u in self.roster.units:
            order.setdefault(u.level, len(order))
        listed = list(self.units.values())
        return sorted(listed, key=lambda u: order[u.level])  # stable: roster order inside each level

    def unlisted(self) -> list[UnitStatus]:
        return list(self.others.values())


def remember(store: History, paths: list[Path], report: StatusReport, later: set[Path], now: datetime,
             digests: dict[Path, str] | None = None) -> SinceLast | None:
    """Record this run, and say what changed since the last one over the same folder (a file's
    content hash from digests when the cache has worked it out, else from its bytes)."""
    from .batch.cache import content_key

    key = folder_key(paths, str(report.period))
    seen: dict[str, tuple[str, str | None]] = {}
    shown: dict[str, Path] = {}
    for u in (*report.units, *report.unlisted):
        for p in u.files:
            if p in later:
                continue
            try:
                digest = (digests or {}).get(p) or content_key(p.read_bytes())
                where = str(p.resolve())
            except OSError:
                continue
            seen[where] = (digest, u.unit)
            shown[where] = p
    states = {u.unit: u.state for u in report.units if u.unit}
    last = store.last(key, report.today)
    store.record(key, Run(now, report.today, seen, states))
    if last is None:
        return None
    before_units = {unit for _, unit in last.files.values() if unit}
    new = [NewFile(unit, shown[p], unit in before_units)
           for p, (digest, unit) in seen.items() if last.files.get(p, (None, None))[0] != digest]
    changed = [(u, last.states[u], s) for u, s in states.items() if u in last.states and last.states[u] != s]
    return SinceLast(last.at, last.today, new, changed)


__all__ = ["AggregateError", "status", "unit_by_name", "period_of_day"]

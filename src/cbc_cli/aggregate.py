"""`cbc aggregate`: a folder of returns -> who counts, and the summary one level up.

Each file is read and judged as `cbc validate` does (in worker processes). Then:
- returns with errors, and files that cannot be read, are rejected with their reason;
- a unit with several returns counts only its latest (填报日期, then file time): the rest
  are replaced;
- returns dated after their level's deadline count, and are late;
- returns from units not in the roster count and are unlisted (or are rejected with
  strict_roster);
- roster units with no counted return are missing.
The sums follow the edition's aggregation table for the level of the adding body. Money is
added as Decimal, never as float.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from .batch.find import Found, find_workbooks, scan
from .batch.run import Progress, read_returns
from .judge.ladder import validate_file
from .judge.rules import compare_with_earlier
from .model.config import Roster, Unit, default_roster
from .model.edition import Edition, Level, get_edition
from .model.findings import Issue, finding, reason
from .model.limits import DEFAULT_ISOLATION, Isolation
from .model.period import Period
from .model.config import normalize_unit
from .model.results import Counted, Earlier, FileResult, Own, Rejected, Replaced, Skipped, Summary


class AggregateError(Exception):
    """The aggregation cannot go on as asked (e.g. the period cannot be told)."""


# --- who counts ---------------------------------------------------------------------------

def infer_period(results: Iterable[FileResult]) -> Period | None:
    votes: Counter[str] = Counter()
    for r in results:
        if not r.readable:
            continue
        if r.period:
            votes[r.period] += 2
        elif r.date:
            votes[str(Period.of_date(r.date))] += 1
    if not votes:
        return None
    return Period.parse(votes.most_common(1)[0][0])


def _period_mismatch(r: FileResult, period: Period) -> str | None:
    if r.period and r.period != str(period):
        return reason("other-period", other=Period.parse(r.period).label, period=period.label)
    if r.date and not r.period and not period.admits(r.date):
        return reason("other-period", "date", date=r.date.isoformat(), period=period.label)
    return None


def decide(results: list[FileResult], *, roster: Roster, period: Period,
           strict_roster: bool = False) -> tuple[list[Counted], list[Replaced], list[Rejected], list[Unit]]:
    rejected: list[Rejected] = []
    candidates: dict[str, list[FileResult]] = {}
    for r in results:
        if not r.valid:
            rejected.append(Rejected(r, r.reason or reason("reader-crashed")))
            continue
        if r.unit == roster.city.name and r.listed:
            rejected.append(Rejected(r, reason("own-return", city=roster.city.name)))
            continue
        mismatch = _period_mismatch(r, period)
        if mismatch:
            rejected.append(Rejected(r, mismatch))
            continue
        if strict_roster and not r.listed:
            rejected.append(Rejected(r, reason("not-in-roster", unit=r.unit)))
            continue
        candidates.setdefault(r.unit or "?", []).append(r)
    counted: list[Counted] = []
    replaced: list[Replaced] = []
    for rs in candidates.values():
        if len(rs) > 1:
            rs.sort(key=lambda x: (x.date or date.min, x.mtime, str(x.path)), reverse=True)
        latest = rs[0]
        replaced.extend(Replaced(r, latest) for r in rs[1:])
        deadline = roster.deadline(latest.level or "county", period)
        late = bool(deadline and latest.date and latest.date > deadline)
        counted.append(Counted(latest, late, deadline))
    names = {c.unit for c in counted}
    missing = [u for u in roster.units if u.name not in names]
    order = {u.name: i for i, u in enumerate(roster.units)}
    counted.sort(key=lambda c: (order.get(c.unit, len(order)), c.unit))
    return counted, replaced, rejected, missing


# --- the sums -------------------------------------------------------------------------------

def add_up(ed: Edition, level: Level, counted: Sequence[Counted], roster: Roster, own: Own) -> tuple[dict[str, int | Decimal | None], list[Issue]]:
    method = ed.stats.aggregation.get(level)
    if method is None:
        raise AggregateError(f"表样没有规定{level}级的汇总方法。")
    fields = ed.stats.by_code
    totals: dict[str, int | Decimal | None] = {f.code: None for f in ed.stats.fields}
    issues: list[Issue] = []

    def summed(code: str) -> int | Decimal:
        total: int | Decimal = Decimal(0) if fields[code].is_money else 0
        for c in counted:
            v = c.result.values.get(code)
            if v is not None:
                total += v
        return total

    for code in method.sum:
        totals[code] = summed(code)
    missing_own: list[str] = []
    for code in (*method.sum_own, *method.own):
        own_v = own.values.get(code)
        if own_v is None:
            missing_own.append(code)
        totals[code] = summed(code) + (own_v or 0) if code in method.sum_own else own_v
    for code in method.roster_count:
        totals[code] = len(roster.federations)
    if method.count_funded:
        cf = method.count_funded
        totals[cf.field] = sum(1 for c in counted if any((c.result.values.get(k) or 0) > 0 for k in cf.when_positive))
    for code, v in list(totals.items()):
        if v is not None and fields[code].kind == "count":
            totals[code] = int(v)
    if missing_own:
        labels = "、".join(fields[c].label for c in missing_own)
        issues.append(finding("own-figures-missing", city=roster.city.name, labels=labels))
    return totals, issues


def own_figures(ed: Edition, level: Level, roster: Roster, own_file: Path | None = None) -> tuple[Own, list[Issue]]:
    """The adding body's own figures: from --own (its own filled 统计表), else cbc.toml [own]."""
    method = ed.stats.aggregation.get(level)
    codes = [*method.sum_own, *method.own] if method else []
    fields = ed.stats.by_code
    if own_file is not None:
        r = validate_file(own_file, roster=roster, edition=ed, level=level)
        if not r.readable:
            raise AggregateError(f"--own 文件无法读取：{r.reason}")
        values: dict[str, Decimal | int | None] = {}
        for code in codes:
            values[code] = r.values.get(code)
        issues = [i for i in r.issues if i.field in codes and i.severity == "error"]
        return Own(values, f"本级统计表 {own_file.name}", r), issues
    values = {}
    for code in codes:
        v = roster.own.get(code)
        if v is not None:
            values[code] = v if fields[code].is_money else int(v)
    unknown = sorted(set(roster.own) - set(fields))
    issues = []
    if unknown:
        issues.append(finding("own-unknown-field", fields="、".join(unknown)))
    return Own(values, "cbc.toml [own]" if values else ""), issues


def aggregate(paths: Iterable[str | Path], *, recursive: bool = False, roster: Roster | None = None,
              period: Period | None = None, own_file: Path | None = None, strict_roster: bool = False,
              edition: str | Edition | None = None, level: Level | None = None, jobs: int | None = None,
              progress: Progress | None = None, isolation: Isolation | None = DEFAULT_ISOLATION,
              cache: bool = False, previous: Iterable[str | Path] | None = None, found: Found | None = None,
              while_reading: Callable[[], None] | None = None) -> Summary:
    """Read a folder of returns and add them up. Raises AggregateError only when it cannot go on.

    previous: the same year's June (H1) returns (files or folders); each November return is then
    held against its unit's June one. found: what scan(paths, recursive) gave, when the caller has
    scanned already. while_reading: work of the caller's own, done once while the workers read
    (the caller's next step made ready: its imports)."""
    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    roster = roster if roster is not None else default_roster()
    isolation = roster.isolation() if isolation is DEFAULT_ISOLATION else isolation
    found = found if found is not None else scan(paths, recursive)
    files = found.files
    if own_file is not None:
        own_resolved = Path(own_file).resolve()
        files = [f for f in files if f.resolve() != own_resolved]
    read = read_returns(files, roster=roster, edition=ed, level=level, jobs=jobs, progress=progress,
                        isolation=isolation, cache=cache, while_reading=while_reading)
    skipped = [r for r in read if r.form == "selfcheck"]  # a self-check beside the returns is not a return
    results = [r for r in read if r.form != "selfcheck"]
    if period is None:
        period = infer_period(results)
        if period is None:
            raise AggregateError("无法从报表推断报送期（没有可读的报表或都没有填报日期），请用 --period 指定，如 --period 2020H1。")
    counted, replaced, rejected, missing = decide(results, roster=roster, period=period, strict_roster=strict_roster)
    earlier: Earlier | None = None
    earlier_issues: list[Issue] = []
    if previous is not None:
        earlier, earlier_issues = compare_with_first_half(
            counted, list(find_workbooks(previous, recursive)), period=period, roster=roster, edition=ed,
            level=level, strict_roster=strict_roster, jobs=jobs, isolation=isolation, cache=cache)
    summary_level: Level = roster.city.level
    own, own_issues = own_figures(ed, summary_level, roster, Path(own_file) if own_file else None)
    totals, sum_issues = add_up(ed, summary_level, counted, roster, own)
    return Summary(ed, roster, period, summary_level, results, counted, replaced, rejected, missing, own, totals,
                   own_issues + sum_issues + earlier_issues, skipped, earlier, found.skipped,
                   received_as(found.skipped, missing, roster), named_by_file(rejected, missing, roster))


def name_matcher(missing: list[Unit], roster: Roster) -> Callable[[str], str | None]:
    """The missing unit a file's name names: by the roster's matching, else the longest of the
    missing units' names and aliases that the name contains."""
    names = sorted(((normalize_unit(n), u.name) for u in missing for n in (u.name, *u.aliases)),
                   key=lambda x: -len(x[0]))

    def named(stem: str) -> str | None:
        unit = roster.match(stem)
        if unit is not None and unit in missing:
            return unit.name
        key = normalize_unit(stem)
        return next((n for k, n in names if k and k in key), None)

    return named


def named_by_file(rejected: list[Rejected], missing: list[Unit], roster: Roster) -> dict[str, str]:
    """Rejected returns in which no unit could be read, by the missing unit their file's name names
    (as cbc status does), so that unit shows as 退回 — it did report — not as 未报."""
    named = name_matcher(missing, roster)
    out: dict[str, str] = {}
    for r in rejected:
        if not r.result.unit:
            name = named(r.result.path.stem)
            if name is not None:
                out[str(r.result.path)] = name
    return out


def received_as(skipped: list[Skipped], missing: list[Unit], roster: Roster) -> dict[str, Skipped]:
    """Missing units whose return came as a file cbc does not read (a PDF, a photo, a .csv):
    the file whose name names the unit (its roster name or an alias, the longest that fits)."""
    named = name_matcher(missing, roster)
    out: dict[str, Skipped] = {}
    for s in skipped:
        if s.quiet or s.code != "not-excel":
            continue
        name = named(s.path.stem)
        if name is not None and name not in out:
            out[name] = s
    return out


def compare_with_first_half(counted: list[Counted], files: list[Path], *, period: Period, roster: Roster,
                            edition: Edition, level: Level | None = None, strict_roster: bool = False,
                            jobs: int | None = None, isolation: Isolation | None = DEFAULT_ISOLATION,
                            cache: bool = False) -> tuple[Earlier, list[Issue]]:
    """Hold each counted November (H2) return against the same unit's June (H1) return of the
    same year; what went down becomes a warning on the November return."""
    if period.half != "H2":
        raise AggregateError(f"--previous 用于下半年（11月）汇总时对照同年上半年的报表；{period.label}没有可对照的上半年。")
    first = Period(year=period.year, half="H1")
    before = first_half_returns(files, period.year, roster=roster, edition=edition, level=level,
                                strict_roster=strict_roster, jobs=jobs, isolation=isolation, cache=cache)
    compared, lower = hold_against(before, [c.result for c in counted], edition, first)
    issues: list[Issue] = []
    if not before:
        issues.append(finding("first-half-not-found", files=len(files), period=first.label))
    return Earlier(first, len(files), compared, lower), issues


def first_half_returns(files: list[Path], year: int, *, roster: Roster, edition: Edition, level: Level | None = None,
                       strict_roster: bool = False, jobs: int | None = None,
                       isolation: Isolation | None = DEFAULT_ISOLATION, cache: bool = False) -> dict[str, FileResult]:
    """Each unit's June (H1) return of the year, decided as for any period (its latest valid
    return); their own findings are not reported again."""
    read = read_returns(files, roster=roster, edition=edition, level=level, jobs=jobs, isolation=isolation,
                        cache=cache)
    counted, *_ = decide([r for r in read if r.form != "selfcheck"], roster=roster,
                         period=Period(year=year, half="H1"), strict_roster=strict_roster)
    return {c.unit: c.result for c in counted}


def hold_against(before: dict[str, FileResult], results: Iterable[FileResult], edition: Edition,
                 first: Period) -> tuple[list[str], list[str]]:
    """Add a warning to each November return with a figure below its unit's June one; the units
    compared, and those of them with such a figure."""
    compared: list[str] = []
    lower: list[str] = []
    for r in results:
        earlier = before.get(r.unit or "")
        if earlier is None:
            continue
        compared.append(r.unit or "")
        found = compare_with_earlier(edition, r.values, earlier.values, r.level or "county", r.cells,
                                     f"{first.label}报表（{earlier.path.name}）")
        if found:
            r.issues.extend(found)
            lower.append(r.unit or "")
    return compared, lower

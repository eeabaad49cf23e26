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
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, Literal

from .checks import compare_with_earlier
from .findings import Issue
from .forms import Edition, Level, get_edition
from .roster import Period, Roster, Unit, default_roster
from .pool import DEFAULT_ISOLATION, Isolation, run_isolated
from .validate import FileResult, find_workbooks, json_number, unreadable_result, validate_file

Status = Literal["counted", "late", "replaced", "rejected", "unlisted"]
Progress = Callable[[int, int], None]


class AggregateError(Exception):
    """The aggregation cannot go on as asked (e.g. the period cannot be told)."""


@dataclass
class Counted:
    result: FileResult
    late: bool = False
    deadline: date | None = None

    @property
    def unit(self) -> str:
        return self.result.unit or "?"


@dataclass
class Rejected:
    result: FileResult
    reason: str


@dataclass
class Replaced:
    result: FileResult
    by: FileResult


@dataclass
class Own:
    """The adding body's own figures and where they came from."""

    values: dict[str, Decimal | int | None] = field(default_factory=dict)
    source: str = ""
    result: FileResult | None = None


@dataclass
class Earlier:
    """The earlier half-year's returns a November aggregation was compared with."""

    period: Period
    files: int                           # returns read for it
    compared: list[str]                  # units with a counted return in both half-years
    lower: list[str]                     # of those, units with a figure below the earlier one

    def note(self) -> str:
        found = (f"其中 {len(self.lower)} 个单位有栏目少于上半年（{'、'.join(self.lower[:5])}"
                 f"{'等' if len(self.lower) > 5 else ''}），详见汇总工作簿的“问题”表" if self.lower else "未发现少于上半年的栏目")
        return f"已与{self.period.label}报表对照：{len(self.compared)} 个单位，{found}。"


@dataclass
class Summary:
    edition: Edition
    roster: Roster
    period: Period
    level: Level                         # the level of the summary (the adding body)
    results: list[FileResult]
    counted: list[Counted]
    replaced: list[Replaced]
    rejected: list[Rejected]
    missing: list[Unit]
    own: Own
    totals: dict[str, int | Decimal | None]
    issues: list[Issue]                  # findings about the aggregation itself
    skipped: list[FileResult] = field(default_factory=list)   # self-checks (附件2) in the folder: not returns
    earlier: Earlier | None = None       # the first half-year the returns were held against (--previous)

    @property
    def late(self) -> list[Counted]:
        return [c for c in self.counted if c.late]

    @property
    def unlisted(self) -> list[Counted]:
        return [c for c in self.counted if not c.result.listed]

    @property
    def complete(self) -> bool:
        """Every return counted and nobody missing (the exit code's question)."""
        return not self.rejected and not self.missing

    def indicators(self, values: dict[str, Any] | None = None) -> dict[str, float | None]:
        v = self.totals if values is None else values
        out: dict[str, float | None] = {}
        for ind in self.edition.stats.indicators:
            num, den = v.get(ind.numerator), v.get(ind.denominator)
            if num is None or not den:
                out[ind.code] = None
            elif type(num) is int and type(den) is int:  # counts: int / int is already exact to the last bit
                out[ind.code] = round(num / den, 4)
            else:
                out[ind.code] = round(float(Decimal(num) / Decimal(den)), 4)
        return out

    def status_rows(self) -> list[dict[str, Any]]:
        """One row per roster unit (and per unlisted or unattributed return): the 报送情况 sheet."""
        rows: list[dict[str, Any]] = []
        by_unit: dict[str, list[tuple[str, FileResult, str]]] = {}
        for c in self.counted:
            by_unit.setdefault(c.unit, []).append(("late" if c.late else ("unlisted" if not c.result.listed else "counted"),
                                                   c.result, _deadline_note(c)))
        for r in self.replaced:
            by_unit.setdefault(r.result.unit or "?", []).append(("replaced", r.result, f"已由 {r.by.path.name} 替代"))
        loose: list[tuple[str, FileResult, str]] = []
        for r in self.rejected:
            if r.result.unit:
                by_unit.setdefault(r.result.unit, []).append(("rejected", r.result, r.reason))
            else:
                loose.append(("rejected", r.result, r.reason))
        counted_units = {c.unit for c in self.counted}
        for unit, entries in by_unit.items():  # a unit whose every return was sent back counts as missing too
            if unit not in counted_units:
                by_unit[unit] = [(s, res, f"未计入，需重报：{note}" if s == "rejected" else note) for s, res, note in entries]
        order = [u.name for u in self.roster.units]
        listed = set(order)
        order += sorted(u for u in by_unit if u not in listed)
        for unit in order:
            entries = by_unit.get(unit)
            if not entries:
                rows.append({"unit": unit, "status": "missing", "date": None, "deadline": self.deadline_for(unit),
                             "path": None, "errors": 0, "warnings": 0, "note": "未报送"})
                continue
            for status, res, note in sorted(entries, key=lambda e: _STATUS_ORDER[e[0]]):
                rows.append({"unit": unit, "status": status, "date": res.date, "deadline": self.deadline_for(unit),
                             "path": res.path, "errors": len(res.errors), "warnings": len(res.warnings), "note": note})
        for status, res, note in loose:
            rows.append({"unit": res.unit_written or "（无法识别）", "status": status, "date": res.date, "deadline": None,
                         "path": res.path, "errors": len(res.errors), "warnings": len(res.warnings), "note": note})
        return rows

    def deadline_for(self, unit: str) -> date | None:
        u = self.roster.unit_named(unit)
        return self.roster.deadline(u.level if u else "county", self.period)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "period": str(self.period),
            "totals": {k: json_number(v) for k, v in self.totals.items()},
            "indicators": self.indicators(),
            "counted": [{"unit": c.unit, "path": str(c.result.path), "date": _iso(c.result.date)} for c in self.counted],
            "replaced": [{"unit": r.result.unit, "path": str(r.result.path)} for r in self.replaced],
            "late": [{"unit": c.unit, "path": str(c.result.path), "date": _iso(c.result.date),
                      "deadline": _iso(c.deadline)} for c in self.late],
            "missing": [u.name for u in self.missing],
            "unlisted": [{"unit": c.unit, "path": str(c.result.path)} for c in self.unlisted],
            "rejected": [{"path": str(r.result.path), "unit": r.result.unit, "reason": r.reason} for r in self.rejected],
            "skipped": [{"path": str(r.path), "reason": r.reason} for r in self.skipped],
            "earlier": None if self.earlier is None else {
                "period": str(self.earlier.period), "files": self.earlier.files,
                "compared": self.earlier.compared, "lower": self.earlier.lower},
            "issues": [dict(i.as_json(), path=str(res.path), unit=res.unit)
                       for res in self.results for i in res.issues]
                      + [dict(i.as_json(), path=None, unit=None) for i in self.issues],
        }


_STATUS_ORDER = {"counted": 0, "late": 0, "unlisted": 0, "replaced": 1, "rejected": 2}
STATUS_NAMES = {"counted": "已计入", "late": "迟报（已计入）", "unlisted": "名册外（已计入）", "replaced": "被替换",
                "rejected": "退回", "missing": "未报"}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _deadline_note(c: Counted) -> str:
    if c.late and c.deadline and c.result.date:
        return f"迟报 {(c.result.date - c.deadline).days} 天（截止 {c.deadline.isoformat()}）"
    if not c.result.listed:
        return "单位不在名册中"
    return ""


# --- reading many files ------------------------------------------------------------------

def read_all(paths: Sequence[Path], *, roster: Roster, edition: Edition, level: Level | None = None,
             jobs: int | None = None, progress: Progress | None = None,
             isolation: Isolation | None = DEFAULT_ISOLATION, cache: bool = False) -> list[FileResult]:
    """validate_file over many files, each in an isolated worker (isolation=None: in this
    process, for trusted files only); results in input order.

    With cache, files whose bytes were judged before in the same context are not read again."""
    limits = (isolation or DEFAULT_ISOLATION).limits
    task = partial(validate_file, roster=roster, edition=edition, level=level, limits=limits)
    paths = list(paths)
    results: list[FileResult | None] = [None] * len(paths)
    store = None
    keys: list[str | None] = [None] * len(paths)
    if cache:
        from .cache import ResultCache, content_key, context_key, load

        store = ResultCache(context_key(edition, roster, level, isolation or DEFAULT_ISOLATION))
        mtimes: list[float] = [0.0] * len(paths)
        for i, p in enumerate(paths):
            try:
                st = p.stat()
                if 0 < st.st_size <= limits.max_bytes:
                    keys[i] = content_key(p.read_bytes())
                    mtimes[i] = st.st_mtime
            except OSError:
                pass
        hits = store.get_many(k for k in keys if k)
        for i, k in enumerate(keys):
            if k in hits:
                results[i] = load(hits[k], paths[i], mtimes[i])
    todo = [i for i, r in enumerate(results) if r is None]
    done_before = len(paths) - len(todo)
    step = (lambda n, total: progress(done_before + n, len(paths))) if progress else None
    todo_paths = [paths[i] for i in todo]
    if isolation is None:
        fresh = []
        for n, p in enumerate(todo_paths, 1):
            fresh.append(task(p))
            if step:
                step(n, len(todo_paths))
    else:
        fresh = run_isolated(task, todo_paths, on_failure=unreadable_result, jobs=jobs, isolation=isolation,
                             progress=step)
    for i, r in zip(todo, fresh):
        results[i] = r
    if store is not None:
        store.put_many((keys[i], results[i]) for i in todo if keys[i])  # type: ignore[misc]
        store.close()
    return results  # type: ignore[return-value]


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
        return f"这是 {Period.parse(r.period).label} 的报表（表内标识），不属于 {period.label}。"
    if r.date and not r.period and not period.admits(r.date):
        return f"填报日期 {r.date.isoformat()} 不在 {period.label} 内（也不是期末后三个月内的迟报），请核对是否报错了期。"
    return None


def decide(results: list[FileResult], *, roster: Roster, period: Period,
           strict_roster: bool = False) -> tuple[list[Counted], list[Replaced], list[Rejected], list[Unit]]:
    rejected: list[Rejected] = []
    candidates: dict[str, list[FileResult]] = {}
    for r in results:
        if not r.valid:
            rejected.append(Rejected(r, r.reason or "无法读取"))
            continue
        if r.unit == roster.city.name and r.listed:
            rejected.append(Rejected(r, f"这是{roster.city.name}自己的报表（汇总表），不计入；本级数据请用 --own 或 cbc.toml 提供。"))
            continue
        mismatch = _period_mismatch(r, period)
        if mismatch:
            rejected.append(Rejected(r, mismatch))
            continue
        if strict_roster and not r.listed:
            rejected.append(Rejected(r, f"单位“{r.unit}”不在名册中（--strict-roster）。"))
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
        issues.append(Issue("warning", "own-figures-missing",
                            f"没有提供本级（{roster.city.name}）自己的数据：{labels}。"
                            "请在 cbc.toml 的 [own] 中填写，或用 --own 指定本级填好的统计表；"
                            "“本级+下级”的栏目暂按下级合计。"))
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
        issues.append(Issue("warning", "own-unknown-field", f"cbc.toml 的 [own] 中有未知栏目：{'、'.join(unknown)}（已忽略）。"))
    return Own(values, "cbc.toml [own]" if values else ""), issues


def aggregate(paths: Iterable[str | Path], *, recursive: bool = False, roster: Roster | None = None,
              period: Period | None = None, own_file: Path | None = None, strict_roster: bool = False,
              edition: str | Edition | None = None, level: Level | None = None, jobs: int | None = None,
              progress: Progress | None = None, isolation: Isolation | None = DEFAULT_ISOLATION,
              cache: bool = False, previous: Iterable[str | Path] | None = None) -> Summary:
    """Read a folder of returns and add them up. Raises AggregateError only when it cannot go on.

    previous: the same year's June (H1) returns (files or folders); each November return is then
    held against its unit's June one."""
    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    roster = roster if roster is not None else default_roster()
    isolation = roster.isolation() if isolation is DEFAULT_ISOLATION else isolation
    files = list(find_workbooks(paths, recursive))
    if own_file is not None:
        own_resolved = Path(own_file).resolve()
        files = [f for f in files if f.resolve() != own_resolved]
    read = read_all(files, roster=roster, edition=ed, level=level, jobs=jobs, progress=progress,
                    isolation=isolation, cache=cache)
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
                   own_issues + sum_issues + earlier_issues, skipped, earlier)


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
        issues.append(Issue("warning", "first-half-not-found",
                            f"--previous 给出的 {len(files)} 个文件中没有可计入的{first.label}报表，未能对照。"
                            "请给出各单位上半年报来的统计表（或它们所在的文件夹），汇总表不能用于对照。"))
    return Earlier(first, len(files), compared, lower), issues


def first_half_returns(files: list[Path], year: int, *, roster: Roster, edition: Edition, level: Level | None = None,
                       strict_roster: bool = False, jobs: int | None = None,
                       isolation: Isolation | None = DEFAULT_ISOLATION, cache: bool = False) -> dict[str, FileResult]:
    """Each unit's June (H1) return of the year, decided as for any period (its latest valid
    return); their own findings are not reported again."""
    read = read_all(files, roster=roster, edition=edition, level=level, jobs=jobs, isolation=isolation, cache=cache)
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

"""`cbc assess`: the year-end assessment — who reported on time, who had to redo, how each unit did.

Both half-years' folders are decided exactly as `cbc aggregate` decides them (who counts, who is
late, replaced, rejected, missing); per roster unit this adds how many returns it sent in each
half and whether its first one was valid. The November (H2) return gives the year's indicators
(its counts run over the whole year); `cbc score` gives the enterprise unions' self-check totals.
A composite score and rank exist only where cbc.toml sets weights under [assess].
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .aggregate import AggregateError, _period_mismatch, aggregate, hold_against
from .batch.run import Progress
from .model.assess import AssessConfig, Assessment, HalfFacts, UnitFacts, rank_units, score_units
from .model.config import Roster, default_roster
from .model.edition import LEVELS, Edition, get_edition
from .model.limits import DEFAULT_ISOLATION, Isolation
from .model.period import Period
from .model.results import FileResult, Summary
from .scoring import score_paths


class AssessError(AggregateError):
    """The assessment cannot be made as asked."""


class LedgersNotWired(AssessError):
    """--ledgers was given, but reading hazard ledgers is not connected to the assessment yet."""


@dataclass
class LedgerFacts:
    """What a unit's hazard ledgers (隐患台账) say for the year."""

    found: int | None
    fixed: int | None
    award_candidates: list[str]


def ledger_facts(paths: list[Path], year: int, *, roster: Roster, edition: Edition) -> dict[str, LedgerFacts]:
    """Per roster unit, hazards found and fixed and award candidates from its ledgers.

    To be filled at merge with `cbc ledger`'s library function (read_ledgers(paths, period,
    edition, config): per ledger found/fixed and award candidates), summed per unit over the
    year. Until then it refuses, so no number is ever invented."""
    raise LedgersNotWired("本版本的 cbc assess 还不能读取隐患台账（--ledgers）：请先不加 --ledgers 运行，"
                          "或用 cbc ledger 单独查看台账。")


def assess(h1: Iterable[str | Path], h2: Iterable[str | Path], *, year: int | None = None,
           selfchecks: Iterable[str | Path] | None = None, ledgers: Iterable[str | Path] | None = None,
           roster: Roster | None = None, config: AssessConfig | None = None, edition: str | Edition | None = None,
           recursive: bool = False, jobs: int | None = None, progress: Progress | None = None,
           isolation: Isolation | None = DEFAULT_ISOLATION, cache: bool = False) -> Assessment:
    """The year's facts for every roster unit (and, with weights, its score and rank).
    Raises AssessError when it cannot be made (LedgersNotWired for ledgers, for now)."""
    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    roster = roster if roster is not None else default_roster()
    config = config or AssessConfig()
    ledger_paths = [Path(p) for p in ledgers] if ledgers is not None else None
    common = dict(recursive=recursive, roster=roster, edition=ed, jobs=jobs, progress=progress,
                  isolation=isolation, cache=cache)
    try:
        first = aggregate(list(h1), period=Period(year=year, half="H1") if year else None, **common)  # type: ignore[arg-type]
    except AggregateError as exc:
        raise AssessError(f"上半年（--h1）：{exc}".replace("--period 指定，如 --period 2020H1", "--year 指定年份，如 --year 2020")) from None
    year = first.period.year
    if first.period.half != "H1":  # mostly November returns: one folder for the year, or the folders swapped
        first = aggregate(list(h1), period=Period(year=year, half="H1"), **common)  # type: ignore[arg-type]
        if not first.counted:
            raise AssessError(f"--h1 文件夹中的报表看来是{year}年下半年的；请检查 --h1 和 --h2 是否写反，"
                              f"或用 --year 指定年份。")
    second = aggregate(list(h2), period=Period(year=year, half="H2"), **common)  # type: ignore[arg-type]

    # hold each counted November return against its June one, as aggregate --previous does
    _, lower = hold_against({c.unit: c.result for c in first.counted}, [c.result for c in second.counted], ed,
                            first.period)
    units: list[UnitFacts] = []
    index1, index2 = HalfIndex(first), HalfIndex(second)
    lower_units = set(lower)
    for u in roster.units:
        halves = {"H1": half_facts(first, u.name, index1), "H2": half_facts(second, u.name, index2)}
        facts = UnitFacts(u.name, u.level, halves, below_first_half=u.name in lower_units)
        h2_counted = index2.counted.get(u.name)
        if h2_counted is not None:
            ind = second.indicators(h2_counted.result.values)
            facts.fix_rate, facts.training_coverage = ind.get("fix_rate"), ind.get("training_coverage")
        units.append(facts)

    result = Assessment(year, roster.city.name, units, config,
                        part_labels=part_labels(ed), selfcheck_max=ed.selfcheck.total_max,
                        files={"H1": len(first.results), "H2": len(second.results)},
                        unlisted={"H1": [c.unit for c in first.unlisted], "H2": [c.unit for c in second.unlisted]},
                        deadlines={lv: {"H1": roster.deadline(lv, first.period), "H2": roster.deadline(lv, second.period)}
                                   for lv in LEVELS if lv in roster.deadlines and any(u.level == lv for u in roster.units)})
    if selfchecks is not None:
        result.selfchecks_given = True
        attach_selfchecks(result, list(selfchecks), year=year, roster=roster, edition=ed, recursive=recursive,
                          jobs=jobs, isolation=isolation, cache=cache)
    if ledger_paths is not None:
        result.ledgers_given = True
        by_unit = ledger_facts(ledger_paths, year, roster=roster, edition=ed)
        for facts in units:
            found = by_unit.get(facts.unit)
            if found is not None:
                facts.hazards_found, facts.hazards_fixed = found.found, found.fixed
                facts.award_candidates = list(found.award_candidates)
    if config.weighted:
        score_units(units, config, result.selfcheck_max)
    result.units = ordered(units, weighted=config.weighted, roster=roster)
    return result


def part_labels(ed: Edition) -> dict[str, str]:
    from .model.assess import PARTS

    labels = dict(PARTS)
    for ind in ed.stats.indicators:
        if ind.code in labels:
            labels[ind.code] = ind.label
    return labels


def half_facts(summary: Summary, unit: str, index: HalfIndex | None = None) -> HalfFacts:
    """One unit's facts in one half, from the decision `cbc aggregate` made."""
    index = index or HalfIndex(summary)
    deadline = summary.deadline_for(unit)
    counted = index.counted.get(unit)
    accepted = index.replaced.get(unit, [])
    rejected = index.rejected.get(unit, [])
    sent: list[tuple[FileResult, bool]] = [(r, True) for r in accepted] + [(r, False) for r, _ in rejected]
    if counted is not None:
        sent.append((counted.result, True))
    if not sent:
        return HalfFacts("missing", deadline=deadline)
    first_valid = min(sent, key=lambda s: _sent_order(s[0]))[1]
    if counted is not None:
        res = counted.result
        days = (res.date - counted.deadline).days if counted.late and counted.deadline and res.date else 0
        return HalfFacts("late" if counted.late else "ok", res.date, deadline, days, len(sent), first_valid,
                         res.path.name)
    last, why = max(rejected, key=lambda s: _sent_order(s[0]))
    return HalfFacts("rejected", last.date, deadline, None, len(sent), first_valid, last.path.name, why)


class HalfIndex:
    """A half's decision by unit: its counted return, replaced returns, and returns sent back.
    A return of the other half-year lying in this folder (one folder for the whole year) was not
    sent for this half: it is neither counted as sent nor as sent back here."""

    def __init__(self, summary: Summary):
        self.counted = {c.unit: c for c in summary.counted}
        self.replaced: dict[str, list[FileResult]] = {}
        for r in summary.replaced:
            self.replaced.setdefault(r.result.unit or "", []).append(r.result)
        self.rejected: dict[str, list[tuple[FileResult, str]]] = {}
        for x in summary.rejected:
            if x.result.unit and _period_mismatch(x.result, summary.period) is None:
                self.rejected.setdefault(x.result.unit, []).append((x.result, x.reason))


def _sent_order(r: FileResult) -> tuple[date, float, str]:
    """When a return was sent: its 填报日期, then its file time (undated: the file time's day)."""
    day = r.date or (datetime.fromtimestamp(r.mtime).date() if r.mtime else date.max)
    return (day, r.mtime, str(r.path))


def attach_selfchecks(result: Assessment, paths: list[Path], *, year: int, roster: Roster, edition: Edition,
                      recursive: bool, jobs: int | None, isolation: Isolation | None, cache: bool) -> None:
    """Each enterprise union's self-check total (its latest valid self-check of the year)."""
    ranking = score_paths(paths, recursive=recursive, roster=roster, edition=edition, jobs=jobs,
                          isolation=isolation, cache=cache)
    enterprises = {u.unit: u for u in result.units if u.level == "enterprise"}
    best: dict[str, tuple[float, int, str]] = {}
    for r in ranking.results:
        if not r.valid:
            result.selfchecks_invalid.append(r.path.name)
            continue
        if r.period and not r.period.startswith(str(year)):
            continue
        if r.unit not in enterprises:
            result.selfchecks_unmatched.append(r.unit or r.unit_written or r.path.name)
            continue
        mtime = r.path.stat().st_mtime if r.path.exists() else 0.0
        if r.unit not in best or mtime >= best[r.unit][0]:
            best[r.unit] = (mtime, r.total or 0, r.path.name)
    for unit, (_, total, name) in best.items():
        enterprises[unit].selfcheck, enterprises[unit].selfcheck_file = total, name


def ordered(units: list[UnitFacts], *, weighted: bool, roster: Roster) -> list[UnitFacts]:
    """Grouped by level (county-level bodies first, then enterprise unions); within a level by
    rank where weighted, else by the facts; then in roster order."""
    level_order = {"city": 0, "county": 1, "enterprise": 2}
    out: list[UnitFacts] = []
    for level in sorted({u.level for u in units}, key=lambda lv: level_order[lv]):
        group = [u for u in units if u.level == level]  # roster order
        out += rank_units(group) if weighted else sorted(group, key=lambda u: u.facts_key())
    return out


__all__ = ["AssessError", "LedgerFacts", "LedgersNotWired", "assess", "half_facts", "ledger_facts"]

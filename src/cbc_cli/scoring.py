"""`cbc score`: a 自查表 checked against its rubric, and a batch ranked.

Each item's score is a whole number from 0 to the item's max. Where the form carries the
number of drills, item 4 follows from it. Totals and section subtotals are computed here,
never read from the sheet; a total written on the sheet that differs is a warning.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from functools import partial

from .findings import HasIssues, Issue, shown
from .forms import Edition, get_edition
from .roster import Roster, clean_unit, default_roster
from .pool import DEFAULT_ISOLATION, Isolation, run_isolated
from .validate import FileResult, find_workbooks, validate_file
from .values import parse_number, parse_score
from .workbook.guard import DEFAULT_LIMITS, Limits, Unreadable, guard
from .workbook.locate import FormNotFound, Located, locate_selfcheck, read_identity

ISSUE_KEYS = ("severity", "code", "item", "cell", "value", "message")


@dataclass
class ItemScore:
    item: int
    section: str
    score: int | None
    max: int
    cell: str | None = None


@dataclass
class ScoreResult(HasIssues):
    path: Path
    edition: str | None = None
    unit: str | None = None
    unit_written: str | None = None
    readable: bool = True
    by_identity: bool = False
    items: list[ItemScore] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    max: int = 0
    written_total: Any = None
    period: str | None = None
    raw: dict[int, Any] = field(default_factory=dict)

    @property
    def total(self) -> int | None:
        """The computed total; None unless every item has a valid score."""
        if not self.readable or any(i.score is None for i in self.items) or not self.items:
            return None
        return sum(i.score for i in self.items if i.score is not None)

    def sections(self) -> dict[str, dict[str, int | None]]:
        out: dict[str, dict[str, int | None]] = {}
        for i in self.items:
            s = out.setdefault(i.section, {"score": 0, "max": 0})
            s["max"] = (s["max"] or 0) + i.max
            s["score"] = None if s["score"] is None or i.score is None else s["score"] + i.score
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "unit": self.unit,
            "valid": self.valid,
            "total": self.total,
            "max": self.max,
            "items": [{"item": i.item, "section": i.section, "score": i.score, "max": i.max} for i in self.items],
            "sections": self.sections(),
            "issues": [i.as_json(ISSUE_KEYS) for i in self.issues],
        }


def _unreadable(path: Path, code: str, reason: str, ed: Edition) -> ScoreResult:
    return ScoreResult(path, ed.id, readable=False, max=ed.selfcheck.total_max,
                       issues=[Issue("error", code, f"无法读取：{reason}")])


def score_file(path: str | Path, *, roster: Roster | None = None, edition: str | Edition | None = None,
               limits: Limits = DEFAULT_LIMITS) -> ScoreResult:
    """Read and score one 自查表. Never raises for a bad file."""
    from .workbook.grid import read_book

    path = Path(path)
    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    roster = roster if roster is not None else default_roster()
    try:
        book = read_book(guard(path, limits))
        located = locate_selfcheck(book, ed)
        return judge_selfcheck(located, ed, roster=roster, path=path)
    except Unreadable as exc:
        return _unreadable(path, exc.code, exc.reason, ed)
    except FormNotFound:
        if read_identity(book).get("form") == "stats":
            why = f"这是{ed.stats.attachment}统计表，不是{ed.selfcheck.attachment}自查表。"
        else:
            why = f"在工作簿中找不到《{ed.selfcheck.title}》的自查项目（“1.” 至 “{len(ed.selfcheck.items)}.”）。"
        return _unreadable(path, "form-not-found", why, ed)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - a reader panic; see validate_file
        if os.environ.get("CBC_DEBUG"):
            raise
        return _unreadable(path, "reader-crashed", f"读取时出错（{type(exc).__name__}），文件可能已损坏。", ed)


def judge_selfcheck(located: Located, ed: Edition, *, roster: Roster, path: Path) -> ScoreResult:
    sc = ed.selfcheck
    res = ScoreResult(path, ed.id, by_identity=located.by_identity, max=sc.total_max,
                      period=located.identity.get("period") or None)
    written = clean_unit(shown(located.unit.raw)) if located.unit else None
    res.unit_written = written
    if written:
        match = roster.match(written)
        res.unit = match.name if match else written
    else:
        cell = located.unit.where if located.unit else None
        res.issues.append(Issue("error", "unit-missing",
                                f"{cell or sc.sheet}：没有填写企业工会名称，请填写全称。", cell=cell))
    drills: int | None = None
    if located.drills is not None and located.drills.raw not in (None, ""):
        p = parse_number(located.drills.raw, label=sc.item(4).drills_label or "演练次数", unit="次", money=False)
        if p.ok:
            drills = p.value
        else:
            res.issues.append(Issue("error", p.code or "not-a-number", f"{located.drills.where}：{p.message}",
                                    cell=located.drills.where, value=shown(located.drills.raw)))
    for item in sc.items:
        rc = located.items.get(item.no)
        if rc is None:
            res.items.append(ItemScore(item.no, item.section, None, item.max))
            res.issues.append(Issue("error", "item-not-found",
                                    f"表中找不到第{item.no}项（{item.text[:16]}…），请按{sc.attachment}的表样补上并打分。",
                                    item=item.no))
            continue
        p = parse_score(rc.raw, item=item.no, maximum=item.max)
        score = p.value if p.ok else None
        if not p.ok:
            res.raw[item.no] = rc.raw
            res.issues.append(Issue("error", p.code or "score-out-of-range", f"{rc.where}：{p.message}",
                                    cell=rc.where, value=shown(rc.raw), item=item.no))
        if item.drills and drills is not None:
            derived = item.points_for_drills(drills)
            if p.ok and score is not None and score != derived:
                res.issues.append(Issue("warning", "drills-mismatch",
                                        f"{rc.where}：第{item.no}项填了 {score} 分，但应急演练 {drills} 次应得 {derived} 分，"
                                        f"已按 {derived} 分计。", cell=rc.where, value=shown(rc.raw), item=item.no))
            if p.ok or rc.raw in (None, ""):
                score = derived
        elif p.ok and score is None:
            res.issues.append(Issue("error", "score-missing",
                                    f"{rc.where}：第{item.no}项没有打分。请填写0至{item.max}的整数（没有做到填0）。",
                                    cell=rc.where, item=item.no))
        res.items.append(ItemScore(item.no, item.section, score, item.max, rc.where))
    if located.total is not None and located.total.raw not in (None, ""):
        res.written_total = located.total.raw
        p = parse_number(located.total.raw, label="总得分", unit="分", money=True)
        total = res.total
        if p.ok and p.value is not None and total is not None and p.value != total:
            res.issues.append(Issue("warning", "total-mismatch",
                                    f"{located.total.where}：表上写的总得分是 {shown(located.total.raw)}，"
                                    f"各项得分之和是 {total}，以 {total} 分为准，请核对。",
                                    cell=located.total.where, value=shown(located.total.raw)))
    return res


# --- across the two forms -----------------------------------------------------------------

def cross_check(score: ScoreResult, stats: FileResult, ed: Edition) -> list[Issue]:
    """The edition's cross-form rules, for a unit's 自查表 and 统计表 judged together."""
    out: list[Issue] = []
    scores = {i.item: i for i in score.items}
    fields = ed.stats.by_code
    for rule in ed.crossform:
        item = scores.get(rule.item)
        value = stats.values.get(rule.field)
        if rule.check == "score_needs_positive" and item and item.score and value == 0:
            text = rule.message.format(score=item.score, field=fields[rule.field].label, value=value)
            out.append(Issue(rule.severity, rule.code,
                             f"{item.cell}：{text}（统计表：{stats.path.name}）" if item.cell else text,
                             cell=item.cell, value=str(item.score), item=rule.item))
    return out


@dataclass
class Ranking:
    results: list[ScoreResult]
    others: list[FileResult]             # 统计表 found among the paths, used for cross-form checks

    @property
    def ranked(self) -> list[tuple[int, ScoreResult]]:
        """Valid self-checks by total (ties share a rank, listed by unit name)."""
        valid = sorted((r for r in self.results if r.valid), key=lambda r: (-(r.total or 0), r.unit or ""))
        out: list[tuple[int, ScoreResult]] = []
        for n, r in enumerate(valid, 1):
            rank = out[-1][0] if out and out[-1][1].total == r.total else n
            out.append((rank, r))
        return out

    @property
    def invalid(self) -> list[ScoreResult]:
        return [r for r in self.results if not r.valid]

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "files": [r.to_json() for r in self.results]}


def score_or_stats(path: Path, *, roster: Roster, edition: Edition,
                   limits: Limits = DEFAULT_LIMITS) -> ScoreResult | FileResult:
    """A self-check's score; or, when the file is a 统计表, its validation (for cross-form checks)."""
    r = score_file(path, roster=roster, edition=edition, limits=limits)
    if not r.readable and r.issues and r.issues[0].code == "form-not-found":
        other = validate_file(path, roster=roster, edition=edition, limits=limits)
        if other.readable:
            return other
    return r


def score_paths(paths: list[str | Path], *, recursive: bool = False, roster: Roster | None = None,
                edition: str | Edition | None = None, jobs: int | None = None,
                isolation: Isolation | None = DEFAULT_ISOLATION) -> Ranking:
    """Score every self-check among the paths (each read in an isolated worker) and rank them."""
    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    roster = roster if roster is not None else default_roster()
    isolation = roster.isolation() if isolation is DEFAULT_ISOLATION else isolation
    files = list(find_workbooks(paths, recursive))
    task = partial(score_or_stats, roster=roster, edition=ed, limits=(isolation or DEFAULT_ISOLATION).limits)
    if isolation is None:
        read = [task(p) for p in files]
    else:
        read = run_isolated(task, files, jobs=jobs, isolation=isolation,
                            on_failure=lambda p, code, reason: _unreadable(p, code, reason, ed))
    results = [r for r in read if isinstance(r, ScoreResult)]
    stats = [r for r in read if isinstance(r, FileResult)]
    by_unit = {s.unit: s for s in sorted(stats, key=lambda s: (s.date is not None, s.date)) if s.unit}
    for r in results:
        if r.readable and r.unit in by_unit:
            r.issues.extend(cross_check(r, by_unit[r.unit], ed))
    return Ranking(results, stats)

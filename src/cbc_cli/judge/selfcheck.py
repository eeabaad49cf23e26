"""A located 自查表 -> scores checked against the rubric; and the checks across a unit's two forms.

Each item's score is a whole number from 0 to the item's max. Where the form carries the
number of drills, item 4 follows from it. Totals and section subtotals are computed, never
read from the sheet; a total written on the sheet that differs is a warning.
"""

from __future__ import annotations

from pathlib import Path

from ..model.config import Roster, clean_unit
from ..model.edition import Edition
from ..model.findings import Issue, finding, rule_finding, shown
from ..model.results import FileResult, ItemScore, ScoreResult
from ..read.locate import Located
from .values import parse_number, parse_score, vocabulary


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
        res.issues.append(finding("unit-missing", "selfcheck", cell=cell))
    drills: int | None = None
    vocab = vocabulary(ed)
    drill_item = next((i for i in sc.items if i.drills), None)
    if located.drills is not None and located.drills.raw not in (None, "") and drill_item is not None:
        p = parse_number(located.drills.raw, label=drill_item.drills_label or "", unit=drill_item.drills_unit or "",
                         money=False, vocab=vocab)
        if p.ok:
            drills = p.value
        else:
            res.issues.append(p.finding(cell=located.drills.where, value=located.drills.raw))
    for item in sc.items:
        rc = located.items.get(item.no)
        problem = located.item_problems.get(item.no)
        if problem is not None:  # the layout could not tell where its score is: never guess
            res.items.append(ItemScore(item.no, item.section, None, item.max))
            res.issues.append(problem)
            continue
        if rc is None:
            res.items.append(ItemScore(item.no, item.section, None, item.max))
            res.issues.append(finding("item-not-found", item=item.no, text=item.text[:16], attachment=sc.attachment))
            continue
        p = parse_score(rc.raw, item=item.no, maximum=item.max, unit=sc.score_unit, vocab=vocab)
        score = p.value if p.ok else None
        if not p.ok:
            res.raw[item.no] = rc.raw
            res.issues.append(p.finding(cell=rc.where, value=rc.raw, item=item.no))
        if item.drills and drills is not None:
            derived = item.points_for_drills(drills)
            if p.ok and score is not None and score != derived:
                res.issues.append(finding("drills-mismatch", cell=rc.where, value=rc.raw, item=item.no,
                                          score=score, drills=drills, derived=derived))
            if p.ok or rc.raw in (None, ""):
                score = derived
        elif p.ok and score is None:
            res.issues.append(finding("score-missing", cell=rc.where, item=item.no, max=item.max))
        res.items.append(ItemScore(item.no, item.section, score, item.max, rc.where))
    if located.total is not None and located.total.raw not in (None, ""):
        res.written_total = located.total.raw
        p = parse_number(located.total.raw, label=sc.total_label, unit=sc.score_unit, money=True, vocab=vocab)
        total = res.total
        if p.ok and p.value is not None and total is not None and p.value != total:
            res.issues.append(finding("total-mismatch", cell=located.total.where, value=located.total.raw,
                                      written=shown(located.total.raw), total=total))
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
            params = {"score": item.score, "field": fields[rule.field].label, "value": value}
            out.append(rule_finding(rule, params, cell=item.cell, value=item.score, item=rule.item,
                                    suffix=f"（{stats.path.name}）"))
    return out

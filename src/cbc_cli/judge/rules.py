"""The consistency rules of a form definition -> findings. Rules never open a file."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..model.edition import Edition, Rule, StatsField
from ..model.findings import Issue, rule_finding
from .values import fmt_number


def _positive(v: Any) -> bool:
    return v is not None and v > 0


def _violations(rule: Rule, values: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """(left, right) code pairs where the rule does not hold."""
    out: list[tuple[str, str | None]] = []
    if rule.check == "at_most":
        for code in rule.fields:
            v = values.get(code)
            if v is not None and rule.limit is not None and Decimal(v) > rule.limit:
                out.append((code, None))
        return out
    for left, right in rule.pairs:
        a, b = values.get(left), values.get(right)
        if rule.check == "not_above":
            broken = a is not None and b is not None and a > b
        elif rule.check == "needs":
            broken = _positive(a) and (b is None or b == 0)
        else:  # together
            broken = a is not None and b is not None and _positive(a) != _positive(b)
        if broken:
            out.append((left, right))
    return out


def apply_rules(ed: Edition, values: Mapping[str, Any], level: str, cells: Mapping[str, str]) -> list[Issue]:
    """Every rule of the edition that applies at this level, against the typed values."""
    fields: dict[str, StatsField] = ed.stats.by_code
    issues: list[Issue] = []
    for rule in ed.stats.rules:
        if level not in rule.levels or rule.check == "not_below_earlier":
            continue
        for left, right in _violations(rule, values):
            lf = fields[left]
            params = {"left": lf.label, "left_value": fmt_number(values.get(left)),
                      "right": fields[right].label if right else "",
                      "right_value": fmt_number(values.get(right)) if right else "",
                      "limit": fmt_number(rule.limit) if rule.limit is not None else ""}
            issues.append(rule_finding(rule, params, field=left, cell=cells.get(left),
                                       value=fmt_number(values.get(left))))
    return issues


def compare_with_earlier(ed: Edition, values: Mapping[str, Any], earlier: Mapping[str, Any], level: str,
                         cells: Mapping[str, str], earlier_name: str) -> list[Issue]:
    """The rules that hold a return against the same unit's return of the earlier half-year:
    a count kept for the whole year should not go down."""
    fields: dict[str, StatsField] = ed.stats.by_code
    issues: list[Issue] = []
    for rule in ed.stats.rules:
        if rule.check != "not_below_earlier" or level not in rule.levels:
            continue
        for code in rule.fields:
            now, before = values.get(code), earlier.get(code)
            if now is None or before is None or now >= before:
                continue
            params = {"left": fields[code].label, "left_value": fmt_number(now), "right": earlier_name,
                      "right_value": fmt_number(before), "limit": ""}
            issues.append(rule_finding(rule, params, field=code, cell=cells.get(code), value=fmt_number(now)))
    return issues

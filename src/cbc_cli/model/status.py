"""The deadline week as of one day: every roster unit's state, the headline, what changed since
the last run. Made by `cbc_cli.status.status`; `to_json` is the `cbc status --format json`
contract (README, "Exit codes and JSON").

States: ok (a return counts), rejected (a return came and must be redone), skipped (a file came
but is not a 统计表 cbc can read, e.g. a PDF), missing (nothing came). `late` marks a return
dated after its level's deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from .config import Roster
from .edition import Edition, Level
from .findings import Issue
from .period import Period
from .results import FileResult

State = Literal["ok", "rejected", "skipped", "missing"]
STATES: tuple[State, ...] = ("ok", "rejected", "skipped", "missing")
STATE_NAMES: dict[str, str] = {"ok": "已报", "rejected": "需重报", "skipped": "无法读取", "missing": "未报"}
FINDING_KEYS = ("severity", "code", "field", "cell", "message")


def day_text(d: date | None) -> str:
    """2020年6月1日"""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def days_text(days_left: int | None) -> str:
    """还有 3 天 / 今天截止 / 已过 2 天"""
    if days_left is None:
        return "无截止日期"
    if days_left > 0:
        return f"还有 {days_left} 天"
    if days_left == 0:
        return "今天截止"
    return f"已过 {-days_left} 天"


@dataclass
class UnitStatus:
    """One unit as of the day."""

    unit: str | None                       # the roster name; as written for an unlisted return; None: unknown
    level: Level | None
    state: State
    deadline: date | None
    days_left: int | None                  # deadline - today, negative once it has passed
    late: bool = False
    date: date | None = None               # the 填报日期 of the return that decides the state
    files: list[Path] = field(default_factory=list)
    findings: list[Issue] = field(default_factory=list)
    result: FileResult | None = None       # the return that decides the state (for the annotated copy)
    message: Path | None = None            # the message written for it (--messages)
    listed: bool = True

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.findings if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.findings if i.severity == "warning"]

    @property
    def outstanding(self) -> bool:
        return self.state != "ok"

    @property
    def action(self) -> str | None:
        """Which message the unit needs: 催报 (nothing usable came), 退回 (a return must be
        redone), 提醒 (it counts but has warnings); None: nothing to send."""
        if self.state == "missing":
            return "催报"
        if self.state in ("rejected", "skipped"):
            return "退回"
        if self.warnings:
            return "提醒"
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit, "level": self.level, "state": self.state, "late": self.late,
            "date": _iso(self.date), "deadline": _iso(self.deadline), "days_left": self.days_left,
            "files": [str(p) for p in self.files],
            "findings": [i.as_json(FINDING_KEYS) for i in self.findings],
            "message": str(self.message) if self.message else None,
        }


@dataclass
class NewFile:
    unit: str | None
    path: Path
    correction: bool                       # the unit had sent a file before


@dataclass
class SinceLast:
    """What changed since the last recorded run over the same folder and period."""

    at: datetime                           # when the last run was made (local time)
    today: date                            # the day it looked as of
    new: list[NewFile]
    changed: list[tuple[str, str, str]]    # (unit, state then, state now)

    def line(self) -> str:
        when = f"{self.at.month}月{self.at.day}日 {self.at:%H:%M}"
        if self.today != self.at.date():
            when += f"，按{day_text(self.today)}查看"
        if self.new:
            names_all = list(dict.fromkeys((n.unit or n.path.name) + ("更正" if n.correction else "") for n in self.new))
            names = "、".join(names_all[:6])
            more = "等" if len(names_all) > 6 else ""
            head = f"自上次（{when}）以来：新收到 {len(self.new)} 份（{names}{more}）"
        else:
            head = f"自上次（{when}）以来：没有新收到的报表"
        if self.changed:
            moves = "、".join(f"{u} {STATE_NAMES[a]}→{STATE_NAMES[b]}" for u, a, b in self.changed[:6])
            head += f"；状态变化：{moves}{'等' if len(self.changed) > 6 else ''}"
        return head + "。"

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(timespec="seconds"), "today": self.today.isoformat(),
            "new": [{"unit": n.unit, "path": str(n.path), "correction": n.correction} for n in self.new],
            "changed": [{"unit": u, "from": a, "to": b} for u, a, b in self.changed],
        }


@dataclass
class StatusReport:
    edition: Edition
    roster: Roster
    period: Period
    today: date
    units: list[UnitStatus]                # every roster unit, grouped by level
    unlisted: list[UnitStatus]             # returns of units not in the roster, files of no known unit
    since_last: SinceLast | None = None
    outputs: list[Path] = field(default_factory=list)

    @property
    def headline_level(self) -> Level:
        """The level whose deadline heads the page: county when the roster has county units."""
        levels = [u.level for u in self.roster.units]
        if "county" in levels or not levels:
            return "county"
        return levels[0]

    @property
    def deadline(self) -> date | None:
        return self.roster.deadline(self.headline_level, self.period)

    @property
    def days_left(self) -> int | None:
        d = self.deadline
        return (d - self.today).days if d else None

    def counts(self) -> dict[str, int]:
        out = {s: sum(1 for u in self.units if u.state == s) for s in STATES}
        out["late"] = sum(1 for u in self.units if u.late)
        return out

    @property
    def complete(self) -> bool:
        """Every roster unit is ok (the exit code's question)."""
        return all(u.state == "ok" for u in self.units)

    def levels(self) -> list[tuple[Level | None, list[UnitStatus]]]:
        """The units grouped by level, in the roster's order of levels."""
        groups: dict[Level | None, list[UnitStatus]] = {}
        for u in self.units:
            groups.setdefault(u.level, []).append(u)
        return list(groups.items())

    def headline(self) -> str:
        """截止 2020年6月1日（还有 3 天）：已报 7/10，需重报 1，未报 2"""
        c = self.counts()
        parts = [f"已报 {c['ok']}/{len(self.units)}"]
        if c["late"]:
            parts.append(f"迟报 {c['late']}")
        redo = c["rejected"] + c["skipped"]
        parts.append(f"需重报 {redo}")
        parts.append(f"未报 {c['missing']}")
        head = f"截止 {day_text(self.deadline)}（{days_text(self.days_left)}）" if self.deadline else "未设截止日期"
        return f"{head}：{'，'.join(parts)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "period": str(self.period),
            "today": self.today.isoformat(),
            "deadline": _iso(self.deadline),
            "days_left": self.days_left,
            "counts": self.counts(),
            "units": [u.to_json() for u in self.units],
            "unlisted": [u.to_json() for u in self.unlisted],
            "since_last": self.since_last.to_json() if self.since_last else None,
        }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None

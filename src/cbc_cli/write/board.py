"""The one-page status board of `cbc status --html`: for the office wall, printable on A4.

Counts, days left, and every unit's state in a table per level (templates/status.html.j2,
autoescaped: unit and file names come from input and are escaped).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from ..model.edition import LEVEL_NAMES
from ..model.paths import templates_dir
from ..model.status import STATE_NAMES, StatusReport, UnitStatus, day_text, days_text


def note(u: UnitStatus) -> str:
    """One line on a unit: why it must redo, how long it has, or what to check."""
    if u.state == "missing":
        text = ("已逾期 " + str(-u.days_left) + " 天" if u.days_left is not None and u.days_left < 0
                else days_text(u.days_left))
        later = [i.value for i in u.findings if i.code == "dated-after-today" and i.value]
        extra = [i.message for i in u.findings if i.code != "dated-after-today"]
        if later:  # on a line of its own, so that the days stay together in a narrow column
            extra.insert(0, f"报表日期{'、'.join(later)}晚于查看日")
        return "\n".join([text, *extra])
    if u.state in ("rejected", "skipped"):
        first = (u.errors or u.findings)[:1]
        more = len(u.errors) - 1
        text = "；".join(i.where_message for i in first) or "无法读取"
        return text + (f"（另有 {more} 处错误）" if more > 0 else "")
    if u.late and u.date and u.deadline:
        late = f"迟报 {(u.date - u.deadline).days} 天"
        return late + (f"；提醒 {len(u.warnings)} 条" if u.warnings else "")
    return f"提醒 {len(u.warnings)} 条：{u.warnings[0].where_message}" if u.warnings else ""


def context(report: StatusReport, made_at: datetime) -> dict[str, Any]:
    c = report.counts()
    head = report.headline()
    days = days_text(report.days_left)
    before, _, after = head.partition(days) if report.deadline else (head, "", "")
    groups = []
    for level, units in report.levels():
        deadline = report.roster.deadline(level or "county", report.period)
        groups.append({
            "name": LEVEL_NAMES.get(level or "", "其他"), "deadline": day_text(deadline) or "未设",
            "days": days_text((deadline - report.today).days) if deadline else "无截止日期",
            "units": [{"unit": u.unit or "", "state": u.state, "state_name": STATE_NAMES[u.state], "late": u.late,
                       "date": u.date.isoformat() if u.date else "", "note": note(u),
                       "overdue": u.state != "ok" and u.days_left is not None and u.days_left < 0} for u in units],
        })
    return {
        "title": f"{report.period.label}{report.edition.stats.title}报送情况",
        "city": report.roster.city.name, "period": report.period.label, "today": day_text(report.today),
        "headline_head": before, "headline_days": days if report.deadline else "", "headline_tail": after,
        "ahead": (report.days_left or 0) > 0,
        "since": report.since_last.line() if report.since_last else "",
        "counts": [("ok", "已报", c["ok"]), ("late", "其中迟报", c["late"]), ("rejected", "需重报", c["rejected"]),
                   ("skipped", "无法读取", c["skipped"]), ("missing", "未报", c["missing"])],
        "groups": groups,
        "unlisted": [{"unit": u.unit or "（无法识别）", "state": u.state, "state_name": STATE_NAMES[u.state],
                      "files": "、".join(p.name for p in u.files), "note": note(u)} for u in report.unlisted],
        "made_at": made_at.strftime("%Y-%m-%d %H:%M"),
    }


def render_board(report: StatusReport, made_at: datetime | None = None) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(templates_dir())), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("status.html.j2").render(**context(report, made_at or datetime.now()))


def write_board(report: StatusReport, path: str | Path, *, force: bool = False,
                made_at: datetime | None = None) -> Path:
    from .files import write_atomically

    html = render_board(report, made_at)
    return write_atomically(Path(path), lambda tmp: Path(tmp).write_text(html, encoding="utf-8"), force=force)

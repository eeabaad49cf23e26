"""The messages `cbc status --messages DIR` writes: ready-to-send texts for the units that need
action, in the style of an official notice, from jinja2 templates (templates/messages/, each
replaceable by a file of the same name in the folder named by [messages] templates in cbc.toml).

DIR/催报通知.txt            every outstanding unit, for the group chat
DIR/<unit>/催报.txt        a missing unit: the deadline, what to send, how
DIR/<unit>/退回.txt        a rejected (or unreadable) return: each finding with its cell, and
DIR/<unit>/…_问题标注.xlsx  beside it the annotated copy (write.annotate): the send-back package
DIR/<unit>/提醒.txt        a return that counts but has warnings (and its annotated copy)

Templates render with StrictUndefined: a placeholder a template names and cbc does not give is
an error, never an empty gap in a letter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model.edition import LEVEL_NAMES
from ..model.paths import templates_dir
from ..model.status import StatusReport, UnitStatus, day_text, days_text

TEMPLATES = {"催报": "催报.txt.j2", "退回": "退回.txt.j2", "提醒": "提醒.txt.j2"}
COMBINED = "催报通知.txt.j2"


class MessageError(Exception):
    """The messages cannot be written as configured (no contact, a broken template)."""


def environment(report: StatusReport):  # type: ignore[no-untyped-def]
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

    loaders = []
    own = report.roster.messages.templates
    if own:
        if not Path(own).is_dir():
            raise MessageError(f"cbc.toml [messages] templates 指定的文件夹不存在：{own}")
        loaders.append(FileSystemLoader(own))
    loaders.append(FileSystemLoader(str(templates_dir() / "messages")))
    return Environment(loader=ChoiceLoader(loaders), autoescape=False, undefined=StrictUndefined,
                       keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def _common(report: StatusReport) -> dict[str, Any]:
    roster, ed = report.roster, report.edition
    c = roster.contact
    return {
        "city": roster.city.name, "office": c.office or roster.city.name,
        "contact": {"person": c.person, "phone": c.phone, "email": c.email},
        "period": report.period.label, "form": f"{ed.stats.title}（{ed.stats.attachment}）",
        "today": day_text(report.today), "deadline": day_text(report.deadline), "days": days_text(report.days_left),
    }


def deadline_phrase(days_left: int | None) -> str:
    """How the deadline stands, as a letter says it."""
    if days_left is None:
        return "未设截止日期"
    if days_left > 0:
        return f"距截止还有 {days_left} 天"
    if days_left == 0:
        return "今天截止"
    return f"已超过截止日期 {-days_left} 天"


def _findings(u: UnitStatus, severity: str | None = None) -> list[dict[str, str]]:
    return [{"where": i.cell or "", "message": i.message} for i in u.findings
            if severity is None or i.severity == severity]


def unit_context(report: StatusReport, u: UnitStatus, annotated: str = "") -> dict[str, Any]:
    return {
        **_common(report),
        "unit": u.unit or "", "level": LEVEL_NAMES.get(u.level or "", ""),
        "deadline": day_text(u.deadline) or day_text(report.deadline), "days": deadline_phrase(u.days_left),
        "overdue": u.days_left is not None and u.days_left < 0,
        "date": day_text(u.date), "files": "》《".join(p.name for p in u.files if u.result is None or p == u.result.path),
        "findings": _findings(u, "warning" if u.state == "ok" else None),
        "annotated": annotated,
    }


def combined_context(report: StatusReport) -> dict[str, Any]:
    def first(u: UnitStatus) -> str:
        i = (u.errors or u.findings)[0] if u.findings else None
        return (f"{i.cell}：{i.message}" if i and i.cell else i.message) if i else "报来的文件无法读取"

    return {
        **_common(report),
        "missing": [{"unit": u.unit, "deadline": day_text(u.deadline), "days": days_text(u.days_left)}
                    for u in report.units if u.state == "missing"],
        "redo": [{"unit": u.unit, "first": first(u)} for u in report.units if u.state in ("rejected", "skipped")],
    }


def render(env, name: str, context: dict[str, Any]) -> str:  # type: ignore[no-untyped-def]
    from jinja2 import TemplateError

    try:
        return env.get_template(name).render(**context)
    except TemplateError as exc:
        raise MessageError(f"消息模板 {name} 有误：{exc}") from exc


def _copy_name(u: UnitStatus) -> str:
    """The annotated copy that goes beside the message, if the unit's return has one."""
    from .annotate import annotated_name

    r = u.result
    if u.action in ("退回", "提醒") and r is not None and r.readable and r.issues:
        return annotated_name(r)
    return ""


def planned(report: StatusReport, out_dir: Path) -> list[Path]:
    """Every file write_messages would write (to refuse before writing any without --force)."""
    from .files import safe_name_part

    out: list[Path] = []
    for u in report.units:
        if u.action is None:
            continue
        folder = out_dir / safe_name_part(u.unit or "未命名")
        out.append(folder / f"{u.action}.txt")
        if _copy_name(u):
            out.append(folder / _copy_name(u))
    if any(u.outstanding for u in report.units):
        out.append(out_dir / "催报通知.txt")
    return out


def write_messages(report: StatusReport, out_dir: str | Path, *, force: bool = False) -> list[Path]:
    """Write a message for each roster unit that needs action (and the combined notice); set
    each unit's `message`. Nothing for a unit that needs none. Every text is rendered before
    anything is written, so a broken template leaves nothing behind."""
    from .annotate import annotate
    from .files import check_free, safe_name_part, write_atomically

    out = Path(out_dir)
    needed = [u for u in report.units if u.action is not None]
    if not needed:
        return []
    if not report.roster.contact.complete:
        raise MessageError("要生成通知，请在 cbc.toml 中填写联系人：[contact] person（联系人）、phone（电话）、"
                           "email（邮箱），可选 office（收表部门）。")
    env = environment(report)
    texts = [(u, render(env, TEMPLATES[u.action or ""], unit_context(report, u, _copy_name(u)))) for u in needed]
    combined = (render(env, COMBINED, combined_context(report))
                if any(u.outstanding for u in report.units) else None)
    check_free(planned(report, out), force)
    written: list[Path] = []
    for u, text in texts:
        folder = out / safe_name_part(u.unit or "未命名")
        if _copy_name(u):
            copy = annotate(u.result, folder, edition=report.edition, force=True)  # type: ignore[arg-type]  # checked above
            if copy is not None:
                written.append(folder / copy.name)  # as the user named the folder, like the messages
        u.message = write_atomically(folder / f"{u.action}.txt",
                                     lambda tmp, t=text: Path(tmp).write_text(t, encoding="utf-8"), force=True)
        written.append(u.message)
    if combined is not None:
        written.append(write_atomically(out / "催报通知.txt",
                                        lambda tmp: Path(tmp).write_text(combined, encoding="utf-8"), force=True))
    return written

"""The only place that prints: rich tables to the terminal, JSON to stdout, errors to stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from .forms import Edition
    from .roster import Roster

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

LEVEL_NAMES = {"enterprise": "企业", "county": "县级", "city": "市级"}


def error(message: str) -> None:
    err_console.print(f"[bold red]错误：[/]{_escape(message)}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def wrote(paths: Iterable[Path]) -> None:
    paths = list(paths)
    for p in paths:
        console.print(f"已生成 {_escape(str(p))}")
    console.print(f"共 {len(paths)} 个文件。")


def show_forms(eds: list[Edition], fmt: str) -> None:
    if fmt == "json":
        print_json({"version": 1, "editions": [
            {"id": ed.id, "name": ed.edition.name,
             "stats": {"title": ed.stats.title, "fields": [
                 {"no": f.no, "code": f.code, "label": f.label, "unit": f.unit, "kind": f.kind,
                  "parent": f.parent, "levels": list(f.levels)} for f in ed.stats.fields]},
             "selfcheck": {"title": ed.selfcheck.title, "max": ed.selfcheck.total_max, "items": [
                 {"no": i.no, "section": i.section, "max": i.max, "text": i.text} for i in ed.selfcheck.items]}}
            for ed in eds]})
        return
    for ed in eds:
        console.print(f"[bold]{ed.id} 年版[/]　{_escape(ed.edition.name)}")
        t = Table(title=f"{ed.stats.attachment} {ed.stats.title}", title_justify="left")
        for col in ("序号", "编码", "栏目", "单位", "填报层级"):
            t.add_column(col)
        for f in ed.stats.fields:
            t.add_row(str(f.no), f.code, _escape(f.label), f.unit, "、".join(LEVEL_NAMES[lv] for lv in f.levels))
        console.print(t)
        s = Table(title=f"{ed.selfcheck.attachment} {ed.selfcheck.title}（满分{ed.selfcheck.total_max}分）",
                  title_justify="left")
        for col in ("项", "项目", "自查内容", "满分"):
            s.add_column(col)
        for i in ed.selfcheck.items:
            s.add_row(str(i.no), i.section, _escape(i.text), str(i.max))
        console.print(s)
        console.print(f"规则 {len(ed.stats.rules)} 条：" + "、".join(r.code for r in ed.stats.rules))


def show_roster(roster: Roster, fmt: str) -> None:
    if fmt == "json":
        print_json({"version": 1, "source": roster.source, "city": roster.city.name,
                    "deadlines": {lv: d.model_dump() for lv, d in roster.deadlines.items()},
                    "units": [u.model_dump() for u in roster.units],
                    "own": {k: float(v) for k, v in roster.own.items()}})
        return
    console.print(f"名册来源：{_escape(roster.source)}　市级单位：{_escape(roster.city.name)}")
    t = Table()
    for col in ("单位", "别名", "层级", "总工会"):
        t.add_column(col)
    for u in roster.units:
        t.add_row(_escape(u.name), _escape("、".join(u.aliases)), LEVEL_NAMES[u.level], "是" if u.federation else "否")
    console.print(t)
    for lv, d in roster.deadlines.items():
        console.print(f"{LEVEL_NAMES[lv]}截止日期：上半年 {d.H1}，下半年 {d.H2}")
    if roster.own:
        console.print("市本级数据：" + "，".join(f"{k}={v}" for k, v in roster.own.items()))


def _short(path: Path, limit: int = 40) -> str:
    name = path.name
    return name if len(name) <= limit else name[: limit - 1] + "…"


def show_validation(results: list, fmt: str, *, errors_only: bool = False) -> None:
    if fmt == "json":
        print_json({"version": 1, "files": [r.to_json() for r in results]})
        return
    if not results:
        console.print("没有找到要检查的工作簿（.xlsx、.xls、.ods 等）。")
        return
    for r in results:
        mark = "[green]✓[/]" if r.valid else "[red]✗[/]"
        if not r.readable:
            console.print(f"{mark} {_escape(_short(r.path))}　{_escape(r.reason or '无法读取')}")
            continue
        date = r.date.isoformat() if r.date else "无日期"
        console.print(f"{mark} {_escape(_short(r.path))}　{_escape(r.unit or '（未填单位）')}　{date}　"
                      f"错误 {len(r.errors)}　提醒 {len(r.warnings)}")
    for r in results:
        shown_issues = [i for i in r.issues if r.readable and not (errors_only and i.severity != "error")]
        if shown_issues:
            console.print(_issue_table(f"{_short(r.path, 60)}（{r.unit or '未填单位'}）", shown_issues))
    ok = sum(1 for r in results if r.valid)
    console.print(f"共 {len(results)} 个文件：{ok} 个无错误，{len(results) - ok} 个有错误或无法读取。")


def _issue_table(title: str, issues: list) -> Table:
    """Findings of one file: level, cell, message; many empty required fields fold into one row."""
    t = Table(title=_escape(title), title_justify="left", show_lines=False, expand=False)
    t.add_column("级别", no_wrap=True)
    t.add_column("位置", no_wrap=True)
    t.add_column("问题", overflow="fold")
    empties = [i for i in issues if i.code == "required-missing"]
    fold = len(empties) >= 5
    for i in issues:
        if fold and i.code == "required-missing":
            continue
        t.add_row("[red]错误[/]" if i.is_error else "[yellow]提醒[/]", _escape(i.cell or ""),
                  _escape(_strip_where(i.message, i.cell)) + f" [dim]{i.code}[/]")
    if fold:
        cells = "、".join((i.cell or "").split("!")[-1] for i in empties)
        t.add_row("[red]错误[/]", "", _escape(f"{len(empties)} 个必填栏目没有填写（{cells}）。没有请填0（空白不等于0）。")
                  + " [dim]required-missing[/]")
    return t


def _strip_where(message: str, cell: str | None) -> str:
    """The table has a column for the cell; do not repeat it at the start of the message."""
    if cell and message.startswith(cell + "："):
        return message[len(cell) + 1:]
    return message

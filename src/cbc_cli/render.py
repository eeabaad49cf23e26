"""The only place that prints: rich tables to the terminal, JSON to stdout, errors to stderr."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any


from .model.edition import LEVEL_NAMES

if TYPE_CHECKING:
    from .model.config import Roster
    from .model.edition import Edition

class _LazyConsole:
    """rich is imported the first time something is printed: `--format json` never pays for it."""

    def __init__(self, **options: Any):
        self._options = options
        self._console: Any = None

    def get(self) -> Any:
        """The rich Console itself (for what needs the real object, like a progress bar)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


def Table(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 - stands in for rich.table.Table
    """A rich table whose text cells break lines as Chinese text does (see _breakable_text)."""
    global _TABLE
    if _TABLE is None:
        from rich.markup import render
        from rich.table import Table as RichTable

        class ChineseTable(RichTable):  # type: ignore[misc]
            def add_row(self, *renderables: Any, **kwargs: Any) -> None:
                super().add_row(*(_breakable_text(render(r)) if isinstance(r, str) else r for r in renderables),
                                **kwargs)

        _TABLE = ChineseTable
    return _TABLE(*args, **kwargs)


_TABLE: Any = None
_TEXT: Any = None
# never at the start of a line / never at the end of one (the usual Chinese line-breaking rules,
# with ASCII punctuation so that '2,920' and '统计表.xlsx' stay whole)
_NO_START = frozenset("）)」』】〕》〉”’，。、；：！？…%,.;:!?")
_NO_END = frozenset("（(「『【〔《〈“‘")


def _break_points(text: str) -> list[int]:
    """Where a line of this text may break: between two characters when either is wide (Chinese)
    or after a space, never inside a run of ASCII (a number, a file name, a cell), never before
    closing or after opening punctuation."""
    import unicodedata

    from rich.cells import cell_len

    whole = set()  # a short bracketed aside stays on one line: （高区总工会.xlsx）, （更正）
    for m in _ASIDE.finditer(text):
        if cell_len(m.group()) <= _ASIDE_WIDTH:
            whole.update(range(m.start() + 1, m.end()))
    points = []
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if b.isspace() or b in _NO_START or a in _NO_END or i in whole:
            continue
        if a.isspace() or unicodedata.east_asian_width(a) in "WF" or unicodedata.east_asian_width(b) in "WF":
            points.append(i)
    return points


_ASIDE = re.compile(r"[（(][^（()）\s]*[)）]")
_ASIDE_WIDTH = 24


def _divide(text: str, width: int, fold: bool) -> list[int]:
    """rich's divide_line, breaking only where _break_points allows (a piece wider than the
    column is still folded, as rich folds a long word)."""
    from rich.cells import cell_len, chop_cells

    offsets: list[int] = []
    used = 0
    bounds = [0, *_break_points(text), len(text)]
    for start, end in zip(bounds, bounds[1:]):
        piece = text[start:end]
        size = cell_len(piece.rstrip())
        if used + size <= width:
            used += cell_len(piece)
            continue
        if size > width and fold:  # as rich folds a long word: on lines of its own
            if used:
                offsets.append(start)
            parts = chop_cells(piece, width=width)
            at = start
            for part in parts[:-1]:
                at += len(part)
                offsets.append(at)
            used = cell_len(parts[-1])
            continue
        if start:
            offsets.append(start)
        used = cell_len(piece)
    return offsets


def _breakable_text(text: Any) -> Any:
    """A rich Text that wraps by _divide, and tells the table its narrowest unbreakable piece."""
    global _TEXT
    if _TEXT is None:
        from rich.cells import cell_len
        from rich.measure import Measurement
        from rich.text import Lines, Text

        class ChineseText(Text):  # type: ignore[misc]
            def wrap(self, console: Any, width: int, *, justify: Any = None, overflow: Any = None,
                     tab_size: int = 8, no_wrap: Any = None) -> Lines:
                if no_wrap or self.no_wrap or overflow == "ignore":
                    return super().wrap(console, width, justify=justify, overflow=overflow, tab_size=tab_size,
                                        no_wrap=no_wrap)
                wrap_justify = justify or self.justify or "default"
                wrap_overflow = overflow or self.overflow or "fold"
                lines = Lines()
                for line in self.split(allow_blank=True):
                    if "\t" in line:
                        line.expand_tabs(tab_size)
                    pieces = line.divide(_divide(line.plain, width, wrap_overflow == "fold"))
                    for piece in pieces:
                        piece.rstrip_end(width)
                    pieces.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
                    for piece in pieces:
                        piece.truncate(width, overflow=wrap_overflow)
                    lines.extend(pieces)
                return lines

            def __rich_measure__(self, console: Any, options: Any) -> Measurement:
                widest = max((cell_len(line) for line in self.plain.splitlines()), default=0)
                pieces = [0]
                for line in self.plain.splitlines():
                    bounds = [0, *_break_points(line), len(line)]
                    pieces += [cell_len(line[a:b].rstrip()) for a, b in zip(bounds, bounds[1:])]
                return Measurement(max(pieces), widest)

        _TEXT = ChineseText
    if not isinstance(text, _TEXT):
        text = _TEXT(text.plain, style=text.style, justify=text.justify, overflow=text.overflow,
                     no_wrap=text.no_wrap, end=text.end, spans=list(text.spans))
    return text


console: Any = _LazyConsole(highlight=False)
err_console: Any = _LazyConsole(stderr=True, highlight=False)



def error(message: str) -> None:
    err_console.print(f"[bold red]错误：[/]{_escape(message)}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def print_json(data: Any) -> None:
    """JSON on stdout, always valid UTF-8: a file name's undecodable bytes (Python keeps them as
    lone surrogates) are written as \\udcXX escapes, which json.loads and os.fsencode turn back
    into the same bytes."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    out = getattr(sys.stdout, "buffer", None)
    if out is not None:
        sys.stdout.flush()
        out.write(text.encode("utf-8") + b"\n")
        out.flush()
    else:
        sys.stdout.write(text + "\n")


def shown_path(p: Path | str) -> str:
    """A path as the terminal shows it: undecodable bytes as \\xNN, never a broken character."""
    text = str(p)
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)


def wrote(paths: Iterable[Path], fmt: str = "table") -> None:
    paths = list(paths)
    if fmt == "json":
        print_json({"version": 1, "outputs": [str(p) for p in paths]})
        return
    for p in paths:
        console.print(f"已生成 {_escape(str(p))}")
    console.print(f"共 {len(paths)} 个文件。")


def show_forms(eds: list[Edition], fmt: str, verbose: bool = False) -> None:
    if fmt == "json":
        print_json({"version": 1, "editions": [
            {"id": ed.id, "name": ed.edition.name,
             "stats": {"title": ed.stats.title, "fields": [
                 {"no": f.no, "code": f.code, "label": f.label, "unit": f.unit, "kind": f.kind,
                  "parent": f.parent, "levels": list(f.levels)} for f in ed.stats.fields]},
             "selfcheck": {"title": ed.selfcheck.title, "max": ed.selfcheck.total_max, "items": [
                 {"no": i.no, "section": i.section, "max": i.max, "text": i.text} for i in ed.selfcheck.items]},
             "rules": [{"code": r.code, "title": r.title, "severity": r.severity} for r in ed.stats.rules],
             **({"ledger": _ledger_json(ed.ledger)} if ed.ledger is not None else {})}
            for ed in eds]})
        return
    for ed in eds:
        console.print(f"[bold]{ed.id} 年版[/]　{_escape(ed.edition.name)}")
        t = Table(title=f"{ed.stats.attachment} {ed.stats.title}", title_justify="left")
        for col in ("序号", *(("编码",) if verbose else ()), "栏目", "单位", "填报层级"):
            t.add_column(col, overflow="fold")
        for f in ed.stats.fields:
            t.add_row(str(f.no), *((f.code,) if verbose else ()), _escape(f.label), f.unit,
                      "、".join(LEVEL_NAMES[lv] for lv in f.levels))
        console.print(t)
        s = Table(title=f"{ed.selfcheck.attachment} {ed.selfcheck.title}（满分{ed.selfcheck.total_max}分）",
                  title_justify="left")
        for col in ("项", "项目", "自查内容", "满分"):
            s.add_column(col, overflow="fold")
        for i in ed.selfcheck.items:
            s.add_row(str(i.no), i.section, _escape(i.text), str(i.max))
        console.print(s)
        r = Table(title=f"核对规则 {len(ed.stats.rules)} 条", title_justify="left")
        r.add_column("规则", overflow="fold")
        r.add_column("级别", no_wrap=True)
        if verbose:
            r.add_column("编码", no_wrap=True)
        for rule in ed.stats.rules:
            r.add_row(_escape(rule.title), "错误" if rule.severity == "error" else "提醒",
                      *((rule.code,) if verbose else ()))
        console.print(r)
        if ed.ledger is not None:
            lg = ed.ledger
            lt = Table(title=f"{lg.title}（{lg.unit_label}、{lg.district_label}、{lg.industry_label}）", title_justify="left")
            for col in ("栏目", "类型", "必填", "也可写作"):
                lt.add_column(col, overflow="fold")
            kinds = {"number": "序号", "date": "日期", "text": "文字", "person": "人员", "grade": "等级", "status": "状态"}
            for c in lg.columns:
                lt.add_row(_escape(c.label), kinds[c.kind], "是" if c.required else "", _escape("、".join(c.aliases)))
            console.print(lt)
            console.print(f"{lg.column('grade').label}（由轻到重）：{' < '.join(lg.grades)}；重大事故隐患：{'、'.join(lg.major) or '无'}；"
                          f"奖励候选：{lg.award_from}及以上。状态：{'、'.join(lg.statuses)}。")
            console.print(f"台账规则{len(lg.rules)}条：" + _escape("、".join(r.title + (f"（{r.code}）" if verbose else "") for r in lg.rules)))


def _ledger_json(lg: Any) -> dict[str, Any]:
    return {"title": lg.title, "grades": list(lg.grades), "major": list(lg.major), "award_from": lg.award_from,
            "statuses": list(lg.statuses), "industries": list(lg.industries),
            "periods": {h: {"start": p.start, "end": p.end} for h, p in lg.periods.items()},
            "columns": [{"label": c.label, "kind": c.kind, "role": c.role, "required": c.required,
                         "aliases": list(c.aliases)} for c in lg.columns],
            "rules": [{"code": r.code, "title": r.title, "severity": r.severity, "check": r.check} for r in lg.rules]}


def show_roster(roster: Roster, fmt: str, edition: Edition | None = None, verbose: bool = False) -> None:
    if fmt == "json":
        print_json({"version": 1, "source": roster.source, "city": roster.city.name,
                    "deadlines": {lv: d.model_dump() for lv, d in roster.deadlines.items()},
                    "units": [u.model_dump() for u in roster.units],
                    "own": {k: float(v) for k, v in roster.own.items()}})
        return
    console.print(f"名册来源：{_escape(roster.source)}　市级单位：{_escape(roster.city.name)}")
    t = Table()
    for col in ("单位", "别名", "层级", "总工会"):
        t.add_column(col, overflow="fold", no_wrap=col in ("单位", "层级", "总工会"))
    for u in roster.units:
        t.add_row(_escape(u.name), _escape("、".join(u.aliases)), LEVEL_NAMES[u.level], "是" if u.federation else "否")
    console.print(t)
    for lv, d in roster.deadlines.items():
        console.print(f"{LEVEL_NAMES[lv]}截止日期：上半年 {d.H1}，下半年 {d.H2}")
    if roster.own:
        from .model.numbers import fmt_number

        fields = edition.stats.by_code if edition is not None else {}

        def named(code: str) -> str:
            f = fields.get(code)
            if f is None:
                return f"{code}（表样中没有此栏目）"
            return f"{f.label}{'（' + code + '）' if verbose else ''}"

        def amount(code: str, v: Any) -> str:
            f = fields.get(code)
            unit = f.unit if f is not None and f.unit and f"（{f.unit}）" not in f.label else ""
            return f"{fmt_number(v)}{unit}"

        console.print("市本级数据：" + "；".join(_escape(f"{named(k)} {amount(k, v)}") for k, v in roster.own.items()))


def _short(path: Path, limit: int = 40) -> str:
    name = path.name
    return name if len(name) <= limit else name[: limit - 1] + "…"


# how a value was found, in the clerk's words (cbc validate --explain)
HOW_NAMES = {"identity": "cbc 生成的表，按表内标识", "grid": "栏目旁的数值列", "header": "栏目下方一行",
             "inline": "与栏目同在一格"}


def _skipped_json(skipped: list) -> list[dict[str, Any]]:
    return [s.to_json() for s in skipped]


def show_skipped(skipped: list, verbose: bool = False) -> None:
    """Files in the folders that were not read, one line each (lock and hidden files with -v only)."""
    shown = [s for s in skipped if verbose or not s.quiet]
    if not shown:
        return
    t = Table(title=f"未读取的文件 {len(shown)} 个", title_justify="left")
    t.add_column("文件", overflow="fold")
    t.add_column("原因", overflow="fold")
    if verbose:
        t.add_column("编码", no_wrap=True)
    for s in shown:
        t.add_row(_escape(shown_path(_short(s.path))), _escape(s.reason), *((s.code,) if verbose else ()))
    console.print(t)
    quiet = len(skipped) - len(shown)
    if quiet:
        console.print(f"另有 {quiet} 个锁定文件或隐藏文件未读取（加 -v 查看）。")


def show_nothing(skipped: list, fmt: str, verbose: bool, what: str) -> None:
    """No file to read among the paths given: say so, and what was there instead."""
    if fmt == "json":
        print_json({"version": 1, "files": [], "skipped": _skipped_json(skipped)})
        error(f"没有可检查的{what}：文件夹中没有 Excel 报表（.xlsx、.xls、.ods 等）。")
        return
    show_skipped(skipped, verbose=True)
    error(f"没有可检查的{what}：文件夹中没有 Excel 报表（.xlsx、.xls、.ods 等）。")


def show_validation(results: list, fmt: str, *, errors_only: bool = False, explain: Any = None,
                    skipped: list | None = None, verbose: bool = False, written: list | None = None) -> None:
    skipped = skipped or []
    written = written or []
    if fmt == "json":
        print_json({"version": 1, "files": [r.to_json() for r in results], "skipped": _skipped_json(skipped),
                    "outputs": [str(p) for p in written]})
        return
    if explain is not None:
        for r in results:
            if r.readable:
                console.print(_explain_table(r, explain))
    if not results and not skipped:
        console.print("没有找到要检查的工作簿（.xlsx、.xls、.ods 等）。")
        return
    for r in results:
        mark = "[green]✓[/]" if r.valid else "[red]✗[/]"
        name = _escape(shown_path(_short(r.path)))
        if not r.readable:
            code = f"　[dim]{r.issues[0].code}[/]" if verbose and r.issues else ""
            console.print(f"{mark} {name}　{_escape(r.reason or '无法读取')}{code}")
            continue
        date = r.date.isoformat() if r.date else "无日期"
        console.print(f"{mark} {name}　{_escape(r.unit or '（未填单位）')}　{date}　"
                      f"错误 {len(r.errors)}　提醒 {len(r.warnings)}")
    for r in results:
        shown_issues = [i for i in r.issues if r.readable and not (errors_only and i.severity != "error")]
        if shown_issues:
            console.print(_issue_table(f"{shown_path(_short(r.path, 60))}（{r.unit or '未填单位'}）", shown_issues,
                                       verbose=verbose))
    show_skipped(skipped, verbose)
    ok = sum(1 for r in results if r.valid)
    unread = sum(1 for s in skipped if not s.quiet)
    console.print(f"共 {len(results)} 个文件：{ok} 个无错误，{len(results) - ok} 个有错误或无法读取"
                  + (f"；另有 {unread} 个文件未读取（不是 Excel 报表）。" if unread else "。"))
    for p in written:
        console.print(f"已写入 {_escape(str(p))}")


def _explain_table(r: Any, ed: Edition) -> Any:
    """How one return was read: for each field, where its value was and by which label."""
    from .model.numbers import fmt_number

    sheets = {where.split("!")[0] for where in (*r.cells.values(), *r.header.values()) if "!" in where}
    one_sheet = len(sheets) == 1

    def at(where: str | None) -> str:
        return _escape((where.split("!", 1)[1] if one_sheet and where and "!" in where else where) or "")

    title = f"{_short(r.path, 60)}：读取位置" + (f"（工作表“{next(iter(sheets))}”）" if one_sheet else "")
    t = Table(title=_escape(title), title_justify="left")
    for col in ("序号", "栏目", "读到的", "所在格", "栏目格", "怎样找到"):
        t.add_column(col, overflow="fold", no_wrap=col in ("序号", "所在格", "栏目格"))
    keys = ed.stats.reading
    t.add_row("", _escape(keys.unit_keys[0]), _escape(r.unit_written or ""), at(r.header.get("unit")), "", "")
    t.add_row("", _escape(keys.date_keys[0]), r.date.isoformat() if r.date else "", at(r.header.get("date")), "", "")
    problems = {i.field for i in r.issues if i.code in ("layout-unclear", "label-twice", "field-not-found")}
    for f in ed.stats.fields:
        label, how = r.sources.get(f.code, (None, None))
        value = r.values.get(f.code)
        shown = "[red]未读取[/]" if f.code in problems else ("" if value is None else fmt_number(value))
        t.add_row(str(f.no), _escape(f.label), shown, at(r.cells.get(f.code)), at(label),
                  HOW_NAMES.get(how or "", "没有找到"))
    return t


def _issue_table(title: str, issues: list, verbose: bool = False) -> Table:
    """Findings of one file: level, cell, message (and its code with --verbose); many empty
    required fields fold into one row."""
    t = Table(title=_escape(title), title_justify="left", show_lines=False, expand=False)
    t.add_column("级别", no_wrap=True)
    t.add_column("位置", no_wrap=True)
    t.add_column("问题", overflow="fold")
    if verbose:
        t.add_column("编码", overflow="fold")
    empties = [i for i in issues if i.code == "required-missing"]
    fold = len(empties) >= 5
    for i in issues:
        if fold and i.code == "required-missing":
            continue
        t.add_row("[red]错误[/]" if i.is_error else "[yellow]提醒[/]", _escape(i.cell or ""), _escape(i.message),
                  *((i.code,) if verbose else ()))
    if fold:
        cells = "、".join((i.cell or "").split("!")[-1] for i in empties)
        t.add_row("[red]错误[/]", "", _escape(f"{len(empties)} 个必填栏目没有填写（{cells}）。没有请填0（空白不等于0）。"),
                  *(("required-missing",) if verbose else ()))
    return t


class progress_bar:
    """A rich progress bar on long runs in a terminal; a no-op callback otherwise."""

    def __init__(self, enabled: bool = True, threshold: int = 20):
        self.enabled = enabled and console.is_terminal
        self.threshold = threshold
        self._progress = None
        self._task = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self.update if self.enabled else None

    def update(self, done: int, total: int) -> None:
        if total < self.threshold:
            return
        if self._progress is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("读取报表"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                      console=console.get(), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("read", total=total)
        self._progress.update(self._task, completed=done)

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        if self._progress is not None:  # on every way out, Ctrl-C too: the bar goes, the cursor comes back
            self._progress.stop()
            self._progress = None


def show_summary(summary, written: list[Path], fmt: str, verbose: bool = False) -> None:  # type: ignore[no-untyped-def]
    from .model.numbers import fmt_number
    from .model.results import STATUS_NAMES

    if fmt == "json":
        data = summary.to_json()
        data["outputs"] = [str(p) for p in written]
        print_json(data)
        return
    console.print(f"[bold]{_escape(summary.roster.city.name)}　{summary.period.label}“查保促”统计表汇总[/]")
    counts = Table(show_header=True)
    unread = sum(1 for x in summary.unread if not x.quiet)
    shown = summary.status_counts() + ([("未读取", unread)] if unread else [])  # as the HTML report counts
    for name, _ in shown:
        counts.add_column(name, justify="right")
    counts.add_row(*(str(n) for _, n in shown))
    console.print(counts)
    notes = Table(show_header=True, title="需要跟进", title_justify="left")
    notes.add_column("单位")
    notes.add_column("情况", no_wrap=True)
    notes.add_column("说明", overflow="fold")
    if verbose:
        notes.add_column("编码", overflow="fold")
    rows = 0
    status_rows = summary.status_rows()
    duplicates: dict[str, list[dict]] = {}  # identical copies: one line per unit on the screen (every file is in 报送情况)
    for row in status_rows:
        if row["status"] == "replaced" and "重复" in row["note"]:
            duplicates.setdefault(row["unit"], []).append(row)
    for row in status_rows:
        same = duplicates.get(row["unit"]) if row["status"] == "replaced" and "重复" in row["note"] else None
        if same is not None:
            if row is not same[0]:
                continue
            if len(same) > 1:
                notes.add_row(_escape(row["unit"]), STATUS_NAMES["replaced"],
                              _escape(f"另有{len(same)}份内容完全相同的重复文件（如{shown_path(row['path'].name)}），"
                                      "只计一次；逐份见汇总工作簿“报送情况”表"),
                              *(("",) if verbose else ()))
                rows += 1
                continue
        if row["status"] == "skipped" or (row["status"] == "missing" and row["path"] is not None):
            note = row["note"]  # the note names the file
        elif row["status"] == "counted":
            continue
        else:
            note = f"{row['note']}（{shown_path(row['path'].name)}）" if row["path"] else row["note"]
        notes.add_row(_escape(row["unit"] or shown_path(row["path"].name)), STATUS_NAMES[row["status"]], _escape(note),
                      *(("",) if verbose else ()))
        rows += 1
    for c in summary.counted:  # counted, but worth a look: one line per unit
        r = c.result
        if r.date is None:
            notes.add_row(_escape(c.unit), "无填报日期", _escape(f"没有填报日期，无法判断是否迟报，请核对（{shown_path(r.path.name)}）"),
                          *(("date-missing",) if verbose else ()))
            rows += 1
        others = [i for i in r.warnings if not (r.date is None and i.code == "date-missing")]
        if others:
            first = others[0]
            more = f"（另有 {len(others) - 1} 条，见汇总工作簿“问题”表）" if len(others) > 1 else ""
            notes.add_row(_escape(c.unit), f"提醒 {len(others)} 条", _escape(first.where_message + more),
                          *(("、".join(dict.fromkeys(i.code for i in others)),) if verbose else ()))
            rows += 1
    if rows:
        console.print(notes)
    key = Table(title="主要合计", title_justify="left")
    key.add_column("栏目")
    key.add_column("合计", justify="right")
    fields = summary.edition.stats.by_code
    for code in summary.edition.stats.report.key_fields:
        key.add_row(_escape(fields[code].label), fmt_number(summary.totals.get(code)))
    for spec in summary.edition.stats.indicators:
        v = summary.indicators().get(spec.code)
        key.add_row(_escape(spec.label), "—" if v is None else f"{v * 100:.1f}%")
    console.print(key)
    if summary.skipped:
        console.print(f"另有 {len(summary.skipped)} 份自查表（附件2）不计入汇总，请用 cbc score 查看。")
    if summary.earlier is not None:
        console.print(_escape(summary.earlier.note()))
    for issue in summary.issues:
        console.print(f"[yellow]提醒：[/]{_escape(issue.message)}" + (f"　[dim]{issue.code}[/]" if verbose else ""))
    quiet = [x for x in summary.unread if x.quiet]
    if verbose and quiet:
        show_skipped(quiet, verbose=True)
    elif quiet:
        console.print(f"另有 {len(quiet)} 个锁定文件或隐藏文件未读取（加 -v 查看）。")
    for p in written:
        console.print(f"已写入 {_escape(str(p))}")


def show_scores(ranking, written: list[Path], fmt: str, skipped: list | None = None,  # type: ignore[no-untyped-def]
                verbose: bool = False) -> None:
    skipped = skipped or []
    if fmt == "json":
        print_json(dict(ranking.to_json(), skipped=_skipped_json(skipped), outputs=[str(p) for p in written]))
        return
    results = ranking.results
    if not results:
        console.print("没有找到自查表。")
    elif len(results) == 1:
        _show_one_score(results[0], verbose)
    else:
        t = Table(title="自查表排名", title_justify="left")
        for col in ("名次", "企业工会", "总得分", "提醒"):
            t.add_column(col, justify="right" if col in ("名次", "总得分") else "left")
        for rank, r in ranking.ranked:
            t.add_row(str(rank), _escape(r.unit or ""), f"{r.total}/{r.max}", str(len(r.warnings)) if r.warnings else "")
        console.print(t)
        if ranking.invalid:
            bad = Table(title="未计入排名（有错误或无法读取）", title_justify="left")
            bad.add_column("文件")
            bad.add_column("企业工会")
            bad.add_column("原因", overflow="fold")
            for r in ranking.invalid:
                bad.add_row(_escape(_short(r.path)), _escape(r.unit or ""), _escape(r.reason or ""))
            console.print(bad)
    for r in results:
        if r.readable and r.issues and len(results) > 1:
            console.print(_issue_table(f"{shown_path(_short(r.path, 60))}（{r.unit or '未填单位'}）", r.issues,
                                       verbose=verbose))
    show_skipped(skipped, verbose)
    for p in written:
        console.print(f"已写入 {_escape(str(p))}")


def _show_one_score(r, verbose: bool = False) -> None:  # type: ignore[no-untyped-def]
    mark = "[green]✓[/]" if r.valid else "[red]✗[/]"
    if not r.readable:
        console.print(f"{mark} {_escape(_short(r.path))}　{_escape(r.reason or '')}")
        return
    total = "—" if r.total is None else str(r.total)
    console.print(f"{mark} {_escape(_short(r.path))}　{_escape(r.unit or '（未填单位）')}　总得分 {total}/{r.max}")
    t = Table()
    for col in ("项", "项目", "得分", "满分"):
        t.add_column(col, justify="right" if col in ("项", "得分", "满分") else "left")
    for i in r.items:
        t.add_row(str(i.item), i.section, "—" if i.score is None else str(i.score), str(i.max))
    for name, s in r.sections().items():
        t.add_row("", f"[bold]{name} 小计[/]", "—" if s["score"] is None else str(s["score"]), str(s["max"]))
    t.add_row("", "[bold]总得分[/]", total, str(r.max))
    console.print(t)
    if r.issues:
        console.print(_issue_table("问题", r.issues, verbose=verbose))


def show_status(report, written: list[Path], fmt: str) -> None:  # type: ignore[no-untyped-def]
    """cbc status: the headline, what is new, and one table per level."""
    from .model.edition import LEVEL_NAMES
    from .model.status import STATE_NAMES, day_text, days_text
    from .write.board import note

    if fmt == "json":
        print_json(report.to_json())
        return
    console.print(f"[bold]{_escape(report.roster.city.name)}　{report.period.label}报送情况"
                  f"（截至{day_text(report.today)}）[/]")
    console.print(f"[bold]{_escape(report.headline())}[/]")
    if report.since_last is not None:  # soft_wrap: the terminal wraps the long Chinese line, not rich at a space
        console.print(_escape(report.since_last.line()), soft_wrap=True)
    colour = {"ok": "green", "rejected": "red", "skipped": "yellow", "missing": "red"}
    for level, units in report.levels():
        deadline = report.roster.deadline(level or "county", report.period)
        when = f"截止 {day_text(deadline)}，{days_text((deadline - report.today).days)}" if deadline else "无截止日期"
        t = Table(title=f"{LEVEL_NAMES.get(level or '', '其他')}（{when}）", title_justify="left")
        t.add_column("单位", no_wrap=True)
        t.add_column("情况", no_wrap=True)
        t.add_column("填报日期", no_wrap=True)
        t.add_column("说明", overflow="fold")
        for u in units:
            state = f"[{colour[u.state]}]{STATE_NAMES[u.state]}[/]" + ("[yellow]·迟报[/]" if u.late else "")
            t.add_row(_escape(u.unit or ""), state, u.date.isoformat() if u.date else "", _escape(note(u)))
        console.print(t)
    if report.unlisted:
        t = Table(title="名册外的报表和无法对应单位的文件", title_justify="left")
        t.add_column("单位", overflow="fold")
        t.add_column("情况", no_wrap=True)
        t.add_column("文件", overflow="fold")
        t.add_column("说明", overflow="fold")
        for u in report.unlisted:
            t.add_row(_escape(u.unit or "（无法识别）"), STATE_NAMES[u.state], _escape("、".join(p.name for p in u.files)),
                      _escape(note(u)))
        console.print(t)
    for p in written:
        console.print(f"已写入 {_escape(str(p))}")


def show_assessment(a, written: list[Path], fmt: str) -> None:  # type: ignore[no-untyped-def]
    """cbc assess: per level, one row per unit: each half's state, the year's indicators, the
    self-check, and (with weights) the score, its parts and the rank."""
    from .model.assess import HALVES, STATE_NAMES

    if fmt == "json":
        print_json(a.to_json())
        return
    method = "按权重计分排名" if a.weighted else "仅列事实（未设权重）"
    console.print(f"[bold]{_escape(a.city)}　{a.year}年度“查保促”考核情况[/]　{method}")
    colours = {"ok": "green", "late": "yellow", "rejected": "red", "missing": "red"}
    # On a narrow screen with many columns: the date under the state and the rates folded, so the table fits
    narrow = console.width < 100 and (a.ledgers_given or a.selfchecks_given or a.weighted)
    squeeze: dict[str, Any] = {"max_width": 6} if narrow else {}

    def half(h) -> str:  # type: ignore[no-untyped-def]
        state = STATE_NAMES[h.state] + (f"{h.days_late}天" if h.state == "late" else "")
        when = f"\n{h.date:%m-%d}" if h.date and narrow else (f" {h.date:%m-%d}" if h.date else "")
        extra = []
        if h.returns > 1:
            extra.append(f"{h.returns}份")
        if h.first_valid is False and h.counted:
            extra.append("首次退回")
        more = f"\n[dim]{'，'.join(extra)}[/]" if extra else ""
        return f"[{colours[h.state]}]{state}[/]{when}{more}"

    for level, units in a.levels():
        t = Table(title=f"{LEVEL_NAMES.get(level, level)}单位", title_justify="left", collapse_padding=narrow)
        t.add_column("名次" if a.weighted else "序号", justify="right", no_wrap=True)
        t.add_column("单位", overflow="fold", min_width=8 if narrow else 12)
        t.add_column("上半年", overflow="fold", min_width=5)
        t.add_column("下半年", overflow="fold", min_width=5)
        t.add_column(_escape(a.part_labels["fix_rate"]), justify="right", min_width=6, overflow="fold", **squeeze)
        t.add_column(_escape(a.part_labels["training_coverage"]), justify="right", min_width=6, overflow="fold",
                     **squeeze)
        if a.selfchecks_given and level == "enterprise":
            t.add_column(f"自查{chr(10) if narrow else ''}（{a.selfcheck_max}）", justify="right", no_wrap=True)
        if a.ledgers_given:
            t.add_column("台账查出/整改", justify="right", overflow="fold", min_width=7, max_width=7 if narrow else None)
        if a.weighted:
            t.add_column("得分", justify="right", no_wrap=True)
        for n, u in enumerate(units, 1):
            row = [str(u.rank if a.weighted else n), _escape(u.unit), *(half(u.halves[h]) for h in HALVES),
                   "—" if u.fix_rate is None else f"{u.fix_rate * 100:.1f}%",
                   "—" if u.training_coverage is None else f"{u.training_coverage * 100:.1f}%"]
            if a.selfchecks_given and level == "enterprise":
                row.append("—" if u.selfcheck is None else str(u.selfcheck))
            if a.ledgers_given:
                row.append("—" if u.hazards_found is None else f"{u.hazards_found}/{u.hazards_fixed}"
                           + (f"\n[dim]候选{len(u.award_candidates)}[/]" if u.award_candidates else ""))
            if a.weighted:
                row.append("—" if u.score is None else f"{u.score:.2f}")
            t.add_row(*row)
        console.print(t)
    if a.weighted:
        weights = "，".join(f"{_escape(a.part_labels[k])} {format(w.normalize(), 'f')}" for k, w in a.config.weights.items())
        console.print(f"权重（满分 {format(a.config.full.normalize(), 'f')}）：{weights}；各单位得分构成见工作簿。")
    clean = sum(1 for u in a.units if u.clean)
    console.print(f"共 {len(a.units)} 个单位：全年按时且首次合格 {clean} 个，有半年未计入（退回或未报）{len(a.outstanding)} 个。")
    if a.outstanding:
        console.print("未计入：" + "；".join(
            f"{_escape(u.unit)}（" + "、".join(f"{'上' if h == 'H1' else '下'}半年{STATE_NAMES[u.halves[h].state]}"
                                              for h in HALVES if not u.halves[h].counted) + "）"
            for u in a.outstanding))
    lower = [u.unit for u in a.units if u.below_first_half]
    if lower:
        console.print("[yellow]提醒：[/]下半年报表有全年累计数少于上半年（用 cbc aggregate --previous 查看）："
                      + _escape("、".join(lower)))
    if a.selfchecks_unmatched:
        console.print("[yellow]提醒：[/]这些自查表的单位不是名册中的企业工会，未列入："
                      + _escape("、".join(a.selfchecks_unmatched)))
    if a.selfchecks_invalid:
        console.print("[yellow]提醒：[/]这些自查表有错误，未计分（请用 cbc score 查看）："
                      + _escape("、".join(a.selfchecks_invalid)))
    for p in written:
        console.print(f"已写入 {_escape(str(p))}")


# --- cbc ledger -----------------------------------------------------------------------------------

LEDGER_ISSUES_SHOWN = 30


def show_ledgers(summary, written: list[Path], fmt: str) -> None:  # type: ignore[no-untyped-def]
    """The ledgers' counts per enterprise and in total, their findings (the first few of each),
    the overdue hazards, the cross-check and the award candidates."""
    if fmt == "json":
        print_json(summary.to_json())
        return
    if not summary.ledgers:
        console.print("没有找到台账（.xlsx、.xls、.ods 等）。")
        return
    s = summary
    console.print(f"[bold]隐患台账　{s.period.label}（{s.start.month}月{s.start.day}日至{s.end.month}月{s.end.day}日累计；"
                  f"逾期截至 {s.as_of:%Y-%m-%d}）[/]")
    t = Table(title_justify="left")
    t.add_column("", no_wrap=True)
    t.add_column("企业", overflow="fold", ratio=1)
    for col in ("查出", "整改", "化工查出", "化工整改", "逾期", "错误"):
        t.add_column(col, justify="right", no_wrap=True)

    def n(v: Any) -> str:
        return "—" if v is None else f"{v:,}"

    for r in s.ledgers:
        if not r.readable:
            t.add_row("[red]✗[/]", _escape(_short(r.path)), "", "", "", "", "", "无法读取")
            continue
        mark = "[green]✓[/]" if r.valid else "[red]✗[/]"
        t.add_row(mark, _escape(r.unit or _short(r.path)), n(r.found), n(r.fixed), n(r.found_chem), n(r.fixed_chem),
                  n(r.overdue),
                  str(len(r.errors)) if r.errors else "")
    tot = s.totals
    t.add_row("", "[bold]合计[/]", n(tot["found"]), n(tot["fixed"]),
              n(tot["found_chem"]), n(tot["fixed_chem"]), n(tot["overdue"]), "")
    console.print(t)
    for r in s.ledgers:
        if not r.issues:
            continue
        title = f"{_short(r.path, 60)}（{r.unit or '未填企业名称'}）"
        if not r.readable:
            console.print(f"[red]✗[/] {_escape(title)}　{_escape(r.reason or '无法读取')}")
            continue
        shown = r.issues[:LEDGER_ISSUES_SHOWN]
        it = Table(title=_escape(title), title_justify="left")
        it.add_column("级别", no_wrap=True)
        it.add_column("行", justify="right", no_wrap=True)
        it.add_column("位置", no_wrap=True)
        it.add_column("问题", overflow="fold")
        for i in shown:
            it.add_row("[red]错误[/]" if i.is_error else "[yellow]提醒[/]", str(i.row or ""),
                       _escape(i.cell or ""), _escape(i.message))
        console.print(it)
        if len(r.issues) > len(shown):
            console.print(f"……另有 {len(r.issues) - len(shown)} 条，完整清单见 -o 工作簿的“问题”表或 --format json。")
        if r.overdue:
            rows = "、".join(str(x) for x in r.overdue_rows[:40]) + ("……" if len(r.overdue_rows) > 40 else "")
            console.print(f"逾期 {r.overdue} 条（截至 {s.as_of:%Y-%m-%d} 尚未完成整改）：第 {rows} 行。")
    for a in s.against:
        if a.issues:
            at = Table(title=_escape(f"与统计表核对：{_short(a.path, 60)}"), title_justify="left")
            at.add_column("级别", no_wrap=True)
            at.add_column("位置", no_wrap=True)
            at.add_column("问题", overflow="fold")
            for i in a.issues:
                at.add_row("[red]错误[/]" if i.is_error else "[yellow]提醒[/]", _escape(i.cell or ""), _escape(i.message))
            console.print(at)
        else:
            console.print(f"[green]✓[/] 统计表 {_escape(a.path.name)} 与台账（{_escape('、'.join(a.compared_with))}）一致。")
    grades = "、".join(s.spec.award_grades)
    if s.awards:
        console.print(f"奖励候选（{grades}隐患）共 {len(s.awards)} 条："
                      + "，".join(f"{_escape(d or '未填区市')} {k} 条" for d, k, _ in s.by_district()) + "。")
    else:
        console.print(f"奖励候选（{grades}隐患）：无。")
    for p in written:
        console.print(f"已写入 {_escape(str(p))}")

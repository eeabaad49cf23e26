"""The summary workbook of `cbc aggregate` (汇总, 明细, 报送情况, 问题) and the ranking of `cbc score`.

汇总 is the official 统计表 drawn by the same code as the blank form, filled with the totals and
carrying cbc's identity, so the summary is itself a valid return one level up. Every number is
written as a number (never as a formula: a formula has no value until Excel calculates it, and
readers would see blanks); rates are numbers shown as percentages. Written by xlsxwriter.

Every table sheet opens with its title (summarising unit, period, what the sheet is), then the
header row; both repeat on every printed page. A4 throughout: portrait where the table is
narrow, landscape where wide; 明细, too wide for one page at a readable size, prints in parts
side by side, each part with 序号 and 单位 repeated.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model.edition import LEVEL_NAMES
from ..model.findings import finding_types
from ..model.results import STATUS_NAMES
from .canvas import PLAIN, Canvas, Style, XlsxBook
from .forms import (FONT, TITLE_FONT, break_lines, draw_identity, draw_stats, lines_needed, stats_identity,
                    text_width)

if TYPE_CHECKING:
    from ..model.results import Summary

SUMMARY_SHEET = "汇总"

TABLE_TITLE = Style(font=TITLE_FONT, size=14, bold=True, valign="center")
TH = Style(font=FONT, size=11, bold=True, fill="D9D9D9", border=True, align="center", wrap=True)
# Table cells, where plain, carry no format at all: a thousand-row 明细 writes in a fraction of
# the time. Long texts wrap inside their column, so nothing spills over the next columns.
TD = PLAIN
TD_WRAP = Style(font=FONT, wrap=True, valign="top")
TD_MONEY = Style(number="0.00####")
TD_PERCENT = Style(number="0.0%")
TD_BOLD = Style(font=FONT, bold=True)
SMALL = Style(font=FONT, size=11)
PERCENT = SMALL.but(number="0.0%", align="right")

# A4 printable widths (margins 0.5 in) in Excel column units, and the smallest print scale at
# which 11 pt type stays at 9 pt or more.
PORTRAIT_WIDTH, LANDSCAPE_WIDTH = 93.0, 137.0
MIN_SCALE = 0.82


def _shown_width(v: Any) -> int:
    if isinstance(v, date):
        return 10  # shown as 2020-05-28
    if isinstance(v, float):
        return 8
    shown = str(v)
    return len(shown) if shown.isascii() else text_width(shown)


def _header_text(label: str, width: float) -> str:
    return break_lines(label, width + 1) if text_width(label) > width else label


def draw_table(c: Canvas, title: str, header: list[str], rows: list[list[Any]], *, freeze_cols: int = 0,
               max_width: int = 60, min_width: int = 6, header_width: int = 40, money_cols: set[int] = frozenset(),
               percent_cols: set[int] = frozenset(), wrap_cols: set[int] = frozenset(),
               bold_last: bool = False, split: bool = False) -> None:
    """A table under its title: bold shaded header, fitted columns, frozen header, print-ready.

    Columns in wrap_cols (long texts) wrap at max_width. split: a table too wide for one A4
    landscape page at a readable size prints as several pages side by side, the first
    freeze_cols columns repeated on each."""
    ncols = len(header)
    widths = [float(min(header_width, text_width(h) + 2)) for h in header]
    for col, column in enumerate(zip(*rows)):  # each distinct value once: columns repeat a lot
        distinct = set(column)
        counts = [v for v in distinct if type(v) is int]
        widest = max((_shown_width(v) for v in distinct if v is not None and type(v) is not int), default=0)
        if counts:
            widest = max(widest, len(str(max(counts))), len(str(min(counts))))
        widths[col] = max(widths[col], min(max_width, widest + 2))
    widths = [max(min_width, w) for w in widths]
    for col, w in enumerate(widths, 1):
        c.width(col, w)

    if split and freeze_cols:  # the title stays within the columns every printed part repeats
        parts = title.replace("：", "　").split("　")   # unit / period and form / sheet, a line each
        broken = "\n".join(break_lines(part, sum(widths[:freeze_cols])) for part in parts)
        c.merge(1, 1, 1, freeze_cols, broken, TABLE_TITLE.but(wrap=True))
        c.height(1, 19 * (broken.count("\n") + 1) + 10)
    else:
        c.put(1, 1, title, TABLE_TITLE)
        c.height(1, 30)
    lines = 1
    for col, h in enumerate(header, 1):
        text = _header_text(h, widths[col - 1])
        lines = max(lines, text.count("\n") + 1)
        widest_line = max(text_width(x) for x in text.split("\n")) + 1
        if widest_line > widths[col - 1]:
            widths[col - 1] = widest_line
            c.width(col, widest_line)
        c.put(2, col, text, TH)
    c.height(2, 15 * lines + 8)

    def style(col: int, bold: bool) -> Style:
        base = TD_MONEY if col in money_cols else TD_PERCENT if col in percent_cols else (
            TD_WRAP if col in wrap_cols else TD)
        if wrap_cols:  # rows grow with their texts: every cell of a row starts at its top
            base = base.but(font=FONT, valign="top")
        return base.but(font=FONT, bold=True) if bold else base

    plain = [style(col, False) for col in range(1, ncols + 1)]
    bold = [style(col, True) for col in range(1, ncols + 1)]
    last = len(rows) + 2
    wrapped = [col - 1 for col in sorted(wrap_cols)]
    for r, row in enumerate(rows, 3):
        c.row(r, row, bold if bold_last and r == last else plain)
        if wrapped:  # a row as tall as its longest text needs: nothing is cut off
            n = max(lines_needed(str(row[i]), widths[i]) if row[i] not in (None, "") else 1 for i in wrapped)
            if n > 1:
                c.height(r, 15 * n + 3)
    c.freeze(2, freeze_cols)
    if rows:
        c.autofilter(2, 1, last, ncols)

    total = sum(widths)
    if total <= PORTRAIT_WIDTH / MIN_SCALE * 0.98:
        c.page(landscape=False, last_row=last, last_col=ncols, repeat_rows=(1, 2))
    elif not split or total <= LANDSCAPE_WIDTH / MIN_SCALE * 0.98:
        c.page(landscape=True, last_row=last, last_col=ncols, repeat_rows=(1, 2))
    else:
        kept = sum(widths[:freeze_cols])
        page = LANDSCAPE_WIDTH / MIN_SCALE * 0.95 - kept
        parts = max(2, math.ceil((total - kept) / page))
        c.page(landscape=True, last_row=last, last_col=ncols, repeat_rows=(1, 2), title_cols=freeze_cols, wide=parts)


def finding_title(code: str, edition: Any = None) -> str:
    """A finding's kind in words: the registry's title, else the edition's rule title, else 逻辑核对."""
    known = finding_types().get(code)
    if known is not None:
        return known.title
    return (edition.rule_title(code) if edition is not None else None) or "逻辑核对"


def _with_unit(label: str, unit: str) -> str:
    """A field's header: its label and unit, the unit once (money labels already end in （万元））."""
    return label if label.endswith(f"（{unit}）") else f"{label}（{unit}）"


def summary_book(summary: Summary, made_on: date) -> XlsxBook:
    ed = summary.edition
    fields = ed.stats.fields
    book = XlsxBook()
    city = summary.roster.city.name
    heading = f"{city}　{summary.period.label}“查保促”统计表汇总"

    # 汇总: the official form, one level up
    c = draw_stats(book, ed, unit=city, report_date=made_on, values=summary.totals,
                   protect=False, sheet_name=SUMMARY_SHEET)
    r = ed.stats.note_row + 2
    ind = summary.indicators()
    c.put(r, 1, f"附：{summary.period.label}，计入 {len(summary.counted)} 份报表", SMALL)
    for i, spec in enumerate(ed.stats.indicators, 1):
        c.put(r + i, 1, spec.label, SMALL)
        c.put(r + i, 2, ind.get(spec.code), PERCENT)
    c.page(landscape=False, tall=1, last_row=r + len(ed.stats.indicators), last_col=len(ed.stats.column_widths),
           center=True)

    # 明细: one row per counted return
    header = ["序号", "单位", "层级", "填报日期", "状态", "来源文件"]
    header += [f"{f.no}. {_with_unit(f.label, f.unit)}" for f in fields]
    header += [spec.label for spec in ed.stats.indicators]
    first_value = len(header) - len(fields) - len(ed.stats.indicators) + 1
    rows: list[list[Any]] = []
    sums: dict[str, Any] = {f.code: None for f in fields}
    for n, counted in enumerate(summary.counted, 1):
        res = counted.result
        status = "迟报" if counted.late else ("名册外" if not res.listed else "按时")
        row: list[Any] = [n, res.unit, LEVEL_NAMES.get(res.level or "", ""), res.date, status, res.path.name]
        for f in fields:
            v = res.values.get(f.code)
            row.append(v)
            if v is not None:
                sums[f.code] = (sums[f.code] or 0) + v
        shares = summary.indicators(res.values)
        row += [shares.get(spec.code) for spec in ed.stats.indicators]
        rows.append(row)
    total_row: list[Any] = ["", "合计（下级报表）", "", None, "", f"{len(summary.counted)} 份"]
    total_row += [sums[f.code] for f in fields]
    shares = summary.indicators(sums)
    total_row += [shares.get(spec.code) for spec in ed.stats.indicators]
    rows.append(total_row)
    draw_table(book.sheet("明细"), f"{heading}：明细（各单位报表）", header, rows, freeze_cols=2, max_width=30,
               min_width=6, header_width=10, bold_last=True, split=True,
               money_cols={first_value + i for i, f in enumerate(fields) if f.is_money},
               percent_cols={first_value + len(fields) + i for i in range(len(ed.stats.indicators))})

    # 报送情况: every roster unit
    srows = [[row["unit"], STATUS_NAMES[row["status"]], row["date"], row["deadline"],
              row["path"].name if row["path"] else "", row["errors"], row["warnings"], row["note"]]
             for row in summary.status_rows()]
    draw_table(book.sheet("报送情况"), f"{heading}：报送情况", ["单位", "状态", "填报日期", "截止日期", "文件", "错误数",
                                                           "提醒数", "说明"],
               srows, max_width=32, wrap_cols={1, 5, 8}, header_width=8)

    # 问题: every finding of every return
    prow = []
    labels = ed.stats.by_code
    for res in summary.results:
        for i in res.issues:
            prow.append([res.path.name, res.unit or res.unit_written or "", "错误" if i.is_error else "提醒",
                         finding_title(i.code, ed), labels[i.field].label if i.field in labels else "", i.cell or "",
                         i.value, i.message])
    for i in summary.issues:
        prow.append(["", "", "错误" if i.is_error else "提醒", finding_title(i.code, ed), "", "", i.value, i.message])
    draw_table(book.sheet("问题"), f"{heading}：问题", ["文件", "单位", "级别", "问题类型", "栏目", "位置", "填写的值", "说明"],
               prow, max_width=30, wrap_cols={1, 2, 4, 5, 7, 8}, header_width=8)

    draw_identity(book, stats_identity(ed, city, str(summary.period), sheet=SUMMARY_SHEET, kind="summary"))
    return book


def write_summary(summary: Summary, path: str | Path, *, force: bool = False, made_on: date | None = None) -> Path:
    return summary_book(summary, made_on or date.today()).save(Path(path), force=force)


def ranking_book(ranking: Any, ed: Any, *, unit: str = "", period: str = "") -> XlsxBook:
    """The ranking of self-checks: rank, unit, section subtotals, total, findings; then the
    self-checks that could not be ranked, with the reason."""
    from collections import Counter

    from ..model.period import Period

    sections = [s.name for s in ed.selfcheck.sections]
    book = XlsxBook()
    if not period:  # the period most self-checks name (generated forms carry it)
        named = Counter(p for p in (getattr(r, "period", None) for r in ranking.results) if p)
        if named:
            try:
                period = Period.parse(named.most_common(1)[0][0]).label
            except ValueError:
                period = ""
    heading = "　".join(x for x in (unit, period, f"{ed.selfcheck.title}排名") if x)
    header = ["名次", "企业工会"] + [f"{name}（{ed.selfcheck.section_max(name)}分）" for name in sections]
    header += [f"总得分（{ed.selfcheck.total_max}分）", "提醒", "文件"]
    rows = []
    for rank, r in ranking.ranked:
        subs = r.sections()
        rows.append([rank, r.unit] + [subs.get(n, {}).get("score") for n in sections]
                    + [r.total, "；".join(i.message for i in r.warnings) or "", r.path.name])
    n = len(header)
    draw_table(book.sheet("排名"), heading, header, rows, freeze_cols=2, max_width=36, header_width=8,
               wrap_cols={2, n - 1, n})
    brows = [[r.unit or r.unit_written or "", r.path.name, len(r.errors), "；".join(i.message for i in r.errors)]
             for r in ranking.invalid]
    draw_table(book.sheet("未计入排名"), f"{heading}：未计入排名的自查表", ["企业工会", "文件", "错误数", "原因"], brows,
               max_width=40, wrap_cols={1, 2, 4}, header_width=8)
    return book


def write_ranking(ranking: Any, ed: Any, path: str | Path, *, force: bool = False, unit: str = "",
                  period: str = "") -> Path:
    return ranking_book(ranking, ed, unit=unit, period=period).save(Path(path), force=force)


__all__ = ["draw_table", "ranking_book", "summary_book", "write_ranking", "write_summary"]

"""The summary workbook of `cbc aggregate` (汇总, 明细, 报送情况, 问题) and the ranking of `cbc score`.

汇总 is the official 统计表 drawn by the same code as the blank form, filled with the totals and
carrying cbc's identity, so the summary is itself a valid return one level up. Every number is
written as a number (never as a formula: a formula has no value until Excel calculates it, and
readers would see blanks). Written by xlsx.py, cbc's small writer (see there for why).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model.edition import LEVEL_NAMES
from ..model.results import STATUS_NAMES
from .canvas import PLAIN, Canvas, Style
from .xlsx import XmlBook
from .forms import FONT, draw_identity, draw_stats, stats_identity, text_width

if TYPE_CHECKING:
    from ..model.results import Summary

SUMMARY_SHEET = "汇总"

TH = Style(font=FONT, size=10, bold=True, fill="D9D9D9", border=True, align="center", wrap=True)
# Table cells carry no border (the grid prints as gridlines) and, where plain, no format at all:
# a thousand-row 明细 writes in a fraction of the time.
TD = PLAIN
TD_MONEY = Style(number="0.00####")
TD_BOLD = Style(font=FONT, bold=True)
SMALL = Style(font=FONT, size=10)


def _percent(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _shown_width(v: Any) -> int:
    if isinstance(v, date):
        return 10  # shown as 2020-05-28
    shown = str(v)
    return len(shown) if shown.isascii() else text_width(shown)


def draw_table(c: Canvas, header: list[str], rows: list[list[Any]], *, freeze_cols: int = 0, max_width: int = 60,
               header_width: int = 60, money_cols: set[int] = frozenset(), bold_last: bool = False,
               pages_wide: int = 1, a3: bool = False) -> None:
    """A plain table: bold shaded header, borders, fitted columns, frozen header, print-ready."""
    widths = [min(header_width, text_width(h) + 2) for h in header]
    for col, h in enumerate(header, 1):
        c.put(1, col, h, TH)
    last = len(rows) + 1
    plain = [TD_MONEY if col in money_cols else TD for col in range(1, len(header) + 1)]
    bold = [TD_BOLD.but(number=TD_MONEY.number) if col in money_cols else TD_BOLD for col in range(1, len(header) + 1)]
    for r, row in enumerate(rows, 2):
        c.row(r, row, bold if bold_last and r == last else plain)
    for col, column in enumerate(zip(*rows)):  # each distinct value once: columns repeat a lot
        distinct = set(column)
        counts = [v for v in distinct if type(v) is int]
        widest = max((_shown_width(v) for v in distinct if v is not None and type(v) is not int), default=0)
        if counts:
            widest = max(widest, len(str(max(counts))), len(str(min(counts))))
        widest += 2
        if widest > widths[col]:
            widths[col] = min(max_width, widest)
    for col, w in enumerate(widths, 1):
        c.width(col, min(max_width, max(6, w)))
    c.height(1, 32 if header_width >= 60 else 80)
    c.freeze(1, freeze_cols)
    if rows:
        c.autofilter(1, 1, last, len(header))
    c.page(landscape=True, wide=pages_wide, tall=0, title_rows=1, title_cols=freeze_cols if pages_wide > 1 else 0,
           a3=a3, gridlines=True)


def summary_book(summary: Summary, made_on: date) -> XmlBook:
    ed = summary.edition
    fields = ed.stats.fields
    book = XmlBook()

    # 汇总: the official form, one level up
    c = draw_stats(book, ed, unit=summary.roster.city.name, report_date=made_on, values=summary.totals,
                   protect=False, sheet_name=SUMMARY_SHEET)
    r = ed.stats.note_row + 2
    ind = summary.indicators()
    c.put(r, 1, f"附：{summary.period.label}，计入 {len(summary.counted)} 份报表", SMALL)
    for i, spec in enumerate(ed.stats.indicators, 1):
        c.put(r + i, 1, spec.label, SMALL)
        c.put(r + i, 2, _percent(ind.get(spec.code)), SMALL)
    c.page(landscape=False, last_row=r + len(ed.stats.indicators), last_col=len(ed.stats.column_widths), center=True)

    # 明细: one row per counted return
    header = ["序号", "单位", "层级", "填报日期", "状态", "来源文件"] + [f"{f.no}. {f.label}（{f.unit}）" for f in fields]
    header += [spec.label for spec in ed.stats.indicators]
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
        row += [_percent(summary.indicators(res.values).get(spec.code)) for spec in ed.stats.indicators]
        rows.append(row)
    total_row: list[Any] = ["", "合计（下级报表）", "", None, "", f"{len(summary.counted)} 份"]
    total_row += [sums[f.code] for f in fields]
    total_row += [_percent(summary.indicators(sums).get(spec.code)) for spec in ed.stats.indicators]
    rows.append(total_row)
    draw_table(book.sheet("明细"), header, rows, freeze_cols=2, max_width=24, header_width=12, bold_last=True,
               money_cols={7 + i for i, f in enumerate(fields) if f.is_money}, pages_wide=2, a3=True)

    # 报送情况: every roster unit
    srows = [[row["unit"], STATUS_NAMES[row["status"]], row["date"], row["deadline"],
              row["path"].name if row["path"] else "", row["errors"], row["warnings"], row["note"]]
             for row in summary.status_rows()]
    draw_table(book.sheet("报送情况"), ["单位", "状态", "填报日期", "截止日期", "文件", "错误数", "提醒数", "说明"], srows)

    # 问题: every finding of every return
    prow = []
    labels = ed.stats.by_code
    for res in summary.results:
        for i in res.issues:
            prow.append([res.path.name, res.unit or res.unit_written or "", "错误" if i.is_error else "提醒", i.code,
                         labels[i.field].label if i.field in labels else "", i.cell or "", i.value, i.message])
    for i in summary.issues:
        prow.append(["", "", "错误" if i.is_error else "提醒", i.code, "", "", i.value, i.message])
    draw_table(book.sheet("问题"), ["文件", "单位", "级别", "代码", "栏目", "位置", "填写的值", "说明"], prow, max_width=80)

    draw_identity(book, stats_identity(ed, summary.roster.city.name, str(summary.period), sheet=SUMMARY_SHEET,
                                       kind="summary"))
    return book


def write_summary(summary: Summary, path: str | Path, *, force: bool = False, made_on: date | None = None) -> Path:
    return summary_book(summary, made_on or date.today()).save(Path(path), force=force)


def ranking_book(ranking: Any, ed: Any) -> XmlBook:
    """The ranking of self-checks: rank, unit, section subtotals, total, findings; then the
    self-checks that could not be ranked, with the reason."""
    sections = [s.name for s in ed.selfcheck.sections]
    book = XmlBook()
    header = ["名次", "企业工会"] + [f"{name}（{ed.selfcheck.section_max(name)}分）" for name in sections]
    header += [f"总得分（{ed.selfcheck.total_max}分）", "提醒", "文件"]
    rows = []
    for rank, r in ranking.ranked:
        subs = r.sections()
        rows.append([rank, r.unit] + [subs.get(n, {}).get("score") for n in sections]
                    + [r.total, "；".join(i.message for i in r.warnings) or "", r.path.name])
    draw_table(book.sheet("排名"), header, rows, freeze_cols=2, max_width=50)
    brows = [[r.unit or r.unit_written or "", r.path.name, len(r.errors), "；".join(i.message for i in r.errors)]
             for r in ranking.invalid]
    draw_table(book.sheet("未计入排名"), ["企业工会", "文件", "错误数", "原因"], brows, max_width=80)
    return book


def write_ranking(ranking: Any, ed: Any, path: str | Path, *, force: bool = False) -> Path:
    return ranking_book(ranking, ed).save(Path(path), force=force)


__all__ = ["draw_table", "ranking_book", "summary_book", "write_ranking", "write_summary"]

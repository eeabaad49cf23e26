"""The summary workbook of `cbc aggregate`: 汇总, 明细, 报送情况, 问题.

汇总 is the official 统计表 layout filled with the totals and carrying cbc's identity, so the
summary is itself a valid return one level up. Every number is written as a number (never as
a formula: a formula has no value until Excel calculates it, and readers would see blanks).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .write import (BOX, FONT, HEADER_FILL, build_stats_sheet, put_text, put_value, save_atomic, stats_identity,
                    text_width, write_identity)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..aggregate import Summary

SUMMARY_SHEET = "汇总"
LEVEL_NAMES = {"enterprise": "企业", "county": "县级", "city": "市级"}


def _percent(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _table(ws: Worksheet, header: list[str], rows: list[list[Any]], *, freeze: str = "A2",
           landscape: bool = True, max_width: int = 60, number_formats: dict[int, str] | None = None,
           header_width: int = 60, pages_wide: int = 1) -> None:
    """A plain table: bold shaded header, borders, fitted columns, frozen header, print-ready.

    header_width caps what a (wrapped) header asks of its column's width."""
    from openpyxl.utils import get_column_letter

    widths = [min(header_width, text_width(h) + 2) for h in header]
    for c, h in enumerate(header, 1):
        cell = ws.cell(1, c)
        put_text(cell, h)
        cell.font = Font(name=FONT, size=10, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    for r, row in enumerate(rows, 2):
        for c, v in enumerate(row, 1):
            cell = ws.cell(r, c)
            put_value(cell, v)
            cell.font = Font(name=FONT, size=10)
            cell.border = BOX
            if number_formats and c in number_formats and isinstance(v, (int, float, Decimal)):
                cell.number_format = number_formats[c]
            if isinstance(v, date):
                cell.number_format = "yyyy-mm-dd"
            shown = "2020-05-28" if isinstance(v, date) else ("" if v is None else str(v))
            widths[c - 1] = max(widths[c - 1], min(max_width, text_width(shown) + 2))
    for c, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = min(max_width, max(6, w))
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = freeze
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    if pages_wide > 1:
        ws.page_setup.paperSize = ws.PAPERSIZE_A3
        ws.print_title_cols = "A:B"
    ws.page_margins.left = ws.page_margins.right = 0.4
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"


def summary_workbook(summary: Summary, made_on: date) -> Workbook:
    ed = summary.edition
    fields = ed.stats.fields
    wb = Workbook()
    wb.remove(wb.active)

    # 汇总: the official form, one level up
    ws = build_stats_sheet(wb, ed, unit=summary.roster.city.name, report_date=made_on, values=summary.totals,
                           protect=False, sheet_name=SUMMARY_SHEET)
    r = ed.stats.note_row + 2
    ind = summary.indicators()
    put_text(ws.cell(r, 1), f"附：{summary.period.label}，计入 {len(summary.counted)} 份报表")
    for i, spec in enumerate(ed.stats.indicators, 1):
        put_text(ws.cell(r + i, 1), spec.label)
        put_text(ws.cell(r + i, 2), _percent(ind.get(spec.code)))
    for row in ws.iter_rows(min_row=r, max_row=r + len(ed.stats.indicators)):
        for cell in row:
            cell.font = Font(name=FONT, size=10)
    ws.print_area = f"A1:D{r + len(ed.stats.indicators)}"

    # 明细: one row per counted return
    detail = wb.create_sheet("明细")
    header = ["序号", "单位", "层级", "填报日期", "状态", "来源文件"] + [f"{f.no}. {f.label}（{f.unit}）" for f in fields]
    header += [spec.label for spec in ed.stats.indicators]
    rows: list[list[Any]] = []
    sums: dict[str, Any] = {f.code: None for f in fields}
    for n, c in enumerate(summary.counted, 1):
        res = c.result
        status = "迟报" if c.late else ("名册外" if not res.listed else "按时")
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
    money_cols = {7 + i: "0.00####" for i, f in enumerate(fields) if f.is_money}
    _table(detail, header, rows, freeze="C2", max_width=24, number_formats=money_cols, header_width=12,
           pages_wide=2)
    for cell in detail[len(rows) + 1]:
        cell.font = Font(name=FONT, size=10, bold=True)
    for c in range(7, 7 + len(fields)):
        detail.cell(1, c).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    detail.row_dimensions[1].height = 80

    # 报送情况: every roster unit
    status = wb.create_sheet("报送情况")
    from ..aggregate import STATUS_NAMES

    srows = [[row["unit"], STATUS_NAMES[row["status"]], row["date"], row["deadline"],
              row["path"].name if row["path"] else "", row["errors"], row["warnings"], row["note"]]
             for row in summary.status_rows()]
    _table(status, ["单位", "状态", "填报日期", "截止日期", "文件", "错误数", "提醒数", "说明"], srows)

    # 问题: every finding of every return
    problems = wb.create_sheet("问题")
    prow = []
    labels = ed.stats.by_code
    for res in summary.results:
        for i in res.issues:
            prow.append([res.path.name, res.unit or res.unit_written or "", "错误" if i.is_error else "提醒", i.code,
                         labels[i.field].label if i.field in labels else "", i.cell or "", i.value, i.message])
    for i in summary.issues:
        prow.append(["", "", "错误" if i.is_error else "提醒", i.code, "", "", i.value, i.message])
    _table(problems, ["文件", "单位", "级别", "代码", "栏目", "位置", "填写的值", "说明"], prow, max_width=80)

    write_identity(wb, stats_identity(ed, summary.roster.city.name, str(summary.period), sheet=SUMMARY_SHEET,
                                      kind="summary"))
    wb.active = 0
    return wb


def write_summary(summary: Summary, path: str | Path, *, force: bool = False, made_on: date | None = None) -> Path:
    return save_atomic(summary_workbook(summary, made_on or date.today()), Path(path), force=force)


def ranking_workbook(ranking: Any, ed: Any) -> Workbook:
    """The ranking of self-checks: rank, unit, section subtotals, total, findings; then the
    self-checks that could not be ranked, with the reason."""
    sections = [s.name for s in ed.selfcheck.sections]
    wb = Workbook()
    ws = wb.active
    ws.title = "排名"
    header = ["名次", "企业工会"] + [f"{name}（{ed.selfcheck.section_max(name)}分）" for name in sections]
    header += [f"总得分（{ed.selfcheck.total_max}分）", "提醒", "文件"]
    rows = []
    for rank, r in ranking.ranked:
        subs = r.sections()
        rows.append([rank, r.unit] + [subs.get(n, {}).get("score") for n in sections]
                    + [r.total, "；".join(i.message for i in r.warnings) or "", r.path.name])
    _table(ws, header, rows, freeze="C2", landscape=True, max_width=50)
    bad = wb.create_sheet("未计入排名")
    brows = [[r.unit or r.unit_written or "", r.path.name, len(r.errors), "；".join(i.message for i in r.errors)]
             for r in ranking.invalid]
    _table(bad, ["企业工会", "文件", "错误数", "原因"], brows, max_width=80)
    return wb


def write_ranking(ranking: Any, ed: Any, path: str | Path, *, force: bool = False) -> Path:
    return save_atomic(ranking_workbook(ranking, ed), Path(path), force=force)

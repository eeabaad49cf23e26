"""The hazard ledger's workbooks: the blank ledger of `cbc new-form 台账` (openpyxl, like the
other forms) and the award list of `cbc ledger -o` (cbc's own writer, like the summary).

The blank ledger: a title, the enterprise's name, district and industry, the column headers,
then room for thousands of hazards, each column validated over all of them (dates, the grade
list, the 状态 list). The header is frozen and printed on every page; A4 landscape, one page
wide. The sheet is not protected: people insert rows, sort and filter.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..version import __version__
from .canvas import OpenpyxlBook, Style
from .forms import DATE_MAX, DATE_MIN, FONT, HEAD_LABEL, HEADER, INPUT_CELL, TITLE, draw_identity, save_atomic
from .summary import draw_table

if TYPE_CHECKING:
    from openpyxl import Workbook

    from ..model.edition import Edition, LedgerForm
    from ..model.ledger import LedgerSummary

HEAD_INPUT = INPUT_CELL.but(align="left", shrink=False)
COLUMN_HEAD = HEADER.but(size=10, wrap=True)
DATE_SHOWN = "yyyy-mm-dd"


def _col(col: int) -> str:
    from ..model.cells import col_letters

    return col_letters(col - 1)


def _head_layout(n: int) -> list[tuple[str, int, int, int, int]]:
    """Where the header entries go: (which, first and last label column, first and last input
    column). Each label spans two columns, so it is never cut off by a narrow 序号 column."""
    if n < 12:  # too few columns for the roomy layout: one column each
        return [("unit", 1, 1, 2, max(2, n - 4)), ("district", n - 3, n - 3, n - 2, n - 2),
                ("industry", n - 1, n - 1, n, n)]
    unit_end = max(3, round(n * 0.45))
    return [("unit", 1, 2, 3, unit_end), ("district", unit_end + 1, unit_end + 2, unit_end + 3, unit_end + 4),
            ("industry", unit_end + 5, unit_end + 6, unit_end + 7, min(n, unit_end + 8))]


def new_ledger_workbook(ed: Edition, spec: LedgerForm, *, unit: str | None = None, district: str | None = None,
                        industry: str | None = None, period: str | None = None) -> Workbook:
    """A blank ledger for one enterprise (header entries prefilled where given)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    book = OpenpyxlBook()
    c = book.sheet(spec.sheet)
    ws = c.ws  # type: ignore[attr-defined]
    cols = spec.columns
    n = len(cols)
    for i, col in enumerate(cols, 1):
        c.width(i, col.width)

    t = spec.title_row
    c.merge(t, 1, t, n, spec.title, TITLE)
    c.height(t, 36)

    h = spec.head_row
    labels = {"unit": spec.unit_label, "district": spec.district_label, "industry": spec.industry_label}
    given = {"unit": unit, "district": district, "industry": industry}
    inputs: dict[str, str] = {}
    for which, l0, l1, c0, c1 in _head_layout(n):
        if l1 > l0:
            c.merge(h, l0, h, l1, f"{labels[which]}：", HEAD_LABEL)
        else:
            c.put(h, l0, f"{labels[which]}：", HEAD_LABEL)
        if c1 > c0:
            c.merge(h, c0, h, c1, given[which], HEAD_INPUT)
        else:
            c.put(h, c0, given[which], HEAD_INPUT)
        inputs[which] = f"{_col(c0)}{h}"
    c.height(h, 24)

    hr = spec.header_row
    for i, col in enumerate(cols, 1):
        c.put(hr, i, col.label + ("*" if col.required else ""), COLUMN_HEAD)
    c.height(hr, 40)

    first, last = hr + 1, hr + spec.blank_rows

    def validation(kind: str, formula1: str, formula2: str | None, title: str, prompt: str, error: str,
                   operator: str | None = None) -> Any:
        dv = DataValidation(type=kind, formula1=formula1, formula2=formula2, operator=operator, allow_blank=True)
        dv.showInputMessage = dv.showErrorMessage = True
        dv.errorStyle = "stop"
        dv.promptTitle, dv.prompt = title[:32], prompt[:255]
        dv.errorTitle, dv.error = "输入有误", error[:255]
        ws.add_data_validation(dv)
        return dv

    grades = ",".join(spec.grades)
    statuses = ",".join(spec.statuses)
    major = "、".join(spec.major)
    interim = spec.column("interim")
    for i, col in enumerate(cols, 1):
        rng = f"{_col(i)}{first}:{_col(i)}{last}"
        if col.kind == "date":
            dv = validation("date", str(DATE_MIN), str(DATE_MAX), col.label,
                            f"请填写{col.label}，如 2020-5-28 或 2020/5/28。", "请填写有效日期，如 2020-5-28。",
                            operator="between")
        elif col.kind == "grade":
            dv = validation("list", f'"{grades}"', None, col.label,
                            f"请从下拉列表中选择：{'、'.join(spec.grades)}（{spec.grades[-1]}最严重"
                            + (f"；{major}为重大事故隐患，须填写{interim.label}" if major and interim else "") + "）。",
                            f"请从下拉列表中选择：{'、'.join(spec.grades)}。")
        elif col.kind == "status":
            dv = validation("list", f'"{statuses}"', None, col.label,
                            f"请从下拉列表中选择：{'、'.join(spec.statuses)}。",
                            f"请从下拉列表中选择：{'、'.join(spec.statuses)}。")
        elif col.kind == "number":
            dv = validation("whole", "1", None, col.label, "序号：从1起的整数。", "序号应为从1起的整数。",
                            operator="greaterThanOrEqual")
        else:
            continue
        dv.add(rng)
        if col.kind == "date":  # shown as a date however it is typed
            for r in range(first, last + 1):
                ws.cell(r, i).number_format = DATE_SHOWN
    industries = ",".join(spec.industries)
    dv = validation("list", f'"{industries}"', None, spec.industry_label,
                    f"请选择：{'、'.join(spec.industries)}。", f"请从下拉列表中选择：{'、'.join(spec.industries)}。")
    dv.add(inputs["industry"])

    c.freeze(hr, 0)
    c.autofilter(hr, 1, hr, n)
    c.page(landscape=True, wide=1, tall=0, repeat_rows=(1, hr))
    draw_identity(book, {"generator": f"cbc {__version__}", "form": "ledger", "edition": ed.id,
                         "unit": unit or "", "period": period or "", "sheet": spec.sheet,
                         "header_row": str(hr), "unit_cell": inputs["unit"], "district_cell": inputs["district"],
                         "industry_cell": inputs["industry"]})
    book.wb.active = 0
    return book.wb


def write_ledger_template(path: Path, ed: Edition, spec: LedgerForm, *, force: bool = False, **header: Any) -> Path:
    return save_atomic(new_ledger_workbook(ed, spec, **header), path, force=force)


# --- the award list ---------------------------------------------------------------------------

SMALL = Style(font=FONT, size=10)


def award_book(summary: LedgerSummary) -> Any:
    """奖励候选 (ranked by grade, then date), 按区市统计, and 台账统计 (each ledger's counts)."""
    from .canvas import XlsxBook
    from .summary import finding_title

    spec = summary.spec
    book = XlsxBook()
    heading = f"{summary.period.label}隐患台账"
    label = {c.role: c.label for c in spec.columns}
    header = ["序号", label["finder"], "企业", spec.district_label, label["grade"], label["found_on"], label["content"],
              f"{spec.fixed_status}（截至{summary.end.month}月{summary.end.day}日）", "台账文件", "位置"]
    rows = [[n, a.finder or "", a.unit or "", a.district or "未填", a.grade, a.date, a.content or "",
             "是" if a.fixed else "否", a.path.name, f"{a.sheet}!{a.row}行"] for n, a in enumerate(summary.awards, 1)]
    title = (f"{summary.period.year}年度“查保促”隐患排查奖励候选名单（{spec.award_from}及以上隐患，"
             f"截至{summary.end.month}月{summary.end.day}日，共{len(rows)}条）")
    _titled_table(book.sheet("奖励候选"), title, header, rows, max_width=40)
    drows: list[list[Any]] = [[d or "未填", n, f] for d, n, f in summary.by_district()]
    drows.append(["合计", len(summary.awards), sum(a.fixed for a in summary.awards)])
    draw_table(book.sheet("按区市统计"), f"{heading}：按区市统计", [spec.district_label, f"{spec.award_from}及以上隐患数",
                                          f"其中{spec.fixed_status}"], drows,
               bold_last=True)
    lrows: list[list[Any]] = []
    for r in summary.ledgers:
        lrows.append([r.unit or "", r.district or "", r.industry or "", r.rows if r.readable else "",
                      r.found, r.fixed, r.found_chem, r.fixed_chem, r.overdue, len(r.errors), r.path.name])
    t = summary.totals
    lrows.append(["合计", "", "", sum(r.rows for r in summary.ledgers), t["found"], t["fixed"], t["found_chem"],
                  t["fixed_chem"], t["overdue"], sum(len(r.errors) for r in summary.ledgers),
                  f"{len(summary.ledgers)} 份"])
    draw_table(book.sheet("台账统计"), f"{heading}：台账统计",
               ["企业", spec.district_label, spec.industry_label, "隐患条数", "查出", "整改完成", "化工查出",
                "化工整改完成", "逾期", "错误数", "文件"], lrows, bold_last=True)
    prows = [[r.path.name, r.unit or "", "错误" if i.is_error else "提醒", finding_title(i.code, summary.edition), i.row, i.cell or "", i.value,
              i.message] for r in summary.ledgers for i in r.issues]
    prows += [[a.path.name, a.unit or "", "错误" if i.is_error else "提醒", finding_title(i.code, summary.edition), None, i.cell or "", i.value,
               i.message] for a in summary.against for i in a.issues]
    draw_table(book.sheet("问题"), f"{heading}：问题", ["文件", "企业", "级别", "问题类型", "行", "位置", "填写的值", "说明"],
               prows, max_width=60, wrap_cols={7})
    return book


def _titled_table(c: Any, title: str, header: list[str], rows: list[list[Any]], *, max_width: int) -> None:
    """draw_table's table one row down, under a title printed on every page with the header."""
    from .forms import text_width
    from .summary import TH

    width = len(header)
    c.merge(1, 1, 1, width, title, TITLE.but(size=14))
    c.height(1, 30)
    widths = [text_width(h) + 2 for h in header]
    for col, h in enumerate(header, 1):
        c.put(2, col, h, TH)
    for r, row in enumerate(rows, 3):
        c.row(r, row, [Style()] * width)
        for i, v in enumerate(row):
            shown = 10 if hasattr(v, "isoformat") else text_width(str(v)) + 2 if v is not None else 0
            widths[i] = min(max_width, max(widths[i], shown))
    for col, w in enumerate(widths, 1):
        c.width(col, max(6, w))
    c.height(2, 22)
    c.freeze(2, 0)
    if rows:
        c.autofilter(2, 1, len(rows) + 2, width)
    c.page(landscape=True, wide=1, tall=0, repeat_rows=(1, 2))


def write_awards(summary: LedgerSummary, path: str | Path, *, force: bool = False) -> Path:
    return award_book(summary).save(Path(path), force=force)


__all__ = ["award_book", "new_ledger_workbook", "write_awards", "write_ledger_template"]

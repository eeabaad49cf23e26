"""The 年度考核 workbook of `cbc assess`: one row per roster unit, grouped by level, on A4
landscape; the parts of a score (where weights are set) in their own columns, each headed with
its weight. A second sheet says how every column was made. Drawn on the Canvas API and written
by xlsxwriter, like the summary workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model.assess import HALVES, STATE_NAMES
from ..model.edition import LEVEL_NAMES
from .canvas import Canvas, Style, XlsxBook
from .forms import FONT, TITLE_FONT, text_width

if TYPE_CHECKING:
    from ..model.assess import Assessment, UnitFacts

SHEET = "年度考核"
TITLE = Style(font=TITLE_FONT, size=16, bold=True, align="center")
META = Style(font=FONT, size=10, align="left")
TH = Style(font=FONT, size=9, bold=True, fill="D9D9D9", border=True, align="center", wrap=True)
TD = Style(font=FONT, size=9, border=True, align="center")
TD_LEFT = TD.but(align="left", wrap=True)
TD_PCT = TD.but(number="0.0%")
TD_SCORE = TD.but(number="0.00")
TD_SCORE_BOLD = TD_SCORE.but(bold=True)
TD_DATE = TD.but(number="m月d日")
LEVEL_ROW = Style(font=FONT, size=10, bold=True, fill="F2F2F2", border=True, align="left")
LATE_FILL = "FFEB9C"
BAD_FILL = "FFC7CE"
HALF_LABELS = {"H1": "上半年", "H2": "下半年"}
HALF_COLUMNS = ["情况", "填报日期", "截止日期", "迟报天数", "报送份数", "首次合格"]


def _yes_no(b: bool | None) -> str:
    return "" if b is None else ("是" if b else "否")


def _weight(w: Any) -> str:
    return format(w.normalize(), "f") if hasattr(w, "normalize") else str(w)


def columns(a: Assessment) -> list[tuple[str, str | None, float]]:
    """(header, group header, width) of every column, left to right."""
    cols: list[tuple[str, str | None, float]] = [("序号" if not a.weighted else "名次", None, 5), ("单位", None, 26)]
    for half in HALVES:
        group = f"{a.year}年{HALF_LABELS[half]}"
        cols += [(h, group, w) for h, w in zip(HALF_COLUMNS, (6, 7, 7, 5, 5, 5))]
    cols += [(a.part_labels["fix_rate"], "下半年报表（全年）", 8), (a.part_labels["training_coverage"], "下半年报表（全年）", 8)]
    if a.selfchecks_given:
        cols.append((f"自查得分（满分{a.selfcheck_max}）", None, 7))
    if a.ledgers_given:
        cols += [("台账查出隐患", "隐患台账", 7), ("台账整改隐患", "隐患台账", 7)]
    if a.weighted:
        for key, w in a.config.weights.items():
            cols.append((f"{a.part_labels[key]}（权重{_weight(w)}）", f"考核得分构成（满分{_weight(a.config.full)}）", 8))
        cols.append(("考核得分", None, 7))
    cols.append(("说明", None, 30))
    return cols


def unit_row(a: Assessment, n: int, u: UnitFacts) -> tuple[list[Any], list[Style]]:
    values: list[Any] = [u.rank if a.weighted else n, u.unit]
    styles: list[Style] = [TD, TD_LEFT]
    for half in HALVES:
        h = u.halves[half]
        state_style = TD if h.state == "ok" else TD.but(fill=LATE_FILL if h.state == "late" else BAD_FILL)
        values += [STATE_NAMES[h.state], h.date, h.deadline, h.days_late, h.returns or None, _yes_no(h.first_valid)]
        styles += [state_style, TD_DATE, TD_DATE, TD, TD, TD if h.first_valid is not False else TD.but(fill=LATE_FILL)]
    values += [u.fix_rate, u.training_coverage]
    styles += [TD_PCT, TD_PCT]
    if a.selfchecks_given:
        values.append(u.selfcheck if u.level == "enterprise" else "不适用")
        styles.append(TD)
    if a.ledgers_given:
        values += [u.hazards_found, u.hazards_fixed]
        styles += [TD, TD]
    if a.weighted:
        for key in a.config.weights:
            values.append("不适用" if u.parts is None or key not in u.parts else u.parts[key])
            styles.append(TD_SCORE)
        values.append(u.score)
        styles.append(TD_SCORE_BOLD)
    values.append(note(a, u))
    styles.append(TD_LEFT)
    return values, styles


def note(a: Assessment, u: UnitFacts, *, scaling: bool = True) -> str:
    """What the row's numbers do not say by themselves: the rejection reason, the scaling."""
    parts = []
    for half in HALVES:
        h = u.halves[half]
        if h.state == "rejected":
            parts.append(f"{HALF_LABELS[half]}退回：{h.note}")
        elif h.state == "missing":
            parts.append(f"{HALF_LABELS[half]}未报送")
    if u.below_first_half:
        parts.append("下半年报表有全年累计数少于上半年（cbc aggregate --previous 查看）")
    if scaling and (line := scaling_note(a, u)):
        parts.append(line)
    return "；".join(parts)


def scaling_note(a: Assessment, u: UnitFacts) -> str:
    """Where a part does not apply to the unit: which, and how the rest were scaled."""
    if a.weighted and u.applying is not None and u.applying != a.config.full:
        skipped = "、".join(a.part_labels[k] for k in a.config.weights if u.parts is not None and k not in u.parts)
        return f"{skipped}不适用，其余各项按 {_weight(a.config.full)}/{_weight(u.applying)} 折算"
    return ""


def assess_book(a: Assessment, made_on: date) -> XlsxBook:
    book = XlsxBook()
    c = book.sheet(SHEET)
    cols = columns(a)
    last_col = len(cols)
    c.merge(1, 1, 1, last_col, f"{a.year}年度“查保促”工作考核情况", TITLE)
    c.height(1, 30)
    method = "按设定权重计算考核得分并排名" if a.weighted else "仅列事实，未设权重（不计算考核得分和名次）"
    c.merge(2, 1, 2, last_col, f"汇总单位：{a.city}　　生成日期：{made_on.isoformat()}　　{method}", META)
    # two header rows: groups over their columns, single headers merged down
    col = 1
    while col <= last_col:
        header, group, _ = cols[col - 1]
        if group is None:
            c.merge(3, col, 4, col, header, TH)
            col += 1
            continue
        end = col
        while end < last_col and cols[end][1] == group:
            end += 1
        c.merge(3, col, 3, end, group, TH)
        for k in range(col, end + 1):
            c.put(4, k, cols[k - 1][0], TH)
        col = end + 1
    c.height(3, 18)
    c.height(4, 54)
    for k, (_, _, width) in enumerate(cols, 1):
        c.width(k, width)
    row = 5
    for level, units in a.levels():
        c.merge(row, 1, row, last_col, f"{LEVEL_NAMES.get(level, level)}单位（{len(units)} 个）", LEVEL_ROW)
        row += 1
        for n, u in enumerate(units, 1):
            values, styles = unit_row(a, n, u)
            c.row(row, values, styles)
            lines = max(1, -(-text_width(u.unit) // 24), -(-text_width(values[-1] or "") // 28))
            c.height(row, 14 * lines + 2)
            row += 1
    c.freeze(4, 2)
    c.page(landscape=True, tall=0, last_row=row - 1, last_col=last_col, repeat_rows=(1, 4), center=True)
    explain(book.sheet("说明"), a)
    return book


def explanation(a: Assessment) -> list[str]:
    """How each column was made, in the clerk's words (the workbook's 说明 sheet, the HTML page)."""
    lines = [
        "情况：按时＝截止日期前（含当天）报送且已计入；迟报＝已计入但晚于截止日期；"
        "退回＝报送了但没有一份可计入（有错误、无法读取或不属于本期）；未报＝没有收到报表。",
        "截止日期按名册中各单位的层级："
        + "；".join(f"{LEVEL_NAMES.get(lv, lv)} 上半年 {d['H1'] or '未设'}、下半年 {d['H2'] or '未设'}"
                   for lv, d in a.deadlines.items()),
        "迟报天数：填报日期晚于截止日期的天数（跨月按日历计算）。",
        "报送份数：该单位在该半年文件夹中的全部报表，包括更正件和被退回的报表（文件夹中另一半年的报表不算）。",
        "首次合格：该单位最早的一份报表（按填报日期，再按文件时间）是否无错误、可计入。",
        f"{a.part_labels['fix_rate']}、{a.part_labels['training_coverage']}：取自下半年（11月）报表，为全年累计数。",
    ]
    if a.selfchecks_given:
        lines.append(f"自查得分：企业工会最新一份有效自查表的总得分（满分{a.selfcheck_max}分）；其他层级不适用。")
        if a.selfchecks_unmatched:
            lines.append("以下自查表的单位不是名册中的企业工会，未列入：" + "、".join(a.selfchecks_unmatched))
        if a.selfchecks_invalid:
            lines.append("以下自查表有错误，未计分：" + "、".join(a.selfchecks_invalid))
    if a.weighted:
        lines.append(f"考核得分：各项得分之和（满分{_weight(a.config.full)}）。每项得分＝权重×得分率"
                     "（按时、首次合格为 1 或 0；整改率、覆盖率、自查得分率为 0 至 1，缺数按 0 计）；"
                     "某项对该单位不适用时，其余各项按比例折算到同一满分。同分同名次（如 1、1、3）。")
        lines.append("权重（cbc.toml [assess.weights]）：" + "，".join(
            f"{a.part_labels[k]} {_weight(w)}" for k, w in a.config.weights.items()))
        lines.append("排序：每个层级内按考核得分从高到低；同分时按下述事实排序。")
    lines.append("事实排序：两个半年都按时且首次合格的在前；其次未计入的半年少的在前；再次迟报天数少的在前；"
                 "再次首次不合格的半年少的在前；其余按名册顺序。")
    for half in HALVES:
        if a.unlisted.get(half):
            lines.append(f"{HALF_LABELS[half]}另有名册外单位报送（未列入考核）：" + "、".join(a.unlisted[half]))
    return lines


def explain(c: Canvas, a: Assessment) -> None:
    lines = [f"{a.year}年度“查保促”工作考核情况　说明", *explanation(a)]
    c.width(1, 120)
    for r, text in enumerate(lines, 1):
        c.put(r, 1, text, TITLE.but(size=12, align="left") if r == 1 else META.but(wrap=True))
        c.height(r, 16 * max(1, -(-text_width(text) // 118)) + 2)
    c.page(landscape=True, last_row=len(lines), last_col=1)


def write_assessment(a: Assessment, path: str | Path, *, force: bool = False, made_on: date | None = None) -> Path:
    return assess_book(a, made_on or date.today()).save(Path(path), force=force)


__all__ = ["assess_book", "explanation", "write_assessment"]

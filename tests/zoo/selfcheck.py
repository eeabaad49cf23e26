"""The 自查表 variants: each writes the same enterprise's scores one way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import notice as N
from .build import FULLWIDTH
from .table import Table, Workbook

Variant = Callable[[], tuple[Workbook, dict[int, Any]]]
VARIANTS: dict[str, Variant] = {}


def form(*, columns: tuple[str, ...] = N.SC_COLUMNS, score: Callable[[int, int], Any] = lambda no, s: s,
         title: bool = True, attachment: bool = True, split_text: bool = False, total: bool = True,
         sections_merged: bool = True, remark: str | None = None, unit_row: str = "label-inline",
         scores: dict[int, Any] = N.SCORES) -> Table:
    """A self-check laid out with the columns given: any of 序号, 项目 (the section), 自查内容 (the
    item's text), 满分/分值 (the item's maximum), 得分/自评得分 (the score), 备注."""
    t = Table("自查表")
    r = 0
    if attachment:
        t.put(r, 0, N.SC_ATTACHMENT)
        r += 1
    if title:
        t.put(r, 0, N.SC_TITLE)
        t.merge(r, 0, r, len(columns) - 1)
        r += 1
    if unit_row == "label-inline":
        t.put(r, 0, N.SC_UNIT_LABEL + N.SC_UNIT)
    else:
        t.row(r, N.SC_UNIT_LABEL, N.SC_UNIT)
    r += 1
    t.row(r, *columns)
    r += 1
    first_of_section: dict[str, int] = {}
    for n, item in enumerate(N.ITEMS, 1):
        height = 2 if split_text and len(item.text) > 30 else 1
        for i, col in enumerate(columns):
            if col in ("项目",):
                if item.section not in first_of_section:
                    first_of_section[item.section] = r
                    t.put(r, i, item.section)
                elif not sections_merged:
                    t.put(r, i, item.section)
            elif col == "自查内容":
                if height == 2:
                    t.put(r, i, item.text[:30])
                    t.put(r + 1, i, item.text[30:])
                else:
                    t.put(r, i, item.text)
            elif col in ("满分", "分值", "标准分"):
                t.put(r, i, item.max)
            elif col in ("得分", "自评得分", "自查得分", "实际得分"):
                t.put(r, i, score(item.no, scores[item.no]))
            elif col == "序号":
                t.put(r, i, n)
            elif col == "备注" and remark and item.no % 3 == 0:
                t.put(r, i, remark)
        r += height
    if sections_merged and "项目" in columns:
        c = columns.index("项目")
        rows = sorted(first_of_section.values()) + [r]
        for a, b in zip(rows, rows[1:]):
            if b - 1 > a:
                t.merge(a, c, b - 1, c)
    if total:
        t.put(r, 0, N.SC_TOTAL)
        sc = next(i for i, col in enumerate(columns) if "得分" in col)
        t.put(r, sc, sum(v for v in scores.values() if isinstance(v, int)))
    return t


def variant(name: str, **kw):
    VARIANTS[name] = lambda: (Workbook([form(**kw)]), dict(N.SCORES))


variant("sc-notice")
variant("sc-no-title-no-attachment", title=False, attachment=False)
variant("sc-no-section-column", columns=("自查内容", "得分"))
variant("sc-max-column-before-score", columns=("项目", "自查内容", "满分", "得分"))
variant("sc-fenzhi-ziping", columns=("项目", "自查内容", "分值", "自评得分"))
variant("sc-max-after-score", columns=("项目", "自查内容", "自查得分", "满分"))
variant("sc-remarks-with-text", columns=("项目", "自查内容", "得分", "备注"), remark="已建立制度，见附件")
variant("sc-scores-with-fen", score=lambda no, s: f"{s}分")
variant("sc-fullwidth-scores", score=lambda no, s: str(s).translate(FULLWIDTH))
variant("sc-text-over-two-rows", split_text=True)
variant("sc-seq-column", columns=("序号", "项目", "自查内容", "得分"))
variant("sc-sections-repeated", sections_merged=False)
variant("sc-unit-in-next-cell", unit_row="split")
variant("sc-fenzhi-ziping-remarks-split", columns=("序号", "自查内容", "分值", "自评得分", "备注"),
        remark="有", split_text=True)

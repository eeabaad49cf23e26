"""The 统计表 variants: each one writes the same county return one way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from . import notice as N
from .notice import for_level
from .build import Expect, Style, across, cell_value, expected, grid, head, inline, listing
from .table import Formula, Table, Workbook

Variant = Callable[[], tuple[Workbook, Expect]]
VARIANTS: dict[str, Variant] = {}
# written after the reading model was in, run before any reader change (issue item 7)
FRESH: tuple[str, ...] = ("fresh-grid-value-first-no-title", "fresh-list-seq-unit-remarks-fullwidth",
                          "fresh-across-numbered-real-date", "fresh-inline-two-per-row-bare-header",
                          "fresh-grid-blank-rows-cols-chinese-date")


def variant(name: str):
    def deco(fn):
        VARIANTS[name] = fn
        return fn
    return deco


def one(t: Table, style: Style, values: dict | None = None, **kw) -> tuple[Workbook, Expect]:
    values = dict(N.COUNTY if values is None else values)
    return Workbook([t]), Expect(expected(values, style), **kw)


def _grid(**kw):
    opts = {k: kw.pop(k) for k in ("merge_spans", "swap_pairs", "value_first") if k in kw}
    values = kw.pop("values", N.COUNTY)
    style = Style(**kw)
    return one(grid(values, style, **opts), style, values)


def _list(**kw):
    opts = {k: kw.pop(k) for k in ("heading", "item_heading", "seq", "unit_col", "remarks", "last_year",
                                   "label_rows", "total_row") if k in kw}
    values = kw.pop("values", N.COUNTY)
    style = Style(**kw)
    return one(listing(values, style, **opts), style, values)


def _across(**kw):
    quarters = kw.pop("quarters", False)
    style = Style(**kw)
    return one(across(N.COUNTY, style, quarters=quarters), style)


def _inline(**kw):
    per_row = kw.pop("per_row", 1)
    style = Style(**kw)
    return one(inline(N.COUNTY, style, per_row=per_row), style)


# --- the notice's grid -------------------------------------------------------------------------
variant("grid-notice")(lambda: _grid())
variant("grid-blank-city-fields-and-note")(lambda: _grid(note=True, blank=None))
variant("grid-slash-in-city-fields")(lambda: _grid(blank="/"))
variant("grid-dash-in-city-fields")(lambda: _grid(blank="—"))
variant("grid-budong-in-city-fields")(lambda: _grid(blank="不适用"))
variant("grid-zero-in-city-fields")(lambda: _grid(blank=0))
variant("grid-no-merged-spans")(lambda: _grid(merge_spans=False))
variant("grid-pairs-swapped")(lambda: _grid(swap_pairs=True))
variant("grid-no-title-no-attachment")(lambda: _grid(title=False, attachment=False))
variant("grid-numbered-chinese")(lambda: _grid(numbering="一、"))
variant("grid-numbered-arabic")(lambda: _grid(numbering="1."))
variant("grid-numbered-paren")(lambda: _grid(numbering="(1)"))
variant("grid-label-line-breaks")(lambda: _grid(label_break=True))
variant("grid-numbers-as-text")(lambda: _grid(number="text"))
variant("grid-fullwidth-numbers")(lambda: _grid(number="fullwidth"))
variant("grid-numbers-with-units")(lambda: _grid(number="unit"))
variant("grid-thousands")(lambda: _grid(number="thousands"))
variant("grid-header-inline")(lambda: _grid(header="inline"))
variant("grid-header-one-cell")(lambda: _grid(header="one-cell"))
variant("grid-header-bare")(lambda: _grid(header="bare"))
variant("grid-real-date")(lambda: _grid(date="real"))
variant("grid-bare-real-date")(lambda: _grid(header="bare", date="real"))
variant("grid-dash-date")(lambda: _grid(date="dash"))
variant("grid-split-date")(lambda: _grid(date="split"))
variant("grid-spaced-date")(lambda: _grid(date="spaced"))
variant("grid-chinese-date")(lambda: _grid(date="chinese"))
variant("grid-unit-in-title")(lambda: _grid(header="title-unit"))
variant("grid-no-note")(lambda: _grid(note=False))


@variant("grid-blank-rows-and-columns")
def _():
    style = Style()
    t = grid(N.COUNTY, style)
    t.insert_row(3)
    t.insert_row(9)
    t.insert_col(2)
    t.insert_col(0)
    return one(t, style)


@variant("grid-merged-value-cells")
def _():
    """Every value merged over two columns: label | value (2 cells) | label | value (2 cells)."""
    style = Style()
    t = grid(N.COUNTY, style, merge_spans=False)
    t.insert_col(2)
    t.insert_col(5)
    t.merges = [m for m in t.merges if m[0] != m[2] or m[1] != 0]
    for r in range(t.height):
        if (r, 1) in t.cells or any((r, c) in t.cells for c in (0, 3)):
            if isinstance(t.cells.get((r, 0)), str) and t.cells[(r, 0)] in {f.label for f in N.FIELDS}:
                t.merge(r, 1, r, 2)
                if (r, 3) in t.cells:
                    t.merge(r, 4, r, 5)
    return one(t, style)


@variant("grid-value-first")
def _():
    return _grid(value_first=True)


@variant("grid-formula-uncalculated")
def _():
    values = dict(N.COUNTY, hazards_found=Formula("=150+30"))
    style = Style()
    wb, exp = one(grid(values, style), style, values)
    exp.flag = {"hazards_found"}
    exp.calculated = {"hazards_found": 180}
    return wb, exp


@variant("list-formula-uncalculated")
def _():
    values = dict(N.COUNTY, workers_total=Formula("=3000+200"), trained_total=Formula("=2000+100"))
    style = Style()
    wb, exp = one(listing(values, style), style, values)
    exp.flag = {"workers_total", "trained_total"}
    exp.calculated = {"workers_total": 3200, "trained_total": 2100}
    return wb, exp


@variant("list-labels-over-two-cells")
def _():
    """项目 typed over two cells of its row: 其中化工行业 | 参与职工人数 | 410."""
    style = Style()
    t = Table("统计表")
    r = head(t, 0, style, N.UNIT, N.DAY, width=3)
    t.row(r, "项目", None, "数量")
    t.merge(r, 0, r, 1)
    for f in N.FIELDS:
        r += 1
        cut = len(f.label) // 2 if len(f.label) > 10 else len(f.label)
        t.row(r, f.label[:cut], f.label[cut:] or None, cell_value(N.COUNTY, f.code, style))
    return one(t, style)


@variant("list-enterprise-level")
def _():
    """An enterprise's return: the county and city fields left out of its figures."""
    style = Style(level="enterprise", blank="/")
    values = for_level(N.COUNTY, "enterprise")
    t = listing(values, style, unit="威海某某化工有限公司工会")
    wb, exp = one(t, style, values)
    exp.unit, exp.level = "威海某某化工有限公司工会", "enterprise"
    return wb, exp


# --- a list / vertical table -------------------------------------------------------------------
variant("list-two-columns")(lambda: _list())
variant("list-no-heading")(lambda: _list(heading=None))
variant("list-seq-item-unit-value")(lambda: _list(seq=True, unit_col="before"))
variant("list-unit-after-values")(lambda: _list(unit_col="after"))
variant("list-remarks")(lambda: _list(remarks=True))
variant("list-seq-remarks-unit")(lambda: _list(seq=True, unit_col="before", remarks=True))
variant("list-last-year-before-this")(lambda: _list(heading="本期数", last_year=True))
variant("list-heading-shuliang-numbered")(lambda: _list(numbering="1."))
variant("list-labels-over-two-rows")(lambda: _list(label_rows=2))
variant("list-heading-zhibiao-tianbaoshu")(lambda: _list(item_heading="指标", heading="填报数"))
variant("list-header-inline-real-date")(lambda: _list(header="inline", date="real"))
variant("list-bare-header")(lambda: _list(header="bare"))
variant("list-total-row-below")(lambda: _list(total_row=True))
variant("list-unit-in-title")(lambda: _list(header="title-unit", date="chinese"))

# --- labels across a row, values below ---------------------------------------------------------
variant("across-one-row")(lambda: _across())
variant("across-quarters-and-total")(lambda: _across(quarters=True))
variant("across-label-breaks")(lambda: _across(label_break=True))

# --- label：value in one cell --------------------------------------------------------------------
variant("inline-one-column")(lambda: _inline())
variant("inline-numbers-with-units")(lambda: _inline(number="unit"))


# --- workbooks of several sheets ---------------------------------------------------------------
@variant("sheets-blank-template-first")
def _():
    style = Style()
    blank = grid({k: None for k in N.COUNTY}, replace(style, blank=None), name="空白表样")
    blank.cells = {k: v for k, v in blank.cells.items() if not (isinstance(v, str) and v == N.UNIT)}
    filled = grid(N.COUNTY, style, name="环翠区")
    return Workbook([blank, filled]), Expect(expected(N.COUNTY, style))


@variant("sheets-last-year-beside")
def _():
    """Last year's return on the first sheet, this year's after it: where they differ, cbc
    cannot tell which is meant and must say so."""
    style = Style()
    old = {k: (v + 3 if isinstance(v, int) else v) for k, v in N.COUNTY.items()}
    last = grid(old, style, day=date(2019, 11, 28), name="2019年")
    this = grid(N.COUNTY, style, name="2020年上半年")
    exp = Expect(expected(N.COUNTY, style))
    exp.flag = {k for k in N.COUNTY if old[k] != N.COUNTY[k]}
    exp.date = None  # either sheet's date; checked by the flag
    return Workbook([last, this]), exp


# --- five variants written after the model was in, run before touching the reader ---------------
@variant("fresh-grid-value-first-no-title")
def _():
    return _grid(value_first=True, title=False, attachment=False, header="inline", number="thousands")


@variant("fresh-list-seq-unit-remarks-fullwidth")
def _():
    return _list(seq=True, unit_col="after", remarks=True, number="fullwidth", blank="—", heading="数值")


@variant("fresh-across-numbered-real-date")
def _():
    return _across(numbering="(1)", date="real", header="inline")


@variant("fresh-inline-two-per-row-bare-header")
def _():
    return _inline(per_row=2, header="bare", date="dash")


@variant("fresh-grid-blank-rows-cols-chinese-date")
def _():
    style = Style(date="chinese", blank="/", numbering="一、")
    t = grid(N.COUNTY, style, swap_pairs=True)
    t.insert_row(2)
    t.insert_col(4)
    t.insert_col(2)
    return one(t, style)


# --- found by the property test: each was read as a wrong number before the reader was fixed -----
variant("grid-value-first-split-date")(lambda: _grid(value_first=True, date="split"))


@variant("across-quarters-blank-row-between")
def _():
    style = Style()
    t = across(N.COUNTY, style, quarters=True)
    first = t.find(lambda v: v == "一季度")[0][0]
    t.insert_row(first + 1)
    return one(t, style)


@variant("across-blank-rows-and-columns")
def _():
    style = Style(blank=0)
    t = across(N.COUNTY, style)
    labels = t.find(lambda v: v == N.FIELDS[0].label)[0][0]
    t.insert_row(labels + 1)
    t.insert_row(labels + 1)
    t.insert_col(15)
    t.insert_col(17)
    return one(t, style)

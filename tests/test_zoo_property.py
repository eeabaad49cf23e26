"""The zoo's transformations composed at random (issue 11, item 6): whatever the shape of the
table, the way numbers, labels, the header and the date are typed, blank rows and columns put in,
and the program that saved the file — for every field, the value read back is exactly the value
written, or the file has a finding naming that field. Never a different number."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cbc_cli import validate_file

from .zoo import notice as N
from .zoo.build import Style, across, expected, grid, inline, listing
from .zoo.check import unexplained
from .zoo.table import WRITERS, Formula, Workbook

counts = st.integers(min_value=0, max_value=200_000)
money = st.decimals(min_value=0, max_value=9999, places=2).map(lambda d: d.normalize() if d else Decimal(0))


@st.composite
def returns(draw):
    level = draw(st.sampled_from(["county", "county", "enterprise", "city"]))
    values = {}
    for f in N.FIELDS:
        if level not in f.levels:
            values[f.code] = None
        elif draw(st.integers(0, 12)) == 0:
            values[f.code] = None  # left blank where it should be filled: a finding must name it
        else:
            values[f.code] = draw(money if f.money else counts)
    if draw(st.booleans()) and draw(st.booleans()):
        code = draw(st.sampled_from([f.code for f in N.FIELDS if not f.money and level in f.levels]))
        values[code] = Formula(f"=1+{draw(st.integers(0, 99))}")
    style = Style(
        number=draw(st.sampled_from(["number", "number", "text", "fullwidth", "unit", "thousands"])),
        blank=draw(st.sampled_from([None, "/", "—", "无", "不适用", 0])),
        numbering=draw(st.sampled_from(["", "", "一、", "1.", "(1)"])),
        label_break=draw(st.booleans()),
        header=draw(st.sampled_from(["notice", "inline", "one-cell", "bare", "title-unit", "none"])),
        date=draw(st.sampled_from(["text", "real", "dash", "split", "chinese", "spaced"])),
        attachment=draw(st.booleans()), title=draw(st.booleans()), note=draw(st.booleans()), level=level)
    shape = draw(st.sampled_from(["grid", "list", "across", "inline"]))
    rows_in = True
    if shape == "grid":
        t = grid(values, style, merge_spans=draw(st.booleans()), swap_pairs=draw(st.booleans()),
                 value_first=draw(st.booleans()))
    elif shape == "list":
        label_rows = draw(st.sampled_from([1, 2]))
        t = listing(values, style, heading=draw(st.sampled_from([None, "数量", "本期数", "数值"])),
                    seq=draw(st.booleans()), unit_col=draw(st.sampled_from([None, "before", "after"])),
                    remarks=draw(st.booleans()), last_year=draw(st.booleans()),
                    label_rows=label_rows, total_row=draw(st.booleans()))
        if label_rows == 2:  # a blank row between the two halves of a label is no label any more
            rows_in = False
    elif shape == "across":
        t = across(values, style, quarters=draw(st.booleans()))
    else:
        t = inline(values, style, per_row=draw(st.sampled_from([1, 2])))
    for _ in range(draw(st.integers(0, 3)) if rows_in else 0):
        t.insert_row(draw(st.integers(0, t.height)))
    for _ in range(draw(st.integers(0, 2))):
        t.insert_col(draw(st.integers(0, t.width)))
    writer = draw(st.sampled_from(sorted(WRITERS)))
    return Workbook([t]), expected(values, style), level, writer


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(returns())
def test_a_value_is_read_exactly_or_its_field_is_named(case):
    book, want, level, writer = case
    write, ext = WRITERS[writer]
    with tempfile.TemporaryDirectory() as d:
        r = validate_file(write(book, Path(d) / f"r.{ext}"), level=level)

    class _Expect:
        values = want
    assert unexplained(r, _Expect) == [], (writer, [(i.code, i.field, i.cell) for i in r.issues])


# --- the self-check ------------------------------------------------------------------------------
from .zoo.build import FULLWIDTH  # noqa: E402
from .zoo.selfcheck import form  # noqa: E402

_SC_COLUMNS = [("项目", "自查内容", "得分"), ("自查内容", "得分"), ("项目", "自查内容", "满分", "得分"),
               ("项目", "自查内容", "分值", "自评得分"), ("序号", "项目", "自查内容", "自查得分", "满分"),
               ("序号", "自查内容", "分值", "自评得分", "备注"), ("项目", "自查内容", "得分", "备注")]
_SC_SCORE = {"number": lambda no, s: s, "fen": lambda no, s: f"{s}分",
             "fullwidth": lambda no, s: str(s).translate(FULLWIDTH), "text": lambda no, s: str(s)}


@st.composite
def selfchecks(draw):
    scores = {i.no: (None if draw(st.integers(0, 10)) == 0 else draw(st.integers(0, i.max))) for i in N.ITEMS}
    how = draw(st.sampled_from(sorted(_SC_SCORE)))
    t = form(columns=draw(st.sampled_from(_SC_COLUMNS)),
             score=lambda no, s: None if s is None else _SC_SCORE[how](no, s),
             title=draw(st.booleans()), attachment=draw(st.booleans()), split_text=draw(st.booleans()),
             total=draw(st.booleans()), sections_merged=draw(st.booleans()), remark="见附件",
             unit_row=draw(st.sampled_from(["label-inline", "split"])), scores=scores)
    for _ in range(draw(st.integers(0, 2))):
        t.insert_row(draw(st.integers(2, t.height)))
    for _ in range(draw(st.integers(0, 1))):
        t.insert_col(draw(st.integers(0, t.width)))
    return Workbook([t]), scores, draw(st.sampled_from(sorted(WRITERS)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(selfchecks())
def test_a_score_is_read_exactly_or_its_item_is_named(case):
    from cbc_cli import score_file

    book, scores, writer = case
    write, ext = WRITERS[writer]
    with tempfile.TemporaryDirectory() as d:
        r = score_file(write(book, Path(d) / f"s.{ext}"))
    got = {i.item: i.score for i in r.items}
    for no, want in scores.items():
        named = [i for i in r.issues if i.item == no]
        assert got.get(no) == want or (got.get(no) is None and named), (no, want, got.get(no), writer,
                                                                        [(i.code, i.item, i.cell) for i in r.issues])

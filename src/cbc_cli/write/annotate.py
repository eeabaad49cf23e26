"""Send-back copies: a fresh official form with the unit's values, the offending cells marked.

Something the federation can send back to the unit, and that explains itself on paper:
- each finding is numbered; the cell it is about shows the number in front of its value (×1 for
  an error, △2 for a warning), by its number format, so the value stays a number and sums
  still add up; errors are red, warnings blue, both unlike the pale yellow of the input cells;
- after the form, on a page of its own, the findings are listed with their numbers, the cell of
  this copy they are about, and the message (also a comment on the cell, for the screen);
- a return read by its labels (not a form cbc generated) also carries the cell map: for each
  field, where in the unit's own file its value was read, by which label, and how.

The original file is never touched: the copy is a new workbook built from the definition,
written under a name derived from the original's and kept inside the chosen folder.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..model.cells import parse_ref
from ..model.edition import Edition, get_edition
from ..model.findings import shown
from ..model.results import FileResult
from .canvas import Canvas, OpenpyxlBook, Style

SUFFIX = "_问题标注.xlsx"

ERROR_FILL, ERROR_INK = "FF9C9C", "9C0006"
WARN_FILL, WARN_INK = "9DC3E6", "1F3864"
# how a value was found, in the clerk's words (as `cbc validate --explain` says it)
HOW = {"identity": "cbc 生成的表，按表内标识", "grid": "栏目旁的数值列", "header": "栏目下方一行", "inline": "与栏目同在一格",
       "list": "清单的数值列"}


def annotated_name(result: FileResult) -> str:
    from .files import safe_name_part

    return safe_name_part(result.path.stem, 80) + SUFFIX


def _as_number(text: Any) -> Any:
    """What the unit typed, as a number where it plainly is one ("8", "８分"), else as typed: a
    score kept as text would drop out of the form's SUM."""
    if not isinstance(text, str):
        return text
    t = unicodedata.normalize("NFKC", text).strip().removesuffix("分").strip()
    try:
        d = Decimal(t)
    except InvalidOperation:
        return shown(text)
    if not d.is_finite():
        return shown(text)
    return int(d) if d == d.to_integral_value() else d


def _mark_format(marks: str, number: str | None) -> str:
    """A number format showing the marks before the value, for numbers and text alike."""
    base = number or "General"
    lead = f'"{marks} "'
    return f"{lead}{base};{lead}-{base};{lead}{base};{lead}@"


def _write_marked(book: OpenpyxlBook, c: Canvas, result: Any, target_of: Any, *, sheet: str, ncols: int,
                  last_row: int, out_dir: str | Path, cell_map: list[list[str]] | None = None,
                  force: bool = False) -> Path:
    """Mark each finding on the cell target_of(issue) gives (None: listed only), list them after
    the form, and save."""
    from .forms import LABEL, LABEL_BOLD, NOTE, inside, lines_needed

    ws = book.wb[sheet]
    marks: dict[str, list[tuple[int, Any]]] = {}
    listed: list[tuple[int, Any, str | None]] = []
    for n, issue in enumerate(result.issues, 1):
        target = target_of(issue)
        listed.append((n, issue, target))
        if target is not None:
            marks.setdefault(target, []).append((n, issue))
    for ref, found in marks.items():
        error = any(i.is_error for _, i in found)
        text = "".join(("×" if i.is_error else "△") + str(n) for n, i in found)
        cell = ws[ref]
        r, col = parse_ref(ref)
        style = Style(border=True, align=cell.alignment.horizontal or "center", bold=True,
                      color=ERROR_INK if error else WARN_INK, fill=ERROR_FILL if error else WARN_FILL,
                      number=_mark_format(text, None if cell.number_format == "General" else cell.number_format),
                      locked=False)
        c.put(r + 1, col + 1, cell.value, style)
        for n, i in found:
            c.note(r + 1, col + 1, f"{'×' if i.is_error else '△'}{n} {'错误' if i.is_error else '提醒'}：{i.message}")

    head = LABEL_BOLD.but(fill="D9D9D9")
    width_rest = sum(ws.column_dimensions[chr(64 + k)].width or 10 for k in range(2, ncols + 1))
    row = last_row + 1
    c.page_break(row)
    errors = sum(1 for i in result.issues if i.is_error)
    intro = (f"退回说明：本表共有问题 {len(result.issues)} 条（错误 {errors} 条，提醒 {len(result.issues) - errors} 条）。"
             "表中标“×n”（红色）的单元格有错误，必须改正后重新报送；标“△n”（蓝色）的为提醒，请核对。"
             "下列位置均指本表的单元格。")
    c.merge(row, 1, row, ncols, intro, NOTE.but(size=11, bold=True))
    c.height(row, 15 * lines_needed(intro, width_rest + 20) + 10)
    row += 1
    c.put(row, 1, "序号及位置", head)
    c.merge(row, 2, row, ncols, "问题", head)
    c.height(row, 22)
    for n, issue, target in listed:
        row += 1
        mark = ("×" if issue.is_error else "△") + str(n)
        where = f"{sheet}!{target}" if target else "全表"
        c.put(row, 1, f"{mark}　{where}", LABEL.but(bold=True, color=ERROR_INK if issue.is_error else WARN_INK))
        text = ("错误：" if issue.is_error else "提醒：") + issue.message
        c.merge(row, 2, row, ncols, text, LABEL)
        c.height(row, 15 * lines_needed(text, width_rest) + 10)
    if cell_map:
        row += 2
        intro = ("读取说明：本表不是 cbc 生成的表，cbc 按栏目名称读取了原表。"
                 "下表列出每个栏目的数读自原表的哪个单元格、靠哪个栏目名称找到、怎样找到；如有读错，请按本表格式重新填报。")
        c.merge(row, 1, row, ncols, intro, NOTE.but(size=11, bold=True))
        c.height(row, 15 * lines_needed(intro, width_rest + 20) + 10)
        row += 1
        for k, text in enumerate(["栏目", "读到的值", "原表单元格（栏目所在格）", "怎样找到"][:ncols], 1):
            c.put(row, k, text, head)
        for entry in cell_map:
            row += 1
            for k, text in enumerate(entry[:ncols], 1):
                c.put(row, k, text, LABEL)
            c.height(row, 15 * max(lines_needed(entry[0], ws.column_dimensions["A"].width or 10), 1) + 8)
    c.page(landscape=False, tall=0, last_row=row, last_col=ncols, center=True, repeat_rows=None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return book.save(inside(out, annotated_name(result)), force=force)


def _cell_map(result: FileResult, ed: Edition) -> list[list[str]]:
    """For each field: label, value read, where (and the label's cell), how — as --explain says."""
    from ..model.numbers import fmt_number

    rows = []
    for f in ed.stats.fields:
        label, how = result.sources.get(f.code, (None, None))
        value = result.values.get(f.code)
        where = result.cells.get(f.code) or "（未找到）"
        if label:
            where += f"（{label}）"
        rows.append([f"{f.no}. {f.label}", "" if value is None else fmt_number(value), where,
                     HOW.get(how or "", "没有找到")])
    return rows


def annotate(result: FileResult, out_dir: str | Path, *, edition: Edition | None = None,
             force: bool = False) -> Path | None:
    """Write the send-back copy of one judged return; None when it has no findings or is unreadable."""
    from .forms import draw_identity, draw_stats, stats_identity

    if not result.readable or not result.issues:
        return None
    ed = edition or get_edition(result.edition)
    values: dict[str, object] = dict(result.values)
    for code, text in result.raw.items():  # what the unit typed where it could not be read
        if values.get(code) is None and text not in (None, ""):
            values[code] = shown(text)
    book = OpenpyxlBook()
    unit = result.unit_written or result.unit
    c = draw_stats(book, ed, unit=unit, report_date=result.date, values=values)
    draw_identity(book, stats_identity(ed, unit, result.period))
    fields = ed.stats.by_code

    def target(issue):  # type: ignore[no-untyped-def]
        if issue.field in fields:
            return fields[issue.field].value_cell
        if issue.code in ("unit-missing", "unit-unlisted"):
            return ed.stats.unit_cell
        if issue.code.startswith("date-"):
            return ed.stats.date_cell
        return None

    cell_map = None if result.by_identity else _cell_map(result, ed)
    return _write_marked(book, c, result, target, sheet=ed.stats.sheet, ncols=len(ed.stats.column_widths),
                         last_row=ed.stats.note_row, out_dir=out_dir, cell_map=cell_map, force=force)


def annotate_selfcheck(result, out_dir: str | Path, *, edition: Edition | None = None,  # type: ignore[no-untyped-def]
                       force: bool = False) -> Path | None:
    """The same for a 自查表: a fresh form with the scores (as numbers), the offending items marked."""
    from .forms import draw_identity, draw_selfcheck, selfcheck_identity

    if not result.readable or not result.issues:
        return None
    ed = edition or get_edition(result.edition)
    scores: dict[int, object] = {i.item: i.score for i in result.items if i.score is not None}
    for no, text in result.raw.items():
        if scores.get(no) is None and text not in (None, ""):
            scores[no] = _as_number(text)
    book = OpenpyxlBook()
    unit = result.unit_written or result.unit
    c = draw_selfcheck(book, ed, unit=unit, scores=scores)
    draw_identity(book, selfcheck_identity(ed, unit, result.period))
    sc = ed.selfcheck

    def target(issue):  # type: ignore[no-untyped-def]
        if issue.item is not None:
            return f"C{sc.item_row(issue.item)}"
        if issue.code == "unit-missing":
            return sc.unit_cell
        if issue.code == "total-mismatch":
            return f"C{sc.total_row}"
        return None

    return _write_marked(book, c, result, target, sheet=sc.sheet, ncols=3, last_row=sc.total_row, out_dir=out_dir,
                         force=force)

"""Grid + form definition -> raw field values with their cells, and how each was found.

A workbook made by `cbc new-form` is read exactly, from its identity sheet. Anything else is
read by its labels through the layout model (layout.py for the 统计表; the self-check by its
item texts and its 得分 column). Each located value remembers the label it was found by and
how (identity, grid, header, inline), so that a user can be shown how the file was understood.
Where the layout cannot be told, the field gets a finding instead of a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model.cells import parse_ref, ref
from ..model.findings import Issue, finding
from .grid import Book, Sheet
from .layout import Grid, read_layout
from .words import Kind, norm_label, words_of

if TYPE_CHECKING:
    from ..model.edition import Edition

IDENTITY_SHEET = "_cbc"
HOW_IDENTITY = "identity"


class RawCell(NamedTuple):  # a tuple: some thirty are made for every return
    sheet: str
    cell: str
    raw: Any

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}"


Source = tuple[str | None, str]  # how a value was found: by which label cell, and how (identity, grid, header, inline)
_SOURCES: dict[tuple[str, str, str], Source] = {}


def _source(sheet: str, label: str, how: str) -> Source:
    """The one Source for a sheet's label cell and a way of finding: every return of a form has
    the same ones (made once; and results sent back from a worker carry each only once)."""
    key = (sheet, label, how)
    known = _SOURCES.get(key)
    if known is None:
        if len(_SOURCES) >= 4096:  # many layouts or sheet names: start again
            _SOURCES.clear()
        known = _SOURCES[key] = (f"{sheet}!{label}", how)
    return known


@dataclass
class Located:
    form: str                                   # "stats" | "selfcheck"
    sheet: str
    by_identity: bool = False
    identity: dict[str, str] = field(default_factory=dict)
    fields: dict[str, RawCell] = field(default_factory=dict)   # stats: field code -> cell
    sources: dict[str, Source] = field(default_factory=dict)   # stats: field code -> how found
    problems: dict[str, Issue] = field(default_factory=dict)   # a field whose place cannot be told
    items: dict[int, RawCell] = field(default_factory=dict)    # selfcheck: item no -> score cell
    item_problems: dict[int, Issue] = field(default_factory=dict)
    unit: RawCell | None = None
    date: RawCell | None = None
    total: RawCell | None = None                # selfcheck: a total written on the sheet
    drills: RawCell | None = None               # selfcheck: number of drills, where the form has it


class FormNotFound(Exception):
    """No sheet of the workbook looks like the form."""


# --- identity --------------------------------------------------------------------------------

def read_identity(book: Book) -> dict[str, str]:
    sheet = book.sheet(IDENTITY_SHEET)
    if sheet is None or not sheet.rows or sheet.value(0, 0) != "cbc":
        return {}
    out: dict[str, str] = {}
    for row in sheet.rows[1:]:
        if len(row) >= 2 and isinstance(row[0], str):
            out[row[0]] = "" if row[1] is None else str(row[1])
    return out


def _identity_cells(ed: Edition) -> list[tuple[str, str, str, str, tuple[int, int], str]]:
    """Per field, once per edition: code, identity key, value cell, label cell, the label cell's
    (row, column) and the label as norm_label reads it."""
    return [(f.code, f"field:{f.code}", f.value_cell, f.label_cell, parse_ref(f.label_cell), norm_label(f.label))
            for f in ed.stats.fields]


def _identity_fits(sheet: Sheet, ed: Edition) -> bool:
    """The form's labels are still where the identity says (no rows inserted or deleted)."""
    for _, _, _, _, (r, c), label in ed.derived("identity-cells", _identity_cells):
        value = sheet.value(r, c)
        if not isinstance(value, str) or norm_label(value) != label:
            return False
    return True


# --- the statistics return -------------------------------------------------------------------

def locate_stats(book: Book, ed: Edition) -> Located:
    ident = read_identity(book)
    if ident.get("form") == "stats" and ident.get("edition") == ed.id:
        sheet = book.sheet(ident.get("sheet", ed.stats.sheet))
        if sheet is not None and _identity_fits(sheet, ed):
            return _from_identity(sheet, ident, ed)
    forms: list[tuple[tuple[int, int, int], Located]] = []
    for sheet in book.sheets:
        if sheet.name == IDENTITY_SHEET:
            continue
        found = _by_labels(sheet, ed)
        labels = len(found.fields) + len(found.problems)
        if labels >= 3:  # a blank template beside the filled form loses to it
            forms.append(((_filled(found), labels, 2 if sheet.visible else 0), found))
    if not forms:
        raise FormNotFound(ed.stats.title)
    # the fullest sheet; between equals the last one (a new period's copy is usually added after)
    best = max(enumerate(forms), key=lambda f: (f[1][0], f[0]))[1][1]
    others = [f for _, f in forms if f is not best and _filled(f)]
    if others:
        _sheets_disagree(best, others, ed)
    best.identity = ident
    return best


def _filled(loc: Located) -> int:
    return sum(1 for rc in loc.fields.values() if rc.raw is not None and not (isinstance(rc.raw, str) and not rc.raw.strip()))


def _sheets_disagree(best: Located, others: list[Located], ed: Edition) -> None:
    """Two filled copies of the form in one workbook (last year's beside this one, a draft beside
    the final): where they differ, cbc cannot tell which sheet is meant — a finding per field,
    naming the cells, never a pick."""
    from .layout import _same

    for code, rc in list(best.fields.items()):
        cells = [rc] + [o.fields[code] for o in others if code in o.fields]
        if len({_same(c.raw) for c in cells}) > 1:
            del best.fields[code]
            best.problems[code] = finding(
                "sheet-unclear", field=code, cell=rc.where, label=ed.stats.by_code[code].label,
                cells="、".join(f"{c.where}：{_shown(c.raw)}" for c in cells))


def _shown(raw: Any) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "空"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return " ".join(str(raw).split())


def _from_identity(sheet: Sheet, ident: dict[str, str], ed: Edition) -> Located:
    loc = Located("stats", sheet.name, by_identity=True, identity=ident)
    name, fields, sources, at = sheet.name, loc.fields, loc.sources, sheet.at
    for code, key, value_cell, label_cell, _, _ in ed.derived("identity-cells", _identity_cells):
        cell = ident.get(key, value_cell)
        fields[code] = RawCell(name, cell, at(cell))
        sources[code] = _source(name, label_cell, HOW_IDENTITY)
    unit_cell = ident.get("unit_cell", ed.stats.unit_cell)
    date_cell = ident.get("date_cell", ed.stats.date_cell)
    loc.unit = RawCell(sheet.name, unit_cell, sheet.at(unit_cell))
    loc.date = RawCell(sheet.name, date_cell, sheet.at(date_cell))
    return loc


def _parents(ed: Edition) -> dict[str, str | None]:
    return {f.code: f.parent for f in ed.stats.fields}


def _by_labels(sheet: Sheet, ed: Edition) -> Located:
    layout = read_layout(sheet, words_of(ed), ed.derived("parents", _parents))
    loc = Located("stats", sheet.name)
    for code, p in layout.placed.items():
        label = ref(p.label.row, p.label.col)
        loc.sources[code] = _source(sheet.name, label, p.how)
        if p.problem is not None:  # at the cell it is about, else at the field's label
            loc.problems[code] = _at(p.problem, sheet.name, p.problem.cell or label)
            continue
        loc.fields[code] = RawCell(sheet.name, ref(p.row, p.col), p.raw)  # type: ignore[arg-type]
    if layout.unit is not None:
        r, c, v = layout.unit
        loc.unit = RawCell(sheet.name, ref(r, c), v)
    if layout.date is not None:
        r, c, v = layout.date
        loc.date = RawCell(sheet.name, ref(r, c), v)
    return loc


def _at(issue: Issue, sheet: str, cell: str) -> Issue:
    """The finding placed on its sheet ('D5' -> '统计表!D5')."""
    from dataclasses import replace

    return replace(issue, cell=f"{sheet}!{cell}")


__all__ = ["FormNotFound", "Located", "RawCell", "Source", "locate_selfcheck", "locate_stats", "norm_label",
           "read_identity"]


# --- the self-check ----------------------------------------------------------------------------

_ITEM_NO = re.compile(r"^\s*(\d{1,2})\s*[.、．,，]")
_PREFIX = 8  # characters of an item's text that identify it, after its number


def _item_keys(ed: Edition) -> dict[int, str]:
    return {i.no: norm_label(i.text) for i in ed.selfcheck.items}


def locate_selfcheck(book: Book, ed: Edition) -> Located:
    """A 自查表: from its identity, else by the item texts ('1.' … '11.')."""
    ident = read_identity(book)
    if ident.get("form") == "selfcheck" and ident.get("edition") == ed.id:
        sheet = book.sheet(ident.get("sheet", ed.selfcheck.sheet))
        if sheet is not None and _selfcheck_identity_fits(sheet, ed):
            loc = Located("selfcheck", sheet.name, by_identity=True, identity=ident)
            for item in ed.selfcheck.items:
                cell = ident.get(f"item:{item.no}", f"C{ed.selfcheck.item_row(item.no)}")
                loc.items[item.no] = RawCell(sheet.name, cell, sheet.at(cell))
            unit_cell = ident.get("unit_cell", ed.selfcheck.unit_cell)
            loc.unit = RawCell(sheet.name, unit_cell, sheet.at(unit_cell))
            total_cell = ident.get("total_cell")
            if total_cell:
                loc.total = RawCell(sheet.name, total_cell, sheet.at(total_cell))
            return loc
    best: Located | None = None
    for sheet in book.sheets:
        if sheet.name == IDENTITY_SHEET:
            continue
        found = _selfcheck_by_text(sheet, ed)
        if best is None or len(found.items) + len(found.item_problems) > len(best.items) + len(best.item_problems):
            best = found
    if best is None or len(best.items) + len(best.item_problems) < max(3, len(ed.selfcheck.items) // 2):
        raise FormNotFound(ed.selfcheck.title)
    best.identity = ident
    return best


def _selfcheck_identity_fits(sheet: Sheet, ed: Edition) -> bool:
    for item in ed.selfcheck.items:
        value = sheet.value(ed.selfcheck.item_row(item.no) - 1, 1)
        if not isinstance(value, str) or norm_label(value)[:_PREFIX] != norm_label(item.text)[:_PREFIX]:
            return False
    return True


def _item_of(text: str, keys: dict[int, str], by_prefix: dict[str, int]) -> int | None:
    """The item a cell's text starts: its number and the start of its text, or the start alone."""
    key = norm_label(text)
    m = _ITEM_NO.match(text)
    no = int(m.group(1)) if m else None
    if no in keys:
        want = keys[no]
        if key[:_PREFIX] == want[:_PREFIX] or (len(key) >= 2 and want.startswith(key)):
            return no
    return by_prefix.get(key[:_PREFIX]) if len(key) >= _PREFIX else None


def _selfcheck_by_text(sheet: Sheet, ed: Edition) -> Located:
    sc = ed.selfcheck
    rd = sc.reading
    words = words_of(ed)
    keys = _item_keys(ed)
    by_prefix = {v[:_PREFIX]: k for k, v in keys.items()}
    score_heads = {norm_label(w) for w in rd.score_headers}
    max_heads = {norm_label(w) for w in rd.max_headers}
    other_heads = {norm_label(w) for w in (*ed.reading.remark_headers, *ed.reading.number_headers)} | max_heads
    totals = {norm_label(w) for w in (*rd.total_labels, sc.total_label)}
    unit_keys = tuple(norm_label(k) for k in rd.unit_keys)
    title = norm_label(sc.title)
    drill_item = next((i for i in sc.items if i.drills_label), None)
    drills_key = norm_label(drill_item.drills_label) if drill_item and drill_item.drills_label else None

    loc = Located("selfcheck", sheet.name)
    g = Grid(sheet, words)
    score_cols: list[int] = []
    not_score: set[int] = set()
    total_at: tuple[int, int] | None = None
    drills_at: tuple[int, int, str] | None = None
    unit_at: tuple[int, int, str] | None = None
    hits: dict[int, tuple[int, int]] = {}
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if not isinstance(value, str) or not value.strip():
                continue
            key = norm_label(value)
            if key in score_heads:
                score_cols.append(c)
                continue
            if key in other_heads:
                not_score.add(c)
                continue
            if key in totals:
                total_at = total_at or (r, c)
                continue
            if key.startswith(unit_keys) and (key in unit_keys or not (key in title or title in key)):
                unit_at = unit_at or (r, c, value)
                continue
            if drills_key and key.startswith(drills_key):
                drills_at = (r, c, value)
                continue
            no = _item_of(value, keys, by_prefix)
            if no is not None:
                hits.setdefault(no, (r, c))
    if not hits:
        return loc
    text_col = min(c for _, c in hits.values())
    rows = sorted(r for r, _ in hits.values())
    col, unclear = _score_column(g, hits, score_cols, not_score, text_col)
    bounds = rows[1:] + [total_at[0] if total_at else rows[-1] + 2]
    next_row = dict(zip(rows, bounds))
    for no, (r, c) in sorted(hits.items()):
        if unclear:
            loc.item_problems[no] = finding("layout-unclear", "score-columns", item=no, cell=f"{sheet.name}!{ref(r, c)}",
                                            cells="、".join(ref(r, cc) for cc in unclear[:4]))
            continue
        cc = col if col is not None else g.end(r, c)[1] + 1
        last = min(max(r, next_row.get(r, r + 1) - 1), r + 2)
        rr = _score_row(g, r, last, cc, c)
        rr, cc = g.top_left(rr, cc)
        loc.items[no] = RawCell(sheet.name, ref(rr, cc), sheet.value(rr, cc))
    if total_at:
        r, c = total_at
        cc = col if col is not None and col > c else g.end(r, c)[1] + 1
        rr, cc = g.top_left(r, cc)
        loc.total = RawCell(sheet.name, ref(rr, cc), sheet.value(rr, cc))
    if unit_at:
        loc.unit = _header_entry(g, unit_at, unit_keys)
    if drills_at:
        loc.drills = _header_entry(g, drills_at, (drills_key,) if drills_key else ())
    return loc


def _score_column(g: Grid, hits: dict[int, tuple[int, int]], headed: list[int], not_score: set[int],
                  text_col: int) -> tuple[int | None, list[int]]:
    """The column of the scores: the one headed 得分 (nearest right of the item texts); else the
    one column right of the texts holding figures in the item rows (two such columns with no
    header: cannot tell); else None (the cell right of each item's text)."""
    right = sorted(c for c in headed if c > text_col)
    if right:
        return right[0], []
    candidates = []
    for c in range(text_col + 1, g.width):
        if c in not_score or any(g.end(r, text_col)[1] >= c for r, _ in hits.values()):
            continue
        kinds = [g.kind(r, c).kind for r, _ in hits.values()]
        figures = sum(k in (Kind.NUMBER, Kind.NOT_APPLICABLE) for k in kinds)
        if figures and sum(k is Kind.TEXT for k in kinds) <= max(1, figures // 3):
            candidates.append(c)
    if len(candidates) == 1:
        return candidates[0], []
    if len(candidates) > 1:
        return None, candidates
    return None, []


def _score_row(g: Grid, first: int, last: int, col: int, text_col: int) -> int:
    """An item's text may run over two rows: its score is on whichever of them holds one."""
    filled = []
    for r in range(first, last + 1):
        if r > first and g.kind(r, text_col).kind not in (Kind.TEXT, Kind.EMPTY):
            break
        if g.kind(r, col).kind is not Kind.EMPTY:
            filled.append(g.top_left(r, col)[0])
    filled = sorted(set(filled))
    return filled[0] if len(filled) == 1 else first


def _header_entry(g: Grid, at: tuple[int, int, str], keys: tuple[str, ...]) -> RawCell:
    """企业工会：… — in the label's own cell, or the next filled cell to its right."""
    from .words import _after_key

    r, c, text = at
    key = next((k for k in keys if norm_label(text).startswith(k)), "")
    inline = _after_key(text, key) if key else ""
    name = g.sheet.name
    if inline:
        return RawCell(name, ref(r, c), inline)
    for cc in range(g.end(r, c)[1] + 1, g.width):
        if g.top_left(r, cc) != (r, cc):
            continue
        v = g.sheet.value(r, cc)
        if v is not None and not (isinstance(v, str) and not v.strip()):
            return RawCell(name, ref(r, cc), v)
    return RawCell(name, ref(r, g.end(r, c)[1] + 1), None)

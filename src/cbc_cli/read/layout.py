"""The layout of a hand-typed 统计表: find every label, then decide for the table as a whole
where its values sit.

- header over values: labels side by side across a row, each value in the row below (or in a
  合计 row, when several rows of figures follow);
- columns of labels (the notice's grid label|value|label|value, a two-column list, a vertical
  table 序号 | 项目 | 单位 | 数量): each column of labels gets one column of values, chosen for
  the whole table — by its header (数量, 数值, 本期数 …), else the nearest column that holds
  numbers and is not a column of unit words, row numbers or remarks; to the right of the
  labels, or to the left when that is how the whole table is laid out;
- inline: '参与职工人数：120' in one cell.

A label's value cell is the one the layout gives, even when that cell is empty: blank stays
blank. Another label, a note, a unit word or a column header is never a value. Where the layout
cannot be told (two columns of numbers with no header, a label twice with different values, a
cell where the layout says a value is but that holds something else), the field gets a finding
that names it and the candidate cells — never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model.cells import ref
from ..model.findings import Issue, finding
from .grid import Sheet
from .words import HEADERS, NEVER_VALUE, VALUE_LIKE, Cell, Kind, Words, _after_key, looks_like_date, norm_label

HOW_GRID = "grid"        # a column of labels with its column of values (the notice's grid, a list)
HOW_HEADER = "header"    # labels across a row, values below
HOW_INLINE = "inline"    # '标签：值' in one cell


@dataclass
class Hit:
    """A label found on the sheet."""

    row: int
    col: int
    end_col: int                 # the last column the label covers (merged, or broken over two cells)
    end_row: int                 # the last row it covers
    codes: tuple[str, ...]
    inline: Any = None
    code: str | None = None


@dataclass
class Placed:
    """Where a field's value is, and how that was decided."""

    code: str
    row: int | None
    col: int | None
    label: Hit
    how: str
    raw: Any = None
    problem: Issue | None = None


@dataclass
class Layout:
    placed: dict[str, Placed] = field(default_factory=dict)
    unit: tuple[int, int, Any] | None = None     # (row, col, value)
    date: tuple[int, int, Any] | None = None
    first_row: int = 0                           # the table's first and last label rows
    last_row: int = 0

    @property
    def label_count(self) -> int:
        return len(self.placed)


class Grid:
    """A sheet's cells, classified once."""

    def __init__(self, sheet: Sheet, words: Words):
        self.sheet = sheet
        self.words = words
        self.kinds: list[list[Cell]] = [[words.classify(v) for v in row] for row in sheet.rows]
        self.width = max((len(r) for r in sheet.rows), default=0)
        # merged ranges: every covered cell -> the range's top-left
        self.owner: dict[tuple[int, int], tuple[int, int]] = {}
        self.extent: dict[tuple[int, int], tuple[int, int]] = {}
        for (r0, c0), (r1, c1) in sheet.merged:
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 10_000:  # not a merge a form would have
                continue
            self.extent[(r0, c0)] = (r1, c1)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self.owner[(r, c)] = (r0, c0)

    def kind(self, r: int, c: int) -> Cell:
        r, c = self.owner.get((r, c), (r, c))
        if 0 <= r < len(self.kinds) and 0 <= c < len(self.kinds[r]):
            return self.kinds[r][c]
        return Cell(Kind.EMPTY)

    def value(self, r: int, c: int) -> Any:
        r, c = self.owner.get((r, c), (r, c))
        return self.sheet.value(r, c)

    def top_left(self, r: int, c: int) -> tuple[int, int]:
        return self.owner.get((r, c), (r, c))

    def end(self, r: int, c: int) -> tuple[int, int]:
        return self.extent.get((r, c), (r, c))


def read_layout(sheet: Sheet, words: Words, parents: dict[str, str | None]) -> Layout:
    g = Grid(sheet, words)
    hits = _find_labels(g)
    _resolve_twins(hits, parents)
    layout = Layout()
    if not hits:
        return layout
    layout.first_row = min(h.row for h in hits)
    layout.last_row = max(h.end_row for h in hits)
    label_cells = {(h.row, h.col) for h in hits}

    inline = [h for h in hits if h.inline is not None]
    if len(inline) >= 3:  # a sheet of '标签：值' cells: '标签：' with nothing after it is a blank
        for h in hits:
            text = g.sheet.value(h.row, h.col)
            if h.inline is None and isinstance(text, str) and text.rstrip().endswith((":", "：")) \
                    and g.kind(h.row, h.end_col + 1).kind in (Kind.LABEL, Kind.EMPTY):
                h.inline = ""
                inline.append(h)
    header = _header_rows(g, [h for h in hits if h.inline is None])
    columns = [h for h in hits if h.inline is None and id(h) not in header]

    found: list[Placed] = []
    for h in inline:
        found.append(Placed(h.code or "", h.row, h.col, h, HOW_INLINE, h.inline or None))
    for h in [h for h in hits if id(h) in header]:
        r, c, problem = header[id(h)]
        found.append(_placed(g, h, r, c, HOW_HEADER, problem))
    found.extend(_by_columns(g, columns))
    _settle(g, found, layout)
    _header_entries(g, layout, label_cells)
    return layout


# --- labels ----------------------------------------------------------------------------------

def _find_labels(g: Grid) -> list[Hit]:
    hits: list[Hit] = []
    used: set[tuple[int, int]] = set()
    for r, row in enumerate(g.kinds):
        for c, cell in enumerate(row):
            if (r, c) in used:
                continue
            if cell.kind is Kind.LABEL:
                er, ec = g.end(r, c)
                hits.append(Hit(r, c, ec, er, cell.codes, cell.inline))
            elif cell.kind is Kind.TEXT and g.words.is_label_start(g.sheet.rows[r][c]):
                joined = _joined_label(g, r, c)
                if joined is not None:
                    (r2, c2), codes = joined
                    used.add((r2, c2))
                    er, ec = g.end(r2, c2)
                    hits.append(Hit(r, c, max(ec, g.end(r, c)[1]), max(er, g.end(r, c)[0]), codes))
    return hits


def _joined_label(g: Grid, r: int, c: int) -> tuple[tuple[int, int], tuple[str, ...]] | None:
    """A label broken over two cells: this one and the next to the right, or the one below."""
    first = g.sheet.rows[r][c]
    er, ec = g.end(r, c)
    for r2, c2 in ((r, ec + 1), (er + 1, c)):
        second = g.sheet.value(r2, c2)
        # the second part may read as a label of its own (其中化工行业 | 查出安全隐患数)
        if isinstance(second, str) and g.kind(r2, c2).kind in (Kind.TEXT, Kind.LABEL) \
                and g.kind(r2, c2).inline is None:
            codes = g.words.label_codes(first + second)
            if codes:
                return (r2, c2), codes
    return None


def _resolve_twins(hits: list[Hit], parents: dict[str, str | None]) -> None:
    """Give each hit its field; a label shared by several fields (其中奖励化工行业职工人数) goes to
    the field whose parent label is the nearest one before it (same row to the left, or rows
    above)."""
    order = sorted(range(len(hits)), key=lambda i: (hits[i].row, hits[i].col))
    seen_count: dict[tuple[str, ...], int] = {}
    for h in hits:
        if len(h.codes) == 1:
            h.code = h.codes[0]
    for pos, i in enumerate(order):
        h = hits[i]
        if len(h.codes) == 1:
            h.code = h.codes[0]
            continue
        wanted = {parents.get(code): code for code in h.codes if parents.get(code)}
        # its parent on the same row (on either side: pairs may be swapped), else the nearest before
        # (the nearest to its left, as the notice has it; else the nearest to its right)
        beside = sorted((o.col > h.col, abs(o.col - h.col), o.code) for o in hits
                        if o.row == h.row and o is not h and o.code in wanted)
        if beside:
            h.code = wanted[beside[0][2]]
            seen_count[h.codes] = seen_count.get(h.codes, 0) + 1
            continue
        for j in reversed(order[:pos]):
            prev = hits[j]
            if prev.code in wanted:
                h.code = wanted[prev.code]
                break
        if h.code is None:  # no parent before it: take the twins in the order of the form
            k = seen_count.get(h.codes, 0)
            h.code = h.codes[min(k, len(h.codes) - 1)]
        seen_count[h.codes] = seen_count.get(h.codes, 0) + 1


# --- header over values ----------------------------------------------------------------------

def _header_rows(g: Grid, hits: list[Hit]) -> dict[int, tuple[int | None, int | None, Issue | None]]:
    """Labels side by side across a row (no room for a value between them): each one's value is
    below it. Returns id(hit) -> (row, col, problem)."""
    by_row: dict[int, list[Hit]] = {}
    for h in hits:
        by_row.setdefault(h.row, []).append(h)
    out: dict[int, tuple[int | None, int | None, Issue | None]] = {}
    for row, group in by_row.items():
        group.sort(key=lambda h: h.col)
        side_by_side = [h for i, h in enumerate(group)
                        if (i + 1 < len(group) and group[i + 1].col == h.end_col + 1)
                        or (i > 0 and group[i - 1].end_col + 1 == h.col)]
        if len(group) >= 3 and all(g.kind(row, c).kind is Kind.EMPTY for a, b in zip(group, group[1:])
                                   for c in range(a.end_col + 1, b.col)):
            side_by_side = group  # three or more labels across a row, only blank columns between
        if len(side_by_side) < 2:
            continue
        bottom = max(h.end_row for h in side_by_side)
        data_rows = _data_rows(g, bottom + 1, [h.col for h in side_by_side])
        chosen, problem_rows = _choose_data_row(g, data_rows, {h.col for h in side_by_side})
        for h in side_by_side:
            if chosen is None and problem_rows:
                cells = "、".join(ref(r, h.col) for r in problem_rows[:4])
                out[id(h)] = (None, None, finding("layout-unclear", "rows", field=h.code,
                                                  label=_label_of(g, h), cells=cells))
            else:
                out[id(h)] = (chosen if chosen is not None else (data_rows[0] if data_rows else bottom + 1), h.col, None)
    return out


def _data_rows(g: Grid, start: int, cols: list[int]) -> list[int]:
    """Rows from start holding figures under the header's columns, until a row that does not.
    Up to three blank rows (put in between the labels and the figures, or between rows of figures)
    are stepped over when figures follow them."""

    def kinds(r: int) -> list[Kind]:
        return [g.kind(r, c).kind for c in cols]

    def figures_at(r: int) -> bool:
        ks = kinds(r)
        return any(k in VALUE_LIKE for k in ks) and not any(k in NEVER_VALUE for k in ks)

    def blank_then_figures(r: int) -> int | None:
        for rr in range(r, min(len(g.kinds), r + 4)):
            if figures_at(rr):
                return rr
            if not all(k is Kind.EMPTY for k in kinds(rr)):
                return None
        return None

    rows: list[int] = []
    r = start
    while r < len(g.kinds):
        ks = kinds(r)
        if any(k in NEVER_VALUE for k in ks):
            break
        if not any(k in VALUE_LIKE for k in ks):
            nxt = blank_then_figures(r) if all(k is Kind.EMPTY for k in ks) else None
            if nxt is not None:
                r = nxt
                continue
            if rows or all(k is Kind.EMPTY for k in ks):
                break
        rows.append(r)
        r += 1
    return rows


def _choose_data_row(g: Grid, rows: list[int], label_cols: set[int]) -> tuple[int | None, list[int]]:
    """One row of figures under the labels: that row; several: the 合计 row among them."""
    if len(rows) <= 1:
        return (rows[0] if rows else None), []
    totals = [r for r in rows if any(g.kind(r, c).kind is Kind.TOTAL
                                     or (g.kind(r, c).kind is Kind.VALUE_HEADER and _is_total_word(g, r, c))
                                     for c in range(g.width) if c not in label_cols)]
    if len(totals) == 1:
        return totals[0], []
    return None, rows


def _is_total_word(g: Grid, r: int, c: int) -> bool:
    v = g.value(r, c)
    return isinstance(v, str) and norm_label(v) in g.words.totals


# --- columns of labels -----------------------------------------------------------------------

@dataclass
class _Column:
    """A column of labels and the columns that may hold their values."""

    col: int
    end_col: int
    hits: list[Hit]
    right: list[int] = field(default_factory=list)   # candidate value columns, nearest first
    left: list[int] = field(default_factory=list)


def _by_columns(g: Grid, hits: list[Hit]) -> list[Placed]:
    if not hits:
        return []
    by_col: dict[int, list[Hit]] = {}
    for h in hits:
        by_col.setdefault(h.col, []).append(h)
    columns = [_Column(c, max(h.end_col for h in hs), hs) for c, hs in sorted(by_col.items())]
    top = min(h.row for h in hits)
    for i, col in enumerate(columns):
        nxt = columns[i + 1].col if i + 1 < len(columns) else g.width
        prev_end = columns[i - 1].end_col if i > 0 else -1
        col.right = list(range(col.end_col + 1, nxt))
        col.left = list(range(col.col - 1, prev_end, -1))

    def pick(col: _Column, candidates: list[int]) -> tuple[list[int], int]:
        """The best value columns among the candidates, and how good they are (0: none)."""
        scored = [(s, c) for c in candidates if (s := _score(g, col.hits, c, top)) > 0]
        if not scored:
            return [], 0
        best = max(s for s, _ in scored)
        return [c for s, c in scored if s == best], best

    right = [pick(col, col.right) for col in columns]
    left = [pick(col, col.left) for col in columns]
    # one direction for the whole table: values to the right of their labels, unless some
    # column of labels has nothing to its right that could be values, and everything to its left
    use_left = any(r[1] == 0 for r in right) and all(lft[1] > 0 for lft in left) and \
        sum(r[1] == 0 for r in right) > sum(lft[1] == 0 for lft in left)
    # else the side where more columns of labels have figures beside them (value | label grids)
    ev_right, ev_left = (sum(p[1] >= _SCORE_NUMBERS for p in side) for side in (right, left))
    if not use_left and ev_left > ev_right and all(lft[1] > 0 for lft in left):
        use_left = True
    unclear_sides = not use_left and ev_left == ev_right > 0 and all(lft[1] > 0 for lft in left) \
        and any(r[0][:1] != lft[0][:1] for r, lft in zip(right, left))
    placed: list[Placed] = []
    if unclear_sides:  # figures could belong to the labels on either side of them: cannot tell
        for col, r_pick, l_pick in zip(columns, right, left):
            for h in col.hits:
                cells = [c for c in (r_pick[0][:1] + l_pick[0][:1]) if g.kind(h.row, c).kind is not Kind.EMPTY]
                if not cells:
                    placed.append(_placed(g, h, h.row, (r_pick[0] or [h.end_col + 1])[0], HOW_GRID))
                    continue
                placed.append(Placed(h.code or "", None, None, h, HOW_GRID, problem=finding(
                    "layout-unclear", "columns", field=h.code, label=_label_of(g, h),
                    cells="、".join(ref(h.row, c) for c in sorted(set(r_pick[0][:1] + l_pick[0][:1]))))))
        return placed
    for col, (cands, score) in zip(columns, left if use_left else right):
        if score == 0:
            # nowhere for values: the cell right after each label, where the notice has it
            for h in col.hits:
                placed.append(_placed(g, h, h.row, h.end_col + 1, HOW_GRID))
            continue
        if score == _SCORE_NUMBERS and len(cands) > 1:  # two columns of figures, neither headed
            for h in col.hits:
                cells = "、".join(ref(h.row, c) for c in cands[:4])
                placed.append(Placed(h.code or "", None, None, h, HOW_GRID,
                                     problem=finding("layout-unclear", "columns", field=h.code,
                                                     label=_label_of(g, h), cells=cells)))
            continue
        chosen = cands[0]  # nearest of the best
        for h in col.hits:
            placed.append(_placed(g, h, h.row, chosen, HOW_GRID))
    return placed


_SCORE_HEADED = 3     # headed 数量 / 数值 / 本期数 …
_SCORE_NUMBERS = 2    # holds figures, nothing that cannot be a value
_SCORE_EMPTY = 1      # empty beside every label: may still be where the values go (a blank form)


def _score(g: Grid, hits: list[Hit], c: int, top: int) -> int:
    header = _column_header(g, c, top)
    if header is Kind.VALUE_HEADER:
        return _SCORE_HEADED
    if header in HEADERS:
        return 0
    numbers = texts = 0
    for h in hits:
        k = _kind_beside(g, h, c)
        if k in VALUE_LIKE or k is Kind.DATE:
            numbers += 1
        elif k in NEVER_VALUE:
            return 0
        elif k is Kind.TEXT:
            texts += 1
    if texts > max(1, numbers // 3):  # a column of remarks, not of figures
        return 0
    if numbers:
        return _SCORE_NUMBERS
    return _SCORE_EMPTY if texts == 0 else 0


def _kind_beside(g: Grid, h: Hit, c: int) -> Kind:
    """What is in column c on the label's row (or rows, for a label over two rows). A cell merged
    from a column to its left belongs to that column: it says nothing about this one."""
    owner = g.owner
    kinds = [g.kind(r, c).kind for r in range(h.row, h.end_row + 1)
             if not owner or owner.get((r, c), (r, c))[1] == c]
    for k in kinds:
        if k is not Kind.EMPTY:
            return k
    return Kind.EMPTY


def _column_header(g: Grid, c: int, top: int) -> Kind | None:
    """The header over column c: the nearest header-kind cell above the first label row."""
    for r in range(top - 1, max(-1, top - 6), -1):
        k = g.kind(r, c).kind
        if k in HEADERS:
            return k
        if k in (Kind.LABEL, Kind.NOTE, Kind.UNIT_HEAD, Kind.DATE_HEAD):
            return None
    return None


def _placed(g: Grid, h: Hit, r: int, c: int, how: str, problem: Issue | None = None) -> Placed:
    """The label's value at (r, c) — or, for a label over two rows, on whichever row holds one."""
    if problem is not None:
        return Placed(h.code or "", None, None, h, how, problem=problem)
    if how == HOW_GRID and h.end_row > h.row:
        filled = [rr for rr in range(h.row, h.end_row + 1) if g.kind(rr, c).kind is not Kind.EMPTY]
        if len(set(g.top_left(rr, c) for rr in filled)) == 1:
            r = filled[0]
    r, c = g.top_left(r, c)
    return Placed(h.code or "", r, c, h, how, g.sheet.value(r, c))


# --- checks across the whole sheet -----------------------------------------------------------

def _settle(g: Grid, found: list[Placed], layout: Layout) -> None:
    """One place per field: a value cell holding what cannot be a value, or a label found twice
    with different values, becomes a finding instead of a number."""
    by_code: dict[str, list[Placed]] = {}
    for p in found:
        if p.code:
            by_code.setdefault(p.code, []).append(p)
    for code, ps in by_code.items():
        for p in ps:
            if p.problem is None and p.row is not None and p.how != HOW_INLINE:
                k = g.kind(p.row, p.col).kind
                if k in NEVER_VALUE:
                    p.problem = finding("layout-unclear", "disagree", field=code, cell=ref(p.row, p.col),
                                        label=_label_of(g, p.label), text=_text(g.value(p.row, p.col)))
        first = ps[0]
        if len(ps) > 1:
            values = {_same(p.raw) for p in ps if p.problem is None}
            cells = [ref(p.row, p.col) for p in ps if p.row is not None]
            if len(values) > 1 or any(p.problem for p in ps):
                first = Placed(code, None, None, first.label, first.how, problem=finding(
                    "label-twice", field=code, label=_label_of(g, first.label),
                    cells="、".join(ref(p.label.row, p.label.col) for p in ps),
                    values="、".join(f"{c}：{_text(p.raw) or '空'}" for c, p in zip(cells, ps) if p.row is not None)))
        layout.placed[code] = first


def _same(raw: Any) -> Any:
    if isinstance(raw, str):
        return norm_label(raw)
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _label_of(g: Grid, h: Hit) -> str:
    return " ".join(str(g.sheet.value(h.row, h.col) or "").split())


# --- the header: 填报单位, 填报日期 ------------------------------------------------------------

def _header_entries(g: Grid, layout: Layout, labels: set[tuple[int, int]]) -> None:
    """填报单位 and 填报日期: in the label's own cell, in the cells after it (a date may be split
    over several: 2020 | 年 | 5 | 月 | 28 | 日), or written bare above the table."""
    unit_at = date_at = None
    for r, row in enumerate(g.kinds):
        for c, cell in enumerate(row):
            if cell.kind is Kind.UNIT_HEAD and unit_at is None:
                unit_at = (r, c, cell)
            elif cell.kind is Kind.DATE_HEAD and date_at is None:
                date_at = (r, c, cell)
    stops = labels | {a[:2] for a in (unit_at, date_at) if a}
    if unit_at:
        r, c, cell = unit_at
        text = cell.text
        if date_at is None and text:
            # 填报单位（章）：环翠区总工会　　填报日期：2020年5月28日 — both in one cell
            for k in g.words.date_keys:
                pos = norm_label(text).find(k)
                if pos >= 0:
                    date_text = _split_after(text, k)
                    text = _split_before(text, k)
                    date_at = (r, c, Cell(Kind.DATE_HEAD, text=date_text))
                    break
        layout.unit = (r, c, text) if text else _after(g, r, c, stops, join=False)
    if date_at:
        r, c, cell = date_at
        if cell.text and not _is_placeholder(cell.text):
            layout.date = (r, c, cell.text)
        else:
            layout.date = _after(g, r, c, stops, join=True)
    top = layout.first_row
    if layout.unit is None or layout.unit[2] in (None, ""):
        bare = _bare(g, top, lambda v: isinstance(v, str) and g.words.looks_like_unit(v), stops)
        if bare is not None:
            layout.unit = bare
    if layout.unit is None or layout.unit[2] in (None, ""):  # the title names it: 环翠区总工会“查保促”…统计表
        named = [(r, c, u) for r in range(0, top) for c, v in enumerate(g.sheet.rows[r])
                 if isinstance(v, str) and (u := g.words.unit_in_title(v))]
        if len(named) == 1:
            layout.unit = named[0]
    if layout.date is None or layout.date[2] in (None, ""):
        bare = _bare_date(g, top, stops)
        if bare is not None:
            layout.date = bare


def _split_after(text: str, key: str) -> str:
    i = _index_of(text, key)
    rest = text[i:] if i >= 0 else ""
    return _after_key(rest, key) if rest else ""


def _split_before(text: str, key: str) -> str:
    i = _index_of(text, key)
    return text[:i].strip() if i >= 0 else text


def _index_of(text: str, key: str) -> int:
    """Where key (normalised) starts in text (as typed)."""
    for i in range(len(text)):
        if norm_label(text[i:]).startswith(key):
            return i
    return -1


def _is_placeholder(text: str) -> bool:
    return all(ch in "年月日 \u3000:：" for ch in text)


def _after(g: Grid, r: int, c: int, stops: set[tuple[int, int]], join: bool) -> tuple[int, int, Any]:
    """The entry after a header label in its row: the next filled cell; for a date, the filled
    cells up to the next label joined (a real date cell is taken as it is)."""
    parts: list[str] = []
    first: int | None = None
    start = g.end(r, c)[1] + 1
    for cc in range(start, g.width):
        if (r, cc) in stops:
            break
        if g.top_left(r, cc) != (r, cc):
            continue
        v = g.sheet.value(r, cc)
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if not join or not isinstance(v, str):
            if join and isinstance(v, (int, float)) and not isinstance(v, bool) and not (36526 <= v <= 73050):
                parts.append(_text(v))  # 2020 | 年 | 5 | 月 | 28 | 日: the numbers are part of the text
                first = cc if first is None else first
                continue
            return (r, cc, v)
        first = cc if first is None else first
        parts.append(v.strip())
    if parts and first is not None:
        return (r, first, "".join(parts))
    below = g.sheet.value(r + 1, c)
    if not join and isinstance(below, str) and g.kind(r + 1, c).kind is Kind.TEXT:
        return (r + 1, c, below)
    return (r, start, None)


def _bare(g: Grid, top: int, test: Any, stops: set[tuple[int, int]]) -> tuple[int, int, Any] | None:
    """One cell above the table that passes the test; None when none or several do."""
    found = [(r, c, g.sheet.value(r, c)) for r in range(0, top) for c in range(len(g.kinds[r]))
             if (r, c) not in stops and test(g.sheet.value(r, c))]
    return found[0] if len(found) == 1 else None


def _bare_date(g: Grid, top: int, stops: set[tuple[int, int]]) -> tuple[int, int, Any] | None:
    """A date written without its label above the table: a date cell, text with a full date, or
    a row whose cells together read as one (2020 | 年 | 5 | 月 | 28 | 日)."""
    found: list[tuple[int, int, Any]] = []
    for r in range(0, top):
        row_parts: list[str] = []
        first: int | None = None
        for c in range(len(g.kinds[r])):
            if (r, c) in stops:
                continue
            k = g.kinds[r][c].kind
            v = g.sheet.value(r, c)
            if k is Kind.DATE:
                found.append((r, c, v))
            elif v is not None and k in (Kind.NUMBER, Kind.TEXT):
                row_parts.append(_text(v))
                first = c if first is None else first
        joined = "".join(row_parts)
        if first is not None and not any(f[0] == r for f in found) and looks_like_date(joined) \
                and len(joined) <= 16:
            found.append((r, first, joined))
    return found[0] if len(found) == 1 else None

"""Returns made the ways returns really arrive: for tests, the bundled examples and benchmarks.

Not part of the package: test-data generation needs xlwt and LibreOffice, which cbc does not.

- `write_generated`: the form from `cbc new-form`, filled in by the unit;
- `write_grid`: the notice's 4-column layout typed by hand (no identity), with the variations
  people make: labels broken over lines, ASCII quotes, half-width brackets, extra title rows;
- `write_list`: a two-column list someone made, in any order;
- `write_xls_grid`: the hand-typed grid saved by an old Excel as .xls (written with xlwt,
  a writer other than cbc's own; install it with the test extra).

Values are given per field code, as numbers or as the text a person typed ('1,200人').
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from cbc_cli.model.edition import Edition


def _label(text: str, *, ascii_quotes: bool, half_brackets: bool, break_at: int | None) -> str:
    if ascii_quotes:
        text = text.replace("“", '"').replace("”", '"')
    if half_brackets:
        text = text.replace("（", "(").replace("）", ")")
    if break_at and len(text) > break_at:
        text = text[:break_at] + "\n" + text[break_at:]
    return text


def write_generated(path: str | Path, ed: Edition, *, unit: str | None, report_date: date | None,
                    values: Mapping[str, Any], period: str | None = None) -> Path:
    from cbc_cli.write.forms import new_stats_workbook

    wb = new_stats_workbook(ed, unit=unit, period=period, report_date=report_date, values=values)
    path = Path(path)
    wb.save(path)
    return path


def write_grid(path: str | Path, ed: Edition, *, unit: str | None, date_text: Any,
               values: Mapping[str, Any], ascii_quotes: bool = False, half_brackets: bool = False,
               break_labels: bool = False, title_rows: int = 0, merge_labels: bool = False,
               header_in_one_cell: bool = False) -> Path:
    """The notice's grid typed by hand into a new workbook (openpyxl, no cbc identity)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from cbc_cli.model.cells import parse_ref

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    top = 1
    for i in range(title_rows):
        ws.cell(top, 1, f"（第{i + 1}行：单位自加的标题）")
        top += 1
    ws.cell(top, 1, ed.stats.attachment)
    ws.cell(top + 1, 1, ed.stats.title)
    head = top + 2
    # merged labels need a column more: label | label (merged) | value ...
    width = 2 if merge_labels else 1
    if header_in_one_cell:
        ws.cell(head, 1, f"{ed.stats.unit_label}{unit or ''}          {ed.stats.date_label}{date_text or ''}")
    else:
        ws.cell(head, 1, ed.stats.unit_label)
        ws.cell(head, 2, unit)
        ws.cell(head, 3, ed.stats.date_label)
        ws.cell(head, 4, date_text)
    grid_top = parse_ref(ed.stats.fields[0].label_cell)[0]  # row of the first field in the official form
    for f in ed.stats.fields:
        r0, c0 = parse_ref(f.label_cell)
        row = head + 1 + (r0 - grid_top)
        col = 1 + (c0 // 2) * (1 + width)
        label = _label(f.label, ascii_quotes=ascii_quotes, half_brackets=half_brackets,
                       break_at=(len(f.label) // 2) if break_labels else None)
        ws.cell(row, col, label).alignment = Alignment(wrap_text=True)
        if merge_labels:
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + 1)
        value = values.get(f.code)
        if value is not None:
            ws.cell(row, col + width, value)
        if f.value_span:  # the wide rows: value spans to the end
            ws.merge_cells(start_row=row, start_column=col + width, end_row=row, end_column=2 * (1 + width))
    path = Path(path)
    wb.save(path)
    return path


def write_list(path: str | Path, ed: Edition, *, unit: str | None, date_text: Any,
               values: Mapping[str, Any], order: Sequence[str] | None = None) -> Path:
    """A two-column list: 项目 | 数值, the header lines above it, fields in the order given."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "统计"
    ws.append([ed.stats.title])
    ws.append([f"填报单位：{unit or ''}"])
    ws.append([ed.stats.date_label, date_text])
    ws.append(["项目", "数值"])
    fields = ed.stats.by_code
    for code in order or [f.code for f in ed.stats.fields]:
        ws.append([fields[code].label, values.get(code)])
    path = Path(path)
    wb.save(path)
    return path


def write_xls_grid(path: str | Path, ed: Edition, *, unit: str | None, date_text: Any,
                   values: Mapping[str, Any]) -> Path:
    """The notice's grid as an old-Excel .xls (BIFF8), written with xlwt."""
    import xlwt

    from cbc_cli.model.cells import parse_ref

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    ws.write(0, 0, ed.stats.attachment)
    ws.write(1, 0, ed.stats.title)
    ws.write(2, 0, ed.stats.unit_label)
    ws.write(2, 1, unit or "")
    ws.write(2, 2, ed.stats.date_label)
    ws.write(2, 3, date_text or "")
    for f in ed.stats.fields:
        r, c = parse_ref(f.label_cell)
        ws.write(r, c, f.label)
        v = values.get(f.code)
        if v is not None:
            ws.write(r, c + 1, float(v) if not isinstance(v, str) else v)
    path = Path(path)
    book.save(str(path))
    return path


def convert_with_soffice(source: Path, fmt: str, out_dir: Path) -> Path | None:
    """Convert with LibreOffice (xls, ods, xlsx); None where LibreOffice is not installed."""
    import shutil
    import subprocess

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cbc-lo-") as profile:  # a private profile: never blocked
        subprocess.run([exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--convert-to", fmt,
                        "--outdir", str(out_dir), str(source)], check=True, capture_output=True, timeout=180)
    out = out_dir / f"{source.stem}.{fmt}"
    return out if out.is_file() else None


def full_values(ed: Edition, level: str = "county", seed: int = 1) -> dict[str, Any]:
    """A consistent return for a level: every field the level fills, all rules satisfied."""
    import random

    rnd = random.Random(seed)
    units = rnd.randint(20, 90)
    workers = units * rnd.randint(40, 120)
    trainings = rnd.randint(units, units * 3)
    trained = rnd.randint(workers // 2, workers)
    found = rnd.randint(units, units * 6)
    fixed = rnd.randint(found * 8 // 10, found)
    v: dict[str, Any] = {
        "units_total": units, "units_chem": rnd.randint(0, units // 5),
        "workers_total": workers, "workers_chem": rnd.randint(0, workers // 6),
        "trainings_total": trainings, "trainings_chem": rnd.randint(0, trainings // 5),
        "trained_total": trained, "trained_chem": rnd.randint(0, trained // 6),
        "union_trainings": rnd.randint(1, 8), "union_trainees": 0,
        "hazards_found": found, "hazards_found_chem": 0,
        "hazards_fixed": fixed, "hazards_fixed_chem": 0,
        "county_unions_with_fund": 1,
        "county_fund": rnd.choice([2, 3, 5, 8, 10, 12.5]),
        "county_awarded": rnd.randint(10, 80), "county_awarded_chem": 0,
        "county_paid": 0,
    }
    v["union_trainees"] = v["union_trainings"] * rnd.randint(30, 80)
    v["hazards_found_chem"] = rnd.randint(0, found // 5)
    v["hazards_fixed_chem"] = min(v["hazards_found_chem"], rnd.randint(0, fixed // 5))
    v["county_awarded_chem"] = rnd.randint(0, v["county_awarded"] // 4)
    v["county_paid"] = round(v["county_fund"] * rnd.choice([0.5, 0.6, 0.8, 1.0]), 2)
    if level == "enterprise":
        v = {k: val for k, val in v.items() if k in {f.code for f in ed.stats.fields if "enterprise" in f.levels}}
    return v


# --- self-checks -------------------------------------------------------------------------------

def write_selfcheck_generated(path: str | Path, ed: Edition, *, unit: str | None,
                              scores: Mapping[int, Any], period: str | None = None) -> Path:
    from cbc_cli.write.forms import new_selfcheck_workbook

    path = Path(path)
    new_selfcheck_workbook(ed, unit=unit, period=period, scores=scores).save(path)
    return path


def _selfcheck_rows(ed: Edition, unit: str | None, scores: Mapping[int, Any], total: Any,
                    section_column: bool, drills: Any) -> list[list[Any]]:
    rows: list[list[Any]] = [[ed.selfcheck.title], [f"{ed.selfcheck.unit_label}{unit or ''}"]]
    rows.append(list(ed.selfcheck.columns) if section_column else list(ed.selfcheck.columns[1:]))
    for item in ed.selfcheck.items:
        row = [item.text, scores.get(item.no)]
        rows.append(([item.section] if section_column else []) + row)
    rows.append(([ed.selfcheck.total_label, ""] if section_column else [ed.selfcheck.total_label]) + [total])
    if drills is not None:
        item4 = next(i for i in ed.selfcheck.items if i.drills)
        rows.append([f"{item4.drills_label}：", drills])
    return rows


def write_selfcheck_grid(path: str | Path, ed: Edition, *, unit: str | None, scores: Mapping[int, Any],
                         total: Any = None, section_column: bool = True, merge_sections: bool = True,
                         drills: Any = None) -> Path:
    """The notice's self-check typed by hand: section column merged (or missing), no identity."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "自查"
    rows = _selfcheck_rows(ed, unit, scores, total, section_column, drills)
    for row in rows:
        ws.append(row)
    if section_column and merge_sections:
        first = 4  # the first item row
        spans: dict[str, list[int]] = {}
        for item in ed.selfcheck.items:
            spans.setdefault(item.section, []).append(first + item.no - 1)
        for rs in spans.values():
            for r in rs[1:]:
                ws.cell(r, 1).value = None
            if len(rs) > 1:
                ws.merge_cells(start_row=rs[0], start_column=1, end_row=rs[-1], end_column=1)
    path = Path(path)
    wb.save(path)
    return path


def write_selfcheck_xls(path: str | Path, ed: Edition, *, unit: str | None, scores: Mapping[int, Any],
                        total: Any = None) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    for r, row in enumerate(_selfcheck_rows(ed, unit, scores, total, True, None)):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    path = Path(path)
    book.save(str(path))
    return path


def full_scores(ed: Edition, seed: int = 1, drop: int = 0) -> dict[int, int]:
    """A plausible self-check: each item near its max, `drop` points lost at random."""
    import random

    rnd = random.Random(seed)
    scores = {i.no: i.max for i in ed.selfcheck.items}
    for _ in range(drop):
        no = rnd.choice([n for n, s in scores.items() if s > 0] or [1])
        scores[no] = max(0, scores[no] - 1)
    return scores

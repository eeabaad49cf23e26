"""Everything cbc writes prints right: each output converted to PDF by LibreOffice (A4, page
count), the workbooks' own print settings, the HTML report printed by headless Chromium, and
values that must survive other readers (python-calamine) and recalculation (LibreOffice)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from cbc_cli.model.config import default_roster
from cbc_cli.model.period import Period

from . import samples
from .conftest import pdf_pages, soffice, soffice_convert, to_pdf

A4 = (595, 842)
needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")


def _pdf_sizes(pdf: Path) -> set[tuple[int, int]]:
    """The page sizes of a PDF in points, short side first (pdfinfo where present)."""
    import re

    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True,
                             check=True).stdout
        boxes = re.findall(r"Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+)", out)
        return {tuple(sorted((round(float(w)), round(float(h))))) for w, h in boxes}
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    return {tuple(sorted((round(float(w)), round(float(h))))) for w, h in boxes}


def _longest_unit() -> str:
    return max((u.name for u in default_roster().units), key=len)


def _check_settings(path: Path, *, name_cells: dict[str, list[str]] | None = None) -> None:
    """The workbook's own print settings: A4, fitted to the page width, no type under 9 pt,
    no shrink-to-fit on names, a footer with the page numbers."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":
            continue
        assert int(ws.page_setup.paperSize) == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth or 1) >= 1, ws.title
        assert "&P" in (ws.oddFooter.center.text or "") and "&N" in ws.oddFooter.center.text, ws.title
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert (cell.font.sz or 11) >= 9, (ws.title, cell.coordinate)
        for ref in (name_cells or {}).get(ws.title, []):
            assert not ws[ref].alignment.shrink_to_fit, (ws.title, ref)


def _pdf(path: Path, tmp: Path) -> Path:
    pdf = to_pdf(path, tmp)
    assert _pdf_sizes(pdf) == {A4}, path.name
    return pdf


@pytest.fixture
def aggregated(tmp_path):
    from cbc_cli.aggregate import aggregate
    from cbc_cli.model.config import load_roster

    examples = Path(__file__).resolve().parent.parent / "examples"
    roster = load_roster(examples / "cbc.toml")
    return aggregate([examples / "报送-2020H1"], roster=roster, jobs=1, cache=False)


@pytest.mark.slow
@needs_soffice
def test_blank_forms_with_the_longest_roster_name_print_on_one_a4_page_each(tmp_path, ed):
    from cbc_cli.write.forms import new_selfcheck_workbook, new_stats_workbook

    unit = _longest_unit()
    for name, wb in (("stats.xlsx", new_stats_workbook(ed, unit=unit, period="2020H1")),
                     ("selfcheck.xlsx", new_selfcheck_workbook(ed, unit=unit, period="2020H1"))):
        wb.save(tmp_path / name)
        _check_settings(tmp_path / name, name_cells={ed.stats.sheet: [ed.stats.unit_cell],
                                                     ed.selfcheck.sheet: [ed.selfcheck.unit_cell]})
        assert pdf_pages(_pdf(tmp_path / name, tmp_path)) == 1, name
    # the input column holds the longest name unshrunk
    ws = openpyxl.load_workbook(tmp_path / "stats.xlsx")[ed.stats.sheet]
    from cbc_cli.write.forms import text_width

    assert ws.column_dimensions[ed.stats.unit_cell[0]].width >= text_width(unit)
    # the blank self-check shows no 总得分 (not 0)
    sc = openpyxl.load_workbook(tmp_path / "selfcheck.xlsx")[ed.selfcheck.sheet]
    total = sc[f"C{ed.selfcheck.total_row}"].value
    assert total.startswith("=IF(COUNT(") and '""' in total


def test_self_check_lines_never_start_with_closing_punctuation(ed):
    from cbc_cli.write.forms import NO_LINE_START, break_lines

    for item in ed.selfcheck.items:
        text = break_lines(item.text, ed.selfcheck.column_widths[1])
        assert text.replace("\n", "") == item.text
        assert all(line[0] not in NO_LINE_START for line in text.split("\n")[1:]), text


def test_roster_writes_the_self_check_for_enterprises_only(tmp_path):
    from cbc_cli.model.config import Roster
    from cbc_cli.newform import new_forms

    roster = Roster.model_validate({"city": {"name": "某区总工会", "level": "county"},
                                    "units": [{"name": "甲公司工会", "level": "enterprise"},
                                              {"name": "某街道总工会", "level": "county"}]})
    made = new_forms(tmp_path, roster=roster, period=Period.parse("2020H1"))
    assert sorted((p.form, p.unit) for p in made) == [("selfcheck", "甲公司工会"), ("stats", "某街道总工会"),
                                                       ("stats", "甲公司工会")]


@pytest.mark.slow
@needs_soffice
def test_send_back_copies_print_with_their_numbered_findings(tmp_path, ed):
    from cbc_cli import validate_file
    from cbc_cli.scoring import score_paths
    from cbc_cli.write.annotate import annotate, annotate_selfcheck

    good = samples.full_values(ed, "county", seed=3)
    src = tmp_path / "in"
    src.mkdir()
    samples.write_grid(src / "荣成.xlsx", ed, unit=_longest_unit(), date_text="2020-05-29",
                       values=dict(good, workers_chem=good["workers_total"] + 1, hazards_found="十二"))
    scores = {**samples.full_scores(ed), 6: 13}
    samples.write_selfcheck_grid(src / "bad.xlsx", ed, unit="甲公司工会", scores=scores)
    out = tmp_path / "退回"
    copy = annotate(validate_file(src / "荣成.xlsx"), out, edition=ed)
    ranking = score_paths([src / "bad.xlsx"], edition=ed)
    sc_copy = annotate_selfcheck(ranking.results[0], out, edition=ed)
    for path in (copy, sc_copy):
        _check_settings(path)
        assert pdf_pages(_pdf(path, tmp_path)) == 2, path.name   # the form, then the findings

    ws = openpyxl.load_workbook(copy)[ed.stats.sheet]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("×1") and f"{ed.stats.sheet}!" in t for t in texts)  # listed, citing this copy's cell
    assert any(t.startswith("读取说明") for t in texts)                          # the cell map of a label-read return
    marked = [c for row in ws.iter_rows() for c in row if c.number_format.startswith('"×')]
    assert marked and all(not isinstance(c.value, str) or c.value == "十二" for c in marked)

    # the self-check's 总得分, recalculated by LibreOffice, is the sum of the scores as numbers
    sc = openpyxl.load_workbook(sc_copy)[ed.selfcheck.sheet]
    assert sc[f"C{ed.selfcheck.item_row(6)}"].value == 13
    recalculated = soffice_convert(sc_copy, "xlsx:Calc MS Excel 2007 XML", tmp_path / "recalc")
    cached = openpyxl.load_workbook(recalculated, data_only=True)[ed.selfcheck.sheet]
    assert cached[f"C{ed.selfcheck.total_row}"].value == sum(scores.values())


@pytest.mark.slow
@needs_soffice
def test_summary_and_ranking_print_on_a4(tmp_path, aggregated, ed):
    from cbc_cli.scoring import score_paths
    from cbc_cli.write.summary import write_ranking, write_summary

    path = write_summary(aggregated, tmp_path / "汇总.xlsx", made_on=date(2020, 6, 10))
    _check_settings(path)
    wb = openpyxl.load_workbook(path)
    detail = wb["明细"]
    assert detail.page_setup.orientation == "landscape" and detail.print_title_rows and detail.print_title_cols
    assert "威海市总工会" in detail["A1"].value and "2020年上半年" in detail["A1"].value
    headers = [c.value for c in detail[2] if c.value]
    assert not any("）（" in h.replace("\n", "") and h.count("万元") > 1 for h in headers)
    rate = detail.cell(3, detail.max_column).value
    assert isinstance(rate, float) and detail.cell(3, detail.max_column).number_format == "0.0%"
    assert "代码" not in [c.value for c in wb["问题"][2]]
    pages = pdf_pages(_pdf(path, tmp_path))
    assert 5 <= pages <= 8, pages   # 汇总 1, 明细 in parts, 报送情况 1, 问题 1

    d = tmp_path / "sc"
    d.mkdir()
    samples.write_selfcheck_generated(d / "1.xlsx", ed, unit=_longest_unit(), scores=samples.full_scores(ed, drop=4))
    samples.write_selfcheck_grid(d / "2.xlsx", ed, unit="丁公司工会", scores={**samples.full_scores(ed), 1: 9})
    ranking = write_ranking(score_paths([d], edition=ed), ed, tmp_path / "排名.xlsx", unit="威海市总工会")
    _check_settings(ranking)
    ws = openpyxl.load_workbook(ranking)["排名"]
    assert "排名" in ws["A1"].value and ws.print_title_rows
    assert pdf_pages(_pdf(ranking, tmp_path)) == 2   # 排名, 未计入排名


def test_unit_named_like_an_escape_reads_back_exactly(tmp_path, ed):
    from python_calamine import CalamineWorkbook

    from cbc_cli.write.canvas import XlsxBook

    book = XlsxBook()
    c = book.sheet("表")
    names = ["新区_x0041_工会", "统计表_x2020_.xlsx", "𠀀" * 20000]
    for r, name in enumerate(names, 1):
        c.put(r, 1, name)
    path = book.save(tmp_path / "x.xlsx")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("表").to_python()
    assert rows[0][0] == names[0] and rows[1][0] == names[1]
    assert len(rows[2][0].encode("utf-16-le")) <= 2 * 32767   # the cell limit counted in UTF-16 units


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_html_report_prints_on_a4_and_its_counts_agree_with_its_tables(tmp_path, aggregated):
    import re

    from cbc_cli.report import write_html

    html = write_html(aggregated, tmp_path / "r.html", made_on=date(2020, 6, 10))
    text = html.read_text(encoding="utf-8")
    assert "@page" in text and "<thead>" in text and "详见汇总工作簿" not in text
    cards = dict((name, int(n)) for n, name in re.findall(r'<div class="card" data-status="[^"]*"><b>(\d+)</b>([^<]+)',
                                                            text))
    rows = re.findall(r'<tr class="\w+" data-status="([^"]+)">', text)
    for name, n in cards.items():
        if name != "已计入":
            assert rows.count(name) == n, name
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={tmp_path / 'r.pdf'}",
                        html.as_uri()], check=True, capture_output=True, timeout=120)
    pdf = tmp_path / "r.pdf"
    assert _pdf_sizes(pdf) == {A4} and 1 <= pdf_pages(pdf) <= 6

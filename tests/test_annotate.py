"""Send-back copies explain themselves: numbered marks in the cells (numbers stay numbers), the
findings listed after the form citing this copy's cells, and, for a return read by its labels,
the cell map of how it was read."""

from __future__ import annotations

import openpyxl

from cbc_cli import validate_file
from cbc_cli.scoring import score_paths
from cbc_cli.write.annotate import annotate, annotate_selfcheck

from . import samples


def _texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_a_return_read_by_labels_comes_back_marked_listed_and_mapped(tmp_path, ed):
    good = samples.full_values(ed, "county", seed=3)
    samples.write_grid(tmp_path / "荣成.xlsx", ed, unit="荣成市总工会", date_text="2020-05-29",
                       values=dict(good, workers_chem=good["workers_total"] + 1, hazards_found="十二"))
    result = validate_file(tmp_path / "荣成.xlsx")
    copy = annotate(result, tmp_path / "退回", edition=ed)
    ws = openpyxl.load_workbook(copy)[ed.stats.sheet]
    fields = ed.stats.by_code
    chem = ws[fields["workers_chem"].value_cell]
    assert chem.value == good["workers_total"] + 1                  # still a number
    assert chem.number_format.startswith('"×') and chem.fill.fgColor.rgb.endswith("FF9C9C")
    texts = _texts(ws)
    listed = [t for t in texts if t.startswith(("×", "△")) and "!" in t]
    assert len(listed) == len(result.issues)
    for n, issue in enumerate(result.issues, 1):
        cell = fields[issue.field].value_cell if issue.field in fields else None
        if cell:
            assert any(t.startswith(f"×{n}") and t.endswith(f"{ed.stats.sheet}!{cell}") for t in listed)
    assert any(t.startswith("退回说明") for t in texts)
    # the cell map: where each field was read in the unit's own file
    assert any(t.startswith("读取说明") for t in texts)
    for code, where in result.cells.items():
        assert any(t.startswith(where) for t in texts), code
    # and the copy is itself a form cbc reads by its identity
    again = validate_file(copy)
    assert again.by_identity and again.values["workers_chem"] == good["workers_total"] + 1


def test_a_generated_return_needs_no_cell_map(tmp_path, ed):
    values = dict(samples.full_values(ed, "county", seed=3))
    values["workers_chem"] = values["workers_total"] + 1
    samples.write_generated(tmp_path / "a.xlsx", ed, unit="环翠区总工会", report_date=None, values=values)
    copy = annotate(validate_file(tmp_path / "a.xlsx"), tmp_path / "out", edition=ed)
    texts = _texts(openpyxl.load_workbook(copy)[ed.stats.sheet])
    assert any(t.startswith("退回说明") for t in texts) and not any(t.startswith("读取说明") for t in texts)


def test_a_self_checks_bad_score_stays_a_number_and_warnings_look_different(tmp_path, ed):
    scores = {**samples.full_scores(ed), 6: 13}
    samples.write_selfcheck_grid(tmp_path / "bad.xlsx", ed, unit="甲公司工会", scores=scores)
    copy = annotate_selfcheck(score_paths([tmp_path / "bad.xlsx"], edition=ed).results[0], tmp_path / "out", edition=ed)
    ws = openpyxl.load_workbook(copy)[ed.selfcheck.sheet]
    bad = ws[f"C{ed.selfcheck.item_row(6)}"]
    assert bad.value == 13 and bad.number_format.startswith('"×1 "')
    scored = [ws[f"C{ed.selfcheck.item_row(i.no)}"].value for i in ed.selfcheck.items]
    assert all(isinstance(v, int) for v in scored) and sum(scored) == sum(scores.values())
    from cbc_cli.write.annotate import ERROR_FILL, WARN_FILL
    from cbc_cli.write.forms import INPUT

    assert len({ERROR_FILL, WARN_FILL, INPUT}) == 3

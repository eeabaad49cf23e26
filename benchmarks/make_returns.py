"""Generate N realistic returns for benchmarks: mixed layouts, some numbers typed as text.

    python benchmarks/make_returns.py 1000 bench-returns

The mix, per 10 returns: 6 filled-in generated forms, 3 hand-typed grids (some labels broken
over lines, ASCII quotes), 1 two-column list; about a third carry numbers typed as text
('1,200人', full-width digits). With --xls, every tenth grid is an old-Excel .xls instead
(the pandas baseline cannot read .xls, so the default corpus has none). Units are enterprises of an imaginary district, with a
roster written to ROSTER.toml beside them (use it as --config).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # tests/samples.py

from tests import samples  # noqa: E402
from cbc_cli.model.edition import get_edition  # noqa: E402

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def make(n: int, out: Path, xls: bool = False) -> list[Path]:
    ed = get_edition("2020")
    out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    units = [f"第{i:05d}号企业工会" for i in range(n)]
    roster = ['[roster]\nreplace = true\n\n[city]\nname = "某区总工会"\nlevel = "county"\n\n'
              '[deadlines.enterprise]\nH1 = "06-30"\nH2 = "11-30"\n\n'
              '[own]\nunion_trainings = 2\nunion_trainees = 100\ncounty_unions_with_fund = 1\ncounty_fund = 5\n'
              'county_awarded = 10\ncounty_awarded_chem = 1\ncounty_paid = 2\n']
    for i, unit in enumerate(units):
        roster.append(f'[[units]]\nname = "{unit}"\nlevel = "enterprise"\n')
        values = samples.full_values(ed, "enterprise", seed=i)
        if i % 3 == 0:
            values["workers_total"] = f"{values['workers_total']:,}人"
            values["hazards_found"] = str(values["hazards_found"]).translate(FULLWIDTH)
        day = date(2020, 6, 1 + i % 28)
        kind = i % 10
        if kind < 6:
            path = samples.write_generated(out / f"{i:05d}.xlsx", ed, unit=unit, report_date=day, values=values,
                                           period="2020H1")
        elif kind == 9:
            path = samples.write_list(out / f"{i:05d}.xlsx", ed, unit=unit, date_text=day.isoformat(), values=values)
        elif kind == 8 and xls:
            path = samples.write_xls_grid(out / f"{i:05d}.xls", ed, unit=unit, date_text=day.isoformat(), values=values)
        else:
            path = samples.write_grid(out / f"{i:05d}.xlsx", ed, unit=unit, date_text=f"{day:%Y年%-m月%-d日}",
                                      values=values, break_labels=kind == 7, ascii_quotes=kind == 7)
        made.append(path)
    (out.parent / f"{out.name}-ROSTER.toml").write_text("\n".join(roster), encoding="utf-8")
    return made


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--xls"]
    count = int(args[0]) if args else 1000
    target = Path(args[1]) if len(args) > 1 else Path("bench-returns")
    import time

    t = time.perf_counter()
    files = make(count, target, xls="--xls" in sys.argv)
    print(f"{len(files)} returns in {target} ({time.perf_counter() - t:.1f} s); roster: {target.name}-ROSTER.toml")

"""A folder of hand-typed county returns as they arrived before cbc could read them: the
notice's grid typed by hand, the city-only fields left blank, the 注 line under the table."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from . import notice as N
from .build import Style, grid
from .table import Workbook, write_openpyxl

CITY = "某市总工会"


def unit_name(i: int) -> str:
    return f"第{i:04d}区总工会"


def county_values(seed: int) -> dict:
    """Figures of one county that keep every rule of the notice."""
    rnd = random.Random(seed)
    v: dict = {}
    for total, chem in (("units_total", "units_chem"), ("workers_total", "workers_chem"),
                        ("trainings_total", "trainings_chem"), ("trained_total", "trained_chem")):
        v[total] = rnd.randint(10, 5000)
        v[chem] = rnd.randint(0, v[total])
    v["trained_total"] = min(v["trained_total"], v["workers_total"])
    v["trained_chem"] = min(v["trained_chem"], v["trained_total"])
    v["union_trainings"] = rnd.randint(1, 20)
    v["union_trainees"] = rnd.randint(10, 900)
    v["hazards_found"] = rnd.randint(10, 2000)
    v["hazards_found_chem"] = rnd.randint(0, v["hazards_found"])
    v["hazards_fixed"] = rnd.randint(0, v["hazards_found"])
    v["hazards_fixed_chem"] = min(rnd.randint(0, v["hazards_fixed"]), v["hazards_found_chem"])
    v["county_unions_with_fund"] = 1
    v["county_fund"] = Decimal(rnd.randint(20, 900)) / 10
    v["county_awarded"] = rnd.randint(1, 100)
    v["county_awarded_chem"] = rnd.randint(0, v["county_awarded"])
    v["county_paid"] = Decimal(rnd.randint(1, int(v["county_fund"] * 10))) / 10
    return {f.code: v.get(f.code) for f in N.FIELDS}


def make(n: int, folder: Path) -> tuple[list[Path], Path]:
    """n returns in folder, and a roster (the city and its n counties) beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        style = Style(date=("text", "real", "dash")[i % 3], label_break=i % 4 == 3, note=True, blank=None)
        t = grid(county_values(i), style, unit=unit_name(i), day=date(2020, 5, 1 + i % 28),
                 merge_spans=i % 2 == 0)
        paths.append(write_openpyxl(Workbook([t]), folder / f"{unit_name(i)}-统计表.xlsx"))
    roster = folder.parent / f"{folder.name}-ROSTER.toml"
    lines = ['[roster]\nreplace = true\n', f'[city]\nname = "{CITY}"\nlevel = "city"\n',
             '[deadlines.county]\nH1 = "06-01"\nH2 = "11-30"\n']
    lines += [f'[[units]]\nname = "{unit_name(i)}"\nlevel = "county"\n' for i in range(n)]
    roster.write_text("\n".join(lines), encoding="utf-8")
    return paths, roster

"""The baseline: what a capable clerk-programmer writes with pandas + openpyxl.

    python benchmarks/baseline_pandas.py RETURNS_DIR OUT.xlsx

Reads every .xlsx in the folder with pandas (openpyxl engine), finds each of the 24 labels
(spaces, line breaks and quotes removed), takes the first value to its right, parses numbers
typed as text ('1,200人', full-width digits), sums per field and writes the summary with
pandas. It does not check rules, dates, units or the roster: it only adds up, so it is a
generous baseline. (pandas cannot read .xls without xlrd; the benchmark corpus has none.)
"""

from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def norm(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s“”\"'：:]", "", t)


def number(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    t = unicodedata.normalize("NFKC", str(v)).replace(",", "").strip()
    t = re.sub(r"(万元|人|个|次|项)$", "", t)
    try:
        return float(t)
    except ValueError:
        return None


def main(folder: Path, out: Path) -> None:
    edition = tomllib.loads((ROOT / "schemas" / "edition-2020.toml").read_text(encoding="utf-8"))
    fields = edition["stats"]["fields"]
    by_label: dict[str, list[str]] = {}
    for f in fields:
        by_label.setdefault(norm(f["label"]), []).append(f["code"])
    totals = {f["code"]: 0.0 for f in fields}
    rows = []
    for path in sorted(folder.glob("*.xlsx")):
        df = pd.read_excel(path, header=None, engine="openpyxl", sheet_name=0)
        values = df.values.tolist()
        found: dict[str, float | None] = {}
        for row in values:
            for c, cell in enumerate(row):
                if not isinstance(cell, str):
                    continue
                codes = by_label.get(norm(cell))
                if not codes:
                    continue
                code = next((x for x in codes if x not in found), codes[0])
                value = None
                for right in row[c + 1:]:
                    if isinstance(right, str) and by_label.get(norm(right)):
                        break
                    if not (isinstance(right, float) and pd.isna(right)):
                        value = number(right)
                        break
                found[code] = value
        for code, v in found.items():
            if v is not None:
                totals[code] += v
        rows.append({"file": path.name, **found})
    with pd.ExcelWriter(out, engine="openpyxl") as xl:
        pd.DataFrame([totals]).to_excel(xl, sheet_name="汇总", index=False)
        pd.DataFrame(rows).to_excel(xl, sheet_name="明细", index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

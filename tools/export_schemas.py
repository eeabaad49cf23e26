"""Write the JSON Schema of a filled return of each form, for every edition, into schemas/.

Run after changing an edition file: python tools/export_schemas.py
(tests/test_forms.py fails while the exported files are stale).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cbc_cli.model.edition import edition_files, json_schemas, load_edition  # noqa: E402


def render(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> None:
    out = ROOT / "schemas"
    for path in edition_files(out):
        for name, schema in json_schemas(load_edition(path)).items():
            (out / name).write_text(render(schema), encoding="utf-8")
            print(f"wrote schemas/{name}")


if __name__ == "__main__":
    main()

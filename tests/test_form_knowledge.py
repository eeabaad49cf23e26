"""The forms are data: no edition label, field code or roster unit name is spelt in the Python
under src/ (next year's form is a new file in schemas/, not a code change)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "cbc_cli"


def _strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module, docstrings left out (they may describe the forms)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def _form_words() -> dict[str, str]:
    """What must not appear in code: word -> where it comes from."""
    words: dict[str, str] = {}
    for path in sorted((ROOT / "schemas").glob("edition-*.toml")):
        ed = tomllib.loads(path.read_text(encoding="utf-8"))
        stats, sc = ed["stats"], ed["selfcheck"]
        for f in stats["fields"]:
            words[f["label"]] = f"label of field {f['no']}"
            words[f["code"]] = "field code"
        for key in ("title", "unit_label", "date_label", "note"):
            words[stats[key]] = f"stats.{key}"
        for key in ("title", "unit_label", "total_label"):
            words[sc[key]] = f"selfcheck.{key}"
        for item in sc["items"]:
            words[item["text"]] = f"item {item['no']}"
            if item.get("drills_label"):
                words[item["drills_label"]] = "drills label"
        for s in sc["sections"]:
            words[s["name"]] = "section"
        for ind in stats.get("indicators", []):
            words[ind["label"]] = "indicator"
    roster = tomllib.loads((SRC / "data" / "roster-weihai.toml").read_text(encoding="utf-8"))
    for u in roster["units"]:
        for name in (u["name"], *u.get("aliases", [])):
            words[name] = "roster unit"
    words[roster["city"]["name"]] = "city"
    return {w: why for w, why in words.items() if len(w) >= 2}


# Keys of a JSON contract that happen to equal a field code: the contract fixes the name, not the form.
CONTRACT_KEYS = {
    ("src/cbc_cli/model/assess.py", "hazards_found"),  # cbc assess: hazards found in the ledgers (issue 17)
}


def test_no_form_label_code_or_unit_name_in_the_code():
    words = _form_words()
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for line, text in _strings(path):
            for word, why in words.items():
                if word in text and not (text == word and (str(path.relative_to(ROOT)), word) in CONTRACT_KEYS):
                    found.append(f"{path.relative_to(ROOT)}:{line}: {word!r} ({why})")
    assert not found, "\n".join(found)


def test_the_check_would_see_a_label(tmp_path):
    mod = tmp_path / "m.py"
    mod.write_text('"""参与职工人数 may be named in a docstring."""\nX = "参与职工人数"\n', encoding="utf-8")
    assert [s for _, s in _strings(mod)] == ["参与职工人数"]

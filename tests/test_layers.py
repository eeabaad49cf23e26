"""The code's shape, held by a test: layers import only downwards, and no module imports itself
back round a cycle (README, "How the code is laid out").

    cli -> render/report -> commands -> batch -> judge -> read -> model
                                      \\-> write -> model
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "cbc_cli"

# what each layer may import (besides itself)
ALLOWED = {
    "model": {"model"},
    "read": {"model", "read"},
    "judge": {"model", "read", "judge"},
    "batch": {"model", "read", "judge", "batch"},
    "write": {"model", "write"},
    "commands": {"model", "read", "judge", "batch", "write", "commands"},
    "present": {"model", "write", "present"},
    "cli": {"model", "read", "judge", "batch", "write", "commands", "present", "cli"},
}
COMMANDS = {"aggregate", "scoring", "validate", "newform", "status", "history", "ledger", "assess", "messages"}
PRESENT = {"render", "report"}
CLI = {"cli", "i18n", "__main__", "__init__", "options"}


def layer(module: str) -> str:
    parts = module.split(".")[1:]  # drop cbc_cli
    if not parts:
        return "cli"
    head = parts[0]
    if head in ("model", "read", "judge", "batch", "write"):
        return head
    if head == "version":
        return "model"
    if head in COMMANDS:
        return "commands"
    if head in PRESENT:
        return "present"
    if head in CLI:
        return "cli"
    raise AssertionError(f"{module}: which layer is this module in? Add it to tests/test_layers.py")


def modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        out[name] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every cbc module this module imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                root = ".".join(base + ([node.module] if node.module else []))
            else:
                root = node.module or ""
            targets = [root] + [f"{root}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            if not t.startswith("cbc_cli"):
                continue
            while t and t not in known:  # cbc_cli.model.edition.Edition -> cbc_cli.model.edition
                t = t.rpartition(".")[0]
            if t and t != name and t != "cbc_cli":
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports(name, path, known) for name, path in mods.items()}


def test_every_module_has_a_layer():
    for name in modules():
        layer(name)


def test_no_import_from_a_higher_layer():
    wrong = []
    for name, deps in graph().items():
        mine = layer(name)
        for dep in deps:
            if layer(dep) not in ALLOWED[mine]:
                wrong.append(f"{name} ({mine}) imports {dep} ({layer(dep)})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles():
    g = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_the_checker_sees_a_wrong_way_import(tmp_path):
    """The test above would notice: a model module importing a reader is found."""
    fake = tmp_path / "cbc_cli" / "model"
    fake.mkdir(parents=True)
    (fake / "x.py").write_text("from ..read.grid import Sheet\n", encoding="utf-8")
    deps = imports("cbc_cli.model.x", fake / "x.py", {"cbc_cli.read.grid", "cbc_cli.model.x"})
    assert deps == {"cbc_cli.read.grid"} and layer("cbc_cli.read.grid") not in ALLOWED["model"]

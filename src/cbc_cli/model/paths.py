"""Where the data that ships with cbc lives: schemas/ and templates/.

In a wheel they sit inside the package (see pyproject.toml, force-include); in a source
checkout (an editable install, or the tests) they sit at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # cbc_cli/


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cbc 的安装不完整：找不到 {name}/ 目录")


def schemas_dir() -> Path:
    return _find("schemas")


def templates_dir() -> Path:
    return _find("templates")


def data_dir() -> Path:
    """Data that ships inside the package itself (the default roster, the finding messages)."""
    return _PACKAGE / "data"

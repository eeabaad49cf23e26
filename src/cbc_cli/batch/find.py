"""Which files to read: the files named, and the workbooks in the folders named."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".et", ".xltx", ".xlt"}


def find_workbooks(paths: Iterable[str | Path], recursive: bool = False) -> Iterator[Path]:
    """The files named, and the workbooks in the folders named (sorted; no hidden or temp files)."""
    for p in paths:
        p = Path(p)
        if p.is_dir() and recursive:
            for child in sorted(p.rglob("*")):
                if _looks_like_name(child.name) and child.is_file():
                    yield child
        elif p.is_dir():  # scandir knows which entries are files without a stat each
            with os.scandir(p) as entries:
                found = sorted(p / e.name for e in entries if _looks_like_name(e.name) and e.is_file())
            yield from found
        else:
            yield p


def _looks_like_name(name: str) -> bool:
    if name.startswith(("~$", ".~", ".")) or name.endswith(".part"):
        return False  # Excel's and WPS's lock files, hidden files, our own temporaries
    return os.path.splitext(name)[1].lower() in WORKBOOK_SUFFIXES

"""Which files to read: the files named, and the workbooks in the folders named."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".et", ".xltx", ".xlt"}


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


def find_received(paths: Iterable[str | Path], recursive: bool = False) -> Iterator[Path]:
    """Every file that came, workbook or not (a PDF sent instead of a return is news too), but
    no hidden or temp files: what `cbc status` accounts for."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            children = p.rglob("*") if recursive else p.iterdir()
            yield from sorted(c for c in children if _received_name(c.name) and c.is_file())
        else:
            yield p


_SYSTEM_FILES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}  # what Windows leaves in a folder by itself


def _received_name(name: str) -> bool:
    return not (name.startswith(("~$", ".~", ".")) or name.endswith(".part") or name.lower() in _SYSTEM_FILES)

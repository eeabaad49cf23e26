"""Which files to read: the files named, and the workbooks in the folders named.

Nothing in a folder is passed over in silence: every entry is either read or listed as skipped
with its reason (a finding of group "skip" in data/findings.toml). A file named on the command
line is always read (the reader then says what it is).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model.results import Skipped

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".et", ".xltx", ".xltm", ".xlt"}

# what a skipped file most likely is, by its suffix: the wording of its not-excel finding
_KINDS = {
    "pdf": {".pdf", ".ofd"},
    "word": {".doc", ".docx", ".docm", ".wps", ".rtf", ".odt", ".dot", ".dotx"},
    "text": {".csv", ".txt", ".tsv", ".json", ".xml", ".htm", ".html", ".mht", ".mhtml"},
    "image": {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic"},
    "wps": {".ett", ".ets", ".dps"},
    "archive": {".zip", ".rar", ".7z", ".gz", ".tar"},
}


@dataclass
class Found:
    files: list[Path]
    skipped: list[Skipped]


def scan(paths: Iterable[str | Path], recursive: bool = False) -> Found:
    """The files to read (files named, then each folder's workbooks, sorted) and every other
    entry of the folders named, with why it is not read."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            _folder(p, recursive, files, skipped)
        else:
            files.append(p)
    return Found(files, skipped)


def _folder(folder: Path, recursive: bool, files: list[Path], skipped: list[Skipped]) -> None:
    with os.scandir(folder) as it:  # scandir knows which entries are files without a stat each
        entries = sorted(it, key=lambda e: e.name)
    subfolders = []
    for e in entries:
        path = folder / e.name
        why = _name_skip(e.name)
        try:
            is_dir = e.is_dir()
            is_file = e.is_file()
        except OSError:
            is_dir = is_file = False
        if why is not None and not (is_dir and why.code == "hidden-file"):
            skipped.append(Skipped(path, why.code, why.variant))
        elif is_dir:
            if e.name.startswith("."):
                skipped.append(Skipped(path, "hidden-file"))
            elif recursive:
                subfolders.append(path)
            else:
                skipped.append(Skipped(path, "subfolder"))
        elif not is_file:
            skipped.append(Skipped(path, "not-a-file"))
        elif os.path.splitext(e.name)[1].lower() in WORKBOOK_SUFFIXES:
            files.append(path)
        else:
            skipped.append(Skipped(path, "not-excel", _kind(e.name)))
    for sub in subfolders:
        _folder(sub, recursive, files, skipped)


@dataclass(frozen=True)
class _Why:
    code: str
    variant: str | None = None


def _name_skip(name: str) -> _Why | None:
    """Lock and hidden files, known by their names alone."""
    if name.startswith(("~$", ".~lock.", ".~")) or name.startswith("~") and name.endswith(".tmp"):
        return _Why("lock-file")  # Excel's, LibreOffice's and WPS's lock files
    if name.startswith(".") or name.endswith(".part") or name.lower() in _SYSTEM_FILES:
        return _Why("hidden-file")  # hidden files, our own temporaries, what Windows leaves by itself
    return None


def _kind(name: str) -> str | None:
    suffix = os.path.splitext(name)[1].lower()
    for kind, suffixes in _KINDS.items():
        if suffix in suffixes:
            return kind
    return None


def find_workbooks(paths: Iterable[str | Path], recursive: bool = False) -> Iterator[Path]:
    """The files named, and the workbooks in the folders named (sorted; no hidden or temp files)."""
    yield from scan(paths, recursive).files


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

"""Writing files safely: never over an existing file without force, never half-written, and
never outside the folder asked for."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path


class OutputExists(Exception):
    """A file would be overwritten and --force was not given."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        names = "、".join(p.name for p in paths[:3]) + ("等" if len(paths) > 3 else "")
        super().__init__(f"文件已存在：{names}。如需覆盖，请加 --force。")


def check_free(paths: Iterable[Path | None], force: bool) -> None:
    """Refuse before anything is written if any target exists and force is not given."""
    if force:
        return
    taken = [p for p in paths if p is not None and p.exists()]
    if taken:
        raise OutputExists(taken)


def write_atomically(path: Path, produce: Callable[[str], None], *, force: bool = False) -> Path:
    """produce(temporary path) writes the file; it is renamed into place only when complete, so
    an interrupted run leaves the old file or nothing."""
    path = Path(path)
    check_free([path], force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".cbc-", suffix=path.suffix + ".part", dir=path.parent)
    os.close(fd)
    try:
        produce(tmp)
        if not force and path.exists():  # appeared while we were writing
            raise OutputExists([path])
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_name_part(text: str, limit: int = 60) -> str:
    """A piece of a file name made from user text: no separators, controls, or leading dots."""
    t = unicodedata.normalize("NFKC", text)
    t = _UNSAFE_NAME.sub("_", t)
    t = re.sub(r"\s+", "", t).strip("._-")
    return t[:limit] or "未命名"


def inside(directory: Path, name: str) -> Path:
    """directory/name, proven to stay inside directory."""
    target = (directory / name).resolve()
    if target.parent != directory.resolve():
        raise ValueError(f"文件名不安全：{name!r}")
    return target

"""Writing files safely: never over an existing file without force, never half-written, and
never outside the folder asked for."""

from __future__ import annotations

import errno
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path


class OutputError(Exception):
    """An output cannot be written where it was asked for; the message names the user's path."""

    def __init__(self, message: str, paths: list[Path] | None = None):
        self.paths = paths or []
        super().__init__(message)


class OutputExists(OutputError):
    """A file would be overwritten and --force was not given."""

    def __init__(self, paths: list[Path]):
        names = "、".join(str(p) for p in paths[:3]) + ("等" if len(paths) > 3 else "")
        super().__init__(f"文件已存在：{names}。如需覆盖，请加 --force。", paths)


# errno -> what to tell the user about the path they gave
_OS_WORDS = {
    errno.EEXIST: "文件已存在",
    errno.EISDIR: "是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.ENOENT: "所在的文件夹不存在",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "所在的磁盘只读",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EDQUOT: "超出磁盘配额",
}


def os_message(exc: OSError, path: Path | str, verb: str = "写入") -> str:
    """An OS error in Chinese, naming the path the user gave (not our temporary file)."""
    words = _OS_WORDS.get(exc.errno or 0) or f"系统错误（{exc.strerror or exc}）"
    return f"无法{verb} {path}：{words}。"


def check_outputs(targets: Iterable[tuple[Path | None, tuple[str, ...]]], force: bool) -> None:
    """Refuse, before any input is read, outputs that cannot be written: a wrong suffix, a
    folder in the way, a missing or unwritable folder, or (without force) a file already there."""
    taken: list[Path] = []
    for path, suffixes in targets:
        if path is None:
            continue
        path = Path(path)
        if suffixes and path.suffix.lower() not in suffixes:
            raise OutputError(f"无法写入 {path}：文件名须以 {' 或 '.join(suffixes)} 结尾。", [path])
        if path.is_dir():
            raise OutputError(f"无法写入 {path}：是一个文件夹，不是文件。", [path])
        parent = _existing_parent(path)
        if not parent.is_dir():
            raise OutputError(f"无法写入 {path}：{parent} 不是文件夹。", [path])
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OutputError(f"无法写入 {path}：没有在 {parent} 中写入的权限。", [path])
        if path.exists():
            if not force:
                taken.append(path)
            elif not os.access(path, os.W_OK) and not os.access(parent, os.W_OK):
                raise OutputError(f"无法覆盖 {path}：没有写入权限。", [path])
    if taken:
        raise OutputExists(taken)


def check_folder(folder: Path | None) -> None:
    """A folder outputs go into (made if missing): refuse a file in its place or no permission."""
    if folder is None:
        return
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"无法写入 {folder}：已有同名文件，不是文件夹。", [folder])
    parent = folder if folder.is_dir() else _existing_parent(folder)
    if not parent.is_dir():
        raise OutputError(f"无法写入 {folder}：{parent} 不是文件夹。", [folder])
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"无法写入 {folder}：没有在 {parent} 中写入的权限。", [folder])


def _existing_parent(path: Path) -> Path:
    parent = path.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def check_free(paths: Iterable[Path | None], force: bool) -> None:
    """Refuse before anything is written if any target exists and force is not given."""
    if force:
        return
    taken = [p for p in paths if p is not None and p.exists()]
    if taken:
        raise OutputExists(taken)


@cache
def _file_mode() -> int:
    """The mode a new file gets here: 0666 less the umask, as any program's files."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


class _Batch:
    """Outputs staged as temporary files beside their targets, renamed into place together."""

    def __init__(self) -> None:
        self.staged: list[tuple[str, Path, bool]] = []

    def commit(self) -> None:
        taken = [path for _, path, force in self.staged if not force and path.exists()]
        if taken:  # appeared while we were writing
            raise OutputExists(taken)
        for tmp, path, _ in self.staged:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise OutputError(os_message(exc, path), [path]) from None

    def abort(self) -> None:
        for tmp, _, _ in self.staged:
            Path(tmp).unlink(missing_ok=True)


_batch: ContextVar[_Batch | None] = ContextVar("cbc_output_batch", default=None)


@contextmanager
def all_or_none() -> Iterator[None]:
    """Every write_atomically inside is staged; all the files appear when the block ends without
    an error (or Ctrl-C), none otherwise."""
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
        batch.commit()
    except BaseException:
        batch.abort()
        raise
    finally:
        _batch.reset(token)


def write_atomically(path: Path, produce: Callable[[str], None], *, force: bool = False) -> Path:
    """produce(temporary path) writes the file; it is renamed into place only when complete, so
    an interrupted run leaves the old file or nothing. Inside all_or_none(), the rename waits
    for the others. The file's mode follows the umask."""
    path = Path(path)
    check_free([path], force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cbc-", suffix=path.suffix + ".part", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(os_message(exc, path), [path]) from None
    batch = _batch.get()
    try:
        produce(tmp)
        os.chmod(tmp, _file_mode())
        if batch is not None:
            batch.staged.append((tmp, path, force))
            return path
        if not force and path.exists():  # appeared while we were writing
            raise OutputExists([path])
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(os_message(exc, path), [path]) from None
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

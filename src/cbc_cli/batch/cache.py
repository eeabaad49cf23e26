"""Results cached by file content, so a re-run reads only new or changed returns.

Before each deadline `cbc aggregate` runs again and again over a folder where most files have
not changed. A file's result depends only on its bytes and on the context it was judged in —
cbc's code (a hash of the installed modules and data, not the version number), the edition
(labels, rules), the roster (names, levels) and the reading limits — so the cache key is a
hash of both. Change any of them and old entries simply stop matching.

The cache is a small SQLite file in the user's cache folder (CBC_CACHE_DIR, else
XDG_CACHE_HOME/cbc, ~/.cache/cbc, or %LOCALAPPDATA%/cbc on Windows). Entries are JSON, not
pickles. If the folder cannot be written, cbc runs without a cache. Results of readers that
crashed, ran out of memory or time are never cached: they may not happen again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from ..model.results import FileResult, ScoreResult

SCHEMA = 2
NOT_CACHED = {"reader-crashed", "reader-timeout", "reader-memory", "unreadable"}
_PACKAGE = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    if os.environ.get("CBC_CACHE_DIR"):
        return Path(os.environ["CBC_CACHE_DIR"])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "cbc" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cbc"


def open_store(path: Path, *setup: str) -> sqlite3.Connection | None:
    """A SQLite file of cbc's cache folder, opened and set up (tables, pragmas); None where it
    cannot be (a folder that cannot be written): cbc then runs without what it keeps there."""
    db = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=5, isolation_level=None)
        for statement in setup:
            db.execute(statement)
    except (OSError, sqlite3.Error):
        if db is not None:
            db.close()
        return None
    return db


@cache
def code_hash() -> str:
    """A hash of cbc's installed code and data: any change to how a file is read or judged
    (not only a new version number) makes old results stop matching."""
    return tree_hash(_PACKAGE)


def tree_hash(root: Path) -> str:
    """A hash of the Python modules and TOML data under root, with their relative paths."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".toml") and path.is_file():
            h.update(str(path.relative_to(root)).encode() + b"\x00" + path.read_bytes())
    return h.hexdigest()


def context_key(*parts: Any) -> str:
    """A hash of everything besides the file's bytes that a result depends on: cbc's code, and
    the parts given (the edition, the roster, the reading limits, the form asked for)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"cbc cache {SCHEMA} {code_hash()}".encode())
    for part in parts:
        text = part.model_dump_json() if hasattr(part, "model_dump_json") else repr(part)
        h.update(b"\x00" + text.encode("utf-8"))
    return h.hexdigest()


def content_key(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


# --- results <-> JSON (each model's own record) ------------------------------------------------

def dump(r: FileResult | ScoreResult) -> str:
    kind = "stats" if isinstance(r, FileResult) else "selfcheck"
    return json.dumps({"type": kind, "record": r.to_record()}, ensure_ascii=False)


def load(text: str, path: Path, mtime: float) -> FileResult | ScoreResult:
    d = json.loads(text)
    if d["type"] == "stats":
        return FileResult.from_record(d["record"], path, mtime)
    return ScoreResult.from_record(d["record"], path)


class ResultCache:
    """content hash + context -> judged result."""

    def __init__(self, context: str, directory: Path | None = None):
        self.context = context
        self.path = (directory or cache_dir()) / "results.sqlite"
        self.db = open_store(self.path, "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                             "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, result TEXT NOT NULL, "
                             "used REAL NOT NULL)")  # None: no cache rather than no result

    def _key(self, content: str) -> str:
        return f"{self.context}:{content}"

    def get_many(self, contents: Iterable[str]) -> dict[str, str]:
        if self.db is None:
            return {}
        keys = [self._key(c) for c in contents]
        found: dict[str, str] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for key, text in self.db.execute(f"SELECT key, result FROM results WHERE key IN ({marks})", chunk):
                    found[key.split(":", 1)[1]] = text
        except sqlite3.Error:
            return {}
        return found

    def put_many(self, items: Iterable[tuple[str, FileResult | ScoreResult]]) -> None:
        if self.db is None:
            return
        now = time.time()
        rows = [(self._key(c), dump(r), now) for c, r in items if not ({i.code for i in r.issues} & NOT_CACHED)]
        try:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO results (key, result, used) VALUES (?, ?, ?)", rows)
            self.db.execute("COMMIT")
        except sqlite3.Error:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def prune(self, keep_days: float = 180) -> None:
        if self.db is not None:
            try:
                self.db.execute("DELETE FROM results WHERE used < ?", (time.time() - keep_days * 86400,))
            except sqlite3.Error:
                pass

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

"""The runs of `cbc status`, so that the next run can say what is new since the last one.

A small SQLite file beside the result cache (cache.cache_dir(): CBC_CACHE_DIR, else
~/.cache/cbc). One row per run: which folder and period it looked at, when, as of which day,
every file it saw (by content hash, so a corrected file under the same name is new too) and
every unit's state. If the folder cannot be written, status runs without a history.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .cache import cache_dir, open_store

SCHEMA = 1


@dataclass
class Run:
    at: datetime
    today: date
    files: dict[str, tuple[str, str | None]]     # path -> (content hash, unit)
    states: dict[str, str]                       # unit -> state


def folder_key(paths: list[Path], period: str) -> str:
    """What makes two runs comparable: the same folders (resolved) and the same period."""
    return period + "|" + "|".join(sorted(str(Path(p).resolve()) for p in paths))


class History:
    def __init__(self, directory: Path | None = None):
        self.path = (directory or cache_dir()) / "status-history.sqlite"
        self.db = open_store(self.path,
                             "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, schema INTEGER NOT NULL, "
                             "folder TEXT NOT NULL, at TEXT NOT NULL, today TEXT NOT NULL, data TEXT NOT NULL)",
                             "CREATE INDEX IF NOT EXISTS runs_folder ON runs (folder, today, at)")
        # None: no history rather than no status

    def last(self, folder: str, today: date) -> Run | None:
        """The latest run over the same folder looking as of this day or earlier (a replay with
        --today compares with the day before it, not with a later one)."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT at, today, data FROM runs WHERE folder = ? AND schema = ? AND today <= ? "
                                  "ORDER BY today DESC, at DESC LIMIT 1",
                                  (folder, SCHEMA, today.isoformat())).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        data: dict[str, Any] = json.loads(row[2])
        return Run(datetime.fromisoformat(row[0]), date.fromisoformat(row[1]),
                   {p: (k, u) for p, (k, u) in data["files"].items()}, data["states"])

    def record(self, folder: str, run: Run) -> None:
        if self.db is None:
            return
        data = json.dumps({"files": {p: list(v) for p, v in run.files.items()}, "states": run.states},
                          ensure_ascii=False)
        try:
            self.db.execute("INSERT INTO runs (schema, folder, at, today, data) VALUES (?, ?, ?, ?, ?)",
                            (SCHEMA, folder, run.at.isoformat(timespec="seconds"), run.today.isoformat(), data))
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

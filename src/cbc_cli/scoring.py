"""`cbc score`: a folder of self-checks (附件2) scored against the rubric and ranked.

Each file is read and judged by the same ladder as a 统计表 (judge/ladder.py), in isolated
workers; a unit's 统计表 found among the paths is used for the edition's cross-form checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .batch.find import find_workbooks
from .batch.run import Progress, read_selfchecks
from .judge.selfcheck import cross_check
from .model.config import Roster, default_roster
from .model.edition import Edition, get_edition
from .model.limits import DEFAULT_ISOLATION, Isolation
from .model.results import FileResult, Ranking, ScoreResult


def score_paths(paths: Iterable[str | Path], *, recursive: bool = False, roster: Roster | None = None,
                edition: str | Edition | None = None, jobs: int | None = None,
                isolation: Isolation | None = DEFAULT_ISOLATION, progress: Progress | None = None,
                cache: bool = False) -> Ranking:
    """Score every self-check among the paths (each read in an isolated worker) and rank them."""
    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    roster = roster if roster is not None else default_roster()
    isolation = roster.isolation() if isolation is DEFAULT_ISOLATION else isolation
    files = list(find_workbooks(paths, recursive))
    read = read_selfchecks(files, roster=roster, edition=ed, jobs=jobs, isolation=isolation, progress=progress,
                           cache=cache)
    results = [r for r in read if isinstance(r, ScoreResult)]
    stats = [r for r in read if isinstance(r, FileResult)]
    by_unit = {s.unit: s for s in sorted(stats, key=lambda s: (s.date is not None, s.date)) if s.unit}
    for r in results:
        if r.readable and r.unit in by_unit:
            r.issues.extend(cross_check(r, by_unit[r.unit], ed))
    return Ranking(results, stats)


__all__ = ["score_paths"]

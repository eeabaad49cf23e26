"""`cbc validate`: many 统计表 read and judged, each on its own, optionally held against the
same units' June returns (a November return whose whole-year figure went down)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .aggregate import first_half_returns, hold_against
from .batch.find import find_workbooks
from .batch.run import Progress, read_returns
from .model.config import Roster, default_roster
from .model.edition import Edition, Level, get_edition
from .model.limits import DEFAULT_ISOLATION, Isolation
from .model.period import Period
from .model.results import FileResult


def validate_paths(paths: Iterable[str | Path], *, recursive: bool = False, roster: Roster | None = None,
                   level: Level | None = None, edition: str | Edition | None = None, jobs: int | None = None,
                   isolation: Isolation | None = DEFAULT_ISOLATION, progress: Progress | None = None,
                   cache: bool = False, previous: Iterable[str | Path] | None = None) -> list[FileResult]:
    """Every 统计表 among the paths, each read in an isolated worker, in input order.

    previous: June (H1) returns; each November (H2) return is then held against its unit's June
    return of the same year (a whole-year figure that went down is a warning)."""
    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    roster = roster if roster is not None else default_roster()
    isolation = roster.isolation() if isolation is DEFAULT_ISOLATION else isolation
    results = read_returns(list(find_workbooks(paths, recursive)), roster=roster, edition=ed, level=level, jobs=jobs,
                           isolation=isolation, progress=progress, cache=cache)
    if previous is not None:
        november: dict[int, list[FileResult]] = {}
        for r in results:
            period = period_of(r)
            if r.readable and r.unit and period is not None and period.half == "H2":
                november.setdefault(period.year, []).append(r)
        files = list(find_workbooks(previous, recursive))
        for year, returns in november.items():
            before = first_half_returns(files, year, roster=roster, edition=ed, level=level, jobs=jobs,
                                        isolation=isolation, cache=cache)
            hold_against(before, returns, ed, Period(year=year, half="H1"))
    return results


def period_of(r: FileResult) -> Period | None:
    """The half-year a return belongs to: as its identity says, else by its date."""
    if r.period:
        try:
            return Period.parse(r.period)
        except ValueError:
            return None
    return Period.of_date(r.date) if r.date else None


__all__ = ["period_of", "validate_paths"]

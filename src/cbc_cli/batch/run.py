"""Reading many files: each judged in an isolated worker, unchanged ones served from the cache.

The same path for both forms: `read_returns` (统计表, as validate and aggregate read them) and
`read_selfchecks` (自查表, as score reads them, with any 统计表 among them for the cross-form
checks). Results come back in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from ..judge.ladder import score_or_stats, unreadable, unreadable_result, validate_file
from ..model.config import Roster
from ..model.edition import Edition, Level
from ..model.limits import DEFAULT_ISOLATION, Isolation
from ..model.results import FileResult, ScoreResult
from .pool import run_isolated

R = TypeVar("R")
Progress = Callable[[int, int], None]


def run(paths: Sequence[Path], task: Callable[[Path], R], *, on_failure: Callable[..., R], context: tuple[Any, ...],
        jobs: int | None = None, progress: Progress | None = None, isolation: Isolation | None = DEFAULT_ISOLATION,
        cache: bool = False, while_reading: Callable[[], None] | None = None,
        digests: dict[Path, str] | None = None) -> list[R]:
    """task(path) for every path, each in an isolated worker (isolation=None: in this process,
    for trusted files only). With cache, files whose bytes were judged before in the same
    context are not read again. while_reading is called once, while the workers read. digests,
    when given, gets the content hash (cache.content_key) of each file the cache hashed."""
    limits = (isolation or DEFAULT_ISOLATION).limits
    paths = list(paths)
    results: list[Any] = [None] * len(paths)
    store = None
    keys: list[str | None] = [None] * len(paths)
    if cache:
        from .cache import ResultCache, content_key, context_key, load

        store = ResultCache(context_key(*context, isolation or DEFAULT_ISOLATION))
        mtimes: list[float] = [0.0] * len(paths)
        for i, p in enumerate(paths):
            try:
                st = p.stat()
                if 0 < st.st_size <= limits.max_bytes:
                    keys[i] = content_key(p.read_bytes())
                    mtimes[i] = st.st_mtime
                    if digests is not None:
                        digests[p] = keys[i]
            except OSError:
                pass
        hits = store.get_many(k for k in keys if k)
        for i, k in enumerate(keys):
            if k in hits:
                results[i] = load(hits[k], paths[i], mtimes[i])
    todo = [i for i, r in enumerate(results) if r is None]
    done_before = len(paths) - len(todo)
    step = (lambda n, total: progress(done_before + n, len(paths))) if progress else None
    todo_paths = [paths[i] for i in todo]
    if isolation is None:
        if while_reading is not None:
            while_reading()
        fresh = []
        for n, p in enumerate(todo_paths, 1):
            fresh.append(task(p))
            if step:
                step(n, len(todo_paths))
    else:
        fresh = run_isolated(_SentWithoutPath(task), todo_paths, on_failure=on_failure, jobs=jobs, isolation=isolation,
                             progress=step, while_waiting=while_reading)
        for p, r in zip(todo_paths, fresh):
            if getattr(r, "path", p) is None:
                r.path = p
    for i, r in zip(todo, fresh):
        results[i] = r
    if store is not None:
        store.put_many((keys[i], results[i]) for i in todo if keys[i])
        store.close()
    return results


class _SentWithoutPath:
    """The task, its result coming back from the worker without its path, which the parent
    has already: a path costs more to unpickle than the rest of a result's header (~10 ms of
    the parent's time for 1,000 returns)."""

    def __init__(self, task: Callable[[Path], Any]):
        self.task = task

    def __call__(self, path: Path) -> Any:
        result = self.task(path)
        try:
            if hasattr(result, "path"):
                result.path = None
        except AttributeError:  # a frozen result (dataclasses.FrozenInstanceError is one) keeps its path
            pass
        return result


def read_returns(paths: Sequence[Path], *, roster: Roster, edition: Edition, level: Level | None = None,
                 jobs: int | None = None, progress: Progress | None = None,
                 isolation: Isolation | None = DEFAULT_ISOLATION, cache: bool = False,
                 while_reading: Callable[[], None] | None = None,
                 digests: dict[Path, str] | None = None) -> list[FileResult]:
    """Every file read and judged as a 统计表."""
    limits = (isolation or DEFAULT_ISOLATION).limits
    task = partial(validate_file, roster=roster, edition=edition, level=level, limits=limits)
    return run(paths, task, on_failure=unreadable_result, context=("stats", edition, roster, level), jobs=jobs,
               progress=progress, isolation=isolation, cache=cache, while_reading=while_reading, digests=digests)


def read_selfchecks(paths: Sequence[Path], *, roster: Roster, edition: Edition, jobs: int | None = None,
                    progress: Progress | None = None, isolation: Isolation | None = DEFAULT_ISOLATION,
                    cache: bool = False) -> list[ScoreResult | FileResult]:
    """Every file scored as a 自查表, or, where it is a 统计表, judged as one."""
    limits = (isolation or DEFAULT_ISOLATION).limits

    def failed(path: Path, code: str, variant: str | None = None, **params: Any) -> ScoreResult:
        return unreadable(path, "selfcheck", code, variant, edition=edition, **params)  # type: ignore[return-value]

    task = partial(score_or_stats, roster=roster, edition=edition, limits=limits)
    return run(paths, task, on_failure=failed, context=("selfcheck", edition, roster), jobs=jobs,
               progress=progress, isolation=isolation, cache=cache)

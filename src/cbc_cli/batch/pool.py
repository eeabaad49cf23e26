"""Reading untrusted files in isolation: worker processes with a memory cap and a time limit.

python-calamine aborts the whole process (not an exception) on some crafted files, and a file
can be built to eat memory or time. So readers run in worker processes: each has its address
space capped, each file has a time limit, and a worker that dies or overruns costs only the
file it was reading — that file is marked "cannot be read" with the reason, a new worker takes
its place, and the batch goes on.

Work goes out in small chunks over a pipe and results come back a chunk at a time (cheap: one
message per chunk, not per file). The time limit is per file all the same: each worker marks in
a little shared memory which file it is reading and since when, so the parent knows which file
overran without a message per file. When a worker dies in the middle of a chunk, the files it
had not reported are run again one at a time, so only the file that is really to blame is
marked; when a file overruns, it alone is marked and the chunk's other files go back in line.

pebble's ProcessPool was measured against this (5.2.3, 400 returns, 2 workers, medians of 3):
it passed the same isolation cases, but took 0.53 s where this takes 0.42 s — one task and one
future per file — so we keep this pool.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..model.limits import DEFAULT_ISOLATION, MiB, Isolation

R = TypeVar("R")
IN_FLIGHT = 2  # chunks sent ahead to each worker



Failure = Callable[..., Any]   # (path, code, variant, **params) -> a result for that file (a finding of data/findings.toml)
Progress = Callable[[int, int], None]


def _address_space() -> int:
    """This process's current virtual size in bytes (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(budget: int) -> None:
    """Cap the address space at what the worker has now plus the budget for reading a file."""
    base = _address_space()
    if base == 0:  # no /proc (macOS): an absolute cap could starve the interpreter itself
        return
    try:
        import resource

        limit = base + budget
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on this platform
        pass


def _quiet() -> None:
    """A reader that aborts may print its own panic message or a fault dump; the user gets one
    Chinese line from the parent instead (CBC_DEBUG keeps the worker's stderr)."""
    import faulthandler

    faulthandler.disable()
    if os.environ.get("CBC_DEBUG") == "2":
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:  # pragma: no cover
        pass


IDLE = -1.0  # the mark's index while the worker reads no file


def _worker(conn: Connection, task: Callable[[Path], Any], memory: int, mark: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends us
    # What the parent made before the fork is never garbage here: set it aside, so that the
    # collector (on again, whatever the parent chose: a worker reads thousands of files) walks
    # only what this worker makes, and never writes to the parent's pages it shares
    gc.freeze()
    gc.enable()
    _quiet()
    _limit_memory(memory)
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        done: list[tuple[int, Any]] = []
        for index, path in batch:
            mark[1] = time.monotonic()  # CLOCK_MONOTONIC: the same clock in the parent
            mark[0] = index
            try:
                result: Any = ("ok", task(Path(path)))
            except MemoryError:
                result = ("failed", "reader-memory")
            except BaseException as exc:  # noqa: BLE001 - reported for this file only
                result = ("failed", f"reader-error:{type(exc).__name__}: {exc}")
            mark[0] = IDLE
            mark[1] = time.monotonic()
            done.append((index, result))
        try:
            conn.send(done)
        except MemoryError:
            conn.send([(index, ("failed", "reader-memory")) for index, _ in batch])


@dataclass
class _Slot:
    proc: Any
    conn: Connection
    mark: Any                                 # shared [index of the file being read or IDLE, since when]
    outstanding: deque[tuple[int, str]]       # every file sent and not yet reported, in order
    chunks: deque[int] = field(default_factory=deque)  # the sizes of the chunks in flight
    started: float = 0.0                      # when the chunk being read now was begun
    solo: bool = False                        # reading a suspect alone: nothing queued behind it


class _Pool(Generic[R]):
    def __init__(self, task: Callable[[Path], R], jobs: int, isolation: Isolation):
        self.task = task
        self.isolation = isolation
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        self.ctx = mp.get_context(method)
        self.slots: list[_Slot] = [self._spawn() for _ in range(jobs)]

    def _spawn(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        mark = self.ctx.RawArray("d", [IDLE, 0.0])
        proc = self.ctx.Process(target=_worker, args=(child, self.task, self.isolation.memory, mark), daemon=True)
        proc.start()
        child.close()
        return _Slot(proc, parent, mark, deque())

    def _replace(self, slot: _Slot) -> _Slot:
        try:
            if slot.proc.is_alive():
                slot.proc.kill()
            slot.proc.join(1)
        finally:
            slot.conn.close()
        fresh = self._spawn()
        self.slots[self.slots.index(slot)] = fresh
        return fresh

    def close(self) -> None:
        for slot in self.slots:
            try:
                slot.conn.send(None)
            except (OSError, ValueError, BrokenPipeError):
                pass
        deadline = time.monotonic() + 2
        for slot in self.slots:
            slot.proc.join(max(0.0, deadline - time.monotonic()))
            if slot.proc.is_alive():
                slot.proc.kill()
                slot.proc.join(1)
            slot.conn.close()


def run_isolated(task: Callable[[Path], R], paths: Sequence[Path], *, on_failure: Failure, jobs: int | None = None,
                 isolation: Isolation = DEFAULT_ISOLATION, progress: Progress | None = None,
                 while_waiting: Callable[[], None] | None = None) -> list[R]:
    """task(path) for every path, in worker processes; results in input order.

    A file whose worker dies, runs out of memory or overruns the time limit gets
    on_failure(path, code, variant, **params) instead. while_waiting is called once, when the
    workers have their first files: work of the caller's own that the wait would otherwise hold up."""
    total = len(paths)
    if total == 0:
        if while_waiting is not None:
            while_waiting()
        return []
    jobs = max(1, min(jobs or os.cpu_count() or 1, total))
    results: list[Any] = [None] * total
    done = 0
    pending: deque[tuple[int, str]] = deque((i, str(p)) for i, p in enumerate(paths))  # str: cheap to send
    pool: _Pool[R] = _Pool(task, jobs, isolation)

    def finish(index: int, value: Any) -> None:
        nonlocal done
        results[index] = value
        done += 1
        if progress:
            progress(done, total)

    suspects: deque[tuple[int, str]] = deque()   # files to run alone after a worker died on a chunk

    def fail(slot: _Slot, code: str, variant: str | None = None, sig: str | None = None, **params: Any) -> _Slot:
        """A worker died or overran: a lone file is to blame; a chunk's unreported files are retried alone."""
        if sig is not None:
            params["signal"] = sig
        if len(slot.outstanding) == 1:
            index, _ = slot.outstanding.popleft()
            finish(index, on_failure(paths[index], code, variant, **params))
        else:
            suspects.extend(slot.outstanding)
            slot.outstanding.clear()
        slot.chunks.clear()
        return pool._replace(slot)

    def overran(slot: _Slot) -> None:
        """The file the worker is reading has run past the limit: it alone is marked; the chunk's
        other files (read but not reported, or not yet begun) go back to the front of the line."""
        index = int(slot.mark[0])
        culprit = next((item for item in slot.outstanding if item[0] == index), None)
        if culprit is None:  # between files (receiving or sending): the old rule, the chunk is suspect
            fail(slot, "reader-timeout", seconds=f"{isolation.timeout:g}")
            return
        finish(index, on_failure(paths[index], "reader-timeout", None, seconds=f"{isolation.timeout:g}"))
        rest = [item for item in slot.outstanding if item[0] != index]
        (suspects if slot.solo else pending).extendleft(reversed(rest))
        slot.outstanding.clear()
        slot.chunks.clear()
        pool._replace(slot)

    try:
        while done < total:
            now = time.monotonic()
            for slot in list(pool.slots):
                # Two chunks in flight per worker: the next one waits in the pipe, so the worker
                # never idles while the parent takes in a reply. A suspect runs alone on an idle
                # worker, so that a crash names it.
                while len(slot.chunks) < IN_FLIGHT and not slot.solo:
                    if suspects:
                        if slot.outstanding:
                            break
                        chunk = [suspects.popleft()]
                        slot.solo = True
                    elif pending:
                        size = max(1, min(32, len(pending) // (jobs * 4)))
                        chunk = [pending.popleft() for _ in range(min(size, len(pending)))]
                    else:
                        break
                    if not slot.outstanding:
                        slot.started = now
                    slot.outstanding.extend(chunk)
                    slot.chunks.append(len(chunk))
                    try:
                        slot.conn.send(chunk)
                    except (OSError, ValueError, BrokenPipeError):
                        fail(slot, "reader-crashed", "exited")
                        break
            busy = [s for s in pool.slots if s.outstanding]
            if not busy:
                continue
            if while_waiting is not None:
                waiting, while_waiting = while_waiting, None
                waiting()
            deadline = min(_since(s) for s in busy) + isolation.timeout
            waitables = [s.conn for s in busy] + [s.proc.sentinel for s in busy]
            ready = set(wait(waitables, timeout=max(0.0, deadline - time.monotonic())))
            now = time.monotonic()
            for slot in list(busy):
                if slot.conn in ready:
                    try:
                        while slot.outstanding and slot.conn.poll():
                            for index, (status, value) in slot.conn.recv():
                                if status == "ok":
                                    finish(index, value)
                                else:
                                    code, variant, params = _failure(value, isolation)
                                    finish(index, on_failure(paths[index], code, variant, **params))
                            for _ in range(slot.chunks.popleft()):  # one reply per chunk, in order
                                slot.outstanding.popleft()
                            slot.started = time.monotonic()  # the worker has begun its next chunk
                            slot.solo = False
                    except (EOFError, OSError):
                        if slot.outstanding:
                            fail(slot, "reader-crashed", *_crashed(slot))
                        continue
                if slot.outstanding and slot.proc.sentinel in ready and not slot.conn.poll():
                    fail(slot, "reader-crashed", *_crashed(slot))
                elif slot.outstanding and now - _since(slot) > isolation.timeout:
                    overran(slot)
    finally:
        pool.close()
    return results


def _since(slot: _Slot) -> float:
    """When the file this worker is reading was begun; between files, when it last finished one
    or when its chunk was sent, whichever is later."""
    since = slot.mark[1]
    return since if slot.mark[0] != IDLE else max(since, slot.started)


def _failure(value: str, isolation: Isolation) -> tuple[str, str | None, dict[str, Any]]:
    if value == "reader-memory":
        return "reader-memory", None, {"mb": isolation.memory // MiB}
    return "reader-crashed", None, {}


def _crashed(slot: _Slot) -> tuple[str, ...]:
    """How a worker ended, as the wording of its reader-crashed finding (and the signal)."""
    slot.proc.join(0.5)
    code = slot.proc.exitcode
    return ("signal", str(-code)) if code is not None and code < 0 else ("exited",)

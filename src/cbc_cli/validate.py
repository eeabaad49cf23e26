"""`cbc validate`: read a filled 统计表 however it was typed, and say exactly what is wrong.

file -> guard -> grid -> located values -> typed return -> findings. `validate_file` never
raises for a bad file: an unreadable file is a result with readable=False and its reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
import os
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .checks import apply_rules
from .findings import HasIssues, Issue, shown
from .forms import LEVEL_NAMES, Edition, Level, get_edition
from .roster import Period, Roster, clean_unit, default_roster
from .values import fmt_number, parse_date, parse_number
from .pool import DEFAULT_ISOLATION, Isolation
from .workbook.guard import DEFAULT_LIMITS, Limits, Unreadable, guard
from .workbook.locate import FormNotFound, Located, locate_stats

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".et", ".xltx", ".xlt"}


@dataclass
class FileResult(HasIssues):
    """One file, read and judged. `to_json` is the `--format json` contract."""

    path: Path
    form: str | None = "stats"
    edition: str | None = None
    unit: str | None = None            # the roster name when matched, else as written
    unit_written: str | None = None
    listed: bool = False               # matched a roster unit (or the city)
    level: Level | None = None
    date: date | None = None
    period: str | None = None          # from a generated form's identity
    readable: bool = True
    by_identity: bool = False
    values: dict[str, int | Decimal | None] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)     # what was typed where it could not be read
    issues: list[Issue] = field(default_factory=list)
    mtime: float = 0.0

    def _field_codes(self) -> list[str]:
        """Every field of the edition, so that even an unreadable file reports all codes (as null)."""
        return list(self.values) or _codes_of(self.edition)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "form": self.form,
            "unit": self.unit,
            "level": self.level,
            "date": self.date.isoformat() if self.date else None,
            "readable": self.readable,
            "valid": self.valid,
            "values": {k: json_number(self.values.get(k)) for k in self._field_codes()},
            "issues": [i.as_json() for i in self.issues],
        }


def _codes_of(edition: str | None) -> list[str]:
    try:
        return [f.code for f in get_edition(edition).stats.fields]
    except Exception:  # noqa: BLE001 - an edition loaded from a file: its codes are in the values
        return []


def json_number(v: int | Decimal | None) -> int | float | None:
    if v is None or isinstance(v, int):
        return v
    return int(v) if v == v.to_integral_value() else float(v)


def _unreadable(path: Path, code: str, reason: str) -> FileResult:
    msg = f"无法读取：{reason}"
    return FileResult(path, form=None, readable=False, issues=[Issue("error", code, msg)])


def unreadable_result(path: Path, code: str, reason: str) -> FileResult:
    """The result for a file whose reader failed in isolation (crashed, out of memory, too slow)."""
    result = _unreadable(path, code, reason)
    try:
        result.mtime = path.stat().st_mtime
    except OSError:
        pass
    return result


def validate_file(path: str | Path, *, roster: Roster | None = None, level: Level | None = None,
                  edition: str | Edition | None = None, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Read and judge one 统计表. Never raises for a bad file."""
    from .workbook.grid import read_book

    path = Path(path)
    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    roster = roster if roster is not None else default_roster()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    try:
        book = read_book(guard(path, limits))
        located = locate_stats(book, ed)
        result = judge(located, ed, roster=roster, level=level, path=path, book=book)
    except Unreadable as exc:
        result = _unreadable(path, exc.code, exc.reason)
    except FormNotFound:
        if _is_selfcheck(book, ed):
            result = _unreadable(path, "not-a-stats-form",
                                 f"这是{ed.selfcheck.attachment}《{ed.selfcheck.title}》，不是{ed.stats.attachment}统计表；"
                                 "自查表请用 cbc score 检查。")
            result.form = "selfcheck"
        else:
            result = _unreadable(path, "form-not-found", f"在工作簿中找不到《{ed.stats.title}》的栏目（如"
                                 f"“{ed.stats.fields[0].label}”）。请使用{ed.stats.attachment}的表样填报。")
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - a reader panic (pyo3 PanicException is a BaseException)
        if os.environ.get("CBC_DEBUG"):
            raise
        result = _unreadable(path, "reader-crashed",
                             f"读取时出错（{type(exc).__name__}），文件可能已损坏。请在 Excel 或 WPS 中打开并另存为 .xlsx 后再报送。")
    result.mtime = mtime
    return result


def _is_selfcheck(book: Any, ed: Edition) -> bool:
    """Whether a workbook that is not a 统计表 is the self-check (附件2) instead."""
    from .workbook.locate import FormNotFound as NotSelfcheck
    from .workbook.locate import locate_selfcheck

    try:
        locate_selfcheck(book, ed)
    except NotSelfcheck:
        return False
    return True


def judge(located: Located, ed: Edition, *, roster: Roster, level: Level | None = None,
          path: Path | None = None, book: Any = None) -> FileResult:
    """Located raw values -> a typed, judged return."""
    stats = ed.stats
    result = FileResult(path or Path("?"), edition=ed.id, by_identity=located.by_identity,
                        period=located.identity.get("period") or None)
    issues = result.issues

    # who: the unit and its level
    unit_cell = located.unit.where if located.unit else None
    written = clean_unit(shown(located.unit.raw)) if located.unit else None
    result.unit_written = written
    if not written:
        issues.append(Issue("error", "unit-missing",
                            f"{unit_cell or stats.sheet}：没有填写填报单位，请填写单位全称（如“环翠区总工会”）。",
                            cell=unit_cell))
    else:
        match = roster.match(written)
        if match is not None:
            result.unit, result.level, result.listed = match.name, match.level, True
        elif roster.is_city(written):
            result.unit, result.level, result.listed = roster.city.name, roster.city.level, True
        else:
            result.unit = written
            issues.append(Issue("warning", "unit-unlisted",
                                f"{unit_cell}：填报单位“{written}”不在名册中。如是名册中的单位，请写全称；"
                                "如是新单位，请在 cbc.toml 中加入。", cell=unit_cell, value=written))
    if result.level is None:
        if level is not None:
            result.level = level
        else:
            result.level = "county"
            issues.append(Issue("warning", "level-unknown",
                                "无法从名册确定填报层级，已按县级（区市、市直单位）检查；可用 --level 指定。"))
    lv = result.level

    # when
    if located.date is not None:
        d = parse_date(located.date.raw)
        if d.ok:
            result.date = d.value
        else:
            issues.append(Issue("error", d.code or "date-invalid", f"{located.date.where}：{d.message}",
                                cell=located.date.where, value=shown(located.date.raw)))
    if result.date is None and not any(i.code == "date-invalid" for i in issues):
        cell = located.date.where if located.date else None
        issues.append(Issue("warning", "date-missing",
                            f"{cell or stats.sheet}：没有填写填报日期，请填写（如 2020年5月28日）。", cell=cell))

    # what: every field, typed
    values: dict[str, int | Decimal | None] = {}
    broken: set[str] = set()
    for f in stats.fields:
        rc = located.fields.get(f.code)
        if rc is None:
            values[f.code] = None
            if lv in f.levels:
                broken.add(f.code)
                issues.append(Issue("error", "field-not-found",
                                    f"表中找不到栏目“{f.label}”，请按{stats.attachment}的表样补上此栏并填写。",
                                    field=f.code))
            continue
        result.cells[f.code] = rc.where
        raw = rc.raw
        if (raw is None or raw == "") and lv in f.levels and book is not None \
                and book.is_blank_formula(rc.sheet, rc.cell):  # only where a blank would matter
            broken.add(f.code)
            values[f.code] = None
            issues.append(Issue("error", "formula-no-value",
                                f"{rc.where}：{f.label}是公式，但没有计算结果。请用 Excel 或 WPS 打开此文件、保存后再报送。",
                                field=f.code, cell=rc.where))
            continue
        p = parse_number(raw, label=f.label, unit=f.unit, money=f.is_money)
        if not p.ok:
            broken.add(f.code)
            values[f.code] = None
            result.raw[f.code] = raw
            issues.append(Issue("error", p.code or "not-a-number", f"{rc.where}：{p.message}",
                                field=f.code, cell=rc.where, value=shown(raw)))
            continue
        if p.warning:
            issues.append(Issue("warning", p.warning[0], f"{rc.where}：{p.warning[1]}",
                                field=f.code, cell=rc.where, value=shown(raw)))
        values[f.code] = p.value

    # which fields this level fills
    for f in stats.fields:
        v = values.get(f.code)
        if lv not in f.levels:
            if v:
                issues.append(Issue("warning", "not-for-level",
                                    f"{result.cells[f.code]}：{f.label}由{_levels(f.levels)}填写，"
                                    f"{LEVEL_NAMES[lv]}单位不填；填的 {fmt_number(v)} 不计入汇总。",
                                    field=f.code, cell=result.cells[f.code], value=fmt_number(v)))
            values[f.code] = None
        elif v is None and f.code not in broken:
            cell = result.cells.get(f.code)
            issues.append(Issue("error", "required-missing",
                                f"{cell}：{f.label}没有填写。没有请填0（空白不等于0）。",
                                field=f.code, cell=cell))
    result.values = values
    issues.extend(apply_rules(ed, values, lv, result.cells))
    return result


def _levels(levels: Iterable[str]) -> str:
    return "、".join(LEVEL_NAMES[x] for x in levels) + "单位"


# --- many files ----------------------------------------------------------------------------

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


def validate_paths(paths: Iterable[str | Path], *, recursive: bool = False, roster: Roster | None = None,
                   level: Level | None = None, edition: str | Edition | None = None, jobs: int | None = None,
                   isolation: Isolation | None = DEFAULT_ISOLATION, progress: Any = None,
                   cache: bool = False, previous: Iterable[str | Path] | None = None) -> list[FileResult]:
    """validate_file over files and folders, each file read in an isolated worker process.

    previous: June (H1) returns; each November (H2) return is then held against its unit's June
    return of the same year (a whole-year figure that went down is a warning)."""
    from .aggregate import first_half_returns, hold_against, read_all

    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    roster = roster if roster is not None else default_roster()
    isolation = roster.isolation() if isolation is DEFAULT_ISOLATION else isolation
    results = read_all(list(find_workbooks(paths, recursive)), roster=roster, edition=ed, level=level, jobs=jobs,
                       isolation=isolation, progress=progress, cache=cache)
    if previous is not None:
        november: dict[int, list[FileResult]] = {}
        for r in results:
            period = _period_of(r)
            if r.readable and r.unit and period is not None and period.half == "H2":
                november.setdefault(period.year, []).append(r)
        files = list(find_workbooks(previous, recursive))
        for year, returns in november.items():
            before = first_half_returns(files, year, roster=roster, edition=ed, level=level, jobs=jobs,
                                        isolation=isolation, cache=cache)
            hold_against(before, returns, ed, Period(year=year, half="H1"))
    return results


def _period_of(r: FileResult) -> Period | None:
    """The half-year a return belongs to: as its identity says, else by its date."""
    if r.period:
        try:
            return Period.parse(r.period)
        except ValueError:
            return None
    return Period.of_date(r.date) if r.date else None


__all__ = ["FileResult", "find_workbooks", "judge", "validate_file", "validate_paths"]

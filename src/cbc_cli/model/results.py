"""What reading and judging produce: a judged return (FileResult), a scored self-check
(ScoreResult), a ranking, and an aggregation's Summary with who counts and why.

These are the models every layer above shares; `to_json` of each is the `--format json`
contract, and `to_record`/`from_record` is what the result cache stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from .config import Roster, Unit
from .edition import Edition, Level, get_edition
from .findings import HasIssues, Issue, finding_types
from .period import Period

ISSUE_KEYS_SELFCHECK = ("severity", "code", "item", "cell", "value", "message")


def json_number(v: int | Decimal | None) -> int | float | None:
    if v is None or isinstance(v, int):
        return v
    return int(v) if v == v.to_integral_value() else float(v)


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
    sources: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # code -> (label cell, how found)
    header: dict[str, str] = field(default_factory=dict)  # "unit" / "date" -> the cell they were read from
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
            "fields": {k: self.field_json(k) for k in self._field_codes()},
            "issues": [i.as_json() for i in self.issues],
        }

    def field_json(self, code: str) -> dict[str, Any]:
        """One field as read: its value, the cell it came from, the label it was found by, and how."""
        label, how = self.sources.get(code, (None, None))
        return {"value": json_number(self.values.get(code)), "cell": self.cells.get(code), "label": label,
                "how": how}

    def to_record(self) -> dict[str, Any]:
        """Everything but the path and file time, as JSON data (what the result cache keeps)."""
        return {
            "form": self.form, "edition": self.edition, "unit": self.unit, "unit_written": self.unit_written,
            "listed": self.listed, "level": self.level, "date": self.date.isoformat() if self.date else None,
            "period": self.period, "readable": self.readable, "by_identity": self.by_identity,
            "values": {k: _number_out(v) for k, v in self.values.items()}, "cells": self.cells,
            "sources": {k: list(v) for k, v in self.sources.items()}, "header": self.header,
            "raw": {k: _raw_out(v) for k, v in self.raw.items()}, "issues": [i.to_dict() for i in self.issues],
        }

    @classmethod
    def from_record(cls, d: dict[str, Any], path: Path, mtime: float = 0.0) -> FileResult:
        return cls(
            path, form=d["form"], edition=d["edition"], unit=d["unit"], unit_written=d["unit_written"],
            listed=d["listed"], level=d["level"], date=date.fromisoformat(d["date"]) if d["date"] else None,
            period=d["period"], readable=d["readable"], by_identity=d["by_identity"],
            values={k: _number_in(v) for k, v in d["values"].items()}, cells=d["cells"],
            sources={k: (v[0], v[1]) for k, v in d["sources"].items()}, header=d["header"], raw=d["raw"],
            issues=[Issue.from_dict(i) for i in d["issues"]], mtime=mtime)


def _number_out(v: int | Decimal | None) -> Any:
    return str(v) if isinstance(v, Decimal) else v


def _number_in(v: Any) -> int | Decimal | None:
    return Decimal(v) if isinstance(v, str) else v


def _raw_out(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _codes_of(edition: str | None) -> list[str]:
    try:
        return [f.code for f in get_edition(edition).stats.fields]
    except Exception:  # noqa: BLE001 - an edition loaded from a file: its codes are in the values
        return []


@dataclass
class ItemScore:
    item: int
    section: str
    score: int | None
    max: int
    cell: str | None = None


@dataclass
class ScoreResult(HasIssues):
    path: Path
    edition: str | None = None
    unit: str | None = None
    unit_written: str | None = None
    readable: bool = True
    by_identity: bool = False
    items: list[ItemScore] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    max: int = 0
    written_total: Any = None
    period: str | None = None
    raw: dict[int, Any] = field(default_factory=dict)

    @property
    def total(self) -> int | None:
        """The computed total; None unless every item has a valid score."""
        if not self.readable or any(i.score is None for i in self.items) or not self.items:
            return None
        return sum(i.score for i in self.items if i.score is not None)

    def sections(self) -> dict[str, dict[str, int | None]]:
        out: dict[str, dict[str, int | None]] = {}
        for i in self.items:
            s = out.setdefault(i.section, {"score": 0, "max": 0})
            s["max"] = (s["max"] or 0) + i.max
            s["score"] = None if s["score"] is None or i.score is None else s["score"] + i.score
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "unit": self.unit,
            "valid": self.valid,
            "total": self.total,
            "max": self.max,
            "items": [{"item": i.item, "section": i.section, "score": i.score, "max": i.max} for i in self.items],
            "sections": self.sections(),
            "issues": [i.as_json(ISSUE_KEYS_SELFCHECK) for i in self.issues],
        }

    def to_record(self) -> dict[str, Any]:
        """Everything but the path, as JSON data (what the result cache keeps)."""
        return {
            "edition": self.edition, "unit": self.unit, "unit_written": self.unit_written, "readable": self.readable,
            "by_identity": self.by_identity, "max": self.max, "period": self.period,
            "written_total": _raw_out(self.written_total),
            "items": [[i.item, i.section, i.score, i.max, i.cell] for i in self.items],
            "raw": {str(k): _raw_out(v) for k, v in self.raw.items()},
            "issues": [i.to_dict() for i in self.issues],
        }

    @classmethod
    def from_record(cls, d: dict[str, Any], path: Path) -> ScoreResult:
        return cls(path, d["edition"], unit=d["unit"], unit_written=d["unit_written"], readable=d["readable"],
                   by_identity=d["by_identity"], items=[ItemScore(*i) for i in d["items"]],
                   issues=[Issue.from_dict(i) for i in d["issues"]], max=d["max"],
                   written_total=d["written_total"], period=d["period"],
                   raw={int(k): v for k, v in d["raw"].items()})


@dataclass
class Ranking:
    results: list[ScoreResult]
    others: list[FileResult]             # 统计表 found among the paths, used for cross-form checks

    @property
    def ranked(self) -> list[tuple[int, ScoreResult]]:
        """Valid self-checks by total (ties share a rank, listed by unit name)."""
        valid = sorted((r for r in self.results if r.valid), key=lambda r: (-(r.total or 0), r.unit or ""))
        out: list[tuple[int, ScoreResult]] = []
        for n, r in enumerate(valid, 1):
            rank = out[-1][0] if out and out[-1][1].total == r.total else n
            out.append((rank, r))
        return out

    @property
    def invalid(self) -> list[ScoreResult]:
        return [r for r in self.results if not r.valid]

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "files": [r.to_json() for r in self.results]}


@dataclass(frozen=True)
class Skipped:
    """A file in a folder that is not read, and why (a finding code of group "skip")."""

    path: Path
    code: str
    variant: str | None = None

    @property
    def reason(self) -> str:
        t = finding_types()[self.code]
        return t.text(self.variant, suffix=self.path.suffix or "（无）")

    @property
    def quiet(self) -> bool:
        """Lock and hidden files: shown only in JSON and with --verbose."""
        return finding_types()[self.code].quiet

    @property
    def request(self) -> str:
        """What to tell a unit whose return came as this file."""
        return f"收到 {self.path.name}，不是 Excel 报表，请要求重报"

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "code": self.code, "reason": self.reason, "quiet": self.quiet}


# --- an aggregation ---------------------------------------------------------------------------

Status = Literal["counted", "late", "replaced", "rejected", "unlisted"]


@dataclass
class Counted:
    result: FileResult
    late: bool = False
    deadline: date | None = None

    @property
    def unit(self) -> str:
        return self.result.unit or "?"


@dataclass
class Rejected:
    result: FileResult
    reason: str


@dataclass
class Replaced:
    result: FileResult
    by: FileResult


@dataclass
class Own:
    """The adding body's own figures and where they came from."""

    values: dict[str, Decimal | int | None] = field(default_factory=dict)
    source: str = ""
    result: FileResult | None = None


@dataclass
class Earlier:
    """The earlier half-year's returns a November aggregation was compared with."""

    period: Period
    files: int                           # returns read for it
    compared: list[str]                  # units with a counted return in both half-years
    lower: list[str]                     # of those, units with a figure below the earlier one

    def note(self) -> str:
        found = (f"其中 {len(self.lower)} 个单位有栏目少于上半年（{'、'.join(self.lower[:5])}"
                 f"{'等' if len(self.lower) > 5 else ''}），详见汇总工作簿的“问题”表" if self.lower else "未发现少于上半年的栏目")
        return f"已与{self.period.label}报表对照：{len(self.compared)} 个单位，{found}。"


@dataclass
class Summary:
    edition: Edition
    roster: Roster
    period: Period
    level: Level                         # the level of the summary (the adding body)
    results: list[FileResult]
    counted: list[Counted]
    replaced: list[Replaced]
    rejected: list[Rejected]
    missing: list[Unit]
    own: Own
    totals: dict[str, int | Decimal | None]
    issues: list[Issue]                  # findings about the aggregation itself
    skipped: list[FileResult] = field(default_factory=list)   # self-checks (附件2) in the folder: not returns
    earlier: Earlier | None = None       # the first half-year the returns were held against (--previous)
    unread: list[Skipped] = field(default_factory=list)       # files in the folders that are not workbooks
    received: dict[str, Skipped] = field(default_factory=dict)  # missing unit -> its skipped file (e.g. a PDF)
    named_by_file: dict[str, str] = field(default_factory=dict)  # a rejected return with no unit -> the missing unit its file name names

    @property
    def late(self) -> list[Counted]:
        return [c for c in self.counted if c.late]

    @property
    def unlisted(self) -> list[Counted]:
        return [c for c in self.counted if not c.result.listed]

    @property
    def complete(self) -> bool:
        """Every return counted, nobody missing and no file left unread (the exit code's question)."""
        return not self.rejected and not self.missing and all(s.quiet for s in self.unread)

    def indicators(self, values: dict[str, Any] | None = None) -> dict[str, float | None]:
        v = self.totals if values is None else values
        out: dict[str, float | None] = {}
        for ind in self.edition.stats.indicators:
            num, den = v.get(ind.numerator), v.get(ind.denominator)
            if num is None or not den:
                out[ind.code] = None
            elif type(num) is int and type(den) is int:  # counts: int / int is already exact to the last bit
                out[ind.code] = round(num / den, 4)
            else:
                out[ind.code] = round(float(Decimal(num) / Decimal(den)), 4)
        return out

    def status_counts(self) -> list[tuple[str, int]]:
        """The counts every view shows (terminal, HTML report): 已计入, then the rows of the 报送情况
        table by status, so each number agrees with the table (a unit whose only return was sent
        back is 退回, not 未报)."""
        by_status: dict[str, int] = {}
        for row in self.status_rows():
            by_status[row["status"]] = by_status.get(row["status"], 0) + 1
        return [("已计入", len(self.counted))] + [(STATUS_NAMES[k], by_status.get(k, 0))
                                               for k in ("late", "missing", "rejected", "replaced", "unlisted")]

    def status_rows(self) -> list[dict[str, Any]]:
        """One row per roster unit (and per unlisted or unattributed return): the 报送情况 sheet."""
        rows: list[dict[str, Any]] = []
        by_unit: dict[str, list[tuple[str, FileResult, str]]] = {}
        for c in self.counted:
            by_unit.setdefault(c.unit, []).append(("late" if c.late else ("unlisted" if not c.result.listed else "counted"),
                                                   c.result, _deadline_note(c)))
        for r in self.replaced:
            same = r.result.values == r.by.values and r.result.date == r.by.date
            note = (f"与 {r.by.path.name} 内容相同（重复文件），只计一次" if same else f"已由 {r.by.path.name} 替代")
            by_unit.setdefault(r.result.unit or "?", []).append(("replaced", r.result, note))
        loose: list[tuple[str, FileResult, str]] = []
        for r in self.rejected:
            owner = self.named_by_file.get(str(r.result.path))
            if r.result.unit:
                by_unit.setdefault(r.result.unit, []).append(("rejected", r.result, r.reason))
            elif owner:  # no unit could be read, but the file's name names a unit that has nothing else
                by_unit.setdefault(owner, []).append(("rejected", r.result, f"（单位未能识别，按文件名归入本单位）{r.reason}"))
            else:
                loose.append(("rejected", r.result, r.reason))
        counted_units = {c.unit for c in self.counted}
        for unit, entries in by_unit.items():  # a unit whose every return was sent back counts as missing too
            if unit not in counted_units:
                by_unit[unit] = [(s, res, f"未计入，需重报：{note}" if s == "rejected" else note) for s, res, note in entries]
        order = [u.name for u in self.roster.units]
        listed = set(order)
        order += sorted(u for u in by_unit if u not in listed)
        for unit in order:
            entries = by_unit.get(unit)
            if not entries:
                got = self.received.get(unit)
                rows.append({"unit": unit, "status": "missing", "date": None, "deadline": self.deadline_for(unit),
                             "path": got.path if got else None, "errors": 0, "warnings": 0,
                             "note": got.request if got else "未报送"})
                continue
            for status, res, note in sorted(entries, key=lambda e: _STATUS_ORDER[e[0]]):
                rows.append({"unit": unit, "status": status, "date": res.date, "deadline": self.deadline_for(unit),
                             "path": res.path, "errors": len(res.errors), "warnings": len(res.warnings), "note": note})
        for status, res, note in loose:
            rows.append({"unit": res.unit_written or "（无法识别）", "status": status, "date": res.date, "deadline": None,
                         "path": res.path, "errors": len(res.errors), "warnings": len(res.warnings), "note": note})
        matched = {s.path for s in self.received.values()}
        for s in self.unread:  # every file in the folders is accounted for
            if s.path not in matched and not s.quiet:
                rows.append({"unit": "", "status": "skipped", "date": None, "deadline": None, "path": s.path,
                             "errors": 0, "warnings": 0, "note": s.reason})
        return rows

    def deadline_for(self, unit: str) -> date | None:
        u = self.roster.unit_named(unit)
        return self.roster.deadline(u.level if u else "county", self.period)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "period": str(self.period),
            "totals": {k: json_number(v) for k, v in self.totals.items()},
            "indicators": self.indicators(),
            "counted": [{"unit": c.unit, "path": str(c.result.path), "date": _iso(c.result.date)} for c in self.counted],
            "replaced": [{"unit": r.result.unit, "path": str(r.result.path)} for r in self.replaced],
            "late": [{"unit": c.unit, "path": str(c.result.path), "date": _iso(c.result.date),
                      "deadline": _iso(c.deadline)} for c in self.late],
            "missing": [u.name for u in self.missing],
            "unlisted": [{"unit": c.unit, "path": str(c.result.path)} for c in self.unlisted],
            "rejected": [{"path": str(r.result.path), "unit": r.result.unit, "reason": r.reason} for r in self.rejected],
            "skipped": [{"path": str(r.path), "code": "not-a-stats-form", "reason": r.reason, "quiet": False}
                        for r in self.skipped] + [s.to_json() for s in self.unread],
            "received": {unit: str(s.path) for unit, s in self.received.items()},
            "earlier": None if self.earlier is None else {
                "period": str(self.earlier.period), "files": self.earlier.files,
                "compared": self.earlier.compared, "lower": self.earlier.lower},
            "issues": [dict(i.as_json(), path=str(res.path), unit=res.unit)
                       for res in self.results for i in res.issues]
                      + [dict(i.as_json(), path=None, unit=None) for i in self.issues],
        }


_STATUS_ORDER = {"counted": 0, "late": 0, "unlisted": 0, "replaced": 1, "rejected": 2}
STATUS_NAMES = {"counted": "已计入", "late": "迟报（已计入）", "unlisted": "名册外（已计入）", "replaced": "被替换",
                "rejected": "退回", "missing": "未报", "skipped": "未读取"}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _deadline_note(c: Counted) -> str:
    if c.late and c.deadline and c.result.date:
        return f"迟报 {(c.result.date - c.deadline).days} 天（截止 {c.deadline.isoformat()}）"
    if not c.result.listed:
        return "单位不在名册中"
    return ""



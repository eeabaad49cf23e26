"""The year-end assessment (`cbc assess`): each roster unit's facts for the year, and, only where
cbc.toml sets weights under [assess], a composite score that shows how it was made.

The notice makes reporting a main criterion for the year-end selection of advanced units but
gives no weights; so by default there are only facts. `to_json` is the `--format json` contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .edition import Level

HalfState = Literal["ok", "late", "rejected", "missing"]
HALVES = ("H1", "H2")
STATE_NAMES = {"ok": "按时", "late": "迟报", "rejected": "退回", "missing": "未报"}
# The parts a score may be made of: key (the JSON name) -> what it measures, in the clerk's words.
# fix_rate / training_coverage are the edition's indicators of those codes: their labels come from
# the edition.
PARTS: dict[str, str] = {
    "on_time_h1": "上半年按时报送",
    "on_time_h2": "下半年按时报送",
    "first_valid_h1": "上半年首次报送即合格",
    "first_valid_h2": "下半年首次报送即合格",
    "fix_rate": "",
    "training_coverage": "",
    "selfcheck": "自查得分率",
}
CENT = Decimal("0.01")


class AssessConfigError(Exception):
    """The [assess] section of cbc.toml cannot be used."""


class AssessConfig(BaseModel):
    """[assess] in cbc.toml. weights: points per part; a part that is left out or 0 does not count.
    No weights: facts only (no score, no rank)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    weights: dict[str, Decimal] = {}

    @field_validator("weights")
    @classmethod
    def _known_parts(cls, w: dict[str, Decimal]) -> dict[str, Decimal]:
        unknown = sorted(set(w) - set(PARTS))
        if unknown:
            raise ValueError(f"不认识的权重项 {'、'.join(unknown)}（可用：{'、'.join(PARTS)}）")
        negative = sorted(k for k, v in w.items() if v < 0)
        if negative:
            raise ValueError(f"权重不能为负数：{'、'.join(negative)}")
        return {k: v for k, v in w.items() if v > 0}

    @property
    def weighted(self) -> bool:
        return bool(self.weights)

    @property
    def full(self) -> Decimal:
        """The full mark: the sum of the weights."""
        return sum(self.weights.values(), Decimal(0))


def load_assess_config(config: str | Path | None = None, cwd: Path | None = None) -> AssessConfig:
    """[assess] of the cbc.toml in use (--config, else ./cbc.toml); none: facts only."""
    import tomllib

    path = Path(config) if config is not None else (cwd or Path.cwd()) / "cbc.toml"
    if not path.is_file():
        return AssessConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")).get("assess", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AssessConfigError(f"无法读取配置文件 {path}：{exc}") from exc
    try:
        return AssessConfig.model_validate(data)
    except ValidationError as exc:
        details = "；".join(f"{'.'.join(str(p) for p in e['loc'])}：{e['msg'].removeprefix('Value error, ')}"
                            for e in exc.errors())
        raise AssessConfigError(f"配置文件 {path.name} 的 [assess] 有误：{details}") from exc


@dataclass
class HalfFacts:
    """One unit in one half-year."""

    state: HalfState
    date: date | None = None             # the counted return's 填报日期 (rejected: the latest return's)
    deadline: date | None = None
    days_late: int | None = None         # 0 when on time; None when nothing was counted
    returns: int = 0                     # every file of the unit in that half's folder (corrections count)
    first_valid: bool | None = None      # whether the first return (earliest 填报日期, then file time) was valid
    file: str | None = None              # the counted return's file (rejected: the latest one's)
    note: str = ""                       # why it was rejected

    @property
    def counted(self) -> bool:
        return self.state in ("ok", "late")

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "date": _iso(self.date), "deadline": _iso(self.deadline),
                "days_late": self.days_late, "returns": self.returns, "first_valid": self.first_valid}


@dataclass
class UnitFacts:
    unit: str
    level: Level
    halves: dict[str, HalfFacts]
    fix_rate: float | None = None            # from the November (H2) return
    training_coverage: float | None = None
    below_first_half: bool = False           # a November figure kept for the year is below the June one
    selfcheck: int | None = None             # enterprise unions: the self-check total
    selfcheck_file: str | None = None
    hazards_found: int | None = None         # from the ledgers, where given
    hazards_fixed: int | None = None
    award_candidates: list[str] | None = None
    score: Decimal | None = None
    parts: dict[str, Decimal] | None = None  # part -> points it contributes (their sum is the score)
    scale: Decimal | None = None             # full mark / weights that apply (≠ 1: a part did not apply)
    applying: Decimal | None = None          # the sum of the weights that apply to the unit
    rank: int | None = None

    @property
    def outstanding(self) -> bool:
        """Nothing counted in a half (missing, or every return sent back)."""
        return any(not h.counted for h in self.halves.values())

    @property
    def clean(self) -> bool:
        """Both halves on time, and the first return valid each time."""
        return all(h.state == "ok" and h.first_valid for h in self.halves.values())

    def facts_key(self) -> tuple[int, int, int, int]:
        """The order by facts: both halves on time and valid first; then fewer halves with
        nothing counted, fewer days late, fewer halves whose first return was sent back."""
        return (0 if self.clean else 1,
                sum(1 for h in self.halves.values() if not h.counted),
                sum(h.days_late or 0 for h in self.halves.values()),
                sum(1 for h in self.halves.values() if h.first_valid is False))

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit, "level": self.level,
            "H1": self.halves["H1"].to_json(), "H2": self.halves["H2"].to_json(),
            "fix_rate": self.fix_rate, "training_coverage": self.training_coverage,
            "selfcheck": self.selfcheck, "hazards_found": self.hazards_found,
            "score": _num(self.score),
            "parts": None if self.parts is None else {k: _num(v) for k, v in self.parts.items()},
            "rank": self.rank,
        }


@dataclass
class Assessment:
    year: int
    city: str                                  # the summarising unit
    units: list[UnitFacts]                     # grouped by level, in order (by rank, else by facts)
    config: AssessConfig = field(default_factory=AssessConfig)
    part_labels: dict[str, str] = field(default_factory=dict)
    selfcheck_max: int | None = None
    selfchecks_given: bool = False
    ledgers_given: bool = False
    files: dict[str, int] = field(default_factory=dict)         # half -> files read
    unlisted: dict[str, list[str]] = field(default_factory=dict)  # half -> units not in the roster that reported
    selfchecks_unmatched: list[str] = field(default_factory=list)  # self-checks of no enterprise union in the roster
    selfchecks_invalid: list[str] = field(default_factory=list)    # files that could not be scored
    deadlines: dict[str, dict[str, date | None]] = field(default_factory=dict)  # level -> half -> deadline

    @property
    def weighted(self) -> bool:
        return self.config.weighted

    @property
    def outstanding(self) -> list[UnitFacts]:
        return [u for u in self.units if u.outstanding]

    def levels(self) -> list[tuple[Level, list[UnitFacts]]]:
        out: list[tuple[Level, list[UnitFacts]]] = []
        for u in self.units:
            if not out or out[-1][0] != u.level:
                out.append((u.level, []))
            out[-1][1].append(u)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "year": self.year, "units": [u.to_json() for u in self.units]}


# --- the score ---------------------------------------------------------------------------------

def part_values(u: UnitFacts, selfcheck_max: int | None) -> dict[str, Decimal | None]:
    """Each part as a share from 0 to 1; None where the part does not apply to the unit (the
    self-check applies to enterprise unions only). A fact that is missing counts 0."""
    h1, h2 = u.halves["H1"], u.halves["H2"]

    def share(x: float | None) -> Decimal:
        return min(Decimal(1), Decimal(str(x))) if x is not None else Decimal(0)

    return {
        "on_time_h1": Decimal(1 if h1.state == "ok" else 0),
        "on_time_h2": Decimal(1 if h2.state == "ok" else 0),
        "first_valid_h1": Decimal(1 if h1.first_valid else 0),
        "first_valid_h2": Decimal(1 if h2.first_valid else 0),
        "fix_rate": share(u.fix_rate),
        "training_coverage": share(u.training_coverage),
        "selfcheck": (None if u.level != "enterprise" else
                      Decimal(u.selfcheck) / Decimal(selfcheck_max) if u.selfcheck is not None and selfcheck_max
                      else Decimal(0)),
    }


def score_units(units: list[UnitFacts], config: AssessConfig, selfcheck_max: int | None) -> None:
    """Set score, parts and scale of every unit. Each part's points = weight × share × scale,
    rounded to 0.01; the score is the sum of the points shown. scale = full mark / the weights
    that apply to the unit (1 unless a part does not apply), so every unit is scored out of the
    same full mark."""
    full = config.full
    for u in units:
        values = part_values(u, selfcheck_max)
        applying = {k: w for k, w in config.weights.items() if values[k] is not None}
        total_w = sum(applying.values(), Decimal(0))
        if not total_w:
            u.score, u.parts, u.scale, u.applying = None, None, None, None
            continue
        scale = full / total_w
        u.parts = {k: (w * values[k] * scale).quantize(CENT, ROUND_HALF_UP)  # type: ignore[operator]
                   for k, w in applying.items()}
        u.scale, u.applying = scale, total_w
        u.score = sum(u.parts.values(), Decimal(0))


def rank_units(units: list[UnitFacts]) -> list[UnitFacts]:
    """Units by score (ties share a rank: 1, 1, 3), ties then by facts and roster order."""
    ordered = sorted(units, key=lambda u: (-(u.score if u.score is not None else Decimal(-1)), *u.facts_key()))
    for n, u in enumerate(ordered, 1):
        prev = ordered[n - 2] if n > 1 else None
        u.rank = prev.rank if prev is not None and prev.score == u.score else n
    return ordered


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _num(v: Decimal | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)

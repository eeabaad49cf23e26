"""Form definitions: pydantic models of an edition file in schemas/, and their loading.

An edition file (TOML) holds both forms of a year: the statistics return (附件1) and the
enterprise self-check (附件2), with their labels, layout, rules and rubric. Everything here
checks that the definition is coherent when it loads, so a broken edition fails with a clear
message before any workbook is read or written.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, create_model, model_validator

from .paths import schemas_dir

Level = Literal["enterprise", "county", "city"]
LEVELS: tuple[Level, ...] = ("enterprise", "county", "city")
LEVEL_NAMES: dict[str, str] = {"enterprise": "企业", "county": "县级", "city": "市级"}
Severity = Literal["error", "warning"]
FormKind = Literal["stats", "selfcheck"]

_CELL = r"^[A-Z]{1,3}[1-9][0-9]*$"
_CODE = r"^[a-z][a-z0-9_]*$"
_SLUG = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"


class DefinitionError(Exception):
    """An edition file cannot be used: unreadable TOML or an incoherent definition."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatsField(_Strict):
    no: int = Field(ge=1)
    code: str = Field(pattern=_CODE)
    label: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    kind: Literal["count", "money"]
    levels: tuple[Level, ...] = Field(min_length=1)
    parent: str | None = None
    label_cell: str = Field(pattern=_CELL)
    value_cell: str = Field(pattern=_CELL)
    value_span: str | None = None

    @property
    def is_money(self) -> bool:
        return self.kind == "money"


class Rule(_Strict):
    code: str = Field(pattern=_SLUG)
    title: str = Field(min_length=1)      # what the rule checks, in the clerk's words (cbc forms)
    severity: Severity
    # not_below_earlier compares a return with the same unit's return of the earlier half-year
    # (aggregate --previous); the other checks look at one return alone.
    check: Literal["not_above", "needs", "together", "at_most", "not_below_earlier"]
    pairs: tuple[tuple[str, str], ...] = ()
    fields: tuple[str, ...] = ()
    levels: tuple[Level, ...] = LEVELS
    limit: Decimal | None = None
    message: str = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> Rule:
        if self.check == "at_most":
            if not self.fields or self.limit is None:
                raise ValueError(f"规则 {self.code}：at_most 需要 fields 和 limit")
        elif self.check == "not_below_earlier":
            if not self.fields:
                raise ValueError(f"规则 {self.code}：not_below_earlier 需要 fields")
        elif not self.pairs:
            raise ValueError(f"规则 {self.code}：{self.check} 需要 pairs")
        return self

    def field_codes(self) -> list[str]:
        return [c for pair in self.pairs for c in pair] + list(self.fields)


class CountFunded(_Strict):
    field: str
    when_positive: tuple[str, ...]


class Aggregation(_Strict):
    sum: tuple[str, ...] = ()
    sum_own: tuple[str, ...] = ()
    own: tuple[str, ...] = ()
    roster_count: tuple[str, ...] = ()
    count_funded: CountFunded | None = None

    def field_codes(self) -> list[str]:
        codes = [*self.sum, *self.sum_own, *self.own, *self.roster_count]
        if self.count_funded:
            codes += [self.count_funded.field, *self.count_funded.when_positive]
        return codes


class Indicator(_Strict):
    code: str = Field(pattern=_CODE)
    label: str
    numerator: str
    denominator: str


class Reading(_Strict):
    """The words around a form's labels in a hand-typed copy (see [reading] in the edition)."""

    value_headers: tuple[str, ...]
    unit_headers: tuple[str, ...]
    item_headers: tuple[str, ...]
    number_headers: tuple[str, ...]
    remark_headers: tuple[str, ...]
    notes: tuple[str, ...]
    unit_words: tuple[str, ...]
    unit_synonyms: dict[str, tuple[str, ...]] = {}
    yuan: str | None = None
    yuan_per_unit: int = Field(default=10_000, gt=0)
    not_applicable: tuple[str, ...]
    total_words: tuple[str, ...]
    unit_endings: tuple[str, ...]


class StatsReading(_Strict):
    unit_keys: tuple[str, ...] = Field(min_length=1)
    date_keys: tuple[str, ...] = Field(min_length=1)


class SelfcheckReading(_Strict):
    unit_keys: tuple[str, ...] = Field(min_length=1)
    score_headers: tuple[str, ...] = Field(min_length=1)
    max_headers: tuple[str, ...] = ()
    total_labels: tuple[str, ...] = ()


class ReportFields(_Strict):
    """Which fields the short views show: the terminal's key totals, the HTML report's per-unit
    columns and its bar chart (found, fixed)."""

    key_fields: tuple[str, ...] = ()
    unit_columns: tuple[str, ...] = ()
    chart: tuple[str, ...] = ()


class StatsForm(_Strict):
    sheet: str
    attachment: str
    title: str
    unit_label: str
    date_label: str
    date_placeholder: str
    note: str
    title_row: int
    header_row: int
    unit_cell: str = Field(pattern=_CELL)
    date_cell: str = Field(pattern=_CELL)
    note_row: int
    column_widths: tuple[float, ...]
    reading: StatsReading
    fields: tuple[StatsField, ...] = Field(min_length=1)
    aggregation: dict[Level, Aggregation] = {}
    indicators: tuple[Indicator, ...] = ()
    report: ReportFields = ReportFields()
    rules: tuple[Rule, ...] = ()

    @model_validator(mode="after")
    def _coherent(self) -> StatsForm:
        _unique("字段编码", [f.code for f in self.fields])
        _unique("字段序号", [f.no for f in self.fields])
        _unique("单元格", [f.label_cell for f in self.fields] + [f.value_cell for f in self.fields]
                + [self.unit_cell, self.date_cell])
        _unique("规则编码", [r.code for r in self.rules])
        codes = {f.code for f in self.fields}
        for f in self.fields:
            if f.parent is not None and f.parent not in codes:
                raise ValueError(f"字段 {f.code} 的 parent “{f.parent}” 不是本表的字段")
        for r in self.rules:
            for c in r.field_codes():
                if c not in codes:
                    raise ValueError(f"规则 {r.code} 引用了未知字段 “{c}”")
        for lv, agg in self.aggregation.items():
            for c in agg.field_codes():
                if c not in codes:
                    raise ValueError(f"汇总方法（{lv}）引用了未知字段 “{c}”")
        for c in (*self.report.key_fields, *self.report.unit_columns, *self.report.chart):
            if c not in codes:
                raise ValueError(f"[stats.report] 引用了未知字段 “{c}”")
        for ind in self.indicators:
            for c in (ind.numerator, ind.denominator):
                if c not in codes:
                    raise ValueError(f"指标 {ind.code} 引用了未知字段 “{c}”")
        return self

    def field(self, code: str) -> StatsField:
        return self.by_code[code]

    @cached_property
    def by_code(self) -> dict[str, StatsField]:
        """The fields by code (made once: the rules and the writers look fields up per return)."""
        return {f.code: f for f in self.fields}


class Part(_Strict):
    text: str
    points: int = Field(ge=0)


class DrillStep(_Strict):
    at_least: int = Field(ge=0)
    points: int = Field(ge=0)


class Item(_Strict):
    no: int = Field(ge=1)
    section: str
    max: int = Field(ge=0)
    text: str = Field(min_length=1)
    parts: tuple[Part, ...] = Field(min_length=1)
    drills_label: str | None = None
    drills_unit: str | None = None
    drills: tuple[DrillStep, ...] = ()

    @model_validator(mode="after")
    def _points(self) -> Item:
        total = sum(p.points for p in self.parts)
        if total != self.max:
            raise ValueError(f"第{self.no}项：各部分分值之和 {total} 不等于该项满分 {self.max}")
        for step in self.drills:
            if step.points > self.max:
                raise ValueError(f"第{self.no}项：演练次数对应的得分 {step.points} 超过满分 {self.max}")
        if self.drills and min(s.at_least for s in self.drills) != 0:
            raise ValueError(f"第{self.no}项：演练次数的档次必须包含 at_least = 0")
        return self

    def points_for_drills(self, drills: int) -> int | None:
        steps = sorted(self.drills, key=lambda s: s.at_least, reverse=True)
        for step in steps:
            if drills >= step.at_least:
                return step.points
        return None


class Section(_Strict):
    name: str


class SelfcheckForm(_Strict):
    sheet: str
    attachment: str
    title: str
    unit_label: str
    columns: tuple[str, str, str]
    total_label: str
    score_unit: str
    title_row: int
    unit_cell: str = Field(pattern=_CELL)
    header_row: int
    first_item_row: int
    column_widths: tuple[float, ...]
    reading: SelfcheckReading
    sections: tuple[Section, ...] = Field(min_length=1)
    items: tuple[Item, ...] = Field(min_length=1)
    max: int | None = None  # optional declared total; checked against the items when given

    @model_validator(mode="after")
    def _coherent(self) -> SelfcheckForm:
        _unique("自查项目序号", [i.no for i in self.items])
        _unique("项目（板块）名称", [s.name for s in self.sections])
        names = {s.name for s in self.sections}
        for i in self.items:
            if i.section not in names:
                raise ValueError(f"第{i.no}项的项目“{i.section}”不在 sections 中")
        if [i.no for i in self.items] != list(range(1, len(self.items) + 1)):
            raise ValueError("自查项目必须从1起连续编号")
        if self.max is not None and self.max != self.total_max:
            raise ValueError(f"总分 max = {self.max}，但各项满分之和为 {self.total_max}")
        return self

    @property
    def total_max(self) -> int:
        return sum(i.max for i in self.items)

    def section_max(self, name: str) -> int:
        return sum(i.max for i in self.items if i.section == name)

    def item(self, no: int) -> Item:
        return self.items[no - 1]

    def item_row(self, no: int) -> int:
        return self.first_item_row + no - 1

    @property
    def total_row(self) -> int:
        return self.first_item_row + len(self.items)


class CrossFormRule(_Strict):
    code: str = Field(pattern=_SLUG)
    severity: Severity
    check: Literal["score_needs_positive"]
    item: int
    field: str
    message: str



# --- the hazard ledger (隐患排查治理登记台账) -----------------------------------------------

LedgerKind = Literal["number", "date", "text", "person", "grade", "status"]
LedgerRole = Literal["number", "found_on", "finder", "risk_point", "location", "content", "consequence", "grade",
                     "owner", "measures", "deadline", "fixed_on", "acceptor", "status", "interim", "remarks"]
# what cbc's counts, award list and rules cannot do without
LEDGER_NEEDS: tuple[LedgerRole, ...] = ("found_on", "finder", "content", "grade", "fixed_on", "status")
_MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class LedgerColumn(_Strict):
    label: str = Field(min_length=1)
    kind: LedgerKind
    role: LedgerRole
    required: bool = False
    width: float = Field(default=10, gt=0, le=100)
    aliases: tuple[str, ...] = ()


class LedgerRule(_Strict):
    code: str = Field(pattern=_SLUG)
    title: str = Field(min_length=1)      # what the rule checks, in the clerk's words
    severity: Severity
    check: Literal["not_before", "overdue", "major_needs", "fixed_needs", "open_needs"]
    roles: tuple[LedgerRole, ...] = Field(min_length=1)
    message: str = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> LedgerRule:
        if self.check in ("not_before", "overdue") and len(self.roles) != 2:
            raise ValueError(f"台账规则 {self.code}：{self.check} 需要两个 roles")
        return self


class LedgerPeriod(_Strict):
    start: str = Field(pattern=_MONTH_DAY)
    end: str = Field(pattern=_MONTH_DAY)


class LedgerReading(_Strict):
    unit_keys: tuple[str, ...] = Field(min_length=1)
    district_keys: tuple[str, ...] = Field(min_length=1)
    industry_keys: tuple[str, ...] = Field(min_length=1)


class LedgerToStats(_Strict):
    found: str
    fixed: str
    found_chem: str
    fixed_chem: str


class LedgerForm(_Strict):
    """The hazard ledger: its header entries, columns, grade scale, statuses, rules and periods.

    grades are listed least serious first; `major` are the 重大 ones; `award_from` is the
    lowest grade on the year-end award list. A cbc.toml may change grades, grade_aliases, major,
    award_from and periods under [ledger] (see `with_overrides`)."""

    sheet: str
    name: str
    title: str
    unit_label: str
    district_label: str
    industry_label: str
    industries: tuple[str, ...] = Field(min_length=1)
    chem: str
    grades: tuple[str, ...] = Field(min_length=1)
    major: tuple[str, ...] = ()
    award_from: str
    grade_aliases: dict[str, tuple[str, ...]] = {}
    grade_suffixes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = Field(min_length=1)
    fixed_status: str
    blank_rows: int = Field(default=3000, ge=1, le=100_000)
    title_row: int = Field(default=1, ge=1)
    head_row: int = Field(default=2, ge=1)
    header_row: int = Field(default=3, ge=1)
    reading: LedgerReading
    to_stats: LedgerToStats | None = None
    periods: dict[Literal["H1", "H2"], LedgerPeriod]
    columns: tuple[LedgerColumn, ...] = Field(min_length=1)
    rules: tuple[LedgerRule, ...] = ()

    @model_validator(mode="after")
    def _coherent(self) -> LedgerForm:
        _unique("台账栏目", [c.label for c in self.columns])
        _unique("台账栏目用途", [c.role for c in self.columns])
        _unique("等级（grades）", list(self.grades))
        _unique("台账规则编码", [r.code for r in self.rules])
        roles = {c.role for c in self.columns}
        for need in LEDGER_NEEDS:
            if need not in roles:
                raise ValueError(f"台账缺少用途为 {need} 的栏目")
        for r in self.rules:
            for role in r.roles:
                if role not in roles:
                    raise ValueError(f"台账规则 {r.code} 引用了没有的栏目用途 “{role}”")
        for g in (*self.major, self.award_from, *self.grade_aliases):
            if g not in self.grades:
                raise ValueError(f"等级“{g}”不在 grades {list(self.grades)} 中")
        if self.fixed_status not in self.statuses:
            raise ValueError(f"fixed_status “{self.fixed_status}” 不在 statuses 中")
        if self.chem not in self.industries:
            raise ValueError(f"chem “{self.chem}” 不在 industries 中")
        if not self.title_row < self.head_row < self.header_row:
            raise ValueError("台账的 title_row、head_row、header_row 须依次增大")
        for half in ("H1", "H2"):
            if half not in self.periods:
                raise ValueError(f"台账缺少 {half} 的统计区间")
        return self

    def column(self, role: str) -> LedgerColumn | None:
        for c in self.columns:
            if c.role == role:
                return c
        return None

    def rank(self, grade: str) -> int:
        """A grade's place on the scale, 0 the least serious."""
        return self.grades.index(grade)

    @property
    def award_grades(self) -> tuple[str, ...]:
        return self.grades[self.rank(self.award_from):]

    def with_overrides(self, overrides: dict[str, Any]) -> LedgerForm:
        """This ledger with a cbc.toml's [ledger] applied; raise ValueError saying what is wrong."""
        allowed = {"grades", "grade_aliases", "major", "award_from", "periods", "statuses", "fixed_status",
                   "blank_rows"}
        unknown = set(overrides) - allowed
        if unknown:
            raise ValueError(f"[ledger] 中不能设置：{'、'.join(sorted(unknown))}（可设置：{'、'.join(sorted(allowed))}）")
        if not overrides:
            return self
        data = self.model_dump()
        if "grades" in overrides and "grade_aliases" not in overrides:
            data["grade_aliases"] = {}  # the shipped aliases name the shipped grades
        if "periods" in overrides:
            data["periods"] = {**data["periods"], **overrides["periods"]}
        data.update({k: v for k, v in overrides.items() if k != "periods"})
        try:
            return LedgerForm.model_validate(data)
        except ValidationError as exc:
            raise ValueError("；".join(_describe(e) for e in exc.errors())) from None


class EditionInfo(_Strict):
    id: str = Field(pattern=r"^[0-9A-Za-z_-]+$")
    name: str
    periods: tuple[str, ...] = ("H1", "H2")


class Edition(_Strict):
    edition: EditionInfo
    reading: Reading
    stats: StatsForm
    selfcheck: SelfcheckForm
    crossform: tuple[CrossFormRule, ...] = ()

    def rule_title(self, code: str) -> str | None:
        """The title of the edition's own check with this code (统计表, 台账 or cross-form), if any."""
        for r in (*self.stats.rules, *(self.ledger.rules if self.ledger else ()), *self.crossform):
            if r.code == code:
                return getattr(r, "title", None)
        return None
    ledger: LedgerForm | None = None

    @model_validator(mode="after")
    def _cross(self) -> Edition:
        _unique("跨表规则编码", [r.code for r in self.crossform])
        codes = {f.code for f in self.stats.fields}
        if self.ledger is not None and self.ledger.to_stats is not None:
            for c in self.ledger.to_stats.model_dump().values():
                if c not in codes:
                    raise ValueError(f"台账 to_stats 引用了未知字段 “{c}”")
        for r in self.crossform:
            if r.field not in codes:
                raise ValueError(f"跨表规则 {r.code} 引用了未知字段 “{r.field}”")
            if not 1 <= r.item <= len(self.selfcheck.items):
                raise ValueError(f"跨表规则 {r.code} 引用了不存在的自查项目 {r.item}")
        return self

    @property
    def id(self) -> str:
        return self.edition.id

    def derived(self, key: str, build: Callable[[Edition], Any]) -> Any:
        """Something worked out from this edition once (a label index, a vocabulary), kept with it."""
        store = self.__dict__.setdefault("_derived", {})
        if key not in store:
            store[key] = build(self)
        return store[key]


def _unique(what: str, values: list[Any]) -> None:
    seen: set[Any] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what}重复：{v}")
        seen.add(v)


def load_edition(path: str | Path) -> Edition:
    """Load and check one edition file; raise DefinitionError saying what is wrong."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DefinitionError(f"无法读取表样定义 {path.name}：{exc}") from exc
    try:
        return Edition.model_validate(data)
    except ValidationError as exc:
        details = "；".join(_describe(e) for e in exc.errors())
        raise DefinitionError(f"表样定义 {path.name} 有误：{details}") from exc


def _describe(error: Any) -> str:
    loc = ".".join(str(p) for p in error.get("loc", ()))
    msg = re.sub(r"^Value error, ", "", error.get("msg", ""))
    return f"{loc}：{msg}" if loc else msg


def edition_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or schemas_dir()).glob("edition-*.toml"))


@cache
def editions() -> dict[str, Edition]:
    """Every edition shipped in schemas/, by id."""
    found: dict[str, Edition] = {}
    for path in edition_files():
        ed = load_edition(path)
        found[ed.id] = ed
    return found


def get_edition(edition_id: str | None = None) -> Edition:
    """The edition with that id (or in that .toml file), or the newest one shipped."""
    if edition_id is not None and edition_id.lower().endswith(".toml"):
        return load_edition(edition_id)
    known = editions()
    if not known:
        raise DefinitionError("没有找到任何表样定义（schemas/edition-*.toml）")
    if edition_id is None:
        return known[max(known)]
    try:
        return known[edition_id]
    except KeyError:
        raise DefinitionError(f"没有 {edition_id} 年版的表样；可用：{'、'.join(sorted(known))}") from None


# --- filled returns as pydantic models, built from the definition -------------------------

Count = Annotated[int, Field(ge=0)]
# In JSON (cbc's --format json) an amount is a number; saying so here keeps the exported schema
# the same whatever pydantic version would otherwise describe a Decimal as.
Money = Annotated[Decimal, Field(ge=0, decimal_places=6), WithJsonSchema({"type": "number", "minimum": 0})]


def stats_return_model(ed: Edition) -> type[BaseModel]:
    """A pydantic model of a filled 统计表 of this edition: header plus one value per field."""
    values = {
        f.code: (Money | None if f.is_money else Count | None,
                 Field(default=None, title=f.label, description=f"第{f.no}项，单位：{f.unit}"))
        for f in ed.stats.fields
    }
    values_model = create_model(f"StatsValues{ed.id}", __config__=ConfigDict(extra="forbid"), **values)
    return create_model(
        f"StatsReturn{ed.id}",
        __config__=ConfigDict(extra="forbid", title=f"{ed.stats.title}（{ed.id}）"),
        form=(Literal["stats"], "stats"),
        edition=(Literal[ed.id], ed.id),  # type: ignore[valid-type]
        unit=(str | None, Field(default=None, title="填报单位")),
        level=(Level | None, Field(default=None, title="填报层级")),
        period=(str | None, Field(default=None, title="报送期", pattern=r"^\d{4}H[12]$")),
        date=(str | None, Field(default=None, title="填报日期", pattern=r"^\d{4}-\d{2}-\d{2}$")),
        values=(values_model, ...),
    )


def selfcheck_return_model(ed: Edition) -> type[BaseModel]:
    """A pydantic model of a filled 自查表 of this edition: one score per item."""
    scores = {
        f"item_{i.no}": (Annotated[int, Field(ge=0, le=i.max)] | None,
                         Field(default=None, title=f"第{i.no}项（{i.section}）", description=i.text))
        for i in ed.selfcheck.items
    }
    scores_model = create_model(f"SelfcheckScores{ed.id}", __config__=ConfigDict(extra="forbid"), **scores)
    return create_model(
        f"SelfcheckReturn{ed.id}",
        __config__=ConfigDict(extra="forbid", title=f"{ed.selfcheck.title}（{ed.id}）"),
        form=(Literal["selfcheck"], "selfcheck"),
        edition=(Literal[ed.id], ed.id),  # type: ignore[valid-type]
        unit=(str | None, Field(default=None, title="企业工会")),
        period=(str | None, Field(default=None, title="报送期", pattern=r"^\d{4}H[12]$")),
        scores=(scores_model, ...),
        total=(int | None, Field(default=None, ge=0, le=ed.selfcheck.total_max, title="总得分")),
    )


def ledger_row_model(ed: Edition) -> type[BaseModel]:
    """A pydantic model of one hazard row of this edition's ledger, by column role (dates as
    ISO strings, grades and statuses from their lists), and of the ledger's header entries."""
    assert ed.ledger is not None
    spec = ed.ledger
    kinds: dict[str, Any] = {
        "number": int | None,
        "date": Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None,
        "text": str | None,
        "person": str | None,
        "grade": Literal[spec.grades] | None,  # type: ignore[valid-type]
        "status": Literal[spec.statuses] | None,  # type: ignore[valid-type]
    }
    columns = {
        c.role: (kinds[c.kind], Field(... if c.required else None, title=c.label,
                                      description=("必填" if c.required else "选填") + (
                                          f"；也可写作：{'、'.join(c.aliases)}" if c.aliases else "")))
        for c in spec.columns
    }
    row = create_model(f"LedgerRow{ed.id}", __config__=ConfigDict(extra="forbid"), **columns)
    return create_model(
        f"Ledger{ed.id}",
        __config__=ConfigDict(extra="forbid", title=f"{spec.title}（{ed.id}）"),
        form=(Literal["ledger"], "ledger"),
        edition=(Literal[ed.id], ed.id),  # type: ignore[valid-type]
        unit=(str | None, Field(default=None, title=spec.unit_label)),
        district=(str | None, Field(default=None, title=spec.district_label)),
        industry=(Literal[spec.industries] | None, Field(default=None, title=spec.industry_label)),  # type: ignore[valid-type]
        rows=(list[row], Field(default_factory=list, title="隐患")),  # type: ignore[valid-type]
    )


def json_schemas(ed: Edition) -> dict[str, dict[str, Any]]:
    """The JSON Schema of a filled return of each form (and of a ledger, where the edition has
    one), keyed by the file name it is exported to."""
    out = {
        f"edition-{ed.id}.stats.schema.json": stats_return_model(ed).model_json_schema(),
        f"edition-{ed.id}.selfcheck.schema.json": selfcheck_return_model(ed).model_json_schema(),
    }
    if ed.ledger is not None:
        out[f"edition-{ed.id}.ledger.schema.json"] = ledger_row_model(ed).model_json_schema()
    return out

"""The roster: which units report, what people call them, their level, and the deadlines.

The embedded default is the Weihai roster (data/roster-weihai.toml). A cbc.toml (or --config)
extends it, or replaces it with `replace = true` under [roster]. The same file carries the
city's own figures under [own].
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .edition import Level
from .limits import MiB, Isolation, Limits
from .paths import data_dir
from .period import Period

_DEFAULT = data_dir() / "roster-weihai.toml"
_MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class ConfigError(Exception):
    """A roster or cbc.toml cannot be used."""


class Unit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    level: Level = "county"
    federation: bool = False


class City(BaseModel):
    """The body that collects the returns and adds them up (the city federation by default;
    a district federation adding up its enterprises sets level = "county")."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = "市总工会"
    aliases: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    level: Level = "city"


class Deadlines(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    H1: str = Field(pattern=_MONTH_DAY)
    H2: str = Field(pattern=_MONTH_DAY)


class FileLimits(BaseModel):
    """[limits] in cbc.toml: how much an input file may ask of the machine."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_file_mb: float = Field(default=20, gt=0, le=1024)
    timeout_seconds: float = Field(default=20, gt=0, le=3600)
    memory_mb: int = Field(default=512, ge=64, le=65536)


class Contact(BaseModel):
    """[contact] in cbc.toml: who at the collecting office answers the units' questions
    (named in the messages `cbc status --messages` writes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    person: str = Field(default="", max_length=40)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=80)
    office: str = Field(default="", max_length=60)   # e.g. the department the returns go to

    @property
    def complete(self) -> bool:
        return bool(self.person and self.phone and self.email)


class MessageSettings(BaseModel):
    """[messages] in cbc.toml: a folder of the user's own message templates; a file there
    replaces the bundled template of the same name (催报.txt.j2, 退回.txt.j2, 提醒.txt.j2,
    催报通知.txt.j2). A relative folder is taken from where cbc.toml is."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    templates: str | None = None


class Roster(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    city: City = City()
    limits: FileLimits = FileLimits()
    contact: Contact = Contact()
    messages: MessageSettings = MessageSettings()
    deadlines: dict[Level, Deadlines] = {}
    units: tuple[Unit, ...] = ()
    own: dict[str, Decimal] = {}
    ledger: dict[str, Any] = {}    # [ledger]: the hazard ledger's grades, award threshold, periods
    source: str = "内置名册（威海市）"

    @field_validator("units")
    @classmethod
    def _unique_names(cls, units: tuple[Unit, ...]) -> tuple[Unit, ...]:
        seen: dict[str, str] = {}
        for u in units:
            for name in (u.name, *u.aliases):
                key = normalize_unit(name)
                if key in seen and seen[key] != u.name:
                    raise ValueError(f"名称“{name}”同时属于“{seen[key]}”和“{u.name}”")
                seen[key] = u.name
        return units

    def match(self, written: str | None) -> Unit | None:
        """The roster unit a 填报单位 as written refers to, or None."""
        if not written:
            return None
        index = self._index()
        key = normalize_unit(written)
        for candidate in self._candidates(key):
            if candidate in index:
                return index[candidate]
        return None

    def unit_named(self, name: str) -> Unit | None:
        """The roster unit with exactly this (roster) name."""
        by_name = self.__dict__.get("_by_name")
        if by_name is None:
            by_name = self.__dict__["_by_name"] = {u.name: u for u in self.units}
        return by_name.get(name)

    def is_city(self, written: str | None) -> bool:
        if not written:
            return False
        names = {normalize_unit(n) for n in (self.city.name, *self.city.aliases)}
        return any(c in names for c in self._candidates(normalize_unit(written)))

    def _candidates(self, key: str) -> list[str]:
        out = [key]
        changed = True
        while changed:
            changed = False
            for prefix in self.city.prefixes:
                p = normalize_unit(prefix)
                if p and out[-1].startswith(p) and len(out[-1]) > len(p):
                    out.append(out[-1][len(p):])
                    changed = True
        return out

    def _index(self) -> dict[str, Unit]:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {}
            for u in self.units:
                for name in (u.name, *u.aliases):
                    cached[normalize_unit(name)] = u
            self.__dict__["_index_cache"] = cached
        return cached

    def deadline(self, level: Level, period: Period) -> date | None:
        known = self.__dict__.setdefault("_deadlines", {})  # asked once per return and per row
        key = (level, period.year, period.half)
        if key not in known:
            d = self.deadlines.get(level)
            if d is None:
                known[key] = None
            else:
                month, day = (int(x) for x in getattr(d, period.half).split("-"))
                known[key] = date(period.year, month, day)
        return known[key]

    def isolation(self) -> Isolation:
        """The reading limits this configuration asks for."""
        lim = self.limits
        return Isolation(timeout=lim.timeout_seconds, memory=lim.memory_mb * MiB,
                         limits=Limits(max_bytes=int(lim.max_file_mb * MiB)))

    @property
    def federations(self) -> list[Unit]:
        return [u for u in self.units if u.federation]


_UNIT_NOISE = re.compile(r"[\s\u3000]+|[(（][^)）]*章[^)）]*[)）]|^填报单位[:：]?|^企业工会[:：]?|[:：]$|盖章$")


_UNIT_SPACES = re.compile(r"[\s:：]+")
_STAMP_NOTE = re.compile(r"[(（][^)）]*章[^)）]*[)）]")
_UNIT_LEAD = re.compile(r"^\s*(填报单位|企业工会)\s*[:：]?")
_ALL_SPACES = re.compile(r"[\s\u3000]+")


def normalize_unit(text: str) -> str:
    """A unit's name as written, reduced to what identifies it: no stamp note, no spaces."""
    t = unicodedata.normalize("NFKC", str(text)).strip()
    t = _UNIT_NOISE.sub("", t)
    t = _UNIT_SPACES.sub("", t)
    return t


def clean_unit(text: str | None) -> str | None:
    """The unit as written, tidied for display: stamp note and stray spaces removed."""
    if text is None:
        return None
    t = unicodedata.normalize("NFKC", str(text))
    t = _STAMP_NOTE.sub("", t)
    t = _UNIT_LEAD.sub("", t)
    t = _ALL_SPACES.sub("", t).strip("：:")
    return t or None


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 格式有误：{exc}") from exc


def _build(data: dict, source: str) -> Roster:
    try:
        return Roster.model_validate({**data, "source": source})
    except ValidationError as exc:
        details = "；".join(
            f"{'.'.join(str(p) for p in e['loc'])}：{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise ConfigError(f"{source} 有误：{details}") from exc


def default_roster() -> Roster:
    return _build(_read_toml(_DEFAULT), "内置名册（威海市）")


def load_roster(config: str | Path | None = None, cwd: Path | None = None) -> Roster:
    """The roster in use: the default, extended or replaced by cbc.toml or --config."""
    base = _read_toml(_DEFAULT)
    path: Path | None
    if config is not None:
        path = Path(config)
        if not path.is_file():
            raise ConfigError(f"找不到配置文件 {path}")
    else:
        path = (cwd or Path.cwd()) / "cbc.toml"
        if not path.is_file():
            return _build(base, "内置名册（威海市）")
    user = _read_toml(path)
    unknown = set(user) - {"roster", "city", "deadlines", "units", "own", "limits", "contact", "messages",
                           "assess", "ledger"}  # [assess]: the year-end weights, read by model/assess.py
    if unknown:
        raise ConfigError(f"配置文件 {path.name} 中有无法识别的部分：{'、'.join(sorted(unknown))}")
    replace = bool(user.get("roster", {}).get("replace", False))
    merged: dict = {} if replace else dict(base)
    if "city" in user:
        merged["city"] = {**(merged.get("city") or {}), **user["city"]}
    if "deadlines" in user:
        merged["deadlines"] = {**(merged.get("deadlines") or {}), **user["deadlines"]}
    units = {} if replace else {u["name"]: u for u in base.get("units", [])}
    for u in user.get("units", []):
        if not isinstance(u, dict) or "name" not in u:
            raise ConfigError(f"配置文件 {path.name} 中的 [[units]] 每项都需要 name")
        units[u["name"]] = u
    merged["units"] = list(units.values())
    if "limits" in user:
        merged["limits"] = user["limits"]
    if "contact" in user:
        merged["contact"] = user["contact"]
    if "messages" in user:
        messages = dict(user["messages"]) if isinstance(user["messages"], dict) else user["messages"]
        if isinstance(messages, dict) and isinstance(messages.get("templates"), str):
            messages["templates"] = str((path.parent / messages["templates"]).resolve())
        merged["messages"] = messages
    if "ledger" in user:
        merged["ledger"] = user["ledger"]
    if "own" in user:
        try:
            merged["own"] = {k: Decimal(str(v)) for k, v in user["own"].items()}
        except InvalidOperation as exc:
            raise ConfigError(f"配置文件 {path.name} 的 [own] 中有不是数字的值") from exc
    source = f"{'内置名册，由' if not replace else ''}{path.name}{'扩充' if not replace else ''}"
    return _build(merged, source)


"""Findings are values: what is wrong, where, what was found, and how to fix it.

Every kind of finding is data (data/findings.toml): a stable kebab-case code, a severity, a
short Chinese title and a message template. `finding()` is the one place a message is made;
the form's own rules bring their codes and templates from the edition (`rule_finding`). A
message never carries its cell: the finding does, and `where_message` joins them for the places
that show a finding without a column for its cell.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any, Literal

from .paths import data_dir

Severity = Literal["error", "warning"]


class UnknownFinding(KeyError):
    """A finding code (or wording) that data/findings.toml does not define: a bug in cbc."""


@dataclass(frozen=True)
class FindingType:
    code: str
    severity: Severity
    title: str
    template: str
    group: str = ""                                  # "read", "decide", "skip", or "" (about one return)
    variants: tuple[tuple[str, str], ...] = ()
    quiet: bool = False                              # shown only in JSON and with --verbose

    def text(self, variant: str | None = None, **params: Any) -> str:
        template = self.template if variant is None else dict(self.variants).get(variant)
        if template is None:
            raise UnknownFinding(f"{self.code}.{variant}")
        return template.format(**params)


@cache
def finding_types() -> dict[str, FindingType]:
    """Every finding type cbc raises by itself, by code."""
    raw = tomllib.loads((data_dir() / "findings.toml").read_text(encoding="utf-8"))
    return {code: FindingType(code, spec["severity"], spec["title"], spec["message"], spec.get("group", ""),
                              tuple(spec.get("variants", {}).items()), bool(spec.get("quiet", False)))
            for code, spec in raw.items()}


def registered_codes(ed: Any) -> set[str]:
    """Every finding code cbc can report with this edition: its own and the edition's rules."""
    return set(finding_types()) | {r.code for r in ed.stats.rules} | {r.code for r in ed.crossform}


def title(code: str) -> str:
    t = finding_types().get(code)
    return t.title if t else code


@dataclass(frozen=True)
class Issue:
    severity: Severity
    code: str
    message: str
    field: str | None = None
    cell: str | None = None
    value: str | None = None
    item: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def where_message(self) -> str:
        """The message with its cell in front, for text that has no column for the cell."""
        return f"{self.cell}：{self.message}" if self.cell else self.message

    def as_json(self, keys: tuple[str, ...] = ("severity", "code", "field", "cell", "value", "message")) -> dict[str, Any]:
        data = asdict(self)
        return {k: data[k] for k in keys}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        return cls(**data)


def finding(code: str, variant: str | None = None, *, field: str | None = None, cell: str | None = None,
            value: Any = None, item: int | None = None, **params: Any) -> Issue:
    """A finding of a type from data/findings.toml, its message made from the template."""
    try:
        t = finding_types()[code]
    except KeyError:
        raise UnknownFinding(code) from None
    shown_value = shown(value)
    # the finding's own item and value may be named in its message too ("第{item}项")
    text = t.text(variant, item=item, value=shown_value, **params)
    if t.group == "read":
        text = f"无法读取：{text}"
    return Issue(t.severity, code, text, field=field, cell=cell, value=shown_value, item=item)


def reason(code: str, variant: str | None = None, **params: Any) -> str:
    """The bare message of a finding type: why a file cannot be read, why a return does not count."""
    try:
        return finding_types()[code].text(variant, **params)
    except KeyError:
        raise UnknownFinding(code) from None


def rule_finding(rule: Any, params: dict[str, Any], *, field: str | None = None, cell: str | None = None,
                 value: Any = None, item: int | None = None, suffix: str = "") -> Issue:
    """A finding of one of the edition's own rules: its code, severity and message template
    (the template's names are the rule's own, so they come as a dict)."""
    return Issue(rule.severity, rule.code, rule.message.format(**params) + suffix, field=field, cell=cell,
                 value=shown(value), item=item)


def shown(value: Any) -> str | None:
    """A value as the user typed or saw it, for messages and the 'value' of a finding."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class HasIssues:
    """What a judged file (a return, a self-check) says about its findings."""

    issues: list[Issue]
    readable: bool

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def valid(self) -> bool:
        return self.readable and not self.errors

    @property
    def reason(self) -> str | None:
        """Why the file cannot count, in one line (the first error, with its cell)."""
        errs = self.errors
        return errs[0].where_message if errs else None

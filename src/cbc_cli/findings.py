"""Findings are values: what is wrong, where, what was found, and how to fix it.

Every finding has a stable kebab-case code; the codes below are the ones cbc itself raises
(the form's own rules bring theirs from schemas/). README lists them all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]

# code -> (severity, short title in Chinese). Rules from the edition add their own codes.
CODES: dict[str, tuple[Severity, str]] = {
    "unreadable": ("error", "无法读取"),
    "empty-file": ("error", "空文件"),
    "file-too-large": ("error", "文件过大"),
    "not-a-workbook": ("error", "不是工作簿"),
    "corrupt-file": ("error", "文件损坏"),
    "encrypted": ("error", "文件加密"),
    "suspicious-file": ("error", "可疑文件"),
    "reader-crashed": ("error", "读取程序异常退出"),
    "reader-timeout": ("error", "读取超时"),
    "reader-memory": ("error", "读取时内存超限"),
    "form-not-found": ("error", "找不到表格"),
    "not-a-stats-form": ("error", "这是自查表，不是统计表"),
    "unit-missing": ("error", "未填填报单位"),
    "unit-unlisted": ("warning", "单位不在名册中"),
    "level-unknown": ("warning", "无法确定层级"),
    "date-missing": ("warning", "未填填报日期"),
    "date-invalid": ("error", "填报日期有误"),
    "field-not-found": ("error", "缺少栏目"),
    "required-missing": ("error", "必填项为空"),
    "not-for-level": ("warning", "本级不填的栏目"),
    "not-a-number": ("error", "不是数字"),
    "negative": ("error", "负数"),
    "not-whole": ("error", "不是整数"),
    "yuan-converted": ("warning", "元已换算为万元"),
    "formula-no-value": ("error", "公式没有计算结果"),
    "score-missing": ("error", "未打分"),
    "score-out-of-range": ("error", "得分超出范围"),
    "score-not-whole": ("error", "得分不是整数"),
    "drills-mismatch": ("warning", "演练得分与次数不符"),
    "total-mismatch": ("warning", "总分与各项之和不符"),
    "item-not-found": ("error", "缺少自查项目"),
    "own-figures-missing": ("warning", "缺少本级数据"),
    "own-unknown-field": ("warning", "本级数据中有未知栏目"),
    "first-half-not-found": ("warning", "没有可对照的上半年报表"),
}


def registered_codes(ed: Any) -> set[str]:
    """Every finding code cbc can report with this edition: its own and the edition's rules."""
    return set(CODES) | {r.code for r in ed.stats.rules} | {r.code for r in ed.crossform}


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

    def as_json(self, keys: tuple[str, ...] = ("severity", "code", "field", "cell", "value", "message")) -> dict[str, Any]:
        data = asdict(self)
        return {k: data[k] for k in keys}


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
        """Why the file cannot count, in one line (the first error)."""
        errs = self.errors
        return errs[0].message if errs else None

"""The cbc command line: parse options, call one library function, render, exit.

Exit codes (a contract, see README): 0 clean, 1 findings at error level or unreadable input
(or, for aggregate, anything not counted or missing), 2 usage error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import i18n

i18n.install()

app = typer.Typer(
    name="cbc",
    help=(
        "cbc：“查保促”活动报表工具 —— 生成统计表和自查表，检查、打分、汇总各单位报送的报表。\n\n"
        "示例：\n\n"
        "  cbc new-form -o 空白表          生成空白的统计表和自查表\n\n"
        "  cbc validate 报送/              检查文件夹中的每份统计表\n\n"
        "  cbc score 自查表/               给自查表打分并排名\n\n"
        "  cbc aggregate 报送/ -o 汇总.xlsx  汇总全市统计表"
    ),
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

USAGE = 2


def _fail(message: str, code: int = USAGE) -> typer.Exit:
    from .render import error

    error(message)
    return typer.Exit(code)


def _period(text: str | None):
    from .roster import Period

    if text is None:
        return None
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise _fail(str(exc)) from None


def _roster(config: Path | None):
    from .roster import ConfigError, load_roster

    try:
        return load_roster(config)
    except ConfigError as exc:
        raise _fail(str(exc)) from None


ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="配置文件（名册、截止日期、市本级数据）；默认读取当前文件夹的 cbc.toml。", show_default=False)]
PeriodOpt = Annotated[Optional[str], typer.Option("--period", help="报送期：2020H1、2020H2（也可写 2020上半年、2020下半年）。", show_default=False)]
EditionOpt = Annotated[Optional[str], typer.Option("--edition", help="表样版本（年份），默认最新版。", show_default=False)]


@app.command("new-form")
def new_form(
    form: Annotated[Optional[str], typer.Argument(help="生成哪张表：统计表（stats）或自查表（selfcheck）；不写则两张都生成。", show_default=False)] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="输出文件夹。")] = Path("."),
    unit: Annotated[Optional[str], typer.Option("--unit", help="预先填好填报单位。", show_default=False)] = None,
    period: PeriodOpt = None,
    roster: Annotated[bool, typer.Option("--roster", help="为名册中的每个单位各生成一套表，单位已填好。")] = False,
    config: ConfigOpt = None,
    edition: EditionOpt = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件。")] = False,
) -> None:
    """生成空白的统计表（附件1）和自查表（附件2）。

    填写处为浅黄色，已设置数据验证；其余单元格受保护（无密码，可在“审阅”中撤销保护）。

    示例：cbc new-form --unit 环翠区总工会 --period 2020H1 -o 空白表
    """
    from .forms import DefinitionError
    from .newform import FORMS, new_forms
    from .render import wrote
    from .workbook.write import OutputExists

    forms = FORMS
    if form is not None:
        aliases = {"stats": "stats", "统计表": "stats", "附件1": "stats", "1": "stats",
                   "selfcheck": "selfcheck", "自查表": "selfcheck", "附件2": "selfcheck", "2": "selfcheck"}
        if form not in aliases:
            raise _fail(f"不认识的表“{form}”：请写 统计表 或 自查表（stats / selfcheck）。")
        forms = (aliases[form],)  # type: ignore[assignment]
    if roster and unit:
        raise _fail("--unit 和 --roster 只能选一个。")
    try:
        written = new_forms(out, forms=forms, unit=unit, period=_period(period),
                            roster=_roster(config) if roster else None, force=force, edition=edition)
    except OutputExists as exc:
        raise _fail(str(exc), 1) from None
    except DefinitionError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"无法写入 {out}：{exc.strerror or exc}", 1) from None
    wrote([p.path for p in written])


@app.command("forms")
def forms_cmd(
    edition: EditionOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="输出格式：table 或 json。")] = "table",
) -> None:
    """列出已知的表样版本，以及每张表的栏目或自查项目。

    示例：cbc forms --edition 2020
    """
    from .forms import DefinitionError, editions, get_edition
    from .render import show_forms

    try:
        eds = [get_edition(edition)] if edition else list(editions().values())
    except DefinitionError as exc:
        raise _fail(str(exc)) from None
    show_forms(eds, fmt)


@app.command("roster")
def roster_cmd(
    config: ConfigOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="输出格式：table 或 json。")] = "table",
) -> None:
    """显示正在使用的名册：单位、别名、层级、截止日期。

    示例：cbc roster --config cbc.toml
    """
    from .render import show_roster

    show_roster(_roster(config), fmt)


def main() -> None:  # the console script
    app()

"""The cbc command line: parse options, call one library function, render, exit.

Exit codes (a contract, see README): 0 clean, 1 findings at error level or unreadable input
(or, for aggregate, anything not counted or missing), 2 usage error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import i18n
from .write import safety  # noqa: F401  (openpyxl never runs without defusedxml)

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
    from .model.period import Period

    if text is None:
        return None
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise _fail(str(exc)) from None


def _roster(config: Path | None):
    from .model.config import ConfigError, load_roster

    try:
        return load_roster(config)
    except ConfigError as exc:
        raise _fail(str(exc)) from None


ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="配置文件（名册、截止日期、市本级数据）；默认读取当前文件夹的 cbc.toml。", show_default=False)]
PeriodOpt = Annotated[Optional[str], typer.Option("--period", help="报送期：2020H1、2020H2（也可写 2020上半年、2020下半年）。", show_default=False)]
EditionOpt = Annotated[Optional[str], typer.Option("--edition", help="表样版本（年份），默认最新版。", show_default=False)]
PreviousOpt = Annotated[Optional[list[Path]], typer.Option(
    "--previous", metavar="<path>", show_default=False,
    help="同年上半年的报表（文件夹或文件，可写多次）：下半年的报表逐单位与之对照，全年累计数比上半年少的给出提醒。")]


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
    from .model.edition import DefinitionError
    from .newform import FORMS, new_forms
    from .render import wrote
    from .write.files import OutputExists

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
    from .model.edition import DefinitionError, editions, get_edition
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


LEVELS_IN = {"enterprise": "enterprise", "企业": "enterprise", "county": "county", "县级": "county",
             "区市": "county", "city": "city", "市级": "city"}


def _level(text: str | None):
    if text is None:
        return None
    if text not in LEVELS_IN:
        raise _fail(f"不认识的层级“{text}”：请写 企业、县级 或 市级（enterprise / county / city）。")
    return LEVELS_IN[text]


def _format(fmt: str) -> str:
    if fmt not in ("table", "json"):
        raise _fail(f"不认识的输出格式“{fmt}”：请写 table 或 json。")
    return fmt


PathsArg = Annotated[list[Path], typer.Argument(help="报表文件或文件夹（文件夹：其中的每个工作簿）。", show_default=False)]
RecursiveOpt = Annotated[bool, typer.Option("--recursive", "-r", help="也检查子文件夹。")]
FormatOpt = Annotated[str, typer.Option("--format", help="输出格式：table（表格）或 json。")]
LevelOpt = Annotated[Optional[str], typer.Option("--level", help="名册中找不到单位时按哪一级检查：企业、县级、市级。", show_default=False)]


def _inputs(paths: list[Path]) -> None:
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise _fail("找不到：" + "、".join(str(p) for p in missing))


def _annotate_dir(annotate: Path | None, paths: list[Path]) -> None:
    if annotate is None:
        return
    target = annotate.resolve()
    for p in paths:
        folder = p.resolve() if p.is_dir() else p.resolve().parent
        if folder == target:
            raise _fail("--annotate 的文件夹不能是报表所在的文件夹（标注件会被当作报表再次读取），请另选一个。")


@app.command("validate")
def validate_cmd(
    paths: PathsArg,
    recursive: RecursiveOpt = False,
    fmt: FormatOpt = "table",
    errors_only: Annotated[bool, typer.Option("--errors-only", help="只显示错误，不显示提醒。")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="逐栏显示读取位置：每个栏目的数从哪个单元格读到、靠哪个栏目找到、怎样找到。")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="把提醒也当作错误（影响退出码）。")] = False,
    level: LevelOpt = None,
    annotate: Annotated[Optional[Path], typer.Option("--annotate", help="为有问题的报表各生成一份标注件（问题单元格标红并加批注），存入此文件夹。", show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="不使用缓存，所有文件重新读取。")] = False,
    config: ConfigOpt = None,
    edition: EditionOpt = None,
    previous: PreviousOpt = None,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示程序的详细信息（供开发人员排查）。")] = False,
) -> None:
    """检查统计表（附件1）：逐项读出数值，指出哪里有错、怎么改。

    能读 cbc 生成的表、按通知样式手工制作的表、两列清单、WPS 保存的文件和旧版 .xls；
    数字可以是文字（如“１２３”“1,200人”）。

    退出码：0 没有错误；1 有错误或有文件无法读取；2 用法错误。

    示例：cbc validate 报送/ --annotate 退回/
    """
    from .render import show_validation

    _inputs(paths)
    _inputs(previous or [])
    _format(fmt)
    _annotate_dir(annotate, paths)
    roster = _roster(config)
    lv = _level(level)
    results = _guarded(debug, lambda: _validate_all(paths, recursive, roster, lv, edition, annotate,
                                                    cache=not no_cache, previous=previous))
    if explain:
        from .model.edition import get_edition

        show_validation(results, fmt, errors_only=errors_only, explain=get_edition(edition))
    else:
        show_validation(results, fmt, errors_only=errors_only)
    failed = any(not r.valid or (strict and r.warnings) for r in results)
    raise typer.Exit(1 if failed else 0)


def _validate_all(paths, recursive, roster, level, edition, annotate_dir, jobs=None, cache=True, previous=None):  # type: ignore[no-untyped-def]
    from .write.annotate import annotate
    from .model.edition import get_edition
    from .render import progress_bar
    from .validate import validate_paths

    ed = get_edition(edition)
    with progress_bar() as progress:
        results = validate_paths(paths, recursive=recursive, roster=roster, level=level, edition=ed, jobs=jobs,
                                 progress=progress, cache=cache, previous=previous)
    if annotate_dir is not None:
        for result in results:
            annotate(result, annotate_dir, edition=ed)
    return results


@app.command("score")
def score_cmd(
    paths: PathsArg,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="把排名写成工作簿（如 排名.xlsx）。", show_default=False)] = None,
    recursive: RecursiveOpt = False,
    fmt: FormatOpt = "table",
    strict: Annotated[bool, typer.Option("--strict", help="把提醒也当作错误（影响退出码）。")] = False,
    annotate: Annotated[Optional[Path], typer.Option("--annotate", help="为有问题的自查表各生成一份标注件，存入此文件夹。", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的排名文件。")] = False,
    config: ConfigOpt = None,
    edition: EditionOpt = None,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示程序的详细信息（供开发人员排查）。")] = False,
) -> None:
    """给自查表（附件2）打分：逐项核对得分（0 至该项满分的整数），计算各项目小计和总得分，多份时排名。

    总得分由 cbc 计算，不读表上写的合计；表上合计不符时给出提醒。
    同时给出同一单位的统计表时，会交叉核对（如第3项培训得分而统计表培训次数为0）。

    退出码：0 没有错误；1 有错误或有文件无法读取；2 用法错误。

    示例：cbc score 自查表/ -o 排名.xlsx
    """
    from .render import show_scores

    _inputs(paths)
    _format(fmt)
    _annotate_dir(annotate, paths)
    roster = _roster(config)

    def work():  # type: ignore[no-untyped-def]
        from .write.annotate import annotate_selfcheck
        from .model.edition import get_edition
        from .scoring import score_paths
        from .write.summary import write_ranking
        from .write.files import check_free

        ed = get_edition(edition)
        if out is not None:
            check_free([out], force)
        ranking = score_paths(paths, recursive=recursive, roster=roster, edition=ed)
        written = []
        if annotate is not None:
            for r in ranking.results:
                annotate_selfcheck(r, annotate, edition=ed)
        if out is not None:
            written.append(write_ranking(ranking, ed, out, force=force, unit=roster.city.name))
        return ranking, written

    ranking, written = _guarded(debug, work)
    show_scores(ranking, written, fmt)
    failed = any(not r.valid or (strict and r.warnings) for r in ranking.results)
    raise typer.Exit(1 if failed else 0)


@app.command("aggregate")
def aggregate_cmd(
    paths: PathsArg,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="汇总工作簿（默认：查保促汇总_报送期.xlsx）。", show_default=False)] = None,
    html: Annotated[Optional[Path], typer.Option("--html", help="另生成一份网页报告（可直接发给领导，浏览器打开、可打印）。", show_default=False)] = None,
    period: PeriodOpt = None,
    own: Annotated[Optional[Path], typer.Option("--own", help="本级（市总工会）自己填好的统计表：市本级栏目取自此表。", show_default=False)] = None,
    strict_roster: Annotated[bool, typer.Option("--strict-roster", help="名册外单位的报表不计入（退回）。")] = False,
    recursive: RecursiveOpt = False,
    fmt: FormatOpt = "table",
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="并行读取的进程数（默认：CPU 核数）。", min=1, show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的汇总文件。")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="不使用缓存，所有报表重新读取（默认只重读新增或改动的文件）。")] = False,
    level: LevelOpt = None,
    config: ConfigOpt = None,
    edition: EditionOpt = None,
    previous: PreviousOpt = None,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示程序的详细信息（供开发人员排查）。")] = False,
) -> None:
    """汇总一个文件夹的统计表，生成上一级的统计表和报送情况。

    谁计入：有错误或无法读取的退回；同一单位多份只计最新一份（按填报日期、再按文件时间）；
    超过截止日期的计入并标为迟报；名册中没有计入报表的单位列为未报。

    退出码：0 全部计入且无人未报；1 有退回或未报（汇总照样生成）；2 用法错误。

    示例：cbc aggregate 报送/ --period 2020H1 -o 汇总.xlsx --html 汇总.html
          cbc aggregate 报送-下半年/ --previous 报送-上半年/
    """
    from .aggregate import AggregateError, aggregate
    from .render import progress_bar, show_summary

    _inputs(paths)
    _inputs(previous or [])
    _format(fmt)
    if own is not None and not own.is_file():
        raise _fail(f"找不到 --own 文件：{own}")
    roster = _roster(config)
    lv = _level(level)
    p = _period(period)

    def work():  # type: ignore[no-untyped-def]
        from .report import write_html
        from .write.summary import write_summary
        from .write.files import check_free

        with progress_bar(enabled=fmt != "json") as progress:
            summary = aggregate(paths, recursive=recursive, roster=roster, period=p, own_file=own,
                                strict_roster=strict_roster, edition=edition, level=lv, jobs=jobs,
                                progress=progress, cache=not no_cache, previous=previous)
        target = out or Path(f"查保促汇总_{summary.period}.xlsx")
        check_free([t for t in (target, html) if t is not None], force)
        written = [write_summary(summary, target, force=force)]
        if html is not None:
            written.append(write_html(summary, html, force=force))
        return summary, written

    try:
        summary, written = _guarded(debug, work)
    except AggregateError as exc:
        raise _fail(str(exc)) from None
    show_summary(summary, written, fmt)
    raise typer.Exit(0 if summary.complete else 1)


def _guarded(debug: bool, work):  # type: ignore[no-untyped-def]
    """Run the library call; anything unexpected becomes one Chinese line, not a traceback."""
    from .aggregate import AggregateError
    from .model.edition import DefinitionError
    from .write.files import OutputExists

    if debug:  # also seen by worker processes: a reader's failure then shows its traceback
        os.environ["CBC_DEBUG"] = "1"
    try:
        return work()
    except (typer.Exit, KeyboardInterrupt):
        raise
    except DefinitionError as exc:
        raise _fail(str(exc)) from None
    except AggregateError:
        raise
    except OutputExists as exc:
        raise _fail(str(exc), 1) from None
    except OSError as exc:
        if debug:
            raise
        raise _fail(f"无法读写文件：{exc.filename or ''} {exc.strerror or exc}", 1) from None
    except Exception as exc:  # noqa: BLE001 - the user gets one line; --debug gives the traceback
        if debug:
            raise
        raise _fail(f"程序内部错误：{type(exc).__name__}: {exc}（加 --debug 查看详细信息）", 1) from None


def main() -> None:  # the console script
    """Run the command, then leave without tearing the interpreter down.

    Freeing every object and module at exit takes ~35 ms after a big aggregate (measured with
    benchmarks/run.py) and serves no purpose: by then every output has been written atomically
    and closed, the workers have been stopped and the cache closed. So flush the terminal and go.
    Under a tracer or coverage, exit normally so they can write their data."""
    try:
        app()
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    if sys.gettrace() is not None or "coverage" in sys.modules:
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (cbc ... | head): nothing more to say
            pass
    os._exit(code)

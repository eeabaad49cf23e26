"""The cbc command line: parse options, call one library function, render, exit.

Exit codes, one contract for every command (README: 退出码):
0 all good; 1 findings, files that cannot be read or units outstanding; 2 could not do the job
(usage error, nothing to check, an output that exists or cannot be written, an internal error);
130 interrupted (Ctrl-C).
"""

# No `from __future__ import annotations` here: typer reads every command's annotations at each
# start, and string annotations cost it a compile and an eval each (~8 ms a run, measured).
import gc
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import i18n
from .options import ConfigOpt, DebugOpt, FormatOpt, ForceOpt, JobsOpt, NoCacheOpt, VerboseOpt
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
        "  cbc aggregate 报送/ -o 汇总.xlsx  汇总全市统计表\n\n"
        "  cbc ledger 台账/ -o 奖励候选.xlsx  检查企业隐患台账，统计隐患数，列出奖励候选"
    ),
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    options_metavar="[选项]",
    subcommand_metavar="命令 [参数]...",
)

OK, FINDINGS, USAGE, ABORTED = 0, 1, 2, 130


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


PeriodOpt = Annotated[Optional[str], typer.Option("--period", metavar="<报送期>", help="报送期：2020H1、2020H2（也可写 2020上半年、2020下半年）。", show_default=False)]
EditionOpt = Annotated[Optional[str], typer.Option("--edition", metavar="<年份>", help="表样版本（年份），默认最新版。", show_default=False)]
PreviousOpt = Annotated[Optional[list[Path]], typer.Option(
    "--previous", metavar="<路径>", show_default=False,
    help="同年上半年的报表（文件夹或文件，可写多次）：下半年的报表逐单位与之对照，全年累计数比上半年少的给出提醒。")]


@app.command("new-form")
def new_form(
    form: Annotated[Optional[str], typer.Argument(metavar="表", help="生成哪张表：统计表（stats）、自查表（selfcheck）或隐患台账（台账，ledger）；不写则生成统计表和自查表。", show_default=False)] = None,
    out: Annotated[Path, typer.Option("-o", "--out", metavar="<文件夹>", help="输出文件夹。")] = Path("."),
    unit: Annotated[Optional[str], typer.Option("--unit", metavar="<单位>", help="预先填好填报单位。", show_default=False)] = None,
    period: PeriodOpt = None,
    roster: Annotated[bool, typer.Option("--roster", help="为名册中的每个单位各生成一套表，单位已填好。")] = False,
    config: ConfigOpt = None,
    edition: EditionOpt = None,
    force: ForceOpt = False,
    fmt: FormatOpt = "table",
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """生成空白的统计表（附件1）和自查表（附件2），或企业的隐患排查治理登记台账。

    填写处为浅黄色，已设置数据验证；其余单元格受保护（无密码，可在“审阅”中撤销保护）。
    台账：日期、隐患等级、状态有数据验证和下拉列表，表头冻结、每页重复打印，A4 横向，可填数千条。

    退出码：0 已生成；2 无法生成（文件已存在、无法写入、用法错误）。

    示例：cbc new-form --unit 环翠区总工会 --period 2020H1 -o 空白表

          cbc new-form 台账 --unit 威海某化工有限公司 -o 台账
    """
    from .newform import FORMS, new_forms
    from .render import wrote
    from .write.files import all_or_none, check_folder

    _format(fmt)
    forms = FORMS
    if form is not None:
        aliases = {"stats": "stats", "统计表": "stats", "附件1": "stats", "1": "stats",
                   "selfcheck": "selfcheck", "自查表": "selfcheck", "附件2": "selfcheck", "2": "selfcheck",
                   "ledger": "ledger", "台账": "ledger", "隐患台账": "ledger"}
        if form not in aliases:
            raise _fail(f"不认识的表“{form}”：请写 统计表、自查表 或 台账（stats / selfcheck / ledger）。")
        forms = (aliases[form],)  # type: ignore[assignment]
    if roster and unit:
        raise _fail("--unit 和 --roster 只能选一个。")
    settings = _roster(config) if roster or forms == ("ledger",) else None
    ros = settings if roster else None
    p = _period(period)

    def work():  # type: ignore[no-untyped-def]
        check_folder(out)
        with all_or_none():
            return new_forms(out, forms=forms, unit=unit, period=p, roster=ros, force=force, edition=edition,
                             ledger=settings.ledger if settings is not None else None)

    written = _guarded(debug, work)
    wrote([w.path for w in written], fmt)
    raise typer.Exit(OK)


@app.command("forms")
def forms_cmd(
    edition: EditionOpt = None,
    fmt: FormatOpt = "table",
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """列出已知的表样版本，以及每张表的栏目或自查项目。

    退出码：0 已列出；2 用法错误（如没有这个版本）。

    示例：cbc forms --edition 2020
    """
    from .model.edition import editions, get_edition
    from .render import show_forms

    _format(fmt)
    eds = _guarded(debug, lambda: [get_edition(edition)] if edition else list(editions().values()))
    show_forms(eds, fmt, verbose=verbose)
    raise typer.Exit(OK)


@app.command("roster")
def roster_cmd(
    config: ConfigOpt = None,
    fmt: FormatOpt = "table",
    edition: EditionOpt = None,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """显示正在使用的名册：单位、别名、层级、截止日期、市本级数据。

    退出码：0 已显示；2 配置文件有误或用法错误。

    示例：cbc roster --config cbc.toml
    """
    from .model.edition import get_edition
    from .render import show_roster

    _format(fmt)
    ros = _roster(config)
    ed = _guarded(debug, lambda: get_edition(edition))
    show_roster(ros, fmt, ed, verbose=verbose)
    raise typer.Exit(OK)


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


PathsArg = Annotated[list[Path], typer.Argument(metavar="路径", help="报表文件或文件夹（文件夹：其中的每个工作簿；其他文件列为“未读取”并说明原因）。", show_default=False)]
RecursiveOpt = Annotated[bool, typer.Option("--recursive", "-r", help="也检查子文件夹。")]
LevelOpt = Annotated[Optional[str], typer.Option("--level", metavar="<层级>", help="名册中找不到单位时按哪一级检查：企业、县级、市级。", show_default=False)]


def _inputs(paths: list[Path]) -> None:
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise _fail("找不到：" + "、".join(str(p) for p in missing))


def _outside_inputs(targets: list[tuple[Path | None, str]], paths: list[Path], recursive: bool = True) -> None:
    """An output may not be written where it would be read: the next run would take cbc's own
    summary, board or send-back copies for returns (a copy would even replace its unit's return).
    A folder of outputs (--annotate, --messages) may not be inside a folder being read; an output
    file may not be in one, or below one when subfolders are read too (-r)."""
    folders = [p.resolve() for p in paths if p.is_dir()]
    for target, name in targets:
        if target is None:
            continue
        where = target.resolve()
        is_folder = name in ("--annotate", "--messages")
        for folder in folders:
            if where == folder or where.parent == folder or (folder in where.parents and (is_folder or recursive)):
                raise _fail(f"{name} {target} 在要读取的文件夹“{folder.name}”里，下次读取时会被当作报表读入。"
                            "请写到这个文件夹之外。")


def _jobs(jobs: int | None) -> int | None:
    if jobs is not None and jobs < 1:
        raise _fail(f"--jobs 至少为 1（写的是 {jobs}）。")
    return jobs


def _nothing(found, fmt: str, verbose: bool, what: str = "工作簿") -> None:  # type: ignore[no-untyped-def]
    """No file to read among the paths: list what was skipped and stop with 2."""
    from .render import show_nothing

    if not found.files:
        show_nothing(found.skipped, fmt, verbose, what)
        raise typer.Exit(USAGE)


@app.command("validate")
def validate_cmd(
    paths: PathsArg,
    recursive: RecursiveOpt = False,
    fmt: FormatOpt = "table",
    errors_only: Annotated[bool, typer.Option("--errors-only", help="只显示错误，不显示提醒。")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="逐栏显示读取位置：每个栏目的数从哪个单元格读到、靠哪个栏目找到、怎样找到。")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="把提醒也当作错误（影响退出码）。")] = False,
    level: LevelOpt = None,
    annotate: Annotated[Optional[Path], typer.Option("--annotate", metavar="<文件夹>", help="为有问题的报表各生成一份标注件（问题单元格标红并加批注），存入此文件夹。", show_default=False)] = None,
    no_cache: NoCacheOpt = False,
    jobs: JobsOpt = None,
    config: ConfigOpt = None,
    edition: EditionOpt = None,
    previous: PreviousOpt = None,
    force: ForceOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """检查统计表（附件1）：逐项读出数值，指出哪里有错、怎么改。

    能读 cbc 生成的表、按通知样式手工制作的表、两列清单、WPS 保存的文件和旧版 .xls；
    数字可以是文字（如“１２３”“1,200人”）。文件夹中不是 Excel 报表的文件（PDF、Word、图片等）列为“未读取”。

    退出码：0 没有错误；1 有错误，或有文件无法读取或未读取；2 无法检查（没有可检查的文件、用法错误）；130 已中止。

    示例：cbc validate 报送/ --annotate 退回/
    """
    from .batch.find import scan
    from .render import show_validation

    _inputs(paths)
    _inputs(previous or [])
    _format(fmt)
    _jobs(jobs)
    _outside_inputs([(annotate, "--annotate")], paths, recursive)
    roster = _roster(config)
    lv = _level(level)
    found = scan(paths, recursive)
    _nothing(found, fmt, verbose)
    results, written = _guarded(debug, lambda: _validate_all(paths, recursive, roster, lv, edition, annotate, jobs=jobs,
                                                             cache=not no_cache, previous=previous, fmt=fmt,
                                                             force=force))
    if explain:
        from .model.edition import get_edition

        show_validation(results, fmt, errors_only=errors_only, explain=get_edition(edition),
                        skipped=found.skipped, verbose=verbose, written=written)
    else:
        show_validation(results, fmt, errors_only=errors_only, skipped=found.skipped, verbose=verbose,
                        written=written)
    failed = any(not r.valid or (strict and r.warnings) for r in results) or any(not s.quiet for s in found.skipped)
    raise typer.Exit(FINDINGS if failed else OK)


def _validate_all(paths, recursive, roster, level, edition, annotate_dir, jobs=None, cache=True, previous=None,  # type: ignore[no-untyped-def]
                  fmt="table", force=False):
    from .write.annotate import annotate
    from .write.files import all_or_none, check_folder
    from .model.edition import get_edition
    from .render import progress_bar
    from .validate import validate_paths

    check_folder(annotate_dir)
    ed = get_edition(edition)
    with progress_bar(enabled=fmt != "json") as progress:
        results = validate_paths(paths, recursive=recursive, roster=roster, level=level, edition=ed, jobs=jobs,
                                 progress=progress, cache=cache, previous=previous)
    written = []
    if annotate_dir is not None:
        with all_or_none():  # a copy already there without --force: nothing is written (exit 2)
            for result in results:
                made = annotate(result, annotate_dir, edition=ed, force=force)
                if made is not None:
                    written.append(made)
    return results, written


@app.command("score")
def score_cmd(
    paths: PathsArg,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", metavar="<文件.xlsx>", help="把排名写成工作簿（如 排名.xlsx）。", show_default=False)] = None,
    recursive: RecursiveOpt = False,
    fmt: FormatOpt = "table",
    strict: Annotated[bool, typer.Option("--strict", help="把提醒也当作错误（影响退出码）。")] = False,
    annotate: Annotated[Optional[Path], typer.Option("--annotate", metavar="<文件夹>", help="为有问题的自查表各生成一份标注件，存入此文件夹。", show_default=False)] = None,
    force: ForceOpt = False,
    no_cache: NoCacheOpt = False,
    jobs: JobsOpt = None,
    config: ConfigOpt = None,
    edition: EditionOpt = None,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """给自查表（附件2）打分：逐项核对得分（0 至该项满分的整数），计算各项目小计和总得分，多份时排名。

    总得分由 cbc 计算，不读表上写的合计；表上合计不符时给出提醒。
    同时给出同一单位的统计表时，会交叉核对（如第3项培训得分而统计表培训次数为0）。

    退出码：0 没有错误；1 有错误，或有文件无法读取或未读取；2 无法打分（没有可读的文件、输出无法写入、用法错误）；130 已中止。

    示例：cbc score 自查表/ -o 排名.xlsx
    """
    from .batch.find import scan
    from .render import show_scores

    _inputs(paths)
    _format(fmt)
    _jobs(jobs)
    _outside_inputs([(annotate, "--annotate"), (out, "-o")], paths, recursive)
    roster = _roster(config)

    def check():  # type: ignore[no-untyped-def]
        from .write.files import check_folder, check_outputs

        check_outputs([(out, (".xlsx",))], force)
        check_folder(annotate)

    _guarded(debug, check)
    found = scan(paths, recursive)
    _nothing(found, fmt, verbose, "自查表")

    def work():  # type: ignore[no-untyped-def]
        from .write.annotate import annotate_selfcheck
        from .model.edition import get_edition
        from .render import progress_bar
        from .scoring import score_paths
        from .write.files import all_or_none
        from .write.summary import write_ranking

        ed = get_edition(edition)
        with progress_bar(enabled=fmt != "json") as progress:
            ranking = score_paths(paths, recursive=recursive, roster=roster, edition=ed, jobs=jobs,
                                  progress=progress, cache=not no_cache)
        written = []
        with all_or_none():
            if annotate is not None:
                for r in ranking.results:
                    made = annotate_selfcheck(r, annotate, edition=ed, force=force)
                    if made is not None:
                        written.append(made)
            if out is not None:
                written.append(write_ranking(ranking, ed, out, force=force, unit=roster.city.name))
        return ranking, written

    ranking, written = _guarded(debug, work)
    show_scores(ranking, written, fmt, skipped=found.skipped, verbose=verbose)
    if not ranking.results:  # nothing to score: the job could not be done
        raise typer.Exit(USAGE)
    failed = any(not r.valid or (strict and r.warnings) for r in ranking.results) or any(not s.quiet for s in found.skipped)
    raise typer.Exit(FINDINGS if failed else OK)


@app.command("aggregate")
def aggregate_cmd(
    paths: PathsArg,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", metavar="<文件.xlsx>", help="汇总工作簿（默认：查保促汇总_报送期.xlsx）。", show_default=False)] = None,
    html: Annotated[Optional[Path], typer.Option("--html", metavar="<文件.html>", help="另生成一份网页报告（可直接发给领导，浏览器打开、可打印）。", show_default=False)] = None,
    period: PeriodOpt = None,
    own: Annotated[Optional[Path], typer.Option("--own", metavar="<文件>", help="本级（市总工会）自己填好的统计表：市本级栏目取自此表。", show_default=False)] = None,
    strict_roster: Annotated[bool, typer.Option("--strict-roster", help="名册外单位的报表不计入（退回）。")] = False,
    recursive: RecursiveOpt = False,
    fmt: FormatOpt = "table",
    jobs: JobsOpt = None,
    force: ForceOpt = False,
    no_cache: NoCacheOpt = False,
    level: LevelOpt = None,
    config: ConfigOpt = None,
    edition: EditionOpt = None,
    previous: PreviousOpt = None,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """汇总一个文件夹的统计表，生成上一级的统计表和报送情况。

    谁计入：有错误或无法读取的退回；同一单位多份只计最新一份（按填报日期、再按文件时间）；
    超过截止日期的计入并标为迟报；名册中没有计入报表的单位列为未报。
    汇总工作簿和网页报告要么都生成，要么都不生成。

    退出码：0 全部计入且无人未报；1 有退回、未报或未读取的文件（汇总照样生成）；2 无法汇总（没有可读的报表、输出已存在或无法写入、用法错误）；130 已中止。

    示例：cbc aggregate 报送/ --period 2020H1 -o 汇总.xlsx --html 汇总.html
          cbc aggregate 报送-下半年/ --previous 报送-上半年/
    """
    from .aggregate import AggregateError, aggregate
    from .batch.find import scan
    from .render import progress_bar, show_summary

    _inputs(paths)
    _inputs(previous or [])
    _format(fmt)
    _jobs(jobs)
    if own is not None and not own.is_file():
        raise _fail(f"找不到 --own 文件：{own}")
    roster = _roster(config)
    lv = _level(level)
    p = _period(period)
    _outside_inputs([(out or Path("查保促汇总.xlsx"), "汇总工作簿" if out is None else "-o"), (html, "--html")],
                    [*paths, *(previous or [])], recursive)

    def default_target(per) -> Path:  # type: ignore[no-untyped-def]
        return out or Path(f"查保促汇总_{per}.xlsx")

    def check():  # type: ignore[no-untyped-def]
        from .write.files import check_folder, check_outputs

        first = out if out is not None else (default_target(p) if p is not None else None)
        check_outputs([(first, (".xlsx",)), (html, (".html", ".htm"))], force)
        if first is None:  # the name waits for the period; the folder it goes in can be checked now
            check_folder(Path("."))

    _guarded(debug, check)
    found = scan(paths, recursive)
    _nothing(found, fmt, verbose, "统计表")

    def ready() -> None:  # while the workers read: the imports that writing the outputs needs
        from .write.canvas import ready_xlsx
        from .write.summary import write_summary  # noqa: F401

        ready_xlsx()
        if html is not None:
            from .report import write_html  # noqa: F401

    def work():  # type: ignore[no-untyped-def]
        from .write.files import all_or_none, check_outputs

        with progress_bar(enabled=fmt != "json") as progress:
            summary = aggregate(paths, recursive=recursive, roster=roster, period=p, own_file=own,
                                strict_roster=strict_roster, edition=edition, level=lv, jobs=jobs,
                                progress=progress, cache=not no_cache, previous=previous, found=found,
                                while_reading=ready)
        from .report import write_html
        from .write.summary import write_summary

        target = default_target(summary.period)
        check_outputs([(target, (".xlsx",))], force)
        with all_or_none():
            written = [write_summary(summary, target, force=force)]
            if html is not None:
                written.append(write_html(summary, html, force=force))
        return summary, written

    try:
        summary, written = _guarded(debug, work)
    except AggregateError as exc:
        raise _fail(str(exc)) from None
    show_summary(summary, written, fmt, verbose=verbose)
    raise typer.Exit(OK if summary.complete else FINDINGS)


# --- cbc status (issue 15) -------------------------------------------------------------------

@app.command("status")
def status_cmd(
    paths: PathsArg,
    today: Annotated[Optional[str], typer.Option("--today", metavar="<日期>", help="按哪一天查看（YYYY-MM-DD，默认今天）；填报日期晚于这一天的报表视为尚未收到。", show_default=False)] = None,
    period: PeriodOpt = None,
    messages: Annotated[Optional[Path], typer.Option("--messages", metavar="<文件夹>", help="为需要跟进的单位生成通知（催报、退回并附标注件、提醒，以及一份汇总的催报通知），存入此文件夹。", show_default=False)] = None,
    html: Annotated[Optional[Path], typer.Option("--html", metavar="<文件.html>", help="另生成一页报送情况看板（网页，可打印在一张 A4 纸上）。", show_default=False)] = None,
    no_history: Annotated[bool, typer.Option("--no-history", help="不记录本次查看，也不与上次对比。")] = False,
    recursive: RecursiveOpt = False,
    fmt: FormatOpt = "table",
    jobs: JobsOpt = None,
    force: ForceOpt = False,
    no_cache: NoCacheOpt = False,
    level: LevelOpt = None,
    config: ConfigOpt = None,
    edition: EditionOpt = None,
    debug: DebugOpt = False,
) -> None:
    """截止前每天查看：谁已报、谁要重报、谁未报，离截止还有几天；可生成催报、退回通知。

    每个名册单位一种情况：已报（报表有效）、需重报（有错误）、无法读取（报来的不是能读的统计表，如 PDF）、未报（还有几天或已逾期几天）；迟报的另有标记。读取和判定与 cbc aggregate 相同，共用缓存。

    每次查看都记在缓存文件夹里，下次会说明自上次以来新收到了哪些报表（--no-history 不记录）。

    退出码：0 名册单位全部已报；1 有单位需重报、无法读取或未报；2 无法完成（用法错误等）。

    示例：cbc status 报送/ --today 2020-05-29 --messages 通知/0529 --html 看板.html
    """
    from datetime import date as _date

    from .render import progress_bar, show_status
    from .status import status
    from .write.messages import MessageError

    _inputs(paths)
    _format(fmt)
    _jobs(jobs)
    _outside_inputs([(messages, "--messages"), (html, "--html")], paths, recursive)
    try:
        day = _date.fromisoformat(today) if today else None
    except ValueError:
        raise _fail(f"无法识别日期“{today}”，请写成 YYYY-MM-DD，如 2020-05-29。") from None
    roster = _roster(config)
    if messages is not None and not roster.contact.complete:  # before anything is read or recorded
        raise _fail("要生成通知，请在 cbc.toml 中填写联系人：[contact] person（联系人）、phone（电话）、"
                    "email（邮箱），可选 office（收表部门）。")
    lv = _level(level)
    p = _period(period)

    def work():  # type: ignore[no-untyped-def]
        from .write.board import write_board
        from .write.files import all_or_none, check_folder, check_outputs
        from .write.messages import write_messages

        check_outputs([(html, (".html", ".htm"))], force)  # before anything is read
        if messages is not None:
            check_folder(messages)
        with progress_bar(enabled=fmt != "json") as progress:
            report = status(paths, today=day, recursive=recursive, roster=roster, period=p, edition=edition,
                            level=lv, jobs=jobs, progress=progress, cache=not no_cache, history=not no_history)
        try:
            with all_or_none():
                written = write_messages(report, messages, force=force) if messages is not None else []
                if html is not None:
                    written.append(write_board(report, html, force=force))
        except MessageError as exc:
            raise _fail(str(exc)) from None
        return report, written

    report, written = _guarded(debug, work)
    show_status(report, written, fmt)
    raise typer.Exit(OK if report.complete else FINDINGS)


@app.command("assess")
def assess_cmd(
    h1: Annotated[list[Path], typer.Option("--h1", metavar="<文件夹>", help="上半年（6月）各单位报送的统计表所在文件夹（或文件，可写多次）。", show_default=False)],
    h2: Annotated[list[Path], typer.Option("--h2", metavar="<文件夹>", help="下半年（11月）各单位报送的统计表所在文件夹（或文件，可写多次）。", show_default=False)],
    selfchecks: Annotated[Optional[list[Path]], typer.Option("--selfchecks", metavar="<文件夹>", help="企业工会的自查表（附件2）所在文件夹：列出各企业工会的自查得分。", show_default=False)] = None,
    ledgers: Annotated[Optional[list[Path]], typer.Option("--ledgers", metavar="<文件夹>", help="隐患台账所在文件夹：列出查出和整改的隐患数、奖励候选。", show_default=False)] = None,
    year: Annotated[Optional[int], typer.Option("--year", metavar="<年度>", help="考核年度，如 2020；默认从上半年的报表推断。", show_default=False)] = None,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", metavar="<文件.xlsx>", help="年度考核工作簿（默认：查保促年度考核_年度.xlsx）。", show_default=False)] = None,
    html: Annotated[Optional[Path], typer.Option("--html", metavar="<文件.html>", help="另生成一份给领导看的网页。", show_default=False)] = None,
    recursive: RecursiveOpt = False,
    fmt: FormatOpt = "table",
    jobs: JobsOpt = None,
    force: ForceOpt = False,
    no_cache: NoCacheOpt = False,
    config: ConfigOpt = None,
    edition: EditionOpt = None,
    debug: DebugOpt = False,
) -> None:
    """年度考核：每个单位一行，列出全年两次报送情况、整改率、覆盖率和自查得分。

    每个半年：按时、迟报、退回或未报，填报日期和截止日期，迟报天数，报送份数（更正件也算），
    第一份是否合格；下半年（11月）报表的隐患整改率和安全培训覆盖率；企业工会的自查得分。

    默认只列事实，按“两次都按时且首次合格”在前、迟报天数少的在前排序；
    cbc.toml 的 \\[assess.weights] 设定权重时，另算考核得分（每项得分和权重列在同一行）并排名，同分同名次。

    退出码：0 所有单位两次都已计入；1 有单位某半年退回或未报（考核表照样生成）；2 无法完成。

    示例：cbc assess --h1 报送-2020H1/ --h2 报送-2020H2/ --selfchecks 自查表/ --html 年度考核.html
    """
    from .assess import AssessError, assess
    from .model.assess import AssessConfigError, load_assess_config
    from .render import progress_bar, show_assessment

    _inputs([*h1, *h2, *(selfchecks or []), *(ledgers or [])])
    _format(fmt)
    _jobs(jobs)
    if year is not None and not 2000 <= year <= 2099:
        raise _fail(f"--year 应是 2000 到 2099 之间的年度（写的是 {year}）。")
    _outside_inputs([(out, "-o"), (html, "--html")], [*h1, *h2, *(selfchecks or []), *(ledgers or [])], recursive)
    roster = _roster(config)
    try:
        weights = load_assess_config(config)
    except AssessConfigError as exc:
        raise _fail(str(exc)) from None

    def work():  # type: ignore[no-untyped-def]
        from .report import write_assess_html
        from .write.assess import write_assessment
        from .write.files import all_or_none, check_outputs

        check_outputs([(out, (".xlsx",)), (html, (".html", ".htm"))], force)  # before anything is read
        with progress_bar(enabled=fmt != "json") as progress:
            result = assess(h1, h2, year=year, selfchecks=selfchecks, ledgers=ledgers, roster=roster, config=weights,
                            edition=edition, recursive=recursive, jobs=jobs, progress=progress, cache=not no_cache)
        target = out or Path(f"查保促年度考核_{result.year}.xlsx")
        check_outputs([(target, (".xlsx",))], force)
        with all_or_none():
            written = [write_assessment(result, target, force=force)]
            if html is not None:
                written.append(write_assess_html(result, html, force=force))
        return result, written

    try:
        result, written = _guarded(debug, work)
    except AssessError as exc:
        raise _fail(str(exc)) from None
    show_assessment(result, written, fmt)
    raise typer.Exit(FINDINGS if result.outstanding else OK)


@app.command("ledger")
def ledger_cmd(
    paths: Annotated[list[Path], typer.Argument(metavar="路径...", help="台账文件或文件夹（文件夹：其中的每个工作簿）。", show_default=False)],
    period: PeriodOpt = None,
    today: Annotated[Optional[str], typer.Option("--today", metavar="<日期>", help="按这一天判断逾期（如 2020-06-15）；默认按统计期末。", show_default=False)] = None,
    to_form: Annotated[Optional[Path], typer.Option("--to-form", metavar="<文件.xlsx>", help="生成一张统计表，隐患栏目（查出、整改完成及其中化工）按台账预先填好。", show_default=False)] = None,
    against: Annotated[Optional[list[Path]], typer.Option("--against", metavar="<路径>", show_default=False,
                                                          help="已报送的统计表（文件或文件夹，可写多次）：与台账统计数对照，不一致的给出提醒。")] = None,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", metavar="<文件.xlsx>", help="把奖励候选名单（及各台账统计、问题）写成工作簿，如 奖励候选.xlsx。", show_default=False)] = None,
    recursive: RecursiveOpt = False,
    fmt: FormatOpt = "table",
    strict: Annotated[bool, typer.Option("--strict", help="把提醒（逾期、与统计表不符）也当作错误（影响退出码）。")] = False,
    jobs: JobsOpt = None,
    force: ForceOpt = False,
    config: ConfigOpt = None,
    edition: EditionOpt = None,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """检查企业的隐患排查治理登记台账，统计查出和整改完成的隐患数，列出奖励候选。

    栏目按表头文字查找，顺序不限，可有多余的栏目；日期可以是文字（如“2020年5月28日”）。
    逐行检查：必填栏目、整改完成时间不早于发现时间、逾期未整改（提醒）、重大隐患的临时控制措施、
    已整改隐患的整改完成时间和验收人。统计期：上半年 1月1日至6月30日，下半年 1月1日至11月30日（全年累计）。

    退出码：0 没有错误；1 有错误或有文件无法读取（--strict：或有提醒）；2 无法完成（用法错误、无法确定统计期、输出文件已存在等）。

    示例：cbc ledger 台账/ --period 2020H1 -o 奖励候选.xlsx

          cbc ledger 台账/某公司.xlsx --to-form 统计表.xlsx --against 报送/某公司工会.xlsx
    """
    from .render import progress_bar, show_ledgers

    _inputs(paths)
    _inputs(against or [])
    _format(fmt)
    _jobs(jobs)
    _outside_inputs([(out, "-o"), (to_form, "--to-form")], [*paths, *(against or [])], recursive)
    roster = _roster(config)
    p = _period(period)
    day = None
    if today is not None:
        from .judge.values import parse_date

        parsed = parse_date(today)
        if not parsed.ok or parsed.value is None:
            raise _fail(f"无法识别日期“{today}”，请写成 2020-06-15。")
        day = parsed.value

    def check():  # type: ignore[no-untyped-def]
        from .write.files import check_outputs

        check_outputs([(to_form, (".xlsx",)), (out, (".xlsx",))], force)  # before anything is read

    _guarded(debug, check)

    def work():  # type: ignore[no-untyped-def]
        from .ledger import read_ledgers, write_award_list, write_to_form
        from .write.files import all_or_none

        with progress_bar(enabled=fmt != "json") as progress:
            summary = read_ledgers(paths, p, edition, roster, today=day, against=against or (), recursive=recursive,
                                   jobs=jobs, progress=progress)
        written = []
        with all_or_none():
            if to_form is not None:
                written.append(write_to_form(summary, to_form, force=force))
            if out is not None:
                written.append(write_award_list(summary, out, force=force))
        return summary, written

    from .ledger import LedgerError

    try:
        summary, written = _guarded(debug, work)
    except LedgerError as exc:
        raise _fail(str(exc)) from None
    show_ledgers(summary, written, fmt)
    failed = summary.failed or (strict and any(not i.is_error for i in summary.issues))
    raise typer.Exit(FINDINGS if failed else OK)


def _guarded(debug: bool, work):  # type: ignore[no-untyped-def]
    """Run the library call; anything unexpected becomes one Chinese line, not a traceback.
    Ctrl-C: 已中止, exit 130 (outputs are written all or none, so nothing is left half-done)."""
    from .aggregate import AggregateError
    from .model.edition import DefinitionError
    from .write.files import OutputError, os_message

    if debug:  # also seen by worker processes: a reader's failure then shows its traceback
        os.environ["CBC_DEBUG"] = "1"
    try:
        return work()
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        _aborted()
        raise typer.Exit(ABORTED) from None
    except DefinitionError as exc:
        raise _fail(str(exc)) from None
    except AggregateError:
        raise
    except _library_errors():
        raise
    except OutputError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        if debug:
            raise
        raise _fail(os_message(exc, exc.filename or "", "读写")) from None
    except Exception as exc:  # noqa: BLE001 - the user gets one line; --debug gives the traceback
        if debug:
            raise
        raise _fail(f"程序内部错误：{type(exc).__name__}: {exc}（加 --debug 查看详细信息）") from None


_said: list[bool] = []


def _aborted() -> None:
    """Say 已中止 once (typer turns a Ctrl-C outside the library call into exit 130 silently)."""
    if not _said:
        from .render import error

        error("已中止。")
        _said.append(True)


def _library_errors() -> tuple[type[Exception], ...]:
    """Errors a command maps to its own exit code (raised past _guarded)."""
    from .ledger import LedgerError

    return (LedgerError,)


def main() -> None:  # the console script
    """Run the command, then leave without tearing the interpreter down.

    Freeing every object and module at exit takes ~35 ms after a big aggregate (measured with
    benchmarks/run.py) and serves no purpose: by then every output has been written atomically
    and closed, the workers have been stopped and the cache closed. So flush the terminal and go.
    Under a tracer or coverage, exit normally so they can write their data.

    The cyclic garbage collector is off in this process: a run is short, its data (results,
    sums, one workbook) hold no reference cycles worth collecting, and the collector would
    otherwise walk every object that importing pydantic and the edition made, again and again
    (~0.07 s CPU of a 1,000-return aggregate, measured with benchmarks/run.py). Reference
    counting still frees everything as usual. Reader workers turn it back on (batch/pool.py)."""
    gc.disable()
    try:
        app(prog_name="cbc")
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:  # pragma: no cover - typer normally turns it into exit 130
        code = ABORTED
    if code == ABORTED:
        _aborted()
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

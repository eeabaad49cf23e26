"""Chinese for the words that typer prints itself: usage, panel titles, usage errors.

cbc's users read Chinese only. typer (with its vendored click) has no message catalogue, so
the few strings a user meets are translated here, once, when the CLI module loads. Every patch
is guarded: on a typer that no longer has the hook the English text simply stays.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import re
import sys

_TITLES = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}

# English usage-error messages -> Chinese, applied to the formatted message.
_ERRORS = [
    (r"^Missing argument '([^']*)'\.?", r"缺少参数：\1。"),
    (r"^Missing option '([^']*)'\.?", r"缺少选项 \1。"),
    (r"^Missing parameter '?([^'.]*)'?\.?", r"缺少参数 \1。"),
    (r"^No such option: (\S+)", r"没有选项 \1"),
    (r"\(Possible options: ([^)]*)\)", r"（您是否想输入：\1）"),
    (r"\s*Did you mean (.*)\?", r"您是否想输入：\1？"),
    (r"^No such command '([^']*)'\.", r"没有命令“\1”。"),
    (r"^Missing command\.", "缺少命令。"),
    (r"^Got unexpected extra arguments?(?:\(s\))? \(([^)]*)\)", r"多余的参数：\1"),
    (r"^Option '([^']*)' requires an argument\.", r"选项 \1 需要一个值。"),
    (r"^Invalid value for ([^:]*): ", r"\1 的取值无效："),
    (r"^Invalid value: ", "取值无效："),
    (r"'([^']*)' is not a valid integer(?: range)?\.", r"“\1”不是有效的整数。"),
    (r"'([^']*)' is not one of (.*)\.", r"“\1”不是可选值（\2）之一。"),
    (r"Path '([^']*)' does not exist\.", r"路径“\1”不存在。"),
    (r"File '([^']*)' does not exist\.", r"文件“\1”不存在。"),
    (r"Directory '([^']*)' does not exist\.", r"文件夹“\1”不存在。"),
    (r"'([^']*)' is not a valid boolean\.?", r"“\1”不是有效的是/否值。"),
    (r"'([^']*)' is not a valid float\.?", r"“\1”不是有效的数。"),
    # pydantic's messages, which typer 0.29 passes on for typed options
    (r"Input should be a valid integer, unable to parse string as an integer", "应是整数"),
    (r"Input should be a valid integer(?:, got a number with a fractional part)?", "应是整数"),
    (r"Input should be a valid number, unable to parse string as a number", "应是数"),
    (r"Input should be a valid boolean, unable to interpret input", "应是是/否值"),
    (r"Input should be a valid boolean", "应是是/否值"),
    (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
    (r"Input should be greater than (\S+)", r"应大于 \1"),
    (r"Input should be less than or equal to (\S+)", r"应不大于 \1"),
    (r"Input should be less than (\S+)", r"应小于 \1"),
    (r"Input should be a valid path", "应是路径"),
    (r"Input should be a valid string", "应是文字"),
]

# typer's type placeholders in the help (<str>, <path>, <int range> ...) -> Chinese; None: not shown
_TYPES: dict[str, str | None] = {
    "bool": None, "str": "文字", "path": "路径", "Path": "路径", "int": "整数", "float": "数",
    "int range": "整数", "float range": "数", "list[Path]": "路径", "list[path]": "路径", "list[str]": "文字",
    "file": "文件", "directory": "文件夹", "datetime": "日期",
}

# the usage line's placeholders
_USAGE = [("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."), ("[ARGS]...", "[参数]...")]

# what typer's help and errors print in English on the paths cbc uses, each a sample of what
# the user sees: missing() lists those still English after translation (a test keeps it empty)
SAMPLES = [
    "Missing argument '路径'.", "Missing option '--out'.", "No such option: --fromat",
    "No such option: --fromat (Possible options: --format, --force)", "No such command 'valdate'.",
    "Missing command.", "No such command 'valdate'. Did you mean 'validate'?", "Got unexpected extra argument (x)", "Got unexpected extra arguments (x y)", "Got unexpected extra argument(s) (x)",
    "Option '--out' requires an argument.", "Invalid value for '--jobs' / '-j': 'x' is not a valid integer.",
    "Invalid value for '--jobs' / '-j': Input should be a valid integer, unable to parse string as an integer",
    "Invalid value for '--jobs' / '-j': Input should be greater than or equal to 1",
    "Invalid value: 'x' is not one of 'a', 'b'.", "Path 'x' does not exist.",
    "Invalid value for '--force': 'x' is not a valid boolean.",
]


def translate_type(label: str | None) -> str | None:
    """A type placeholder like <int range> in Chinese (None: not worth showing)."""
    if label is None:
        return None
    dots = label.endswith("...")
    core = label[:-3] if dots else label
    inner = core[1:-1] if core.startswith("<") and core.endswith(">") else None
    if inner is None:
        return label  # a metavar cbc set itself
    if inner not in _TYPES:
        return label
    word = _TYPES[inner]
    return None if word is None else f"<{word}>" + ("..." if dots else "")


def translate_usage(args: str) -> str:
    for en, zh in _USAGE:
        args = args.replace(en, zh)
    return re.sub(r"\{([^}]*)\}", r"\1", args)  # typer's {required} argument: the name alone


def missing(samples: list[str] | None = None) -> list[str]:
    """The samples (default SAMPLES) that still read as English after translation."""
    english = re.compile(r"\b(?!cbc\b|table\b|json\b)[A-Za-z]{3,}\b")
    out = []
    for text in SAMPLES if samples is None else samples:
        shown = re.sub(r"(--?[\w-]+|'[^']*'|“[^”]*”|\([^)]*\)|（[^）]*）)", "", translate_error(text))
        if english.search(shown):
            out.append(text)
    return out


def translate_error(message: str) -> str:
    for pattern, repl in _ERRORS:
        message = re.sub(pattern, repl, message)
    return message


def _titles(ru: object) -> None:
    for name, text in _TITLES.items():
        if hasattr(ru, name):
            setattr(ru, name, text)
    helper = getattr(ru, "_get_parameter_help", None)
    if helper is not None:  # help text folds at the edge instead of being cut with "…"
        def folded(*args, _helper=helper, **kwargs):  # type: ignore[no-untyped-def]
            from rich.text import Text

            cols = _helper(*args, **kwargs)
            items = list(getattr(cols, "renderables", []))
            if items and all(isinstance(i, Text) for i in items):
                text = Text(" ").join(items)
                text.overflow = "fold"
                return text
            return cols

        setattr(ru, "_get_parameter_help", folded)


class _AfterImport(importlib.abc.MetaPathFinder):
    """typer imports its rich help module (slow: it pulls in markdown) only to print help or an
    error; translate its titles when that happens, not on every start."""

    def find_spec(self, name, path=None, target=None):  # type: ignore[no-untyped-def]
        if name != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_translate(module):  # type: ignore[no-untyped-def]
            exec_module(module)
            _titles(module)

        spec.loader.exec_module = exec_and_translate  # type: ignore[method-assign]
        return spec


def install() -> None:
    try:
        from typer._click import core, exceptions, formatting
    except ImportError:  # pragma: no cover - another typer layout
        return
    if "typer.rich_utils" in sys.modules:
        _titles(sys.modules["typer.rich_utils"])
    else:
        sys.meta_path.insert(0, _AfterImport())

    get_help_option = core.Command.get_help_option

    def chinese_help_option(self, ctx):  # type: ignore[no-untyped-def]
        opt = get_help_option(self, ctx)
        if opt is not None:
            opt.help = "显示本帮助并退出。"
        return opt

    core.Command.get_help_option = chinese_help_option  # type: ignore[method-assign]

    write_usage = formatting.HelpFormatter.write_usage

    def chinese_usage(self, prog, args="", prefix=None):  # type: ignore[no-untyped-def]
        return write_usage(self, prog, translate_usage(args), "用法：" if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = chinese_usage  # type: ignore[method-assign]

    try:
        from typer import core as typer_core

        for cls in (typer_core._TyperParameter, typer_core.TyperOption):
            shown = cls.__dict__.get("display_type_rich")
            if shown is None:
                continue

            def chinese_type(self, ctx, _shown=shown):  # type: ignore[no-untyped-def]
                return translate_type(_shown(self, ctx))

            cls.display_type_rich = chinese_type  # type: ignore[method-assign]
    except (ImportError, AttributeError):  # pragma: no cover - another typer layout
        pass

    classes = [c for c in vars(exceptions).values()
               if isinstance(c, type) and issubclass(c, exceptions.ClickException) and "format_message" in vars(c)]
    for cls in (exceptions.ClickException, exceptions.UsageError, *classes):
        original = cls.format_message

        def translated(self, _original=original):  # type: ignore[no-untyped-def]
            return translate_error(_original(self))

        cls.format_message = translated  # type: ignore[method-assign]

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
    (r"^Missing argument '([^']*)'\.?", r"缺少参数 \1。"),
    (r"^Missing option '([^']*)'\.?", r"缺少选项 \1。"),
    (r"^Missing parameter '?([^'.]*)'?\.?", r"缺少参数 \1。"),
    (r"^No such option: (\S+)", r"没有选项 \1"),
    (r"\(Possible options: ([^)]*)\)", r"（您是否想输入：\1）"),
    (r"^No such command '([^']*)'\.", r"没有命令 \1。"),
    (r"^Missing command\.", "缺少命令。"),
    (r"^Got unexpected extra arguments? \(([^)]*)\)", r"多余的参数：\1"),
    (r"^Option '([^']*)' requires an argument\.", r"选项 \1 需要一个值。"),
    (r"^Invalid value for ([^:]*): ", r"\1 的取值无效："),
    (r"^Invalid value: ", "取值无效："),
    (r"'([^']*)' is not a valid integer(?: range)?\.", r"“\1”不是有效的整数。"),
    (r"'([^']*)' is not one of (.*)\.", r"“\1”不是可选值（\2）之一。"),
    (r"Path '([^']*)' does not exist\.", r"路径“\1”不存在。"),
    (r"File '([^']*)' does not exist\.", r"文件“\1”不存在。"),
]


def translate_error(message: str) -> str:
    for pattern, repl in _ERRORS:
        message = re.sub(pattern, repl, message)
    return message


def _titles(ru: object) -> None:
    for name, text in _TITLES.items():
        if hasattr(ru, name):
            setattr(ru, name, text)


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
        return write_usage(self, prog, args, "用法：" if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = chinese_usage  # type: ignore[method-assign]

    for cls in (exceptions.UsageError, exceptions.BadParameter, exceptions.NoSuchOption):
        original = cls.format_message

        def translated(self, _original=original):  # type: ignore[no-untyped-def]
            return translate_error(_original(self))

        cls.format_message = translated  # type: ignore[method-assign]

"""The options every command shares, declared once (README: 通用选项).

--format, --force, --debug, --config, --no-cache, --jobs/-j, --verbose/-v mean the same in
every command that takes them. Each has a Chinese metavar so typer never shows its English type
placeholders (<str>, <path>, <int range>).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

FormatOpt = Annotated[str, typer.Option(
    "--format", metavar="table|json", help="输出格式：table（表格，默认）或 json（供程序读取）。", show_default=False)]
ForceOpt = Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件。")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="出错时显示程序的详细信息（供开发人员排查）。")]
ConfigOpt = Annotated[Optional[Path], typer.Option(
    "--config", metavar="<文件>", show_default=False,
    help="配置文件（名册、截止日期、市本级数据）；默认读取当前文件夹的 cbc.toml。")]
NoCacheOpt = Annotated[bool, typer.Option(
    "--no-cache", help="不使用缓存，所有文件重新读取（默认只重读新增或改动的文件）。")]
JobsOpt = Annotated[Optional[int], typer.Option(
    "--jobs", "-j", metavar="<进程数>", show_default=False, help="并行读取的进程数，至少 1（默认：CPU 核数）。")]
VerboseOpt = Annotated[bool, typer.Option(
    "--verbose", "-v", help="显示更多：问题的编码，以及跳过的锁定文件（~$ 开头）和隐藏文件。")]

"""openpyxl only ever runs with defusedxml active: workbooks come from outside.

At start-up (this module is imported by the CLI and by every module that writes with
openpyxl) the switch openpyxl reads is forced on — an environment variable could have turned it
off — and cbc refuses to go on without defusedxml. `openpyxl_module()` imports openpyxl, for
those who need it, and checks that the switch took.
"""

from __future__ import annotations

import importlib.util
import os
import sys

os.environ["OPENPYXL_DEFUSEDXML"] = "True"

if importlib.util.find_spec("defusedxml") is None:  # pragma: no cover - a broken install
    raise RuntimeError("cbc 需要 defusedxml 才能安全地处理工作簿：请运行 pip install defusedxml")


def openpyxl_module():  # type: ignore[no-untyped-def]
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - imported before us with the switch off
        raise RuntimeError("openpyxl 未启用 defusedxml，拒绝继续：请不要设置 OPENPYXL_DEFUSEDXML=False")
    return openpyxl


if "openpyxl" in sys.modules:  # imported before us: check now
    openpyxl_module()

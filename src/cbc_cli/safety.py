"""openpyxl only ever runs with defusedxml active: workbooks come from outside.

Import this module before openpyxl. It forces openpyxl's switch on (an environment variable
could have turned it off) and refuses to go on if defusedxml is missing.
"""

from __future__ import annotations

import os

os.environ["OPENPYXL_DEFUSEDXML"] = "True"

import openpyxl  # noqa: E402

if not openpyxl.DEFUSEDXML:  # pragma: no cover - only when defusedxml is not installed
    raise RuntimeError("cbc 需要 defusedxml 才能安全地处理工作簿：请运行 pip install defusedxml")

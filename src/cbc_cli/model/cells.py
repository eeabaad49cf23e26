"""Cell addresses: 'B4' <-> (row 3, column 1), zero-based, as the grids and the writers use them."""

from __future__ import annotations

import re
from functools import lru_cache


def col_letters(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@lru_cache(maxsize=16_384)  # the same few cells, return after return
def ref(row: int, col: int) -> str:
    return f"{col_letters(col)}{row + 1}"


_REF = re.compile(r"^([A-Z]{1,3})([1-9][0-9]*)$")


@lru_cache(maxsize=4096)
def parse_ref(text: str) -> tuple[int, int]:
    """'B4' -> (3, 1)."""
    m = _REF.match(text)
    if not m:
        raise ValueError(f"not a cell reference: {text!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + (ord(ch) - 64)
    return int(m.group(2)) - 1, col - 1

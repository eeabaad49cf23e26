"""Reporting periods: a year has two halves, H1 (due in June) and H2 (due November 30)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Period(BaseModel):
    model_config = ConfigDict(frozen=True)
    year: int
    half: Literal["H1", "H2"]

    def __str__(self) -> str:
        return f"{self.year}{self.half}"

    @property
    def label(self) -> str:
        return f"{self.year}年{'上' if self.half == 'H1' else '下'}半年"

    @classmethod
    def parse(cls, text: str) -> Period:
        t = unicodedata.normalize("NFKC", text).strip().upper().replace(" ", "")
        m = re.fullmatch(r"(\d{4})(?:[-_]?H([12])|年?([上下])半年)", t)
        if not m:
            raise ValueError(f"无法识别报送期“{text}”，请写成 2020H1、2020H2、2020上半年 或 2020下半年")
        half = m.group(2) or ("1" if m.group(3) == "上" else "2")
        return cls(year=int(m.group(1)), half=f"H{half}")  # type: ignore[arg-type]

    def admits(self, d: date, grace_days: int = 90) -> bool:
        """Whether a return dated d belongs here: within the half-year, or a late one within
        grace_days after it (an H2 return dated in January still belongs to H2)."""
        from datetime import timedelta

        start = date(self.year, 1 if self.half == "H1" else 7, 1)
        end = date(self.year, 6, 30) if self.half == "H1" else date(self.year, 12, 31)
        return start <= d <= end + timedelta(days=grace_days)

    @classmethod
    def of_date(cls, d: date) -> Period:
        """The period a return dated d most likely belongs to: H1 until July, else H2."""
        return cls(year=d.year, half="H1" if d.month <= 7 else "H2")

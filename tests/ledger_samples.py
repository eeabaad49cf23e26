"""Hazard ledgers typed the ways enterprises type them, written by openpyxl, xlsxwriter and xlwt
directly (not by cbc's own template), for tests, examples and the benchmark.

A ledger here is a header (企业名称 / 所属区市 / 行业, each a label cell and a value cell, or
"label：value" in one cell) over a table whose columns are given by their header text, in any
order, with any extra columns; a row is a dict header -> value (dates as date, or as text).
Not part of the package.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

Row = Mapping[str, Any]

# the notice's columns, as the ledger's header labels (the edition's own labels)
STANDARD = ["序号", "发现时间", "发现人", "风险点名称", "存在部位", "隐患内容", "可能导致的事故类型及后果", "隐患等级",
            "责任人", "整改措施", "整改时限", "整改完成时间", "验收人", "状态", "临时控制措施", "备注"]


def _header_cells(unit: str | None, district: str | None, industry: str | None,
                  inline: bool) -> list[list[Any]]:
    if inline:
        text = "　".join(f"{k}：{v}" for k, v in (("企业名称", unit), ("所属区市", district), ("行业", industry))
                        if v is not None)
        return [[text]]
    row: list[Any] = []
    for k, v in (("企业名称", unit), ("所属区市", district), ("行业", industry)):
        if v is not None:
            row += [k, v]
    return [row]


def _grid(columns: Sequence[str], rows: Sequence[Row], *, unit: str | None, district: str | None,
          industry: str | None, title: str | None, inline: bool) -> list[list[Any]]:
    grid: list[list[Any]] = []
    if title:
        grid.append([title])
    grid += _header_cells(unit, district, industry, inline)
    grid.append(list(columns))
    for r in rows:
        grid.append([r.get(c) for c in columns])
    return grid


def write_openpyxl(path: str | Path, columns: Sequence[str], rows: Sequence[Row], *, unit: str | None = None,
                   district: str | None = None, industry: str | None = None, title: str | None = "隐患排查治理台账",
                   inline: bool = False, sheet: str = "Sheet1") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(_grid(columns, rows, unit=unit, district=district, industry=industry, title=title,
                                  inline=inline), 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
                if isinstance(v, date):
                    ws.cell(r, c).number_format = "yyyy-mm-dd"
    wb.save(path)
    return Path(path)


def write_xlsxwriter(path: str | Path, columns: Sequence[str], rows: Sequence[Row], *, unit: str | None = None,
                     district: str | None = None, industry: str | None = None,
                     title: str | None = "隐患排查治理登记台账", inline: bool = False) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("台账")
    fmt = wb.add_format({"num_format": "yyyy/m/d"})
    for r, row in enumerate(_grid(columns, rows, unit=unit, district=district, industry=industry, title=title,
                                  inline=inline)):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, date):
                ws.write_datetime(r, c, v if hasattr(v, "hour") else _dt(v), fmt)
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write(r, c, v)
    wb.close()
    return Path(path)


def write_xlwt(path: str | Path, columns: Sequence[str], rows: Sequence[Row], *, unit: str | None = None,
               district: str | None = None, industry: str | None = None, title: str | None = None,
               inline: bool = False) -> Path:
    """An old-Excel .xls (BIFF8), written with xlwt."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("隐患台账")
    style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(_grid(columns, rows, unit=unit, district=district, industry=industry, title=title,
                                  inline=inline)):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, date):
                ws.write(r, c, _dt(v), style)
            else:
                ws.write(r, c, v)
    book.save(str(path))
    return Path(path)


def _dt(d: date) -> Any:
    from datetime import datetime

    return datetime(d.year, d.month, d.day)


def hazard(n: int, found: date | str | None, *, grade: str = "二级", status: str = "已整改",
           fixed: date | str | None = None, deadline: date | str | None = None, finder: str | None = "张伟",
           acceptor: str | None = "王强", interim: str | None = None, content: str | None = None) -> dict[str, Any]:
    """One complete, valid hazard row in the standard columns (override what the test is about);
    a fixed one is fixed three days after it was found unless told otherwise."""
    if status == "已整改" and fixed is None and isinstance(found, date):
        fixed = found + timedelta(days=3)
    return {"序号": n, "发现时间": found, "发现人": finder, "风险点名称": "生产车间", "存在部位": "2号车间",
            "隐患内容": content or f"隐患{n}：防护罩缺失", "可能导致的事故类型及后果": "机械伤害",
            "隐患等级": grade, "责任人": "李明", "整改措施": "加装防护罩", "整改时限": deadline,
            "整改完成时间": fixed, "验收人": acceptor if status == "已整改" else None, "状态": status,
            "临时控制措施": interim, "备注": None}


FINDERS = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周涛", "吴霞", "徐斌", "孙丽"]
PLACES = ["1号车间", "2号车间", "罐区", "仓库", "配电室", "锅炉房", "装卸区", "办公楼", "食堂", "宿舍"]
PROBLEMS = ["防护罩缺失", "消防通道堵塞", "电线私拉乱接", "安全标识不清", "灭火器过期", "护栏松动", "阀门泄漏",
            "应急照明失效", "气瓶混放", "操作规程未上墙"]


def random_rows(n: int, *, year: int = 2020, seed: int = 1, text_dates: bool = False,
                grades: Sequence[str] = ("一级", "二级", "三级", "四级")) -> list[dict[str, Any]]:
    """n valid hazards found through the year, most fixed within their deadline."""
    rnd = random.Random(seed)
    out = []
    start = date(year, 1, 2)
    for i in range(1, n + 1):
        found = start + timedelta(days=rnd.randrange(0, 330))
        grade = rnd.choices(grades, weights=(50, 30, 15, 5)[: len(grades)])[0]
        deadline = found + timedelta(days=rnd.choice((7, 15, 30, 60)))
        fixed: date | None = found + timedelta(days=rnd.randrange(0, 50))
        status = "已整改"
        if fixed > date(year, 11, 30) or rnd.random() < 0.08:
            fixed, status = None, rnd.choice(("整改中", "未整改"))
        row = hazard(i, found, grade=grade, status=status, fixed=fixed, deadline=deadline,
                     finder=rnd.choice(FINDERS), interim="设置警戒区，专人监护" if grade == grades[-1] else None,
                     content=f"{rnd.choice(PLACES)}{rnd.choice(PROBLEMS)}")
        row["存在部位"] = rnd.choice(PLACES)
        if text_dates:
            for k in ("发现时间", "整改时限", "整改完成时间"):
                if isinstance(row[k], date):
                    d = row[k]
                    row[k] = f"{d.year}年{d.month}月{d.day}日" if i % 2 else f"{d.year}.{d.month}.{d.day}"
        out.append(row)
    return out

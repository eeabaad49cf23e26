"""Regenerate the bundled examples, deterministically (same bytes on every run).

    python examples/make_examples.py   # writes examples/报送-2020H1/, 报送-2020H2/ and 自查表/

The Weihai units' 2020 H1 returns, made the ways returns really arrive:
- 环翠区: the form from `cbc new-form`, filled in;
- 文登区: the notice's layout typed by hand (labels broken over lines, ASCII quotes);
- 荣成市: an .xls saved by an old Excel;
- 乳山市: numbers typed as text ('1,200人', full-width digits, '3万元');
- 高区: late (dated 6月5日, due 6月1日);
- 经区: sends a correction (the later return replaces the first);
- 临港区: a return with an error (其中 above its total);
- 综保区: a two-column list someone made;
- 市交通运输局工会: a union of a city-level body (市直), listed in examples/cbc.toml;
- 南海新区: missing.
Their November (H2) returns, the year's figures so far: all but 南海新区 report, 临港 correctly
this time, and 文登 typed only the second half's trainees (lower than June: a warning when
added up with `--previous 报送-2020H1`).
And a folder of enterprise self-checks (附件2), with one enterprise's 统计表 for the
cross-form check.
And a folder of enterprises' hazard ledgers (台账-2020/, the year to 30 November), typed the
ways ledgers arrive:
- 威海化工机械有限公司: cbc's blank ledger (`cbc new-form 台账`), filled in; 化工;
- 威海华东数控股份有限公司: typed by hand (xlsxwriter): columns in its own order and words, two
  extra columns, dates typed as text, the header in one cell; one hazard overdue, one fixed
  hazard without its 验收人;
- 山东好当家海洋发展股份有限公司: an old-Excel .xls (xlwt);
- 威海广泰空港设备股份有限公司: its ledger disagrees with the 统计表 it filed (in 自查表/), and a
  重大 hazard lacks its 临时控制措施.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))  # tests/samples.py

from tests import samples  # noqa: E402
from cbc_cli.model.edition import get_edition  # noqa: E402

FIXED = (2020, 6, 1, 0, 0, 0)


def _freeze(path: Path) -> None:
    """Rewrite an .xlsx with fixed timestamps, so the bytes do not depend on the clock."""
    if path.suffix != ".xlsx":
        return
    with zipfile.ZipFile(path) as zf:
        parts = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            if name == "docProps/core.xml":
                import re

                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2020-06-01T00:00:00Z", data)
            info = zipfile.ZipInfo(name, FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


def make(root: Path = HERE) -> list[Path]:
    ed = get_edition("2020")
    returns = root / "报送-2020H1"
    november = root / "报送-2020H2"
    selfchecks = root / "自查表"
    ledgers = root / "台账-2020"
    for d in (returns, november, selfchecks, ledgers):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    v = {name: samples.full_values(ed, "county", seed=seed) for seed, name in enumerate(
        ["环翠", "文登", "荣成", "乳山", "高区", "经区", "临港", "综保", "交通"], start=2020)}
    made: list[Path] = []

    made.append(samples.write_generated(returns / "环翠区总工会-统计表.xlsx", ed, unit="环翠区总工会",
                                        report_date=date(2020, 5, 26), values=v["环翠"], period="2020H1"))
    made.append(samples.write_grid(returns / "文登区“查保促”统计表.xlsx", ed, unit="文登区总工会（章）",
                                   date_text="2020年5月28日", values=v["文登"], break_labels=True, ascii_quotes=True,
                                   title_rows=1))
    made.append(samples.write_xls_grid(returns / "荣成市总工会.xls", ed, unit="荣成市总工会",
                                       date_text="2020.5.29", values=v["荣成"]))
    typed = dict(v["乳山"])
    typed["workers_total"] = f"{typed['workers_total']:,}人"
    typed["hazards_found"] = str(typed["hazards_found"]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    typed["county_fund"] = f"{typed['county_fund']}万元"
    typed["units_chem"] = "0"
    made.append(samples.write_grid(returns / "乳山市-上半年报表.xlsx", ed, unit="乳山市", date_text="2020/5/31",
                                   values=typed, half_brackets=True))
    made.append(samples.write_generated(returns / "高区总工会.xlsx", ed, unit="高区总工会",
                                        report_date=date(2020, 6, 5), values=v["高区"], period="2020H1"))
    first = dict(v["经区"], hazards_fixed=v["经区"]["hazards_found"] // 2)
    made.append(samples.write_generated(returns / "经区-统计表.xlsx", ed, unit="威海经济技术开发区总工会",
                                        report_date=date(2020, 5, 20), values=first, period="2020H1"))
    made.append(samples.write_generated(returns / "经区-统计表（更正）.xlsx", ed, unit="威海经济技术开发区总工会",
                                        report_date=date(2020, 5, 30), values=v["经区"], period="2020H1"))
    wrong = dict(v["临港"], workers_chem=v["临港"]["workers_total"] + 120)
    made.append(samples.write_generated(returns / "临港区总工会.xlsx", ed, unit="临港区总工会",
                                        report_date=date(2020, 5, 29), values=wrong, period="2020H1"))
    made.append(samples.write_list(returns / "综保区统计.xlsx", ed, unit="综合保税区总工会", date_text="2020-05-27",
                                   values=v["综保"]))
    made.append(samples.write_generated(returns / "市交通运输局工会.xlsx", ed, unit="威海市交通运输局工会",
                                        report_date=date(2020, 5, 25),
                                        values=dict(v["交通"], county_unions_with_fund=0, county_fund=0,
                                                    county_awarded=0, county_awarded_chem=0, county_paid=0),
                                        period="2020H1"))

    # November (H2): the whole year's figures, so mostly a little higher than June's. 临港 now
    # sends a correct return; 南海新区 is missing again; 文登 typed only the second half's trainees.
    def grown(values: dict) -> dict:
        return {k: x + max(1, x // 5) if isinstance(x, int) and x and k != "county_unions_with_fund" else x
                for k, x in values.items()}

    h2 = {name: grown(vals) for name, vals in v.items()}
    h2["文登"].update(trained_total=v["文登"]["trained_total"] - 1500, trained_chem=v["文登"]["trained_chem"])
    assert h2["文登"]["trained_chem"] <= h2["文登"]["trained_total"]
    for name, unit, day in (("环翠", "环翠区总工会", 20), ("荣成", "荣成市总工会", 25), ("乳山", "乳山市总工会", 26),
                            ("高区", "威海火炬高技术产业开发区总工会", 24), ("经区", "威海经济技术开发区总工会", 28),
                            ("临港", "威海临港经济技术开发区总工会", 23), ("交通", "威海市交通运输局工会", 21)):
        values = h2[name]
        if name == "交通":
            values = dict(values, county_unions_with_fund=0, county_fund=0, county_awarded=0, county_awarded_chem=0,
                          county_paid=0)
        made.append(samples.write_generated(november / f"{name}-下半年统计表.xlsx", ed, unit=unit,
                                            report_date=date(2020, 11, day), values=values, period="2020H2"))
    made.append(samples.write_grid(november / "文登区下半年“查保促”统计表.xlsx", ed, unit="文登区总工会（章）",
                                   date_text="2020年11月27日", values=h2["文登"], break_labels=True))
    made.append(samples.write_list(november / "综保区统计（11月）.xlsx", ed, unit="综合保税区总工会",
                                   date_text="2020-11-22", values=h2["综保"]))

    companies = ["威海华东数控股份有限公司工会", "威海市海王旋流器有限公司工会", "山东好当家海洋发展股份有限公司工会",
                 "威海化工机械有限公司工会", "威海广泰空港设备股份有限公司工会"]
    made.append(samples.write_selfcheck_generated(selfchecks / f"{companies[0]}-自查表.xlsx", ed, unit=companies[0],
                                                  scores=samples.full_scores(ed, seed=1, drop=3), period="2020H1"))
    made.append(samples.write_selfcheck_grid(selfchecks / f"{companies[1]}.xlsx", ed, unit=companies[1],
                                             scores=samples.full_scores(ed, seed=2, drop=6), total=52))
    made.append(samples.write_selfcheck_xls(selfchecks / f"{companies[2]}.xls", ed, unit=companies[2],
                                            scores=samples.full_scores(ed, seed=3, drop=3)))
    over = dict(samples.full_scores(ed, seed=4, drop=2))
    over[6] = 15
    made.append(samples.write_selfcheck_grid(selfchecks / f"{companies[3]}.xlsx", ed, unit=companies[3], scores=over))
    made.append(samples.write_selfcheck_generated(selfchecks / f"{companies[4]}-自查表.xlsx", ed, unit=companies[4],
                                                  scores=samples.full_scores(ed, seed=5, drop=1), period="2020H1"))
    stats = samples.full_values(ed, "enterprise", seed=5)
    stats.update(trainings_total=0, trainings_chem=0)
    made.append(samples.write_generated(selfchecks / f"{companies[4]}-统计表.xlsx", ed, unit=companies[4],
                                        report_date=date(2020, 6, 20), values=stats, period="2020H1"))
    made += make_ledgers(ledgers, ed)
    for p in made:
        _freeze(p)
    return made


def make_ledgers(folder: Path, ed) -> list[Path]:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from tests import ledger_samples as ls
    from cbc_cli.write.ledger import new_ledger_workbook

    made: list[Path] = []
    spec = ed.ledger

    # 化工机械: cbc's own blank ledger, filled in row by row
    wb = new_ledger_workbook(ed, spec, unit="威海化工机械有限公司", district="环翠区", industry="化工")
    ws = wb[spec.sheet]
    rows = ls.random_rows(60, seed=11)
    for r in rows:  # an enterprise that keeps its ledger well: every hazard fixed in time
        if r["状态"] != "已整改" and r["整改时限"] < date(2020, 11, 30):
            r.update(状态="已整改", 整改完成时间=r["整改时限"], 验收人="王强")
    for i, r in enumerate(rows, spec.header_row + 1):
        for j, c in enumerate(spec.columns, 1):
            ws.cell(i, j, r[c.label])
    path = folder / "威海化工机械有限公司-隐患台账.xlsx"
    wb.save(path)
    made.append(path)

    # 华东数控: typed by hand, its own column order and words, extra columns, dates as text
    words = {"序号": "编号", "发现时间": "排查日期", "发现人": "排查人", "隐患内容": "隐患描述", "存在部位": "隐患部位",
             "整改时限": "整改期限", "整改完成时间": "完成时间", "状态": "整改状态"}
    rows = ls.random_rows(45, seed=12, text_dates=True)
    rows[7].update(状态="整改中", 整改完成时间=None, 验收人=None, 整改时限="2020年9月30日")  # overdue on 11-30
    rows[20]["验收人"] = None
    typed = []
    for r in rows:
        t = {words.get(k, k): v for k, v in r.items()}
        t.update(检查类型="日常检查", 联系电话="0631-5000000")
        typed.append(t)
    cols = ["编号", "排查日期", "隐患部位", "隐患描述", "隐患等级", "排查人", "检查类型", "责任人", "整改措施", "整改期限",
            "完成时间", "验收人", "整改状态", "临时控制措施", "联系电话", "风险点名称", "可能导致的事故类型及后果"]
    made.append(ls.write_xlsxwriter(folder / "华东数控 隐患排查治理台账.xlsx", cols, typed, unit="威海华东数控股份有限公司",
                                    district="火炬高技术产业开发区", industry="非化工", inline=True))

    # 好当家: an .xls from an old Excel
    made.append(ls.write_xlwt(folder / "好当家-台账.xls", ls.STANDARD, ls.random_rows(30, seed=13),
                              unit="山东好当家海洋发展股份有限公司", district="荣成市", industry="非化工"))

    # 广泰: its counts disagree with the 统计表 it filed; a 重大 hazard lacks its interim measures
    rows = [r for r in ls.random_rows(120, seed=14) if r["发现时间"] <= date(2020, 11, 30)]
    big = next(r for r in rows if r["隐患等级"] == "四级")
    big["临时控制措施"] = None
    for r in rows:
        if r["状态"] != "已整改" and r["整改时限"] < date(2020, 11, 30):
            r["整改时限"] = date(2020, 12, 31)
    made.append(ls.write_openpyxl(folder / "威海广泰空港设备股份有限公司-台账.xlsx", ls.STANDARD, rows,
                                  unit="威海广泰空港设备股份有限公司", district="环翠区", industry="非化工"))
    del timedelta
    return made


if __name__ == "__main__":
    for p in make():
        print(p.relative_to(HERE))

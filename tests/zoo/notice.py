"""The two forms as the 2020 notice prints them, typed out here for the zoo: the labels, their
units and which levels fill them, the note under the 统计表, the self-check's items. The zoo lays
out its files from this, never from cbc's edition, so that a mistake in the edition shows up as a
failure instead of being copied into the tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ATTACHMENT = "附件1"
TITLE = "“查保促”工作情况统计表"
UNIT_LABEL = "填报单位（章）："
DATE_LABEL = "填报日期："
NOTE = "注：各区市总工会、市直各单位工会请分别于6月1日、11月30日前，将此表上报市总工会生产部；"

ALL = ("enterprise", "county", "city")
UP = ("county", "city")
CITY = ("city",)


@dataclass(frozen=True)
class Field:
    code: str
    label: str
    unit: str
    levels: tuple[str, ...]
    money: bool = False


# in the notice's order: the grid reads them left to right, top to bottom (pairs per row)
FIELDS = (
    Field("units_total", "组织开展“查保促”工作企事业单位数", "个", ALL),
    Field("units_chem", "其中化工行业开展“查保促”工作企业数", "个", ALL),
    Field("workers_total", "参与职工人数", "人", ALL),
    Field("workers_chem", "其中化工行业参与职工人数", "人", ALL),
    Field("trainings_total", "企业组织开展安全生产培训次数", "次", ALL),
    Field("trainings_chem", "其中化工行业的企业组织开展安全生产培训次数", "次", ALL),
    Field("trained_total", "接受安全培训职工人数", "人", ALL),
    Field("trained_chem", "其中化工行业接受安全培训职工人数", "人", ALL),
    Field("union_trainings", "县（市、区）以上总工会组织群众性安全生产工作培训次数", "次", UP),
    Field("union_trainees", "参加培训的人数", "人", UP),
    Field("hazards_found", "查出安全隐患数", "项", ALL),
    Field("hazards_found_chem", "其中化工行业查出安全隐患数", "项", ALL),
    Field("hazards_fixed", "整改完成安全隐患数", "项", ALL),
    Field("hazards_fixed_chem", "其中化工行业整改完成安全隐患数", "项", ALL),
    Field("city_fund", "市总工会设立“查保促”活动专项奖励资金（万元）", "万元", CITY, True),
    Field("county_unions", "所辖县（市、区）级总工会数量", "个", CITY),
    Field("county_unions_with_fund", "设立“查保促”专项奖励资金县（市、区）级总工会数量", "个", UP),
    Field("county_fund", "县（市、区）级总工会设立“查保促”专项奖励资金总额（万元）", "万元", UP, True),
    Field("city_awarded", "市总工会奖励职工人数", "人", CITY),
    Field("city_awarded_chem", "其中奖励化工行业职工人数", "人", CITY),
    Field("county_awarded", "县（市、区）级总工会奖励职工人数", "人", UP),
    Field("county_awarded_chem", "其中奖励化工行业职工人数", "人", UP),
    Field("city_paid", "市总工会发放奖励资金总额（万元）", "万元", CITY, True),
    Field("county_paid", "县（市、区）级总工会发放奖励资金总额（万元）", "万元", UP, True),
)
BY_CODE = {f.code: f for f in FIELDS}

# the notice's grid: rows of (left field, right field or None = the value spans the row)
GRID_ROWS = (
    ("units_total", "units_chem"), ("workers_total", "workers_chem"), ("trainings_total", "trainings_chem"),
    ("trained_total", "trained_chem"), ("union_trainings", "union_trainees"),
    ("hazards_found", "hazards_found_chem"), ("hazards_fixed", "hazards_fixed_chem"), ("city_fund", None),
    ("county_unions", "county_unions_with_fund"), ("county_fund", None), ("city_awarded", "city_awarded_chem"),
    ("county_awarded", "county_awarded_chem"), ("city_paid", "county_paid"),
)

UNIT = "环翠区总工会"
DAY = date(2020, 5, 28)

# a county federation's figures that break no rule of the notice; the city-only fields blank
COUNTY = {
    "units_total": 40, "units_chem": 6, "workers_total": 3200, "workers_chem": 410, "trainings_total": 96,
    "trainings_chem": 12, "trained_total": 2100, "trained_chem": 300, "union_trainings": 4, "union_trainees": 220,
    "hazards_found": 180, "hazards_found_chem": 30, "hazards_fixed": 160, "hazards_fixed_chem": 25,
    "city_fund": None, "county_unions": None, "county_unions_with_fund": 1, "county_fund": Decimal("12.5"),
    "city_awarded": None, "city_awarded_chem": None, "county_awarded": 40, "county_awarded_chem": 6,
    "city_paid": None, "county_paid": Decimal("8.2"),
}


def for_level(values: dict, level: str) -> dict:
    """What a unit of that level would report: blank where its level does not fill."""
    return {code: (v if level in BY_CODE[code].levels else None) for code, v in values.items()}


# --- 附件2 企业工会开展“查保促”活动自查表 ---------------------------------------------------------

SC_TITLE = "企业工会开展“查保促”活动自查表"
SC_ATTACHMENT = "附件2"
SC_UNIT_LABEL = "企业工会："
SC_COLUMNS = ("项目", "自查内容", "得分")
SC_TOTAL = "总 得 分"


@dataclass(frozen=True)
class Item:
    no: int
    section: str
    max: int
    text: str


ITEMS = (
    Item(1, "动员部署", 3, "1.结合企业实际制定了本单位年度“查保促”行动方案（1分）；对“查保促”活动进行了动员部署（2分）。"),
    Item(2, "动员部署", 2, "2.“查保促”活动得到了企业行政的支持，纳入了本单位安全生产体系（2分）。"),
    Item(3, "教育培训", 8, "3.督促企业建立并落实安全生产教育培训制度（2分）；开展“六个一”活动（3分）；开展现身说法教育活动（3分）、"),
    Item(4, "教育培训", 2, "4.督促企业每年至少组织2次安全生产应急演练（2分）（其中，组织开展2次及以上得2分，组织开展1次得1分，没有组织开展不得分）。"),
    Item(5, "载体搭建", 4, "5、将“四查”活动固化为制度，并按制度开展隐患排查（4分）。"),
    Item(6, "载体搭建", 12, "6.组织开展安全隐患随手拍、安全生产合理化建议征集、班组安全大讲堂等群众性安全生产活动（6分）；开展活动的有关档案资料齐全（3分）；各类活动载体固化为企业的一项制度，长期开展（3分）。"),
    Item(7, "载体搭建", 5, "7.积极配合企业行政推广应用“一法三卡”工作法（2分）、推进风险点排查清单、危险源辨识清单的编制（3分）。"),
    Item(8, "载体搭建", 8, "8.督促企业按照有关要求，建立了班组、车间、企业三级事故隐患档案（5分）；对档案实施动态管理（3分）。"),
    Item(9, "奖励激励", 10, "9.督促企业建立“查保促”活动奖励制度（3分）；对职工参与“查保促”活动进行奖励（5分）；对职工进行奖励的档案资料齐全（2分）。"),
    Item(10, "氛围营造", 1, "10.宣传“查保促”活动典型经验（1分）"),
    Item(11, "氛围营造", 2, "11.在厂区悬挂“查保促”宣传标语（1分）；在车间、食堂、宿舍等悬挂张贴安全生产宣传标语、挂图、警示语（1分），"),
)
SC_UNIT = "威海某某机械有限公司工会"
SCORES = {1: 3, 2: 2, 3: 6, 4: 1, 5: 4, 6: 9, 7: 5, 8: 0, 9: 7, 10: 1, 11: 2}

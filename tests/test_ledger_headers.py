"""Headers in two rows (issue 11 follow-up §1): "金额" merged over "本期" | "本年累计", and the
classic 收支对照表 with "收入" over 项目 | 金额 beside "支出" over 项目 | 金额, in XLSX with merged
cells and in CSV where the top title stands over blanks; and beneficiary lists likewise (§4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.services.disclosures.finance_ledger import FinanceSheet
from bot.services.disclosures.form_replies import reading_line
from bot.services.disclosures.sheet_reading import ImportRejected, read_table
from bot.services.disclosures.subsidy_list import SubsidySheet, parse_subsidy, split_head
from tests.sheet_files import LIMITS, csv_file, xlsx_file
from tests.sheet_files import read_finance as read
from tests.sheet_files import refused_finance as refused

SUMMARY_TWO_ROWS = [
    ["东山村2026年第三季度村级财务收支情况公开表"],
    ["项目", "金额", None, "备注"],
    [None, "本期", "本年累计", None],
    ["一、上期结余", "85,000.00", None],
    ["二、本期收入合计", "80,120.00", "240,360.00"],
    ["1. 经营收入", "50,000.00", "150,000.00"],
    ["2. 补助收入", "30,000.00", "90,000.00"],
    ["3. 其他收入", "120.00", "360.00"],
    ["三、本期支出合计", "63,000.00", "143,000.00"],
    ["1. 管理费用", "21,000.00", "63,000.00"],
    ["2. 公益支出", "42,000.00", "80,000.00"],
    ["四、本期结余", "102,120.00", None],
    ["编制人：王会计", None, "村委会主任：李四"],
]
SUMMARY_MERGES = ("A1:D1", "B2:C2", "A2:A3", "D2:D3")


def balances(sheet: FinanceSheet) -> tuple[int, int, int]:
    return sheet.opening_fen, sheet.closing_fen, sheet.difference_fen


def lines(sheet: FinanceSheet) -> list[tuple]:
    return [(r.section, r.data["account"], r.amount_fen, r.ytd_fen) for r in sheet.rows]


@pytest.mark.parametrize(
    "name, content",
    [
        ("汇总.xlsx", xlsx_file(SUMMARY_TWO_ROWS, merged=SUMMARY_MERGES)),
        ("汇总.csv", csv_file(SUMMARY_TWO_ROWS, "gbk")),
    ],
)
def test_amount_merged_over_this_period_and_year_to_date(name, content):
    sheet = read(name, content)
    assert balances(sheet) == (8_500_000, 10_212_000, 0)
    assert lines(sheet) == [
        ("income", "经营收入", 5_000_000, 15_000_000),
        ("income", "补助收入", 3_000_000, 9_000_000),
        ("income", "其他收入", 12_000, 36_000),
        ("expense", "管理费用", 2_100_000, 6_300_000),
        ("expense", "公益支出", 4_200_000, 8_000_000),
    ]
    assert sheet.reading == {
        "header": 3,
        "top": 2,
        "columns": [["金额/本期", "amount"], ["金额/本年累计", "ytd"]],
        "checked": [[5, "本期收入合计"], [9, "本期支出合计"]],
    }
    assert "按第2、3行两行表头读取；金额/本期→本期金额" in reading_line("zh-CN", sheet.reading)
    assert "rows 2 and 3 read together as the header" in reading_line("en", sheet.reading)


def test_a_single_row_header_under_a_title_is_not_read_as_two_rows():
    rows = [row[:] for row in SUMMARY_TWO_ROWS]
    rows[1:3] = [["项目", "本季金额", "本年累计", "备注"]]
    sheet = read("汇总.csv", csv_file(rows))
    assert "top" not in sheet.reading and sheet.reading["header"] == 2
    assert len(sheet.rows) == 5 and sheet.difference_fen == 0


def side_by_side(expense_total: object = 63000) -> list[list[object]]:
    """收支对照表: income items on the left, expense items on the right, each with its 合计."""
    return [
        ["东山村2026年第三季度财务收支对照表"],
        ["收入", None, "支出", None],
        ["项目", "金额", "项目", "金额"],
        ["上期结余", 85000, None, None],
        ["经营收入", 50000, "管理费用", 21000],
        ["补助收入", 30000, "公益支出", 42000],
        ["其他收入", 120, None, None],
        ["收入合计", 80120, "支出合计", expense_total],
        [None, None, "本期结余", 102120],
        ["编制人：王会计", None, "监委会意见：同意"],
    ]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_income_and_expense_side_by_side_become_income_and_expense_lines(kind):
    rows = side_by_side()
    if kind == "xlsx":
        sheet = read("对照表.xlsx", xlsx_file(rows, merged=("A1:D1", "A2:B2", "C2:D2")))
    else:
        sheet = read("对照表.csv", csv_file(rows, "utf-8-sig"))
    assert balances(sheet) == (8_500_000, 10_212_000, 0)
    assert [(r.position, r.section, r.data["account"], r.amount_fen) for r in sheet.rows] == [
        (1, "income", "经营收入", 5_000_000),
        (2, "expense", "管理费用", 2_100_000),
        (3, "income", "补助收入", 3_000_000),
        (4, "expense", "公益支出", 4_200_000),
        (5, "income", "其他收入", 12_000),
    ]
    assert sheet.reading == {
        "header": 3,
        "top": 2,
        "columns": [["收入/金额", "income"], ["支出/金额", "expense"]],
        "checked": [[8, "收入合计"], [8, "支出合计"]],
    }
    assert sheet.ignored_columns == []


def test_a_side_total_that_disagrees_names_its_cell_and_both_figures():
    (problem,) = refused("对照表.csv", csv_file(side_by_side(expense_total=62000)))
    assert problem == (
        8,
        "D（支出/金额）",
        "imp.total_differs",
        {"label": "支出合计", "stated": "62,000.00", "computed": "63,000.00"},
    )


def itemised_period_and_year(income_total: str = "80,000.00") -> list[list[object]]:
    """明细表 with "收入" and "支出" each merged over 本期 | 本年累计 (cn-practice §3.2 Table B)."""
    return [
        ["东山村2026年第三季度财务收支明细公开表"],
        ["序号", "日期", "摘要", "收入", None, "支出", None],
        [None, None, None, "本期", "本年累计", "本期", "本年累计"],
        [None, None, "上期结余", "85,000.00", None, None, None],
        ["1", "7月3日", "土地发包收入", "50,000.00", "150,000.00", None, None],
        ["2", "7月9日", "村干部报酬", None, None, "21,000.00", "63,000.00"],
        ["3", "8月1日", "上级补助", "30,000.00", "90,000.00", None, None],
        ["4", "9月2日", "道路维修", None, None, "42,000.00", "80,000.00"],
        [None, None, "本期合计", income_total, "240,000.00", "63,000.00", "143,000.00"],
        [None, None, "本期结余", "102,000.00", None, None, None],
    ]


ITEMISED_MERGES = ("A1:G1", "D2:E2", "F2:G2", "A2:A3", "B2:B3", "C2:C3")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_income_and_expense_each_over_this_period_and_year_to_date(kind):
    rows = itemised_period_and_year()
    if kind == "xlsx":
        sheet = read("明细.xlsx", xlsx_file(rows, merged=ITEMISED_MERGES))
    else:
        sheet = read("明细.csv", csv_file(rows, "gbk"))
    assert balances(sheet) == (8_500_000, 10_200_000, 0)
    assert [(r.section, r.data["account"], r.amount_fen) for r in sheet.rows] == [
        ("income", "土地发包收入", 5_000_000),
        ("expense", "村干部报酬", 2_100_000),
        ("income", "上级补助", 3_000_000),
        ("expense", "道路维修", 4_200_000),
    ]
    assert sheet.reading["checked"] == [[9, "本期合计"]]


def test_a_period_total_under_a_two_row_header_is_checked_on_the_period_column():
    (problem,) = refused("明细.csv", csv_file(itemised_period_and_year(income_total="80,100.00")))
    assert problem[0] == 9 and problem[2] == "imp.total_differs"
    assert problem[3]["stated"] == "80,100.00" and problem[3]["computed"] == "80,000.00"


def test_a_two_row_header_in_thousands_of_yuan_says_both():
    rows = [row[:] for row in SUMMARY_TWO_ROWS]
    rows[1][1] = "金额（万元）"
    for row in rows[3:12]:
        row[1:3] = [_in_wan(v) for v in row[1:3]]
    sheet = read("汇总.xlsx", xlsx_file(rows, merged=SUMMARY_MERGES))
    assert balances(sheet) == (8_500_000, 10_212_000, 0)
    assert sheet.reading["unit"] == "万元" and sheet.reading["top"] == 2
    zh = reading_line("zh-CN", sheet.reading)
    assert "按第2、3行两行表头读取；单位万元已换算为元" in zh


def _in_wan(text: object) -> object:
    """An amount written in yuan ("85,000.00") as the same amount in 万元 (8.5)."""
    if text is None:
        return None
    return float(Decimal(str(text).replace(",", "")) / 10000)


def subsidy_two_rows(group: object = None) -> list[list[object]]:
    """Table C with 面积 | 标准 | 金额 under a merged 补贴情况, in 万元, groups in the 户主 cell."""
    return [
        ["东山村2026年耕地地力保护补贴发放公示表"],
        ["单位：万元"],
        ["序号", "村民小组", "户主", "补贴项目", "补贴情况", None, None, "备注"],
        [None, None, None, None, "面积(亩)", "标准(元/亩)", "金额", None],
        [1, group, "三组 王秀英", "耕地地力保护补贴", 5.2, 131.42, 0.068338],
        [2, None, "李四（1组）", "耕地地力保护补贴", 3, 131.42, 0.039426],
        [3, None, "赵六", "耕地地力保护补贴", 1.5, 131.42, 0.019713],
        ["合计", None, None, None, 9.7, None, 0.127477],
    ]


def read_subsidy(name: str, content: bytes) -> SubsidySheet:
    return parse_subsidy(read_table(name, content, **LIMITS))


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_beneficiary_list_with_a_two_row_header_in_wan_yuan(kind):
    rows = subsidy_two_rows()
    if kind == "xlsx":
        content = xlsx_file(rows, merged=("A1:H1", "E3:G3", "A3:A4", "B3:B4", "C3:C4", "D3:D4"))
    else:
        content = csv_file(rows, "gbk")
    sheet = read_subsidy(f"补贴.{kind}", content)
    assert [(r.data["head"], r.data["group"], r.amount_fen) for r in sheet.rows] == [
        ("王秀英", "三组", 68338),
        ("李四", "1组", 39426),
        ("赵六", "", 19713),
    ]
    assert sheet.rows[0].data["quantity"] == "5.2"
    assert sheet.reading == {
        "header": 4,
        "top": 3,
        "unit": "万元",
        "groups": 2,
        "columns": [["补贴情况/金额", "amount"]],
        "checked": [[8, "合计"]],
    }
    zh = reading_line("zh-CN", sheet.reading)
    assert "按第3、4行两行表头读取；单位万元已换算为元；2 个户主栏里写的组别已单独列出" in zh


def test_a_group_in_the_name_cell_that_contradicts_the_group_column_is_refused():
    with pytest.raises(ImportRejected) as caught:
        read_subsidy("补贴.csv", csv_file(subsidy_two_rows(group="一组")))
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.key) == (5, "C（户主）", "imp.group_differs")
    assert problem.params == {"head": "三组 王秀英", "group": "一组"}


def test_the_same_group_written_twice_is_kept_as_the_column_says():
    sheet = read_subsidy("补贴.csv", csv_file(subsidy_two_rows(group="第3组")))
    assert (sheet.rows[0].data["head"], sheet.rows[0].data["group"]) == ("王秀英", "第3组")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("三组 王秀英", ("王秀英", "三组")),
        ("王秀英（3组）", ("王秀英", "3组")),
        ("王秀英(第三村民小组)", ("王秀英", "第三村民小组")),
        ("5组王秀英", ("王秀英", "5组")),
        ("王秀英 二队", ("王秀英", "二队")),
        ("王一", ("王一", "")),  # a name ending in a numeral is a name
        ("张三组", ("张三组", "")),
    ],
)
def test_a_name_and_group_in_one_cell(text, expected):
    assert split_head(text) == expected

"""Items under items (issue 11 follow-up §2): 一级科目 / 二级科目 numbered (一、 1. （1）),
indented, or by account codes (501 over 501001). Detail lines are kept, a parent is never counted
twice: one with an amount is checked like 小计, one left blank is a heading, one without children
a line."""

from __future__ import annotations

import pytest

from bot.services.disclosures.finance_ledger import FinanceSheet
from tests.sheet_files import csv_file, xlsx_file
from tests.sheet_files import read_finance as read
from tests.sheet_files import refused_finance as refused


def numbered(fishpond: str = "2,000.00", contracting: str = "3,000.00") -> list[list[object]]:
    return [
        ["项目", "本期金额"],
        ["上期结余", "10,000.00"],
        ["收入", None],
        ["一、经营收入", "5,000.00"],
        ["1. 发包收入", contracting],
        ["（1）鱼塘承包", fishpond],
        ["（2）果园承包", "1,000.00"],
        ["2. 租赁收入", "2,000.00"],
        ["二、补助收入", "1,000.00"],  # a parent without children is a line
        ["支出", None],
        ["一、管理费用", None],  # a parent left blank is a heading
        ["1. 办公费", "300.00"],
        ["2. 会议费", "200.00"],
        ["本期结余", "15,500.00"],
    ]


def lines(sheet: FinanceSheet) -> list[tuple]:
    return [(r.position, r.section, r.data["account"], r.amount_fen) for r in sheet.rows]


EXPECTED = [
    (1, "income", "鱼塘承包", 200_000),
    (2, "income", "果园承包", 100_000),
    (3, "income", "租赁收入", 200_000),
    (4, "income", "补助收入", 100_000),
    (5, "expense", "办公费", 30_000),
    (6, "expense", "会议费", 20_000),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_numbered_items_keep_their_details_and_check_their_parents(kind):
    content = csv_file(numbered()) if kind == "csv" else xlsx_file(numbered())
    sheet = read(f"汇总.{kind}", content)
    assert lines(sheet) == EXPECTED
    assert (sheet.income_fen, sheet.expense_fen, sheet.difference_fen) == (600_000, 50_000, 0)
    assert sheet.reading["checked"] == [[4, "经营收入"], [5, "发包收入"]]


def test_a_parent_that_is_not_the_sum_of_its_children_names_both_figures():
    """Each parent is checked against its own children as written: the mismatch is named once,
    where it is (经营收入 = 发包收入 as stated + 租赁收入 still holds)."""
    problems = refused("汇总.csv", csv_file(numbered(fishpond="2,100.00")))
    assert problems == [
        (
            5,
            "B（本期金额）",
            "imp.parent_differs",
            {"label": "发包收入", "stated": "3,000.00", "computed": "3,100.00"},
        )
    ]
    problems = refused("汇总.csv", csv_file(numbered(contracting="3,100.00")))
    assert [(p[0], p[3]["stated"], p[3]["computed"]) for p in problems] == [
        (5, "3,100.00", "3,000.00"),
        (4, "5,000.00", "5,100.00"),
    ]


def test_indented_names_sit_under_the_line_above():
    rows = [
        ["项目", "本期金额"],
        ["上期结余", "100"],
        ["收入", None],
        ["经营收入", "80"],
        ["\u3000\u3000发包收入", "50"],  # indented with full-width spaces, as typed in WPS
        ["\u3000\u3000租赁收入", "30"],
        ["其他收入", "5"],
        ["支出", None],
        ["管理费用", "20"],
        ["本期结余", "165"],
    ]
    for name, content in (("汇总.csv", csv_file(rows, "gbk")), ("汇总.xlsx", xlsx_file(rows))):
        sheet = read(name, content)
        assert [(r.data["account"], r.amount_fen) for r in sheet.rows] == [
            ("发包收入", 5000),
            ("租赁收入", 3000),
            ("其他收入", 500),
            ("管理费用", 2000),
        ]
        assert sheet.reading["checked"] == [[4, "经营收入"]]


def test_account_codes_make_the_hierarchy():
    rows = [
        ["科目编码", "科目名称", "本期金额"],
        [None, "期初余额", "1,000.00"],
        [None, "收入", None],
        ["501", "经营收入", "800.00"],
        ["501001", "发包收入", "500.00"],
        ["501002", "租赁收入", "300.00"],
        ["522", "补助收入", "200.00"],
        [None, "支出", None],
        ["541", "管理费用", "100.00"],
        [None, "期末余额", "1,900.00"],
    ]
    sheet = read("科目汇总.csv", csv_file(rows))
    assert [r.data["account"] for r in sheet.rows] == [
        "发包收入",
        "租赁收入",
        "补助收入",
        "管理费用",
    ]
    assert sheet.difference_fen == 0 and sheet.reading["checked"] == [[4, "经营收入"]]


def test_a_level_column_makes_the_hierarchy():
    rows = [
        ["级次", "项目", "本期金额"],
        [None, "上期结余", "0"],
        [None, "收入", None],
        [1, "经营收入", "80"],
        [2, "发包收入", "50"],
        [2, "租赁收入", "40"],
        [None, "本期结余", "80"],
    ]
    (problem,) = refused("汇总.csv", csv_file(rows))
    assert problem[:3] == (4, "C（本期金额）", "imp.parent_differs")
    assert problem[3]["computed"] == "90.00"


def test_the_itemised_ledger_stays_flat():
    """Dated vouchers in an itemised table are never taken for a hierarchy by their wording."""
    rows = [
        ["序号", "日期", "摘要", "收入", "支出"],
        [None, None, "上期结余", "100", None],
        [1, "7-01", "鱼塘承包费", "50", None],
        [2, "7-02", "1. 办公用品", None, "10"],
        [3, "7-03", "（1）打印纸", None, "5"],
        [None, None, "本期结余", "135", None],
    ]
    sheet = read("明细.csv", csv_file(rows))
    assert [r.amount_fen for r in sheet.rows] == [5000, 1000, 500]

"""Ledgers as village accountants keep them (real village data §1, §2): the itemised table with
income and expense columns and the summary table (cn-practice §3.2), below titles and above
signatures, in CSV (UTF-8, BOM, GBK) and XLSX with =SUM totals and their saved values."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from bot.services.disclosures.finance_ledger import FinanceSheet
from bot.services.disclosures.form_replies import reading_line
from storage import members, users
from tests.sheet_files import csv_file, xlsx_file
from tests.sheet_files import read_finance as read
from tests.sheet_files import refused_finance as refused
from tests.test_disclosure_e2e import DATA, OFFICIAL, draft_finance, send_file

TITLE = "东山村2026年第三季度财务收支明细公开表"
ITEMISED_HEADER = [
    "序号",
    "日期",
    "凭证号",
    "摘要",
    "科目",
    "收入(元)",
    "支出(元)",
    "经办人",
    "审批人",
    "附件/备注",
]
FOOTER = ["编制人：王会计", None, None, "审核：李主任", None, "监委会意见：同意公开"]


def itemised_rows(total_income: object = "=SUM(F5:F8)", total_expense: object = "=SUM(G5:G8)"):
    """Table B: a title, a unit line, the header on row 3, balances, lines, 合计, a footer."""
    return [
        [TITLE],
        ["单位：元"],
        ITEMISED_HEADER,
        [None, None, None, "上期结余", None, 120000, None],
        [1, "2026-07-03", "记-01", "收到鱼塘承包费", "发包收入", 50000, None, "王五", "李四"],
        [2, "2026-07-15", "记-02", "购买办公用品", "办公费", None, 1250.5, "王五", "李四"],
        [3, "2026-08-02", "记-03", "上级拨付运转经费", "补助收入", 30000, None, "王五", "李四"],
        [4, "2026-09-10", "记-04", "道路维修", "公益支出", None, 42000, "赵六", "李四"],
        ["合计", None, None, None, None, total_income, total_expense],
        [None, None, None, "本期结余", None, 156749.5, None],
        [],
        FOOTER,
    ]


ITEMISED_SAVED = {"F9": 80000, "G9": 43250.5}


def assert_itemised(sheet: FinanceSheet) -> None:
    assert (sheet.opening_fen, sheet.closing_fen) == (12_000_000, 15_674_950)
    assert (sheet.income_fen, sheet.expense_fen) == (8_000_000, 4_325_050)
    assert sheet.difference_fen == 0
    assert [(r.section, r.data["account"], r.amount_fen) for r in sheet.rows] == [
        ("income", "发包收入", 5_000_000),
        ("expense", "办公费", 125_050),
        ("income", "补助收入", 3_000_000),
        ("expense", "公益支出", 4_200_000),
    ]
    assert sheet.rows[0].data["description"] == "收到鱼塘承包费"


def test_the_saved_value_of_a_formula_reads_back_with_openpyxl():
    content = xlsx_file(itemised_rows(), saved=ITEMISED_SAVED)
    book = load_workbook(io.BytesIO(content), data_only=True)
    assert book.active["F9"].value == 80000 and book.active["G9"].value == 43250.5
    assert load_workbook(io.BytesIO(content)).active["F9"].value == "=SUM(F5:F8)"


def test_an_itemised_workbook_with_a_merged_title_and_sum_totals():
    content = xlsx_file(itemised_rows(), merged=("A1:J1", "A9:E9", "A12:C12"), saved=ITEMISED_SAVED)
    sheet = read("明细.xlsx", content)
    assert_itemised(sheet)
    assert sheet.reading == {
        "header": 3,
        "columns": [["收入(元)", "income"], ["支出(元)", "expense"]],
        "checked": [[9, "合计"]],
    }
    assert "身份证" not in str(sheet.rows)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_an_itemised_csv_in_every_encoding_with_amounts_as_accountants_write_them(encoding):
    rows = itemised_rows(total_income="￥80,000.00", total_expense="43,250.50元")
    rows[3][5] = "１２０，０００．００"  # full-width digits, as typed with a Chinese input method
    rows[4][5], rows[4][6] = "50,000.00", ""
    rows[5][5], rows[5][6] = "-", "￥1,250.50"  # a dash and an empty cell are zero
    rows[9][5] = "156,749.50"
    sheet = read("明细.csv", csv_file(rows, encoding))
    assert_itemised(sheet)
    assert sheet.reading["checked"] == [[9, "合计"]]


def test_a_total_that_disagrees_is_refused_with_both_figures():
    content = xlsx_file(itemised_rows(), saved={"F9": 80000, "G9": 43000})
    (problem,) = refused("明细.xlsx", content)
    assert problem == (
        9,
        "G（支出(元)）",
        "imp.total_differs",
        {"label": "合计", "stated": "43,000.00", "computed": "43,250.50"},
    )


def test_a_formula_without_its_saved_value_is_refused_naming_the_cell():
    content = xlsx_file(itemised_rows(), saved={"F9": 80000})
    problems = refused("明细.xlsx", content)
    assert problems[0] == (9, "G", "imp.formula", {"cell": "G9"})


def test_a_line_with_both_amounts_or_none_is_refused_by_row():
    rows = itemised_rows(total_income=None, total_expense=None)
    rows[4][6] = 10
    rows[6][5] = None
    problems = refused("明细.csv", csv_file(rows))
    assert (5, None, "imp.two_amounts", {}) in problems
    assert (7, "F（收入(元)）", "imp.no_amount", {}) in problems


def test_merged_cells_on_a_line_are_refused_but_not_in_titles_and_totals():
    content = xlsx_file(itemised_rows(), merged=("A1:J1", "D5:E5"), saved=ITEMISED_SAVED)
    problems = refused("明细.xlsx", content)
    assert (None, None, "imp.merged", {"cells": "D5:E5"}) in problems
    assert all(p[3].get("cells") != "A1:J1" for p in problems)


def test_a_running_balance_column_and_a_negative_opening_balance():
    rows = [
        ["序号", "摘要", "收入金额", "支出金额", "余额"],
        [None, "期初余额", None, None, "(1,200.00)"],
        [1, "利息", "0.50", None, "-1,199.50"],
        [None, "期末余额", None, None, "-1,199.50"],
    ]
    sheet = read("日记账.csv", csv_file(rows))
    assert (sheet.opening_fen, sheet.closing_fen, sheet.income_fen) == (-120_000, -119_950, 50)
    assert sheet.rows[0].data == {"account": "利息", "description": ""}


SUMMARY = [
    ["东山村2026年第三季度村级财务收支情况公开表"],
    ["单位：元"],
    ["项目", "本季金额(元)", "本年累计(元)", "备注"],
    ["一、上期(季初)结余", "85,000.00", "—", "现金 + 银行存款"],
    ["二、本期收入合计", "=SUM(B6:B9)", "=SUM(C6:C9)"],
    ["1. 经营收入（含发包/租赁/服务）", "50,000.00", "150,000.00"],
    ["2. 投资收益", None, None],
    ["3. 补助收入（上级转移支付/村级组织运转经费/项目补助）", "30,000.00", "90,000.00"],
    ["4. 其他收入（捐赠、利息、罚没等）", "120.00", "360.00"],
    ["三、本期支出合计", "=SUM(B11:B13)", "=SUM(C11:C13)"],
    ["1. 经营支出", None, None],
    ["2. 管理费用（干部报酬、办公费…）", "21,000.00", "63,000.00"],
    ["3. 公益支出（道路、水利…）", "42,000.00", "80,000.00"],
    ["四、本期(季末)结余 = 一 + 二 - 三", "102,120.00", None, "must reconcile"],
    ["附：应收款/应付款/借款余额（债权债务）", "3,000.00"],
    ["编制人：王会计", None, "村委会主任：李四"],
]
SUMMARY_SAVED = {"B5": 80120, "C5": 240360, "B10": 63000, "C10": 143000}


def assert_summary(sheet: FinanceSheet) -> None:
    assert (sheet.opening_fen, sheet.closing_fen) == (8_500_000, 10_212_000)
    assert (sheet.income_fen, sheet.expense_fen) == (8_012_000, 6_300_000)
    assert sheet.difference_fen == 0
    accounts = [(r.section, r.data["account"], r.amount_fen, r.ytd_fen) for r in sheet.rows]
    assert accounts[:2] == [
        ("income", "经营收入（含发包/租赁/服务）", 5_000_000, 15_000_000),
        ("income", "投资收益", 0, None),  # empty is zero
    ]
    assert accounts[-1] == ("expense", "公益支出（道路、水利…）", 4_200_000, 8_000_000)
    assert len(accounts) == 7


def test_a_summary_workbook_with_sum_totals_and_an_appendix():
    rows = [[str(v) if isinstance(v, str) else v for v in row] for row in SUMMARY]
    sheet = read("汇总.xlsx", xlsx_file(rows, merged=("A1:D1",), saved=SUMMARY_SAVED))
    assert_summary(sheet)
    assert sheet.reading == {
        "header": 3,
        "columns": [["本季金额(元)", "amount"], ["本年累计(元)", "ytd"]],
        "checked": [[5, "本期收入合计"], [10, "本期支出合计"]],
    }


def test_a_summary_csv_in_gbk_with_typed_totals():
    rows = [list(row) for row in SUMMARY]
    rows[4][1:3], rows[9][1:3] = ["80,120.00", "240,360.00"], ["63,000.00", "143,000.00"]
    assert_summary(read("汇总.csv", csv_file(rows, "gbk")))


def test_a_summary_total_that_disagrees_names_row_and_column():
    rows = [list(row) for row in SUMMARY]
    rows[4][1:3], rows[9][1:3] = ["80,000.00", ""], ["63,000.00", ""]
    (problem,) = refused("汇总.csv", csv_file(rows))
    assert problem[:3] == (5, "B（本季金额(元)）", "imp.total_differs")
    assert problem[3]["stated"] == "80,000.00" and problem[3]["computed"] == "80,120.00"


def test_a_summary_with_totals_only_imports_each_side_as_one_line():
    rows = [
        ["项目", "本季金额"],
        ["上季结余", "100"],
        ["本期收入合计", "50"],
        ["本期支出合计", "30"],
        ["季末结余", "120"],
    ]
    sheet = read("汇总.csv", csv_file(rows))
    assert [(r.section, r.data["account"], r.amount_fen) for r in sheet.rows] == [
        ("income", "本期收入合计", 5000),
        ("expense", "本期支出合计", 3000),
    ]
    assert sheet.difference_fen == 0


def test_the_bots_own_template_is_read_as_before_and_says_nothing_of_how():
    rows = [
        ["类型", "科目", "摘要", "本期金额", "本年累计"],
        ["期初余额", None, None, "100"],
        ["收入", "经营收入", "租金", "50"],
        ["合计", None, None, "999"],  # totals rows of the template are recomputed, not checked
        ["期末余额", None, None, "150"],
    ]
    sheet = read("a.csv", csv_file(rows))
    assert sheet.reading == {} and sheet.income_fen == 5000 and sheet.difference_fen == 0
    titled = read("a.xlsx", xlsx_file([[TITLE], *rows], merged=("A1:E1",)))
    assert titled.rows == sheet.rows and titled.reading["header"] == 2


def test_the_reading_line_in_both_languages():
    reading = {
        "header": 2,
        "columns": [["收入(元)", "income"], ["支出(元)", "expense"]],
        "checked": [[13, "合计"]],
    }
    zh = reading_line("zh-CN", reading)
    assert "第2行是表头；收入(元)→收入，支出(元)→支出；第13行 合计 已核对" in zh
    en = reading_line("en", reading)
    assert "row 2 is the header; 收入(元)→income, 支出(元)→expense; row 13 合计 checked" in en
    assert "&lt;b&gt;" in reading_line("en", {**reading, "columns": [["<b>", "income"]]})


async def test_the_official_sees_how_the_file_was_read(runtime, emulator, chat):
    """The preview of an accountant's workbook (tests/data: itemised_rows, merged title, =SUM
    totals with saved values) says which row is the header and which columns are which."""
    with runtime.store.transaction() as db:
        users.ensure(db, OFFICIAL)
        members.add(db, OFFICIAL, "official", "qingshan")
    official = chat(OFFICIAL)
    await draft_finance(emulator, official)
    content = (DATA / "ledger_itemised_titled.xlsx").read_bytes()
    assert read("明细.xlsx", content).reading["checked"] == [[9, "合计"]]
    answer = await send_file(emulator, official, "明细.xlsx", content)
    assert "已导入 4 行" in answer["text"] and "账目平衡" in answer["text"]
    assert "第3行是表头；收入(元)→收入，支出(元)→支出；第9行 合计 已核对" in answer["text"]


def test_monthly_subtotals_and_the_quarter_total_are_each_checked():
    rows = [
        ["日期", "摘要", "科目", "收入", "支出"],
        [None, "上季结余", None, "1,000.00", None],
        ["7-03", "租金", "发包收入", "500.00", None],
        ["7-20", "电费", "水电费", None, "80.00"],
        [None, "本月合计", None, "500.00", "80.00"],
        ["8-02", "会议", "会议费", None, "20.00"],
        [None, "本月合计", None, None, "20.00"],
        [None, "本季合计", None, "500.00", "100.00"],
        [None, "本年累计", None, "1,500.00", "300.00"],
        [None, "季末结余", None, "1,400.00", None],
    ]
    sheet = read("日记账.csv", csv_file(rows, "utf-8-sig"))
    assert (sheet.income_fen, sheet.expense_fen, sheet.difference_fen) == (50000, 10000, 0)
    assert sheet.reading["checked"] == [[5, "本月合计"], [7, "本月合计"], [8, "本季合计"]]
    rows[6][4] = "25.00"
    (problem,) = refused("日记账.csv", csv_file(rows))
    assert problem[:3] == (7, "E（支出）", "imp.total_differs")
    assert problem[3]["computed"] == "20.00"

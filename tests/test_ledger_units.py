"""Amounts written in 万元 or 千元 (issue 11 follow-up §3): a unit line above the table or a unit in
a column's title scales them exactly into integer fen (1.2345 万元 = 12,345.00 元); more decimals
than a fen can hold are refused naming the cell; 元 when nothing is said."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.disclosures.finance_ledger import FinanceSheet, parse_finance
from bot.services.disclosures.form_replies import reading_line
from bot.services.disclosures.sheet_reading import ImportRejected, read_table
from bot.services.disclosures.sheet_units import sheet_unit, title_unit, unit_line
from bot.services.money import AmountError, parse_amount, parse_cell
from tests.sheet_files import csv_file, xlsx_file

LIMITS = {"max_rows": 5000, "max_bytes": 2_000_000}


def itemised(unit_line_text: str, income: object = 1.2345, title: str = "收入") -> list:
    return [
        ["东山村2026年第三季度财务收支明细公开表"],
        [None, None, None, None, unit_line_text],
        ["序号", "摘要", "科目", title, "支出"],
        [None, "上期结余", None, 10, None],
        [1, "鱼塘承包费", "发包收入", income, None],
        [2, "道路维修", "公益支出", None, 0.5],
        ["合计", None, None, "=SUM(D5:D6)", "=SUM(E5:E6)"],
        [None, "本期结余", None, 10.7345, None],
    ]


def read(name: str, content: bytes) -> FinanceSheet:
    return parse_finance(read_table(name, content, **LIMITS))


@pytest.mark.parametrize("line", ["单位：万元", "金额单位：万元", "（万元）", "单位(人民币万元)"])
def test_a_unit_line_in_wan_yuan_scales_every_amount(line):
    content = xlsx_file(itemised(line), saved={"D7": 1.2345, "E7": 0.5})
    sheet = read("明细.xlsx", content)
    assert (sheet.opening_fen, sheet.closing_fen) == (10_000_000, 10_734_500)
    assert [r.amount_fen for r in sheet.rows] == [1_234_500, 500_000]  # 1.2345 万元 = 12,345.00 元
    assert sheet.difference_fen == 0
    assert sheet.reading["unit"] == "万元" and sheet.reading["checked"] == [[7, "合计"]]
    assert "单位万元已换算为元" in reading_line("zh-CN", sheet.reading)
    assert "amounts in 万元 converted to yuan" in reading_line("en", sheet.reading)


def test_yuan_said_or_unsaid_scales_nothing_and_says_nothing():
    rows = itemised("金额单位：元", income="12,345.00")
    rows[3][3], rows[5][4], rows[7][3] = "100,000.00", "5,000.00", "107,345.00"
    rows[6][3:5] = ["12,345.00", "5,000.00"]
    for line in ("金额单位：元", None):
        rows[1][4] = line
        sheet = read("明细.csv", csv_file(rows))
        assert [r.amount_fen for r in sheet.rows] == [1_234_500, 500_000]
        assert "unit" not in sheet.reading


def test_a_unit_in_a_column_title_is_that_columns_unit():
    rows = [
        ["摘要", "收入（千元）", "支出(元)"],
        ["上期结余", "100", None],
        ["鱼塘承包费", "12.345", None],
        ["道路维修", None, "500.00"],
        ["本期结余", "111.845", None],
    ]
    sheet = read("明细.csv", csv_file(rows))
    assert [r.amount_fen for r in sheet.rows] == [1_234_500, 50_000]
    assert (sheet.opening_fen, sheet.difference_fen) == (10_000_000, 0)
    assert sheet.reading["unit"] == "千元"


def test_more_decimals_than_a_fen_holds_are_refused_naming_the_cell():
    content = xlsx_file(
        itemised("单位：万元", income=1.2345678), saved={"D7": 1.2345678, "E7": 0.5}
    )
    with pytest.raises(ImportRejected) as caught:
        read("明细.xlsx", content)
    problems = [(p.row, p.column, p.key, p.params) for p in caught.value.problems]
    assert (5, "D（收入）", "money.too_precise", {"text": "1.2345678万元"}) in problems


def test_a_formula_in_wan_yuan_is_rounded_to_the_fen_after_scaling():
    """=D5*1.1 saves 1.35795 万元 = 13,579.50 元; the formula's float noise is no refusal."""
    rows = itemised("单位：万元")
    rows[4][3] = "=1.2345*1.1"
    rows[7][3] = 10.85795
    content = xlsx_file(rows, saved={"D5": 1.3579500000000001, "D7": 1.35795, "E7": 0.5})
    sheet = read("明细.xlsx", content)
    assert sheet.rows[0].amount_fen == 1_357_950 and sheet.difference_fen == 0


@pytest.mark.parametrize(
    "text, unit",
    [("单位：万元", 4), ("金额单位：元", 0), ("单位:千元", 3), ("（万元）", 4), ("单位：户", None)],
)
def test_unit_lines(text, unit):
    assert unit_line(text) == unit


def test_units_in_titles_and_the_nearest_line_above_the_header():
    assert (title_unit("金额（万元）"), title_unit("收入(千元)"), title_unit("本期收入万元")) == (
        4,
        3,
        4,
    )
    assert title_unit("补贴标准(元/亩)") is None and title_unit("金额") is None
    assert sheet_unit([["单位：元"], ["", "单位：万元"]]) == 4 and sheet_unit([["公示表"]]) == 0


@given(fen=st.integers(min_value=0, max_value=10**13), unit=st.sampled_from([0, 3, 4]))
def test_scaling_never_loses_or_invents_a_fen(fen, unit):
    """Any amount written in 元, 千元 or 万元 with the decimals it needs reads back to the same
    fen, as text and as the float a workbook stores; one more non-zero decimal is refused."""
    written = Decimal(fen).scaleb(-(unit + 2))
    text = format(written, "f")
    assert parse_amount(text, unit=unit) == fen
    assert parse_cell(float(text), unit=unit) == fen
    if unit:
        with pytest.raises(AmountError) as caught:
            parse_amount(text + ("" if "." in text else ".") + "00000001", unit=unit)
        assert caught.value.reason == "too_precise"

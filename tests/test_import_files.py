"""Bad files get a clear message naming the problem, and nothing is saved (issue 3 §4)."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from bot.services.disclosures.finance_ledger import balance_difference, parse_finance
from bot.services.disclosures.sheet_reading import ImportRejected, read_table
from bot.services.disclosures.subsidy_list import parse_subsidy

LIMITS = {"max_rows": 5000, "max_bytes": 2_000_000}
HEADER = "类型,科目,摘要,本期金额,本年累计\n"


def keys(filename: str, content: bytes, parse=parse_finance) -> list[tuple]:
    with pytest.raises(ImportRejected) as caught:
        parse(read_table(filename, content, **LIMITS))
    return [(p.row, p.column, p.key) for p in caught.value.problems]


def xlsx(rows, *, merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_empty_file():
    assert keys("a.csv", b"") == [(None, None, "imp.empty")]
    assert keys("a.csv", b"\n\n ,,\n") == [(None, None, "imp.empty")]


def test_binary_junk_named_csv():
    assert keys("a.csv", os.urandom(4096) + b"\x00\x01") == [(None, None, "imp.binary")]


def test_ten_megabytes_of_rows_refused_by_size():
    content = (HEADER + "收入,经营收入,租金,100.00,\n" * 400_000).encode()
    assert len(content) > 10_000_000
    assert keys("big.csv", content) == [(None, None, "imp.too_big")]


def test_too_many_rows():
    content = (HEADER + "收入,经营收入,租金,1,\n" * 6000).encode()
    with pytest.raises(ImportRejected) as caught:
        read_table("a.csv", content, max_rows=5000, max_bytes=10_000_000)
    assert caught.value.problems[0].key == "imp.too_many_rows"


def test_wrong_columns_name_what_is_missing():
    with pytest.raises(ImportRejected) as caught:
        parse_finance(read_table("a.csv", "姓名,电话\n张三,1\n".encode(), **LIMITS))
    (problem,) = caught.value.problems
    assert problem.key == "imp.missing_columns"
    assert "类型" in problem.params["missing"] and "姓名" in problem.params["found"]


def test_merged_cells_and_formulas_are_refused_with_their_cells():
    rows = [
        ["类型", "科目", "摘要", "本期金额"],
        ["期初余额", None, None, 100],
        ["收入", "经营收入", "租金", "=10*10"],
        ["期末余额", None, None, "=D2+D3"],
    ]
    problems = keys("a.xlsx", xlsx(rows, merge="B2:C2"))
    assert (None, None, "imp.merged") in problems
    assert (3, "D", "imp.formula") in problems and (4, "D", "imp.formula") in problems


def test_every_row_problem_is_reported_together():
    content = (
        HEADER
        + "期初余额,,,100,\n"
        + '收入,经营收入,租金,"1,23",\n'
        + "支出,,办公,-5,\n"
        + "其他,x,y,1,\n"
    ).encode("gb18030")
    problems = keys("a.csv", content)
    assert (3, "D（本期金额）", "money.ambiguous") in problems
    assert (4, "B（科目）", "imp.required") in problems
    assert (4, "D（本期金额）", "money.negative") in problems
    assert (5, "A（类型）", "imp.bad_row_type") in problems
    assert (None, None, "imp.no_closing") in problems


def test_encodings_read_the_same():
    text = HEADER + "期初余额,,,100,\n收入,经营收入,租金,50,\n期末余额,,,150,\n"
    sheets = [
        parse_finance(read_table("a.csv", text.encode(encoding), **LIMITS))
        for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030")
    ]
    assert all(s == sheets[0] for s in sheets)
    assert sheets[0].difference_fen == 0


def test_subsidy_numbers_masked_and_unknown_columns_dropped():
    content = (
        "户主姓名,补贴项目,金额,备注,身份证号\n张三,补贴,10,电话13812341234,350102199001011123\n"
    ).encode()
    sheet = parse_subsidy(read_table("a.csv", content, **LIMITS))
    (row,) = sheet.rows
    assert row.data["note"] == "电话138****1234"
    assert "350102199001011123" not in str(row.data) and sheet.ignored_columns == ["身份证号"]


amounts = st.lists(st.integers(min_value=0, max_value=10**10), max_size=30)


@given(st.integers(min_value=-(10**10), max_value=10**10), amounts, amounts)
def test_balance_check_property(opening, incomes, expenses):
    closing = opening + sum(incomes) - sum(expenses)
    assert balance_difference(opening, incomes, expenses, closing) == 0
    for delta in (1, -1, 12345):
        assert balance_difference(opening, incomes, expenses, closing + delta) == delta

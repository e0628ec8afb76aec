"""Disclosures as files: templates, CSV and XLSX downloads, the township's yearly archive.

Exports contain only what is stored, and ID, phone and card numbers are never stored unmasked;
beneficiaries' names are masked unless the reader may see them in full (DESIGN §6).
"""

from __future__ import annotations

from decimal import Decimal

from bot.core.safe_sheets import Cell, Sheet, to_xlsx
from bot.services.disclosures.sheet_columns import FINANCE_COLUMNS, SUBSIDY_COLUMNS
from bot.services.masking import mask_name
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure

FINANCE_HEADER = [c.names[0] for c in FINANCE_COLUMNS]
SUBSIDY_HEADER = [c.names[0] for c in SUBSIDY_COLUMNS]
TYPE_NAMES = {"income": "收入", "expense": "支出"}


def yuan(fen: int) -> Decimal:
    """Fen as an amount cell in yuan (``123450`` → ``1234.50``), a number in every sheet."""
    return Decimal(fen).scaleb(-2)


def table(d: Disclosure, rows: list[Row], *, names_full: bool) -> list[list[Cell]]:
    """The header and rows of one disclosure; amounts are numbers in yuan, the rest text."""
    if d.kind == "finance":
        out = [FINANCE_HEADER, ["期初余额", "", "", yuan(d.opening_fen or 0), ""]]
        for r in rows:
            out.append(
                [
                    TYPE_NAMES[r.section],
                    r.data.get("account", ""),
                    r.data.get("description", ""),
                    yuan(r.amount_fen),
                    None if r.ytd_fen is None else yuan(r.ytd_fen),
                ]
            )
        out.append(["期末余额", "", "", yuan(d.closing_fen or 0), ""])
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
                    yuan(r.amount_fen),
                    r.data.get("paid", ""),
                    r.data.get("note", ""),
                ]
            )
        return out
    attachments = [["附件", r.data.get("name", "")] for r in rows if r.section == "attachment"]
    return [["标题", "正文"], [d.title, d.body], *attachments]


def template(kind: str) -> tuple[str, bytes]:
    """An XLSX to fill in, with the expected columns and example lines."""
    if kind == "finance":
        rows = [
            FINANCE_HEADER,
            ["期初余额", "", "", yuan(5000000), ""],
            ["收入", "经营收入", "鱼塘承包费", yuan(1200000), yuan(3600000)],
            ["收入", "补助收入", "村级组织运转经费", yuan(3000000), yuan(9000000)],
            ["支出", "管理费用", "办公用品", yuan(125050), yuan(310000)],
            ["支出", "公益支出", "村道修补", yuan(2000000), yuan(2000000)],
            ["支出", "管理费用", "招待费", yuan(0), yuan(0)],
            ["期末余额", "", "", yuan(7074950), ""],
        ]
        return "财务收支公开模板.xlsx", to_xlsx([Sheet("财务收支", rows)])
    rows = [
        SUBSIDY_HEADER,
        [
            "一组",
            "张三",
            "耕地地力保护补贴",
            "12.5亩",
            "131.42元/亩",
            yuan(164275),
            "一卡通 2026-09-20",
            "",
        ],
        [
            "二组",
            "李四",
            "耕地地力保护补贴",
            "8亩",
            "131.42元/亩",
            yuan(105136),
            "一卡通 2026-09-20",
            "",
        ],
    ]
    return "惠农补贴公示模板.xlsx", to_xlsx([Sheet("补贴名单", rows)])


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
                d.id,
                village,
                d.category,
                d.period,
                d.title,
                d.version,
                d.status,
                d.published_at.isoformat(timespec="minutes") if d.published_at else "",
                d.superseded_by_id,
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
            details.append([d.id, village, d.period, section, who, what, yuan(r.amount_fen)])
    return to_xlsx([Sheet("目录", catalogue), Sheet("明细", details)])

"""An official sends the tables a township template gives (tests/data/disclosures): a summary
in 万元 under a two-row header with 一级/二级科目, and a beneficiary list in 万元 with the group
written in the 户主 cell. The preview says how each file was read; the lines are stored in fen."""

from __future__ import annotations

from storage import disclosure_rows
from tests.test_disclosure_e2e import (
    DATA,
    OFFICIAL,
    draft_finance,
    edited,
    send_file,
    village,
)

__all__ = ["village"]  # the fixture, imported for pytest


def draft_id(answer: dict) -> int:
    return int(answer["text"].split("#", 1)[1].split(" ", 1)[0])


async def test_a_two_row_summary_in_wan_yuan_with_nested_items(village, emulator, chat):
    official = chat(OFFICIAL)
    await draft_finance(emulator, official)
    content = (DATA / "ledger_two_rows_wanyuan.xlsx").read_bytes()
    answer = await send_file(emulator, official, "汇总.xlsx", content)
    assert "已导入 6 行" in answer["text"] and "账目平衡" in answer["text"]
    assert "按第2、3行两行表头读取；单位万元已换算为元" in answer["text"]
    assert "第5行 本期收入 已核对" in answer["text"] and "第6行 经营收入 已核对" in answer["text"]
    rows = disclosure_rows.rows_of(village.store.db, draft_id(answer))
    assert [(r.data["account"], r.amount_fen, r.ytd_fen) for r in rows][:2] == [
        ("鱼塘承包", 2_000_000, 6_000_000),
        ("门面租金", 3_000_000, 9_000_000),
    ]


async def test_a_beneficiary_list_keeps_the_name_and_the_group_apart(village, emulator, chat):
    official = chat(OFFICIAL)
    (kinds,) = await official.say("/draft subsidy")
    await official.press(kinds, "dcat:1")
    await edited(emulator, kinds, "2026Q")
    await official.say("2026Q4")
    content = (DATA / "subsidy_two_rows_wanyuan.csv").read_bytes()
    answer = await send_file(emulator, official, "补贴.csv", content)
    assert "已导入 2 行" in answer["text"]
    assert "按第3、4行两行表头读取；单位万元已换算为元" in answer["text"]
    assert "2 个户主栏里写的组别已单独列出" in answer["text"]
    rows = disclosure_rows.rows_of(village.store.db, draft_id(answer))
    assert [(r.data["head"], r.data["group"], r.amount_fen) for r in rows] == [
        ("王秀英", "三组", 68338),
        ("李四", "1组", 39426),
    ]

"""A long list is previewed in one message and one file, never split into dozens of messages
(issue "Real village data" §3), for the official and for every supervisor (REV-01)."""

from __future__ import annotations

import asyncio

from tests.conftest import eventually
from tests.test_disclosure_e2e import OFFICIAL, SUP1, SUP2, SUP3, edited, village  # noqa: F401

ROWS = 4000
HEADER = "村民小组,户主姓名,补贴项目,数量,标准,金额,发放日期/方式,备注\n"


def subsidy_list(rows: int = ROWS) -> bytes:
    lines = [
        f"{n % 9 + 1}组,村民{n:04d},耕地地力保护补贴,{n % 20 + 1}亩,131.42元/亩,"
        f"{(n % 20 + 1) * 131.42:.2f},一卡通 2026-09-20,\n"
        for n in range(1, rows + 1)
    ]
    return (HEADER + "".join(lines)).encode("utf-8")


def total_yuan(rows: int = ROWS) -> str:
    fen = sum((n % 20 + 1) * 13142 for n in range(1, rows + 1))
    return f"{fen // 100:,}.{fen % 100:02d}"


def after(emulator, chat_id: int, first: int) -> list[dict]:
    return [m for m in emulator.messages(chat_id) if m["message_id"] > first]


async def settled(emulator, chat_id: int, first: int, count: int) -> list[dict]:
    """The messages after `first` once `count` have come and nothing more follows."""
    await eventually(lambda: len(after(emulator, chat_id, first)) >= count)
    await asyncio.sleep(0.5)  # anything more queued would have been sent by now
    return after(emulator, chat_id, first)


def document_rows(emulator, message: dict) -> list[str]:
    content = emulator.state.files[message["document"]["file_id"]].content
    return content.decode("utf-8-sig").strip().splitlines()


async def test_a_4000_row_list_is_one_message_and_one_file(village, emulator, chat):  # noqa: F811
    official = chat(OFFICIAL)
    (kinds,) = await official.say("/draft subsidy")
    await official.press(kinds, "dcat:1")
    await edited(emulator, kinds, "2026Q")
    (ask_file,) = await official.say("2026Q4")
    await emulator.send_document(OFFICIAL, "补贴清单.csv", subsidy_list())
    file, preview = await settled(emulator, OFFICIAL, ask_file["message_id"], 2)
    assert "document" in file and "text" in preview
    assert len(document_rows(emulator, file)) == ROWS + 1  # header and every row
    text = preview["text"]
    assert f"共 {ROWS} 户" in text and total_yuan() in text
    assert "村民0001" in text and "村民4000" in text and "村民2000" not in text
    assert "省略 3992 行" in text and "已导入 4000 行" in text
    assert len(text) < 3800
    disclosure_id = int(text.split("#", 1)[1].split(" ", 1)[0])
    await official.press(preview, f"dsub:{disclosure_id}")
    for sup in (SUP1, SUP2, SUP3):
        file, request = await settled(emulator, sup, 0, 2)
        assert "document" in file and len(document_rows(emulator, file)) == ROWS + 1
        assert "村民0001" in request["text"] and "省略 3992 行" in request["text"]
        assert f"dapp:{disclosure_id}:1" in str(request["reply_markup"])
    # /review gives the same preview: one message and one file per waiting item.
    before = max(m["message_id"] for m in emulator.messages(SUP1))
    await emulator.send_text(SUP1, "/review")
    _header, file, item = await settled(emulator, SUP1, before, 3)
    assert "document" in file and "村民4000" in item["text"]
    # /show keeps one message, with the file a button away.
    before = max(m["message_id"] for m in emulator.messages(OFFICIAL))
    await emulator.send_text(OFFICIAL, f"/show {disclosure_id}")
    (shown,) = await settled(emulator, OFFICIAL, before, 1)
    assert "省略 3992 行" in shown["text"] and "dexp:" in str(shown["reply_markup"])


async def test_a_short_list_is_shown_whole_without_a_file(village, emulator, chat):  # noqa: F811
    official = chat(OFFICIAL)
    (kinds,) = await official.say("/draft subsidy")
    await official.press(kinds, "dcat:1")
    await edited(emulator, kinds, "2026Q")
    (ask_file,) = await official.say("2026Q4")
    await emulator.send_document(OFFICIAL, "补贴清单.csv", subsidy_list(8))
    (preview,) = await settled(emulator, OFFICIAL, ask_file["message_id"], 1)
    assert all(f"村民{n:04d}" in preview["text"] for n in range(1, 9))
    assert "省略" not in preview["text"]

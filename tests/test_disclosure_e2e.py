"""Disclosures end to end through the emulator with the real client (issue 3 acceptance)."""

from __future__ import annotations

import io
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from storage import members, users
from tests.conftest import STAFF, eventually

DATA = Path(__file__).parent / "data" / "disclosures"
CHANNEL = -1001000000001
OFFICIAL, SUP1, SUP2, SUP3, RESIDENT = 1002, 1003, 1004, 2003, 1001
DAY10 = datetime(2027, 1, 10, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai, publication of 2026Q4


def grant(runtime, user_id: int, role: str, village: str = "qingshan") -> int:
    with runtime.store.transaction() as db:
        users.ensure(db, user_id)
        return members.add(db, user_id, role, village)


@pytest.fixture
def village(runtime, emulator):
    emulator.add_user(SUP3, "周监委", language_code="zh-hans")
    grant(runtime, OFFICIAL, "official")
    for sup in (SUP1, SUP2, SUP3):
        grant(runtime, sup, "supervisor")
    grant(runtime, RESIDENT, "resident")
    return runtime


async def edited(emulator, message: dict, needle: str) -> dict:
    """The pressed message once the bot (through the outbox) edited it into the next step."""

    def ready():
        for m in emulator.messages(message["chat"]["id"]):
            if m["message_id"] == message["message_id"] and needle in (m.get("text") or ""):
                return m
        return None

    return await eventually(ready)


async def draft_finance(emulator, official, period: str = "2026Q4") -> None:
    kinds = await official.say_for("/draft", button="dkind:")
    await official.press(kinds, "dkind:finance")
    # The kind decides the category (财务收支): the next question is the period.
    ask_period = await edited(emulator, kinds, "2026Q")
    assert "dcat:" not in str(ask_period["reply_markup"])
    assert ask_period["reply_markup"]["inline_keyboard"][0][0]["callback_data"].startswith("dper:")
    ask_file = await official.say_for(period, "文件")
    assert "文件" in ask_file["text"] and "dtpl:finance" in str(ask_file["reply_markup"])


async def send_file(emulator, official, name: str, content: bytes, *, button: str = "") -> dict:
    """Send a file; the answer (with a button whose data starts with `button`, when given)."""
    await emulator.send_document(official.user_id, name, content)
    if button:
        return await official.reply_with(button=button)
    (answer,) = await official.replies()
    return answer


def db_dump(runtime) -> str:
    conn = sqlite3.connect(runtime.store.path)
    try:
        return "\n".join(line for line in conn.iterdump())
    finally:
        conn.close()


async def ask(emulator, person, text: str) -> dict:
    """Say something and take the answer, whatever notices arrived before."""
    person.seen = max((m["message_id"] for m in emulator.messages(person.user_id)), default=0)
    (answer,) = await person.say(text)
    return answer


async def review_messages(emulator, user_id: int, after: int = 0) -> dict:
    def ready():
        found = [
            m
            for m in emulator.messages(user_id)
            if m["message_id"] > after and m.get("reply_markup")
        ]
        return found[-1] if found else None

    return await eventually(ready)


async def test_finance_ledger_from_import_to_publication_and_correction(village, emulator, chat):
    await finance_ledger(village, emulator, chat)


async def finance_ledger(village, emulator, chat) -> None:
    """From import through sign-off to publication and correction (also run under Telegram
    faults, tests/test_faults.py)."""
    runtime = village
    browsing = runtime.services.disclosures.browsing
    official = chat(OFFICIAL)
    resident = chat(RESIDENT)
    choices = await resident.say_for("/subscribe", button="dfol:")
    await resident.press(choices, "dfol:1")  # 财务收支
    subscribed = await resident.reply_with("已订阅")
    assert "已订阅" in subscribed["text"]

    await draft_finance(emulator, official)
    # UTF-8 CSV that does not balance: saved as a draft, submission refused with the difference.
    answer = await send_file(
        emulator,
        official,
        "账目.csv",
        (DATA / "ledger_unbalanced.csv").read_bytes(),
        button="dsub:",
    )
    assert "已导入 5 行" in answer["text"] and "相差 +300.00" in answer["text"]
    disclosure_id = int(answer["text"].split("#", 1)[1].split(" ", 1)[0])
    await official.press(answer, f"dsub:{disclosure_id}")
    refused = await eventually(
        lambda: [a for a in emulator.callback_answers() if "账目不平" in (a.get("text") or "")]
    )
    assert "+300.00" in refused[0]["text"]
    assert (
        browsing.view(runtime.services.membership.person(OFFICIAL), disclosure_id).disclosure.status
        == "draft"
    )

    # The GBK file fixes it (same draft, rows replaced); XLSX reads the same.
    answer = await send_file(
        emulator,
        official,
        "账目.csv",
        (DATA / "ledger_balanced_gbk.csv").read_bytes(),
        button="dsub:",
    )
    assert "账目平衡" in answer["text"] and f"#{disclosure_id}" in answer["text"]
    answer = await send_file(
        emulator,
        official,
        "账目.xlsx",
        (DATA / "ledger_balanced.xlsx").read_bytes(),
        button="dsub:",
    )
    assert "账目平衡" in answer["text"] and "70,449.50" in answer["text"]
    await official.press(answer, f"dsub:{disclosure_id}")
    submitted = await official.reply_with("已提交")
    assert "已提交" in submitted["text"]

    # Every supervisor gets the preview with buttons; hospitality (招待费) is flagged (CAT-11).
    requests = {sup: await review_messages(emulator, sup) for sup in (SUP1, SUP2, SUP3)}
    assert "招待费应为 0" in requests[SUP1]["text"]
    await chat(SUP1).press(requests[SUP1], f"dapp:{disclosure_id}:1")
    await chat(SUP2).press(requests[SUP2], f"dapp:{disclosure_id}:1")
    sup3 = chat(SUP3)
    sup3.seen = requests[SUP3]["message_id"]
    await sup3.press(requests[SUP3], f"drej:{disclosure_id}:1")
    ask_reason = await sup3.reply_with("理由")
    assert "理由" in ask_reason["text"]
    await sup3.say("招待费不应列支，请核实")
    rejected = await eventually(
        lambda: [
            m for m in emulator.messages(OFFICIAL) if "被 周监委 驳回" in (m.get("text") or "")
        ]
    )
    assert "招待费不应列支" in rejected[-1]["text"]
    d = browsing.view(runtime.services.membership.person(OFFICIAL), disclosure_id).disclosure
    assert d.status == "draft" and d.reject_reason == "招待费不应列支，请核实"

    # The official edits (new file), resubmits; all three approve round 2 (REV-01: all).
    official.seen = rejected[-1]["message_id"]
    await official.press(rejected[-1], f"dedit:{disclosure_id}")
    await official.reply_with("文件")  # asks for the new file
    answer = await send_file(
        emulator,
        official,
        "账目.xlsx",
        (DATA / "ledger_balanced.xlsx").read_bytes(),
        button="dsub:",
    )
    await official.press(answer, f"dsub:{disclosure_id}")
    await official.reply_with("已提交")
    for sup in (SUP1, SUP2, SUP3):
        request = await review_messages(emulator, sup, after=requests[sup]["message_id"])
        await chat(sup).press(request, f"dapp:{disclosure_id}:2")
    await eventually(
        lambda: (
            browsing.view(
                runtime.services.membership.person(OFFICIAL), disclosure_id
            ).disclosure.status
            == "approved"
        )
    )
    # An old round's button no longer works.
    await chat(SUP1).press(requests[SUP1], f"dapp:{disclosure_id}:1")
    answers = await eventually(
        lambda: [a for a in emulator.callback_answers() if "已经结束" in (a.get("text") or "")]
    )
    assert answers

    # Nothing before day 10; on day 10 09:00 the scheduler publishes, exactly once.
    assert (
        runtime.services.ticker.run(datetime(2027, 1, 10, 0, 59, tzinfo=UTC))["disclosures.publish"]
        == 0
    )
    assert runtime.services.ticker.run(DAY10)["disclosures.publish"] == 1
    assert runtime.services.ticker.run(DAY10)["disclosures.publish"] == 0
    posted = await eventually(
        lambda: [
            m for m in emulator.messages(CHANNEL) if f"#{disclosure_id}" in (m.get("text") or "")
        ]
    )
    text = posted[0]["text"]
    assert "监委签字" in text and "周监委" in text and "备案校验码" in text
    notice = await eventually(
        lambda: [
            m
            for m in emulator.messages(RESIDENT)
            if f"/show {disclosure_id}" in (m.get("text") or "")
        ]
    )
    assert notice

    # Browse and search (Chinese substrings).
    resident.seen = notice[-1]["message_id"]
    listing = await resident.say_for("/disclosures", f"#{disclosure_id}")
    assert f"#{disclosure_id}" in listing["text"]
    found = await resident.say_for("/search 鱼塘", f"#{disclosure_id}")
    assert f"#{disclosure_id}" in found["text"]
    found = await resident.say_for("/search 村道修补", f"#{disclosure_id}")
    assert f"#{disclosure_id}" in found["text"]

    # Correction: a second version through the same sign-off; the first is marked superseded.
    official.seen = max(m["message_id"] for m in emulator.messages(OFFICIAL))
    started = await official.say_for(f"/correct {disclosure_id}", "创建更正版本")
    await official.reply_with("文件")
    new_id = int(re.search(r"#(\d+)", started["text"]).group(1))
    answer = await send_file(
        emulator,
        official,
        "更正.xlsx",
        (DATA / "ledger_corrected.xlsx").read_bytes(),
        button="dsub:",
    )
    await official.press(answer, f"dsub:{new_id}")
    await official.reply_with("已提交")
    for sup in (SUP1, SUP2, SUP3):
        request = await eventually(
            lambda s=sup: [
                m for m in emulator.messages(s) if f"dapp:{new_id}:1" in str(m.get("reply_markup"))
            ]
        )
        await chat(sup).press(request[-1], f"dapp:{new_id}:1")
    await eventually(
        lambda: (
            len([m for m in emulator.messages(CHANNEL) if f"#{new_id}" in (m.get("text") or "")])
            >= 1
        )
    )
    reader = runtime.services.membership.person(RESIDENT)
    old = browsing.view(reader, disclosure_id).disclosure
    new = browsing.view(reader, new_id).disclosure
    assert old.status == "superseded" and old.superseded_by_id == new_id
    assert new.status == "published" and new.version == 2 and new.supersedes_id == disclosure_id
    await eventually(
        lambda: [
            m for m in emulator.messages(RESIDENT) if f"/show {new_id}" in (m.get("text") or "")
        ]
    )
    resident.seen = max(m["message_id"] for m in emulator.messages(RESIDENT))
    shown = await resident.say_for(f"/show {disclosure_id}", f"/show {new_id}")
    assert f"/show {new_id}" in shown["text"]
    shown = await resident.say_for(f"/show {new_id}", "更正内容")
    assert "更正内容" in shown["text"] and "1,250.50 → 1,350.50" in shown["text"]

    # Export of the new version as XLSX.
    await emulator.send_text(RESIDENT, f"/export {new_id} xlsx")
    document = await eventually(lambda: [m for m in emulator.messages(RESIDENT) if "document" in m])
    content = emulator.state.files[document[-1]["document"]["file_id"]].content
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]][:2] == ["类型", "科目"]

    filings = runtime.store.db.execute("SELECT count(*) FROM disclosure_filings").fetchone()[0]
    assert filings == 2


async def test_subsidy_list_is_masked_everywhere(village, emulator, chat):
    runtime = village
    official = chat(OFFICIAL)
    (kinds,) = await official.say("/draft subsidy")
    await official.press(kinds, "dcat:1")
    await edited(emulator, kinds, "2026Q")
    await official.say("2026Q4")
    answer = await send_file(
        emulator, official, "补贴.csv", (DATA / "subsidy_with_ids.csv").read_bytes()
    )
    assert "已导入 2 行" in answer["text"] and "身份证号" in answer["text"]  # ignored columns
    disclosure_id = int(answer["text"].split("#", 1)[1].split(" ", 1)[0])
    await official.press(answer, f"dmaj:{disclosure_id}")  # major: published at once (SCH-02)
    await official.press(answer, f"dsub:{disclosure_id}")
    for sup in (SUP1, SUP2, SUP3):
        request = await review_messages(emulator, sup)
        await chat(sup).press(request, f"dapp:{disclosure_id}:1")
    posted = await eventually(
        lambda: [
            m for m in emulator.messages(CHANNEL) if f"#{disclosure_id}" in (m.get("text") or "")
        ]
    )
    assert "张*丰" in posted[0]["text"] and "李*" in posted[0]["text"]
    assert "张三丰" not in posted[0]["text"]
    # A resident not verified sees masked names; after /verify, full names in private chat.
    resident = chat(RESIDENT)
    shown = await ask(emulator, resident, f"/show {disclosure_id}")
    assert "张*丰" in shown["text"]
    member_id = runtime.store.db.execute(
        "SELECT id FROM members WHERE user_id = ? AND role = 'resident'", [RESIDENT]
    ).fetchone()[0]
    verified = await ask(emulator, official, f"/verify {member_id}")
    assert "已确认" in verified["text"]
    shown = await ask(emulator, resident, f"/show {disclosure_id}")
    assert "张三丰" in shown["text"]
    await emulator.send_text(STAFF, f"/export {disclosure_id} csv")
    document = await eventually(lambda: [m for m in emulator.messages(STAFF) if "document" in m])
    exported = emulator.state.files[document[-1]["document"]["file_id"]].content.decode("utf-8-sig")
    await emulator.send_text(STAFF, "/export_year 2026")
    yearly = await eventually(
        lambda: (
            [m for m in emulator.messages(STAFF) if "document" in m and m is not document[-1]][1:]
            or None
        )
    )
    year_bytes = emulator.state.files[yearly[-1]["document"]["file_id"]].content
    year_text = " ".join(
        str(c.value) for ws in load_workbook(io.BytesIO(year_bytes)) for row in ws for c in row
    )
    everything = [db_dump(runtime), posted[0]["text"], exported, year_text]
    everything += [
        (m.get("text") or "")
        for chat_id in (OFFICIAL, SUP1, RESIDENT)
        for m in emulator.messages(chat_id)
    ]
    for secret in (
        "350102199001011123",
        "13812341234",
        "6222020200001234567",
        "35010219800202112X",
        "6222 0202 0000 9876",
        "350102198002021127",
    ):
        for place in everything:
            assert secret not in place
    assert "138****1234" in exported and "35*************12X" in exported


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def test_one_line_notice_with_attachments_published_to_the_village_chat(
    village, emulator, chat
):
    runtime = village
    official = chat(OFFICIAL)
    (draft,) = await official.say("/draft notice 政策 停水通知 | 明天上午8点至12点停水检修。")
    assert "停水通知" in draft["text"] and "附件" in draft["text"]
    disclosure_id = int(re.search(r"#(\d+)", draft["text"]).group(1))
    d = runtime.services.disclosures.browsing.view(
        runtime.services.membership.person(OFFICIAL), disclosure_id
    ).disclosure
    assert (
        d.kind == "notice" and d.category == "政策" and re.fullmatch(r"\d{4}-\d\d-\d\d", d.period)
    )

    await emulator.send_photo(OFFICIAL, PNG, caption="施工图")
    (added,) = await official.replies()
    assert "1/10" in added["text"]
    await emulator.send_document(
        OFFICIAL, "停水范围.pdf", b"%PDF-1.4 test", mime_type="application/pdf"
    )
    (added,) = await official.replies()
    assert "2/10" in added["text"]
    # The answers came from the outbox, queued with their changes (DESIGN §7).
    keys = [
        r[0]
        for r in runtime.store.db.execute(
            "SELECT idempotency_key FROM outbox WHERE chat_id = ? AND priority = 0", [OFFICIAL]
        ).fetchall()
    ]
    assert len([k for k in keys if k.endswith(":answer")]) >= 3

    await official.press(draft, f"dmaj:{disclosure_id}")
    (major,) = await official.replies()
    assert "重大事项" in major["text"]
    await official.press(draft, f"dsub:{disclosure_id}")
    (submitted,) = await official.replies()
    assert "已提交" in submitted["text"]
    for sup in (SUP1, SUP2, SUP3):
        request = await review_messages(emulator, sup)
        media = [m for m in emulator.messages(sup) if "photo" in m or "document" in m]
        assert len(media) == 2  # the supervisor signs what will be published, files included
        await chat(sup).press(request, f"dapp:{disclosure_id}:1")
    posted = await eventually(
        lambda: (
            len([m for m in emulator.messages(CHANNEL) if "photo" in m or "document" in m]) == 2
            and emulator.messages(CHANNEL)
        )
    )
    texts = [m.get("text") or "" for m in posted]
    assert any("停水通知" in text and "停水范围.pdf" in text for text in texts)
    assert posted[-1]["document"]["file_name"] == "停水范围.pdf"
    assert "photo" in posted[-2]
    assert [m for m in posted if "text" in m][-1]["message_id"] < posted[-2]["message_id"]


async def test_cancel_and_refusals(village, emulator, chat):
    official = chat(OFFICIAL)
    (usage,) = await official.say("/draft notice 只有标题没有正文")
    assert "/draft notice" in usage["text"]  # refused directly, nothing saved
    (ask_category,) = await official.say("/draft subsidy")
    assert ask_category["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "dcat:0"
    (cancelled,) = await official.say("/cancel")
    assert "取消" in cancelled["text"]
    assert runtime_form(village, OFFICIAL) is None
    (nothing,) = await official.say("/cancel")
    assert nothing["text"] != cancelled["text"]


def runtime_form(runtime, user_id: int):
    return runtime.services.disclosures.form.form(user_id)

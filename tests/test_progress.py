"""Long work shows one progress message, edited as it advances and ending "done"; quick work
shows none (issue "Real village data" §3). The threshold is configurable, so tests are fast."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.delivery.messages import Text, queue
from bot.services.disclosures.importing import Importing
from run import Runtime
from storage import outbox
from tests.conftest import STAFF, eventually, make_config
from tests.test_disclosure_e2e import OFFICIAL, edited, village  # noqa: F401
from tests.test_large_files import after, subsidy_list

QUICK = {"after_seconds": 0.05, "every_seconds": 0.05}


@pytest.fixture
async def runtime(tmp_path: Path, emulator, request) -> AsyncIterator[Runtime]:
    """The bot with progress shown after `QUICK` seconds (or as parametrized)."""
    progress = getattr(request, "param", QUICK)
    rt = Runtime(make_config(tmp_path, emulator, progress=progress))
    await rt.start()
    yield rt
    await rt.stop()


def progress_calls(emulator, chat_id: int) -> tuple[list[dict], list[dict]]:
    """The progress messages sent to a chat, and every edit made to them."""
    sent = [
        p
        for method, p in emulator.state.log
        if method == "sendMessage" and p.get("chat_id") == chat_id and "⏳" in p.get("text", "")
    ]
    edits = [
        p
        for method, p in emulator.state.log
        if method == "editMessageText" and p.get("chat_id") == chat_id and "导入文件" in p["text"]
    ]
    return sent, edits


async def start_subsidy_draft(emulator, chat) -> int:
    official = chat(OFFICIAL)
    (kinds,) = await official.say("/draft subsidy")
    await official.press(kinds, "dcat:1")
    await edited(emulator, kinds, "2026Q")
    (ask_file,) = await official.say("2026Q4")
    return ask_file["message_id"]


async def test_a_slow_import_shows_one_message_edited_until_done(
    village,  # noqa: F811
    emulator,
    chat,
    monkeypatch,
):
    read = Importing.read

    def slow_read(self, kind: str, filename: str, content: bytes):
        time.sleep(0.5)  # in the pool: a workbook that takes a while to read
        return read(self, kind, filename, content)

    monkeypatch.setattr(Importing, "read", slow_read)
    first = await start_subsidy_draft(emulator, chat)
    await emulator.send_document(OFFICIAL, "补贴清单.csv", subsidy_list(400))

    def texts() -> list[str]:
        return [m.get("text") or "" for m in after(emulator, OFFICIAL, first)]

    # Edited in place: once it says done, its earlier texts are gone from the chat.
    await eventually(lambda: any("导入文件完成" in text for text in texts()))
    await eventually(lambda: any("已导入 400 行" in text for text in texts()))
    sent, edits = progress_calls(emulator, OFFICIAL)
    assert len(sent) == 1
    (progress_id,) = {e["message_id"] for e in edits}
    assert len(edits) >= 2 and "导入文件完成" in edits[-1]["text"]
    (shown,) = [m for m in after(emulator, OFFICIAL, first) if m["message_id"] == progress_id]
    assert "导入文件完成" in shown["text"]


@pytest.mark.parametrize("runtime", [{}], indirect=True)  # the default threshold, seconds
async def test_quick_work_shows_no_progress(runtime, village, emulator, chat):  # noqa: F811
    first = await start_subsidy_draft(emulator, chat)
    await emulator.send_document(OFFICIAL, "补贴清单.csv", subsidy_list(20))
    await eventually(lambda: after(emulator, OFFICIAL, first))
    await asyncio.sleep(0.3)
    assert progress_calls(emulator, OFFICIAL) == ([], [])
    assert all("⏳" not in (m.get("text") or "") for m in emulator.messages(OFFICIAL))


async def test_an_edit_waits_for_the_message_it_edits(runtime, emulator):
    """The worker resolves `edit_of_key` to the sent message id, and only the newest edit of a
    burst is sent."""
    with runtime.store.transaction() as db:
        queue(db, "p", STAFF, Text("⏳ 1"), priority=outbox.INTERACTIVE)
        for n in (2, 3):
            outbox.drop_pending(db, "p:edit:")
            queue(db, f"p:edit:{n}", STAFF, Text(f"⏳ {n}", edit_of_key="p"), priority=0)
    await eventually(lambda: outbox.get(runtime.store.db, "p:edit:3").status == "sent")
    assert outbox.get(runtime.store.db, "p:edit:2") is None
    (message,) = emulator.messages(STAFF)
    assert message["text"] == "⏳ 3"


async def test_an_edit_of_a_message_never_sent_gives_up(runtime, emulator):
    with runtime.store.transaction() as db:
        queue(db, "gone:edit:1", STAFF, Text("⏳", edit_of_key="gone"), priority=0)
    found = await eventually(lambda: outbox.get(runtime.store.db, "gone:edit:1").status == "failed")
    assert found and emulator.messages(STAFF) == []

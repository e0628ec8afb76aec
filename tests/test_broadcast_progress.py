"""A publication sent to many subscribers shows its author how far the sending has come: one
message, edited as the notices leave, ending "done" (issue "Real village data" §3)."""

from __future__ import annotations

from pathlib import Path

from bot.config import parse_config
from run import Runtime
from storage import broadcasts, disclosure_subscriptions, users
from storage.db import Store
from tests.conftest import eventually
from tests.test_disclosure_crash import OFFICIAL, approved_ledger, config_data, db_path

__all__ = ["config_data", "db_path"]  # fixtures, imported for pytest

SUBSCRIBERS = range(7000, 7040)


def with_subscribers(db_path: Path, config_data: dict) -> int:
    """The approved ledger of the crash tests, followed by forty more residents."""
    disclosure_id = approved_ledger(db_path, config_data)
    store = Store(db_path)
    try:
        with store.transaction() as db:
            for user_id in SUBSCRIBERS:
                users.ensure(db, user_id)
                disclosure_subscriptions.subscribe(db, user_id, "qingshan", "*")
    finally:
        store.close()
    return disclosure_id


async def test_a_long_broadcast_shows_its_author_one_message_edited_until_done(
    tmp_path, emulator, config_data, db_path
):
    for user_id in SUBSCRIBERS:
        emulator.add_user(user_id, f"村民{user_id}")
    with_subscribers(db_path, config_data)
    config_data["outbox"] = {**config_data.get("outbox", {}), "global_per_second": 10}
    config_data["progress"] = {"after_seconds": 0.3, "every_seconds": 0.3}
    rt = Runtime(parse_config(config_data, environ={}))
    await rt.start()
    try:

        def progress(method: str) -> list[dict]:
            return [
                p for m, p in emulator.state.log
                if m == method and p["chat_id"] == OFFICIAL and "发送公开通知" in p["text"]
            ]  # fmt: skip

        await eventually(lambda: any("完成" in p["text"] for p in progress("editMessageText")), 30)
        shown, edits = progress("sendMessage"), progress("editMessageText")
        assert len(shown) == 1 and "/41" in shown[0]["text"], shown
        assert "完成" in edits[-1]["text"] and len(edits) >= 2, edits
        assert broadcasts.unfinished(rt.store.db) == []
    finally:
        await rt.stop()


def test_a_quick_broadcast_shows_nothing(tmp_path, config_data, db_path):
    """Finished before the threshold: followed, finished, never shown."""
    from bot.config import ProgressConfig
    from bot.delivery.broadcast_progress import BroadcastProgress
    from storage.times import utcnow

    store = Store(db_path)
    try:
        with store.transaction() as db:
            broadcasts.start(db, "publish:1:sub:", OFFICIAL, "zh-CN", 3, utcnow())
        follower = BroadcastProgress(store, ProgressConfig(after_seconds=60, every_seconds=1))
        follower.check(0.0)
        assert broadcasts.unfinished(store.db) == []
        assert not store.db.execute("SELECT count(*) FROM outbox").fetchone()[0]
    finally:
        store.close()

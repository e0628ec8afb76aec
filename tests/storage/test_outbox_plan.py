"""The outbox is picked through its indexes: the cost per message stays flat as the queue grows."""

from __future__ import annotations

import pytest

from storage import outbox


def plan(db, sql: str, params: list) -> str:
    return " | ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params))


@pytest.mark.parametrize(
    ("sql", "params", "index"),
    [
        (outbox._NEXT_PRIORITY, [0], "outbox_due"),
        (outbox._FIRST_DUE.format(busy=""), [0, "2026-01-01"], "outbox_due"),
        (
            outbox._FIRST_DUE.format(busy=outbox._not_busy([5, 6])),
            [0, "2026-01-01", 5, 6],
            "outbox_due",
        ),
        (outbox._EARLIEST.format(busy=""), [0], "outbox_due"),
        (outbox._EARLIEST.format(busy=outbox._not_busy([5])), [0, 5], "outbox_due"),
        (outbox._HOLD_CHAT, ["2026-01-01", 5, "2026-01-01"], "outbox_chat_pending"),
        (
            outbox._FAILED_AHEAD.format(kinds="?,?"),
            [5, 40, 0, "text", "photo"],
            "outbox_chat_pending",
        ),
        (
            outbox._HOLD_BEHIND.format(kinds="?,?"),
            ["2026-01-01", 5, 1, 0, "text", "photo", "2026-01-01"],
            "outbox_chat_pending",
        ),
    ],
    ids=[
        "next priority",
        "first due",
        "first due, chats busy",
        "earliest",
        "earliest, chats busy",
        "hold chat",
        "failed ahead",
        "hold behind",
    ],
)
def test_picking_searches_an_index_and_never_scans_the_outbox(store, sql, params, index):
    with store.transaction() as db:
        for n in range(50):
            outbox.enqueue(db, f"k{n}", n, "text", {"text": "x"}, priority=n % 3)
        db.execute("ANALYZE")
    described = plan(store.db, sql, params)
    assert f"SEARCH outbox USING COVERING INDEX {index}" in described or (
        f"SEARCH outbox USING INDEX {index}" in described
    ), described
    assert "SCAN" not in described and "TEMP B-TREE" not in described, described

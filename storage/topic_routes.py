"""Which official receives a village's topics of a category, as township staff set it (/route)."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from storage.times import to_text


def set_route(
    db: Database, village_code: str, category: str, user_id: int, set_by: int, at: datetime
) -> None:
    """Route a village's category (or 'head') to an official, replacing any earlier route."""
    db.execute(
        "INSERT INTO topic_routes (village_code, category, user_id, set_by, set_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(village_code, category) DO UPDATE SET "
        "user_id = excluded.user_id, set_by = excluded.set_by, set_at = excluded.set_at",
        [village_code, category, user_id, set_by, to_text(at)],
    )


def clear_route(db: Database, village_code: str, category: str) -> bool:
    """Drop a route; False when there was none."""
    cur = db.execute(
        "DELETE FROM topic_routes WHERE village_code = ? AND category = ?",
        [village_code, category],
    )
    return cur.rowcount == 1


def routes(db: Database, village_code: str) -> dict[str, int]:
    """category (or 'head') → official's user id, as township staff set it with /route."""
    rows = db.query(
        "SELECT category, user_id FROM topic_routes WHERE village_code = ?", [village_code]
    )
    return {r["category"]: r["user_id"] for r in rows}

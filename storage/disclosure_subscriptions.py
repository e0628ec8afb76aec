"""Who follows which village's disclosure categories (`disclosure_subscriptions`)."""

from __future__ import annotations

from sqlite_utils import Database

from storage.times import now_text


def subscribe(db: Database, user_id: int, village_code: str, category: str) -> bool:
    """Subscribe to a village's category ('*' = everything); True when new."""
    cur = db.execute(
        "INSERT OR IGNORE INTO disclosure_subscriptions (user_id, village_code, category, "
        "created_at) VALUES (?, ?, ?, ?)",
        [user_id, village_code, category, now_text()],
    )
    return cur.rowcount == 1


def unsubscribe(db: Database, user_id: int, village_code: str, category: str | None) -> int:
    """Drop one subscription, or all of a person's when category is None."""
    if category is None:
        sql, params = "DELETE FROM disclosure_subscriptions WHERE user_id = ?", [user_id]
    else:
        sql = (
            "DELETE FROM disclosure_subscriptions WHERE user_id = ? AND village_code = ? "
            "AND category = ?"
        )
        params = [user_id, village_code, category]
    return db.execute(sql, params).rowcount


def subscriptions_of(db: Database, user_id: int) -> list[str]:
    """The categories a person follows."""
    rows = db.query(
        "SELECT category FROM disclosure_subscriptions WHERE user_id = ? ORDER BY created_at",
        [user_id],
    )
    return [r["category"] for r in rows]


def subscribers(db: Database, village_code: str, category: str) -> list[int]:
    """Active people following this village's category (or all of its categories)."""
    rows = db.query(
        "SELECT DISTINCT s.user_id FROM disclosure_subscriptions s "
        "JOIN users u ON u.user_id = s.user_id "
        "WHERE s.village_code = ? AND s.category IN (?, '*') AND u.active = 1 ORDER BY s.user_id",
        [village_code, category],
    )
    return [r["user_id"] for r in rows]

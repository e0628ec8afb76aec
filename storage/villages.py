"""Villages, declared in the config file and synced here at start."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True, slots=True)
class Village:
    code: str
    name: str
    chat_id: int | None
    active: bool


def sync(db: Database, declared: list[tuple[str, str, int | None]]) -> None:
    """Match the config: upsert declared villages, deactivate the rest (never delete)."""
    for code, name, chat_id in declared:
        db.execute(
            "INSERT INTO villages (code, name, chat_id, active) VALUES (?, ?, ?, 1) "
            "ON CONFLICT(code) DO UPDATE SET name = excluded.name, chat_id = excluded.chat_id, "
            "active = 1",
            [code, name, chat_id],
        )
    codes = [code for code, _, _ in declared]
    marks = ",".join("?" * len(codes))
    db.execute(f"UPDATE villages SET active = 0 WHERE code NOT IN ({marks})", codes)


def get(db: Database, code: str) -> Village | None:
    """An active village by code."""
    row = db.execute(
        "SELECT code, name, chat_id, active FROM villages WHERE code = ? AND active = 1", [code]
    ).fetchone()
    return Village(row[0], row[1], row[2], bool(row[3])) if row else None


def all_active(db: Database) -> list[Village]:
    """Every active village, in code order."""
    rows = db.execute(
        "SELECT code, name, chat_id, active FROM villages WHERE active = 1 ORDER BY code"
    ).fetchall()
    return [Village(r[0], r[1], r[2], bool(r[3])) for r in rows]

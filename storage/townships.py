"""Townships of a county, declared in the config file and synced here at start (like villages)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True, slots=True)
class Township:
    code: str
    name: str


def sync(db: Database, declared: list[tuple[str, str]]) -> None:
    """Match the config: upsert declared townships, deactivate the rest (never delete)."""
    for code, name in declared:
        db.execute(
            "INSERT INTO townships (code, name, active) VALUES (?, ?, 1) "
            "ON CONFLICT(code) DO UPDATE SET name = excluded.name, active = 1",
            [code, name],
        )
    codes = [code for code, _ in declared]
    marks = ",".join("?" * len(codes))
    db.execute(f"UPDATE townships SET active = 0 WHERE code NOT IN ({marks})", codes)


def all_active(db: Database) -> list[Township]:
    """Every active township, in code order."""
    rows = db.query("SELECT code, name FROM townships WHERE active = 1 ORDER BY code")
    return [Township(r["code"], r["name"]) for r in rows]


def get(db: Database, code: str) -> Township | None:
    """An active township by code."""
    rows = db.query("SELECT code, name FROM townships WHERE code = ? AND active = 1", [code])
    row = next(rows, None)
    return Township(row["code"], row["name"]) if row else None

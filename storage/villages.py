"""Villages, declared in the config file and synced here at start."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick


@dataclass(frozen=True, slots=True)
class Village:
    code: str
    name: str
    chat_id: int | None
    active: bool
    township_code: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A village from a `villages` row read by column name."""
        return cls(**pick(cls, row) | {"active": bool(row["active"])})


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
    row = next(db.query("SELECT * FROM villages WHERE code = ? AND active = 1", [code]), None)
    return Village.from_row(row) if row else None


# Read by position: a county's pages list 300 villages, and building each from a dict by
# column name cost twice the query itself.
_COLUMNS = "code, name, chat_id, active, township_code"


def _listed(db: Database, where: str, params: list) -> list[Village]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM villages WHERE {where} ORDER BY code", params)
    return [Village(c, n, chat, bool(a), t) for c, n, chat, a, t in rows.fetchall()]


def all_active(db: Database) -> list[Village]:
    """Every active village, in code order."""
    return _listed(db, "active = 1", [])


def active_among(db: Database, codes: Collection[str]) -> list[Village]:
    """The active villages of these codes, in code order (a township's, or one)."""
    marks = ",".join("?" * len(codes))
    return _listed(db, f"code IN ({marks}) AND active = 1", list(codes))


def of_township(db: Database, township_code: str) -> list[Village]:
    """The active villages of one township, in code order (indexed by villages_township)."""
    return _listed(db, "township_code = ? AND active = 1", [township_code])


def names(db: Database, codes: Collection[str]) -> dict[str, str]:
    """The names of the active villages among these codes, by code (one read for a list)."""
    marks = ",".join("?" * len(codes))
    rows = db.execute(
        f"SELECT code, name FROM villages WHERE code IN ({marks}) AND active = 1", list(codes)
    )
    return dict(rows.fetchall())


def codes_of_township(db: Database, township_code: str) -> list[str]:
    """The codes of one township's active villages, in code order."""
    rows = db.execute(
        "SELECT code FROM villages WHERE township_code = ? AND active = 1 ORDER BY code",
        [township_code],
    )
    return [code for (code,) in rows]


def place(db: Database, township_of: dict[str, str]) -> None:
    """Record each village's township (village code → township code), as the config says."""
    for code, township_code in township_of.items():
        db.execute("UPDATE villages SET township_code = ? WHERE code = ?", [township_code, code])


def active_codes_after(
    db: Database, after: str, limit: int, within: Collection[str] | None = None
) -> list[str]:
    """The codes of up to `limit` active villages (of these, None: all) after `after`, in code
    order: a page of the villages listing, not the county's 300 read to keep 21."""
    chosen, params = "", [after]
    if within is not None:
        chosen = f" AND code IN ({','.join('?' * len(within))})"
        params += list(within)
    rows = db.execute(
        f"SELECT code FROM villages WHERE active = 1 AND code > ?{chosen} ORDER BY code LIMIT ?",
        [*params, limit],
    )
    return [code for (code,) in rows.fetchall()]

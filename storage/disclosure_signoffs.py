"""Supervisors' decisions on disclosures in review (`disclosure_signoffs`, REV-01)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import from_text, now_text


@dataclass(frozen=True, slots=True)
class Signoff:
    round: int
    user_id: int
    name: str
    decision: str
    reason: str | None
    at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A decision from a `disclosure_signoffs` row read by column name."""
        return cls(**pick(cls, row) | {"at": from_text(row["at"])})


def add_signoff(
    db: Database,
    disclosure_id: int,
    round_: int,
    user_id: int,
    name: str,
    decision: str,
    reason: str | None,
) -> bool:
    """Record one supervisor's decision for a review round; False when they already decided."""
    cur = db.execute(
        "INSERT OR IGNORE INTO disclosure_signoffs (disclosure_id, round, user_id, name, "
        "decision, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [disclosure_id, round_, user_id, name, decision, reason, now_text()],
    )
    return cur.rowcount == 1


def signoffs(db: Database, disclosure_id: int, round_: int | None = None) -> list[Signoff]:
    """Decisions on a disclosure (one round, or all), in order."""
    sql = "SELECT * FROM disclosure_signoffs WHERE disclosure_id = ?"
    params: list[object] = [disclosure_id]
    if round_ is not None:
        sql += " AND round = ?"
        params.append(round_)
    return [Signoff.from_row(r) for r in db.query(sql + " ORDER BY id", params)]

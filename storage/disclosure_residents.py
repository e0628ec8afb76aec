"""Verified residents (DESIGN §2, §6): who may see beneficiaries' names in full."""

from __future__ import annotations

from sqlite_utils import Database


def set_verified(db: Database, member_id: int, verified: bool) -> bool:
    """Mark a resident role as verified (or not); False when it is not a resident role."""
    cur = db.execute(
        "UPDATE members SET verified = ? WHERE id = ? AND role = 'resident'",
        [int(verified), member_id],
    )
    return cur.rowcount == 1

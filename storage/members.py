"""Roles people hold: resident, official and supervisor of one village, or township staff."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from storage.times import now_text


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    user_id: int
    role: str
    village_code: str | None
    title: str | None
    verified: bool
    from_config: bool
    display_name: str
    username: str | None


_SELECT = (
    "SELECT m.id, m.user_id, m.role, m.village_code, m.title, m.verified, m.from_config, "
    "trim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')), u.username "
    "FROM members m JOIN users u ON u.user_id = m.user_id "
)
_ORDER = (
    " ORDER BY CASE m.role WHEN 'township' THEN 0 WHEN 'official' THEN 1 "
    "WHEN 'supervisor' THEN 2 ELSE 3 END, m.id"
)


def _row(r: tuple) -> Member:
    return Member(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6]), r[7] or str(r[1]), r[8])


def roles_of(db: Database, user_id: int) -> list[Member]:
    """Every role one person holds."""
    rows = db.execute(_SELECT + "WHERE m.user_id = ?" + _ORDER, [user_id]).fetchall()
    return [_row(r) for r in rows]


def of_village(db: Database, village_code: str) -> list[Member]:
    """Everyone with a role in one village."""
    rows = db.execute(_SELECT + "WHERE m.village_code = ?" + _ORDER, [village_code]).fetchall()
    return [_row(r) for r in rows]


def township_staff(db: Database) -> list[Member]:
    """Everyone with the township role."""
    rows = db.execute(_SELECT + "WHERE m.role = 'township'" + _ORDER).fetchall()
    return [_row(r) for r in rows]


def get(db: Database, member_id: int) -> Member | None:
    """One role assignment by id."""
    row = db.execute(_SELECT + "WHERE m.id = ?", [member_id]).fetchone()
    return _row(row) if row else None


def add(
    db: Database,
    user_id: int,
    role: str,
    village_code: str | None,
    title: str | None = None,
    *,
    from_config: bool = False,
) -> int:
    """Grant a role (or refresh its title when already held); returns the member id."""
    db.execute(
        "INSERT INTO members (user_id, role, village_code, title, from_config, joined_at) "
        "VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(user_id, role, ifnull(village_code, '')) DO UPDATE SET "
        "title = coalesce(excluded.title, title), "
        "from_config = max(from_config, excluded.from_config)",
        [user_id, role, village_code, title, int(from_config), now_text()],
    )
    row = db.execute(
        "SELECT id FROM members WHERE user_id = ? AND role = ? AND ifnull(village_code, '') = ?",
        [user_id, role, village_code or ""],
    ).fetchone()
    return row[0]


def remove(db: Database, member_id: int) -> None:
    """Take one role away."""
    db.execute("DELETE FROM members WHERE id = ?", [member_id])


def remove_config_township_except(db: Database, keep: list[int]) -> list[int]:
    """Drop township roles that came from the config but are no longer listed there."""
    marks = ",".join("?" * len(keep))
    rows = db.execute(
        "SELECT id, user_id FROM members WHERE role = 'township' AND from_config = 1 "
        f"AND user_id NOT IN ({marks})",
        keep,
    ).fetchall()
    for member_id, _ in rows:
        remove(db, member_id)
    return [user_id for _, user_id in rows]


def residents_count(db: Database, village_code: str) -> int:
    """How many residents a village has registered."""
    return db.execute(
        "SELECT count(*) FROM members WHERE village_code = ? AND role = 'resident'", [village_code]
    ).fetchone()[0]

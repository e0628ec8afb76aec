"""Roles people hold: resident, official and supervisor of one village, staff of one township,
or county staff."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
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
    # The household (户主姓名) and village group (村民小组, normalised: "3") recorded on
    # verification; a resident sees their own household's subsidy lines by them.
    household: str | None = None
    village_group: str | None = None
    # Township staff: their township and its active villages, read with the role so a
    # permission check needs no further query (issue 13 §1).
    township_code: str | None = None
    township_villages: frozenset[str] = frozenset()

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A role from a `members` row joined with its person, read by column name."""
        return cls(
            **pick(cls, row)
            | {
                "verified": bool(row["verified"]),
                "from_config": bool(row["from_config"]),
                # A person known only by id (township staff from the config) shows the id.
                "display_name": row["display_name"] or str(row["user_id"]),
                "township_villages": frozenset((row["township_villages"] or "").split(",")) - {""},
            }
        )


_SELECT = (
    "SELECT m.id, m.user_id, m.role, m.village_code, m.title, m.verified, m.from_config, "
    "trim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')) AS display_name, "
    "u.username, m.household, m.village_group, m.township_code, "
    "(SELECT group_concat(v.code) FROM villages v "
    " WHERE v.township_code = m.township_code AND v.active = 1) AS township_villages "
    "FROM members m JOIN users u ON u.user_id = m.user_id "
)
_ORDER = (
    " ORDER BY CASE m.role WHEN 'county' THEN 0 WHEN 'township' THEN 1 WHEN 'official' THEN 2 "
    "WHEN 'supervisor' THEN 3 ELSE 4 END, m.id"
)


def _select(db: Database, condition: str, params: list | None = None) -> list[Member]:
    """Roles matching a WHERE condition, township first, then officials, supervisors, residents."""
    return [Member.from_row(r) for r in db.query(_SELECT + condition + _ORDER, params or [])]


def roles_of(db: Database, user_id: int) -> list[Member]:
    """Every role one person holds."""
    return _select(db, "WHERE m.user_id = ?", [user_id])


def of_village(db: Database, village_code: str) -> list[Member]:
    """Everyone with a role in one village."""
    return _select(db, "WHERE m.village_code = ?", [village_code])


def of_village_in_role(db: Database, village_code: str, role: str) -> list[Member]:
    """Everyone holding one role in one village (without reading the village's residents)."""
    return _select(db, "WHERE m.village_code = ? AND m.role = ?", [village_code, role])


def township_staff(db: Database, village_code: str | None = None) -> list[Member]:
    """Everyone with the township role; with a village, the staff of that village's township."""
    # Staff roles have no village (the table's CHECK): the village index finds them.
    if village_code is None:
        return _select(db, "WHERE m.village_code IS NULL AND m.role = 'township'")
    return _select(
        db,
        "WHERE m.village_code IS NULL AND m.role = 'township' AND m.township_code = "
        "(SELECT township_code FROM villages WHERE code = ?)",
        [village_code],
    )


def county_staff(db: Database) -> list[Member]:
    """Everyone with the county role."""
    return _select(db, "WHERE m.village_code IS NULL AND m.role = 'county'")


def of_township(db: Database, township_code: str) -> list[Member]:
    """The staff of one township."""
    return _select(
        db,
        "WHERE m.village_code IS NULL AND m.role = 'township' AND m.township_code = ?",
        [township_code],
    )


def get(db: Database, member_id: int) -> Member | None:
    """One role assignment by id."""
    found = _select(db, "WHERE m.id = ?", [member_id])
    return found[0] if found else None


def add(
    db: Database,
    user_id: int,
    role: str,
    village_code: str | None,
    title: str | None = None,
    *,
    from_config: bool = False,
    township_code: str | None = None,
) -> int:
    """Grant a role (or refresh its title, and the township of township staff, when already
    held); returns the member id."""
    db.execute(
        "INSERT INTO members (user_id, role, village_code, title, from_config, joined_at, "
        "township_code) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(user_id, role, ifnull(village_code, '')) DO UPDATE SET "
        "title = coalesce(excluded.title, title), "
        "from_config = max(from_config, excluded.from_config), "
        "township_code = coalesce(excluded.township_code, township_code)",
        [user_id, role, village_code, title, int(from_config), now_text(), township_code],
    )
    row = next(
        db.query(
            "SELECT id FROM members WHERE user_id = ? AND role = ? "
            "AND ifnull(village_code, '') = ?",
            [user_id, role, village_code or ""],
        )
    )
    return row["id"]


def remove(db: Database, member_id: int) -> None:
    """Take one role away."""
    db.execute("DELETE FROM members WHERE id = ?", [member_id])


def remove_config_township_except(
    db: Database, keep: list[int], role: str = "township"
) -> list[Member]:
    """Drop township (or county) roles that came from the config but are no longer listed."""
    marks = ",".join("?" * len(keep))
    # Staff roles belong to no village: asked so, the index finds them among a county's residents.
    condition = "WHERE m.village_code IS NULL AND m.role = ? AND m.from_config = 1"
    dropped = _select(db, f"{condition} AND m.user_id NOT IN ({marks})", [role, *keep])
    for member in dropped:
        remove(db, member.id)
    return dropped


def set_verified(db: Database, member_id: int, verified: bool) -> bool:
    """Mark a resident role as verified (or not); False when it is not a resident role.

    Verified residents may see beneficiaries' names in full (DESIGN §2, §6).
    """
    cur = db.execute(
        "UPDATE members SET verified = ? WHERE id = ? AND role = 'resident'",
        [int(verified), member_id],
    )
    return cur.rowcount == 1


def set_household(db: Database, member_id: int, household: str, village_group: str) -> bool:
    """Record a resident's household and village group; False when it is not a resident role."""
    cur = db.execute(
        "UPDATE members SET household = ?, village_group = ? WHERE id = ? AND role = 'resident'",
        [household, village_group, member_id],
    )
    return cur.rowcount == 1


def people_counts(
    db: Database, village_codes: Sequence[str], roles: tuple[str, ...]
) -> dict[str, int]:
    """How many people hold one of these roles in each village (one holding two counts once);
    a village with nobody is left out."""
    if not village_codes:
        return {}
    places, marks = ", ".join("?" * len(village_codes)), ", ".join("?" * len(roles))
    rows = db.execute(
        "SELECT village_code, count(DISTINCT user_id) FROM members "
        f"WHERE village_code IN ({places}) AND role IN ({marks}) GROUP BY village_code",
        [*village_codes, *roles],
    ).fetchall()
    return dict(rows)


def residents_count(db: Database, village_code: str) -> int:
    """How many residents a village has registered."""
    return db.execute(
        "SELECT count(*) FROM members WHERE village_code = ? AND role = 'resident'", [village_code]
    ).fetchone()[0]


def settle_sole_township(db: Database, township_code: str) -> None:
    """With one township, staff invited before townships existed belong to it."""
    db.execute(
        "UPDATE members SET township_code = ? WHERE role = 'township' AND township_code IS NULL",
        [township_code],
    )

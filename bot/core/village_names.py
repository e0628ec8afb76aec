"""Villages by code, as both wings name them to people."""

from __future__ import annotations

from collections.abc import Collection

from sqlite_utils import Database

from storage import villages


def village_name(db: Database, code: str) -> str:
    """A village's name, or its code when no village has it (e.g. one removed from config)."""
    village = villages.get(db, code)
    return village.name if village else code


def village_names(db: Database, codes: Collection[str]) -> dict[str, str]:
    """`village_name` of each of these codes, in one read (a feed or search page names dozens)."""
    found = villages.names(db, set(codes)) if codes else {}
    return {code: found.get(code, code) for code in codes}

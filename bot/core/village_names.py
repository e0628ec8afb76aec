"""Villages by code, as both wings name them to people."""

from __future__ import annotations

from sqlite_utils import Database

from storage import villages


def village_name(db: Database, code: str) -> str:
    """A village's name, or its code when no village has it (e.g. one removed from config)."""
    village = villages.get(db, code)
    return village.name if village else code

"""What changed between two versions of a disclosure (SCH-07: corrections keep the old version)."""

from __future__ import annotations

from bot.services.masking import mask_name
from bot.services.money import format_fen
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure


def _row_key(kind: str, row: Row) -> tuple:
    if kind == "notice":  # attachments: the same file is the same attachment
        return (row.data.get("file_id", ""),)
    if kind == "finance":
        return (row.section, row.data.get("account", ""), row.data.get("description", ""))
    return (row.data.get("group", ""), row.data.get("head", ""), row.data.get("item", ""))


def _label(kind: str, row: Row) -> str:
    if kind == "notice":
        return row.data.get("name", "")
    if kind == "finance":
        parts = [row.data.get("account", ""), row.data.get("description", "")]
    else:
        # The change list is public (shown in the channel): beneficiaries' names masked (§6).
        head = mask_name(row.data.get("head", ""))
        parts = [row.data.get("group", ""), head, row.data.get("item", "")]
    return " ".join(p for p in parts if p)


def _change(op: str, section: str, what: str, before: str, after: str) -> dict:
    return {"op": op, "section": section, "what": what, "before": before, "after": after}


def _field_changes(old: Disclosure, new: Disclosure) -> list[dict]:
    """The title, the text and the balances that differ (amounts as money)."""
    out: list[dict] = []
    for field, before, after in (
        ("title", old.title, new.title),
        ("body", old.body, new.body),
        ("opening", old.opening_fen, new.opening_fen),
        ("closing", old.closing_fen, new.closing_fen),
    ):
        if before != after:
            if isinstance(before, int) or isinstance(after, int):
                before = "—" if before is None else format_fen(before)
                after = "—" if after is None else format_fen(after)
            out.append(_change("field", field, field, before or "", after or ""))
    return out


def _row_changes(
    old: Disclosure, old_rows: list[Row], new: Disclosure, new_rows: list[Row]
) -> list[dict]:
    """Rows changed or added in the new version, then the old version's rows left unmatched."""
    out: list[dict] = []
    remaining: dict[tuple, list[Row]] = {}
    for row in old_rows:
        remaining.setdefault(_row_key(old.kind, row), []).append(row)
    for row in new_rows:
        matches = remaining.get(_row_key(new.kind, row))
        if matches:
            previous = matches.pop(0)
            if (previous.amount_fen, previous.ytd_fen, previous.data) != (
                row.amount_fen,
                row.ytd_fen,
                row.data,
            ):
                before, after = format_fen(previous.amount_fen), format_fen(row.amount_fen)
                out.append(_change("changed", row.section, _label(new.kind, row), before, after))
        else:
            op = "att_added" if new.kind == "notice" else "added"
            after = format_fen(row.amount_fen)
            out.append(_change(op, row.section, _label(new.kind, row), "", after))
    op = "att_removed" if old.kind == "notice" else "removed"
    for rows in remaining.values():
        for row in rows:
            before = format_fen(row.amount_fen)
            out.append(_change(op, row.section, _label(old.kind, row), before, ""))
    return out


def changes(
    old: Disclosure, old_rows: list[Row], new: Disclosure, new_rows: list[Row]
) -> list[dict]:
    """A list of changes, each {"op", "section", "what", "before", "after"} (names as stored).

    Rows are matched by what they are (account and description; group, head and item), so a
    changed amount shows as one change rather than a removal and an addition.
    """
    return _field_changes(old, new) + _row_changes(old, old_rows, new, new_rows)

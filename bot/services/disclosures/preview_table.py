"""A long table previewed in one message: its first and last lines in the text, the whole table
as one attached file, so a 4,000-row list is one message and one file, not 80 messages."""

from __future__ import annotations

from bot.core.safe_sheets import to_csv
from bot.delivery.messages import Document
from bot.i18n import t
from bot.services.disclosures import export_files
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure

HEAD = 5  # lines shown from the top of a long table
TAIL = 3  # and from its bottom, where the totals people check usually are


def shown(rows: list[Row]) -> tuple[list[Row], int, list[Row]]:
    """The rows a preview shows: (first, how many are left out, last)."""
    if len(rows) <= HEAD + TAIL:
        return rows, 0, []
    return rows[:HEAD], len(rows) - HEAD - TAIL, rows[-TAIL:]


def is_cut(d: Disclosure, rows: list[Row]) -> bool:
    """True when a preview of this table leaves lines out, so the file must carry them."""
    if d.kind == "finance":
        return any(shown([r for r in rows if r.section == s])[1] for s in ("income", "expense"))
    return d.kind == "subsidy" and shown(rows)[1] > 0


def table_file(
    d: Disclosure, rows: list[Row], language: str, *, names_full: bool
) -> Document | None:
    """The whole table as CSV (quick to write on the loop), when the preview leaves lines out."""
    if not is_cut(d, rows):
        return None
    table = export_files.table(d, rows, names_full=names_full)
    caption = t(language, "disc.preview_file_caption", id=d.id, title=d.title, rows=len(rows))
    return Document(f"{d.period}-{d.id}-v{d.version}.csv", to_csv(table), caption=caption)

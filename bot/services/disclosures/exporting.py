"""Exports: one disclosure as CSV or XLSX, masked as the reader may see it, and the township's
yearly archive of every published item with its checksum."""

from __future__ import annotations

from functools import partial

from bot.core.safe_sheets import FileToWrite, Sheet, to_csv, to_xlsx
from bot.core.village_names import village_name
from bot.services.context import Context
from bot.services.disclosures import export_files
from bot.services.disclosures.browsing import Browsing
from bot.services.people import Denied, Person
from bot.services.permissions import require
from storage import disclosure_filings, disclosure_rows, villages
from storage import disclosures as store_d


class Exports:
    """Disclosures as files to download."""

    def __init__(self, ctx: Context, browsing: Browsing) -> None:
        self.ctx = ctx
        self.browsing = browsing

    def export(self, person: Person, disclosure_id: int | str, fmt: str) -> FileToWrite:
        """One disclosure as CSV or XLSX (masked as the person may see it)."""
        view = self.browsing.view(person, disclosure_id)
        d = view.disclosure
        table = export_files.table(d, view.rows, names_full=view.names_full)
        base = f"{view.village}-{d.period}-{d.id}-v{d.version}"
        if fmt == "csv":
            return FileToWrite(f"{base}.csv", partial(to_csv, table))
        return FileToWrite(f"{base}.xlsx", partial(to_xlsx, [Sheet(d.category, table)]))

    def export_year(self, person: Person, year: int, village_code: str | None) -> FileToWrite:
        """Township staff: a village's or every village's published disclosures of a year."""
        require(person, "disclosure.export")
        db = self.ctx.store.db
        if village_code is not None:
            village_code = village_code.lower()
            if villages.get(db, village_code) is None:
                raise Denied("village.unknown", code=village_code)
        items = []
        for d in store_d.published_in_year(db, year, village_code):
            filing = disclosure_filings.filing(db, d.id)
            items.append(
                (
                    d,
                    village_name(self.ctx.store.db, d.village_code),
                    disclosure_rows.rows_of(db, d.id),
                    filing.checksum if filing else "",
                )
            )
        if not items:
            raise Denied("disc.export_empty", year=year)
        name = f"村务公开-{year}-{village_code or 'all'}.xlsx"
        return FileToWrite(name, partial(export_files.year_archive, items))

"""Importing a ledger or beneficiary list (CSV/XLSX) into a draft: the blank template, the size
check before download, and the import that saves every row or none."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from bot.config import DisclosureConfig
from bot.core.village_names import village_name
from bot.services.context import Context
from bot.services.disclosures import export_files, form_state, item_access
from bot.services.disclosures.finance_ledger import parse_finance
from bot.services.disclosures.form_state import Step
from bot.services.disclosures.sheet_reading import ImportRejected, Problem, read_table, size_text
from bot.services.disclosures.subsidy_list import parse_subsidy
from bot.services.people import Denied, Person, ReplyTo
from storage import audit, disclosure_rows
from storage import disclosures as store_d
from storage.disclosure_rows import Row


@dataclass(frozen=True, slots=True)
class Sheet:
    """What an imported file gives a draft, whichever kind it is."""

    kind: str
    rows: list[Row]
    ignored: list[str]
    opening: int | None = None
    closing: int | None = None
    masked: int = 0
    reading: dict = field(default_factory=dict)  # how the file was read, shown in the preview


class Importing:
    """A file read into the draft in progress, or refused whole with every problem."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.settings = ctx.config.disclosure

    def template(self, kind: str) -> tuple[str, bytes]:
        """The file to fill in for a ledger or a beneficiary list."""
        return export_files.template("finance" if kind == "finance" else "subsidy")

    def check_upload(self, person: Person, size: int | None) -> None:
        """Refuse a file before downloading it: no form waiting for one, or too big."""
        item_access.official_village(person)
        if not form_state.is_at(self.ctx.store.db, person.user_id, "file"):
            raise Denied("disc.no_file_expected")
        limit = self.settings.max_import_bytes
        if size is not None and size > limit:
            sizes = {"size": size_text(size), "limit": size_text(limit)}
            raise ImportRejected([Problem(None, None, "imp.too_big", sizes)])

    def expected_kind(self, person: Person) -> str:
        """The kind of file the person's form waits for ("finance" or "subsidy")."""
        item_access.official_village(person)
        data = form_state.data_at(self.ctx.store.db, person, "file", "disc.no_file_expected")
        return data["kind"]

    def read(self, kind: str, filename: str, content: bytes) -> Sheet:
        """A ledger or beneficiary list read from the file, or ImportRejected with every problem.

        Pure and CPU-heavy: the handler runs it off the event loop, then `import_sheet` saves it.
        """
        return _read_sheet(kind, filename, content, self.settings)

    def import_sheet(
        self, person: Person, filename: str, sheet: Sheet, reply: ReplyTo | None = None
    ) -> Step:
        """Save a read file into the draft (new, or replacing its rows), in one transaction."""
        village = item_access.official_village(person)
        data = form_state.data_at(self.ctx.store.db, person, "file", "disc.no_file_expected")
        if data["kind"] != sheet.kind:  # the form changed while the file was read
            raise Denied("disc.no_file_expected")
        name = filename[-80:]
        with self.ctx.store.transaction() as db:
            if data.get("id"):
                d = item_access.own_draft(self.ctx.store.db, person, data["id"])
                disclosure_id = d.id
                store_d.update_content(
                    db, d.id, opening_fen=sheet.opening, closing_fen=sheet.closing, source_name=name
                )
            else:
                disclosure_id = self._create(db, person, village, data, sheet, name)
                form_state.save(self.ctx, db, person, "file", {**data, "id": disclosure_id})
            disclosure_rows.replace_rows(db, disclosure_id, sheet.rows)
            event = audit.record(
                db,
                person.user_id,
                "disclosure.imported",
                f"disclosure:{disclosure_id}",
                village_code=village,
                after={"file": name, "rows": len(sheet.rows), "masked": sheet.masked},
            )
            info = {"rows": len(sheet.rows), "masked": sheet.masked, "ignored": sheet.ignored}
            info["reading"] = sheet.reading
            step = Step("draft_ready", store_d.get(db, disclosure_id), info)
            form_state.tell(self.ctx, db, f"a{event}:answer", reply, person, step)
        return step

    def _create(
        self, db: Database, person: Person, village: str, data: dict, sheet: Sheet, name: str
    ) -> int:
        """A new draft for the imported file, titled after its village, period and category."""
        kind = data["kind"]
        what = "财务收支公开" if kind == "finance" else data["category"]
        title = f"{village_name(self.ctx.store.db, village)}{data['period']}{what}"
        return store_d.create(
            db,
            village_code=village,
            kind=kind,
            category=data["category"],
            period=data["period"],
            title=title,
            body="",
            created_by=person.user_id,
            opening_fen=sheet.opening,
            closing_fen=sheet.closing,
            source_name=name,
        )


def _read_sheet(kind: str, filename: str, content: bytes, settings: DisclosureConfig) -> Sheet:
    """A ledger or a beneficiary list read from the file, or ImportRejected with every problem."""
    table = read_table(
        filename, content, max_rows=settings.max_import_rows, max_bytes=settings.max_import_bytes
    )
    if kind == "finance":
        ledger = parse_finance(table)
        return Sheet(
            kind,
            ledger.rows,
            ledger.ignored_columns,
            opening=ledger.opening_fen,
            closing=ledger.closing_fen,
            masked=ledger.masked,
            reading=ledger.reading,
        )
    subsidy = parse_subsidy(table)
    return Sheet(
        kind, subsidy.rows, subsidy.ignored_columns, masked=subsidy.masked, reading=subsidy.reading
    )

"""Importing a ledger or beneficiary list (CSV/XLSX) into a draft: the blank template, the size
check before download, and the import that saves every row or none."""

from __future__ import annotations

from bot.core.villages import village_name
from bot.services.disclosures import export_files as disclosure_export
from bot.services.disclosures import spreadsheets as importing
from bot.services.disclosures.form import DisclosureForm, Step
from bot.services.people import Denied, Person, ReplyTo
from storage import audit, disclosure_rows
from storage import disclosures as store_d


class DisclosureImport(DisclosureForm):
    """A file read into the draft in progress, or refused whole with every problem."""

    def template(self, kind: str) -> tuple[str, bytes]:
        """The file to fill in for a ledger or a beneficiary list."""
        return disclosure_export.template("finance" if kind == "finance" else "subsidy")

    def check_upload(self, person: Person, size: int | None) -> None:
        """Refuse a file before downloading it: no form waiting for one, or too big."""
        self._official_village(person)
        if not self.expects_file(person.user_id):
            raise Denied("disc.no_file_expected")
        if size is not None and size > self.settings.max_import_bytes:
            raise importing.ImportRejected(
                [
                    importing.Problem(
                        None,
                        None,
                        "imp.too_big",
                        {
                            "size": importing._kb(size),
                            "limit": importing._kb(self.settings.max_import_bytes),
                        },
                    )
                ]
            )

    def import_file(
        self, person: Person, filename: str, content: bytes, reply: ReplyTo | None = None
    ) -> Step:
        """Import a ledger or beneficiary list into the draft (new, or replacing its rows).

        Raises ImportRejected with every problem by row and column; nothing is saved then.
        """
        village = self._official_village(person)
        data = self._form_data_at(person, "file", "disc.no_file_expected")
        table = importing.read_table(
            filename,
            content,
            max_rows=self.settings.max_import_rows,
            max_bytes=self.settings.max_import_bytes,
        )
        kind = data["kind"]
        opening = closing = None
        ignored: list[str]
        masked = 0
        if kind == "finance":
            sheet = importing.parse_finance(table)
            rows, opening, closing, ignored = (
                sheet.rows,
                sheet.opening_fen,
                sheet.closing_fen,
                sheet.ignored_columns,
            )
        else:
            subsidy = importing.parse_subsidy(table)
            rows, ignored, masked = subsidy.rows, subsidy.ignored_columns, subsidy.masked
        name = filename[-80:]
        with self.store.transaction() as db:
            if data.get("id"):
                d = self._own_draft(person, data["id"])
                disclosure_id = d.id
                store_d.update_content(
                    db, d.id, opening_fen=opening, closing_fen=closing, source_name=name
                )
            else:
                title_key = "财务收支公开" if kind == "finance" else "公示"
                title = f"{village_name(self.store.db, village)}{data['period']}{data['category']}"
                if kind == "finance":
                    title = f"{village_name(self.store.db, village)}{data['period']}{title_key}"
                disclosure_id = store_d.create(
                    db,
                    village_code=village,
                    kind=kind,
                    category=data["category"],
                    period=data["period"],
                    title=title,
                    body="",
                    created_by=person.user_id,
                    opening_fen=opening,
                    closing_fen=closing,
                    source_name=name,
                )
                self._save_form(db, person, "file", {**data, "id": disclosure_id})
            disclosure_rows.replace_rows(db, disclosure_id, rows)
            event = audit.record(
                db,
                person.user_id,
                "disclosure.imported",
                f"disclosure:{disclosure_id}",
                village_code=village,
                after={"file": name, "rows": len(rows), "masked": masked},
            )
            info = {"rows": len(rows), "masked": masked, "ignored": ignored}
            step = Step("draft_ready", store_d.get(db, disclosure_id), info)
            self._tell(db, f"a{event}:answer", reply, person, step)
        return step

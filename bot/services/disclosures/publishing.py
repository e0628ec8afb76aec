"""Publication (SCH-01, SCH-02, ARC-01): approved → published exactly once, with the filing
record, search index, village chat post and the notices to subscribers and author."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.core.safe_sheets import Sheet, to_xlsx
from bot.delivery.messages import Button, Document, Photo, Rows, Text, queue, rows_of, split_message
from bot.i18n import t, t_plain
from bot.services import notify
from bot.services.context import Context
from bot.services.disclosures import disclosure_text, export_files, item_access
from bot.services.disclosures.changes import changes as compute_changes
from bot.services.disclosures.objection_window import end_text, window_end
from bot.services.disclosures.tamper_check import content_checksum
from storage import (
    audit,
    broadcasts,
    disclosure_filings,
    disclosure_rows,
    disclosure_subscriptions,
    outbox,
    search_index,
    users,
    villages,
)
from storage import disclosures as store_d
from storage.disclosure_filings import Filing
from storage.disclosure_rows import Row
from storage.disclosure_signoffs import Signoff
from storage.disclosures import Disclosure

# A published table longer than this many messages goes to the chat as a file plus a summary.
CHAT_MESSAGES_MAX = 3


class Publishing:
    """The scheduler's ``publish_due`` job and the publication an approval may cause at once."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def publish_due(self, now: datetime) -> int:
        """Scheduler job: publish every approved item whose time has come; each exactly once."""
        published = 0
        for d in store_d.due_for_publication(self.ctx.store.db, now):
            with self.ctx.store.transaction() as db:
                fresh = store_d.get(db, d.id)
                if (
                    fresh is not None
                    and fresh.status == "approved"
                    and self.publish(db, fresh, now)
                ):
                    published += 1
        return published

    def publish(self, db: Database, d: Disclosure, now: datetime) -> bool:
        """approved → published, with the filing record, search index and every message owed.

        Runs inside the caller's transaction; the guarded transition makes it happen once.
        """
        rows = disclosure_rows.rows_of(db, d.id)
        change_list = None
        old = store_d.get(db, d.supersedes_id) if d.supersedes_id else None
        if old is not None:
            change_list = compute_changes(old, disclosure_rows.rows_of(db, old.id), d, rows)
        fields: dict = {"published_at": now}
        if change_list is not None:
            fields["changes"] = change_list
        if not store_d.transition(db, d.id, "approved", "published", **fields):
            return False
        if old is not None:
            store_d.transition(db, old.id, "published", "superseded", superseded_by_id=d.id)
            audit.record(
                db,
                None,
                "disclosure.superseded",
                f"disclosure:{old.id}",
                village_code=old.village_code,
                after={"superseded_by": d.id},
            )
        signoffs = item_access.approvals(db, d)
        author = users.get(db, d.created_by)
        checksum = content_checksum(d, rows)
        disclosure_filings.add_filing(
            db,
            d.id,
            d.village_code,
            d.created_by,
            author.display_name if author else str(d.created_by),
            [{"user_id": s.user_id, "name": s.name, "at": s.at.isoformat()} for s in signoffs],
            now,
            checksum,
        )
        search_index.index_disclosure(db, d.id, d.title, d.body, disclosure_text.rows_text(d, rows))
        audit.record(
            db,
            None,
            "disclosure.published",
            f"disclosure:{d.id}",
            village_code=d.village_code,
            after={"checksum": checksum, "version": d.version, "supersedes": d.supersedes_id},
        )
        published = store_d.get(db, d.id)
        self._announce(db, published, rows, signoffs, disclosure_filings.filing(db, d.id))
        return True

    def _announce(
        self,
        db: Database,
        d: Disclosure,
        rows: list[Row],
        signoffs: list[Signoff],
        filing: Filing | None,
    ) -> None:
        """Queue the village chat post, the subscribers' notices and the author's notice."""
        village = villages.get(db, d.village_code)
        name = village.name if village else d.village_code
        if village is not None and village.chat_id:
            lines = disclosure_text.lines(
                self.ctx.default_language,
                d,
                rows,
                village=name,
                names_full=False,
                tz=self.ctx.tz,
                signoffs=signoffs,
                filing=filing,
            )
            self._post_to_chat(db, village.chat_id, d, rows, name, lines)
        self._notify_readers(db, d, name)

    def _post_to_chat(
        self,
        db: Database,
        chat_id: int,
        d: Disclosure,
        rows: list[Row],
        name: str,
        lines: list[str],
    ) -> None:
        """The village chat post: the item in full, or a summary with the table as a file."""
        language = self.ctx.default_language
        key = f"publish:{d.id}:chat"
        if len(split_message(lines)) <= CHAT_MESSAGES_MAX:
            queue(db, f"{key}:0", chat_id, Text("\n".join(lines)), priority=outbox.BULK)
        else:
            summary = [disclosure_text.header(language, d, name)]
            summary.append(t(language, "disc.attached", rows=len(rows)))
            if d.kind == "finance":
                summary += disclosure_text.finance_lines(language, d, [])[:1]
            queue(db, f"{key}:0", chat_id, Text("\n".join(summary)), priority=outbox.BULK)
            queue(db, f"{key}:file", chat_id, _table_file(d, rows, language), priority=outbox.BULK)
        queue_attachments(db, key, chat_id, d, rows, language, outbox.BULK)

    def _notify_readers(self, db: Database, d: Disclosure, village: str) -> None:
        """The notices to the category's subscribers and to the author."""
        language = self.ctx.default_language
        subscribers = disclosure_subscriptions.subscribers(db, d.village_code, d.category)
        # The author sees the sending's progress when it takes long (many subscribers).
        author_language = notify.language_of(db, d.created_by, language)
        prefix = f"publish:{d.id}:sub:"
        total = len(subscribers)
        broadcasts.start(db, prefix, d.created_by, author_language, total, self.ctx.now())
        for user_id in subscribers:
            self._notice(
                db,
                f"{prefix}{user_id}",
                user_id,
                d,
                "disc.subscriber_notice",
                priority=outbox.BULK,
                village=village,
                category=d.category,
            )
        photo = Button(t_plain(author_language, "line.photo_button"), f"dpho:{d.id}")
        self._notice(
            db,
            f"publish:{d.id}:author",
            d.created_by,
            d,
            "disc.published_notice",
            buttons=rows_of([[photo]]),  # CH-01: the board photo is one tap away
        )

    def _notice(
        self,
        db: Database,
        key: str,
        user_id: int,
        d: Disclosure,
        text_key: str,
        *,
        buttons: Rows = (),
        priority: int = outbox.NORMAL,
        **params: object,
    ) -> None:
        """A publication notice in the reader's language, with the objection window's end."""
        language = notify.language_of(db, user_id, self.ctx.default_language)
        assert d.published_at is not None
        until = end_text(language, window_end(self.ctx, d.published_at))
        text = t(language, text_key, id=d.id, title=d.title, **params)
        text += "\n" + t(language, "line.window_note", until=until)
        queue(db, key, user_id, Text(text, buttons), priority=priority)


def _table_file(d: Disclosure, rows: list[Row], language: str) -> Document:
    """A published table too long for the chat, as an XLSX file (names masked)."""
    sheet = Sheet(d.category, export_files.table(d, rows, names_full=False))
    return Document(
        f"{d.period}-{d.id}.xlsx",
        to_xlsx([sheet]),
        caption=t(language, "disc.file_caption", id=d.id, title=d.title),
    )


def queue_attachments(
    db: Database,
    key: str,
    chat_id: int,
    d: Disclosure,
    rows: list[Row],
    language: str,
    priority: int,
) -> None:
    """A notice's photos and documents, re-sent by their file_id."""
    attachments = [r for r in rows if r.section == "attachment"]
    for i, r in enumerate(attachments, 1):
        kind = r.data["kind"]
        caption = t(language, "disc.attachment_caption", id=d.id, n=i, count=len(attachments))
        file_id = r.data["file_id"]
        owed = (
            Photo(file_id, caption=caption)
            if kind == "photo"
            else Document(file_id=file_id, caption=caption)
        )
        queue(db, f"{key}:att:{i}", chat_id, owed, priority=priority)

"""Published disclosures for the public web board, the feeds, the API and the posters (§6, §8).

Everything returned here is safe to show to anyone: only published (or superseded) versions,
beneficiaries' names masked (`张*三`), and every free-text value passed through `mask_text` once
more, so an ID, phone or card number that slipped into a note is never shown in full. The values
are plain text: the pages, feeds and API escape them for their own format.

No Telegram and no HTTP here: `bot/web_render/` turns these into HTML, Atom, JSON and PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from bot.core.pages import Page, decode_keyset, encode_keyset
from bot.core.search_terms import excerpt, search_terms
from bot.core.village_names import village_name
from bot.services.context import Context
from bot.services.disclosures.public_tables import (
    Ledger,
    SubsidyList,
    ledger_of,
    public_text,
    subsidy_of,
)
from bot.services.disclosures.quarter_figures import QuarterFigures
from bot.services.disclosures.tamper_check import content_intact
from storage import disclosure_board as board
from storage import (
    disclosure_filings,
    disclosure_rows,
    disclosure_signoffs,
    search_index,
)
from storage import disclosures as store_d
from storage.disclosure_board import PublicItem
from storage.disclosures import Disclosure
from storage.keyset import Position
from storage.times import from_text

PAGE_MAX = 100
SEARCH_MAX = 50


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A published version found by search, with a piece of its text around a word found."""

    item: PublicItem
    excerpt: str


@dataclass(frozen=True, slots=True)
class Signature:
    name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class FilingRecord:
    """备案: who drafted it, who signed it, when it was published, the content checksum, and
    whether the content stored now still gives that checksum (SEC-11)."""

    drafted_by: str
    signed_by: tuple[Signature, ...]
    published_at: datetime
    checksum: str
    intact: bool


@dataclass(frozen=True, slots=True)
class Change:
    op: str  # field | changed | added | removed | att_added | att_removed
    section: str
    what: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Version:
    id: int
    version: int
    status: str
    published_at: datetime
    title: str
    changes: tuple[Change, ...]  # what this version changed from the one before


@dataclass(frozen=True, slots=True)
class PublicDisclosure:
    """Everything the page, the API and the poster show of one published version."""

    id: int
    village_code: str
    village_name: str
    kind: str
    category: str
    period: str
    title: str
    body: str
    major: bool
    status: str  # published | superseded
    version: int
    published_at: datetime
    ledger: Ledger | None
    subsidy: SubsidyList | None
    attachments: tuple[str, ...]
    signatures: tuple[Signature, ...]
    filing: FilingRecord | None
    versions: tuple[Version, ...]
    newest_id: int

    @property
    def superseded(self) -> bool:
        return self.status == "superseded"


class DisclosureBoard(QuarterFigures):
    """Read-only access to what the public may see of disclosures."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.config = ctx.config
        self.tz = ctx.tz

    @property
    def categories(self) -> tuple[str, ...]:
        return self.config.disclosure.categories

    # -- one disclosure ----------------------------------------------------------------------

    def disclosure(self, disclosure_id: int) -> PublicDisclosure | None:
        """A published or superseded version; None for anything else (drafts → 404)."""
        db = self.store.db
        if board.item(db, disclosure_id) is None:
            return None
        d = store_d.get(db, disclosure_id)
        if d is None or not d.is_public or d.published_at is None:
            return None
        rows = disclosure_rows.rows_of(db, d.id)
        record = _filing_record(db, d)
        signatures = (
            record.signed_by
            if record is not None
            else tuple(
                Signature(public_text(s.name), s.at)
                for s in disclosure_signoffs.signoffs(db, d.id, d.review_round)
                if s.decision == "approve"
            )
        )
        history = board.versions(db, d.root_id)
        newest = max(history, key=lambda v: (v.version, v.id)) if history else None
        return PublicDisclosure(
            id=d.id,
            village_code=d.village_code,
            village_name=village_name(self.store.db, d.village_code),
            kind=d.kind,
            category=d.category,
            period=d.period,
            title=public_text(d.title),
            body=public_text(d.body),
            major=d.major,
            status=d.status,
            version=d.version,
            published_at=d.published_at,
            ledger=ledger_of(d, rows) if d.kind == "finance" else None,
            subsidy=subsidy_of(rows) if d.kind == "subsidy" else None,
            attachments=tuple(
                public_text(r.data.get("name", "")) for r in rows if r.section == "attachment"
            ),
            signatures=signatures,
            filing=record,
            versions=tuple(self._version(v) for v in history),
            newest_id=newest.id if newest else d.id,
        )

    def _version(self, item: PublicItem) -> Version:
        d = store_d.get(self.store.db, item.id)
        changes = tuple(
            Change(
                str(c.get("op", "")),
                str(c.get("section", "")),
                public_text(c.get("what", "")),
                public_text(c.get("before", "")),
                public_text(c.get("after", "")),
            )
            for c in ((d.changes if d else None) or [])
            if isinstance(c, dict)
        )
        return Version(
            item.id, item.version, item.status, item.published_at, public_text(item.title), changes
        )

    # -- lists -------------------------------------------------------------------------------

    def page(
        self,
        *,
        village_code: str | None = None,
        category: str | None = None,
        cursor: str | None = None,
        limit: int = 20,
    ) -> Page[PublicItem]:
        """Public versions newest first, `limit` at a time (1..100); BadCursor for a bad cursor."""
        limit = max(1, min(limit, PAGE_MAX))
        after = Position(*decode_keyset(cursor)) if cursor is not None else None
        found = board.listing(
            self.store.db,
            village_code=village_code,
            category=category,
            after=after,
            limit=limit + 1,
        )
        items = [_masked_item(i) for i in found]
        return Page.of(items, limit, lambda last: encode_keyset(last.published_at, last.id))

    def latest_by_category(
        self, village_code: str, per_category: int = 3
    ) -> list[tuple[str, list[PublicItem]]]:
        """A village's current versions by category, in the configured category order."""
        found = board.latest_by_category(self.store.db, village_code, per_category)
        by_category: dict[str, list[PublicItem]] = {}
        for i in found:
            by_category.setdefault(i.category, []).append(_masked_item(i))
        order = {c: n for n, c in enumerate(self.categories)}
        return sorted(by_category.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))

    def recent(self, village_code: str | None = None, limit: int = 50) -> list[PublicItem]:
        """The newest public versions (feeds): a correction is a new entry of its own."""
        found = board.listing(self.store.db, village_code=village_code, limit=limit)
        return [_masked_item(i) for i in found]

    def chain_head(self) -> str | None:
        """The newest filing record's hash: whoever notes it down can check the chain later."""
        return disclosure_filings.head(self.store.db)

    def last_published(self, village_code: str | None = None) -> datetime | None:
        return board.last_published(self.store.db, village_code)

    def search(
        self, text: str, village_code: str | None = None, limit: int = SEARCH_MAX, offset: int = 0
    ) -> Page[SearchHit]:
        """Published versions holding every word wherever it stands (ARC-10), best match first,
        `limit` from `offset` on, each with a masked piece of its body or table rows around a
        word; the page's cursor is the next offset (None on the last page)."""
        words = search_terms(text)
        if not words:
            return Page((), None)
        db = self.store.db
        limit = max(1, min(limit, SEARCH_MAX))
        hits = search_index.find_disclosures(db, words, village_code, limit + 1, offset)
        found = []
        for hit in hits[:limit]:  # only what is shown is read and masked
            if (item := board.item(db, hit.id)) is not None:
                texts = [public_text(hit.body), public_text(hit.rows)]
                found.append(SearchHit(_masked_item(item), excerpt(texts, words)))
        return Page(tuple(found), str(offset + limit) if len(hits) > limit else None)


def _filing_record(db: Database, d: Disclosure) -> FilingRecord | None:
    """The version's filing record with its content re-hashed (SEC-11), names masked."""
    filing = disclosure_filings.filing(db, d.id)
    if filing is None:
        return None
    return FilingRecord(
        public_text(filing.drafted_by_name),
        tuple(
            Signature(public_text(s.get("name", "")), from_text(s["at"]))
            for s in filing.signed_by
            if s.get("at")
        ),
        filing.published_at,
        filing.checksum,
        content_intact(db, d, filing),
    )


def _masked_item(item: PublicItem) -> PublicItem:
    return PublicItem(
        item.id,
        item.village_code,
        item.kind,
        item.category,
        item.period,
        public_text(item.title),
        item.status,
        item.version,
        item.root_id,
        item.major,
        item.supersedes_id,
        item.superseded_by_id,
        item.published_at,
    )

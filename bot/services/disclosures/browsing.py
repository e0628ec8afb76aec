"""Reading disclosures: one item as a person may see it, browsing by village, category and period,
and search of the published ones."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.numbers import parse_number
from bot.core.search_terms import excerpt, search_terms
from bot.core.village_names import village_name
from bot.services.context import Context
from bot.services.disclosures import item_access
from bot.services.disclosures.public_tables import public_text
from bot.services.disclosures.publication_calendar import disclosure_period
from bot.services.people import Denied, Person
from bot.services.permissions import allowed
from bot.services.township_scope import in_view
from storage import disclosure_filings, disclosure_rows, search_index, villages
from storage import disclosures as store_d
from storage.disclosure_filings import Filing
from storage.disclosure_rows import Row
from storage.disclosure_signoffs import Signoff
from storage.disclosures import Disclosure

SEARCH_LIMIT = 10


@dataclass(frozen=True, slots=True)
class View:
    """One disclosure as a given person may see it."""

    disclosure: Disclosure
    rows: list[Row]
    village: str
    names_full: bool
    signoffs: list[Signoff]
    filing: Filing | None


@dataclass(frozen=True, slots=True)
class Found:
    """A search's result: the item, a masked piece of its text around a word (may be empty),
    and the words looked for (to mark them)."""

    disclosure: Disclosure
    excerpt: str
    words: list[str]


class Browsing:
    """Viewing, browsing and searching, each as the person asking may see it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.categories = ctx.config.disclosure.categories

    def view(self, person: Person, disclosure_id: int | str) -> View:
        """One item: published versions for anyone; unpublished ones for the office only."""
        d = item_access.get(self.ctx.store.db, disclosure_id)
        if not d.is_public and not item_access.is_office(person, d.village_code):
            raise Denied("disc.unknown", ref=str(disclosure_id))
        db = self.ctx.store.db
        signoffs = item_access.approvals(db, d)
        return View(
            d,
            disclosure_rows.rows_of(db, d.id),
            village_name(self.ctx.store.db, d.village_code),
            item_access.names_full(person, d.village_code),
            signoffs if d.is_public else [],
            disclosure_filings.filing(db, d.id),
        )

    def browse(
        self, person: Person, words: list[str]
    ) -> tuple[str | None, list[Disclosure], list[Disclosure]]:
        """Published items (and, for the office, the open ones) by village, category, period.

        ``words`` may hold a village code (township), a category and a period in any order.
        """
        village_code = person.village_code
        category = period = None
        for word in words:
            if word in self.categories:
                category = word
            elif (p := disclosure_period(word)) is not None:
                period = p.text
            elif allowed(person, "disclosure.browse_villages") and villages.get(
                self.ctx.store.db, word.lower()
            ):
                if not in_view(person, word.lower()):
                    raise Denied("county.other_township", village=word)
                village_code = word.lower()
            elif 1 <= (parse_number(word) or 0) <= len(self.categories):
                category = self.categories[parse_number(word) - 1]
            else:
                raise Denied("disc.browse_usage")
        db = self.ctx.store.db
        # Staff list their own township's villages (ROLE-03); county staff every one (ROLE-09).
        among = person.villages_in_view() if allowed(person, "disclosure.browse_villages") else None
        public = store_d.of_village(
            db,
            village_code,
            ("published", "superseded"),
            category=category,
            period=period,
            among=among,
        )
        open_items: list[Disclosure] = []
        if village_code and allowed(person, "disclosure.browse_open", village=village_code):
            open_items = store_d.of_village(
                db, village_code, store_d.OPEN_STATUSES, category=category, period=period
            )
        return village_code, public, open_items

    def search(self, person: Person, text: str) -> list[Found]:
        """Published items holding every word wherever it stands, best match first (ARC-10),
        each with the piece of its body or table rows around a word, names masked (§6)."""
        words = search_terms(text)
        if not words:
            raise Denied("disc.search_usage")
        staff = allowed(person, "disclosure.browse_villages")
        village = None if staff else person.village_code
        # Township staff search their own township's villages (ROLE-03), county staff all.
        among = person.villages_in_view() if staff else None
        db = self.ctx.store.db
        found = []
        hits = search_index.find_disclosures(db, words, village, SEARCH_LIMIT, among=among)
        for hit in hits:
            if (d := store_d.get(db, hit.id)) is not None:
                piece = excerpt([public_text(hit.body), public_text(hit.rows)], words)
                found.append(Found(d, piece, words))
        return found

""" "Was my household paid?" (issue 13 §5): a verified resident sees, in their private chat, their
own household's lines in the village's published subsidy lists, with full amounts and dates
(SEC-12: one's own records privately, while the public lists stay masked).

A line is theirs when its household head (户主姓名) is the one the official recorded on
verification and, when the list has a village group (村民小组) column, its group is theirs too.
A list without groups is matched by name alone; its line is marked 同名请核对 when another line
of the same list carries the same name. Nothing typed by the resident is ever searched for (no ID
numbers, no names): the household comes from the verification only. Every look-up is written to
the audit trail with who, which household and how many lines — never the amounts (AUD-02).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from bot.core.pages import Page, encode_cursor
from bot.delivery.messages import Button, Rows, rows_of
from bot.i18n import t, t_plain
from bot.services.context import Context
from bot.services.disclosures.form_replies import queue
from bot.services.disclosures.household_names import group_key, household_key
from bot.services.masking import mask_name
from bot.services.money import format_fen
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require, role_grants
from storage import audit, disclosure_rows
from storage import disclosures as store_d
from storage.disclosure_rows import ListedName, Row
from storage.disclosures import Disclosure
from storage.members import Member

PAGE_SIZE = 10
_CURSOR_TAG = "hp"


@dataclass(frozen=True, slots=True)
class PaidLine:
    """One line of a published subsidy list naming the person's household."""

    disclosure: Disclosure
    row: Row
    same_name: bool  # the list has no group here and another line carries the same name


def group_label(language: str, group: str) -> str:
    """A normalised group as people say it: "3" → 3组 (Group 3); other names as written."""
    return t_plain(language, "hh.group", number=group) if group.isdigit() else group


def _theirs(member: Member, listed: list[ListedName]) -> list[tuple[ListedName, bool]]:
    """The lines naming the member's household, each with whether its name is shared."""
    name = household_key(member.household or "")
    same = [n for n in listed if household_key(n.head) == name]
    shared: dict[int, int] = {}
    for n in same:
        shared[n.disclosure_id] = shared.get(n.disclosure_id, 0) + 1
    found = []
    for n in same:
        if n.group and member.village_group:
            if group_key(n.group) == member.village_group:
                found.append((n, False))
        else:
            found.append((n, shared[n.disclosure_id] > 1))
    return found


def _cursor_of(item: tuple[ListedName, bool]) -> str:
    return encode_cursor(_CURSOR_TAG, str(item[0].disclosure_id), str(item[0].position))


def _start(found: list[tuple[ListedName, bool]], cursor: str | None) -> int:
    """Where the page after `cursor` starts; a cursor not handed out for these lines is stale."""
    if cursor is None:
        return 0
    keys = [_cursor_of(item) for item in found]
    if cursor not in keys:  # forged, or the list it pointed into was corrected since
        raise Denied("common.stale_button")
    return keys.index(cursor) + 1


class HouseholdPayments:
    """A verified resident's own household in the published subsidy lists of their village."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def household_of(self, person: Person) -> Member:
        """The person's current verified resident role with its household, or the refusal that
        tells them how to get there."""
        village = person.village_code
        require(person, "household.payments", village=village)
        member = next(m for m in person.roles if role_grants(m, "household.payments", village))
        if not member.verified:
            raise Denied("hh.not_verified")
        if not member.household or not member.village_group:
            raise Denied("hh.no_household")
        return member

    def look_up(
        self, person: Person, cursor: str | None = None, reply: ReplyTo | None = None
    ) -> Page[PaidLine]:
        """One page of the household's lines, newest list first; the look-up and its answer
        are one transaction, so every look-up is audited exactly once."""
        member = self.household_of(person)
        db = self.ctx.store.db
        found = _theirs(member, disclosure_rows.published_subsidy_names(db, member.village_code))
        start = _start(found, cursor)
        page = Page.of(found[start : start + PAGE_SIZE + 1], PAGE_SIZE, _cursor_of)
        lines = Page(tuple(self._line(db, n, same) for n, same in page.items), page.next_cursor)
        with self.ctx.store.transaction() as db:
            event = audit.record(
                db,
                person.user_id,
                "household.looked_up",
                f"member:{member.id}",
                village_code=member.village_code,
                after={
                    "household": member.household,
                    "group": member.village_group,
                    "lines": len(found),
                    "shown": len(lines.items),
                    "from": start,
                },
            )
            text, rows = self._answer(person.language, member, lines, len(found), start)
            queue(db, f"a{event}:answer", reply, text, rows)
        return lines

    def missing_text(self, person: Person) -> str:
        """The topic a resident files with one button when their household is on no list: the
        group and the name masked, as the topic may reach the public wall once answered."""
        member = self.household_of(person)
        return t_plain(
            person.language,
            "hh.topic_text",
            group=group_label(person.language, member.village_group),
            household=mask_name(member.household),
        )

    def _line(self, db: Database, listed: ListedName, same_name: bool) -> PaidLine:
        d = store_d.get(db, listed.disclosure_id)
        row = disclosure_rows.row_at(db, listed.disclosure_id, listed.position)
        return PaidLine(d, row, same_name)

    def _answer(
        self, language: str, member: Member, page: Page[PaidLine], total: int, start: int
    ) -> tuple[list[str], Rows]:
        """The answer's lines and buttons: the household's lines, or how to ask about it."""
        who = {
            "household": member.household,
            "group": group_label(language, member.village_group),
        }
        if not total:
            button = Button(t_plain(language, "hh.ask_button"), "dpayq")
            return [t(language, "hh.none", **who)], rows_of([[button]])
        text = [t(language, "hh.header", count=total, **who)]
        for number, line in enumerate(page.items, start + 1):
            text.append(self._render(language, number, line))
        text.append(t(language, "hh.private"))
        if page.next_cursor is None:
            return text, ()
        text.append(t(language, "hh.more", shown=start + len(page.items), count=total))
        button = Button(t_plain(language, "hh.next_button"), f"dpay:{page.next_cursor}")
        return text, rows_of([[button]])

    def _render(self, language: str, number: int, line: PaidLine) -> str:
        d, data = line.disclosure, line.row.data
        text = t(
            language,
            "hh.line",
            number=number,
            title=d.title,
            id=d.id,
            period=d.period,
            published=self.ctx.local_date(d.published_at).isoformat(),
            item=data.get("item") or "—",
            amount=format_fen(line.row.amount_fen),
        )
        if data.get("paid"):
            text += t(language, "hh.paid", paid=data["paid"])
        if line.same_name:
            text += t(language, "hh.same_name")
        return text

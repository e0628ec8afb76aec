"""A resident's question about one line of a published table (STG-06; PT-14: comments on a
disclosure become topics): the web's "问这一行"
deep link or a line picked from the chat's list opens the topic form with the line quoted;
the filed topic keeps the line, and the disclosure page shows its answer beside it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.pages import Page
from bot.delivery.messages import rows_of
from bot.i18n import t_plain
from bot.services.context import Context
from bot.services.disclosures.public_tables import public_text
from bot.services.masking import mask_name, mask_text
from bot.services.money import format_fen
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require
from bot.services.topics.drafts import TopicDrafts, submit_row
from bot.services.topics.topic_records import Reply
from storage import disclosure_rows, topic_disclosure_lines, topics
from storage import disclosures as store_d
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure

# Telegram start payloads are 1-64 characters of A-Za-z0-9_-: "L<disclosure>_<row>".
PAYLOAD = re.compile(r"L([1-9][0-9]{0,11})_([1-9][0-9]{0,11})")
PAGE_SIZE = 8
TITLE_MAX = 30
TOPIC_CATEGORY = {"finance": "finance", "subsidy": "subsidy"}


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a published table as the public sees it, numbered as on the page."""

    row_id: int
    number: int
    summary: str
    amount_fen: int


@dataclass(frozen=True, slots=True)
class LineNote:
    """What the page shows beside a line: the answers given, and how many still wait."""

    answers: tuple[tuple[str, str], ...]  # (kind: answer | decline, masked text)
    waiting: int


@dataclass(frozen=True, slots=True)
class AskedLine:
    """What a topic asks about: the disclosure, its line number (None: the item as a whole),
    the page's path to that line, and whether it came within the objection window."""

    disclosure_id: int
    number: int | None
    path: str
    in_window: bool


def start_payload(disclosure_id: int, row_id: int) -> str:
    """The deep link's start parameter naming one line."""
    return f"L{disclosure_id}_{row_id}"


def parse_payload(payload: str) -> tuple[int, int]:
    """(disclosure id, row id) of a start parameter; refused when it is no line link."""
    found = PAYLOAD.fullmatch(payload)
    if found is None:
        raise Denied("line.bad_link")
    return int(found.group(1)), int(found.group(2))


def lines_of(d: Disclosure, rows: list[Row]) -> list[Line]:
    """A table's lines in the page's order (a ledger: income, then expense), numbered from 1."""
    if d.kind == "finance":
        ordered = [r for s in ("income", "expense") for r in rows if r.section == s]
    else:
        ordered = [r for r in rows if r.section not in ("attachment",)]
    return [Line(r.id or 0, n, _summary(r), r.amount_fen) for n, r in enumerate(ordered, 1) if r.id]


def _summary(r: Row) -> str:
    """A line in a few public words: account and description, or group, masked name and item."""
    if r.section == "subsidy":
        parts = [r.data.get("group"), mask_name(str(r.data.get("head") or "")), r.data.get("item")]
    else:
        parts = [r.data.get("account"), r.data.get("description")]
    return " ".join(public_text(p) for p in parts if p)


class LineQuestions:
    """Lines to ask about, the topic form opened on one, and what the page shows beside it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.drafts = TopicDrafts(ctx)

    def _asked(self, person: Person, disclosure_id: int) -> Disclosure:
        """A published (current) item of the resident's own village; refused otherwise."""
        d = store_d.get(self.ctx.store.db, disclosure_id)
        if d is None or d.status != "published":
            raise Denied("line.not_published")
        require(person, "disclosure.line_question", village=d.village_code)
        return d

    def lines(self, person: Person, disclosure_id: int, after: int = 0) -> Page[Line]:
        """The item's lines after line number `after`, a page at a time, for the chat's list."""
        d = self._asked(person, disclosure_id)
        found = lines_of(d, disclosure_rows.rows_of(self.ctx.store.db, d.id))
        if not found:
            raise Denied("line.no_lines", id=d.id)
        return Page.of(found[after : after + PAGE_SIZE + 1], PAGE_SIZE, lambda x: str(x.number))

    def start(
        self, person: Person, disclosure_id: int, row_id: int, reply: ReplyTo | None = None
    ) -> Reply:
        """Open the topic form with the line quoted as the start of the text (category from the
        table); the resident's next message is their question."""
        d = self._asked(person, disclosure_id)
        line = next(
            (
                x
                for x in lines_of(d, disclosure_rows.rows_of(self.ctx.store.db, d.id))
                if x.row_id == row_id
            ),
            None,
        )
        if line is None:
            raise Denied("line.no_such_line", id=d.id)
        title = mask_text(d.title)
        values = {
            "title": title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…",
            "n": line.number,
            "summary": line.summary,
            "amount": format_fen(line.amount_fen),
        }
        # The topic's text is read by officials and on the wall: quoted in the township's
        # language; the resident is shown the same line in theirs.
        quote = t_plain(self.ctx.default_language, "line.quote", **values)
        data = {
            "category": TOPIC_CATEGORY.get(d.kind, "finance"),
            "quote": quote,
            "line": [d.id, row_id],
        }
        shown = t_plain(person.language, "line.quote", **values)
        result = Reply("line.ask", {"quote": shown}, rows_of([[submit_row(person.language)[1]]]))
        return self.drafts.put(person, "topic", None, "text", data, reply, result)

    def asked_about(self, receipt: str) -> AskedLine | None:
        """The line a topic asks about, for its page and /history; None for other topics."""
        db = self.ctx.store.db
        topic = topics.by_receipt(db, receipt)
        link = topic_disclosure_lines.of_topic(db, topic.id) if topic is not None else None
        d = store_d.get(db, link.disclosure_id) if link is not None else None
        if link is None or d is None:
            return None
        number = next(
            (
                x.number
                for x in lines_of(d, disclosure_rows.rows_of(db, d.id))
                if x.row_id == link.row_id
            ),
            None,
        )
        anchor = f"#row-{link.row_id}" if number is not None else ""
        return AskedLine(d.id, number, f"/d/{d.id}{anchor}", link.in_window)

    def notes(self, disclosure_id: int) -> dict[int, LineNote]:
        """Per row id: the answers to questions about it and how many still wait (the page)."""
        by_row: dict[int, tuple[list[tuple[str, str]], list[str]]] = {}
        for q in topic_disclosure_lines.topics_of(self.ctx.store.db, disclosure_id):
            if q.row_id is None:
                continue
            answers, waiting = by_row.setdefault(q.row_id, ([], []))
            if q.answer_text is not None and q.status != "assigned":
                answers.append((q.answer_kind or "answer", mask_text(q.answer_text)))
            else:
                waiting.append(q.receipt)
        return {
            row: LineNote(tuple(answers), len(waiting))
            for row, (answers, waiting) in by_row.items()
        }

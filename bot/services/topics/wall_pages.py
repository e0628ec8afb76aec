"""Point-topic requests (点题) on the public web board: the feedback wall (回音壁), one topic's
page, and the figures (DESIGN §6, §8; domain reference §9, §13, §21).

What is public, and why:
- A topic is public once it has been answered or lawfully declined (PT-01, PT-04, PT-11: the
  result goes on the wall; PT-10: a refusal is recorded with its reason, never silently dropped).
  It stays public after a rating, a reopening (不满意) or closing: what was published once is not
  withdrawn, and the timeline shows what happened since.
- A topic still being handled and never answered shows only its receipt, village, category,
  status, filing and due dates and whether it is overdue — never its text (SEC-04: matters still
  under handling are exempt; PT-03: the office screens a topic before anything is published).
  This lets a resident holding a receipt follow its progress (TL-07) without publishing it.
- The requester's identity is never read here at all (DESIGN §6, SEC-08). Answers show the
  answering *post* (`by_post`, e.g. 青山村 会计), never a private account.
- Every free text (question, answer, link, post) passes through `mask_text`, so an ID, phone or
  card number a resident typed is never shown in full (SEC-03). Internal notes stay private:
  urge notes, extension reasons and a resident's 不满意 reason are not published (SEC-04, SEC-08).

The figures reuse `topics_stats` (one definition of 按时办结率 and 满意率 for the bot's /stats and
the web). Values are plain text: pages, feeds and the API escape them for their own format.
No Telegram and no HTTP here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.config import Config
from bot.core.local_time import local_date
from bot.core.pages import Page, decode_keyset, encode_keyset
from bot.core.periods import Period
from bot.core.search_terms import search_terms
from bot.core.timeline import TimelineEntry
from bot.core.village_names import village_name, village_names
from bot.core.vocabulary import CATEGORIES
from bot.services import figure_memory, figure_totals
from bot.services.masking import mask_text
from bot.services.topics.public_timeline import public_timeline
from bot.services.topics.stats import (
    Counts,
    asked_villages,
    category_counts,
    compute,
    figures_key,
    stats_period,
)
from bot.services.topics.text import DECLINE_REASONS, parse_receipt
from storage import topic_answers, topic_follows
from storage import topic_board as board
from storage.db import Store
from storage.keyset import Position
from storage.times import utcnow
from storage.topic_answers import Answer
from storage.topic_board import WallRow

PAGE_MAX = 100
SEARCH_MAX = 50
WALL_STATUSES = {"answered": "answer", "declined": "decline"}


@dataclass(frozen=True, slots=True)
class PublicAnswer:
    id: int
    kind: str  # answer | decline
    reason: str | None  # a lawful refusal reason (DECLINE_REASONS) for a decline
    text: str
    link: str | None
    post: str
    at: datetime
    due_date: date
    on_time: bool


@dataclass(frozen=True, slots=True)
class WallPost:
    """One topic on the feedback wall: masked question, its current answer, no requester."""

    receipt: str
    village_code: str
    village_name: str
    category: str
    question: str
    status: str  # assigned (reopened) | answered | declined | closed
    filed_at: datetime
    due_date: date
    due_provisional: bool
    supports: int
    joint: bool
    reopened: int
    answer: PublicAnswer

    @property
    def kind(self) -> str:
        return self.answer.kind

    @property
    def on_time(self) -> bool:
        return self.answer.on_time


@dataclass(frozen=True, slots=True)
class PublicTopic:
    """A topic page. `public` False: still being handled and never answered — then `question`
    is None, `answers` and `timeline` are empty (SEC-04)."""

    public: bool
    receipt: str
    village_code: str
    village_name: str
    category: str
    status: str
    filed_at: datetime
    due_date: date
    due_provisional: bool  # counted days of a year without its official schedule
    overdue: bool  # open and past its due date
    extended: bool
    reopened: int
    supports: int
    asked_same: int  # residents asking it: the requester, supporters and followers, once each
    joint: bool
    rating: str | None
    question: str | None
    answers: tuple[PublicAnswer, ...]  # oldest first; the last is the current one
    timeline: tuple[TimelineEntry, ...]

    @property
    def answer(self) -> PublicAnswer | None:
        return self.answers[-1] if self.answers else None


@dataclass(frozen=True, slots=True)
class VillageTopicFigures:
    """The index's figures of one village: now open/overdue, and the period's two rates."""

    code: str
    open: int
    overdue: int
    counts: Counts
    period: Period


@dataclass(frozen=True, slots=True)
class TopicStats:
    """The /stats page: a period, one row per village, the total, topics by category."""

    period: Period
    village_code: str | None
    rows: tuple[Counts, ...]
    total: Counts
    categories: tuple[tuple[str, int], ...]  # every category, in the fixed order
    by_township: bool = False  # a county's rows: one per township (code, name), not village


def _clean(value: object) -> str:
    return "" if value is None else mask_text(str(value))


def _holds(post: WallPost, words: list[str]) -> bool:
    """Whether the post's masked text holds every word (what search may find it by)."""
    haystack = f"{post.question}\n{post.answer.text}".casefold()
    return all(word.casefold() in haystack for word in words)


def _answer(a: Answer) -> PublicAnswer:
    reason = a.reason if a.reason in DECLINE_REASONS else None
    return PublicAnswer(
        a.id,
        a.kind,
        reason if a.kind == "decline" else None,
        _clean(a.text),
        _clean(a.link) or None,
        _clean(a.by_post),
        a.at,
        a.due_date,
        a.on_time,
    )


class TopicBoard:
    """Read-only access to what the public may see of point-topic requests."""

    def __init__(self, store: Store, config: Config, *, now: Callable[[], datetime] = utcnow):
        self.store = store
        self.config = config
        self.tz = config.township.tz
        self.now = now

    @property
    def categories(self) -> tuple[str, ...]:
        return CATEGORIES

    def today(self) -> date:
        return local_date(self.now(), self.tz)

    # -- the wall ----------------------------------------------------------------------------

    def _post(self, row: WallRow, names: dict[str, str]) -> WallPost:
        """A row as the public sees it, under its village's name (`village_names` of a listing)."""
        t = row.topic
        return WallPost(
            receipt=t.receipt,
            village_code=t.village_code,
            village_name=names[t.village_code],
            category=t.category,
            question=_clean(t.text),
            status=t.status,
            filed_at=t.filed_at,
            due_date=t.due_date,
            due_provisional=t.due_provisional,
            supports=t.supports,
            joint=t.joint,
            reopened=t.reopened,
            answer=_answer(row.answer),
        )

    def wall(
        self,
        *,
        village_code: str | None = None,
        category: str | None = None,
        status: str | None = None,
        cursor: str | None = None,
        limit: int = 20,
    ) -> Page[WallPost]:
        """Answered and declined topics, newest answer first, `limit` at a time (1..100).

        Unknown categories and statuses match nothing; BadCursor for a bad cursor."""
        limit = max(1, min(limit, PAGE_MAX))
        if category is not None and category not in CATEGORIES:
            return Page((), None)
        if status is not None and status not in WALL_STATUSES:
            return Page((), None)
        after = Position(*decode_keyset(cursor, tag="w")) if cursor is not None else None
        rows = board.wall(
            self.store.db,
            village_code=village_code,
            category=category,
            kind=WALL_STATUSES[status] if status else None,
            after=after,
            limit=limit + 1,
        )
        names = village_names(self.store.db, {r.topic.village_code for r in rows})
        posts = [self._post(r, names) for r in rows]
        return Page.of(
            posts, limit, lambda last: encode_keyset(last.answer.at, last.answer.id, tag="w")
        )

    def recent(self, village_code: str | None = None, limit: int = 50) -> list[WallPost]:
        """The newest wall posts (feeds, the index)."""
        return list(self.wall(village_code=village_code, limit=limit).items)

    def last_answered(self, village_code: str | None = None) -> datetime | None:
        return board.last_answered(self.store.db, village_code)

    def search(
        self, text: str, village_code: str | None = None, limit: int = SEARCH_MAX, offset: int = 0
    ) -> Page[WallPost]:
        """Wall posts whose masked question or answer holds every word wherever it stands (ARC-10),
        best match first, among the `limit` candidates from `offset` on; the page's cursor is the
        next offset. The match is checked again on the masked text, so a hidden number cannot be
        found by search (nor tell that a next page exists)."""
        words = search_terms(text)
        if not words:
            return Page((), None)
        limit = max(1, min(limit, SEARCH_MAX))
        rows = board.search_candidates(self.store.db, words, village_code, limit + 1, offset)
        names = village_names(self.store.db, {r.topic.village_code for r in rows})
        posts = [self._post(row, names) for row in rows]
        shown = tuple(post for post in posts[:limit] if _holds(post, words))
        more = len(posts) > limit and _holds(posts[limit], words)
        return Page(shown, str(offset + limit) if more else None)

    # -- one topic ---------------------------------------------------------------------------

    def topic(self, receipt_text: str) -> PublicTopic | None:
        """A topic page by receipt (`dt-2026-42` is read as DT-2026-0042); None if unknown."""
        receipt = parse_receipt(receipt_text or "")
        if receipt is None:
            return None
        db = self.store.db
        t = board.topic(db, receipt)
        if t is None:
            return None
        public = t.first_responded_at is not None
        answers = tuple(_answer(a) for a in topic_answers.answers_of(db, t.id)) if public else ()
        timeline = public_timeline(db, t, (a.at for a in answers)) if public else ()
        return PublicTopic(
            public=public,
            receipt=t.receipt,
            village_code=t.village_code,
            village_name=village_name(self.store.db, t.village_code),
            category=t.category,
            status=t.status,
            filed_at=t.filed_at,
            due_date=t.due_date,
            due_provisional=t.due_provisional,
            overdue=t.status == "assigned" and t.due_date < self.today(),
            extended=t.extended,
            reopened=t.reopened,
            supports=t.supports,
            asked_same=topic_follows.asked_same(db, t.id) + 1,
            joint=t.joint,
            rating=t.rating if public else None,
            question=_clean(t.text) if public else None,
            answers=answers,
            timeline=timeline,
        )

    # -- figures -----------------------------------------------------------------------------

    def period(self, text: str | None = None) -> Period:
        """A quarter, month or year; default the current quarter. Denied for bad text."""
        return stats_period(text, self.today())

    def figures(
        self,
        period: Period | None = None,
        village_code: str | None = None,
        within: frozenset[str] | None = None,
    ) -> dict[str, VillageTopicFigures]:
        """Per active village (or for the one named, or of the villages `within`): open and
        overdue now, and the period's counts (default: the current year, so early in a quarter
        the rates are not all empty). A page showing one village's figures names it; an index
        asks once for all its villages, never once per row."""
        db, today = self.store.db, self.today()
        period = period or Period.whole_year(today.year)
        rows, _ = compute(db, period, today, self.tz, village_code, within)

        def count_open(stale: Sequence[str]) -> dict[str, board.OpenCounts | None]:
            found = board.open_counts(db, today, stale)
            return {code: found.get(code) for code in stale}

        # Remembered per village version and day (overdue turns with the day).
        now_open = figure_memory.village_figures(
            db, ("open", today), [c.code for c in rows], count_open
        )
        out = {}
        for c in rows:
            current = now_open.get(c.code)
            out[c.code] = VillageTopicFigures(
                c.code, current.open if current else 0, current.overdue if current else 0, c, period
            )
        return out

    def stats(
        self,
        period: Period,
        village_code: str | None = None,
        within: frozenset[str] | None = None,
    ) -> TopicStats:
        """Per village (of the villages `within`, None: all) and the total for a period
        (topics_stats definitions), and topics filed in the period by category; kept while
        none of the villages moved (figure_totals)."""
        db, today = self.store.db, self.today()

        def build() -> tuple[TopicStats, None]:
            rows, total = compute(db, period, today, self.tz, village_code, within)
            per = category_counts(db, period, self.tz, [c.code for c in rows]).values()
            categories = tuple((c, sum(n.get(c, 0) for n in per)) for c in CATEGORIES)
            return TopicStats(period, village_code, tuple(rows), total, categories), None

        asked = asked_villages(village_code, within)
        key = ("stats", *figures_key(db, period, today, self.tz), village_code, asked)
        return figure_totals.added_up(db, key, asked, build)

    def county_stats(self, period: Period) -> TopicStats:
        """A county's figures for a period with one row per township (STAT-11): its villages'
        counts added up, in the townships' declared order."""
        config = self.config

        def build() -> tuple[TopicStats, None]:
            whole = self.stats(period)
            township_of = {v.code: config.township_code_of(v) for v in config.villages}
            parts: dict[str, list[Counts]] = {t.code: [] for t in config.all_townships}
            for counts in whole.rows:
                if counts.code in township_of:
                    parts[township_of[counts.code]].append(counts)
            places = config.all_townships
            rows = tuple(Counts.total_of(t.code, t.name, parts[t.code]) for t in places)
            return replace(whole, rows=rows, by_township=True), None

        key = ("county_stats", *figures_key(self.store.db, period, self.today(), self.tz))
        return figure_totals.added_up(self.store.db, key, None, build)

"""A topic opened from its receipt (`/start DT-…`, the QR code printed on a 代办 receipt, PT-05):
anyone sees what the topic's public page shows — status, due date, and once it is answered the
masked question and answer (SEC-03, SEC-04) — and a resident of its village may follow it."""

from __future__ import annotations

from bot.delivery.messages import rows_of
from bot.i18n import Term, t_plain
from bot.services.context import Context
from bot.services.people import Person
from bot.services.topics import topic_lookup
from bot.services.topics.follows import TopicFollows
from bot.services.topics.notices import button, category_term, due_mark
from bot.services.topics.topic_records import Reply
from bot.services.topics.wall_pages import PublicTopic, TopicBoard


class TopicLinks:
    """The public state of a topic in chat, with the follow button for those who may."""

    def __init__(self, ctx: Context, follows: TopicFollows) -> None:
        self.ctx = ctx
        self.follows = follows

    def show(self, person: Person, receipt_text: str) -> Reply:
        """What `/start DT-…` answers: the same values as the topic's web page, nothing more."""
        topic = topic_lookup.find(self.ctx.store.db, receipt_text)
        board = TopicBoard(self.ctx.store, self.ctx.config, now=self.ctx.now)
        shown = board.topic(topic.receipt)
        assert shown is not None  # the topic was found just above
        rows = ()
        if self.follows.may_follow(person, topic):
            follow = button(person.language, "topics.button.follow", f"tp:fl:{topic.id}")
            rows = rows_of([[follow]])
        params = {
            "receipt": shown.receipt,
            "village": shown.village_name,
            "category": category_term(shown.category),
            "status": Term(f"topics.status.{shown.status}"),
            "due": shown.due_date.isoformat(),
            "provisional": due_mark(shown.due_provisional),
            "details": "\n".join(_details(person.language, shown)),
        }
        return Reply("topics.link.view", params, rows)


def _details(language: str, shown: PublicTopic) -> list[str]:
    """The lines under the facts: how many asked the same, then the question and the current
    answer once public, or why they are not shown yet."""
    lines = []
    if shown.asked_same > 1:
        lines.append(t_plain(language, "topics.similar.asked_same", count=shown.asked_same))
    answer = shown.answer
    if not shown.public or answer is None:
        lines.append(t_plain(language, "topics.link.not_public"))
        return lines
    lines.append(t_plain(language, "topics.link.question", question=shown.question or ""))
    if answer.kind == "decline":
        reason = Term(f"topics.reason.{answer.reason or 'none'}")
        lines.append(t_plain(language, "topics.link.declined", reason=reason, post=answer.post))
    lines.append(t_plain(language, "topics.link.answer", post=answer.post, answer=answer.text))
    if answer.link:
        lines.append(t_plain(language, "topics.link.link", link=answer.link))
    return lines

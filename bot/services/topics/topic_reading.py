"""What a person may read about topics: their own, their inbox, and one topic's timeline and
attachments (issue 4 §8)."""

from __future__ import annotations

from bot.core.timeline import TimelineEntry
from bot.services.context import Context
from bot.services.people import Denied, Person
from bot.services.permissions import allowed, require
from bot.services.topics import topic_lookup
from bot.services.topics.topic_posts import assignee_post
from bot.services.township_scope import within
from storage import audit, topic_answers, topics
from storage.topic_answers import Answer
from storage.topics import Topic


class TopicReading:
    """Lookups, lists and views; nothing here changes state."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def find(self, text: str) -> Topic:
        """A topic by the receipt number a person typed, or a clear refusal."""
        return topic_lookup.find(self.ctx.store.db, text)

    def get(self, topic_id: int) -> Topic:
        """A topic by the id a button carries, or the stale-button refusal."""
        return topic_lookup.get(self.ctx.store.db, topic_id)

    def mine(self, person: Person) -> list[Topic]:
        """A resident's own topics (/mytopics)."""
        return topics.of_requester(self.ctx.store.db, person.user_id)

    def inbox(self, person: Person) -> list[Topic]:
        """Open topics the person must act on, oldest due first (/inbox)."""
        db = self.ctx.store.db
        require(person, "topic.inbox")
        found: dict[int, Topic] = {}
        code = person.village_code
        # The topics the person may answer: theirs and their village officials' pool ...
        if code is not None and allowed(person, "topic.answer", village=code, owner="official"):
            for topic in topics.open_for_official(db, person.user_id, code):
                found[topic.id] = topic
        # ... and the township's pool: of their own township, or every township's for county
        # staff, who read it and act on none (issue 13 §1).
        if allowed(person, "topic.track"):
            seen = person.villages_in_view()
            for topic in topics.open_for_township(db):
                if within(seen, topic.village_code):
                    found[topic.id] = topic
        return sorted(found.values(), key=lambda x: (x.due_date, x.id))

    def assignee_post(self, topic: Topic) -> str:
        """Who answers this topic, as a post."""
        return assignee_post(self.ctx, self.ctx.store.db, topic)

    def current_answer(self, topic: Topic) -> Answer | None:
        return topic_answers.answer(self.ctx.store.db, topic.answer_id) if topic.answer_id else None

    def can_view(self, person: Person, topic: Topic) -> bool:
        """The requester, the village's officials (assignee, first owner) and township staff."""
        return allowed(person, "topic.view", village=topic.village_code, owner=topic.requester_id)

    def _check_visible(self, person: Person, topic: Topic) -> None:
        if not self.can_view(person, topic):
            raise Denied("topics.not_visible", receipt=topic.receipt)

    def view(self, person: Person, topic: Topic) -> tuple[Topic, list[TimelineEntry]]:
        """A topic with its full timeline (issue 4 §8)."""
        self._check_visible(person, topic)
        events = audit.for_subject(self.ctx.store.db, f"topic:{topic.id}")
        return topic, [TimelineEntry(e.at, e.action, e.after or {}) for e in events]

    def attachments(self, person: Person, topic: Topic) -> list[tuple[str, str]]:
        """(kind, file_id) of the topic's photo or voice and the answers' attachments."""
        self._check_visible(person, topic)
        found = []
        if topic.media_kind and topic.media_file_id:
            found.append((topic.media_kind, topic.media_file_id))
        for a in topic_answers.answers_of(self.ctx.store.db, topic.id):
            if a.attachment_kind and a.attachment_file_id:
                found.append((a.attachment_kind, a.attachment_file_id))
        return found

"""Where a new topic goes (first-contact responsibility, FCR-01, PT-08) and the /route rules
township staff set for it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from bot.core.numbers import parse_number
from bot.core.village_names import village_name
from bot.core.vocabulary import HEAD, category_named
from bot.i18n import Term
from bot.services.context import Context
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require, role_grants
from bot.services.topics import topic_lookup
from bot.services.topics.notices import category_term
from bot.services.topics.text import is_head_title
from bot.services.topics.topic_posts import post_of
from bot.services.topics.topic_records import ack
from bot.services.topics.topic_rules import officials, staff_ids
from bot.services.township_scope import require_village
from storage import audit, members, topic_routes


@dataclass(frozen=True, slots=True)
class Route:
    """Where a new topic goes (first-contact responsibility, FCR-01, PT-08)."""

    kind: str  # 'route' | 'head' | 'officials' | 'township'
    assignee_id: int | None
    recipients: tuple[int, ...]


class TopicRouting:
    """Choosing a topic's first owner, and the rules that decide it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _rules(self, db: Database, code: str) -> dict[str, int]:
        """category (or 'head') → official's user id for one village."""
        rules = {r.category: r.user_id for r in self.ctx.config.topics.routes if r.village == code}
        # /route by township staff wins over the file
        rules |= topic_routes.routes(db, code)
        return rules

    def route(self, db: Database, village_code: str, category: str) -> Route:
        """Routing rule → village head → every official → township: never nobody (FCR-01)."""
        found = officials(db, village_code)
        ids = {m.user_id for m in found}
        rules = self._rules(db, village_code)
        if rules.get(category) in ids:
            return Route("route", rules[category], (rules[category],))
        head = rules.get(HEAD) if rules.get(HEAD) in ids else None
        if head is None:
            head = next((m.user_id for m in found if is_head_title(m.title)), None)
        if head is not None:
            return Route("head", head, (head,))
        if found:
            return Route("officials", None, tuple(sorted(ids)))
        return Route("township", None, tuple(staff_ids(db, village_code)))

    def set_route(
        self,
        person: Person,
        village: str,
        word: str,
        member_ref: str,
        reply: ReplyTo | None = None,
    ) -> Route:
        """/route: township staff name the official for a village's category (or its head),
        the category given by its code or its Chinese name."""
        require(person, "topic.route")
        code = topic_lookup.village_code(self.ctx.store.db, village)
        require_village(person, "topic.route", code)  # their own township's villages only
        category = category_named(word, head=True)
        if category is None:
            raise Denied("topics.route_usage")
        ref = member_ref.strip().lstrip("#")
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            if ref in ("-", "clear"):
                topic_routes.clear_route(db, code, category)
                user_id = None
            else:
                number = parse_number(ref)
                member = members.get(db, number) if number is not None else None
                if member is None or not role_grants(member, "topic.answer", code):
                    raise Denied("topics.route_not_official", ref=member_ref)
                user_id = member.user_id
                topic_routes.set_route(db, code, category, user_id, person.user_id, now)
            event = audit.record(
                db,
                person.user_id,
                "topic.route_set",
                f"route:{code}:{category}",
                village_code=code,
                after={"user_id": user_id},
            )
            ack(
                db,
                event,
                reply,
                person,
                "topics.route.set" if user_id else "topics.route.cleared",
                village=village_name(db, code),
                category=category_term(category) if category != HEAD else Term("topics.route.head"),
                post=post_of(self.ctx, db, user_id, code) if user_id else "—",
            )
            return Route("route" if user_id else "cleared", user_id, ())

    def routes(self, person: Person, village: str) -> dict[str, str]:
        """category → post, for /route <village>."""
        require(person, "topic.route")
        db = self.ctx.store.db
        code = topic_lookup.village_code(db, village)
        require_village(person, "topic.route", code)
        return {c: post_of(self.ctx, db, uid, code) for c, uid in self._rules(db, code).items()}

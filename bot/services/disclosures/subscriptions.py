"""Subscriptions: a resident follows categories of their village and is told of each publication."""

from __future__ import annotations

from bot.i18n import t_plain
from bot.services.context import Context
from bot.services.disclosures.form_replies import answer_change
from bot.services.people import Denied, Person, ReplyTo
from storage import audit, disclosure_subscriptions


class Subscriptions:
    """Following and unfollowing categories."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.categories = ctx.config.disclosure.categories

    def subscriptions(self, person: Person) -> list[str]:
        """The categories the person follows ('*' = all)."""
        return disclosure_subscriptions.subscriptions_of(self.ctx.store.db, person.user_id)

    def toggle_subscription(
        self, person: Person, category: str, reply: ReplyTo | None = None
    ) -> bool:
        """Follow or stop following a category of one's village; True when now following."""
        village = person.village_code
        if village is None:
            raise Denied("disc.subscribe_join_first")
        if category != "*" and category not in self.categories:
            raise Denied("disc.unknown_category", category=category)
        following = category in self.subscriptions(person)
        with self.ctx.store.transaction() as db:
            if following:
                disclosure_subscriptions.unsubscribe(db, person.user_id, village, category)
            else:
                disclosure_subscriptions.subscribe(db, person.user_id, village, category)
            event = audit.record(
                db,
                person.user_id,
                "disclosure.subscription",
                f"user:{person.user_id}",
                village_code=village,
                after={"category": category, "following": not following},
            )
            name = category
            if category == "*":
                name = t_plain(person.language, "disc.all_categories")
            key = "disc.unsubscribed" if following else "disc.subscribed"
            answer_change(db, event, reply, person, key, category=name)
        return not following

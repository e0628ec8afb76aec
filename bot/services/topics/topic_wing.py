"""Point-topic requests (点题) and the feedback wall (回音壁): DESIGN §3 (Topic request), §4.

`Topics` holds one object per concern, each a plain class over the one `Context` and the
other concerns it needs. Every change is one transaction holding the state change, its audit
event and the notices it causes (DESIGN §7), so a handler makes at most one changing call per
update. Rule IDs from `reference/domain-requirements.md` are cited where they decide behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.context import Context
from bot.services.topics.answer_selection import AnswerSelection
from bot.services.topics.answering import TopicAnswering
from bot.services.topics.categories import TopicCategories
from bot.services.topics.drafts import TopicDrafts
from bot.services.topics.due_dates import TopicDueDates
from bot.services.topics.extensions import TopicExtensions
from bot.services.topics.filing import TopicFiling
from bot.services.topics.follows import TopicFollows
from bot.services.topics.guided_forms import TopicForms
from bot.services.topics.proxy_filing import ProxyFiling
from bot.services.topics.rating import TopicRating
from bot.services.topics.receipts import TopicReceipts
from bot.services.topics.reporting import TopicReporting
from bot.services.topics.reusable_answers import AnswerTemplates
from bot.services.topics.routing import TopicRouting
from bot.services.topics.supports import TopicSupports
from bot.services.topics.topic_links import TopicLinks
from bot.services.topics.topic_reading import TopicReading
from bot.services.topics.tracking import TopicTracking
from bot.services.topics.transfers import TopicTransfers


@dataclass(frozen=True, slots=True)
class Topics:
    """Filing (a similar recent topic offered first), routing, answering (with the village's
    answer templates, one text for several), rating, supporting, extending, transferring,
    urging and following the working calendar."""

    routing: TopicRouting
    filing: TopicFiling
    answering: TopicAnswering
    rating: TopicRating
    supports: TopicSupports
    extensions: TopicExtensions
    transfers: TopicTransfers
    categories: TopicCategories
    tracking: TopicTracking
    reading: TopicReading
    reporting: TopicReporting
    forms: TopicForms
    due_dates: TopicDueDates
    templates: AnswerTemplates
    proxy: ProxyFiling
    receipts: TopicReceipts
    follows: TopicFollows
    selection: AnswerSelection
    links: TopicLinks

    @classmethod
    def build(cls, ctx: Context) -> Topics:
        """Every topic concern over one context, each given the others it works with."""
        drafts = TopicDrafts(ctx)
        routing = TopicRouting(ctx)
        filing = TopicFiling(ctx, drafts, routing)
        answering = TopicAnswering(ctx, drafts)
        rating = TopicRating(ctx, drafts)
        extensions = TopicExtensions(ctx, drafts)
        templates = AnswerTemplates(ctx)
        proxy = ProxyFiling(ctx, drafts, routing)
        supports = TopicSupports(ctx)
        follows = TopicFollows(ctx, drafts, filing, supports)
        selection = AnswerSelection(ctx, drafts, answering)
        return cls(
            routing=routing,
            filing=filing,
            answering=answering,
            rating=rating,
            supports=supports,
            extensions=extensions,
            transfers=TopicTransfers(ctx),
            categories=TopicCategories(ctx),
            tracking=TopicTracking(ctx),
            reading=TopicReading(ctx),
            reporting=TopicReporting(ctx),
            forms=TopicForms(
                ctx, drafts, follows, answering, extensions, rating, templates, proxy, selection
            ),
            due_dates=TopicDueDates(ctx),
            templates=templates,
            proxy=proxy,
            receipts=TopicReceipts(ctx),
            follows=follows,
            selection=selection,
            links=TopicLinks(ctx, follows),
        )

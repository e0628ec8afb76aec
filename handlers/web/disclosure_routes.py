"""Published disclosures on the web: the page, the poster, search and the Atom feeds.

Only published (and superseded) versions exist here: anything else is a 404 (DESIGN §8).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial

from aiohttp import web

from bot.core.local_time import local_time
from bot.core.pages import Page
from bot.core.search_terms import QUERY_MAX, search_terms
from bot.heavy_work import Busy
from bot.i18n import t_plain
from bot.services.disclosures.disclosure_pages import DisclosureBoard, PublicDisclosure
from bot.services.disclosures.line_questions import start_payload
from bot.services.disclosures.objection_window import is_open, window_end
from bot.services.people import Denied
from bot.web_render import feeds
from bot.web_render.disclosure_sections import entries, yuan
from bot.web_render.poster_cache import PosterCache, content_key
from bot.web_render.qr import join_link
from bot.web_render.topic_sections import newest, post_views, topic_board_of, wall_entries
from handlers.web.keys import CONTEXT, SERVICES
from handlers.web.respond import PAGE_CACHE, etag_of, html_page, language_of, not_modified
from handlers.web.township_query import UnknownTownship, township_villages
from storage.search_index import RANK_WINDOW
from storage.villages import Village

log = logging.getLogger(__name__)

ID_ROUTE = r"{id:[1-9][0-9]{0,11}}"
FEED_SIZE = 50
SEARCH_PAGE = 20  # of each kind: what is shown is all that is read, masked and marked
SEARCH_PAGES = RANK_WINDOW // SEARCH_PAGE
NOTHING: Page = Page((), None)
ATOM = "application/atom+xml"
POSTERS = web.AppKey("posters", PosterCache)


def village_of(request: web.Request) -> Village | None:
    """The active village named in the path, or None."""
    try:
        return request.app[SERVICES].membership.village(request.match_info["code"])
    except Denied:
        return None


def board(request: web.Request) -> DisclosureBoard:
    return request.app[SERVICES].disclosures.board


def base_url(request: web.Request) -> str:
    """Absolute links (feeds, QR codes, the API) use the configured public address."""
    return request.app[SERVICES].config.web.public_url.rstrip("/")


def when(request: web.Request):
    return partial(local_time, tz=request.app[SERVICES].config.township.tz)


def dated(
    request: web.Request,
    body: bytes,
    content_type: str,
    modified: datetime | None,
    *,
    charset: str | None = "utf-8",
    headers: dict[str, str] | None = None,
) -> web.Response:
    """A 200 with ETag and a Last-Modified from the data (newest publication), or a 304."""
    etag = etag_of(body)
    stamp = (modified or feeds.EPOCH).astimezone(UTC).replace(microsecond=0)
    all_headers = {"Cache-Control": PAGE_CACHE, "Vary": "Accept-Language", **(headers or {})}
    if not_modified(request, etag, stamp):
        response = web.Response(status=304, headers=all_headers)
    else:
        response = web.Response(
            body=body, content_type=content_type, charset=charset, headers=all_headers
        )
    response.etag = etag
    response.last_modified = stamp
    return response


# -- the disclosure page ---------------------------------------------------------------------


def _found(request: web.Request):
    found = board(request).disclosure(int(request.match_info["id"]))
    if found is None:
        raise web.HTTPNotFound()
    return found


async def disclosure(request: web.Request) -> web.Response:
    """GET /d/<id>: one published version, its table, sign-offs, filing record and versions."""
    language = language_of(request)
    found = _found(request)
    photo = request.app[SERVICES].disclosures.board_photos.shown(found.id)
    return html_page(
        request,
        "disclosure.html",
        language,
        d=found,
        photo=photo,
        when=when(request),
        yuan=yuan,
        **_line_extras(request, found),
    )


def _line_extras(request: web.Request, found: PublicDisclosure) -> dict:
    """Per line the answers to questions about it and, on the current version, the "问这一行"
    deep link (when the bot's username is known); the objection window's end (STG-06)."""
    disclosures = request.app[SERVICES].disclosures
    username = request.app[CONTEXT].bot_username
    current = found.status == "published" and bool(username)

    def ask(row_id: int | None) -> str | None:
        if not current or row_id is None:
            return None
        return f"https://t.me/{username}?start={start_payload(found.id, row_id)}"

    end = window_end(disclosures.ctx, found.published_at)
    window_open = is_open(disclosures.ctx, found.published_at, disclosures.ctx.now())
    return {
        "notes": disclosures.line_questions.notes(found.id),
        "ask": ask,
        "window_end": end,
        "window_open": window_open,
    }


async def board_photo(request: web.Request) -> web.Response:
    """GET /d/<id>/board-photo: the newest photo of the posted poster, as the official sent it."""
    photos = request.app[SERVICES].disclosures.board_photos
    photo = photos.shown(int(request.match_info["id"]))
    body = photos.content(photo) if photo is not None else None
    if photo is None or body is None:
        raise web.HTTPNotFound()
    return dated(request, body, photo.mime_type, photo.received_at, charset=None)


async def poster(request: web.Request) -> web.Response:
    """GET /d/<id>/poster.pdf: the A4 poster for the paper board."""
    # reportlab is heavy: imported on the first poster, not at start.
    from bot.web_render.poster import PosterLinks, PosterUnavailable, poster_pdf

    language = language_of(request)
    found = _found(request)
    services = request.app[SERVICES]
    username = request.app[CONTEXT].bot_username
    links = PosterLinks(
        page_url=f"{base_url(request)}/d/{found.id}",
        join_url=join_link(username, found.village_code) if username else None,
        supervision_phone=services.config.supervision_phone_of(found.village_code),
    )
    tz = services.config.township.tz
    render = partial(poster_pdf, found, links, language=language, when=when(request))
    try:
        # A 5,000-row list takes seconds: laid out off the event loop, once per content.
        body = await request.app[POSTERS].get(
            content_key(found, links, language, str(tz)), partial(services.heavy.run, render)
        )
    except PosterUnavailable:
        log.exception("cannot render the poster of disclosure %s", found.id)
        raise web.HTTPServiceUnavailable(text="poster font missing") from None
    except Busy:
        raise web.HTTPServiceUnavailable(text="busy", headers={"Retry-After": "30"}) from None
    filename = f"disclosure-{found.id}-v{found.version}.pdf"
    return dated(
        request,
        body,
        "application/pdf",
        found.published_at,
        charset=None,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


# -- search ----------------------------------------------------------------------------------


async def search(request: web.Request) -> web.Response:
    """GET /search?q=&page=: published disclosures and feedback-wall posts matching every word,
    SEARCH_PAGE of each per page."""
    language = language_of(request)
    query = request.query.get("q", "").strip()[:QUERY_MAX]
    page = search_page(request.query.get("page"))
    offset = (page - 1) * SEARCH_PAGE
    disclosures = board(request)
    topics = topic_board_of(request.app[SERVICES])
    found = disclosures.search(query, limit=SEARCH_PAGE, offset=offset) if query else NOTHING
    posts = topics.search(query, limit=SEARCH_PAGE, offset=offset) if query else NOTHING
    return html_page(
        request,
        "search.html",
        language,
        query=query,
        words=search_terms(query),
        items=entries(disclosures, [hit.item for hit in found.items]),
        excerpts=[hit.excerpt for hit in found.items],
        more_items=found.next_cursor is not None,
        posts=post_views(posts.items, topics.tz),
        more_posts=posts.next_cursor is not None,
        page=page,
        page_link=lambda number: str(request.rel_url.update_query(page=number)),
    )


def search_page(text: str | None) -> int:
    """The page asked for, 1 to SEARCH_PAGES (anything else is the first): the ranked matches
    are the newest thousand, so no page lies beyond them."""
    number = int(text) if text and text.isascii() and text.isdigit() and len(text) < 4 else 1
    return number if 1 <= number <= SEARCH_PAGES else 1


# -- feeds -----------------------------------------------------------------------------------


def _feed(
    request: web.Request, codes: Sequence[str | None], title: str, self_path: str, alternate: str
) -> web.Response:
    """The feed of the villages `codes` ([None]: every village); a township's merges the
    newest of each of its villages (each an indexed query)."""
    disclosures = board(request)
    items = [i for code in codes for i in disclosures.recent(code, FEED_SIZE)]
    items = sorted(items, key=lambda i: i.published_at, reverse=True)[:FEED_SIZE]
    listed = entries(disclosures, items)
    topics = topic_board_of(request.app[SERVICES])
    language = language_of(request)
    posts = [p for code in codes for p in topics.recent(code, FEED_SIZE)]
    posts = sorted(posts, key=lambda p: p.answer.at, reverse=True)[:FEED_SIZE]
    wall = wall_entries(language, base_url(request), posts)
    updated = newest(
        *(disclosures.last_published(code) for code in codes),
        *(topics.last_answered(code) for code in codes),
    )
    body = feeds.atom_feed(
        language=language,
        base_url=base_url(request),
        self_path=self_path,
        alternate_path=alternate,
        title=title,
        author=request.app[SERVICES].config.township.name,
        items=[feeds.FeedItem(e, i.published_at) for e, i in zip(listed, items, strict=True)],
        updated=updated,
        extra=wall,
    )
    return dated(request, body, ATOM, updated)


async def township_feed(request: web.Request) -> web.Response:
    """GET /feed.atom: new disclosures and wall posts of every village (of `?township=`)."""
    language = language_of(request)
    township = request.app[SERVICES].config.township.name
    try:
        within = township_villages(request)
    except UnknownTownship as unknown:
        return html_page(
            request, "not_found.html", language, status=404, township_code=unknown.code
        )
    codes: list[str | None] = [None] if within is None else sorted(within)
    title = t_plain(language, "web.feed.township_title", township=township)
    return _feed(request, codes, title, "/feed.atom", "/")


async def village_feed(request: web.Request) -> web.Response:
    """GET /v/<code>/feed.atom: new disclosures and wall posts of one village."""
    language = language_of(request)
    found = village_of(request)
    if found is None:
        code = request.match_info["code"]
        return html_page(request, "not_found.html", language, status=404, village_code=code)
    title = t_plain(language, "web.feed.village_title", village=found.name)
    return _feed(request, [found.code], title, f"/v/{found.code}/feed.atom", f"/v/{found.code}")


def add_routes(app: web.Application) -> None:
    app[POSTERS] = PosterCache()
    app.router.add_get(f"/d/{ID_ROUTE}", disclosure)
    app.router.add_get(f"/d/{ID_ROUTE}/poster.pdf", poster)
    app.router.add_get(f"/d/{ID_ROUTE}/board-photo", board_photo)
    app.router.add_get("/search", search)
    app.router.add_get("/feed.atom", township_feed)
    app.router.add_get("/v/{code}/feed.atom", village_feed)

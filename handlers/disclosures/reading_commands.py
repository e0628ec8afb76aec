"""Reading disclosures: /disclosures (browse by category, period or village), /show, /search,
and the files /export and /export_year."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.local_time import local_time
from bot.core.numbers import parse_number
from bot.core.search_terms import marked_html
from bot.i18n import Html, Term, t, t_plain
from bot.services.disclosures import disclosure_text, objection_window, preview_table
from bot.services.disclosures.browsing import View
from bot.services.disclosures.objection_window import window_end
from bot.services.people import Person
from bot.services.permissions import allowed, require
from handlers.common import buttons, person, refusals, reply, services, written
from handlers.disclosures.change_handlers import button_data, send_file
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure

LIST_LIMIT = 20


def _status_line(language: str, d, tz, title: Html | None = None) -> str:
    when = local_time(d.published_at, tz) if d.published_at else ""
    return t(
        language,
        "disc.list_line",
        id=d.id,
        title=d.title if title is None else title,
        period=d.period,
        version=d.version,
        status=Term(f"disc.status.{d.status}"),
        when=when,
    )


@refusals
async def browse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/disclosures [category|period|village]`: published items (and open ones for the office)."""
    who = person(update, context)
    disclosures = services(context).disclosures
    tz = disclosures.ctx.tz
    _village, public, open_items = disclosures.browsing.browse(who, context.args or [])
    lines: list[str] = []
    if open_items:
        lines.append(t(who.language, "disc.list_open"))
        lines += [_status_line(who.language, d, tz) for d in open_items[:LIST_LIMIT]]
    lines.append(t(who.language, "disc.list_public"))
    lines += [_status_line(who.language, d, tz) for d in public[:LIST_LIMIT]]
    if not public:
        lines.append(t(who.language, "disc.list_empty"))
    lines.append(t(who.language, "disc.list_hint"))
    names = disclosures.categories
    rows = [[(n, f"dlist:{i}")] for i, n in enumerate(names)] if not context.args else []
    reply(update, context, "\n".join(lines), buttons(*rows))


@refusals
async def browse_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The press is answered once, after the work: a refusal on the way answers it instead.
    index = int(button_data(update))
    context.args = [str(index + 1)]
    await browse(update, context)
    await update.callback_query.answer()


def view_lines(language: str, view: View, tz) -> list[str]:
    return disclosure_text.lines(
        language,
        view.disclosure,
        view.rows,
        village=view.village,
        names_full=view.names_full,
        tz=tz,
        signoffs=view.signoffs,
        filing=view.filing,
        status=not view.disclosure.is_public,
        cut=True,
    )


@refusals
async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/show <number>`: one disclosure in full (names as this reader may see them)."""
    who = person(update, context)
    if len(context.args or []) != 1 or parse_number(context.args[0]) is None:
        reply(update, context, t(who.language, "disc.show_usage"))
        return
    disclosures = services(context).disclosures
    view = disclosures.browsing.view(who, context.args[0])
    d = view.disclosure
    lines = view_lines(who.language, view, disclosures.ctx.tz)
    if preview_table.is_cut(d, view.rows):  # the whole table is one button away
        lines.append(t(who.language, "disc.table_by_button", rows=len(view.rows)))
    rows = [[("CSV", f"dexp:{d.id}:csv"), ("XLSX", f"dexp:{d.id}:xlsx")]]
    if d.status == "published" and d.published_at is not None:
        until = objection_window.end_text(who.language, window_end(disclosures.ctx, d.published_at))
        lines.append(t(who.language, "line.window_note", until=until))
        rows += _published_buttons(who, d, view.rows)
    reply(update, context, "\n".join(lines), buttons(*rows))


def _published_buttons(who: Person, d: Disclosure, table: list[Row]) -> list[list[tuple]]:
    """Under a published item: a resident's "对某一行有疑问" (when it has a table) and the
    village official's "发送张贴照片"; each press is checked again by its service."""
    rows = []
    has_lines = any(r.section != "attachment" for r in table)
    if has_lines and allowed(who, "disclosure.line_question", village=d.village_code):
        rows.append([(t_plain(who.language, "line.ask_button"), f"dlq:{d.id}")])
    if allowed(who, "disclosure.board_photo", village=d.village_code):
        rows.append([(t_plain(who.language, "line.photo_button"), f"dpho:{d.id}")])
    return rows


@refusals
async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/search <words>`: titles, texts and table rows of published items."""
    who = person(update, context)
    disclosures = services(context).disclosures
    found = disclosures.browsing.search(who, " ".join(context.args or []))
    if not found:
        reply(update, context, t(who.language, "disc.search_none"))
        return
    lines = [t(who.language, "disc.search_header", count=len(found))]
    for hit in found:  # the words looked for in bold, everything else escaped (ARC-10)
        title = Html(marked_html(hit.disclosure.title, hit.words, "b"))
        lines.append(_status_line(who.language, hit.disclosure, disclosures.ctx.tz, title))
        if hit.excerpt:
            lines.append("    " + marked_html(hit.excerpt, hit.words, "b"))
    reply(update, context, "\n".join(lines))


async def _send_export(
    update: Update, context: ContextTypes.DEFAULT_TYPE, ref: str, fmt: str
) -> None:
    who = person(update, context)
    file = services(context).disclosures.exports.export(who, ref, fmt)
    content = await written(update, context, file, "export")
    send_file(update, context, file.name, content, t(who.language, "disc.export_caption"))


@refusals
async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/export <number> [csv|xlsx]`."""
    who = person(update, context)
    if not context.args:
        reply(update, context, t(who.language, "disc.export_usage"))
        return
    fmt = context.args[1].lower() if len(context.args) > 1 else "xlsx"
    await _send_export(update, context, context.args[0], "csv" if fmt == "csv" else "xlsx")


@refusals
async def export_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _, ref, fmt = update.callback_query.data.split(":")
    await _send_export(update, context, ref, fmt)
    await update.callback_query.answer()


@refusals
async def export_year(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/export_year <year> [village]`: township staff download the year's archive."""
    who = person(update, context)
    require(who, "disclosure.export")
    args = context.args or []
    year = parse_number(args[0], largest=9999) if args else None
    if year is None:
        reply(update, context, t(who.language, "disc.export_year_usage"))
        return
    bundle = services(context)
    file = bundle.disclosures.exports.export_year(who, year, args[1] if len(args) > 1 else None)
    content = await written(update, context, file, "export_year")  # seconds of work
    send_file(update, context, file.name, content, t(who.language, "disc.export_caption"))

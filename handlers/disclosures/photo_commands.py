"""Proof the paper board was posted: /photo <number> and the photo (or image file) that follows,
and /photos, the township's list of villages that have not sent theirs."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import t
from handlers.common import answer_here, person, refusals, reply, services
from handlers.disclosures.change_handlers import with_ref


@refusals
async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/photo <number>`: the next photo is the posted poster of that published item."""
    board_photos = services(context).disclosures.board_photos
    await with_ref(update, context, "disc.photo.usage", board_photos.start)


@refusals
async def board_photo_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The photo, or an image sent as a file (which keeps its EXIF time), for the open /photo."""
    who = person(update, context)
    message = update.message
    board_photos = services(context).disclosures.board_photos
    sent = message.photo[-1] if message.photo else message.document
    board_photos.check_upload(who, sent.file_size)
    file = await sent.get_file()
    content = bytes(await file.download_as_bytearray())
    board_photos.save(who, content, answer_here(update))


@refusals
async def photos(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/photos` (township): villages whose published items have no board photo after N days."""
    who = person(update, context)
    board_photos = services(context).disclosures.board_photos
    overdue = board_photos.overdue(who)
    days = board_photos.days
    if not overdue:
        reply(update, context, t(who.language, "disc.photo.overdue_none", days=days))
        return
    lines = [t(who.language, "disc.photo.overdue_header", days=days, count=len(overdue))]
    for o in overdue:
        items = " ".join(f"#{i}" for i in o.disclosure_ids)
        lines.append(t(who.language, "disc.photo.overdue_line", village=o.village, items=items))
    reply(update, context, "\n".join(lines))

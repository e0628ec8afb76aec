"""Disclosure commands and buttons (DESIGN §3): the command and button tables, and the
registration of the commands and form input (`handlers.registry` routes the buttons). Each
handler makes at most one changing call to a concern of `Disclosures`; the handlers themselves
live in the other modules of this package."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram.ext import Application, CommandHandler, MessageHandler, filters

from handlers.buttons import ButtonRoute
from handlers.common import SERVICES
from handlers.disclosures.draft_commands import (
    attachment_received,
    category_pressed,
    correct,
    draft,
    edit,
    edit_pressed,
    form_text,
    kind_pressed,
    major_pressed,
    period_pressed,
    submit,
    submit_pressed,
)
from handlers.disclosures.household_commands import ask_pressed, mypay, mypay_pressed
from handlers.disclosures.import_commands import (
    file_received,
    stray_document,
    template,
    template_pressed,
)
from handlers.disclosures.line_commands import board_photo_pressed, line_pressed, lines_pressed
from handlers.disclosures.photo_commands import board_photo_received, photo, photos
from handlers.disclosures.reading_commands import (
    browse,
    browse_pressed,
    export,
    export_pressed,
    export_year,
    search,
    show,
)
from handlers.disclosures.resident_commands import subscribe, subscribe_pressed, verify
from handlers.disclosures.review_commands import approve_pressed, reject_pressed, review

PRIVATE = filters.ChatType.PRIVATE


class _FormFilter(filters.MessageFilter):
    """Matches messages from people whose disclosure form waits for this kind of input, so
    other text and files fall through to the handlers registered after these."""

    def __init__(self, check: Callable[[int], bool], name: str) -> None:
        super().__init__(name=name)
        self.check = check

    def filter(self, message: Any) -> bool:
        return message.from_user is not None and self.check(message.from_user.id)


COMMANDS = {
    "draft": draft,
    "template": template,
    "submit": submit,
    "edit": edit,
    "review": review,
    "disclosures": browse,
    "show": show,
    "search": search,
    "subscribe": subscribe,
    "correct": correct,
    "export": export,
    "export_year": export_year,
    "verify": verify,
    "mypay": mypay,
    "photo": photo,
    "photos": photos,
}
BUTTONS = (
    ButtonRoute.of("dkind", kind_pressed, r"dkind:[a-z]+"),
    ButtonRoute.of("dcat", category_pressed, r"dcat:\d{1,2}"),
    ButtonRoute.of("dper", period_pressed, r"dper:[0-9Q-]{4,10}"),
    ButtonRoute.of("dtpl", template_pressed, r"dtpl:(finance|subsidy)"),
    ButtonRoute.of("dsub", submit_pressed, r"dsub:\d+"),
    ButtonRoute.of("dmaj", major_pressed, r"dmaj:\d+"),
    ButtonRoute.of("dedit", edit_pressed, r"dedit:\d+"),
    ButtonRoute.of("dapp", approve_pressed, r"dapp:\d+:\d+"),
    ButtonRoute.of("drej", reject_pressed, r"drej:\d+:\d+"),
    ButtonRoute.of("dlist", browse_pressed, r"dlist:\d{1,2}"),
    ButtonRoute.of("dfol", subscribe_pressed, r"dfol:\d{1,2}"),
    ButtonRoute.of("dexp", export_pressed, r"dexp:\d+:(csv|xlsx)"),
    ButtonRoute.of("dpay", mypay_pressed, r"dpay:[A-Za-z0-9_-]{1,40}"),
    ButtonRoute.of("dpayq", ask_pressed, r"dpayq"),
    ButtonRoute.of("dlq", lines_pressed, r"dlq:[1-9]\d{0,11}(:\d{1,6})?"),
    ButtonRoute.of("dln", line_pressed, r"dln:[1-9]\d{0,11}:[1-9]\d{0,11}"),
    ButtonRoute.of("dpho", board_photo_pressed, r"dpho:[1-9]\d{0,11}"),
)


def register(application: Application) -> None:
    """Attach the disclosure handlers (before the registry's catch-alls)."""
    disclosures = application.bot_data[SERVICES].disclosures
    form = disclosures.form
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=PRIVATE))
    wants_text = _FormFilter(form.expects_text, "disclosure_form_text")
    wants_file = _FormFilter(form.expects_file, "disclosure_form_file")
    wants_attachment = _FormFilter(form.expects_attachment, "disclosure_form_attachment")
    application.add_handler(
        MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND & wants_text, form_text)
    )
    application.add_handler(
        MessageHandler(PRIVATE & filters.Document.ALL & wants_file, file_received)
    )
    application.add_handler(
        MessageHandler(
            PRIVATE & (filters.PHOTO | filters.Document.ALL) & wants_attachment,
            attachment_received,
        )
    )
    wants_photo = _FormFilter(disclosures.board_photos.expects_photo, "disclosure_board_photo")
    application.add_handler(
        MessageHandler(
            PRIVATE & (filters.PHOTO | filters.Document.ALL) & wants_photo, board_photo_received
        )
    )
    application.add_handler(MessageHandler(PRIVATE & filters.Document.ALL, stray_document))

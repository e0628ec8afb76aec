"""Importing files into a draft: the CSV or XLSX received while the form waits for one, every
problem of a refused file by row and column, and /template, the file to fill in."""

from __future__ import annotations

import functools
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.delivery.progress import progress_shown
from bot.i18n import t
from bot.services.disclosures.sheet_reading import ImportRejected
from handlers.common import answer_here, person, refusals, reply, services
from handlers.disclosures.change_handlers import button_data, send_file

MAX_PROBLEMS_SHOWN = 60


def imports_refused(callback):
    """Answer an ImportRejected with every problem by row and column, in one reply."""

    @functools.wraps(callback)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        try:
            return await callback(update, context)
        except ImportRejected as rejected:
            who = person(update, context)
            reply(update, context, "\n".join(problem_lines(who.language, rejected)))

    return wrapper


def problem_lines(language: str, rejected: ImportRejected) -> list[str]:
    problems = rejected.problems
    lines = [t(language, "imp.header", count=len(problems))]
    for p in problems[:MAX_PROBLEMS_SHOWN]:
        if p.row is not None and p.column is not None:
            where = t(language, "imp.where_cell", row=p.row, column=p.column)
        elif p.row is not None:
            where = t(language, "imp.where_row", row=p.row)
        else:
            where = ""
        lines.append(f"• {where}{t(language, p.key, **p.params)}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(t(language, "imp.more", count=len(problems) - MAX_PROBLEMS_SHOWN))
    lines.append(t(language, "imp.footer"))
    return lines


@refusals
@imports_refused
async def file_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A CSV or XLSX for the draft in progress: checked, read, imported or refused whole."""
    who = person(update, context)
    document = update.message.document
    bundle = services(context)
    importing = bundle.disclosures.importing
    importing.check_upload(who, document.file_size)
    chat_id = update.effective_chat.id
    limits = bundle.config.progress
    async with progress_shown(bundle.store, limits, chat_id, who.language, "import") as progress:
        file = await document.get_file()
        content = bytes(await file.download_as_bytearray())
        name = document.file_name or "upload.csv"
        kind = importing.expected_kind(who)
        # Reading a workbook takes seconds: off the loop, so everyone else is still answered.
        sheet = await bundle.heavy.run(importing.read, kind, name, content)
        progress.report(len(sheet.rows))
        importing.import_sheet(who, name, sheet, answer_here(update))


async def stray_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file outside a disclosure form: explain how to import one."""
    who = person(update, context)
    reply(update, context, t(who.language, "disc.no_file_expected"))


@refusals
async def template_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_template(update, context, button_data(update))
    await update.callback_query.answer()


@refusals
async def template(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/template [finance|subsidy]`: the file to fill in."""
    kind = context.args[0].lower() if context.args else "finance"
    await send_template(update, context, kind)


async def send_template(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str) -> None:
    who = person(update, context)
    filename, content = services(context).disclosures.importing.template(kind)
    kind = "finance" if kind == "finance" else "subsidy"
    send_file(update, context, filename, content, t(who.language, f"disc.template_caption_{kind}"))

"""Commands everyone has: /start with deep links, /help, /whoami, /language, /leave, /cancel."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Term, t, t_plain
from bot.menus import commands_for
from handlers.common import answer_here, buttons, person, refusals, replace_pressed, reply, services
from handlers.disclosures.line_commands import ask_line
from handlers.topics.resident_topics import receipt_link


@refusals
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet, or act on a deep link: `v_<village>` to join, `inv_<code>` to take up a role,
    `L<id>_<row>` to ask about a line of a published table, `DT-…` to see a topic (its receipt)."""
    who = person(update, context)
    payload = context.args[0] if context.args else ""
    if payload.startswith("v_"):
        village = services(context).membership.village(payload[2:])
        reply(
            update,
            context,
            t(who.language, "join.confirm", village=village.name),
            buttons(
                [
                    (t_plain(who.language, "join.yes"), f"join:{village.code}"),
                    (t_plain(who.language, "common.cancel"), "join:-"),
                ]
            ),
        )
    elif payload.startswith("inv_"):
        services(context).membership.accept_invite(who, payload[4:], answer_here(update))
    elif payload.startswith("DT-"):  # a topic's receipt, from its QR code (PT-05)
        await receipt_link(update, context, payload)
    elif payload.startswith("L"):  # a line of a published table, from its web page
        await ask_line(update, context, payload)
    elif who.roles:
        reply(update, context, t(who.language, "start.welcome_back", name=who.name))
    else:
        villages = services(context).membership.villages()
        reply(
            update,
            context,
            t(who.language, "start.welcome", township=services(context).config.township.name),
            buttons(*[[(v.name, f"join:{v.code}")] for v in villages]),
        )


@refusals
async def join_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Join the village named in the button, after the server checks it again."""
    query = update.callback_query
    who = person(update, context)
    code = query.data.split(":", 1)[1]
    if code == "-":
        await query.answer()
        replace_pressed(update, context, t(who.language, "common.cancelled"))
        return
    services(context).membership.join(who, code, answer_here(update, edit=True))
    await query.answer()


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the commands this person may use, and only those."""
    who = person(update, context)
    lines = [t(who.language, "help.intro")]
    for command in commands_for(who.role_names):
        lines.append(f"/{command} — {t(who.language, f'commands.{command}')}")
    lines.append(t(who.language, "help.outro"))
    reply(update, context, "\n".join(lines))


async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the person what the bot knows about them."""
    who = person(update, context)
    lines = [t(who.language, "whoami.header", name=who.name, user_id=who.user_id)]
    membership = services(context).membership
    for member in who.roles:
        place = membership.place_name(member)
        lines.append(
            t(
                who.language,
                "whoami.role",
                role=Term(f"roles.{member.role}"),
                place=place,
                title=member.title or "",
            )
        )
    if not who.roles:
        lines.append(t(who.language, "whoami.no_roles"))
    lines.append(t(who.language, "whoami.language", language=LANGUAGE_NAMES[who.language]))
    reply(update, context, "\n".join(lines))


@refusals
async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Choose the language of messages and menus: `/language en` or buttons."""
    who = person(update, context)
    if context.args:
        chosen = _language_from(context.args[0])
        services(context).membership.set_language(who, chosen, answer_here(update))
        return
    reply(
        update,
        context,
        t(who.language, "language.choose"),
        buttons([(LANGUAGE_NAMES[code], f"lang:{code}") for code in LANGUAGES]),
    )


@refusals
async def language_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Apply the language picked with a button."""
    query = update.callback_query
    who = person(update, context)
    chosen = query.data.split(":", 1)[1]
    services(context).membership.set_language(who, chosen, answer_here(update, edit=True))
    await query.answer()


def _language_from(text: str) -> str:
    lowered = text.strip().lower()
    if lowered in ("zh", "zh-cn", "cn", "中文", "简体中文"):
        return "zh-CN"
    if lowered in ("en", "english", "英文", "英语"):
        return "en"
    return text


@refusals
async def leave(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask before giving up one's village roles."""
    who = person(update, context)
    village_code = who.village_code
    if village_code is None:
        reply(update, context, t(who.language, "leave.nothing"))
        return
    village = services(context).membership.village(village_code)
    reply(
        update,
        context,
        t(who.language, "leave.confirm", village=village.name),
        buttons(
            [
                (t_plain(who.language, "leave.yes"), "leave:yes"),
                (t_plain(who.language, "common.cancel"), "leave:no"),
            ]
        ),
    )


@refusals
async def leave_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave the village when confirmed."""
    query = update.callback_query
    who = person(update, context)
    if query.data != "leave:yes":
        await query.answer()
        replace_pressed(update, context, t(who.language, "common.cancelled"))
        return
    services(context).membership.leave(who, answer_here(update, edit=True))
    await query.answer()


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop whichever guided form is in progress; otherwise say there is nothing to cancel."""
    who = person(update, context)
    if services(context).disclosures.form.cancel_draft(who, answer_here(update)):
        return  # the disclosure form's "cancelled" answer is queued with the change
    if services(context).topics.forms.cancel_draft(who, answer_here(update)):
        return  # the topic form's "cancelled" answer is queued with the change
    reply(update, context, t(who.language, "common.nothing_to_cancel"))


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button the bot does not know (old or forged): refuse politely, change nothing."""
    who = person(update, context)
    await update.callback_query.answer(
        t_plain(who.language, "common.stale_button"), show_alert=True
    )


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command this person does not have, or a typo."""
    who = person(update, context)
    reply(update, context, t(who.language, "common.unknown_command"))


@refusals
async def plain_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text outside a form: a resident is asked whether to file it as a point-topic,
    someone with no village how to join, anyone else pointed to /help."""
    who = person(update, context)
    if not who.roles:
        reply(update, context, t(who.language, "common.join_hint"))
        return
    text = update.effective_message.text or ""
    if not services(context).topics.filing.offer(who, text, answer_here(update)):
        reply(update, context, t(who.language, "common.use_help"))


async def ignore_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message is not a new one: it never runs a command or fills a form again."""
    raise ApplicationHandlerStop

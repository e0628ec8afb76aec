"""Township staff commands: /invite, /invites, /members, /revoke. The services check every role
again."""

from __future__ import annotations

import unicodedata

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.local_time import local_time
from bot.core.numbers import parse_number
from bot.delivery.messages import Text
from bot.i18n import Term, t
from bot.services.permissions import allowed, require
from bot.services.township_scope import STAFF_ROLES, invite_place, township_name
from handlers.common import answer_here, person, refusals, reply, services, tell_now

# Member numbers are SQLite row ids: signed 64-bit.


@refusals
async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/invite <official|supervisor|township|county> <village> [title]`: a single-use link."""
    who = person(update, context)
    if not allowed(who, "invite.county"):  # county staff invite county staff only
        require(who, "invite.create")
    args = context.args or []
    if not args:
        reply(update, context, t(who.language, "invite.usage"))
        return
    role = args[0].lower()
    staff = role in STAFF_ROLES
    village_code = args[1] if len(args) > 1 and not staff else None
    title = " ".join(args[2:] if not staff else args[1:]) or None
    issued = services(context).membership.create_invite(who, role, village_code, title)
    link = f"https://t.me/{context.bot.username}?start=inv_{issued.code}"
    config = services(context).config
    place = issued.village.name if issued.village else invite_place(config, who, role)
    await tell_now(
        update,
        context,
        Text(
            t(
                who.language,
                "invite.created",
                role=Term(f"roles.{issued.role}"),
                place=place,
                title=issued.title or "—",
                link=link,
                expires=local_time(issued.expires_at, config.township.tz),
            )
        ),
    )


@refusals
async def invites(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/invites`: the unused invite links; `/invites cancel <number>` voids one."""
    who = person(update, context)
    args = context.args or []
    membership = services(context).membership
    if args and args[0].lower() == "cancel":
        if len(args) < 2:
            reply(update, context, t(who.language, "invite.list_usage"))
            return
        membership.cancel_invite(who, args[1], answer_here(update))
        return
    found = membership.open_invites(who)
    config = services(context).config
    lines = [t(who.language, "invite.list_header", count=len(found))]
    for invite in found:
        place = membership.village(invite.village_code).name if invite.village_code else None
        lines.append(
            t(
                who.language,
                "invite.list_line",
                id=invite.id,
                role=Term(f"roles.{invite.role}"),
                place=place or township_name(config, invite.township_code),
                title=invite.title or "",
                expires=local_time(invite.expires_at, config.township.tz),
            )
        )
    lines.append(t(who.language, "invite.list_usage" if found else "invite.list_empty"))
    reply(update, context, "\n".join(lines))


@refusals
async def members(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/members <village>`: who holds which role, with the numbers /revoke takes."""
    who = person(update, context)
    if not context.args:
        if who.village_code and allowed(who, "members.list", village=who.village_code):
            context.args = [who.village_code]
        else:
            require(who, "members.list")
            reply(update, context, t(who.language, "members.usage"))
            return
    # A code typed with a Chinese input method may come in full-width letters.
    code = unicodedata.normalize("NFKC", context.args[0])
    village, people = services(context).membership.members(who, code)
    lines = [t(who.language, "members.header", village=village.name, count=len(people))]
    for m in people:
        lines.append(
            t(
                who.language,
                "members.line",
                id=m.id,
                name=m.display_name,
                username=f" @{m.username}" if m.username else "",
                role=Term(f"roles.{m.role}"),
                title=f" {m.title}" if m.title else "",
            )
        )
    if not people:
        lines.append(t(who.language, "members.empty"))
    reply(update, context, "\n".join(lines))


@refusals
async def revoke(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/revoke <member number>`: take a role away."""
    who = person(update, context)
    require(who, "member.revoke")
    number = parse_number(context.args[0]) if len(context.args or []) == 1 else None
    if number is None:
        reply(update, context, t(who.language, "revoke.usage"))
        return
    services(context).membership.revoke(who, str(number), answer_here(update))

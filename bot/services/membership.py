"""Membership and roles (DESIGN §2): joining a village, invite links, revoking, leaving."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.core.numbers import parse_number
from bot.core.typed_text import clean
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Term, pick_language
from bot.services import notify
from bot.services.context import Context
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import EXCLUSIVE_ROLES, allowed, require
from bot.services.role_endings import end_role
from bot.services.township_scope import (
    STAFF_ROLES,
    creator_action,
    granted_township,
    in_view,
    invite_township,
    township_name,
)
from storage import audit, invites, members, townships, users, villages
from storage.invites import Invite
from storage.members import Member
from storage.villages import Village

INVITABLE_ROLES = ("official", "supervisor", "township", "county")
TITLE_MAX = 20


@dataclass(frozen=True, slots=True)
class IssuedInvite:
    code: str
    role: str
    village: Village | None
    title: str | None
    expires_at: datetime


def hash_code(code: str) -> str:
    """Invite codes are stored only as hashes, so a leaked database grants no roles (DESIGN §2)."""
    return hashlib.sha256(code.encode()).hexdigest()


class MembershipService:
    """Everything about who belongs where; every change is one transaction with its audit event."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.config = ctx.config
        self.now = ctx.now
        self.default_language = ctx.default_language

    # -- reading ---------------------------------------------------------------------------

    def person(self, user_id: int) -> Person:
        """The person as the server knows them now; roles are never taken from the client."""
        db = self.store.db
        user = users.get(db, user_id)
        language = pick_language(
            user.language if user else None,
            user.telegram_language if user else None,
            self.default_language,
        )
        name = user.display_name if user else str(user_id)
        return Person(user_id, name, language, tuple(members.roles_of(db, user_id)))

    def villages(self) -> list[Village]:
        """Every active village."""
        return villages.all_active(self.store.db)

    def page_of_villages(self, after: str, limit: int, within: frozenset[str] | None) -> list[str]:
        """Codes of up to `limit` active villages (of `within`) after `after`, in code order."""
        return villages.active_codes_after(self.store.db, after, limit, within)

    def village(self, code: str) -> Village:
        """One village by code, or a refusal naming the unknown code."""
        village = villages.get(self.store.db, code.strip().lower())
        if village is None:
            raise Denied("village.unknown", code=code)
        return village

    def place_name(self, member: Member) -> str:
        """Where a role applies: its village's, its township's or the county's name."""
        if member.village_code is None:
            return township_name(self.config, member.township_code)
        village = villages.get(self.store.db, member.village_code)
        return village.name if village else member.village_code

    def members(self, person: Person, village_code: str) -> tuple[Village, list[Member]]:
        """A village's members: for township staff, and for officials of that village."""
        village = self.village(village_code)
        require(person, "members.list", village=village.code)
        return village, members.of_village(self.store.db, village.code)

    # -- start-up --------------------------------------------------------------------------

    def sync_config(self) -> None:
        """Mirror the config's townships, villages, township and county staff into the database."""
        config = self.config
        with self.store.transaction() as db:
            townships.sync(db, [(t.code, t.name) for t in config.all_townships])
            villages.sync(db, [(v.code, v.name, v.chat_id) for v in config.villages])
            villages.place(db, {v.code: config.township_code_of(v) for v in config.villages})
            if not config.townships:
                members.settle_sole_township(db, config.all_townships[0].code)
            for entry in config.all_townships:
                for user_id in entry.staff:
                    users.ensure(db, user_id)
                    members.add(
                        db, user_id, "township", None, from_config=True, township_code=entry.code
                    )
            for user_id in config.county.staff:
                users.ensure(db, user_id)
                members.add(db, user_id, "county", None, from_config=True)
            self._drop_unlisted_staff(db)

    def _drop_unlisted_staff(self, db: Database) -> None:
        """Staff roles from an earlier config that the file no longer lists end (audited)."""
        staff = [u for entry in self.config.all_townships for u in entry.staff]
        for member in members.remove_config_township_except(db, staff):
            event = audit.record(db, None, "township.removed_from_config", f"user:{member.user_id}")
            end_role(self.ctx, db, member, event)
        county = list(self.config.county.staff)
        for member in members.remove_config_township_except(db, county, "county"):
            audit.record(db, None, "county.removed_from_config", f"user:{member.user_id}")

    # -- changes ---------------------------------------------------------------------------

    def join(self, person: Person, village_code: str, reply: ReplyTo) -> Village:
        """Join a village as a resident (from its join link or the village list)."""
        village = self.village(village_code)
        self._check_one_village(person, village)
        if person.has("resident", village.code):
            raise Denied("join.already", village=village.name)
        with self.store.transaction() as db:
            member_id = members.add(db, person.user_id, "resident", village.code)
            event = audit.record(
                db,
                person.user_id,
                "member.joined",
                f"member:{member_id}",
                village_code=village.code,
                after={"role": "resident"},
            )
            notify.refresh_menu(db, f"a{event}:menu", person.user_id, self.default_language)
            notify.answer(
                db, f"a{event}:answer", reply, person.language, "join.done", village=village.name
            )
        return village

    def create_invite(
        self, person: Person, role: str, village_code: str | None, title: str | None
    ) -> IssuedInvite:
        """Township staff (ROLE-03) make a single-use invite link for their own township's
        villages (county staff for county staff); only its hash is stored."""
        require(person, "invite.create" if role != "county" else "invite.county")
        if role not in INVITABLE_ROLES:
            raise Denied("invite.bad_role", role=role)
        village = None
        if role not in STAFF_ROLES:  # staff invites name no village
            if not village_code:
                raise Denied("invite.usage")
            village = self.village(village_code)
        township_code = invite_township(person, role, village.code if village else None)
        title = clean(title) or None
        if title and len(title) > TITLE_MAX:
            raise Denied("invite.title_too_long", limit=TITLE_MAX)
        # The link is answered directly, not through the outbox, so the plain code is never
        # stored; should that answer be lost, the unused invite simply expires.
        code = secrets.token_urlsafe(18)
        expires_at = self.now() + timedelta(days=self.config.invites.ttl_days)
        with self.store.transaction() as db:
            invite_id = invites.create(
                db,
                hash_code(code),
                role,
                village.code if village else None,
                title,
                person.user_id,
                expires_at,
                township_code,
            )
            audit.record(
                db,
                person.user_id,
                "invite.created",
                f"invite:{invite_id}",
                village_code=village.code if village else None,
                after={"role": role, "title": title, "expires_at": expires_at.isoformat()},
            )
        return IssuedInvite(code, role, village, title, expires_at)

    def accept_invite(self, person: Person, code: str, reply: ReplyTo) -> Member:
        """Bind the invite's role to the person who opened it; each code works once."""
        invite = self._usable_invite(person, code)
        village = self.village(invite.village_code) if invite.village_code else None
        if village is not None:
            self._check_one_village(person, village)
        if person.has(invite.role, invite.village_code):
            raise Denied("invite.already_have", role=Term(f"roles.{invite.role}"))
        for held in person.roles:
            # One person is never both official and supervisor of a village (separation).
            if held.village_code == invite.village_code and (
                frozenset((held.role, invite.role)) in EXCLUSIVE_ROLES
            ):
                raise Denied("invite.conflict", role=Term(f"roles.{held.role}"))
        township_code = granted_township(self.config, invite.role, invite.township_code)
        with self.store.transaction() as db:
            if not invites.mark_used(db, invite.id, person.user_id):
                raise Denied("invite.used")
            member_id = members.add(
                db,
                person.user_id,
                invite.role,
                invite.village_code,
                invite.title,
                township_code=township_code,
            )
            event = audit.record(
                db,
                person.user_id,
                "invite.accepted",
                f"member:{member_id}",
                village_code=invite.village_code,
                after={"role": invite.role, "title": invite.title, "invite": invite.id},
            )
            notify.refresh_menu(db, f"a{event}:menu", person.user_id, self.default_language)
            notify.message(
                db,
                f"a{event}:inviter",
                invite.created_by,
                self.default_language,
                "invite.accepted_notice",
                name=person.name,
                role=Term(f"roles.{invite.role}"),
                village=village.name if village else "—",
            )
            notify.answer(
                db,
                f"a{event}:answer",
                reply,
                person.language,
                "invite.welcome",
                role=Term(f"roles.{invite.role}"),
                village=village.name if village else township_name(self.config, township_code),
            )
        return members.get(self.store.db, member_id)

    def _usable_invite(self, person: Person, code: str) -> Invite:
        """The invite behind a code, unless it is spent, cancelled, expired or void."""
        invite = invites.by_hash(self.store.db, hash_code(code))
        if invite is None:
            raise Denied("invite.invalid")
        if invite.used_by is not None:
            raise Denied("invite.used")
        if invite.cancelled_at is not None:
            raise Denied("invite.cancelled")
        if invite.expires_at <= self.now():
            raise Denied("invite.expired")
        require(person, "invite.accept", owner=invite.created_by)
        # An invite is only as good as its maker's role now: one made by someone since
        # revoked is void.
        creator = self.person(invite.created_by)
        if not allowed(creator, creator_action(invite.role), village=invite.village_code):
            raise Denied("invite.void")
        return invite

    def open_invites(self, person: Person) -> list[Invite]:
        """Invites nobody has used yet, for township staff (/invites)."""
        require(person, "invite.list")
        found = invites.open_invites(self.store.db, self.now())
        return [i for i in found if in_view(person, i.village_code, i.township_code)]

    def cancel_invite(self, person: Person, ref: str, reply: ReplyTo) -> Invite:
        """Township staff void an unused invite (/invites cancel N)."""
        require(person, "invite.cancel")
        number = parse_number(ref)
        invite = invites.get(self.store.db, number) if number is not None else None
        if invite is None or not in_view(person, invite.village_code, invite.township_code):
            raise Denied("invite.unknown", ref=ref)
        with self.store.transaction() as db:
            if not invites.cancel(db, invite.id, person.user_id):
                raise Denied("invite.not_open", id=invite.id)
            event = audit.record(
                db,
                person.user_id,
                "invite.cancelled",
                f"invite:{invite.id}",
                village_code=invite.village_code,
                before={"role": invite.role, "title": invite.title},
            )
            notify.answer(
                db, f"a{event}:answer", reply, person.language, "invite.cancel_done", id=invite.id
            )
        return invite

    def revoke(self, person: Person, member_ref: str, reply: ReplyTo) -> Member:
        """Township staff take a role away; roles from the config file are changed there."""
        require(person, "member.revoke")
        member_id = parse_number(member_ref)
        if member_id is None:
            raise Denied("revoke.usage")
        member = members.get(self.store.db, member_id)
        if member is None or not in_view(person, member.village_code, member.township_code):
            raise Denied("revoke.unknown", ref=member_ref)
        if member.from_config:
            raise Denied("revoke.from_config")
        with self.store.transaction() as db:
            members.remove(db, member.id)
            event = audit.record(
                db,
                person.user_id,
                "member.revoked",
                f"member:{member.id}",
                village_code=member.village_code,
                before={"user_id": member.user_id, "role": member.role, "title": member.title},
            )
            end_role(self.ctx, db, member, event)
            notify.refresh_menu(db, f"a{event}:menu", member.user_id, self.default_language)
            notify.message(
                db,
                f"a{event}:notice",
                member.user_id,
                self.default_language,
                "revoke.notice",
                role=Term(f"roles.{member.role}"),
            )
            notify.answer(
                db,
                f"a{event}:answer",
                reply,
                person.language,
                "revoke.done",
                id=member.id,
                name=member.display_name,
                role=Term(f"roles.{member.role}"),
            )
        return member

    def leave(self, person: Person, reply: ReplyTo) -> list[Member]:
        """Give up every role in one's village (township roles are managed by township staff)."""
        village_roles = [m for m in person.roles if m.village_code]
        if not village_roles:
            raise Denied("leave.nothing")
        with self.store.transaction() as db:
            for member in village_roles:
                members.remove(db, member.id)
            event = audit.record(
                db,
                person.user_id,
                "member.left",
                f"user:{person.user_id}",
                village_code=village_roles[0].village_code,
                before={"roles": [m.role for m in village_roles]},
            )
            for member in village_roles:
                end_role(self.ctx, db, member, event)
            notify.refresh_menu(db, f"a{event}:menu", person.user_id, self.default_language)
            notify.answer(db, f"a{event}:answer", reply, person.language, "leave.done")
        return village_roles

    def set_language(self, person: Person, language: str, reply: ReplyTo) -> str:
        """Store the person's language choice and re-render their menu in it."""
        if language not in LANGUAGES:
            raise Denied("language.unknown", language=language)
        with self.store.transaction() as db:
            users.set_language(db, person.user_id, language)
            event = audit.record(
                db,
                person.user_id,
                "user.language",
                f"user:{person.user_id}",
                after={"language": language},
            )
            notify.refresh_menu(db, f"a{event}:menu", person.user_id, self.default_language)
            notify.answer(
                db,
                f"a{event}:answer",
                reply,
                language,
                "language.set",
                language=LANGUAGE_NAMES[language],
            )
        return language

    def _check_one_village(self, person: Person, village: Village) -> None:
        current = person.village_code
        if current is not None and current != village.code:
            other = villages.get(self.store.db, current)
            raise Denied("join.other_village", village=other.name if other else current)

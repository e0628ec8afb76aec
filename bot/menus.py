"""Which commands each role sees in its Telegram command menu (setMyCommands per chat)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import t_plain

# Order is the order people see: each role's everyday tasks first, then what everyone has.
# Every command here must have a `commands.<name>` message in the catalogues.
EVERYONE = ("start", "help", "whoami", "language", "leave", "cancel")
BY_ROLE: dict[str, tuple[str, ...]] = {
    "resident": ("topic", "mytopics", "disclosures", "search", "subscribe", "support", "history"),
    "official": (
        *("inbox", "answer", "decline", "extend", "transfer", "category", "history"),
        *("draft", "correct", "verify", "members", "disclosures", "search", "export", "stats"),
    ),
    "supervisor": ("review", "disclosures", "search", "export"),
    "township": (
        *("pending", "overdue", "urge", "inbox", "category", "history", "stats", "report"),
        *("invite", "invites", "members", "revoke", "route", "holiday"),
        *("disclosures", "search", "export", "export_year"),
    ),
}


def commands_for(roles: Iterable[str]) -> list[str]:
    """The commands of a person holding these roles, without repeats."""
    names: list[str] = []
    for role in ("township", "official", "supervisor", "resident"):
        if role in roles:
            names += [c for c in BY_ROLE[role] if c not in names]
    return names + [c for c in EVERYONE if c not in names]


def menu(roles: Iterable[str], language: str) -> list[dict[str, str]]:
    """The BotCommand list for setMyCommands, in the person's language."""
    return [
        {"command": c, "description": t_plain(language, f"commands.{c}")}
        for c in commands_for(roles)
    ]

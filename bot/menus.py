"""Which commands each role sees in its Telegram command menu (setMyCommands per chat)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import t_plain

# The one table of who sees which command: the Telegram menus and /help are both read from it.
# Order is the order people see: each role's everyday tasks first, then what everyone has.
# Every command here must have a `commands.<name>` message in the catalogues, and every
# command the bot answers is here (tests/test_menus.py).
EVERYONE = ("start", "help", "whoami", "language", "leave", "cancel")
_READING = ("disclosures", "show", "search", "export")
BY_ROLE: dict[str, tuple[str, ...]] = {
    "resident": ("topic", "mytopics", "support", "history", "subscribe", "mypay", *_READING),
    "official": (
        *("inbox", "answer", "templates", "decline", "extend", "transfer", "category"),
        *("history", "proxy", "receipt"),
        *("draft", "template", "edit", "submit", "correct", "verify", "members", "stats"),
        "photo",
        "score",
        *_READING,
    ),
    "supervisor": ("review", *_READING),
    "township": (
        *("pending", "overdue", "urge", "inbox", "answer", "decline", "transfer", "category"),
        *("history", "receipt", "stats", "report", "route", "holiday"),
        *("invite", "invites", "members", "revoke", "export_year", "photos", "score", *_READING),
    ),
    # County staff read every township and act on none (issue 13 §1).
    "county": (
        *("compare", "pending", "overdue", "inbox", "history", "receipt", "stats", "report"),
        *("invite", "invites", "members", "export_year", "photos", *_READING),
    ),
}


def commands_for(roles: Iterable[str]) -> list[str]:
    """The commands of a person holding these roles, without repeats."""
    names: list[str] = []
    for role in ("county", "township", "official", "supervisor", "resident"):
        if role in roles:
            names += [c for c in BY_ROLE[role] if c not in names]
    return names + [c for c in EVERYONE if c not in names]


def menu(roles: Iterable[str], language: str) -> list[dict[str, str]]:
    """The BotCommand list for setMyCommands, in the person's language."""
    return [
        {"command": c, "description": t_plain(language, f"commands.{c}")}
        for c in commands_for(roles)
    ]

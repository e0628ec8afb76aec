"""Which commands each role sees in its Telegram command menu (setMyCommands per chat)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import t_plain

# Order is the order people see; every command here must have a `commands.<name>` message.
EVERYONE = ("start", "help", "whoami", "language", "leave", "cancel")
BY_ROLE: dict[str, tuple[str, ...]] = {
    "resident": ("disclosures", "search", "subscribe"),
    "official": ("members", "draft", "disclosures", "correct", "verify", "export", "search"),
    "supervisor": ("review", "disclosures", "export", "search"),
    "township": ("invite", "members", "revoke", "disclosures", "search", "export", "export_year"),
}
# Point-topic requests and the feedback wall (issue 4), after each role's other commands.
_TOPIC_COMMANDS = {
    "resident": ("topic", "mytopics", "support", "history"),
    "official": ("inbox", "answer", "decline", "extend", "transfer", "history", "stats"),
    "township": (
        *("pending", "overdue", "urge", "inbox", "history"),
        *("stats", "report", "route", "holiday"),
    ),
}
for _role, _names in _TOPIC_COMMANDS.items():
    BY_ROLE[_role] = (*BY_ROLE[_role], *_names)


def commands_for(roles: Iterable[str]) -> list[str]:
    """The commands of a person holding these roles, without repeats."""
    names = list(EVERYONE)
    for role in ("township", "official", "supervisor", "resident"):
        if role in roles:
            names += [c for c in BY_ROLE[role] if c not in names]
    return names


def menu(roles: Iterable[str], language: str) -> list[dict[str, str]]:
    """The BotCommand list for setMyCommands, in the person's language."""
    return [
        {"command": c, "description": t_plain(language, f"commands.{c}")}
        for c in commands_for(roles)
    ]

"""Which commands each role sees in its Telegram command menu (setMyCommands per chat)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import t_plain

# Order is the order people see; every command here must have a `commands.<name>` message.
EVERYONE = ("start", "help", "whoami", "language", "leave", "cancel")
BY_ROLE: dict[str, tuple[str, ...]] = {
    "resident": (),
    "official": ("members",),
    "supervisor": (),
    "township": ("invite", "members", "revoke"),
}


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

"""Command menus and /help come from one table (bot/menus.py): every command the bot answers
is in it, each role sees every command it may use, and /help never disagrees with the menu."""

from __future__ import annotations

import re

from telegram.ext import CommandHandler

from bot.menus import BY_ROLE, EVERYONE, commands_for
from storage import members, users
from tests.conftest import STAFF, eventually


def _menu_of(emulator, user_id: int) -> list[str]:
    return [c["command"] for c in emulator.commands({"type": "chat", "chat_id": user_id})]


def _help_commands(text: str) -> list[str]:
    return re.findall(r"^/([a-z_]+) — ", text, flags=re.MULTILINE)


def test_each_role_has_the_commands_of_its_work():
    official = commands_for(["official"])
    assert {"draft", "template", "submit", "edit", "answer", "decline"} <= set(official)
    township = commands_for(["township"])
    assert {"pending", "overdue", "urge", "route", "holiday", "invite", "report"} <= set(township)
    assert {"answer", "decline"} <= set(township)  # topics routed to the township itself
    assert "review" in commands_for(["supervisor"]) and "review" not in official
    resident = commands_for(["resident"])
    assert {"topic", "mytopics", "show"} <= set(resident)
    assert not {"draft", "answer", "route"} & set(resident)
    for role in BY_ROLE:
        names = commands_for([role])
        assert len(names) == len(set(names)) and names[-len(EVERYONE) :] == list(EVERYONE)


async def test_every_command_the_bot_answers_is_in_a_menu(runtime):
    answered = {
        command
        for group in runtime.application.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    listed = set(EVERYONE).union(*BY_ROLE.values())
    assert answered == listed, (answered - listed, listed - answered)


async def test_township_staff_get_their_menu_and_help_lists_it(runtime, emulator, chat):
    """Township staff come from the configuration, not a join: their menu is set at start."""
    await eventually(lambda: _menu_of(emulator, STAFF) == commands_for(["township"]))
    (shown,) = await chat(STAFF).say("/help")
    assert _help_commands(shown["text"]) == commands_for(["township"])


async def test_help_lists_exactly_the_menu_of_each_role(runtime, chat):
    for user_id, role in ((1002, "official"), (1003, "supervisor"), (1001, "resident")):
        with runtime.store.transaction() as db:
            users.ensure(db, user_id)
            members.add(db, user_id, role, "qingshan")
        (shown,) = await chat(user_id).say("/help")
        assert _help_commands(shown["text"]) == commands_for([role]), role
    (stranger,) = await chat(1004).say("/help")
    assert _help_commands(stranger["text"]) == commands_for([])

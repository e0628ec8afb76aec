"""Who is acting: a person with their language and the roles the server knows they hold."""

from __future__ import annotations

from dataclasses import dataclass

from storage.members import Member

ROLES = ("resident", "official", "supervisor", "township", "county")


class Denied(Exception):
    """A refusal to show the person: a catalogue key and its parameters."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True, slots=True)
class ReplyTo:
    """Where the answer to a change goes: the person's chat, or the button message to edit.

    The answer is queued in the change's own transaction (DESIGN §7): once the change is saved,
    the person is owed its answer even if the bot dies before sending it.
    """

    chat_id: int
    edit_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class Person:
    user_id: int
    name: str
    language: str
    roles: tuple[Member, ...]

    @property
    def village_code(self) -> str | None:
        """The one village this person belongs to (DESIGN §2: roles in one village only)."""
        return next((m.village_code for m in self.roles if m.village_code), None)

    @property
    def township_code(self) -> str | None:
        """The township this person is staff of, if any (one at most: the config says so)."""
        return next((m.township_code for m in self.roles if m.role == "township"), None)

    def villages_in_view(self) -> frozenset[str] | None:
        """The villages a staff role reads across: None for county staff (every village),
        else the villages of the person's township (empty for a person without one)."""
        if self.has("county"):
            return None
        return frozenset().union(*(m.township_villages for m in self.roles if m.role == "township"))

    @property
    def role_names(self) -> tuple[str, ...]:
        return tuple(m.role for m in self.roles)

    def has(self, role: str, village_code: str | None = None) -> bool:
        """Whether the person holds the role (in that village, when one is named)."""
        return any(
            m.role == role and (village_code is None or m.village_code == village_code)
            for m in self.roles
        )

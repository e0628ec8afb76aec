"""How townships and villages fit together (issue 13 §1): a county declares [[townships]] and
each village names its own; a file without them keeps the [township] section as the one."""

from __future__ import annotations

from typing import Any

from bot.config.schema import Invalid


def settle(values: dict[str, Any]) -> dict[str, Any]:
    """Check the county's townships, villages and staff against each other."""
    if not values["townships"]:
        # Existing single-township files load unchanged: [township] is the one township
        # (`Config.all_townships`), and villages name none.
        for i, village in enumerate(values["villages"]):
            if village.township:
                raise Invalid(f"villages[{i}].township", "no [[townships]] are declared")
        staff = {0: values["township"].staff}
    else:
        if values["township"].staff:
            # Whose staff they would be is ambiguous: each township lists its own.
            raise Invalid("township.staff", "must be empty when [[townships]] are declared")
        _check_villages(values)
        staff = {i: t.staff for i, t in enumerate(values["townships"])}
    _check_staff(staff, values["county"].staff)
    return values


def _check_villages(values: dict[str, Any]) -> None:
    codes = {t.code for t in values["townships"]}
    for i, village in enumerate(values["villages"]):
        if not village.township:
            raise Invalid(f"villages[{i}].township", "missing (required when [[townships]] exist)")
        if village.township not in codes:
            raise Invalid(
                f"villages[{i}].township", f"no [[townships]] has code {village.township!r}"
            )


def _check_staff(staff: dict[int, tuple[int, ...]], county: tuple[int, ...]) -> None:
    """A person is staff of one township only, and county staff are not township staff: one
    place each, so what a person may see and do never depends on which role is asked first."""
    seen: dict[int, int] = {}
    for i, listed in staff.items():
        for user_id in listed:
            if user_id in seen and seen[user_id] != i:
                raise Invalid(
                    f"townships[{i}].staff",
                    f"{user_id} is already staff of townships[{seen[user_id]}]",
                )
            seen[user_id] = i
    for user_id in county:
        if user_id in seen:
            raise Invalid("county.staff", f"{user_id} is already township staff")

"""Rules that tie several keys of a section together, run after each key passed its own check.

Each takes the section's values and its dotted path and returns the values to build it from.
"""

from __future__ import annotations

from typing import Any

from bot.config import counties
from bot.config.schema import Invalid


def telegram(values: dict[str, Any], path: str) -> dict[str, Any]:
    """Derive the file URL of a self-hosted Bot API server; webhook mode needs URL and secret."""
    if not values["base_file_url"] and values["base_url"].endswith("/bot"):
        values["base_file_url"] = values["base_url"][: -len("/bot")] + "/file/bot"
    if values["mode"] == "webhook":
        for name in ("webhook_url", "webhook_secret"):
            if not values[name]:
                raise Invalid(f"{path}.{name}", 'missing (required when mode = "webhook")')
    return values


def own_address(host: str, port: int) -> str:
    """The web server's own address, which an empty ``public_url`` stands for."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def web(values: dict[str, Any], path: str) -> dict[str, Any]:
    """An empty ``public_url`` means the server's own address; no trailing slash either way."""
    if not values["public_url"]:
        values["public_url"] = own_address(values["host"], values["port"])
    values["public_url"] = values["public_url"].rstrip("/")
    return values


def disclosure(values: dict[str, Any], path: str) -> dict[str, Any]:
    """Categories are trimmed, non-empty and distinct; the quarter's days come in order."""
    categories = tuple(c.strip() for c in values["categories"])
    if not categories:
        raise Invalid(f"{path}.categories", "at least one category is required")
    for i, name in enumerate(categories):
        if not name or len(name) > 20:
            raise Invalid(f"{path}.categories[{i}]", "must be 1-20 characters")
        if name in categories[:i]:
            raise Invalid(f"{path}.categories[{i}]", f"duplicate category {name!r}")
    values["categories"] = categories
    if values["deadline_day"] < values["publish_day"]:
        raise Invalid(f"{path}.deadline_day", "must not be before publish_day")
    if values["township_alert_day"] <= values["deadline_day"]:
        raise Invalid(f"{path}.township_alert_day", "must be after deadline_day")
    return values


def whole(values: dict[str, Any], path: str) -> dict[str, Any]:
    """Every topic route names a village of the file; townships and their staff fit together."""
    values = counties.settle(values)
    codes = {v.code for v in values["villages"]}
    for i, route in enumerate(values["topics"].routes):
        if route.village not in codes:
            raise Invalid(
                f"topics.routes[{i}].village", f"no [[villages]] has code {route.village!r}"
            )
    return values

"""Checks for single configuration values: each returns an error message or None."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.config.schema import Check, short

_HH_MM = r"([01]\d|2[0-3]):[0-5]\d"


def between(lo: float, hi: float) -> Check:
    """A number from ``lo`` to ``hi`` inclusive."""
    return lambda v: None if lo <= v <= hi else f"must be between {lo} and {hi}, got {short(v)}"


def one_of(*choices: str) -> Check:
    """One of the given strings."""
    allowed = ", ".join(f'"{c}"' for c in choices)
    return lambda v: None if v in choices else f"must be one of {allowed}, got {short(v)}"


def matches(pattern: str, rule: str) -> Check:
    """A string that matches ``pattern`` whole; ``rule`` says so in words."""
    rx = re.compile(pattern)
    return lambda v: None if rx.fullmatch(v) else f"{rule}, got {short(v)}"


def non_empty(v: str) -> str | None:
    """A string with something besides spaces."""
    return None if v.strip() else "must not be empty"


def non_zero(v: int) -> str | None:
    """A chat id: Telegram never uses 0."""
    return None if v else "must not be 0"


def signoffs(v: str | int) -> str | None:
    """``"all"`` or a count of at least one."""
    ok = v == "all" or (isinstance(v, int) and v >= 1)
    return None if ok else 'must be "all" or at least 1'


def optional_url(v: str) -> str | None:
    """Empty, or an http(s) URL with a host."""
    return _url_error(v) if v else None


def optional_https_url(v: str) -> str | None:
    """Empty, or an https URL (http only for the local machine)."""
    return _url_error(v, https_only=True) if v else None


def optional_secret(v: str) -> str | None:
    """Empty, or a webhook secret Telegram accepts."""
    return _SECRET(v) if v else None


def optional_phone(v: str) -> str | None:
    """A public office number such as 0591-12345678 or 12345: digits, spaces, dashes, a +."""
    if not v or re.fullmatch(r"\+?[0-9][0-9 -]{2,22}[0-9]", v):
        return None
    return f"must be a phone number of digits, spaces and dashes, got {short(v)}"


def timezone(v: str) -> str | None:
    """An IANA time zone name."""
    try:
        ZoneInfo(v)
    except Exception:  # ZoneInfo raises KeyError, ValueError or OSError subclasses
        return f'unknown IANA time zone {short(v)} (e.g. "Asia/Shanghai")'
    return None


hh_mm = matches(_HH_MM, "must be HH:MM")
telegram_id = between(1, 2**63 - 1)
path_on_server = matches(r"/\S*", "must start with '/'")
# The code goes into the deep link ?start=v_<code> (Telegram allows A-Za-z0-9_- up to 64).
village_code = matches(r"[a-z0-9_]{2,32}", "must be 2-32 characters of a-z 0-9 _")
_SECRET = matches(r"[A-Za-z0-9_-]{1,256}", "must be 1-256 characters of A-Z a-z 0-9 _ -")


def _url_error(v: str, *, https_only: bool = False) -> str | None:
    """Why ``v`` is not an acceptable http(s) URL, or None."""
    try:
        parts = urlsplit(v)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"not a valid URL ({exc}): {short(v)}"
    if parts.scheme not in ("http", "https") or not host:
        return f"must be an http:// or https:// URL with a host, got {short(v)}"
    if https_only and parts.scheme != "https" and not _is_loopback(host):
        return f"must use https:// (http:// only on localhost), got {short(v)}"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

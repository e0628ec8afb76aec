"""Typed, strictly validated configuration loaded from a TOML file into frozen dataclasses.

Every problem is reported as a :class:`ConfigError` naming the dotted key (``villages[2].code``),
so an operator can fix the file without reading a traceback.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

__all__ = [
    "Config",
    "ConfigError",
    "DisclosureConfig",
    "InvitesConfig",
    "OutboxConfig",
    "StorageConfig",
    "TelegramConfig",
    "TopicRoute",
    "TopicsConfig",
    "TownshipConfig",
    "VillageConfig",
    "WebConfig",
    "check_config_main",
    "load_config",
    "parse_config",
]

TOKEN_ENV = "VILLAGE_BOT_TOKEN"
LANGUAGES = ("zh-CN", "en")


class ConfigError(Exception):
    """A configuration problem at one dotted ``key`` of the file ``source``."""

    def __init__(self, key: str, message: str, source: str = "<config>") -> None:
        super().__init__(key, message, source)
        self.key = key
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.key}: {self.message}"


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True, slots=True)
class TelegramConfig:
    """How the bot talks to the Telegram Bot API (long polling or webhook)."""

    token: str = ""
    base_url: str = ""
    base_file_url: str = ""
    mode: str = "polling"
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_path: str = "/telegram/webhook"
    poll_timeout: int = 30

    @property
    def has_token(self) -> bool:
        """True when a bot token is configured (otherwise the sandbox runs)."""
        return bool(self.token.strip())


@dataclass(frozen=True, slots=True)
class StorageConfig:
    """Where the SQLite database lives."""

    path: str = "data/village.db"


@dataclass(frozen=True, slots=True)
class WebConfig:
    """The built-in HTTP server (public pages and the webhook endpoint)."""

    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = "http://127.0.0.1:8080"


@dataclass(frozen=True, slots=True)
class TownshipConfig:
    """The township (乡镇) that runs the bot: name, time zone, staff and language."""

    name: str = "示范镇"
    timezone: str = "Asia/Shanghai"
    staff: tuple[int, ...] = ()
    default_language: str = "zh-CN"
    supervision_phone: str = ""  # 监督电话 printed on disclosure posters; "" = none

    @property
    def tz(self) -> ZoneInfo:
        """The township's time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class VillageConfig:
    """One village (村): deep-link code, display name and optional disclosure chat."""

    code: str
    name: str
    chat_id: int | None = None


@dataclass(frozen=True, slots=True)
class InvitesConfig:
    """Invitation links for village residents."""

    ttl_days: int = 7


@dataclass(frozen=True, slots=True)
class OutboxConfig:
    """Rate limits and retries for outgoing Telegram messages."""

    global_per_second: int = 25
    private_interval_seconds: float = 1.0
    group_per_minute: int = 20
    max_attempts: int = 8


@dataclass(frozen=True, slots=True)
class TopicRoute:
    """A standing routing rule: this village's topics of this category go to this official."""

    village: str
    category: str
    user_id: int


@dataclass(frozen=True, slots=True)
class TopicsConfig:
    """Point-topic requests (点题): deadlines, limits, the feedback wall and routing."""

    answer_working_days: int = 10
    extension_max_working_days: int = 10
    hard_cap_calendar_days: int = 30
    daily_limit_per_resident: int = 5
    auto_close_days: int = 7
    digest_time: str = "08:30"
    wall_chat_id: int | None = None
    joint_threshold_ratio: float = 0.1
    routes: tuple[TopicRoute, ...] = ()

    @property
    def digest_hour_minute(self) -> tuple[int, int]:
        """The digest time as (hour, minute), local time."""
        hour, minute = self.digest_time.split(":")
        return int(hour), int(minute)


DEFAULT_CATEGORIES = (
    "财务收支",
    "惠农补贴",
    "救灾救助/低保",
    "集体三资",
    "工程项目",
    "民主评议/审计",
    "政策",
    "其他",
)


@dataclass(frozen=True, slots=True)
class DisclosureConfig:
    """Disclosures (DESIGN §3, §4): sign-off rule, quarterly schedule, categories, import limits."""

    required_signoffs: str | int = "all"  # REV-01: every supervisor signs, or at least N
    publish_day: int = 10  # SCH-01: day of the quarter's first month the scheduler publishes
    publish_time: str = "09:00"
    deadline_day: int = 15
    reminder_days: tuple[int, ...] = (1, 8)
    township_alert_day: int = 16  # SCH-09
    categories: tuple[str, ...] = DEFAULT_CATEGORIES  # CAT-*, configurable (CH-08)
    max_import_rows: int = 5000
    max_import_bytes: int = 2_000_000

    @property
    def publish_hour_minute(self) -> tuple[int, int]:
        """``publish_time`` as (hour, minute)."""
        hour, minute = self.publish_time.split(":")
        return int(hour), int(minute)


@dataclass(frozen=True, slots=True)
class Config:
    """The whole validated configuration; ``source`` is the file it came from."""

    telegram: TelegramConfig
    storage: StorageConfig
    web: WebConfig
    township: TownshipConfig
    villages: tuple[VillageConfig, ...]
    invites: InvitesConfig
    outbox: OutboxConfig
    source: str
    topics: TopicsConfig = TopicsConfig()
    disclosure: DisclosureConfig = DisclosureConfig()

    def village(self, code: str) -> VillageConfig | None:
        """Return the village with this code, or None."""
        return next((v for v in self.villages if v.code == code), None)

    def summary(self) -> str:
        """A one-line, secret-free description used by ``check-config``."""
        codes = ", ".join(v.code for v in self.villages)
        token = "token set" if self.telegram.has_token else "no token (sandbox)"
        return (
            f"{self.source}: township {self.township.name} ({self.township.timezone}), "
            f"{len(self.villages)} villages ({codes}), mode {self.telegram.mode}, {token}, "
            f"db {self.storage.path}, web {self.web.public_url}"
        )


# --------------------------------------------------------------------------- field specs


class _Invalid(Exception):
    """Internal: raised with (key, message); parse_config adds the source."""


_REQUIRED: Any = object()
Check = Callable[[Any], str | None]  # returns an error message or None


@dataclass(frozen=True, slots=True)
class _F:
    name: str
    kind: str  # key of _KINDS
    default: Any = _REQUIRED
    check: Check | None = None


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "str": (lambda v: isinstance(v, str), "a string"),
    "int": (_is_int, "an integer"),
    "number": (lambda v: _is_int(v) or isinstance(v, float), "a number"),
    "int_list": (lambda v: isinstance(v, list | tuple), "an array of integers"),
    "str_list": (
        lambda v: isinstance(v, list | tuple) and all(isinstance(i, str) for i in v),
        "an array of strings",
    ),
    "int_or_all": (lambda v: _is_int(v) or v == "all", 'a positive integer or "all"'),
}

_TOML_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "float",
    str: "string",
    list: "array",
    tuple: "array",
    dict: "table",
}


def _type_name(v: object) -> str:
    for t, name in _TOML_TYPES.items():
        if isinstance(v, t):
            return name
    return "table" if isinstance(v, Mapping) else type(v).__name__


def _expected(key: str, what: str, v: object) -> _Invalid:
    return _Invalid(key, f"expected {what}, got {_type_name(v)} {_short(v)}")


def _short(v: object) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _read(table: Mapping, path: str, fields: tuple[_F, ...]) -> dict[str, Any]:
    """Validate one table against its field specs; return the values (defaults filled in)."""
    _reject_unknown(table, path, [f.name for f in fields])
    out: dict[str, Any] = {}
    for f in fields:
        key = _join(path, f.name)
        if f.name not in table:
            if f.default is _REQUIRED:
                raise _Invalid(key, "missing (required)")
            out[f.name] = f.default
            continue
        value = table[f.name]
        ok, what = _KINDS[f.kind]
        if not ok(value):
            raise _expected(key, what, value)
        if f.kind == "int_list":
            for i, item in enumerate(value):
                if not _is_int(item):
                    raise _expected(f"{key}[{i}]", "an integer", item)
                if f.check and (msg := f.check(item)):
                    raise _Invalid(f"{key}[{i}]", msg)
            value = tuple(value)
        elif f.check and (msg := f.check(value)):
            raise _Invalid(key, msg)
        if f.kind == "number":
            value = float(value)  # safe: the range check ran first
        out[f.name] = value
    return out


def _reject_unknown(table: Mapping, path: str, names: list[str]) -> None:
    for key in table:
        if key not in names:
            close = difflib.get_close_matches(str(key), names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise _Invalid(_join(path, key), f"unknown key{hint}")


def _table(data: Mapping, key: str) -> Mapping:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise _expected(key, "a table", value)
    return value


# --------------------------------------------------------------------------- checks


def _between(lo: float, hi: float) -> Check:
    return lambda v: None if lo <= v <= hi else f"must be between {lo} and {hi}, got {_short(v)}"


def _one_of(*choices: str) -> Check:
    allowed = ", ".join(f'"{c}"' for c in choices)
    return lambda v: None if v in choices else f"must be one of {allowed}, got {_short(v)}"


def _matches(pattern: str, rule: str) -> Check:
    rx = re.compile(pattern)
    return lambda v: None if rx.fullmatch(v) else f"{rule}, got {_short(v)}"


def _non_empty(v: str) -> str | None:
    return None if v.strip() else "must not be empty"


def _url_error(v: str, *, https_only: bool = False) -> str | None:
    """Return why ``v`` is not an acceptable http(s) URL, or None."""
    try:
        parts = urlsplit(v)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"not a valid URL ({exc}): {_short(v)}"
    if parts.scheme not in ("http", "https") or not host:
        return f"must be an http:// or https:// URL with a host, got {_short(v)}"
    if https_only and parts.scheme != "https" and not _is_loopback(host):
        return f"must use https:// (http:// only on localhost), got {_short(v)}"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _optional_url(v: str) -> str | None:
    return _url_error(v) if v else None


def _optional_https_url(v: str) -> str | None:
    return _url_error(v, https_only=True) if v else None


def _optional_phone(v: str) -> str | None:
    """A public office number such as 0591-12345678 or 12345: digits, spaces, dashes, a +."""
    if not v or re.fullmatch(r"\+?[0-9][0-9 -]{2,22}[0-9]", v):
        return None
    return f"must be a phone number of digits, spaces and dashes, got {_short(v)}"


def _timezone(v: str) -> str | None:
    try:
        ZoneInfo(v)
    except Exception:  # ZoneInfo raises KeyError, ValueError or OSError subclasses
        return f'unknown IANA time zone {_short(v)} (e.g. "Asia/Shanghai")'
    return None


_SECRET = _matches(r"[A-Za-z0-9_-]{1,256}", "must be 1-256 characters of A-Z a-z 0-9 _ -")
_TELEGRAM = (
    _F("token", "str", ""),
    _F("base_url", "str", "", _optional_url),
    _F("base_file_url", "str", "", _optional_url),
    _F("mode", "str", "polling", _one_of("polling", "webhook")),
    _F("webhook_url", "str", "", _optional_https_url),
    _F("webhook_secret", "str", "", lambda v: _SECRET(v) if v else None),
    _F("webhook_path", "str", "/telegram/webhook", _matches(r"/\S*", "must start with '/'")),
    _F("poll_timeout", "int", 30, _between(0, 50)),
)
_STORAGE = (_F("path", "str", "data/village.db", _non_empty),)
_WEB = (
    _F("host", "str", "127.0.0.1", _non_empty),
    _F("port", "int", 8080, _between(0, 65535)),
    _F("public_url", "str", "", _optional_url),
)
_TOWNSHIP = (
    _F("name", "str", "示范镇", _non_empty),
    _F("timezone", "str", "Asia/Shanghai", _timezone),
    _F("staff", "int_list", (), _between(1, 2**63 - 1)),
    _F("default_language", "str", "zh-CN", _one_of(*LANGUAGES)),
    _F("supervision_phone", "str", "", _optional_phone),
)
_INVITES = (_F("ttl_days", "int", 7, _between(1, 90)),)
_OUTBOX = (
    _F("global_per_second", "int", 25, _between(1, 30)),
    _F("private_interval_seconds", "number", 1.0, _between(0, 3600)),
    _F("group_per_minute", "int", 20, _between(1, 20)),
    _F("max_attempts", "int", 8, _between(1, 100)),
)
# The code goes into the deep link ?start=v_<code> (Telegram allows A-Za-z0-9_- up to 64).
_CODE = _matches(r"[a-z0-9_]{2,32}", "must be 2-32 characters of a-z 0-9 _")
_VILLAGE = (
    _F("code", "str", _REQUIRED, _CODE),
    _F("name", "str", _REQUIRED, _non_empty),
    _F("chat_id", "int", None, lambda v: None if v else "must not be 0"),
)
_TOPICS = (
    _F("answer_working_days", "int", 10, _between(1, 60)),
    _F("extension_max_working_days", "int", 10, _between(0, 60)),
    _F("hard_cap_calendar_days", "int", 30, _between(1, 365)),
    _F("daily_limit_per_resident", "int", 5, _between(1, 100)),
    _F("auto_close_days", "int", 7, _between(1, 90)),
    _F("digest_time", "str", "08:30", _matches(r"([01]\d|2[0-3]):[0-5]\d", "must be HH:MM")),
    _F("wall_chat_id", "int", None, lambda v: None if v else "must not be 0"),
    _F("joint_threshold_ratio", "number", 0.1, _between(0.01, 1)),
)
_TOPIC_CATEGORIES = ("finance", "subsidy", "lowincome", "project", "land", "other", "head")
_TOPIC_ROUTE = (
    _F("village", "str", _REQUIRED, _CODE),
    _F("category", "str", _REQUIRED, _one_of(*_TOPIC_CATEGORIES)),
    _F("user_id", "int", _REQUIRED, _between(1, 2**63 - 1)),
)
_DISCLOSURE = (
    _F(
        "required_signoffs",
        "int_or_all",
        "all",
        lambda v: None if v == "all" or v >= 1 else 'must be "all" or at least 1',
    ),
    _F("publish_day", "int", 10, _between(1, 28)),
    _F("publish_time", "str", "09:00", _matches(r"([01]\d|2[0-3]):[0-5]\d", "must be HH:MM")),
    _F("deadline_day", "int", 15, _between(1, 28)),
    _F("reminder_days", "int_list", (1, 8), _between(1, 28)),
    _F("township_alert_day", "int", 16, _between(1, 31)),
    _F("categories", "str_list", DEFAULT_CATEGORIES),
    _F("max_import_rows", "int", 5000, _between(1, 100_000)),
    _F("max_import_bytes", "int", 2_000_000, _between(1_000, 20_000_000)),
)
_SECTIONS = (
    "telegram",
    "storage",
    "web",
    "township",
    "villages",
    "invites",
    "outbox",
    "topics",
    "disclosure",
)


# --------------------------------------------------------------------------- sections


def _telegram(data: Mapping, environ: Mapping[str, str]) -> TelegramConfig:
    t = _read(_table(data, "telegram"), "telegram", _TELEGRAM)
    if environ.get(TOKEN_ENV):
        t["token"] = environ[TOKEN_ENV]
    if not t["base_file_url"] and t["base_url"].endswith("/bot"):
        t["base_file_url"] = t["base_url"][: -len("/bot")] + "/file/bot"
    if t["mode"] == "webhook":
        for name in ("webhook_url", "webhook_secret"):
            if not t[name]:
                raise _Invalid(f"telegram.{name}", 'missing (required when mode = "webhook")')
    return TelegramConfig(**t)


def _storage(data: Mapping, base_dir: Path | None) -> StorageConfig:
    s = _read(_table(data, "storage"), "storage", _STORAGE)
    path = s["path"]
    if base_dir is not None and path != ":memory:" and not Path(path).is_absolute():
        path = os.path.normpath(base_dir / path)
    return StorageConfig(path=str(path))


def _web(data: Mapping) -> WebConfig:
    w = _read(_table(data, "web"), "web", _WEB)
    if not w["public_url"]:
        host = f"[{w['host']}]" if ":" in w["host"] else w["host"]
        w["public_url"] = f"http://{host}:{w['port']}"
    w["public_url"] = w["public_url"].rstrip("/")
    return WebConfig(**w)


def _villages(data: Mapping) -> tuple[VillageConfig, ...]:
    if "villages" not in data:
        raise _Invalid("villages", "missing (add at least one [[villages]] table)")
    items = data["villages"]
    if not isinstance(items, list | tuple):
        raise _expected("villages", "an array of tables ([[villages]])", items)
    if not items:
        raise _Invalid("villages", "at least one village is required")
    villages: list[VillageConfig] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        key = f"villages[{i}]"
        if not isinstance(item, Mapping):
            raise _expected(key, "a table", item)
        village = VillageConfig(**_read(item, key, _VILLAGE))
        if village.code in seen:
            raise _Invalid(
                f"{key}.code",
                f"duplicate code {village.code!r} (already used by villages[{seen[village.code]}])",
            )
        seen[village.code] = i
        villages.append(village)
    return tuple(villages)


def _topics(data: Mapping, villages: tuple[VillageConfig, ...]) -> TopicsConfig:
    table = dict(_table(data, "topics"))
    items = table.pop("routes", [])
    values = _read(table, "topics", _TOPICS)
    if not isinstance(items, list | tuple):
        raise _expected("topics.routes", "an array of tables ([[topics.routes]])", items)
    codes = {v.code for v in villages}
    routes: list[TopicRoute] = []
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(items):
        key = f"topics.routes[{i}]"
        if not isinstance(item, Mapping):
            raise _expected(key, "a table", item)
        route = TopicRoute(**_read(item, key, _TOPIC_ROUTE))
        if route.village not in codes:
            raise _Invalid(f"{key}.village", f"no [[villages]] has code {route.village!r}")
        if (route.village, route.category) in seen:
            raise _Invalid(f"{key}.category", "duplicate route for this village and category")
        seen.add((route.village, route.category))
        routes.append(route)
    return TopicsConfig(**values, routes=tuple(routes))


def _disclosure(data: Mapping) -> DisclosureConfig:
    d = _read(_table(data, "disclosure"), "disclosure", _DISCLOSURE)
    categories = tuple(c.strip() for c in d["categories"])
    if not categories:
        raise _Invalid("disclosure.categories", "at least one category is required")
    for i, name in enumerate(categories):
        if not name or len(name) > 20:
            raise _Invalid(f"disclosure.categories[{i}]", "must be 1-20 characters")
        if name in categories[:i]:
            raise _Invalid(f"disclosure.categories[{i}]", f"duplicate category {name!r}")
    d["categories"] = categories
    if d["deadline_day"] < d["publish_day"]:
        raise _Invalid("disclosure.deadline_day", "must not be before publish_day")
    if d["township_alert_day"] <= d["deadline_day"]:
        raise _Invalid("disclosure.township_alert_day", "must be after deadline_day")
    return DisclosureConfig(**d)


# --------------------------------------------------------------------------- public API


def parse_config(
    data: Mapping,
    *,
    source: str = "<config>",
    environ: Mapping[str, str] | None = None,
    base_dir: str | Path | None = None,
) -> Config:
    """Validate already-parsed TOML data; relative storage paths resolve against ``base_dir``.

    Raises ConfigError for the first problem found, checking sections in file-schema order.
    """
    env = os.environ if environ is None else environ
    try:
        if not isinstance(data, Mapping):
            raise _expected("(root)", "a table", data)
        _reject_unknown(data, "", list(_SECTIONS))
        return Config(
            telegram=_telegram(data, env),
            storage=_storage(data, None if base_dir is None else Path(base_dir)),
            web=_web(data),
            township=TownshipConfig(**_read(_table(data, "township"), "township", _TOWNSHIP)),
            villages=_villages(data),
            invites=InvitesConfig(**_read(_table(data, "invites"), "invites", _INVITES)),
            outbox=OutboxConfig(**_read(_table(data, "outbox"), "outbox", _OUTBOX)),
            source=source,
            topics=_topics(data, _villages(data)),
            disclosure=_disclosure(data),
        )
    except _Invalid as exc:
        key, message = exc.args
        raise ConfigError(key, message, source) from None


def load_config(path: str | Path, *, environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate a TOML file; relative paths in it resolve against its directory."""
    path = Path(path)
    source = str(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError("(file)", "file not found", source) from None
    except OSError as exc:
        raise ConfigError("(file)", f"cannot read file: {exc.strerror or exc}", source) from None
    except UnicodeDecodeError as exc:
        raise ConfigError("(syntax)", f"file is not valid UTF-8 ({exc.reason})", source) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("(syntax)", str(exc), source) from None
    return parse_config(
        data, source=source, environ=environ, base_dir=Path(os.path.abspath(path)).parent
    )


def check_config_main(path: str) -> int:
    """Validate the config at ``path``: print "OK: <summary>" and return 0, or the error and 2."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"OK: {config.summary()}")
    return 0

"""The configuration file, declared once: each section is a frozen dataclass whose fields carry
their default, their check and a one-line doc (``config.example.toml`` is tested against it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from zoneinfo import ZoneInfo

from bot.config import checks, rules
from bot.config.checks import between, one_of
from bot.config.schema import Rule, derived, required, setting
from bot.core.vocabulary import ROUTE_CATEGORIES
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES

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
class TelegramConfig:
    """How the bot talks to the Telegram Bot API (long polling or webhook)."""

    token: str = setting("", "Bot token from @BotFather; empty runs the offline sandbox.")
    base_url: str = setting("", "Bot API server; empty = Telegram's.", checks.optional_url)
    base_file_url: str = setting(
        "", "File download URL; empty = derived from base_url.", checks.optional_url
    )
    mode: str = setting("polling", "How updates arrive.", one_of("polling", "webhook"))
    webhook_url: str = setting(
        "", "Public URL Telegram posts updates to.", checks.optional_https_url
    )
    webhook_secret: str = setting(
        "", "Secret Telegram sends back with every webhook call.", checks.optional_secret
    )
    webhook_path: str = setting(
        "/telegram/webhook", "Path on our web server for webhook calls.", checks.path_on_server
    )
    poll_timeout: int = setting(30, "Long-polling timeout in seconds.", between(0, 50))
    finish: ClassVar[Rule] = rules.telegram

    @property
    def has_token(self) -> bool:
        """True when a bot token is configured (otherwise the sandbox runs)."""
        return bool(self.token.strip())


@dataclass(frozen=True, slots=True)
class StorageConfig:
    """Where the SQLite database lives, and how long delivered messages stay in it."""

    path: str = setting(
        "data/village.db", "SQLite file, relative to the config file.", checks.non_empty
    )
    keep_delivered_days: int = setting(
        7, "Days handled updates and sent messages are kept, then deleted.", between(1, 365)
    )


@dataclass(frozen=True, slots=True)
class WebConfig:
    """The built-in HTTP server (public pages and the webhook endpoint)."""

    host: str = setting("127.0.0.1", "Address the web server listens on.", checks.non_empty)
    port: int = setting(8080, "Port; 0 picks a free one.", between(0, 65535))
    public_url: str = setting(
        "", 'URL residents reach the pages at; empty = "http://<host>:<port>".', checks.optional_url
    )
    header_timeout_seconds: int = setting(
        15, "Seconds a client has to send a request's headers.", between(1, 300)
    )
    body_timeout_seconds: int = setting(
        30, "Seconds a client has to send a request's body.", between(1, 600)
    )
    metrics_token: str = setting(
        "", "Bearer token /metrics asks for; empty = /metrics is open.", checks.optional_secret
    )
    page_cache_mb: int = setting(
        12,
        "Megabytes of rendered public pages kept in memory; 0 turns the cache off.",
        between(0, 64),
    )
    finish: ClassVar[Rule] = rules.web


@dataclass(frozen=True, slots=True)
class TownshipConfig:
    """The township (乡镇) that runs the bot: name, time zone, staff and language."""

    name: str = setting("示范镇", "Township that publishes the disclosures.", checks.non_empty)
    timezone: str = setting("Asia/Shanghai", "IANA time zone of schedules.", checks.timezone)
    staff: tuple[int, ...] = setting((), "Telegram user ids of township staff.", checks.telegram_id)
    default_language: str = setting(
        DEFAULT_LANGUAGE, "Default interface language.", one_of(*LANGUAGES)
    )
    supervision_phone: str = setting(
        "", "监督电话 printed on disclosure posters; empty = none.", checks.optional_phone
    )

    @property
    def tz(self) -> ZoneInfo:
        """The township's time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class CountyConfig:
    """A whole county (县) on one instance: its staff read every township, get a weekly digest."""

    name: str = setting("", "County name on the index page; empty = the [township] name.")
    staff: tuple[int, ...] = setting((), "Telegram user ids of county staff.", checks.telegram_id)
    digest_weekday: int = setting(1, "Day of the weekly county digest, 1 = Monday.", between(1, 7))
    digest_time: str = setting("08:30", "Local time of the weekly county digest.", checks.hh_mm)

    @property
    def digest_hour_minute(self) -> tuple[int, int]:
        """The digest time as (hour, minute), local time."""
        hour, minute = self.digest_time.split(":")
        return int(hour), int(minute)


# Without [[townships]] the [township] section is the one township, under this code.
SOLE_TOWNSHIP = "main"


@dataclass(frozen=True, slots=True)
class TownshipEntry:
    """One township (乡镇) of a county: its code, name, staff and supervision phone."""

    code: str = required("Used in page addresses /z/<code>; unique.", checks.village_code)
    name: str = required("Display name.", checks.non_empty)
    staff: tuple[int, ...] = setting((), "Telegram user ids of its staff.", checks.telegram_id)
    supervision_phone: str = setting(
        "", "监督电话 on its villages' posters; empty = none.", checks.optional_phone
    )


@dataclass(frozen=True, slots=True)
class VillageConfig:
    """One village (村): deep-link code, display name and optional disclosure chat."""

    code: str = required("Used in invite links ?start=v_<code>; unique.", checks.village_code)
    name: str = required("Display name.", checks.non_empty)
    chat_id: int | None = setting(None, "The village disclosure channel or group.", checks.non_zero)
    township: str = setting("", "Code of its [[townships]] entry; needed when they are declared.")


@dataclass(frozen=True, slots=True)
class InvitesConfig:
    """Invitation links for village residents."""

    ttl_days: int = setting(7, "Days an invitation link stays valid.", between(1, 90))


@dataclass(frozen=True, slots=True)
class OutboxConfig:
    """Rate limits and retries for outgoing Telegram messages."""

    global_per_second: int = setting(25, "Messages per second across all chats.", between(1, 30))
    private_interval_seconds: float = setting(
        1.0, "Seconds between messages to one private chat.", between(0, 3600)
    )
    group_per_minute: int = setting(20, "Messages per minute to one group.", between(1, 20))
    max_attempts: int = setting(8, "Delivery attempts before giving up.", between(1, 100))
    in_flight: int = setting(
        1,
        "Messages sent at once (DESIGN §7): 1 = after a crash at most one is sent twice; "
        "3 = a reply goes beside two bulk sends, nearer the cap, up to three may be sent twice.",
        between(1, 3),
    )


@dataclass(frozen=True, slots=True)
class ProgressConfig:
    """Progress of long work (import, export): one message, edited as the work advances."""

    after_seconds: float = setting(
        3.0, "Seconds long work runs before its progress message appears.", between(0, 600)
    )
    every_seconds: float = setting(
        2.0, "Seconds between edits of a progress message.", between(0.01, 600)
    )


@dataclass(frozen=True, slots=True)
class TopicRoute:
    """A standing routing rule: this village's topics of this category go to this official."""

    village: str = required("Code of the village.", checks.village_code)
    category: str = required("Topic category, or head.", one_of(*ROUTE_CATEGORIES))
    user_id: int = required("Telegram user id of the official.", checks.telegram_id)


@dataclass(frozen=True, slots=True)
class TopicsConfig:
    """Point-topic requests (点题): deadlines, limits, the feedback wall and routing."""

    answer_working_days: int = setting(10, "Answer limit in working days.", between(1, 60))
    extension_max_working_days: int = setting(
        10, "Working days one extension may add.", between(0, 60)
    )
    hard_cap_calendar_days: int = setting(
        30, "Calendar days after filing no topic may be due later than.", between(1, 365)
    )
    daily_limit_per_resident: int = setting(
        5, "Topics one resident may file per day.", between(1, 100)
    )
    auto_close_days: int = setting(7, "Days before an unrated answer closes.", between(1, 90))
    digest_time: str = setting("08:30", "Local time of the daily staff digest.", checks.hh_mm)
    wall_chat_id: int | None = setting(None, "The feedback-wall channel.", checks.non_zero)
    joint_threshold_ratio: float = setting(
        0.1, "Share of residents whose support makes a joint request.", between(0.01, 1)
    )
    similar_days: int = setting(
        90, "Days a topic counts as recent when a similar one is filed.", between(1, 3650)
    )
    routes: tuple[TopicRoute, ...] = setting(
        (), "Standing routing rules.", unique=("village", "category")
    )

    @property
    def digest_hour_minute(self) -> tuple[int, int]:
        """The digest time as (hour, minute), local time."""
        hour, minute = self.digest_time.split(":")
        return int(hour), int(minute)


@dataclass(frozen=True, slots=True)
class DisclosureConfig:
    """Disclosures (DESIGN §3, §4): sign-off rule, quarterly schedule, categories, import limits."""

    required_signoffs: str | int = setting(
        "all", "REV-01: every supervisor signs, or at least N.", checks.signoffs
    )
    publish_day: int = setting(
        10, "SCH-01: day of the quarter's first month to publish.", between(1, 28)
    )
    publish_time: str = setting("09:00", "Local time of publication.", checks.hh_mm)
    deadline_day: int = setting(15, "Hard deadline, day of the first month.", between(1, 28))
    reminder_days: tuple[int, ...] = setting(
        (1, 8), "Days of the first month reminders go out.", between(1, 28)
    )
    township_alert_day: int = setting(
        16, "SCH-09: day township staff hear of late villages.", between(1, 31)
    )
    categories: tuple[str, ...] = setting(
        DEFAULT_CATEGORIES, "CAT-*: disclosure categories in menu order (CH-08)."
    )
    max_import_rows: int = setting(5000, "Data rows an import may hold.", between(1, 100_000))
    max_import_bytes: int = setting(
        2_000_000, "Bytes an imported file may have.", between(1_000, 20_000_000)
    )
    board_photo_days: int = setting(
        3, "CH-01: days after publication to send the board photo.", between(1, 60)
    )
    objection_days: int = setting(
        7, "Days after publication residents' questions also go to supervision.", between(1, 60)
    )
    finish: ClassVar[Rule] = rules.disclosure

    @property
    def publish_hour_minute(self) -> tuple[int, int]:
        """``publish_time`` as (hour, minute)."""
        hour, minute = self.publish_time.split(":")
        return int(hour), int(minute)


@dataclass(frozen=True, slots=True)
class Config:
    """The whole validated configuration; ``source`` is the file it came from.

    A section missing from the file gets every default; its class docstring documents it.
    """

    telegram: TelegramConfig
    storage: StorageConfig
    web: WebConfig
    township: TownshipConfig
    county: CountyConfig
    villages: tuple[VillageConfig, ...] = required("[[villages]], at least one.", unique=("code",))
    invites: InvitesConfig
    outbox: OutboxConfig
    progress: ProgressConfig
    topics: TopicsConfig
    disclosure: DisclosureConfig
    source: str = derived("The file this configuration was read from.")
    townships: tuple[TownshipEntry, ...] = setting(
        (), "[[townships]] of a county; none = [township] is the one.", unique=("code",)
    )
    finish: ClassVar[Rule] = rules.whole

    def village(self, code: str) -> VillageConfig | None:
        """Return the village with this code, or None."""
        return next((v for v in self.villages if v.code == code), None)

    @property
    def all_townships(self) -> tuple[TownshipEntry, ...]:
        """The declared townships, or the [township] section as the one township."""
        if self.townships:
            return self.townships
        t = self.township
        return (TownshipEntry(SOLE_TOWNSHIP, t.name, t.staff, t.supervision_phone),)

    @property
    def is_county(self) -> bool:
        """True when several townships share this instance (the web index shows the county)."""
        return len(self.townships) > 1

    @property
    def county_name(self) -> str:
        """The county's name, or the township's when none is given."""
        return self.county.name or self.township.name

    def township_code_of(self, village: VillageConfig) -> str:
        """The code of the township a village belongs to."""
        return village.township or SOLE_TOWNSHIP

    def township_villages(self, township_code: str) -> list[str]:
        """The codes of one township's villages."""
        return [v.code for v in self.villages if self.township_code_of(v) == township_code]

    def township_of(self, village_code: str) -> TownshipEntry | None:
        """The township a village belongs to, or None for an unknown village."""
        village = self.village(village_code)
        if village is None:
            return None
        code = self.township_code_of(village)
        return next(t for t in self.all_townships if t.code == code)

    def supervision_phone_of(self, village_code: str) -> str:
        """The 监督电话 printed for a village (cn-practice §3.2, the footer's 乡镇农经站/纪委
        number): its own township's, else the [township] one."""
        township = self.township_of(village_code)
        return (township.supervision_phone if township else "") or self.township.supervision_phone

    def summary(self) -> str:
        """A one-line, secret-free description used by ``check-config``."""
        codes = ", ".join(v.code for v in self.villages)
        token = "token set" if self.telegram.has_token else "no token (sandbox)"
        return (
            f"{self.source}: township {self.township.name} ({self.township.timezone}), "
            f"{len(self.all_townships)} townships, "
            f"{len(self.villages)} villages ({codes}), mode {self.telegram.mode}, {token}, "
            f"db {self.storage.path}, web {self.web.public_url}"
        )

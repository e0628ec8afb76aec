"""Typed, strictly validated configuration loaded from a TOML file into frozen dataclasses.

Every problem is reported as a :class:`ConfigError` naming the dotted key (``villages[2].code``),
so an operator can fix the file without reading a traceback.
"""

from bot.config.loading import TOKEN_ENV, check_config_main, load_config, parse_config
from bot.config.schema import ConfigError
from bot.config.sections import (
    Config,
    DisclosureConfig,
    InvitesConfig,
    OutboxConfig,
    ProgressConfig,
    StorageConfig,
    TelegramConfig,
    TopicRoute,
    TopicsConfig,
    TownshipConfig,
    VillageConfig,
    WebConfig,
)

__all__ = [
    "TOKEN_ENV",
    "Config",
    "ConfigError",
    "DisclosureConfig",
    "InvitesConfig",
    "OutboxConfig",
    "ProgressConfig",
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

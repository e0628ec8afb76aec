"""Log lines never carry the bot token or the webhook secret, whoever writes them."""

from __future__ import annotations

import logging
from collections.abc import Iterable

REDACTED = "[redacted]"


class RedactingFormatter(logging.Formatter):
    """Formats as the formatter it wraps, then blanks out every secret (tracebacks included)."""

    def __init__(self, inner: logging.Formatter | None, secrets: Iterable[str]) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        """The inner formatter's line with the secrets replaced."""
        text = self.inner.format(record)
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def hide_secrets(*secrets: str, logger: logging.Logger | None = None) -> None:
    """Make every handler of the (root) logger redact these secrets from what it writes."""
    for handler in (logger or logging.getLogger()).handlers:
        current = handler.formatter
        if isinstance(current, RedactingFormatter):
            current = RedactingFormatter(current.inner, [*current.secrets, *secrets])
            handler.setFormatter(current)
        else:
            handler.setFormatter(RedactingFormatter(current, secrets))

"""A timeline: what happened to a record, when, and the details that may be shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a timeline: when, what (an audit action) and its showable details."""

    at: datetime
    action: str
    params: dict[str, object]

"""Telegram's sending limits as a small clock-driven model: overall, per private chat, per group."""

from __future__ import annotations

from collections import defaultdict, deque

from bot.config import OutboxConfig


class Pacing:
    """Answers "when may the next message to this chat go?" from the times of earlier sends."""

    def __init__(self, limits: OutboxConfig) -> None:
        self.limits = limits
        self._recent: deque[float] = deque()  # send times inside the last second, all chats
        self._chat_sends: dict[int, deque[float]] = defaultdict(deque)
        self._paused_until: dict[int, float] = {}

    def overall_ready_at(self, now: float) -> float:
        """The earliest time any message may go, under the limit across all chats."""
        recent = self._recent
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= self.limits.global_per_second:
            return max(now, recent[0] + 1.0)
        return now

    def chat_ready_at(self, chat_id: int, now: float) -> float:
        """The earliest time a message to this chat may go, under that chat's own limits."""
        at = max(now, self._paused_until.get(chat_id, 0.0))
        sends = self._chat_sends.get(chat_id)
        if sends:
            if chat_id > 0:  # private chat: about one message a second
                at = max(at, sends[-1] + self.limits.private_interval_seconds)
            else:  # groups and channels: about twenty a minute
                while sends and sends[0] <= now - 60.0:
                    sends.popleft()
                if len(sends) >= self.limits.group_per_minute:
                    at = max(at, sends[0] + 60.0)
        return at

    def sent(self, chat_id: int, now: float) -> None:
        """Record a send."""
        self._recent.append(now)
        sends = self._chat_sends[chat_id]
        sends.append(now)
        if chat_id > 0 and len(sends) > 1:
            sends.popleft()

    def pause(self, chat_id: int, until: float) -> None:
        """Hold a chat back, as Telegram asked with retry_after."""
        self._paused_until[chat_id] = max(until, self._paused_until.get(chat_id, 0.0))

"""Telegram's sending limits as a small clock-driven model: overall, per private chat, per group.

A send counts against the overall limit from the moment it starts (so a send in flight holds its
place) until one second after it finished, plus a small margin: Telegram may count it at any
moment in between, and counting it from its start alone lets the next second's sends overlap it.
Messages that nobody is waiting for are also spread evenly over the second, so a reply someone
waits for finds a free place within one spacing instead of behind a whole second's burst: each
send takes the next slot, one even share of the second after the previous slot, and may go up to
half a slot early, so the time spent picking each message does not add up into a slower rate.
While people are talking to the bot (someone wrote in the last `TALKING` seconds), those messages
also leave one place in the window free, so a reply goes at once instead of waiting for a place to
free (up to one slot); with nobody talking they take every place.
"""

from __future__ import annotations

from collections import defaultdict, deque

from bot.config import OutboxConfig

WINDOW = 1.0  # seconds the overall limit counts over
MARGIN = 0.002  # seconds added to the window, so rounding never puts one send too many in it
# Seconds after someone wrote during which messages nobody waits for keep a place free for
# replies: a person reading an answer usually writes again within a few seconds.
TALKING = 5.0


class Pacing:
    """Answers "when may the next message to this chat go?" from the times of earlier sends."""

    def __init__(self, limits: OutboxConfig) -> None:
        self.limits = limits
        self._finished: deque[float] = deque()  # when recent sends finished, all chats, in order
        self._in_flight = 0
        self._next_slot = float("-inf")  # when the next spread send is due
        self._last_talk = float("-inf")  # when someone last wrote to the bot
        self._chat_sends: dict[int, deque[float]] = defaultdict(deque)
        self._paused_until: dict[int, float] = {}

    def overall_ready_at(self, now: float, *, spread: bool = False) -> float:
        """The earliest time any message may go, under the limit across all chats; `spread` (a
        message nobody waits for) also keeps it to its slot and, while people talk, off the
        place kept for their replies (see above)."""
        finished = self._finished
        # Written as the time it leaves, so "ready at" and "has left" round alike.
        while finished and finished[0] + WINDOW + MARGIN <= now:
            finished.popleft()
        at = now
        places = self.limits.global_per_second
        if spread:
            at = max(at, self._next_slot - 0.5 / places)
            if places > 1 and now < self._last_talk + TALKING:
                places -= 1
        over = len(finished) + self._in_flight - places
        if over >= 0:
            # The oldest `over + 1` must leave; sends in flight finish later than any finished
            # already (when one of them must leave too, its answer wakes the worker sooner).
            leaves = finished[over] if over < len(finished) else now
            at = max(at, leaves + WINDOW + MARGIN)
        return at

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

    def talking(self, now: float) -> None:
        """Record that someone wrote to the bot: their reply is coming (see above)."""
        self._last_talk = max(self._last_talk, now)

    def started(self, chat_id: int, now: float) -> None:
        """Record a send that is starting; it holds its place until finished() is called."""
        self._in_flight += 1
        self._next_slot = max(self._next_slot, now) + 1.0 / self.limits.global_per_second
        sends = self._chat_sends[chat_id]
        sends.append(now)
        if chat_id > 0 and len(sends) > 1:
            sends.popleft()

    def finished(self, now: float) -> None:
        """Record that a send got its answer (or failed): from now on it counts from here."""
        self._in_flight -= 1
        self._finished.append(now)

    def pause(self, chat_id: int, until: float) -> None:
        """Hold a chat back, as Telegram asked with retry_after."""
        self._paused_until[chat_id] = max(until, self._paused_until.get(chat_id, 0.0))

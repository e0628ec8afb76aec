"""The emulator's fault injection: Telegram failing now and then, on purpose, for tests."""

from __future__ import annotations

import random

from bot.sandbox.emulator.state import (
    FAULT_KINDS,
    TRANSIENT_KINDS,
    EmulatorState,
    Fault,
    FaultKind,
    RandomFaults,
)


class FaultControl:
    """Faults given one by one or drawn at random; mixed into BotApiEmulator (self.state)."""

    state: EmulatorState

    def inject_fault(
        self,
        method: str,
        *,
        kind: FaultKind,
        chat_id: int | None = None,
        times: int = 1,
        retry_after: int = 3,
        delay: float = 1.0,
    ) -> None:
        """Make the next `times` requests to `method` ("*" = any) fail; -1 = until cleared.

        "delay" answers after `delay` seconds and still takes effect if the client has timed out.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}")
        if times == 0 or times < -1:
            raise ValueError("times is a positive count or -1 for 'until cleared'")
        self.state.faults.append(Fault(method.lower(), kind, chat_id, times, retry_after, delay))

    def inject_random_faults(
        self,
        rate: float,
        *,
        seed: int,
        method: str = "*",
        kinds: tuple[FaultKind, ...] = TRANSIENT_KINDS,
        retry_after: int = 1,
        delay: float = 1.0,
    ) -> None:
        """Fail a `rate` share of requests to `method` ("*" = any), each with a kind drawn from
        `kinds`; the same seed draws the same sequence. Faults given by inject_fault come first."""
        if not 0 <= rate <= 1 or not kinds or set(kinds) - set(FAULT_KINDS):
            raise ValueError(f"rate is within 0..1 and kinds are some of {FAULT_KINDS}")
        rng = random.Random(seed)
        self.state.random_faults = RandomFaults(
            rate, tuple(kinds), rng, method.lower(), retry_after, delay
        )

    def injected_faults(self) -> list[tuple[str, object, FaultKind]]:
        """(method, chat_id, kind) of every fault injected so far, in order."""
        return list(self.state.injected)

    def late_messages(self) -> list[tuple[int, int]]:
        """(chat_id, message_id) of messages sent by requests answered late ("delay" faults):
        a client that gave up on the answer may send them again."""
        return list(self.state.late_messages)

    def clear_faults(self) -> None:
        """Remove all injected faults, random ones too (blocks by block() stay)."""
        self.state.faults.clear()
        self.state.random_faults = None

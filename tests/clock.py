"""A clock that the tests move by hand: the use cases read "now" only from their clock port."""

from __future__ import annotations

from datetime import datetime, timedelta


class ManualClock:
    """A clock that moves only when told to (tests, benchmarks)."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

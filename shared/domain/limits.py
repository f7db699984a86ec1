"""How many submissions a user may make: a sliding window over two fixed
windows (the current one and the one before), weighted by how much of the
previous window the sliding window still covers. Two counters per user,
whatever the history."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class SubmissionWindow:
    start: datetime  # the start of the current fixed window
    current: int = 0
    previous: int = 0


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    window: SubmissionWindow  # with this submission counted when allowed
    retry_after_seconds: int = 0


def window_start(now: datetime, length: timedelta) -> datetime:
    seconds = length.total_seconds()
    return EPOCH + timedelta(seconds=math.floor((now - EPOCH).total_seconds() / seconds) * seconds)


def rolled(window: SubmissionWindow | None, now: datetime, length: timedelta) -> SubmissionWindow:
    """The same counts seen from the fixed window that holds ``now``."""
    start = window_start(now, length)
    if window is None or start - window.start >= 2 * length:
        return SubmissionWindow(start)
    if start - window.start >= length:
        return SubmissionWindow(start, 0, window.current)
    return window


def _weight(window: SubmissionWindow, at: datetime, length: timedelta) -> float:
    return max(0.0, 1.0 - (at - window.start) / length)


def admit(window: SubmissionWindow | None, now: datetime, *, limit: int, length: timedelta) -> Verdict:
    """Whether one more submission fits ``limit`` per sliding ``length``; the counts to keep."""
    window = rolled(window, now, length)
    if window.previous * _weight(window, now, length) + window.current + 1 <= limit:
        return Verdict(True, SubmissionWindow(window.start, window.current + 1, window.previous))
    return Verdict(False, window, retry_after(window, now, limit=limit, length=length))


def retry_after(window: SubmissionWindow, now: datetime, *, limit: int, length: timedelta) -> int:
    """Whole seconds until one more submission fits (at least 1)."""
    room = limit - 1 - window.current
    if room >= 0 and window.previous > 0:
        # Within this window, once the previous window's weight has shrunk enough.
        at = window.start + length * (1 - room / window.previous)
    else:
        # In the next window, where this window's count becomes the weighted one.
        at = window.start + length + length * max(0.0, 1 - (limit - 1) / max(window.current, 1))
    return max(1, math.ceil((at - now).total_seconds()))

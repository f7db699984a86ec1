"""The system clock: the process's adapter for the clock port (shared.app.ports.Clock)."""

from __future__ import annotations

from datetime import datetime, timezone


def system_clock() -> datetime:
    return datetime.now(timezone.utc)

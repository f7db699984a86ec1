"""Outlook's automatic replies as absences, read through Microsoft Graph
(``GET /users/{address}/mailboxSettings/automaticRepliesSetting``; application
permission MailboxSettings.Read), kept a few minutes per architect so that an
auto-assign reads Graph at most once per architect in that time.
https://learn.microsoft.com/en-us/graph/api/resources/automaticrepliessetting?view=graph-rest-1.0

``alwaysEnabled`` is away until it is turned off; ``scheduled`` is away within
its window. A mailbox Graph cannot read (no permission, no such mailbox, Graph
unavailable) names no absence: the app's own marks still apply.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Sequence
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.adapters.graph.client import GraphClient, GraphUnavailable
from shared.domain.availability import OUTLOOK, Absence

CACHE_SECONDS = 300.0
UNTIL_TURNED_OFF = timedelta(days=3650)
# Outlook's Windows time zone names seen most in these settings; IANA names and "UTC" read as they are.
WINDOWS_ZONES = {
    "UTC": "UTC", "GMT Standard Time": "Europe/London", "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest", "Romance Standard Time": "Europe/Paris",
    "Eastern Standard Time": "America/New_York", "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver", "Pacific Standard Time": "America/Los_Angeles",
    "India Standard Time": "Asia/Kolkata", "Singapore Standard Time": "Asia/Singapore",
    "Tokyo Standard Time": "Asia/Tokyo", "AUS Eastern Standard Time": "Australia/Sydney",
}


def _moment(value: dict[str, Any] | None) -> datetime | None:
    """A Graph ``dateTimeTimeZone`` as UTC; None when it cannot be read."""
    if not value or not value.get("dateTime"):
        return None
    name = value.get("timeZone") or "UTC"
    try:
        zone = ZoneInfo(WINDOWS_ZONES.get(name, name))
        local = datetime.fromisoformat(str(value["dateTime"])[:26])
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return local.replace(tzinfo=zone).astimezone(timezone.utc) if local.tzinfo is None else local.astimezone(timezone.utc)


def absence_of(address: str, setting: dict[str, Any], now: datetime) -> Absence | None:
    status = setting.get("status")
    if status == "alwaysEnabled":
        return Absence(address, now - timedelta(minutes=1), now + UNTIL_TURNED_OFF, source=OUTLOOK,
                       note="automatic replies on")
    if status == "scheduled":
        starts, ends = _moment(setting.get("scheduledStartDateTime")), _moment(setting.get("scheduledEndDateTime"))
        if starts is not None and ends is not None and ends > starts:
            return Absence(address, starts, ends, source=OUTLOOK, note="automatic replies scheduled")
    return None


class OutlookAutomaticReplies:
    source = OUTLOOK

    def __init__(self, client: GraphClient, *, cache_seconds: float = CACHE_SECONDS,
                 monotonic: Callable[[], float] = time.monotonic):
        self._client = client
        self._cache_seconds = cache_seconds
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def _setting(self, address: str) -> dict[str, Any]:
        with self._lock:
            kept = self._cache.get(address)
            if kept is not None and self._monotonic() - kept[0] < self._cache_seconds:
                return kept[1]
        try:
            response = self._client.request(
                "GET", f"/users/{quote(address, safe='@')}/mailboxSettings/automaticRepliesSetting")
            setting = response.json() if response.status_code == 200 else {}
        except (GraphUnavailable, ValueError):
            setting = {}  # cannot know: no absence from Outlook, and asked again next time
            return setting
        with self._lock:
            self._cache[address] = (self._monotonic(), setting)
        return setting

    def absences(self, architects: Sequence[str], now: datetime) -> dict[str, list[Absence]]:
        found: dict[str, list[Absence]] = {}
        for address in architects:
            absence = absence_of(address.lower(), self._setting(address.lower()), now)
            if absence is not None and absence.current_or_later(now):
                found.setdefault(address.lower(), []).append(absence)
        return found

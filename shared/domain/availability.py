"""Architects' availability: when an architect is away, and who marked it.

An absence runs from ``starts`` (included) to ``ends`` (excluded), UTC. A lead's
mark in the app names whole UTC days, ``from`` to ``until`` both included; other
sources (Outlook's automatic replies) give times. The balancer asks only whether
an absence covers now.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.alias_generators import to_camel

from shared.domain.values import bounded_day, free_text

APP = "app"  # a lead's mark in the app
OUTLOOK = "outlook"  # Outlook's automatic replies, read through Microsoft Graph
NOTE_MAX = 500
_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_ID = re.compile(rf"^AWAY-[{_ID_ALPHABET}]{{12}}$")


def new_absence_id() -> str:
    return "AWAY-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))


def valid_absence_id(value: str) -> bool:
    return bool(_ID.match(value or ""))


@dataclass(frozen=True)
class Absence:
    architect: str  # the address, lower case
    starts: datetime
    ends: datetime  # excluded
    source: str = APP
    id: str = ""  # the app's marks only
    note: str = ""
    marked_by: str = ""
    marked_at: datetime | None = None

    def covers(self, moment: datetime) -> bool:
        return self.starts <= moment < self.ends

    def current_or_later(self, moment: datetime) -> bool:
        return moment < self.ends

    @property
    def first_day(self) -> date:
        return self.starts.astimezone(timezone.utc).date()

    @property
    def last_day(self) -> date:
        """The last UTC day it covers (the day before ``ends`` when it ends at midnight)."""
        return (self.ends.astimezone(timezone.utc) - timedelta(microseconds=1)).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


class AbsenceMark(BaseModel):
    """A lead's mark: UTC days ``from`` to ``until`` (both included) and a note."""

    model_config = ConfigDict(extra="forbid", strict=True, alias_generator=to_camel, populate_by_name=True,
                              frozen=True)

    from_day: str = Field(alias="from")
    until: str
    note: free_text(NOTE_MAX) = ""  # type: ignore[valid-type]

    @field_validator("from_day", "until")
    @classmethod
    def _day(cls, value: str, info: ValidationInfo) -> str:
        day = bounded_day(value)
        start = info.data.get("from_day") if info.field_name == "until" else None
        if start is not None and day < bounded_day(start):
            raise ValueError("must not be before from")
        return value

    def absence(self, architect: str, marked_by: str, now: datetime) -> Absence:
        return Absence(architect.lower(), day_start(bounded_day(self.from_day)),
                       day_start(bounded_day(self.until) + timedelta(days=1)), APP, new_absence_id(), self.note,
                       marked_by, now)


def away_now(absences: Iterable[Absence], moment: datetime) -> Absence | None:
    """The absence covering ``moment`` that ends last, if any."""
    covering = [a for a in absences if a.covers(moment)]
    return max(covering, key=lambda a: a.ends) if covering else None

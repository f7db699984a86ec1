"""Business hours: how long a routed request has really waited for an architect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

_DAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: str = "UTC"
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    holidays: frozenset[date] = frozenset()

    @classmethod
    def from_config(cls, config) -> "BusinessCalendar":
        def parse(value: str) -> time:
            hours, minutes = (int(p) for p in value.split(":"))
            return time.max if hours == 24 else time(hours, minutes)

        return cls(
            time_zone=config.time_zone,
            working_days=frozenset(_DAY_INDEX[d] for d in config.working_days),
            opens=parse(config.opens),
            closes=parse(config.closes),
            holidays=frozenset(config.holidays),
        )

    @property
    def day_hours(self) -> float:
        """The business hours of one working day."""
        opens = self.opens.hour + self.opens.minute / 60
        closes = 24.0 if self.closes == time.max else self.closes.hour + self.closes.minute / 60
        return closes - opens

    @property
    def _tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def _is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days and day not in self.holidays

    def _window(self, day: date) -> tuple[datetime, datetime]:
        tz = self._tz
        return datetime.combine(day, self.opens, tz), datetime.combine(day, self.closes, tz)

    def add_business_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` of business time after ``start`` (UTC in, UTC out)."""
        if hours <= 0:
            return start.astimezone(timezone.utc)
        remaining = timedelta(hours=hours)
        local = start.astimezone(self._tz)
        day = local.date()
        for _ in range(3 * 366):
            if self._is_working_day(day):
                opens, closes = self._window(day)
                begin = max(local, opens)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return (begin + remaining).astimezone(timezone.utc)
                    remaining -= available
            day += timedelta(days=1)
            local = datetime.combine(day, time(0, 0), self._tz)
        raise ValueError("the business calendar has no working time within three years")

    def business_hours_between(self, start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        total = timedelta()
        local_start, local_end = start.astimezone(self._tz), end.astimezone(self._tz)
        day = local_start.date()
        while day <= local_end.date():
            if self._is_working_day(day):
                opens, closes = self._window(day)
                begin, finish = max(opens, local_start), min(closes, local_end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total.total_seconds() / 3600

from datetime import date, datetime, timezone

import pytest

from shared.domain.calendar import BusinessCalendar
from shared.domain.routing import BusinessCalendarConfig

UTC = timezone.utc
DEFAULT = BusinessCalendar()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_friday_afternoon_plus_sixteen_hours_is_tuesday_afternoon():
    # 2026-11-20 is a Friday.
    assert DEFAULT.add_business_hours(at(2026, 11, 20, 16, 0), 16) == at(2026, 11, 24, 16, 0)


def test_a_night_is_skipped():
    assert DEFAULT.add_business_hours(at(2026, 11, 24, 16, 0), 2) == at(2026, 11, 25, 10, 0)


def test_a_start_outside_hours_begins_at_opening():
    assert DEFAULT.add_business_hours(at(2026, 11, 21, 3, 0), 1) == at(2026, 11, 23, 10, 0)
    assert DEFAULT.add_business_hours(at(2026, 11, 24, 20, 0), 8) == at(2026, 11, 25, 17, 0)


def test_a_holiday_is_skipped():
    calendar = BusinessCalendar(holidays=frozenset({date(2026, 11, 23)}))
    assert calendar.add_business_hours(at(2026, 11, 20, 16, 0), 16) == at(2026, 11, 25, 16, 0)


def test_zero_hours_is_now():
    assert DEFAULT.add_business_hours(at(2026, 11, 21, 3, 0), 0) == at(2026, 11, 21, 3, 0)


def test_time_zone_and_working_days_from_configuration():
    config = BusinessCalendarConfig.model_validate(
        {"timeZone": "Asia/Tokyo", "workingDays": ["mon", "tue"], "opens": "09:00", "closes": "18:00"}
    )
    calendar = BusinessCalendar.from_config(config)
    # Tuesday 17:00 Tokyo (08:00 UTC) + 2h: 1h on Tuesday, 1h on the next Monday from 09:00 Tokyo.
    assert calendar.add_business_hours(at(2026, 11, 24, 8, 0), 2) == at(2026, 11, 30, 1, 0)


def test_hours_between_is_the_inverse():
    start = at(2026, 11, 20, 16, 0)
    end = DEFAULT.add_business_hours(start, 16)
    assert DEFAULT.business_hours_between(start, end) == pytest.approx(16)
    assert DEFAULT.business_hours_between(end, start) == 0


@pytest.mark.parametrize("bad", [{"workingDays": ["funday"]}, {"opens": "18:00", "closes": "09:00"}, {"timeZone": "Mars/Base"}])
def test_bad_calendar_configuration_is_refused(bad):
    with pytest.raises(ValueError):
        BusinessCalendarConfig.model_validate(bad)

"""The submission limit's sliding window over two fixed windows."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.limits import SubmissionWindow, admit, rolled

HOUR = timedelta(hours=1)
T0 = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)


def test_the_limit_admits_that_many_then_refuses_until_the_window_slides():
    window, now = None, T0 + timedelta(minutes=20)
    for _ in range(3):
        verdict = admit(window, now, limit=3, length=HOUR)
        assert verdict.allowed
        window = verdict.window
    refused = admit(window, now, limit=3, length=HOUR)
    assert not refused.allowed and refused.window == window
    # 40 min to the next window, then a third of it: the 3 of the previous window weigh 2.
    assert refused.retry_after_seconds == 3600
    later = now + timedelta(seconds=refused.retry_after_seconds)
    assert admit(window, later, limit=3, length=HOUR).allowed
    assert not admit(window, later - timedelta(seconds=1), limit=3, length=HOUR).allowed


def test_windows_roll_forward_and_forget_after_two():
    window = SubmissionWindow(T0, current=5, previous=2)
    assert rolled(window, T0 + timedelta(minutes=59), HOUR) == window
    assert rolled(window, T0 + timedelta(minutes=61), HOUR) == SubmissionWindow(T0 + HOUR, 0, 5)
    assert rolled(window, T0 + timedelta(hours=2, minutes=1), HOUR) == SubmissionWindow(T0 + 2 * HOUR)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=7200), min_size=1, max_size=60), st.integers(1, 10))
def test_never_more_than_the_limit_in_any_fixed_window_and_retry_after_is_honest(gaps, limit):
    window, now, per_window = None, T0, {}
    for gap in gaps:
        now += timedelta(seconds=gap)
        verdict = admit(window, now, limit=limit, length=HOUR)
        if verdict.allowed:
            window = verdict.window
            per_window[window.start] = per_window.get(window.start, 0) + 1
        else:
            assert verdict.retry_after_seconds >= 1
            assert admit(window, now + timedelta(seconds=verdict.retry_after_seconds), limit=limit, length=HOUR).allowed
    assert all(count <= limit for count in per_window.values())

"""The domain's text rule and day bounds on their own (the routes' tables are in
tests/functions/test_text_rule.py and test_input_rules.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.values import (
    DAY_PATTERN,
    EARLIEST_DAY,
    LATEST_DAY,
    MULTI_LINE_PATTERN,
    SINGLE_LINE_PATTERN,
    bounded_day,
    no_control,
    no_control_multiline,
)


@given(st.one_of(st.text(max_size=12), st.dates(date.min, date.max).map(date.isoformat)))
def test_a_day_is_within_its_bounds_or_a_value_error(value):
    try:
        day = bounded_day(value)
    except ValueError:
        return
    assert EARLIEST_DAY <= day <= LATEST_DAY and day.isoformat() == value


@given(st.dates(date(1990, 1, 1), date(2200, 1, 1)))
def test_the_openapi_pattern_says_what_bounded_day_accepts(day):
    within = EARLIEST_DAY <= day <= LATEST_DAY
    assert bool(re.fullmatch(DAY_PATTERN, day.isoformat())) is within


@given(st.one_of(st.text(max_size=20), st.sampled_from(["abc\n", "a\r", "\u2028", "a\x85", "\u202e"])))
def test_the_openapi_patterns_say_what_the_text_rule_accepts(value):
    for check, pattern in ((no_control, SINGLE_LINE_PATTERN), (no_control_multiline, MULTI_LINE_PATTERN)):
        try:
            check(value)
            accepted = True
        except ValueError:
            accepted = False
        assert bool(re.fullmatch(pattern, value)) is accepted, (check.__name__, value)


@pytest.mark.parametrize("value", ["a\tb", "क्\u200dष", "\u200e\u200f", "👩\u200d💻"])
def test_tabs_joiners_and_bidi_marks_stay(value):
    assert no_control(value) == value and no_control_multiline(value) == value

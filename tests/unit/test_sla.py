"""The one SLA rule: when an architect is due, what a wait on the requestor
moves, when the leads are reminded and when a request is escalated; and the
read model, which derives the due time from the events alone, agrees with the
request that holds it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain import reporting as rules
from shared.domain.calendar import BusinessCalendar
from shared.domain.model import DomainError, FtaRequest, InvalidTransition, Person, RequestForm, Status
from shared.domain.outcomes import Decline, DeclineReason
from shared.domain.sla import DueState, FollowUp, Sla
from tests.factories import REQUESTOR, form, migration_form, sow_form

UTC = timezone.utc
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TIMES = Sla(BusinessCalendar(), assign_business_hours=16, reminders_before_escalation=2)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def test_an_architect_is_due_two_business_days_after_routing():
    assert TIMES.assignment_due(at(20, 16)) == at(24, 16), "Friday 16:00 + 16 business hours: Tuesday 16:00"
    assert TIMES.assignment_due(at(21, 3)) == at(24, 17), "a Saturday counts from Monday's opening"


def test_a_wait_on_the_requestor_moves_the_due_time_by_the_business_hours_waited():
    waited = TIMES.pause(at(23, 14), at(24, 10))  # Monday 14:00 to Tuesday 10:00: 3 + 1 hours
    assert waited == 4.0
    assert TIMES.assignment_due(at(23, 10), waited) == TIMES.calendar.add_business_hours(at(25, 10), 4)
    assert TIMES.pause(None, at(24, 10)) == 0.0


def test_follow_ups_remind_until_the_limit_then_escalate_once():
    assert TIMES.follow_up(0, escalated=False) is FollowUp.REMIND
    assert TIMES.follow_up(1, escalated=False) is FollowUp.REMIND
    assert TIMES.follow_up(2, escalated=False) is FollowUp.ESCALATE
    assert TIMES.follow_up(2, escalated=True) is None
    assert Sla(TIMES.calendar, reminders_before_escalation=0).follow_up(0, escalated=False) is FollowUp.ESCALATE


def test_the_due_state_counts_business_hours_not_clock_hours():
    due = at(23, 11)  # Monday 11:00
    assert TIMES.due_state(None, at(23, 9)) is None
    assert TIMES.due_state(due, at(20, 16)) is DueState.DUE_SOON, "Friday 16:00: three business hours left"
    assert TIMES.due_state(due, at(20, 9)) is DueState.ON_TIME
    assert TIMES.due_state(due, at(23, 11)) is DueState.OVERDUE
    assert TIMES.business_hours_left(due, at(23, 13)) == -2.0


def test_a_holiday_adds_nothing_to_the_time_waited():
    holiday = Sla(BusinessCalendar(holidays=frozenset({date(2026, 11, 24)})))
    assert holiday.pause(at(23, 16), at(25, 10)) == 2.0


def test_the_request_follows_up_as_the_rule_says():
    request = FtaRequest.submit(RequestForm.model_validate(form()), Person(email=REQUESTOR), MONDAY, "FTA-SLA0000001")
    request.route("emea-leads", MONDAY, TIMES)
    assert request.follow_up(MONDAY, TIMES, "emea-leads", "fta-alignment") is None, "not due yet"
    due = request.assign_due_at
    first = request.follow_up(due, TIMES, "emea-leads", "fta-alignment")
    assert first.type.value == "request.reminder" and request.next_reminder_at == TIMES.next_reminder(due)
    second = request.follow_up(request.next_reminder_at, TIMES, "emea-leads", "fta-alignment")
    escalation = request.follow_up(request.next_reminder_at or due + timedelta(days=30), TIMES, "emea-leads",
                                   "fta-alignment")
    assert second.type.value == "request.reminder" and escalation.type.value == "request.escalated"
    assert request.follow_up(due + timedelta(days=60), TIMES, "emea-leads", "fta-alignment") is None


# -- the read model agrees with the request ---------------------------------------------------

ACTIONS = ("assign", "request_info", "resume", "reply", "upload", "decline", "complete", "cancel", "wait")


def _apply(request: FtaRequest, action: str, now: datetime) -> None:
    match action:
        case "assign":
            request.assign(f"a{len(request.history)}@contoso.com", "lee@contoso.com", now)
        case "request_info":
            request.request_info("lee@contoso.com", now, "More, please.", [], TIMES.info_reminder(now))
        case "resume":
            request.resume("lee@contoso.com", now, TIMES, reply=False)
        case "reply":
            request.comment(REQUESTOR, now, "Here it is.", internal=False, by_owner=True, sla=TIMES)
        case "decline":
            request.decline_request("lee@contoso.com", now, Decline(reason=DeclineReason.OTHER))
        case "complete":
            request.complete("lee@contoso.com", now, {"notes": ""})
        case "cancel":
            request.cancel(REQUESTOR, now)


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(min_value=0, max_value=80),
                                st.integers(min_value=0, max_value=59)), max_size=14),
       body=st.sampled_from([form(), sow_form(), migration_form()]),
       start_hour=st.integers(min_value=0, max_value=23 + 24 * 6))
def test_for_any_history_the_read_model_derives_the_due_time_the_request_holds(steps, body, start_hour):
    start = datetime(2026, 11, 23, tzinfo=UTC) + timedelta(hours=start_hour)
    request = FtaRequest.submit(RequestForm.model_validate(body), Person(email=REQUESTOR), start, "FTA-SLA0000002")
    request.route("emea-leads", start, TIMES)
    now = start
    for action, hours, minutes in steps:
        now += timedelta(hours=hours, minutes=minutes)
        if action != "wait":
            try:
                _apply(request, action, now)
            except (InvalidTransition, DomainError):
                pass
        derived = rules.facts(request, len(request.history), TIMES)
        if request.status is Status.ROUTED:
            assert derived.assign_due_at == request.assign_due_at
            assert request.is_overdue(now) == TIMES.is_overdue(derived.assign_due_at, now)
        else:
            assert derived.assign_due_at is None
        assert derived.paused_business_hours == request.paused_business_hours


HOLIDAY_CALENDAR = BusinessCalendar(holidays=frozenset({date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 31)}))


@given(start=st.datetimes(min_value=datetime(2026, 11, 1), max_value=datetime(2027, 1, 31)),
       days=st.sampled_from([0.5, 1, 2, 3, 5]))
@settings(max_examples=300, deadline=None)
def test_the_first_contact_is_due_business_days_after_assignment_across_weekends_and_holidays(start, days):
    assigned = start.replace(tzinfo=timezone.utc)
    sla = Sla(HOLIDAY_CALENDAR, first_contact_business_days=days)
    due = sla.first_contact_due(assigned)
    assert abs(HOLIDAY_CALENDAR.business_hours_between(assigned, due) - days * 8) < 1e-6
    assert due.weekday() < 5 and due.date() not in HOLIDAY_CALENDAR.holidays
    assert 9 <= due.hour + due.minute / 60 <= 17


def test_the_first_contact_over_christmas():
    sla = Sla(HOLIDAY_CALENDAR, first_contact_business_days=3)
    assert sla.first_contact_due(datetime(2026, 12, 23, 16, 0, tzinfo=timezone.utc)) == datetime(
        2026, 12, 30, 16, 0, tzinfo=timezone.utc)  # 23rd 1 h, 28th, 29th, 30th until 16:00

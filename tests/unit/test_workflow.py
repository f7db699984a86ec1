"""The workflow after routing, in the domain: transitions, the paused SLA, outcomes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.domain.sla import Sla
from shared.domain.calendar import BusinessCalendar
from shared.domain.model import (
    CLOSED_STATUSES,
    DocumentKind,
    DomainError,
    EventType,
    FtaRequest,
    InvalidTransition,
    Person,
    RequestForm,
    RequestType,
    Status,
)
from shared.domain.outcomes import Decline, DeclineReason, OutcomeRequired, parse_outcome
from tests.factories import REQUESTOR, form, migration_form, sow_form

UTC = timezone.utc
CALENDAR = BusinessCalendar()  # Monday to Friday, 09:00 to 17:00 UTC
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SLA = 16
TIMES = Sla(CALENDAR, SLA)


def routed(at: datetime = MONDAY, body: dict | None = None) -> FtaRequest:
    request = FtaRequest.submit(RequestForm.model_validate(body or form()), Person(email=REQUESTOR), at, "FTA-TEST000001")
    request.route("emea-leads", at, TIMES)
    return request


def test_a_pause_before_assignment_moves_the_due_time_by_the_business_hours_waited():
    request = routed()
    assert request.assign_due_at == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # Wednesday 10:00
    request.request_info("lee@contoso.com", MONDAY + timedelta(hours=2), "Please upload the SOW.", [], None)
    assert request.status is Status.NEEDS_INFO and not request.is_overdue(MONDAY + timedelta(days=5))
    event = request.resume(REQUESTOR, datetime(2026, 11, 25, 12, 0, tzinfo=UTC), TIMES, reply=True)
    # Monday 12:00 to Wednesday 12:00 is 16 business hours: due Wednesday 10:00 becomes Friday 10:00.
    assert event.data == {"resumedTo": "routed", "pausedBusinessHours": 16.0, "reply": True, "architect": ""}
    assert request.assign_due_at == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert request.next_reminder_at == request.assign_due_at
    assert request.status is Status.ROUTED and request.paused_business_hours == 16.0


def test_a_pause_over_a_weekend_adds_nothing():
    friday_close = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    request = routed(friday_close)
    due = request.assign_due_at
    request.request_info("lee@contoso.com", friday_close, "Which tenant?", [], None)
    request.resume("lee@contoso.com", datetime(2026, 11, 30, 9, 0, tzinfo=UTC), TIMES, reply=False)
    assert request.assign_due_at == due and request.paused_business_hours == 0


def test_a_pause_after_assignment_goes_back_to_the_architect_and_leaves_the_sla_alone():
    request = routed()
    request.assign("eva.novak@contoso.com", "lee@contoso.com", MONDAY)
    due = request.assign_due_at
    request.request_info("eva.novak@contoso.com", MONDAY, "Mailbox count?", [DocumentKind.MIGRATION_PLAN], None)
    request.resume(REQUESTOR, MONDAY + timedelta(days=2), TIMES, reply=True)
    assert request.status is Status.ASSIGNED and request.assign_due_at == due


def test_the_owners_comment_on_a_waiting_request_is_the_answer():
    request = routed()
    request.request_info("lee@contoso.com", MONDAY, "Please add the WBS.", [DocumentKind.WBS], None)
    events = request.comment(REQUESTOR, MONDAY + timedelta(hours=1), "Attached.", internal=False, by_owner=True,
                             sla=TIMES)
    assert [e.type for e in events] == [EventType.COMMENTED, EventType.INFO_PROVIDED]
    assert request.status is Status.ROUTED
    with pytest.raises(DomainError):
        request.comment(REQUESTOR, MONDAY, "secret", internal=True, by_owner=True, sla=TIMES)


def test_internal_comments_are_left_out_of_the_requestors_view():
    request = routed()
    request.comment("lee@contoso.com", MONDAY, "Customer is a known escalation.", internal=True, by_owner=False,
                    sla=TIMES)
    request.comment("lee@contoso.com", MONDAY, "Thanks, looking at it.", internal=False, by_owner=False,
                    sla=TIMES)
    texts = lambda view: [e["data"].get("text") for e in view["history"] if e["type"] == "request.commented"]
    assert texts(request.public_view()) == ["Customer is a known escalation.", "Thanks, looking at it."]
    assert texts(request.public_view(internal=False)) == ["Thanks, looking at it."]


def test_one_reminder_to_a_requestor_who_does_not_answer():
    request = routed()
    request.request_info("lee@contoso.com", MONDAY, "Which tenant?", [], MONDAY + timedelta(days=3))
    assert request.remind_requestor(MONDAY + timedelta(days=3)).type is EventType.INFO_REMINDER
    with pytest.raises(InvalidTransition):
        request.remind_requestor(MONDAY + timedelta(days=4))


@pytest.mark.parametrize("status_setup", ["assigned", "submitted"])
def test_decline_applies_only_to_routed_or_waiting_requests(status_setup):
    request = routed()
    if status_setup == "assigned":
        request.assign("eva.novak@contoso.com", "lee@contoso.com", MONDAY)
    else:
        request.status = Status.SUBMITTED
    with pytest.raises(InvalidTransition):
        request.decline_request("lee@contoso.com", MONDAY, Decline(reason=DeclineReason.DUPLICATE))


def test_outcomes_follow_the_request_type():
    assert parse_outcome(RequestType.SOW_ECIF, {"recommendation": "approve", "category": "cat-2a"}) == {
        "recommendation": "approve", "category": "cat-2a", "notes": ""}
    assert parse_outcome(RequestType.MIGRATION_EXCEPTION, {"decision": "declined", "notes": "Use the standard path."})[
        "decision"] == "declined"
    assert parse_outcome(RequestType.NON_ECIF, None) == {"notes": ""}
    with pytest.raises(OutcomeRequired):
        parse_outcome(RequestType.SOW_ECIF, None)
    with pytest.raises(ValidationError):
        parse_outcome(RequestType.SOW_ECIF, {"recommendation": "approve", "category": "cat-5"})
    with pytest.raises(ValidationError):
        parse_outcome(RequestType.MIGRATION_EXCEPTION, {"recommendation": "approve", "category": "cat-1"})


# -- properties ----------------------------------------------------------------------------

ACTIONS = ("assign", "request_info", "resume", "comment", "reply", "decline", "complete", "cancel", "wait")


def apply(request: FtaRequest, action: str, now: datetime) -> None:
    match action:
        case "assign":
            request.assign(f"a{len(request.history)}@contoso.com", "lee@contoso.com", now)
        case "request_info":
            request.request_info("lee@contoso.com", now, "More, please.", [], None)
        case "resume":
            request.resume("lee@contoso.com", now, TIMES, reply=False)
        case "comment":
            request.comment("lee@contoso.com", now, "Note.", internal=True, by_owner=False, sla=TIMES)
        case "reply":
            request.comment(REQUESTOR, now, "Here it is.", internal=False, by_owner=True, sla=TIMES)
        case "decline":
            request.decline_request("lee@contoso.com", now, Decline(reason=DeclineReason.OTHER))
        case "complete":
            request.complete("lee@contoso.com", now, {"notes": ""})
        case "cancel":
            request.cancel(REQUESTOR, now)


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(min_value=0, max_value=72)), max_size=12),
       body=st.sampled_from([form(), sow_form(), migration_form()]))
def test_a_closed_request_never_reopens_and_a_pause_never_shortens_the_sla(steps, body):
    request = routed(body=body)
    now = MONDAY
    closed_at = None
    for action, hours in steps:
        now += timedelta(hours=hours)
        due_before = request.assign_due_at
        if action == "wait":
            continue
        try:
            apply(request, action, now)
        except (InvalidTransition, DomainError):
            continue
        assert request.assign_due_at >= due_before, "a pause never shortens the SLA"
        if closed_at is not None:
            raise AssertionError(f"{action} changed a {closed_at.value} request")
        if request.status in CLOSED_STATUSES:
            closed_at = request.status
    if closed_at is not None:
        assert request.status is closed_at
    ids = [event.id for event in request.history]
    assert ids == sorted(set(ids), key=ids.index) and len(ids) == len(set(ids))

"""The workflow's use cases over the embedded adapters, with a clock the test moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.app import intake, lead_actions, queries, reminders, workflow
from shared.app.route_to_leads import route_to_leads
from shared.app.commands import AddComment, AssignArchitect, DeclineRequest, RequestInfo, ResumeRequest, SubmitRequest
from shared.app.errors import Forbidden, InvalidInput, WrongState
from shared.domain.model import RequestForm, Status
from tests.app.conftest import LEAD_P, OTHER_P, REQUESTOR_P
from tests.factories import form


def routed(ctx):
    submitted = intake.submit_request(ctx, REQUESTOR_P, SubmitRequest(RequestForm.model_validate(form())))
    route_to_leads(ctx, submitted.request.history[0])
    return ctx.requests.get(submitted.request.id)[0]


def test_no_lead_reminder_while_the_requestor_owes_an_answer_and_one_reminder_to_them(ctx, clock):
    request = routed(ctx)
    workflow.request_info(ctx, LEAD_P, RequestInfo(request.id, "Please upload the SOW."))
    clock.advance(days=7)  # well past the SLA and the 24 business hours
    outcome = reminders.send_reminders(ctx)
    assert outcome.detail == {"reminders": 0, "escalations": 0, "requestorReminders": 1, "firstContactReminders": 0}
    assert reminders.send_reminders(ctx).detail["requestorReminders"] == 0, "one reminder, not one a run"
    types = [e.type.value for e in ctx.requests.get(request.id)[0].history]
    assert types.count("request.info-reminder") == 1 and "request.reminder" not in types


def test_reminders_count_from_the_resumed_due_time(ctx, clock):
    request = routed(ctx)
    due = request.assign_due_at
    workflow.request_info(ctx, LEAD_P, RequestInfo(request.id, "Which tenant?"))
    clock.advance(days=7)  # a week: 5 business days = 40 business hours waited
    resumed, _ = workflow.add_comment(ctx, REQUESTOR_P, AddComment(request.id, "contoso.onmicrosoft.com"))
    assert resumed.status is Status.ROUTED and resumed.assign_due_at == ctx.calendar.add_business_hours(due, 40)
    assert not resumed.is_overdue(clock()) and reminders.send_reminders(ctx).detail["reminders"] == 0
    clock.now = resumed.assign_due_at
    assert reminders.send_reminders(ctx).detail["reminders"] == 1


def test_a_lead_resumes_without_a_reply_and_declines(ctx):
    request = routed(ctx)
    workflow.request_info(ctx, LEAD_P, RequestInfo(request.id, "Any update?", ("sow", "sow", "wbs")))
    waiting = ctx.requests.get(request.id)[0]
    assert waiting.history[-1].data["missingDocuments"] == ["sow", "wbs"]
    with pytest.raises(Forbidden):
        workflow.resume_request(ctx, REQUESTOR_P, ResumeRequest(request.id))
    resumed, _ = workflow.resume_request(ctx, LEAD_P, ResumeRequest(request.id))
    assert resumed.status is Status.ROUTED and resumed.history[-1].data["reply"] is False
    with pytest.raises(WrongState):
        workflow.resume_request(ctx, LEAD_P, ResumeRequest(request.id))
    with pytest.raises(InvalidInput):
        workflow.decline_request(ctx, LEAD_P, DeclineRequest(request.id, "because"))
    declined, _ = workflow.decline_request(ctx, LEAD_P, DeclineRequest(request.id, "duplicate", "Same as FTA-1."))
    assert declined.status is Status.DECLINED and declined.decline.reason.value == "duplicate"
    with pytest.raises(WrongState):
        lead_actions.assign_architect(ctx, LEAD_P, AssignArchitect(request.id, "auto"))


def test_the_requestor_never_sees_an_internal_comment_and_cannot_write_one(ctx):
    request = routed(ctx)
    workflow.add_comment(ctx, LEAD_P, AddComment(request.id, "Known escalation.", internal=True))
    with pytest.raises(Forbidden):
        workflow.add_comment(ctx, REQUESTOR_P, AddComment(request.id, "Me too.", internal=True))
    stored = ctx.requests.get(request.id)[0]
    assert "Known escalation." not in str(queries.request_view(ctx, REQUESTOR_P, stored))
    assert "Known escalation." in str(queries.request_view(ctx, LEAD_P, stored))
    with pytest.raises(queries.NotFound):
        workflow.add_comment(ctx, OTHER_P, AddComment(request.id, "Hello?"))

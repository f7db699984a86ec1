"""Each rule tested where it lives: the use cases with typed commands over real embedded adapters."""

from __future__ import annotations

import pytest

from shared.app import intake, lead_actions, queries, reminders
from shared.app.handlers import handle_message
from shared.app.route_to_leads import route_to_leads
from shared.app.commands import AssignArchitect, CancelRequest, CompleteRequest, ListRequests, SubmitRequest
from shared.app.errors import Forbidden, Ineligible, InvalidInput, NotFound, StaleVersion, WrongState
from shared.domain.model import RequestForm, Status
from tests.app.conftest import ADMIN_P, LEAD_P, OTHER_P, REQUESTOR_P
from tests.factories import form, sow_form


def submit(ctx, principal=REQUESTOR_P, key=None, **changes):
    return intake.submit_request(ctx, principal, SubmitRequest(RequestForm.model_validate(form(**changes)), key))


def routed(ctx, **changes):
    submitted = submit(ctx, **changes)
    route_to_leads(ctx, submitted.request.history[0])
    return ctx.requests.get(submitted.request.id)[0]


def test_an_eligible_form_is_stored_with_its_submitted_event(ctx):
    result = submit(ctx)
    stored, _ = ctx.requests.get(result.request.id)
    assert stored.status is Status.SUBMITTED and stored.requestor.email == REQUESTOR_P.email
    assert [e.type.value for e in stored.history] == ["request.submitted"]
    assert stored.pending_dispatch, "published; its consumer marks it as it routes the request"
    [message] = ctx.bus.receive("route-to-leads")
    assert message.message_id == stored.history[0].id
    route_to_leads(ctx, stored.history[0])
    assert not ctx.requests.get(result.request.id)[0].undispatched(), "routing marked it in the same write"


def test_an_ineligible_form_names_every_rule_and_stores_nothing(ctx):
    with pytest.raises(Ineligible) as refused:
        submit(ctx, salesStagePercent=10, totalUsers=20)
    assert {r["code"] for r in refused.value.details} == {"sales-stage-too-early", "too-few-users"}
    assert ctx.requests.count(queries.RequestFilter()) == 0


def test_the_same_idempotency_key_returns_the_first_request(ctx):
    first = submit(ctx, key="k-1")
    again = submit(ctx, key="k-1")
    assert again.replayed and again.request.id == first.request.id
    assert ctx.requests.count(queries.RequestFilter()) == 1
    with pytest.raises(InvalidInput):
        submit(ctx, key="\x01")


def test_routing_follows_the_rules_and_sets_the_due_time(ctx):
    request = routed(ctx, region="americas")
    assert request.status is Status.ROUTED and request.lead_group == "americas-leads"
    assert request.assign_due_at is not None and request.assign_due_at > request.routed_at
    sow = routed(ctx, **{k: v for k, v in sow_form().items() if k in ("requestType", "fundingAmountUsd")})
    assert sow.lead_group == "fta-alignment"


def test_a_requestor_sees_only_their_own_requests_and_a_lead_sees_all(ctx):
    mine = submit(ctx).request
    submit(ctx, principal=OTHER_P)
    own = queries.list_requests(ctx, REQUESTOR_P, ListRequests())
    assert [item["id"] for item in own["items"]] == [mine.id]
    assert len(queries.list_requests(ctx, LEAD_P, ListRequests())["items"]) == 2
    with pytest.raises(NotFound):
        queries.get_request(ctx, OTHER_P, mine.id)


def test_allowed_actions_follow_the_caller_and_the_status(ctx):
    request = routed(ctx)
    assert queries.request_view(ctx, REQUESTOR_P, request)["allowedActions"] == ["comment", "cancel", "upload-document", "participants"]
    assert queries.request_view(ctx, LEAD_P, request)["allowedActions"] == [
        "assign", "request-info", "decline", "comment", "comment-internal", "cancel", "upload-document", "participants"]
    assigned, _ = lead_actions.assign_architect(ctx, LEAD_P, AssignArchitect(request.id, "auto"))
    assert queries.request_view(ctx, LEAD_P, assigned)["allowedActions"] == [
        "assign", "request-info", "complete", "milestone", "comment", "comment-internal", "cancel", "upload-document", "participants"]
    assert queries.request_view(ctx, OTHER_P, assigned)["allowedActions"] == []


def test_the_assigned_view_lists_and_counts_only_the_callers_assignments(ctx):
    mine = routed(ctx)
    routed(ctx)  # another request, not assigned to anyone
    lead_actions.assign_architect(ctx, LEAD_P, AssignArchitect(mine.id, OTHER_P.email))
    answer = queries.list_requests(ctx, OTHER_P, ListRequests(view="assigned", counts=True))
    assert [item["id"] for item in answer["items"]] == [mine.id]
    assert answer["counts"]["assigned"] == 1 and sum(answer["counts"].values()) == 1


def test_the_balancer_picks_the_architect_with_the_fewest_open_assignments(ctx):
    first = routed(ctx)
    second = routed(ctx)
    a, _ = lead_actions.assign_architect(ctx, LEAD_P, AssignArchitect(first.id, "auto"))
    b, _ = lead_actions.assign_architect(ctx, LEAD_P, AssignArchitect(second.id, "auto"))
    pool = [x.email for x in ctx.routing.group("emea-leads").architects]
    assert [a.architect, b.architect] == pool


def test_lead_actions_refuse_what_the_rules_refuse(ctx):
    request = routed(ctx)
    with pytest.raises(Forbidden):
        lead_actions.assign_architect(ctx, REQUESTOR_P, AssignArchitect(request.id, "ana.alves@contoso.com"))
    with pytest.raises(NotFound):
        lead_actions.cancel_request(ctx, OTHER_P, CancelRequest(request.id))
    with pytest.raises(WrongState):
        lead_actions.complete_request(ctx, ADMIN_P, CompleteRequest(request.id))
    with pytest.raises(StaleVersion):
        lead_actions.cancel_request(ctx, REQUESTOR_P, CancelRequest(request.id, if_match='"stale"'))
    cancelled, _ = lead_actions.cancel_request(ctx, REQUESTOR_P, CancelRequest(request.id, reason="no longer needed"))
    assert cancelled.status is Status.CANCELLED
    with pytest.raises(WrongState):
        lead_actions.cancel_request(ctx, REQUESTOR_P, CancelRequest(request.id))


def test_a_routed_request_past_the_sla_is_overdue_then_reminded_then_escalated(ctx, clock):
    request = routed(ctx)
    assert not request.is_overdue(clock())
    clock.advance(days=3)
    assert ctx.requests.get(request.id)[0].is_overdue(clock())
    assert ctx.requests.overdue_unassigned(clock()) == 1
    assert reminders.send_reminders(ctx).detail == {"reminders": 1, "escalations": 0, "requestorReminders": 0,
                                                  "firstContactReminders": 0}
    assert reminders.send_reminders(ctx).detail == {"reminders": 0, "escalations": 0, "requestorReminders": 0,
                                                  "firstContactReminders": 0}, "once per SLA period"
    for _ in range(4):
        clock.advance(days=3)
        reminders.send_reminders(ctx)
    stored = ctx.requests.get(request.id)[0]
    assert stored.reminders_sent == ctx.policy.reminders_before_escalation and stored.escalated


def test_a_message_that_can_never_succeed_is_parked_once(ctx):
    for _ in range(2):
        outcome = handle_message(ctx, "route-to-leads", b"not json", message_id="m-1")
        assert outcome.action == "parked"
    assert ctx.parked.count() == 1

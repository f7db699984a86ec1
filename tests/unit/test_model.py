from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from shared.domain.model import (
    CLOSED_STATUSES, EventType, FtaRequest, InvalidTransition, Person, RequestForm, Status, can_transition,
)
from tests.factories import form, migration_form, sow_form

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)


def new_request(**overrides) -> FtaRequest:
    return FtaRequest.submit(RequestForm.model_validate(form(**overrides)), Person(email="alex@contoso.com"), NOW)


def test_submit_records_one_undispatched_event():
    request = new_request()
    assert request.status is Status.SUBMITTED
    assert [e.type for e in request.history] == [EventType.SUBMITTED]
    assert request.undispatched() == request.history
    assert request.pending_dispatch is True
    assert request.history[0].id == f"{request.id}.1"


def test_camel_case_json():
    doc = new_request().to_json_dict()
    assert {"tpid", "totalUsers", "salesStagePercent", "requestType", "createdAt", "history"} <= set(doc)
    assert doc["history"][0]["requestId"] == doc["id"]


def test_the_full_life_of_a_request():
    request = new_request()
    assert request.route("emea-leads", NOW).type is EventType.ROUTED
    assert request.route("emea-leads", NOW) is None, "routing twice records nothing"
    request.assign("eva@contoso.com", "lee@contoso.com", NOW)
    request.assign("farid@contoso.com", "lee@contoso.com", NOW)
    assert request.history[-1].data["previousArchitect"] == "eva@contoso.com"
    request.complete("lee@contoso.com", NOW)
    assert request.status is Status.COMPLETED
    assert [e.id for e in request.history] == [f"{request.id}.{n}" for n in range(1, 6)]


def test_assigning_the_same_architect_again_is_refused():
    request = new_request()
    request.route("emea-leads", NOW)
    request.assign("eva@contoso.com", "lee@contoso.com", NOW)
    with pytest.raises(InvalidTransition):
        request.assign("eva@contoso.com", "lee@contoso.com", NOW)


@pytest.mark.parametrize("closed", sorted(CLOSED_STATUSES))
@pytest.mark.parametrize("target", list(Status))
def test_closed_states_are_final_but_a_review_reopens_into_the_queue(closed, target):
    reopens = closed in (Status.COMPLETED, Status.DECLINED) and target is Status.ROUTED
    assert can_transition(closed, target) is reopens


def test_a_submitted_request_cannot_be_assigned_or_completed():
    request = new_request()
    with pytest.raises(InvalidTransition):
        request.assign("eva@contoso.com", "lee@contoso.com", NOW)
    with pytest.raises(InvalidTransition):
        request.complete("lee@contoso.com", NOW)


def test_cancel_from_every_open_state_and_never_twice():
    for steps in ([], ["route"], ["route", "assign"]):
        request = new_request()
        if "route" in steps:
            request.route("emea-leads", NOW)
        if "assign" in steps:
            request.assign("eva@contoso.com", "lee@contoso.com", NOW)
        request.cancel("alex@contoso.com", NOW, "customer postponed")
        assert request.status is Status.CANCELLED
        with pytest.raises(InvalidTransition):
            request.cancel("alex@contoso.com", NOW)


def test_mark_dispatched_clears_pending():
    request = new_request()
    request.route("emea-leads", NOW)
    assert request.mark_dispatched({request.history[0].id}) is True
    assert request.pending_dispatch is True
    request.mark_dispatched({request.history[1].id})
    assert request.pending_dispatch is False
    assert request.mark_dispatched({request.history[1].id}) is False


def test_type_specific_details_are_required():
    with pytest.raises(ValidationError, match="fundingAmountUsd"):
        RequestForm.model_validate(form(requestType="sow-ecif"))
    with pytest.raises(ValidationError, match="migration"):
        RequestForm.model_validate(form(requestType="migration-exception"))
    assert RequestForm.model_validate(sow_form()).funding_amount_usd == 120000
    assert RequestForm.model_validate(migration_form()).migration.mailbox_count == 800


@pytest.mark.parametrize("field, value", [
    ("tpid", "12ab"), ("tpid", "1234567890123"), ("tpid", ""),
    ("tenant", "not a tenant"), ("tenant", "contoso"),
    ("totalUsers", 0), ("salesStagePercent", 101), ("salesStagePercent", -1),
    ("segment", "government"), ("entitlements", ["azure"]), ("entitlements", ["ems", "ems"]),
    ("requestType", "other"), ("instructions", "x" * 4001),
    ("customerName", "Contoso\r\nBcc: evil@example.com"), ("partner", "a\nb"),
])
def test_invalid_fields_are_named(field, value):
    with pytest.raises(ValidationError) as info:
        RequestForm.model_validate(form(**{field: value}))
    assert field in {str(e["loc"][0]) for e in info.value.errors()}


def test_tenant_accepts_a_guid_and_unknown_fields_are_refused():
    assert RequestForm.model_validate(form(tenant="8A5F6E2B-1C3D-4E5F-9A8B-7C6D5E4F3A2B")).tenant == "8a5f6e2b-1c3d-4e5f-9a8b-7c6d5e4f3a2b"
    with pytest.raises(ValidationError):
        RequestForm.model_validate(form(status="assigned"))

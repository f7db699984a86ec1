"""The eligibility use case over the embedded adapters: the same verdict as
intake, the open-request notice by who asks, nothing stored or published."""

from __future__ import annotations

import pytest

from shared.app import eligibility, intake
from shared.app.commands import CheckEligibility, SubmitRequest
from shared.app.errors import Ineligible
from shared.app.ports import RequestFilter
from shared.domain.model import RequestForm
from shared.domain.partial_form import read_partial_form
from tests.app.conftest import ADMIN_P, LEAD_P, OTHER_P, REQUESTOR_P
from tests.factories import form


def checked(ctx, principal=REQUESTOR_P, **given):
    return eligibility.check_eligibility(ctx, principal, CheckEligibility(read_partial_form(given, ctx.routing.regions)))


def test_a_complete_form_gets_intakes_reasons_and_nothing_is_stored(ctx):
    body = form(salesStagePercent=30, cloud="dod", totalUsers=49, trial=True)
    answer = checked(ctx, **body)
    with pytest.raises(Ineligible) as refused:
        intake.submit_request(ctx, REQUESTOR_P, SubmitRequest(RequestForm.model_validate(body)))
    assert [r.to_dict() for r in answer.reasons] == refused.value.details
    assert [r.code for r in answer.reasons] == ["sales-stage-too-early", "too-few-users", "trial-tenant"]
    assert answer.eligible is False and ctx.requests.count(RequestFilter()) == 0
    assert checked(ctx, **form(cloud="dod", totalUsers=50)).eligible is True
    assert ctx.requests.count(RequestFilter()) == 0


def test_the_open_request_notice_names_its_id_to_the_owner_and_the_leads_only(ctx):
    mine = intake.submit_request(ctx, REQUESTOR_P, SubmitRequest(RequestForm.model_validate(form(tpid="4242")))).request
    notices = {}
    for name, principal in (("owner", REQUESTOR_P), ("other", OTHER_P), ("lead", LEAD_P), ("admin", ADMIN_P)):
        (notice,) = checked(ctx, principal, tpid="4242").notices
        notices[name] = notice.to_dict()
    assert notices["owner"]["requestIds"] == notices["lead"]["requestIds"] == notices["admin"]["requestIds"] == [mine.id]
    assert notices["other"]["requestIds"] == [] and mine.id not in notices["other"]["message"]
    assert {n["code"] for n in notices.values()} == {"open-request-for-tpid"}
    assert checked(ctx, tpid="4243").notices == ()

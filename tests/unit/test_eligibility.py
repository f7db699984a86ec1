"""Eligibility rules on complete and partial forms; clouds, trials and the notices' thresholds."""

import pytest

from shared.domain.eligibility import EligibilityPolicy, below_review_threshold, check_eligibility, judge
from shared.domain.model import Cloud, RequestForm, Segment
from shared.domain.partial_form import PartialForm, read_partial_form
from shared.domain.routing import Eligibility, FundingReview, RoutingError, load_routing
from tests.factories import form

POLICY = EligibilityPolicy()


def verdict(**overrides):
    return check_eligibility(RequestForm.model_validate(form(**overrides)), POLICY)


def codes(v):
    return [r.code for r in v.reasons]


def test_a_request_that_breaks_no_rule_is_eligible():
    assert verdict().eligible


@pytest.mark.parametrize("stage, eligible", [(39, False), (40, True), (100, True), (0, False)])
def test_sales_stage_boundary(stage, eligible):
    v = verdict(salesStagePercent=stage)
    assert v.eligible is eligible
    assert ("sales-stage-too-early" in codes(v)) is (not eligible)


@pytest.mark.parametrize("users, eligible", [(149, False), (150, True), (1, False)])
def test_total_users_boundary(users, eligible):
    v = verdict(totalUsers=users)
    assert v.eligible is eligible
    assert ("too-few-users" in codes(v)) is (not eligible)


@pytest.mark.parametrize("segment, eligible", [("enterprise", True), ("smc-c", True), ("smb", False), ("other", False)])
def test_segment(segment, eligible):
    assert verdict(segment=segment).eligible is eligible


def test_no_entitlement():
    assert codes(verdict(entitlements=[])) == ["no-entitlement"]


def test_blank_compelling_event():
    assert codes(verdict(compellingEvent="   ")) == ["no-compelling-event"]


def test_every_failed_rule_is_reported_not_only_the_first():
    v = verdict(segment="smb", entitlements=[], salesStagePercent=10, compellingEvent="", totalUsers=20)
    assert codes(v) == [
        "segment-not-eligible", "no-entitlement", "sales-stage-too-early", "no-compelling-event", "too-few-users",
    ]
    assert all(r.message and r.field for r in v.reasons)


def test_thresholds_come_from_the_policy():
    strict = EligibilityPolicy(min_sales_stage_percent=70, min_total_users=1000)
    v = check_eligibility(RequestForm.model_validate(form(salesStagePercent=60, totalUsers=500)), strict)
    assert codes(v) == ["sales-stage-too-early", "too-few-users"]


# -- the same rules on a form being filled in -------------------------------------------

REGIONS = ["americas", "emea", "asia-pacific"]


def partial(**given):
    return read_partial_form(given, REGIONS)


def partial_verdict(policy=POLICY, **given):
    return judge(partial(**given), policy)


def test_an_empty_form_breaks_no_rule_and_is_not_complete():
    form_ = partial()
    assert form_.form is None and form_.errors == () and partial_verdict().reasons == ()


@pytest.mark.parametrize("given, code, field", [
    ({"salesStagePercent": 20}, "sales-stage-too-early", "salesStagePercent"),
    ({"totalUsers": 20}, "too-few-users", "totalUsers"),
    ({"segment": "smb"}, "segment-not-eligible", "segment"),
    ({"entitlements": []}, "no-entitlement", "entitlements"),
    ({"compellingEvent": "  "}, "no-compelling-event", "compellingEvent"),
    ({"trial": True}, "trial-tenant", "trial"),
])
def test_a_partial_form_is_judged_by_the_rules_of_the_fields_it_gives(given, code, field):
    reasons = partial_verdict(**given).reasons
    assert [(r.code, r.field) for r in reasons] == [(code, field)]


def test_each_rule_waits_for_its_fields_and_an_invalid_field_is_an_error_not_a_reason():
    given = partial(salesStagePercent="twenty", totalUsers=0, segment="enterprise", tpid="12ab")
    assert {e["field"] for e in given.errors} == {"salesStagePercent", "totalUsers", "tpid"}
    assert judge(given, POLICY).reasons == (), "a rule with an invalid field is not judged"
    assert given.values == {"segment": Segment.ENTERPRISE}


def test_an_invalid_cloud_stops_the_users_rule_instead_of_judging_it_as_commercial():
    given = partial(totalUsers=60, cloud="azure-china")
    assert [e["field"] for e in given.errors] == ["cloud"]
    assert judge(given, POLICY).reasons == ()
    assert codes(partial_verdict(totalUsers=60)) == ["too-few-users"], "no cloud given: commercial"


def test_unknown_fields_the_requestor_and_a_region_outside_the_routing_file_are_field_errors():
    errors = {e["field"]: e for e in partial(requestor={"email": "x@contoso.com"}, colour="red", region="mars").errors}
    assert errors["requestor"]["message"] == "is set from the signed-in user"
    assert errors["colour"]["type"] == "extra_forbidden"
    assert errors["region"] == {"field": "region", "message": "must be one of americas, emea, asia-pacific",
                                "type": "enum"}


def test_nested_and_list_errors_name_the_path_of_the_body():
    errors = [e["field"] for e in partial(migration={"mailboxCount": "x", "sourceEnvironment": "EX",
                                                      "justification": "why"}, entitlements=["ems", "nope"]).errors]
    assert errors == ["migration.mailboxCount", "entitlements.1"]


def test_the_complete_form_is_read_once_everything_it_needs_is_there():
    assert partial(**form()).form is not None
    assert partial(**form(requestType="sow-ecif")).form is None, "sow-ecif still needs its funding amount"
    assert partial(**form(requestType="sow-ecif")).errors == (), "missing is not invalid"
    assert partial(**form(requestType="sow-ecif", fundingAmountUsd=60000)).form is not None
    for field in ("tpid", "tenant", "totalUsers", "segment", "entitlements", "salesStagePercent",
                  "compellingEvent", "requestType", "region"):
        assert partial(**{k: v for k, v in form().items() if k != field}).form is None, field


def test_a_complete_form_gets_the_verdict_intake_gives():
    for changes in ({}, {"salesStagePercent": 10, "totalUsers": 20}, {"cloud": "gcc", "totalUsers": 50},
                    {"trial": True, "segment": "other"}):
        complete = partial(**form(**changes))
        assert judge(complete, POLICY) == check_eligibility(complete.form, POLICY)
        assert PartialForm.of(complete.form).values["cloud"] == complete.form.cloud


# -- clouds and trials ---------------------------------------------------------------------


@pytest.mark.parametrize("cloud, users, eligible", [
    ("commercial", 149, False), ("commercial", 150, True),
    ("gcc", 49, False), ("gcc", 50, True),
    ("gcc-high", 49, False), ("gcc-high", 50, True),
    ("dod", 49, False), ("dod", 50, True),
])
def test_the_minimum_of_paid_seats_follows_the_cloud(cloud, users, eligible):
    v = verdict(cloud=cloud, totalUsers=users)
    assert v.eligible is eligible
    assert ("too-few-users" in codes(v)) is (not eligible)
    assert partial_verdict(cloud=cloud, totalUsers=users).eligible is eligible


def test_the_seat_reason_names_the_cloud_and_its_minimum():
    (reason,) = verdict(cloud="gcc-high", totalUsers=49).reasons
    assert reason.field == "totalUsers"
    assert "GCC High tenants with 50 or more paid seats; this one has 49" in reason.message


def test_a_trial_tenant_is_never_eligible_and_a_paid_one_is():
    assert codes(verdict(trial=True)) == ["trial-tenant"]
    assert codes(verdict(trial=True, cloud="gcc", totalUsers=50)) == ["trial-tenant"]
    assert verdict(trial=False).eligible
    assert RequestForm.model_validate(form()).trial is False
    assert RequestForm.model_validate(form()).cloud == "commercial"


# -- the routing file's eligibility and funding review sections -------------------------------


def test_minimums_per_cloud_come_from_the_routing_file_with_defaults():
    assert Eligibility().policy().min_users(Cloud.COMMERCIAL) == 150
    assert {Eligibility().policy().min_users(c) for c in (Cloud.GCC, Cloud.GCC_HIGH, Cloud.DOD)} == {50}
    legacy = Eligibility.model_validate({"minTotalUsers": 300}).policy()
    assert legacy.min_users(Cloud.COMMERCIAL) == 300 and legacy.min_users(Cloud.GCC) == 50
    by_cloud = Eligibility.model_validate({"minTotalUsersByCloud": {"commercial": 200, "dod": 75}}).policy()
    assert [by_cloud.min_users(c) for c in Cloud] == [200, 50, 50, 75]
    assert Eligibility.model_validate({"minTotalUsers": 200, "minTotalUsersByCloud": {"commercial": 200}})


def routing_with(section: str) -> str:
    return ("regions: [emea]\nleadGroups:\n  - {id: g, name: G, members: [g@contoso.com]}\n"
            "default: g\nescalateTo: g\n" + section)


@pytest.mark.parametrize("section, message", [
    ("eligibility: {minTotalUsers: 150, minTotalUsersByCloud: {commercial: 100}}", "disagree"),
    ("eligibility: {minTotalUsersByCloud: {azure-china: 10}}", "minTotalUsersByCloud"),
    ("eligibility: {minTotalUsersByCloud: {gcc: 0}}", "minTotalUsersByCloud"),
    ("fundingReview: {ftaReviewMinimumUsd: 200000}", "detailedReviewAboveUsd"),
    ("fundingReview: {ftaReviewMinimumUsd: 0}", "ftaReviewMinimumUsd"),
])
def test_a_bad_section_stops_start_up_naming_it(section, message):
    with pytest.raises(RoutingError, match=message):
        load_routing(routing_with(section))


def test_the_funding_review_thresholds_default_to_the_playbooks():
    review = load_routing(routing_with("")).funding_review
    assert (review.fta_review_minimum_usd, review.detailed_review_above_usd) == (50_000, 100_000)
    assert FundingReview.model_validate({"ftaReviewMinimumUsd": 25000}).fta_review_minimum_usd == 25000


@pytest.mark.parametrize("amount, noticed", [(49_999, True), (49_999.5, True), (50_000, False), (120_000, False)])
def test_a_funding_amount_below_the_review_threshold_is_a_notice(amount, noticed):
    notice = below_review_threshold(partial(requestType="sow-ecif", fundingAmountUsd=amount), 50_000)
    assert (notice is not None) is noticed
    if notice:
        assert notice.code == "below-review-threshold" and notice.field == "fundingAmountUsd"
        assert "USD 50,000 or more" in notice.message
    assert below_review_threshold(partial(requestType="non-ecif", fundingAmountUsd=amount), 50_000) is None
    assert below_review_threshold(partial(), 50_000) is None

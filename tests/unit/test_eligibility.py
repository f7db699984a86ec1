import pytest

from shared.domain.eligibility import EligibilityPolicy, check_eligibility
from shared.domain.model import RequestForm
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

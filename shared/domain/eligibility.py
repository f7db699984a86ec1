"""Eligibility for a FastTrack Architect: pure rules, thresholds from configuration.

Each rule names the form fields it judges and is judged only when they are
given and valid, so a form being filled in is judged rule by rule; intake
judges the complete form with the very same rules, so the two never disagree.
Notices inform and never refuse."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from shared.domain.model import Cloud, RequestForm, RequestType, Segment
from shared.domain.partial_form import PartialForm
from shared.domain.vocabulary import CLOUDS

COMMERCIAL_MIN_TOTAL_USERS = 150
GOVERNMENT_MIN_TOTAL_USERS = 50


def _government_minimums() -> dict[Cloud, int]:
    return {cloud: GOVERNMENT_MIN_TOTAL_USERS for cloud in Cloud if cloud is not Cloud.COMMERCIAL}


@dataclass(frozen=True)
class EligibilityPolicy:
    segments: frozenset[Segment] = frozenset({Segment.ENTERPRISE, Segment.SMC_C})
    min_sales_stage_percent: int = 40
    min_total_users: int = COMMERCIAL_MIN_TOTAL_USERS  # in the commercial cloud
    government_min_total_users: Mapping[Cloud, int] = field(default_factory=_government_minimums, hash=False)

    def min_users(self, cloud: Cloud) -> int:
        if cloud is Cloud.COMMERCIAL:
            return self.min_total_users
        return self.government_min_total_users.get(cloud, GOVERNMENT_MIN_TOTAL_USERS)


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    field: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass(frozen=True)
class Notice:
    """Worth knowing before submitting; never a refusal."""

    code: str
    message: str
    field: str = ""
    request_ids: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        if self.request_ids is not None:
            found["requestIds"] = list(self.request_ids)
        return found


@dataclass(frozen=True)
class Verdict:
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> bool:
        return not self.reasons


Values = Mapping[str, Any]


def _segment(values: Values, policy: EligibilityPolicy) -> Reason | None:
    segment = values["segment"]
    if segment in policy.segments:
        return None
    allowed = " or ".join(sorted(s.value for s in policy.segments))
    return Reason("segment-not-eligible",
                  f"FastTrack Architects serve {allowed} customers; this customer is {segment.value}", "segment")


def _entitlements(values: Values, policy: EligibilityPolicy) -> Reason | None:
    if values["entitlements"]:
        return None
    return Reason("no-entitlement", "the customer must own Microsoft 365, Office 365 or EMS entitlements",
                  "entitlements")


def _sales_stage(values: Values, policy: EligibilityPolicy) -> Reason | None:
    stage = values["sales_stage_percent"]
    if stage >= policy.min_sales_stage_percent:
        return None
    return Reason("sales-stage-too-early",
                  f"the opportunity must be at least {policy.min_sales_stage_percent} % through the sales stage; "
                  f"it is at {stage} %", "salesStagePercent")


def _compelling_event(values: Values, policy: EligibilityPolicy) -> Reason | None:
    if values["compelling_event"].strip():
        return None
    return Reason("no-compelling-event",
                  "a compelling event is required: the customer's commitment to Microsoft 365, Office 365 or EMS",
                  "compellingEvent")


def _total_users(values: Values, policy: EligibilityPolicy) -> Reason | None:
    cloud = values.get("cloud", Cloud.COMMERCIAL)
    users, minimum = values["total_users"], policy.min_users(cloud)
    if users >= minimum:
        return None
    tenants = "tenants" if cloud is Cloud.COMMERCIAL else f"{CLOUDS[cloud]} tenants"
    return Reason("too-few-users",
                  f"FastTrack serves {tenants} with {minimum} or more paid seats; this one has {users}", "totalUsers")


def _trial(values: Values, policy: EligibilityPolicy) -> Reason | None:
    if not values["trial"]:
        return None
    return Reason("trial-tenant", "FastTrack serves paid tenants only; a trial tenant does not qualify", "trial")


@dataclass(frozen=True)
class Rule:
    judges: tuple[str, ...]  # the fields it needs, given and valid
    check: Callable[[Values, EligibilityPolicy], Reason | None]
    reads: tuple[str, ...] = ()  # fields with a default that it reads: one given and invalid stops the rule


RULES = (
    Rule(("segment",), _segment),
    Rule(("entitlements",), _entitlements),
    Rule(("sales_stage_percent",), _sales_stage),
    Rule(("compelling_event",), _compelling_event),
    Rule(("total_users",), _total_users, reads=("cloud",)),
    Rule(("trial",), _trial),
)


def judge(form: PartialForm, policy: EligibilityPolicy) -> Verdict:
    """Every rule whose fields are there and valid, and every one of them the form breaks."""
    reasons = []
    for rule in RULES:
        if any(name not in form.values for name in rule.judges) or any(name in form.invalid for name in rule.reads):
            continue
        reason = rule.check(form.values, policy)
        if reason is not None:
            reasons.append(reason)
    return Verdict(tuple(reasons))


def check_eligibility(form: RequestForm, policy: EligibilityPolicy) -> Verdict:
    """Every rule the complete form breaks, not only the first."""
    return judge(PartialForm.of(form), policy)


def _usd(amount: float) -> str:
    return f"USD {amount:,.0f}" if float(amount).is_integer() else f"USD {amount:,.2f}"


def below_review_threshold(form: PartialForm, minimum_usd: float) -> Notice | None:
    """An ECIF funding amount too small for the FTA's funding review."""
    amount = form.values.get("funding_amount_usd")
    if amount is None or amount >= minimum_usd:
        return None
    if form.values.get("request_type", RequestType.SOW_ECIF) is not RequestType.SOW_ECIF:
        return None
    return Notice("below-review-threshold",
                  f"the FTA reviews ECIF funding of {_usd(minimum_usd)} or more; {_usd(amount)} is below that "
                  "threshold, so this request gets no FTA funding review", "fundingAmountUsd")

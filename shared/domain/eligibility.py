"""Eligibility for a FastTrack Architect: pure rules, thresholds from configuration."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.domain.model import RequestForm, Segment


@dataclass(frozen=True)
class EligibilityPolicy:
    segments: frozenset[Segment] = frozenset({Segment.ENTERPRISE, Segment.SMC_C})
    min_sales_stage_percent: int = 40
    min_total_users: int = 150


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    field: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass(frozen=True)
class Verdict:
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> bool:
        return not self.reasons


def check_eligibility(form: RequestForm, policy: EligibilityPolicy) -> Verdict:
    """Every rule the request breaks, not only the first."""
    reasons: list[Reason] = []
    if form.segment not in policy.segments:
        allowed = " or ".join(sorted(s.value for s in policy.segments))
        reasons.append(Reason(
            "segment-not-eligible",
            f"FastTrack Architects serve {allowed} customers; this customer is {form.segment.value}",
            "segment",
        ))
    if not form.entitlements:
        reasons.append(Reason(
            "no-entitlement",
            "the customer must own Microsoft 365, Office 365 or EMS entitlements",
            "entitlements",
        ))
    if form.sales_stage_percent < policy.min_sales_stage_percent:
        reasons.append(Reason(
            "sales-stage-too-early",
            f"the opportunity must be at least {policy.min_sales_stage_percent} % through the "
            f"sales stage; it is at {form.sales_stage_percent} %",
            "salesStagePercent",
        ))
    if not form.compelling_event.strip():
        reasons.append(Reason(
            "no-compelling-event",
            "a compelling event is required: the customer's commitment to Microsoft 365, Office 365 or EMS",
            "compellingEvent",
        ))
    if form.total_users < policy.min_total_users:
        reasons.append(Reason(
            "too-few-users",
            f"FastTrack serves tenants with {policy.min_total_users} or more paid seats; "
            f"this one has {form.total_users}",
            "totalUsers",
        ))
    return Verdict(tuple(reasons))

"""The routing configuration (YAML) and the choice of a lead group.

Pure: ``load_routing`` parses text that the caller has read; ``pick_lead_group``
applies the ordered rules, first match wins.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.alias_generators import to_camel

from shared.domain.eligibility import COMMERCIAL_MIN_TOTAL_USERS, GOVERNMENT_MIN_TOTAL_USERS, EligibilityPolicy
from shared.domain.model import Cloud, EmailAddress, RequestForm, RequestType, Segment

GROUP_ID = r"^[a-z0-9][a-z0-9-]{0,40}$"
# The name of an app setting (an environment variable; a Bicep app setting name).
SETTING_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"


class RoutingError(ValueError):
    """The routing file cannot be used; the message says why."""


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class Architect(_Model):
    email: EmailAddress
    name: str = ""


class LeadGroup(_Model):
    id: Annotated[str, Field(pattern=GROUP_ID)]
    name: str
    members: list[EmailAddress] = Field(min_length=1)
    architects: list[Architect] = Field(default_factory=list)
    # The app setting holding the group's Teams channel webhook URL (the URL itself is a
    # secret and never in this file); None: the group has no channel.
    teams_webhook_setting: Annotated[str, Field(pattern=SETTING_NAME)] | None = None


class UserRange(_Model):
    min: int | None = None
    max: int | None = None


class Match(_Model):
    request_type: list[RequestType] | None = None
    region: list[str] | None = None
    segment: list[Segment] | None = None
    total_users: UserRange | None = None

    def matches(self, form: RequestForm) -> bool:
        if self.request_type is not None and form.request_type not in self.request_type:
            return False
        if self.region is not None and form.region not in self.region:
            return False
        if self.segment is not None and form.segment not in self.segment:
            return False
        if self.total_users is not None:
            if self.total_users.min is not None and form.total_users < self.total_users.min:
                return False
            if self.total_users.max is not None and form.total_users > self.total_users.max:
                return False
        return True


class Rule(_Model):
    when: Match
    lead_group: str


class Eligibility(_Model):
    segments: list[Segment] = Field(default_factory=lambda: [Segment.ENTERPRISE, Segment.SMC_C])
    min_sales_stage_percent: int = Field(default=40, ge=0, le=100)
    # the commercial cloud's minimum; minTotalUsersByCloud.commercial says the same
    min_total_users: int | None = Field(default=None, ge=1)
    min_total_users_by_cloud: dict[Cloud, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_commercial_minimum(self) -> "Eligibility":
        given = self.min_total_users_by_cloud.get(Cloud.COMMERCIAL)
        if given is not None and self.min_total_users is not None and given != self.min_total_users:
            raise ValueError("minTotalUsers and minTotalUsersByCloud.commercial disagree: give the commercial "
                             "minimum once")
        return self

    def policy(self) -> EligibilityPolicy:
        minimums = {cloud: GOVERNMENT_MIN_TOTAL_USERS for cloud in Cloud}
        minimums[Cloud.COMMERCIAL] = self.min_total_users or COMMERCIAL_MIN_TOTAL_USERS
        minimums.update(self.min_total_users_by_cloud)
        return EligibilityPolicy(frozenset(self.segments), self.min_sales_stage_percent,
                                 minimums.pop(Cloud.COMMERCIAL), minimums)


class FundingReview(_Model):
    """ECIF funding: the FTA reviews requests of ftaReviewMinimumUsd or more; above
    detailedReviewAboveUsd the review is a detailed one (SOW, WBS, cost breakdown)."""

    fta_review_minimum_usd: float = Field(default=50_000, gt=0, allow_inf_nan=False)
    detailed_review_above_usd: float = Field(default=100_000, gt=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> "FundingReview":
        if self.detailed_review_above_usd < self.fta_review_minimum_usd:
            raise ValueError("detailedReviewAboveUsd must not be below ftaReviewMinimumUsd")
        return self


_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class BusinessCalendarConfig(_Model):
    time_zone: str = "UTC"
    working_days: list[str] = Field(default_factory=lambda: _DAYS[:5])
    opens: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] = "09:00"
    closes: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-4]):[0-5][0-9]$")] = "17:00"
    holidays: list[date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> "BusinessCalendarConfig":
        for day in self.working_days:
            if day not in _DAYS:
                raise ValueError(f"workingDays: unknown day {day!r} (use {', '.join(_DAYS)})")
        if not self.working_days:
            raise ValueError("workingDays: at least one working day is needed")
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timeZone: unknown time zone {self.time_zone!r}") from None
        return self


class UnknownArchitect(ValueError):
    def __init__(self, address: str):
        super().__init__(f"{address} is not an address of the organisation")
        self.address = address


def check_architect(address: str, organization_domains: frozenset[str]) -> str:
    """An architect belongs to the organisation: an address in one of its domains."""
    if address.rpartition("@")[2].lower() not in organization_domains:
        raise UnknownArchitect(address)
    return address


class Routing(_Model):
    regions: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]] = Field(min_length=1)
    lead_groups: list[LeadGroup] = Field(min_length=1)
    rules: list[Rule] = Field(default_factory=list)
    default: str
    escalate_to: str
    eligibility: Eligibility = Field(default_factory=Eligibility)
    funding_review: FundingReview = Field(default_factory=FundingReview)
    business_calendar: BusinessCalendarConfig = Field(default_factory=BusinessCalendarConfig)

    @model_validator(mode="after")
    def _references(self) -> "Routing":
        ids = [g.id for g in self.lead_groups]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"leadGroups: duplicate id {', '.join(dupes)}")
        known = set(ids)
        for name, ref in (("default", self.default), ("escalateTo", self.escalate_to)):
            if ref not in known:
                raise ValueError(f"{name}: unknown lead group {ref!r}")
        for n, rule in enumerate(self.rules, start=1):
            if rule.lead_group not in known:
                raise ValueError(f"rules[{n}].leadGroup: unknown lead group {rule.lead_group!r}")
            for region in rule.when.region or []:
                if region not in self.regions:
                    raise ValueError(f"rules[{n}].when.region: unknown region {region!r}")
        return self

    def group(self, group_id: str) -> LeadGroup:
        for group in self.lead_groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def architect_name(self, email: str | None) -> str:
        """The architect's name as this file gives it, or "" when it names them not."""
        wanted = (email or "").lower()
        return next((a.name for g in self.lead_groups for a in g.architects if a.email.lower() == wanted and a.name), "")

    @property
    def group_ids(self) -> list[str]:
        return [g.id for g in self.lead_groups]

    @property
    def organization_domains(self) -> frozenset[str]:
        """The domains of the architects and members this file names: the
        organisation, unless FTA_ORGANIZATION_DOMAINS says otherwise."""
        addresses = [*(a.email for g in self.lead_groups for a in g.architects),
                     *(m for g in self.lead_groups for m in g.members)]
        return frozenset(address.rpartition("@")[2].lower() for address in addresses)

    def pick_lead_group(self, form: RequestForm) -> LeadGroup:
        for rule in self.rules:
            if rule.when.matches(form):
                return self.group(rule.lead_group)
        return self.group(self.default)


def _strict_loader():
    """PyYAML's safe loader, except that a key written twice in one mapping is an
    error naming the key and its line (YAML 1.2 forbids it; PyYAML keeps the last)."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    if key in seen:
                        raise DuplicateKey(key, line, seen[key])
                    seen[key] = line
                except TypeError:  # an unhashable key: the base constructor names it
                    continue
            return super().construct_mapping(node, deep)

    return StrictLoader


class DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first: int):
        super().__init__(f"key {key!r} at line {line} is already given at line {first}")


def load_routing(text: str, source: str = "routing file") -> Routing:
    import yaml

    try:
        raw: Any = yaml.load(text, Loader=_strict_loader())  # noqa: S506 - a SafeLoader subclass
    except DuplicateKey as exc:
        raise RoutingError(f"{source}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise RoutingError(f"{source}: not valid YAML{where}") from None
    if not isinstance(raw, dict):
        raise RoutingError(f"{source}: expected a mapping with regions, leadGroups, rules, default")
    try:
        return Routing.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        msg = re.sub(r"^Value error, ", "", first["msg"])
        raise RoutingError(f"{source}: {loc + ': ' if loc else ''}{msg}") from None

"""What an account team submits: the request form, a migration exception's
details, and a person (the signed-in requestor)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, ValidationError, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import InitErrorDetails, PydanticCustomError

from shared.domain.values import (
    CamelModel,
    Cloud,
    EmailAddress,
    Entitlement,
    LongText,
    RequestType,
    Segment,
    SingleLine,
    Tenant,
    Tpid,
    free_text,
    no_control,
    unique,
)


class ExceptionType(StrEnum):
    """The kinds of migration exception the FastTrack playbook reviews, each on its own facts."""

    DOMINO_90_DAY = "domino-90-day"  # Domino mailboxes beyond 90 days
    DOMINO_COEXISTENCE = "domino-coexistence"  # Domino coexistence above 4,000 licences
    PARALLEL_MAILBOX = "parallel-mailbox"
    PARALLEL_ONEDRIVE = "parallel-onedrive"
    LOCAL_MIGRATORS = "local-migrators"
    BEFORE_LICENSE_PURCHASE = "before-license-purchase"  # engaging FastTrack before the licence purchase
    OTHER = "other"  # also every request made before the kinds existed


_ALL_DETAILS = ("source_environment", "justification")
# Which facts each kind's review needs (field names of Migration).
REQUIRED_FACTS: dict[ExceptionType, tuple[str, ...]] = {
    ExceptionType.DOMINO_90_DAY: ("mailbox_count", "average_mailbox_size_gb", "expected_start", "expected_finish",
                                  *_ALL_DETAILS),
    ExceptionType.DOMINO_COEXISTENCE: ("mailbox_count", "expected_start", "expected_finish", *_ALL_DETAILS),
    ExceptionType.PARALLEL_MAILBOX: ("mailbox_count", "average_mailbox_size_gb", "expected_start",
                                     "expected_finish", *_ALL_DETAILS),
    ExceptionType.PARALLEL_ONEDRIVE: ("mailbox_count", "expected_start", "expected_finish", *_ALL_DETAILS),
    ExceptionType.LOCAL_MIGRATORS: ("mailbox_count", "shared_mailbox_count", *_ALL_DETAILS),
    ExceptionType.BEFORE_LICENSE_PURCHASE: ("expected_start", "justification"),
    ExceptionType.OTHER: ("mailbox_count", *_ALL_DETAILS),
}
DOMINO_COEXISTENCE_LICENCES = 4000


def _a_sensible_day(value: date | None) -> date | None:
    if value is not None and not date(2000, 1, 1) <= value <= date(2100, 12, 31):
        raise ValueError("must be from 2000-01-01 to 2100-12-31")
    return value


Day = Annotated[date | None, AfterValidator(_a_sensible_day)]


class Migration(CamelModel):
    """A migration exception: its kind and the facts its review needs (REQUIRED_FACTS)."""

    exception_type: ExceptionType = ExceptionType.OTHER
    mailbox_count: int | None = Field(default=None, ge=1, le=10_000_000)
    average_mailbox_size_gb: float | None = Field(default=None, gt=0, le=1000, allow_inf_nan=False)
    shared_mailbox_count: int | None = Field(default=None, ge=0, le=10_000_000)
    expected_start: Day = None
    expected_finish: Day = None
    source_environment: SingleLine | None = None  # type: ignore[valid-type]
    justification: free_text(4000, 1) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _the_facts_of_its_kind(self) -> "Migration":
        problems = [InitErrorDetails(type=PydanticCustomError("missing", "is required for this kind of exception"),
                                     loc=(to_camel(name),), input=None)
                    for name in REQUIRED_FACTS[self.exception_type] if getattr(self, name) is None]
        if self.expected_start and self.expected_finish and self.expected_finish < self.expected_start:
            problems.append(InitErrorDetails(type=PydanticCustomError("date_order", "must not be before the expected start"),
                                             loc=("expectedFinish",), input=self.expected_finish.isoformat()))
        if (self.exception_type is ExceptionType.DOMINO_COEXISTENCE and self.mailbox_count is not None
                and self.mailbox_count <= DOMINO_COEXISTENCE_LICENCES):
            problems.append(InitErrorDetails(type=PydanticCustomError(
                "greater_than", f"must be over {DOMINO_COEXISTENCE_LICENCES:,} for domino-coexistence"),
                loc=("mailboxCount",), input=self.mailbox_count))
        if problems:
            raise ValidationError.from_exception_data("Migration", problems)
        return self


MAX_PARTICIPANTS = 10


class ParticipantRole(StrEnum):
    ATU = "atu"
    CSU = "csu"
    PARTNER = "partner"
    OTHER = "other"


class Participant(CamelModel):
    """Someone of the account team on the request: gets the requestor's mails, may read and comment publicly."""

    email: EmailAddress
    role: ParticipantRole


def _distinct_people(participants: list[Participant]) -> list[Participant]:
    unique([p.email.lower() for p in participants])
    return participants


Participants = Annotated[list[Participant], AfterValidator(_distinct_people), Field(max_length=MAX_PARTICIPANTS)]


def participants_problem(participants: list[Participant], requestor: str) -> str | None:
    """What is wrong with these participants for this requestor's request, or None."""
    if any(p.email.lower() == requestor.lower() for p in participants):
        return "must not name the requestor, who gets every mail already"
    return None


class RequestForm(CamelModel):
    """What an account team submits (the body of ``POST /api/requests``)."""

    tpid: Tpid
    tenant: Tenant
    customer_name: SingleLine | None = None
    partner: SingleLine | None = None
    total_users: int = Field(ge=1, le=10_000_000)
    segment: Segment
    entitlements: Annotated[list[Entitlement], AfterValidator(unique)] = Field(max_length=3)
    sales_stage_percent: int = Field(ge=0, le=100)
    compelling_event: free_text(500, multiline=False)  # type: ignore[valid-type]
    request_type: RequestType
    instructions: LongText | None = None
    funding_amount_usd: float | None = Field(default=None, gt=0, le=1e12, allow_inf_nan=False)
    migration: Migration | None = None
    region: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    cloud: Cloud = Cloud.COMMERCIAL
    trial: bool = False
    participants: Participants = Field(default_factory=list)

    @model_validator(mode="after")
    def _type_specific_details(self) -> "RequestForm":
        if self.request_type is RequestType.SOW_ECIF and self.funding_amount_usd is None:
            raise ValueError("fundingAmountUsd is required for a sow-ecif request")
        if self.request_type is RequestType.MIGRATION_EXCEPTION and self.migration is None:
            raise ValueError("migration is required for a migration-exception request")
        return self


class Person(CamelModel):
    email: EmailAddress
    name: Annotated[str, StringConstraints(max_length=200), AfterValidator(no_control)] = ""

    @classmethod
    def signed_in(cls, email: str, name: str) -> "Person":
        """The signed-in user: a display name that breaks the text rule (the identity
        provider's, which guests may set themselves) is left out; the address identifies them."""
        try:
            return cls(email=email, name=name if name != email else "")
        except ValidationError:
            return cls(email=email)

"""What an account team submits: the request form, a migration exception's
details, and a person (the signed-in requestor)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, ValidationError, model_validator

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


class Migration(CamelModel):
    mailbox_count: int = Field(ge=1, le=10_000_000)
    source_environment: SingleLine
    justification: free_text(4000, 1)  # type: ignore[valid-type]


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

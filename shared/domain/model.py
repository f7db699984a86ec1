"""The FTA request, its statuses and transitions, and the events it records.

Pure domain: imports only the standard library and pydantic. A state change
appends an undispatched event to the request's ``history``; the use case stores
the request (one conditional write) and then publishes those events.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    PlainSerializer,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic.alias_generators import to_camel

SCHEMA_VERSION = 1


class Segment(StrEnum):
    ENTERPRISE = "enterprise"
    SMC_C = "smc-c"
    SMB = "smb"
    OTHER = "other"


class Entitlement(StrEnum):
    MICROSOFT_365 = "microsoft-365"
    OFFICE_365 = "office-365"
    EMS = "ems"


class RequestType(StrEnum):
    SOW_ECIF = "sow-ecif"
    NON_ECIF = "non-ecif"
    MIGRATION_EXCEPTION = "migration-exception"


class Status(StrEnum):
    SUBMITTED = "submitted"
    ROUTED = "routed"
    ASSIGNED = "assigned"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.ROUTED, Status.ASSIGNED})
CLOSED_STATUSES = frozenset({Status.COMPLETED, Status.CANCELLED})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.ROUTED, Status.CANCELLED}),
    Status.ROUTED: frozenset({Status.ASSIGNED, Status.CANCELLED}),
    Status.ASSIGNED: frozenset({Status.ASSIGNED, Status.COMPLETED, Status.CANCELLED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
}


def can_transition(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


class EventType(StrEnum):
    SUBMITTED = "request.submitted"
    ROUTED = "request.routed"
    ASSIGNED = "request.assigned"
    REMINDER = "request.reminder"
    ESCALATED = "request.escalated"
    CANCELLED = "request.cancelled"
    COMPLETED = "request.completed"


class DomainError(Exception):
    """A rule of the process refused the change."""


class InvalidTransition(DomainError):
    def __init__(self, current: Status, action: str):
        super().__init__(f"a {current.value} request cannot be {action}")
        self.current = current
        self.action = action


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_LINE_BREAK = re.compile(r"[\r\n]")


def _no_control(value: str) -> str:
    if _CONTROL.search(value) or _LINE_BREAK.search(value):
        raise ValueError("must be a single line without control characters")
    return value


def _no_control_multiline(value: str) -> str:
    if _CONTROL.search(value.replace("\r\n", "\n").replace("\t", " ")):
        raise ValueError("must not contain control characters")
    return value


# A tenant domain (e.g. contoso.onmicrosoft.com) or a tenant GUID; also the
# OpenAPI document's pattern, so it is written without flags.
TENANT_PATTERN = (
    r"^(?:(?=.{4,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)
SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f\u2028\u2029]*$"
_TENANT = re.compile(TENANT_PATTERN)
_EMAIL = re.compile(r"^[^@\s\"<>,;()\[\]\\]+@([a-z0-9-]+\.)+[a-z]{2,63}$", re.I)


def _tenant(value: str) -> str:
    if _TENANT.match(value):
        return value.lower()
    raise ValueError("must be a tenant domain (e.g. contoso.onmicrosoft.com) or a tenant GUID")


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("must be an email address")
    return value.lower()


def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a value")
    return values


SingleLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_control),
]
Tpid = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{1,12}$")]
Tenant = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=253), AfterValidator(_tenant)
]
EmailAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=4000), AfterValidator(_no_control_multiline)
]


def iso(moment: datetime) -> str:
    """The one text form of a time in documents and queries: UTC, fixed width,
    so that comparing the strings compares the times."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _aware_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("must carry a time zone")
    return moment.astimezone(timezone.utc)


UtcDateTime = Annotated[datetime, AfterValidator(_aware_utc), PlainSerializer(iso, return_type=str, when_used="json")]


class CamelModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        use_enum_values=False,
        extra="forbid",
    )

    def to_json_dict(self, **kwargs: Any) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, **kwargs)


class Migration(CamelModel):
    mailbox_count: int = Field(ge=1, le=10_000_000)
    source_environment: SingleLine
    justification: Annotated[LongText, StringConstraints(min_length=1)]


class RequestForm(CamelModel):
    """What an account team submits (the body of ``POST /api/requests``)."""

    tpid: Tpid
    tenant: Tenant
    customer_name: SingleLine | None = None
    partner: SingleLine | None = None
    total_users: int = Field(ge=1, le=10_000_000)
    segment: Segment
    entitlements: Annotated[list[Entitlement], AfterValidator(_unique)] = Field(max_length=3)
    sales_stage_percent: int = Field(ge=0, le=100)
    compelling_event: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_no_control)]
    request_type: RequestType
    instructions: LongText | None = None
    funding_amount_usd: float | None = Field(default=None, gt=0, le=1e12, allow_inf_nan=False)
    migration: Migration | None = None
    region: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]

    @model_validator(mode="after")
    def _type_specific_details(self) -> "RequestForm":
        if self.request_type is RequestType.SOW_ECIF and self.funding_amount_usd is None:
            raise ValueError("fundingAmountUsd is required for a sow-ecif request")
        if self.request_type is RequestType.MIGRATION_EXCEPTION and self.migration is None:
            raise ValueError("migration is required for a migration-exception request")
        return self


class Person(CamelModel):
    email: EmailAddress
    name: Annotated[str, StringConstraints(max_length=200), AfterValidator(_no_control)] = ""


class Event(CamelModel):
    """One entry of a request's history; also the Service Bus message body."""

    model_config = ConfigDict(extra="ignore")

    id: str
    type: EventType
    request_id: str
    occurred_at: UtcDateTime
    actor: str
    data: dict[str, Any] = Field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
    dispatched: bool = False

    def envelope(self) -> dict[str, Any]:
        return self.to_json_dict(exclude={"dispatched"})


class FtaRequest(RequestForm):
    """A stored request: the form plus what the service records about it."""

    model_config = ConfigDict(extra="ignore")

    id: str
    requestor: Person
    status: Status = Status.SUBMITTED
    lead_group: str | None = None
    architect: str | None = None
    history: list[Event] = Field(default_factory=list)
    created_at: UtcDateTime
    updated_at: UtcDateTime
    routed_at: UtcDateTime | None = None
    assign_due_at: UtcDateTime | None = None
    next_reminder_at: UtcDateTime | None = None
    reminders_sent: int = 0
    escalated: bool = False
    pending_dispatch: bool = False

    # -- construction -------------------------------------------------------

    @classmethod
    def submit(cls, form: RequestForm, requestor: Person, now: datetime, request_id: str | None = None) -> "FtaRequest":
        request = cls(
            **form.model_dump(),
            id=request_id or new_request_id(),
            requestor=requestor,
            created_at=now,
            updated_at=now,
        )
        request._record(EventType.SUBMITTED, requestor.email, now, {"region": form.region})
        return request

    # -- transitions --------------------------------------------------------

    def is_overdue(self, now: datetime) -> bool:
        """Waiting for an architect past the assignment SLA."""
        return self.status is Status.ROUTED and self.assign_due_at is not None and self.assign_due_at <= now

    def _move(self, target: Status, action: str) -> None:
        if not can_transition(self.status, target):
            raise InvalidTransition(self.status, action)
        self.status = target

    def route(self, lead_group: str, now: datetime, assign_due_at: datetime | None = None) -> Event | None:
        """Hand the request to a lead group; ``None`` when it already was."""
        if self.status is not Status.SUBMITTED:
            return None
        self._move(Status.ROUTED, "routed")
        self.lead_group = lead_group
        self.routed_at = now
        self.assign_due_at = assign_due_at
        self.next_reminder_at = assign_due_at
        return self._record(EventType.ROUTED, "system", now, {"leadGroup": lead_group})

    def assign(self, architect: str, actor: str, now: datetime, *, auto: bool = False) -> Event:
        if self.status is Status.ASSIGNED and self.architect == architect:
            raise InvalidTransition(self.status, f"assigned to {architect} again")
        self._move(Status.ASSIGNED, "assigned")
        previous = self.architect
        self.architect = architect
        self.next_reminder_at = None
        data: dict[str, Any] = {"architect": architect, "auto": auto}
        if previous:
            data["previousArchitect"] = previous
        return self._record(EventType.ASSIGNED, actor, now, data)

    def cancel(self, actor: str, now: datetime, reason: str | None = None) -> Event:
        self._move(Status.CANCELLED, "cancelled")
        self.next_reminder_at = None
        return self._record(EventType.CANCELLED, actor, now, {"reason": reason} if reason else {})

    def complete(self, actor: str, now: datetime) -> Event:
        self._move(Status.COMPLETED, "completed")
        self.next_reminder_at = None
        return self._record(EventType.COMPLETED, actor, now, {})

    def remind(self, now: datetime, next_reminder_at: datetime | None, lead_group: str) -> Event:
        if self.status is not Status.ROUTED:
            raise InvalidTransition(self.status, "reminded")
        self.reminders_sent += 1
        self.next_reminder_at = next_reminder_at
        return self._record(
            EventType.REMINDER, "system", now,
            {"leadGroup": lead_group, "reminder": self.reminders_sent},
        )

    def escalate(self, now: datetime, escalate_to: str) -> Event:
        if self.status is not Status.ROUTED:
            raise InvalidTransition(self.status, "escalated")
        self.escalated = True
        self.next_reminder_at = None
        return self._record(
            EventType.ESCALATED, "system", now,
            {"escalateTo": escalate_to, "reminders": self.reminders_sent},
        )

    # -- events ---------------------------------------------------------------

    def _record(self, event_type: EventType, actor: str, now: datetime, data: dict[str, Any]) -> Event:
        # The sequence number makes the id deterministic for this version of the
        # document: only one conditional write can ever add event n.
        event = Event(
            id=f"{self.id}.{len(self.history) + 1}",
            type=event_type,
            request_id=self.id,
            occurred_at=now,
            actor=actor,
            data=data,
        )
        self.history.append(event)
        self.updated_at = now
        self.pending_dispatch = True
        return event

    def undispatched(self) -> list[Event]:
        return [event for event in self.history if not event.dispatched]

    def mark_dispatched(self, event_ids: set[str]) -> bool:
        changed = False
        for event in self.history:
            if event.id in event_ids and not event.dispatched:
                event.dispatched = True
                changed = True
        self.pending_dispatch = any(not event.dispatched for event in self.history)
        return changed

    def public_view(self) -> dict[str, Any]:
        """The request as the API returns it (no internal bookkeeping)."""
        return self.to_json_dict(
            exclude={"pending_dispatch", "next_reminder_at"},
        )


_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_request_id() -> str:
    return "FTA-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))


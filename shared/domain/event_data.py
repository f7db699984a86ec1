"""What each event carries in its ``data``: one model per event type, and the
typed envelope of each (the Service Bus message body). The AsyncAPI document
is generated from these; a unit test checks every event the request records
against them. Pure: pydantic and the domain's own types."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, create_model

from shared.domain.events import SCHEMA_VERSION, EventType
from shared.domain.forms import Participant
from shared.domain.model import Status
from shared.domain.outcomes import Decline, MigrationOutcome, NonEcifOutcome, SowEcifOutcome
from shared.domain.values import CamelModel, DocumentKind, UtcDateTime


class SubmittedData(CamelModel):
    """An account team submitted an eligible request; it waits to be routed."""

    region: str = Field(description="the region the request was submitted for")


class RoutedData(CamelModel):
    """The request was handed to a lead group, whose leads assign an architect."""

    lead_group: str = Field(description="the id of the lead group of the routing configuration")


class AssignedData(CamelModel):
    """A lead assigned a FastTrack Architect (again, when reassigned)."""

    architect: str = Field(description="the assigned architect's email")
    auto: bool = Field(description="chosen by the workload balancer rather than by hand")
    architect_name: str | None = Field(default=None, description="the architect's name in the routing file, when it gives one")
    previous_architect: str | None = Field(default=None, description="present on a reassignment only")


class ReminderData(CamelModel):
    """The lead group was reminded of a request still without an architect after the assignment SLA."""

    lead_group: str
    reminder: int = Field(ge=1, description="which reminder this is (1, 2, …)")


class EscalatedData(CamelModel):
    """Reminders went unanswered: the request was escalated."""

    escalate_to: str = Field(description="the lead group escalated to")
    reminders: int = Field(ge=0, description="how many reminders went before")


class CancelledData(CamelModel):
    """The request was cancelled by its requestor or a lead."""

    reason: str | None = Field(default=None, description="present when the canceller gave one")


class CompletedData(CamelModel):
    """The FTA review is done; the outcome is the requestor's proof of the review."""

    outcome: SowEcifOutcome | MigrationOutcome | NonEcifOutcome | None = Field(
        default=None,
        description="sow-ecif: recommendation and category; migration-exception: the decision; "
                    "non-ecif: notes (absent on requests completed before outcomes were recorded)",
    )


class InfoRequestedData(CamelModel):
    """A lead or the architect asked the requestor for more information; the assignment SLA waits."""

    message: str = Field(description="the question to the requestor")
    missing_documents: list[DocumentKind] = Field(description="document kinds the requestor is asked to upload")


class InfoProvidedData(CamelModel):
    """The request no longer waits on its requestor: they answered, or a lead resumed it."""

    resumed_to: Literal[Status.ROUTED, Status.ASSIGNED] = Field(description="the status the request went back to")
    paused_business_hours: float = Field(ge=0, description="business hours the request waited on its requestor")
    reply: bool = Field(description="true when the requestor's comment resumed it, false when a lead resumed it")
    architect: str = Field("", description="the architect assigned when it resumed, empty before assignment")


class InfoReminderData(CamelModel):
    """The requestor was reminded of an unanswered request for information. Carries nothing."""


class CommentedData(CamelModel):
    """A comment in the request's timeline."""

    text: str
    internal: bool = Field(description="an internal comment (leads and architects only): never show it to the requestor")
    by: Literal["requestor", "participant", "team"] = Field(
        description="who wrote it: the requestor, a participant of the account team, or a lead, admin or architect")
    architect: str = Field("", description="the architect assigned when it was written, empty before assignment")
    mail_id: str | None = Field(None, description="a reply by mail: a digest of its Message-ID (each is taken once)")


class ReopenedData(CamelModel):
    """A lead reopened a completed or declined request for a second review: it is back in its lead
    group's queue and the assignment SLA starts again; the earlier outcome stays in the history."""

    reason: str = Field(description="why it is reviewed again, e.g. a revised SOW")
    previous_status: Literal[Status.COMPLETED, Status.DECLINED] = Field(description="the status it left")
    lead_group: str = Field(description="the lead group whose queue it is back in")


class ParticipantsChangedData(CamelModel):
    """The account team on the request changed: who now gets the requestor's mails and may read and comment."""

    participants: list[Participant] = Field(description="everyone on the request now (at most 10)")


class DeclinedData(Decline):
    """A lead declined the request (FastTrack does not cover it)."""


class DocumentData(CamelModel):
    """A document of the request: its id, kind, the uploader's file name (sanitised) and size."""

    document_id: str
    kind: DocumentKind
    file_name: str
    size: int = Field(ge=0, description="bytes")
    architect: str = Field("", description="the architect assigned then, empty before assignment")


class DocumentAddedData(DocumentData):
    """A document was attached to the request (its bytes are stored before this event)."""


class DocumentRemovedData(DocumentData):
    """A document was removed from the request (its bytes are deleted after this event)."""


class DocumentChangedData(DocumentData):
    """A document's kind was changed (e.g. an attachment of a reply by mail, stored as other, is the WBS)."""

    previous_kind: DocumentKind = Field(description="the kind it had before")


EVENT_DATA: dict[EventType, type[CamelModel]] = {
    EventType.SUBMITTED: SubmittedData,
    EventType.ROUTED: RoutedData,
    EventType.ASSIGNED: AssignedData,
    EventType.REMINDER: ReminderData,
    EventType.ESCALATED: EscalatedData,
    EventType.CANCELLED: CancelledData,
    EventType.COMPLETED: CompletedData,
    EventType.INFO_REQUESTED: InfoRequestedData,
    EventType.INFO_PROVIDED: InfoProvidedData,
    EventType.INFO_REMINDER: InfoReminderData,
    EventType.COMMENTED: CommentedData,
    EventType.DECLINED: DeclinedData,
    EventType.DOCUMENT_ADDED: DocumentAddedData,
    EventType.DOCUMENT_REMOVED: DocumentRemovedData,
    EventType.DOCUMENT_CHANGED: DocumentChangedData,
    EventType.REOPENED: ReopenedData,
    EventType.PARTICIPANTS_CHANGED: ParticipantsChangedData,
}

# Declared, not yet recorded by any request: the documents feature will.
RESERVED: frozenset[EventType] = frozenset()  # event types declared before anything records them


def envelope_name(event_type: EventType) -> str:
    """``request.info-requested`` -> ``RequestInfoRequested``."""
    return "".join(part.capitalize() for part in event_type.value.replace("-", ".").split("."))


def _envelope(event_type: EventType) -> type[CamelModel]:
    return create_model(
        envelope_name(event_type),
        __base__=CamelModel,
        __doc__=f"The {event_type.value} event as published: the envelope with its data.",
        id=(str, Field(description="the event id, <requestId>.<n>: also the message_id (duplicate detection)")),
        type=(Literal[event_type], Field(description="the event type: also the message subject")),
        request_id=(str, Field(description="the request's id: also the message correlation_id")),
        occurred_at=(UtcDateTime, Field(description="when it happened, ISO 8601 UTC",
                                        json_schema_extra={"format": "date-time"})),
        actor=(str, Field(description='the email of who caused it, or "system"')),
        actor_name=(str | None, Field(None, description="the display name of who caused it (their sign-in's name claim); "
                                                          "absent for the system and for a name that breaks the text rule")),
        data=(EVENT_DATA[event_type], ...),
        schema_version=(Literal[SCHEMA_VERSION], Field(description="raised on a change a consumer must know of")),
    )


ENVELOPES: dict[EventType, type[CamelModel]] = {event_type: _envelope(event_type) for event_type in EventType}

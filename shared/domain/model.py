"""The FTA request, its statuses and transitions, and the events it records.

Pure domain: imports only the standard library and pydantic. A state change
appends an undispatched event to the request's ``history``; the use case stores
the request (one conditional write) and then publishes those events.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from shared.domain.documents import MAX_DOCUMENTS, Document, DocumentLimitReached, answers_request, missing_documents
from shared.domain.documents import Incomplete
from shared.domain.engagement import Engagement
from shared.domain.events import SCHEMA_VERSION, Event, EventType
from shared.domain.forms import Migration, Participant, Person, RequestForm
from shared.domain.statuses import CLOSED_STATUSES, OPEN_STATUSES, TRANSITIONS, InvalidTransition, Status, can_transition
from shared.domain.outcomes import Decline
from shared.domain.sla import FollowUp, Sla
from shared.domain.values import (
    SINGLE_LINE_PATTERN,
    TENANT_PATTERN,
    CamelModel,
    Cloud,
    DocumentKind,
    DomainError,
    EmailAddress,
    Entitlement,
    LongText,
    RequestType,
    Segment,
    SingleLine,
    Tenant,
    Tpid,
    UtcDateTime,
    iso,
)

# The names other modules import from here, with the request itself.
__all__ = [
    "CLOSED_STATUSES", "OPEN_STATUSES", "SCHEMA_VERSION", "SINGLE_LINE_PATTERN", "TENANT_PATTERN", "TRANSITIONS",
    "CamelModel", "Cloud", "Document", "DocumentKind", "DocumentLimitReached", "DomainError", "EmailAddress",
    "Entitlement", "Event", "EventType", "FtaRequest", "Incomplete", "InvalidTransition", "LongText", "Migration",
    "Person", "RequestForm", "RequestType", "Segment", "SingleLine",
    "Status", "Tenant", "Tpid", "UtcDateTime", "can_transition", "iso", "new_request_id",
]


class FtaRequest(RequestForm, Engagement):
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
    waiting_since: UtcDateTime | None = None
    resume_to: Status | None = None
    info_reminder_at: UtcDateTime | None = None
    paused_business_hours: float = 0.0
    outcome: dict[str, Any] | None = None
    decline: Decline | None = None
    documents: list[Document] = Field(default_factory=list)
    pending_dispatch: bool = False
    # after assignment (shared.domain.engagement)
    first_contact_due_at: UtcDateTime | None = None
    first_contact_at: UtcDateTime | None = None
    first_contact_reminder_at: UtcDateTime | None = None
    workshop: dict[str, Any] | None = None
    handoff: dict[str, Any] | None = None
    feedback: dict[str, Any] | None = None

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
        request._record(EventType.SUBMITTED, requestor.email, now, {"region": form.region}).actor_name = requestor.name or None
        return request

    # -- transitions --------------------------------------------------------

    def is_overdue(self, now: datetime) -> bool:
        """Waiting for an architect past the assignment SLA."""
        return self.status is Status.ROUTED and Sla.is_overdue(self.assign_due_at, now)

    def _move(self, target: Status, action: str) -> None:
        if not can_transition(self.status, target):
            raise InvalidTransition(self.status, action)
        self.status = target

    def route(self, lead_group: str, now: datetime, sla: Sla | None = None) -> Event | None:
        """Hand the request to a lead group, an architect due by the ``sla``
        (none without one); ``None`` when it already was routed."""
        if self.status is not Status.SUBMITTED:
            return None
        self._move(Status.ROUTED, "routed")
        self.lead_group = lead_group
        self.routed_at = now
        assign_due_at = sla.assignment_due(now) if sla is not None else None
        self.assign_due_at = assign_due_at
        self.next_reminder_at = assign_due_at
        return self._record(EventType.ROUTED, "system", now, {"leadGroup": lead_group})

    def assign(self, architect: str, actor: str, now: datetime, *, auto: bool = False, architect_name: str = "",
               first_contact_due: datetime | None = None) -> Event:
        if self.status is Status.ASSIGNED and self.architect == architect:
            raise InvalidTransition(self.status, f"assigned to {architect} again")
        if can_transition(self.status, Status.ASSIGNED) and self.missing_documents:
            raise Incomplete(self.missing_documents)
        self._move(Status.ASSIGNED, "assigned")
        previous = self.architect
        self.architect = architect
        self.next_reminder_at = self.first_contact_at = None
        self.first_contact_due_at = self.first_contact_reminder_at = first_contact_due  # the new architect's
        data: dict[str, Any] = {"architect": architect, "auto": auto, **({"architectName": architect_name} if architect_name else {}),
                                **({"firstContactDueAt": iso(first_contact_due)} if first_contact_due else {})}
        if previous:
            data["previousArchitect"] = previous
        return self._record(EventType.ASSIGNED, actor, now, data)

    def cancel(self, actor: str, now: datetime, reason: str | None = None) -> Event:
        self._move(Status.CANCELLED, "cancelled")
        self.next_reminder_at = self.info_reminder_at = self.waiting_since = None
        return self._record(EventType.CANCELLED, actor, now, {"reason": reason} if reason else {})

    def complete(self, actor: str, now: datetime, outcome: dict[str, Any] | None = None) -> Event:
        """``outcome`` as ``parse_outcome`` checked it for this request's type."""
        self._move(Status.COMPLETED, "completed")
        self.next_reminder_at = None
        self.outcome = outcome
        data = {**({"outcome": outcome} if outcome else {}), **({"architect": self.architect} if self.architect else {})}
        return self._record(EventType.COMPLETED, actor, now, data)

    # -- waiting on the requestor -------------------------------------------------

    def request_info(self, actor: str, now: datetime, message: str, missing: list[DocumentKind],
                     info_reminder_at: datetime | None) -> Event:
        """The SLA clock stops until the requestor answers (or a lead resumes)."""
        came_from = self.status
        self._move(Status.NEEDS_INFO, "asked for more information")
        self.resume_to = came_from
        self.waiting_since = now
        self.info_reminder_at = info_reminder_at
        return self._record(EventType.INFO_REQUESTED, actor, now,
                            {"message": message, "missingDocuments": [k.value for k in missing]})

    def resume(self, actor: str, now: datetime, sla: Sla, *, reply: bool) -> Event:
        """Back to the status it came from; a wait before assignment moves the due
        time (and the next reminder) later by the business hours spent waiting."""
        if self.status is not Status.NEEDS_INFO:
            raise InvalidTransition(self.status, "resumed")
        target = self.resume_to or Status.ROUTED
        waited = sla.pause(self.waiting_since, now)
        self._move(target, "resumed")
        if target is Status.ROUTED:
            self.paused_business_hours += waited
            if self.assign_due_at is not None and self.routed_at is not None:
                self.assign_due_at = sla.assignment_due(self.routed_at, self.paused_business_hours)
            self.next_reminder_at = sla.moved_by_pause(self.next_reminder_at, waited)
        self.waiting_since = self.resume_to = self.info_reminder_at = None
        return self._record(EventType.INFO_PROVIDED, actor, now,
                            {"resumedTo": target.value, "pausedBusinessHours": waited, "reply": reply,
                             "architect": self.architect or ""})

    def remind_requestor(self, now: datetime) -> Event:
        if self.status is not Status.NEEDS_INFO or self.info_reminder_at is None:
            raise InvalidTransition(self.status, "reminded of the open question")
        self.info_reminder_at = None
        return self._record(EventType.INFO_REMINDER, "system", now, {})

    def comment(self, actor: str, now: datetime, text: str, *, internal: bool, by_owner: bool,
                sla: Sla, mail_id: str = "", participant: bool = False) -> list[Event]:
        """A comment in the timeline; the owner's comment on a request that waits on them is their
        answer, and resumes it. A reply by mail (``mail_id``) to a closed request stays, and reopens nothing."""
        if self.status in CLOSED_STATUSES and not mail_id:
            raise InvalidTransition(self.status, "commented on")
        if internal and by_owner:
            raise DomainError("a requestor's comment is never internal")
        events = [self._record(EventType.COMMENTED, actor, now,
                               {"text": text, "internal": internal,
                                "by": "requestor" if by_owner else "participant" if participant else "team",
                                "architect": self.architect or "", **({"mailId": mail_id} if mail_id else {})})]
        if by_owner and self.status is Status.NEEDS_INFO:
            events.append(self.resume(actor, now, sla, reply=True))
        return events

    # -- documents ------------------------------------------------------------

    @property
    def missing_documents(self) -> list[DocumentKind]:
        return missing_documents(self.request_type, (d.kind for d in self.documents))

    def document(self, document_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == document_id), None)

    def add_document(self, document: Document, now: datetime, *, by_owner: bool,
                     sla: Sla) -> list[Event]:
        """Metadata of bytes stored already; the owner's upload of a missing or
        asked-for kind answers a request that waits on them, and resumes it."""
        if self.status in CLOSED_STATUSES:
            raise InvalidTransition(self.status, "given a document")
        if len(self.documents) >= MAX_DOCUMENTS:
            raise DocumentLimitReached()
        asked = next((e.data for e in reversed(self.history) if e.type is EventType.INFO_REQUESTED), {})
        missing_before = self.missing_documents
        self.documents.append(document)
        answers = (by_owner and self.status is Status.NEEDS_INFO and answers_request(
            document.kind, missing_before, self.missing_documents, asked, {d.kind for d in self.documents}))
        data = document.event_data(self.architect)
        events = [self._record(EventType.DOCUMENT_ADDED, document.uploaded_by, now, data)]
        return events + ([self.resume(document.uploaded_by, now, sla, reply=True)] if answers else [])

    def change_document_kind(self, document: Document, kind: DocumentKind, actor: str, now: datetime, *,
                             by_owner: bool, sla: Sla) -> list[Event]:
        """A document's kind set right; like an upload, it answers a request waiting on its owner
        once every asked-for and needed kind is there."""
        if self.status in CLOSED_STATUSES:
            raise InvalidTransition(self.status, "changed")
        if kind is document.kind:
            return []
        missing_before, previous = self.missing_documents, document.kind
        document.kind = kind
        asked = next((e.data for e in reversed(self.history) if e.type is EventType.INFO_REQUESTED), {})
        answers = by_owner and self.status is Status.NEEDS_INFO and answers_request(
            kind, missing_before, self.missing_documents, asked, {d.kind for d in self.documents})
        data = {**document.event_data(self.architect), "previousKind": previous.value}
        events = [self._record(EventType.DOCUMENT_CHANGED, actor, now, data)]
        return events + ([self.resume(actor, now, sla, reply=True)] if answers else [])

    def remove_document(self, document: Document, actor: str, now: datetime) -> Event:
        if self.status in CLOSED_STATUSES:
            raise InvalidTransition(self.status, "changed")
        self.documents = [d for d in self.documents if d.id != document.id]
        return self._record(EventType.DOCUMENT_REMOVED, actor, now, document.event_data(self.architect))

    def decline_request(self, actor: str, now: datetime, decline: Decline) -> Event:
        self._move(Status.DECLINED, "declined")
        self.decline = decline
        self.next_reminder_at = self.info_reminder_at = self.waiting_since = None
        return self._record(EventType.DECLINED, actor, now, decline.to_json_dict())

    def set_participants(self, participants: list[Participant], actor: str, now: datetime) -> Event | None:
        """The account team on an open request; ``None`` when it is unchanged."""
        if self.status in CLOSED_STATUSES:
            raise InvalidTransition(self.status, "given participants")
        if participants == self.participants:
            return None
        self.participants = list(participants)
        return self._record(EventType.PARTICIPANTS_CHANGED, actor, now,
                            {"participants": [p.to_json_dict() for p in participants]})

    def reopen(self, actor: str, now: datetime, reason: str, sla: Sla) -> Event:
        """A completed or declined request back in its lead group's queue for a second review: the
        assignment SLA starts again; the earlier outcome or decline stays in the history."""
        if self.status not in (Status.COMPLETED, Status.DECLINED):
            raise InvalidTransition(self.status, "reopened")
        previous = self.status
        self._move(Status.ROUTED, "reopened")
        self.outcome = self.decline = self.architect = self.waiting_since = self.info_reminder_at = None
        self.routed_at, self.paused_business_hours, self.reminders_sent, self.escalated = now, 0.0, 0, False
        self.assign_due_at = self.next_reminder_at = sla.assignment_due(now)
        return self._record(EventType.REOPENED, actor, now, {"reason": reason, "previousStatus": previous.value,
                                                             "leadGroup": self.lead_group or ""})

    def remind(self, now: datetime, next_reminder_at: datetime | None, lead_group: str) -> Event:
        if self.status is not Status.ROUTED:
            raise InvalidTransition(self.status, "reminded")
        self.reminders_sent += 1
        self.next_reminder_at = next_reminder_at
        return self._record(
            EventType.REMINDER, "system", now,
            {"leadGroup": lead_group, "reminder": self.reminders_sent},
        )

    def follow_up(self, now: datetime, sla: Sla, lead_group: str, escalate_to: str) -> Event | None:
        """A routed request past its next reminder: the reminder or escalation the
        SLA calls for, or ``None`` when nothing is owed now."""
        if self.status is not Status.ROUTED or self.next_reminder_at is None or self.next_reminder_at > now:
            return None
        match sla.follow_up(self.reminders_sent, self.escalated):
            case FollowUp.REMIND:
                return self.remind(now, sla.next_reminder(now), lead_group)
            case FollowUp.ESCALATE:
                return self.escalate(now, escalate_to)
        return None

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

    def public_view(self, *, internal: bool = True) -> dict[str, Any]:
        """The request as the API returns it (no bookkeeping); without
        ``internal``, as a requestor may see it: no internal comment."""
        view = self.to_json_dict(exclude={"pending_dispatch", "next_reminder_at", "resume_to", "info_reminder_at",
                                          "first_contact_reminder_at"})
        if not internal:
            view["history"] = [e for e, event in zip(view["history"], self.history) if not event.internal]
        return view


_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_request_id() -> str:
    """"FTA-" and ten characters of the alphabet, uniformly: one draw of the
    system's random source for all ten (not one each)."""
    number, characters = secrets.randbelow(len(_ID_ALPHABET) ** 10), []
    for _ in range(10):
        number, index = divmod(number, len(_ID_ALPHABET))
        characters.append(_ID_ALPHABET[index])
    return "FTA-" + "".join(characters)


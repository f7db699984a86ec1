"""The engagement after assignment: the architect's first contact with the
account team (due a number of business days after assignment), the discovery
workshop's record, the handoff to a FastTrack Manager, and the requestor's
rating of the review once it is completed.

``Engagement`` holds the request's methods for them; ``FtaRequest`` inherits it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Union

from pydantic import Field, TypeAdapter, model_validator

from shared.domain.events import Event, EventType
from shared.domain.statuses import InvalidTransition, Status
from shared.domain.values import CamelModel, EmailAddress, SingleLine, free_text, iso

Notes = free_text(4000)
MAX_OUT_OF_SCOPE = 50


class MilestoneKind(StrEnum):
    FIRST_CONTACT = "first-contact"
    WORKSHOP_HELD = "workshop-held"
    HANDOFF = "handoff"


class Understanding(StrEnum):
    """The customer's understanding of the benefit, as the architect judges it at the workshop."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class FirstContact(CamelModel):
    kind: Literal["first-contact"]
    notes: Notes = ""  # type: ignore[valid-type]


class Dibs(CamelModel):
    """What the customer commits to: due date, intent, business reason, success owners."""

    due_date: date
    intent: SingleLine
    business_reason: SingleLine
    success_owners: list[SingleLine] = Field(min_length=1, max_length=20)  # type: ignore[valid-type]


class WorkshopHeld(CamelModel):
    """The discovery workshop: the customer's understanding of the benefit, what is out of
    FastTrack's scope (the input to the partner's SOW), when the engagement starts, and DIBS."""

    kind: Literal["workshop-held"]
    customer_understanding: Understanding
    out_of_scope: list[SingleLine] = Field(default_factory=list, max_length=MAX_OUT_OF_SCOPE)  # type: ignore[valid-type]
    engagement_start: date
    dibs: Dibs
    notes: Notes = ""  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _sensible_dates(self) -> "WorkshopHeld":
        if not date(2000, 1, 1) <= self.engagement_start <= date(2100, 12, 31):
            raise ValueError("engagementStart must be from 2000-01-01 to 2100-12-31")
        if not date(2000, 1, 1) <= self.dibs.due_date <= date(2100, 12, 31):
            raise ValueError("dibs.dueDate must be from 2000-01-01 to 2100-12-31")
        return self


class Handoff(CamelModel):
    kind: Literal["handoff"]
    manager: EmailAddress  # the FastTrack Manager who takes the engagement over
    notes: Notes = ""  # type: ignore[valid-type]


Milestone = Annotated[Union[FirstContact, WorkshopHeld, Handoff], Field(discriminator="kind")]
MILESTONES = TypeAdapter(Milestone)
MILESTONE_EVENTS = {MilestoneKind.FIRST_CONTACT: EventType.FIRST_CONTACT,
                    MilestoneKind.WORKSHOP_HELD: EventType.WORKSHOP_HELD, MilestoneKind.HANDOFF: EventType.HANDED_OFF}


class Feedback(CamelModel):
    rating: int = Field(ge=1, le=5)
    comment: Notes = ""  # type: ignore[valid-type]


class Engagement:
    """The request's steps after assignment (a mixin of ``FtaRequest``, whose fields it sets)."""

    def record_milestone(self: Any, milestone: Any, actor: str, now: datetime) -> Event:
        """A first contact, a workshop or a handoff, on an assigned request, in any order."""
        if self.status is not Status.ASSIGNED:
            raise InvalidTransition(self.status, "given a milestone")
        data = milestone.to_json_dict()
        if milestone.kind == "first-contact":
            self.first_contact_at = self.first_contact_at or now
            self.first_contact_reminder_at = None
        elif milestone.kind == "workshop-held":
            self.workshop = {k: v for k, v in data.items() if k != "kind"}
        else:
            self.handoff = {k: v for k, v in data.items() if k != "kind"}
        return self._record(MILESTONE_EVENTS[milestone.kind], actor, now, data)

    def remind_first_contact(self: Any, now: datetime) -> Event:
        """The architect has not recorded their first contact with the account team by its due time."""
        if self.status is not Status.ASSIGNED or self.first_contact_at is not None:
            raise InvalidTransition(self.status, "reminded of the first contact")
        self.first_contact_reminder_at = None
        return self._record(EventType.FIRST_CONTACT_REMINDER, "system", now, {
            "architect": self.architect or "",
            "dueAt": iso(self.first_contact_due_at) if self.first_contact_due_at else None})

    def can_be_rated(self: Any) -> bool:
        """A completed review is rated once."""
        return self.status is Status.COMPLETED and self.feedback is None

    def give_feedback(self: Any, feedback: Feedback, actor: str, now: datetime) -> Event:
        """The requestor's rating of a completed review, once."""
        if not self.can_be_rated():
            raise InvalidTransition(self.status, "rated again" if self.feedback else "rated")
        self.feedback = feedback.to_json_dict()
        return self._record(EventType.FEEDBACK_GIVEN, actor, now,
                            {**self.feedback, "architect": self.architect or "", "leadGroup": self.lead_group or ""})

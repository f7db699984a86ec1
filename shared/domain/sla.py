"""The promises FastTrack makes about time, in one place: an architect within
the assignment SLA of business hours after routing; the clock stops while the
requestor owes an answer; reminders to the leads once a request is overdue
(one per SLA period), then an escalation; one reminder to a silent requestor.

Everything that asks when a step is due (the request itself, the remind timer,
the read model, the list's ``dueAt``) asks an :class:`Sla`; nothing else adds
business hours to a moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.domain.calendar import BusinessCalendar

# Paused hours are recorded in events rounded to this many decimals (well under a
# second), and the request keeps the same rounded figure, so a due time derived
# from the events equals the one the request holds.
PAUSE_DECIMALS = 4


class FollowUp(StrEnum):
    REMIND = "remind"
    ESCALATE = "escalate"


class DueState(StrEnum):
    ON_TIME = "on-time"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Sla:
    calendar: BusinessCalendar
    assign_business_hours: float = 16.0
    reminders_before_escalation: int = 2
    info_reminder_business_hours: float = 24.0
    due_soon_business_hours: float = 4.0
    first_contact_business_days: float = 3.0

    def first_contact_due(self, assigned_at: datetime) -> datetime:
        """When the architect's first contact with the account team is due: business days after assignment."""
        return self.calendar.add_business_hours(assigned_at, self.first_contact_business_days * self.calendar.day_hours)

    # -- the assignment promise ---------------------------------------------------

    def assignment_due(self, routed_at: datetime, paused_business_hours: float = 0.0) -> datetime:
        """When an architect is due: the SLA's business hours after routing, plus
        the business hours the request spent waiting on its requestor."""
        return self.calendar.add_business_hours(routed_at, self.assign_business_hours + paused_business_hours)

    def pause(self, waiting_since: datetime | None, now: datetime) -> float:
        """The business hours a wait on the requestor lasted (what resuming adds to the due time)."""
        if waiting_since is None:
            return 0.0
        return round(self.calendar.business_hours_between(waiting_since, now), PAUSE_DECIMALS)

    def time_to_assign(self, routed_at: datetime, assigned_at: datetime, paused_business_hours: float) -> float:
        """Business hours from routing to assignment, the waits on the requestor taken out."""
        return max(0.0, self.calendar.business_hours_between(routed_at, assigned_at) - paused_business_hours)

    def within(self, time_to_assign: float) -> bool:
        return time_to_assign <= self.assign_business_hours + 1e-9

    @staticmethod
    def is_overdue(due_at: datetime | None, now: datetime) -> bool:
        return due_at is not None and due_at <= now

    def due_state(self, due_at: datetime | None, now: datetime) -> DueState | None:
        """How a step that is owed stands: overdue, due within the due-soon window
        of business hours, or on time; ``None`` when nothing is owed."""
        if due_at is None:
            return None
        if due_at <= now:
            return DueState.OVERDUE
        if self.calendar.business_hours_between(now, due_at) <= self.due_soon_business_hours:
            return DueState.DUE_SOON
        return DueState.ON_TIME

    def business_hours_left(self, due_at: datetime, now: datetime) -> float:
        """Business hours until ``due_at`` (negative: how long it is overdue)."""
        if due_at >= now:
            return self.calendar.business_hours_between(now, due_at)
        return -self.calendar.business_hours_between(due_at, now)

    # -- reminders and escalation ------------------------------------------------------

    def next_reminder(self, now: datetime) -> datetime:
        """After a reminder, the next one comes one SLA period later."""
        return self.calendar.add_business_hours(now, self.assign_business_hours)

    def moved_by_pause(self, moment: datetime | None, paused_business_hours: float) -> datetime | None:
        return None if moment is None else self.calendar.add_business_hours(moment, paused_business_hours)

    def follow_up(self, reminders_sent: int, escalated: bool) -> FollowUp | None:
        """What an overdue request gets next: a reminder to its leads, until
        ``reminders_before_escalation`` went out; then one escalation; then nothing."""
        if reminders_sent < self.reminders_before_escalation:
            return FollowUp.REMIND
        if not escalated:
            return FollowUp.ESCALATE
        return None

    def info_reminder(self, asked_at: datetime) -> datetime:
        """When a requestor who has not answered hears once more."""
        return self.calendar.add_business_hours(asked_at, self.info_reminder_business_hours)

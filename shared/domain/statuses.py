"""A request's statuses and the moves between them."""

from __future__ import annotations

from enum import StrEnum

from shared.domain.values import DomainError


class Status(StrEnum):
    SUBMITTED = "submitted"
    ROUTED = "routed"
    NEEDS_INFO = "needs-info"
    ASSIGNED = "assigned"
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.ROUTED, Status.NEEDS_INFO, Status.ASSIGNED})
CLOSED_STATUSES = frozenset({Status.COMPLETED, Status.DECLINED, Status.CANCELLED})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.ROUTED, Status.CANCELLED}),
    Status.ROUTED: frozenset({Status.ASSIGNED, Status.NEEDS_INFO, Status.DECLINED, Status.CANCELLED}),
    # back to the status it came from when the requestor replies (or a lead resumes it)
    Status.NEEDS_INFO: frozenset({Status.ROUTED, Status.ASSIGNED, Status.DECLINED, Status.CANCELLED}),
    Status.ASSIGNED: frozenset({Status.ASSIGNED, Status.NEEDS_INFO, Status.COMPLETED, Status.CANCELLED}),
    # a second review (a revised SOW, a new migration plan): back in the queue
    Status.COMPLETED: frozenset({Status.ROUTED}),
    Status.DECLINED: frozenset({Status.ROUTED}),
    Status.CANCELLED: frozenset(),
}


def can_transition(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


class InvalidTransition(DomainError):
    def __init__(self, current: Status, action: str):
        super().__init__(f"a {current.value} request cannot be {action}")
        self.current = current
        self.action = action

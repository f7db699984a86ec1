"""Who may see a request and what each caller may do with it: the one place
that decides, so the page and the use cases never disagree."""

from __future__ import annotations

from shared.domain.model import OPEN_STATUSES, FtaRequest, Status
from shared.domain.principal import Principal

ASSIGN = "assign"
CANCEL = "cancel"
COMPLETE = "complete"
ACTIONS = (ASSIGN, COMPLETE, CANCEL)


def is_owner(principal: Principal, request: FtaRequest) -> bool:
    return request.requestor.email == principal.email


def can_read(principal: Principal, request: FtaRequest) -> bool:
    return principal.is_lead or is_owner(principal, request)


def can_read_operations(principal: Principal) -> bool:
    """The back ends, subscriptions, dead letters and parked messages (health details): operators only."""
    return principal.is_admin


def allowed_actions(request: FtaRequest, principal: Principal) -> list[str]:
    """What ``principal`` may do with ``request`` now, in the order the page shows them."""
    if not can_read(principal, request):
        return []
    actions: list[str] = []
    if principal.is_lead and request.status in (Status.ROUTED, Status.ASSIGNED):
        actions.append(ASSIGN)
    if principal.is_lead and request.status is Status.ASSIGNED:
        actions.append(COMPLETE)
    if request.status in OPEN_STATUSES:
        actions.append(CANCEL)
    return actions

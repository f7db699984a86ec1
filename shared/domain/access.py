"""Who may see a request and what each caller may do with it: the one place
that decides, so the page and the use cases never disagree.

An action is allowed when the caller's part in the request allows it (the
owner, a lead or admin, the assigned architect) and the request's status does.
A use case refuses the first with 403 and the second with 409.
"""

from __future__ import annotations

from shared.domain.model import OPEN_STATUSES, Document, FtaRequest, Status
from shared.domain.principal import Principal

ASSIGN = "assign"
REQUEST_INFO = "request-info"
RESUME = "resume"
DECLINE = "decline"
COMPLETE = "complete"
COMMENT = "comment"
COMMENT_INTERNAL = "comment-internal"
CANCEL = "cancel"
UPLOAD_DOCUMENT = "upload-document"
REOPEN = "reopen"
PARTICIPANTS = "participants"  # change who of the account team is on the request
MILESTONE = "milestone"  # first contact, discovery workshop, handoff
FEEDBACK = "feedback"  # the requestor's rating of a completed review
ACTIONS = (ASSIGN, REQUEST_INFO, RESUME, DECLINE, COMPLETE, MILESTONE, COMMENT, COMMENT_INTERNAL, CANCEL,
           UPLOAD_DOCUMENT, REOPEN, PARTICIPANTS, FEEDBACK)

OWNER, LEAD, ARCHITECT, PARTICIPANT = "owner", "lead", "architect", "participant"

# Which parts may take each action.
PARTS: dict[str, frozenset[str]] = {
    ASSIGN: frozenset({LEAD}),
    REQUEST_INFO: frozenset({LEAD, ARCHITECT}),
    RESUME: frozenset({LEAD, ARCHITECT}),
    DECLINE: frozenset({LEAD}),
    COMPLETE: frozenset({LEAD, ARCHITECT}),
    COMMENT: frozenset({OWNER, LEAD, ARCHITECT, PARTICIPANT}),
    COMMENT_INTERNAL: frozenset({LEAD, ARCHITECT}),
    CANCEL: frozenset({OWNER, LEAD}),
    UPLOAD_DOCUMENT: frozenset({OWNER, LEAD, ARCHITECT}),
    REOPEN: frozenset({LEAD}),
    PARTICIPANTS: frozenset({OWNER, LEAD}),
    MILESTONE: frozenset({LEAD, ARCHITECT}),
    FEEDBACK: frozenset({OWNER}),
}

# In which statuses each action applies.
STATES: dict[str, frozenset[Status]] = {
    ASSIGN: frozenset({Status.ROUTED, Status.ASSIGNED}),
    REQUEST_INFO: frozenset({Status.ROUTED, Status.ASSIGNED}),
    RESUME: frozenset({Status.NEEDS_INFO}),
    DECLINE: frozenset({Status.ROUTED, Status.NEEDS_INFO}),
    COMPLETE: frozenset({Status.ASSIGNED}),
    COMMENT: OPEN_STATUSES,
    COMMENT_INTERNAL: OPEN_STATUSES,
    CANCEL: OPEN_STATUSES,
    UPLOAD_DOCUMENT: OPEN_STATUSES,
    REOPEN: frozenset({Status.COMPLETED, Status.DECLINED}),
    PARTICIPANTS: OPEN_STATUSES,
    MILESTONE: frozenset({Status.ASSIGNED}),
    FEEDBACK: frozenset({Status.COMPLETED}),
}


def is_owner(principal: Principal, request: FtaRequest) -> bool:
    return request.requestor.email == principal.email


def is_architect(principal: Principal, request: FtaRequest) -> bool:
    return request.architect is not None and request.architect == principal.email


def is_participant(principal: Principal, request: FtaRequest) -> bool:
    return any(p.email.lower() == principal.email.lower() for p in request.participants)


def parts(principal: Principal, request: FtaRequest) -> frozenset[str]:
    found = set()
    if is_owner(principal, request):
        found.add(OWNER)
    if principal.is_lead:
        found.add(LEAD)
    if is_architect(principal, request):
        found.add(ARCHITECT)
    if is_participant(principal, request):
        found.add(PARTICIPANT)
    return frozenset(found)


def can_read(principal: Principal, request: FtaRequest) -> bool:
    return bool(parts(principal, request))


def sees_internal(principal: Principal, request: FtaRequest) -> bool:
    """Leads, admins and the assigned architect see internal comments; a requestor never does."""
    return bool(parts(principal, request) & {LEAD, ARCHITECT})


def role_allows(principal: Principal, request: FtaRequest, action: str) -> bool:
    return bool(parts(principal, request) & PARTS[action])


def state_allows(request: FtaRequest, action: str) -> bool:
    """The request's status allows the action (and a review is rated once: the request's own rule)."""
    return request.status in STATES[action] and (action != FEEDBACK or request.can_be_rated())


def can_read_operations(principal: Principal) -> bool:
    """The back ends, subscriptions, dead letters and parked messages (health details): operators only."""
    return principal.is_admin


def allowed_actions(request: FtaRequest, principal: Principal) -> list[str]:
    """What ``principal`` may do with ``request`` now, in the order the page shows them."""
    return [a for a in ACTIONS if role_allows(principal, request, a) and state_allows(request, a)]


def can_read_reports(principal: Principal) -> bool:
    """The SLA report and the CSV export: FTA leads and admins."""
    return principal.is_lead


def may_remove_document(principal: Principal, request: FtaRequest, document: Document) -> bool:
    """Its uploader (while they may still read the request), a lead or an admin; open requests only."""
    mine = document.uploaded_by == principal.email and can_read(principal, request)
    return (mine or principal.is_lead) and state_allows(request, UPLOAD_DOCUMENT)


# -- the page's views ----------------------------------------------------------------

VIEWS = ("home", "new", "request", "feedback", "queue", "assigned", "reports", "architects")
VIEW_PATHS = {"home": "/", "queue": "/queue", "assigned": "/assigned"}


def views(principal: Principal, *, architect: bool) -> list[str]:
    """The page's views this caller may open: everyone their own requests, a new
    one and a review's rating (the request's allowedActions say whether it may be
    given); leads and admins the queue, the reports and the architects'
    availability; architects their assignments."""
    allowed = {"home", "new", "request", "feedback"}
    if principal.is_lead:
        allowed |= {"queue", "reports", "architects"}
    if architect or principal.is_lead:
        allowed.add("assigned")
    return [view for view in VIEWS if view in allowed]


def home_path(principal: Principal, *, architect: bool) -> str:
    """Where "/" lands: a lead on the queue, an architect on their assignments."""
    if principal.is_lead:
        return VIEW_PATHS["queue"]
    return VIEW_PATHS["assigned"] if architect else VIEW_PATHS["home"]

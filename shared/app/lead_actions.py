"""What the people who decide do with a routed request: assign, cancel,
complete with the review's outcome; and the one way every such action runs."""

from __future__ import annotations

from typing import Any, Callable

from pydantic import TypeAdapter, ValidationError

from shared.app import reporting
from shared.app.commands import AssignArchitect, CancelRequest, CompleteRequest, ReopenRequest
from shared.app.context import Context
from shared.app.errors import Forbidden, InvalidInput, NotFound, WrongState, invalid_field, invalid_model
from shared.app.outbox import change, dispatch
from shared.app.queries import valid_id
from shared.domain import access
from shared.domain.balancer import choose_architect
from shared.domain.documents import Incomplete
from shared.domain.events import Event
from shared.domain.model import DomainError, FtaRequest, InvalidTransition, Person
from shared.domain.outcomes import CancelReason, OutcomeRequired, ReopenReason, parse_outcome
from shared.domain.principal import Principal
from shared.domain.routing import UnknownArchitect, check_architect

_reason = TypeAdapter(CancelReason)
_reopen_reason = TypeAdapter(ReopenReason)

REFUSALS = {
    access.ASSIGN: "only FTA leads and admins assign architects",
    access.COMPLETE: "only FTA leads, admins and the assigned architect complete a request",
    access.REQUEST_INFO: "only FTA leads, admins and the assigned architect ask for information",
    access.RESUME: "only FTA leads, admins and the assigned architect resume a request",
    access.DECLINE: "only FTA leads and admins decline a request",
    access.COMMENT: "only the requestor, FTA leads, admins and the assigned architect comment",
    access.COMMENT_INTERNAL: "only FTA leads, admins and the assigned architect write internal comments",
    access.CANCEL: "only the requestor, FTA leads and admins cancel a request",
    access.UPLOAD_DOCUMENT: "only the requestor, FTA leads, admins and the assigned architect add documents",
    access.REOPEN: "only FTA leads and admins reopen a request",
    access.PARTICIPANTS: "only the requestor, FTA leads and admins change who of the account team is on the request",
}


def balance(ctx: Context, lead_group: str, current: str | None = None) -> str:
    """The workload balancer over the lead group's pool, leaving out ``current``."""
    group = ctx.routing.group(lead_group)
    pool = [a.email for a in group.architects if a.email != current]
    if not pool:
        raise WrongState(f"lead group {lead_group} has no other architect to balance over")
    open_counts, ever_counts = reporting.architect_loads(ctx, pool)  # the read model, not a count per architect
    return choose_architect(pool, open_counts, ever_counts)


def name_the_actor(events: list[Event], principal: Principal) -> None:
    """The signed-in person's display name on the events they caused (left out when
    it breaks the text rule: an identity provider's name is not ours to trust)."""
    name = Person.signed_in(principal.email, principal.name).name
    for event in events:
        if name and event.actor == principal.actor:
            event.actor_name = name


def run_action(ctx: Context, principal: Principal, request_id: str, if_match: str | None, action: str,
               apply: Callable[[FtaRequest], Any]) -> tuple[FtaRequest, str]:
    """One read; then, in this order: not found unless the caller may see the
    request, forbidden unless the caller's part allows ``action``, a stale
    ``if_match``, a status that does not allow it; the change; then the publish."""
    if not valid_id(request_id):
        raise NotFound(f"request {request_id} does not exist")

    def guard(request: FtaRequest) -> None:
        if not access.can_read(principal, request):
            raise NotFound(f"request {request_id} does not exist")
        if not access.role_allows(principal, request, action):
            raise Forbidden(REFUSALS[action])

    def guarded(request: FtaRequest) -> Any:
        if not access.state_allows(request, action):
            raise WrongState(f"a {request.status.value} request does not allow {action}")
        recorded = len(request.history)
        try:
            return apply(request)
        except InvalidTransition as exc:
            raise WrongState(str(exc)) from None
        except DomainError as exc:
            raise Forbidden(str(exc)) from None
        finally:
            name_the_actor(request.history[recorded:], principal)

    request, etag, _ = change(ctx, request_id, guarded, if_match=if_match, guard=guard)
    request, etag = dispatch(ctx, request, etag)
    reporting.refresh(ctx, request)
    return request, etag


def assign_architect(ctx: Context, principal: Principal, command: AssignArchitect) -> tuple[FtaRequest, str]:
    def apply(request: FtaRequest) -> Any:
        if not command.auto:
            try:
                check_architect(command.architect, ctx.policy.organization_domains)
            except UnknownArchitect as exc:
                raise InvalidInput(str(exc), [{"field": "architect", "type": "unknown_architect",
                                               "message": "is not an address of the organisation"}],
                                   code="unknown-architect") from None
        chosen = (balance(ctx, request.lead_group or ctx.routing.default, request.architect)
                  if command.auto else command.architect)
        try:
            return request.assign(chosen, principal.actor, ctx.clock(), auto=command.auto,
                                  architect_name=ctx.routing.architect_name(chosen))
        except Incomplete as exc:
            raise WrongState(f"{exc}: upload them before assigning", code="incomplete",
                             extra={"missingDocuments": [kind.value for kind in exc.missing]}) from None

    return run_action(ctx, principal, command.request_id, command.if_match, access.ASSIGN, apply)


def cancel_request(ctx: Context, principal: Principal, command: CancelRequest) -> tuple[FtaRequest, str]:
    try:
        reason = _reason.validate_python(command.reason or "") or None
    except ValidationError as exc:
        raise invalid_model(exc, "reason") from None
    return run_action(ctx, principal, command.request_id, command.if_match, access.CANCEL,
                      lambda r: r.cancel(principal.actor, ctx.clock(), reason))


def reopen_request(ctx: Context, principal: Principal, command: ReopenRequest) -> tuple[FtaRequest, str]:
    """A completed or declined request back in the queue for a second review (leads, admins)."""
    try:
        reason = _reopen_reason.validate_python(command.reason)
    except ValidationError as exc:
        raise invalid_model(exc, "reason") from None
    return run_action(ctx, principal, command.request_id, command.if_match, access.REOPEN,
                      lambda r: r.reopen(principal.actor, ctx.clock(), reason, ctx.sla))


def complete_request(ctx: Context, principal: Principal, command: CompleteRequest) -> tuple[FtaRequest, str]:
    def apply(request: FtaRequest) -> Any:
        try:
            outcome = parse_outcome(request.request_type, command.outcome)
        except OutcomeRequired as exc:
            raise invalid_field("outcome", str(exc)) from None
        except ValidationError as exc:
            raise invalid_model(exc, "outcome") from None
        return request.complete(principal.actor, ctx.clock(), outcome)

    return run_action(ctx, principal, command.request_id, command.if_match, access.COMPLETE, apply)

"""What leads (and owners) do with a routed request: assign, cancel, complete."""

from __future__ import annotations

from typing import Any, Callable

from shared.app.commands import AssignArchitect, CancelRequest, CompleteRequest
from shared.app.context import Context
from shared.app.errors import Forbidden, NotFound, WrongState
from shared.app.outbox import change, dispatch
from shared.app.queries import get_request, valid_id
from shared.domain.access import can_read
from shared.domain.balancer import choose_architect
from shared.domain.model import FtaRequest, InvalidTransition, Status
from shared.domain.principal import Principal


def balance(ctx: Context, lead_group: str, current: str | None = None) -> str:
    """The workload balancer over the lead group's pool, leaving out ``current``."""
    group = ctx.routing.group(lead_group)
    pool = [a.email for a in group.architects if a.email != current]
    if not pool:
        raise WrongState(f"lead group {lead_group} has no other architect to balance over")
    loads = {architect: ctx.requests.architect_load(architect) for architect in pool}
    return choose_architect(pool, {a: o for a, (o, _) in loads.items()}, {a: t for a, (_, t) in loads.items()})


def run_action(ctx: Context, principal: Principal, request_id: str, if_match: str | None,
               apply: Callable[[FtaRequest], Any]) -> tuple[FtaRequest, str]:
    """One read; then, in this order: not found unless the caller may see the
    request, a stale ``if_match``, the change; then the publish."""
    if not valid_id(request_id):
        raise NotFound(f"request {request_id} does not exist")

    def guard(request: FtaRequest) -> None:
        if not can_read(principal, request):
            raise NotFound(f"request {request_id} does not exist")

    def guarded(request: FtaRequest) -> Any:
        try:
            return apply(request)
        except InvalidTransition as exc:
            raise WrongState(str(exc)) from None

    request, etag, _ = change(ctx, request_id, guarded, if_match=if_match, guard=guard)
    return dispatch(ctx, request, etag)


def assign_architect(ctx: Context, principal: Principal, command: AssignArchitect) -> tuple[FtaRequest, str]:
    if not principal.is_lead:
        get_request(ctx, principal, command.request_id)  # not found unless the caller may see it
        raise Forbidden("only FTA leads and admins assign architects")

    def apply(request: FtaRequest) -> Any:
        if request.status not in (Status.ROUTED, Status.ASSIGNED):
            raise InvalidTransition(request.status, "assigned")
        chosen = (balance(ctx, request.lead_group or ctx.routing.default, request.architect)
                  if command.auto else command.architect)
        return request.assign(chosen, principal.actor, ctx.clock(), auto=command.auto)

    return run_action(ctx, principal, command.request_id, command.if_match, apply)


def cancel_request(ctx: Context, principal: Principal, command: CancelRequest) -> tuple[FtaRequest, str]:
    """Owners, leads and admins: whoever may see the request may cancel it."""
    return run_action(ctx, principal, command.request_id, command.if_match,
                      lambda r: r.cancel(principal.actor, ctx.clock(), command.reason))


def complete_request(ctx: Context, principal: Principal, command: CompleteRequest) -> tuple[FtaRequest, str]:
    if not principal.is_lead:
        get_request(ctx, principal, command.request_id)  # not found unless the caller may see it
        raise Forbidden("only FTA leads and admins complete a request")
    return run_action(ctx, principal, command.request_id, command.if_match,
                      lambda r: r.complete(principal.actor, ctx.clock()))

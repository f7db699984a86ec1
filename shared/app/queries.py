"""Reading requests: one request, a page of them, a lead's queue, counts."""

from __future__ import annotations

from typing import Any

from shared.app import reporting
from shared.app.commands import ListRequests
from shared.app.context import Context
from shared.app.errors import NotFound, invalid_field
from shared.app.outbox import load
from shared.app.ports import InvalidContinuation, RequestFilter
from shared.domain.access import allowed_actions, can_read, may_remove_document, sees_internal
from shared.domain.documents import funding_review
from shared.domain.model import FtaRequest, Status
from shared.domain.principal import Principal
from shared.domain.search import due_at
from shared.domain.values import iso


def valid_id(request_id: str) -> bool:
    return 0 < len(request_id) <= 64 and request_id.replace("-", "").isalnum()


def request_view(ctx: Context, principal: Principal, request: FtaRequest) -> dict[str, Any]:
    """The request as this caller sees it, with what the caller may do with it."""
    view = request.public_view(internal=sees_internal(principal, request))
    now = ctx.clock()
    view["overdue"] = request.is_overdue(now)
    due = due_at(request)
    state = ctx.sla.due_state(due, now)
    view["dueAt"] = iso(due) if due is not None else None
    view["dueState"] = state.value if state is not None else None
    view["businessHoursLeft"] = round(ctx.sla.business_hours_left(due, now), 1) if due is not None else None
    view["architectName"] = ctx.routing.architect_name(request.architect) or None
    view["allowedActions"] = allowed_actions(request, principal)
    view["missingDocuments"] = [kind.value for kind in request.missing_documents]
    for entry, document in zip(view["documents"], request.documents):
        entry["allowedActions"] = ["remove", "change-kind"] if may_remove_document(principal, request, document) else []
    thresholds = ctx.routing.funding_review
    review = funding_review(request.request_type, request.funding_amount_usd,
                            minimum_usd=thresholds.fta_review_minimum_usd,
                            detailed_above_usd=thresholds.detailed_review_above_usd)
    if review is not None:
        view["fundingReview"] = review.to_json_dict()
    return view


def get_request(ctx: Context, principal: Principal, request_id: str) -> tuple[FtaRequest, str]:
    loaded = load(ctx, request_id) if valid_id(request_id) else None
    if loaded is None or not can_read(principal, loaded[0]):
        raise NotFound(f"request {request_id} does not exist")
    return loaded


def list_requests(ctx: Context, principal: Principal, command: ListRequests) -> dict[str, Any]:
    if command.lead_group is not None and command.lead_group not in ctx.routing.group_ids:
        raise invalid_field("leadGroup", f"must be one of {', '.join(ctx.routing.group_ids)}", "query")
    assigned = command.view == "assigned"
    own = not assigned and (command.mine or not principal.is_lead)
    where = RequestFilter(
        statuses=command.statuses,
        lead_group=command.lead_group,
        tpid=command.tpid,
        requestor=principal.email if own else None,
        architect=principal.email if assigned else None,
        text=command.text,
    )
    try:
        if command.sort is not None:
            page = ctx.requests.sorted_by(where, command.sort, descending=command.descending, limit=command.limit,
                                          continuation=command.continuation)
        elif command.view == "queue":
            page = ctx.requests.lead_queue(where, limit=command.limit, continuation=command.continuation)
        else:
            page = ctx.requests.newest_first(where, limit=command.limit, continuation=command.continuation)
    except InvalidContinuation:
        raise invalid_field("continuationToken", "not valid for this list", "query") from None
    answer: dict[str, Any] = {
        "items": [request_view(ctx, principal, request) for request in page.items],
        "continuationToken": page.continuation,
    }
    if command.counts and where.requestor is None and where.tpid is None and where.architect is None \
            and where.text is None:
        answer["counts"] = reporting.status_counts(ctx, where.lead_group)  # the read model: a few documents
    elif command.counts:  # one person's requests (made or assigned), or one TPID's: a small, indexed count
        answer["counts"] = {
            status.value: ctx.requests.count(RequestFilter(
                statuses=(status,), lead_group=where.lead_group, tpid=where.tpid, requestor=where.requestor,
                architect=where.architect, text=where.text))
            for status in Status
        }
    return answer

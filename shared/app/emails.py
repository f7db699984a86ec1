"""Who is told about an event, and what the email's template is given."""

from __future__ import annotations

from typing import Any

from shared.app.context import Context
from shared.app.errors import Poison
from shared.app.teams_card import request_url
from shared.domain.model import Event, EventType, FtaRequest
from shared.domain.vocabulary import REQUEST_TYPES, label, region_label

# Every event type, with its email's template; None: the event sends no email.
TEMPLATE_FOR: dict[EventType, str | None] = {
    EventType.SUBMITTED: "submitted",
    EventType.ROUTED: "routed",
    EventType.ASSIGNED: "assigned",
    EventType.REMINDER: "reminder",
    EventType.ESCALATED: "escalated",
    EventType.CANCELLED: "cancelled",
    EventType.COMPLETED: "completed",
    EventType.INFO_REQUESTED: "info_requested",
    EventType.INFO_PROVIDED: "info_provided",
    EventType.INFO_REMINDER: "info_reminder",
    EventType.COMMENTED: "commented",
    EventType.DECLINED: "declined",
    EventType.DOCUMENT_ADDED: None,
    EventType.DOCUMENT_REMOVED: None,
    EventType.DOCUMENT_CHANGED: None,
    EventType.REOPENED: "reopened",
    EventType.PARTICIPANTS_CHANGED: None,
    EventType.FIRST_CONTACT: None,
    EventType.WORKSHOP_HELD: None,
    EventType.HANDED_OFF: None,
    EventType.FEEDBACK_GIVEN: None,
    EventType.FIRST_CONTACT_REMINDER: "first_contact_reminder",
}


def _group_members(ctx: Context, group_id: str | None) -> list[str]:
    if not group_id:
        raise Poison("event names no lead group")
    try:
        return list(ctx.routing.group(group_id).members)
    except KeyError:
        raise Poison(f"unknown lead group {group_id!r}") from None


def _team(ctx: Context, event: Event, request: FtaRequest) -> list[str]:
    """Who worked the request on FastTrack's side when the event happened: its
    architect once assigned, else its lead group."""
    architect = event.data.get("architect") if "architect" in event.data else request.architect
    return [architect] if architect else _group_members(ctx, request.lead_group or ctx.routing.default)


def recipients_for(ctx: Context, event: Event, request: FtaRequest) -> list[str]:
    requestor = [request.requestor.email, *(p.email for p in request.participants)]  # the account team
    architect = [request.architect] if request.architect else []
    match event.type:
        case EventType.INFO_REQUESTED | EventType.INFO_REMINDER | EventType.DECLINED:
            found = requestor
        case EventType.INFO_PROVIDED:
            found = _team(ctx, event, request)
        case EventType.COMMENTED if event.data.get("internal"):
            found = _group_members(ctx, request.lead_group or ctx.routing.default) + [event.data.get("architect") or ""]
        case EventType.COMMENTED if event.data.get("by") == "requestor":
            found = _team(ctx, event, request) + requestor[1:]
        case EventType.COMMENTED if event.data.get("by") == "participant":
            found = _team(ctx, event, request) + requestor
        case EventType.COMMENTED:
            found = requestor
        case EventType.FIRST_CONTACT_REMINDER:
            found = [event.data.get("architect") or request.architect or ""]
        case EventType.DOCUMENT_ADDED | EventType.DOCUMENT_REMOVED | EventType.DOCUMENT_CHANGED \
                | EventType.PARTICIPANTS_CHANGED | EventType.FIRST_CONTACT | EventType.WORKSHOP_HELD \
                | EventType.HANDED_OFF | EventType.FEEDBACK_GIVEN:
            found = []
        case EventType.SUBMITTED:
            found = requestor
        case EventType.REOPENED:
            found = _group_members(ctx, event.data.get("leadGroup") or request.lead_group) + requestor
        case EventType.ROUTED | EventType.REMINDER:
            found = _group_members(ctx, event.data.get("leadGroup") or request.lead_group)
        case EventType.ESCALATED:
            found = _group_members(ctx, event.data.get("escalateTo") or ctx.routing.escalate_to)
        case EventType.ASSIGNED:
            found = requestor + [event.data.get("architect") or request.architect or ""]
        case EventType.CANCELLED | EventType.COMPLETED:  # the architect of the event's moment (a reopen clears it)
            found = requestor + ([event.data["architect"]] if event.data.get("architect") else architect)
    author = event.actor.lower() if event.type is EventType.COMMENTED else ""
    return list(dict.fromkeys(r.lower() for r in found if r and r.lower() != author))


def _group_view(ctx: Context, group_id: str | None) -> dict[str, str] | None:
    if not group_id:
        return None
    try:
        group = ctx.routing.group(group_id)
    except KeyError:
        return {"id": group_id, "name": group_id}
    return {"id": group.id, "name": group.name}


def email_context(ctx: Context, event: Event, request: FtaRequest, *, for_requestor: bool = True) -> dict[str, Any]:
    base = ctx.policy.public_url
    return template_context(
        request.public_view(internal=False),  # an email never carries an internal comment it is not about
        event.envelope(),
        request_url=request_url(base, request.id),
        dashboard_url=f"{base}/",
        lead_group=_group_view(ctx, event.data.get("leadGroup") or request.lead_group),
        escalate_to=_group_view(ctx, event.data.get("escalateTo") or ctx.routing.escalate_to),
        for_requestor=for_requestor,
        people=_architect_names(ctx, request.architect, event.data.get("architect"), event.data.get("previousArchitect")),
    )


def _architect_names(ctx: Context, *addresses: Any) -> dict[str, str]:
    """The architects a mail mentions, by address, named as the routing file names them."""
    found = {}
    for address in addresses:
        if isinstance(address, str) and (name := ctx.routing.architect_name(address)):
            found[address] = name  # template_context keys them by the lower-case address
    return found


def template_context(
    request: dict[str, Any],
    event: dict[str, Any],
    *,
    request_url: str,
    dashboard_url: str,
    lead_group: dict[str, Any] | None = None,
    escalate_to: dict[str, Any] | None = None,
    for_requestor: bool = True,
    people: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The context every template receives, from the request's and event's camelCase dicts."""
    return {
        "request": dict(request),
        "event": {
            "id": event["id"],
            "type": event["type"],
            "occurredAt": event["occurredAt"],
            "actor": event["actor"],
            "actorName": event.get("actorName"),  # the display name, when a person's sign-in gave one
            "data": dict(event.get("data") or {}),
        },
        "lead_group": dict(lead_group) if lead_group else None,
        "escalate_to": dict(escalate_to) if escalate_to else None,
        "request_url": request_url,
        "dashboard_url": dashboard_url,
        "request_type_label": label(REQUEST_TYPES, request["requestType"]),
        "customer": request.get("customerName") or request["tenant"],
        "region_label": region_label(request["region"]) if request.get("region") else "",
        "for_requestor": for_requestor,  # what only the requestor may do (rate the review) is asked of them alone
        "people": {address.lower(): name for address, name in (people or {}).items()},  # address -> name
    }

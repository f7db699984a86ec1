"""The topic consumers' entry: decode the event, run the subscription's use
case; a message that can never succeed is parked and completed, any other
failure raises so that the bus redelivers it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Callable

from pydantic import ValidationError

from shared import telemetry, topology
from shared.app.context import Context
from shared.app.errors import NotFound, Poison
from shared.app.notify import notify
from shared.app.outbox import Outcome, change, dispatch
from shared.app.parking import park
from shared.app.teams import post_to_teams
from shared.app.reporting import update_reports
from shared.domain.model import Event, EventType, FtaRequest, Status

log = telemetry.get_logger("fta.consumers")


def parse_envelope(body: bytes) -> Event:
    try:
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return Event.model_validate(data)
    except (UnicodeDecodeError, ValueError, ValidationError) as exc:
        raise Poison(f"unparseable event: {type(exc).__name__}") from None


def route_request(ctx: Context, event: Event) -> Outcome:
    if event.type is not EventType.SUBMITTED:
        raise Poison(f"route-to-leads received {event.type.value}")

    def apply(request: FtaRequest) -> Event | None:
        if request.status is not Status.SUBMITTED:
            return None
        group = ctx.routing.pick_lead_group(request)
        now = ctx.clock()
        due = ctx.calendar.add_business_hours(now, ctx.policy.assign_sla_business_hours)
        return request.route(group.id, now, due)

    try:
        request, etag, routed = change(ctx, event.request_id, apply)
    except NotFound:
        raise Poison("unknown request") from None
    request, etag = dispatch(ctx, request, etag)
    if routed is None:
        return Outcome("already-routed", {"requestId": request.id, "status": request.status.value})
    log.info("request routed: request=%s leadGroup=%s", request.id, request.lead_group)
    return Outcome("routed", {"requestId": request.id, "leadGroup": request.lead_group})


HANDLERS: dict[str, Callable[[Context, Event], Outcome]] = {
    topology.ROUTE_TO_LEADS: route_request,
    topology.NOTIFY: notify,
    topology.TEAMS: post_to_teams,
    topology.REPORTING: update_reports,
}


def handle_message(
    ctx: Context,
    subscription: str,
    body: bytes,
    *,
    message_id: str,
    subject: str | None = None,
    correlation_id: str | None = None,
    locked_until: datetime | None = None,
) -> Outcome:
    """``locked_until``: when the message's lock ends (a handler that may wait, as
    ``post_to_teams`` on a 429, keeps within it)."""
    telemetry.set_request_id(correlation_id)
    try:
        event = parse_envelope(body)
        telemetry.set_request_id(event.request_id)
        if subscription == topology.TEAMS:
            return post_to_teams(ctx, event, locked_until=locked_until)
        return HANDLERS[subscription](ctx, event)
    except Poison as exc:
        park(ctx, subscription=subscription, message_id=message_id, subject=subject,
             correlation_id=correlation_id, reason=str(exc), body=body)
        return Outcome("parked", {"reason": str(exc)})

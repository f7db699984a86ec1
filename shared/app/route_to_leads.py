"""Route to leads, the process's central step: a submitted request goes to the
lead group its routing rule names, with an architect due by the assignment SLA."""

from __future__ import annotations

from shared import telemetry
from shared.app.context import Context
from shared.app.errors import NotFound, Poison
from shared.app.outbox import Outcome, change, dispatch
from shared.domain.model import Event, EventType, FtaRequest, Status

log = telemetry.get_logger("fta.route_to_leads")


def route_to_leads(ctx: Context, event: Event) -> Outcome:
    """The ``route-to-leads`` consumer (``request.submitted``); routing twice changes nothing."""
    if event.type is not EventType.SUBMITTED:
        raise Poison(f"route-to-leads received {event.type.value}")

    def apply(request: FtaRequest) -> Event | None:
        if request.status is not Status.SUBMITTED:
            return None
        request.mark_dispatched({event.id})  # it was published: here it is (intake leaves the marking to this write)
        return request.route(ctx.routing.pick_lead_group(request).id, ctx.clock(), ctx.sla)

    try:
        request, etag, routed = change(ctx, event.request_id, apply)
    except NotFound:
        raise Poison("unknown request") from None
    request, etag = dispatch(ctx, request, etag)
    if routed is None:
        return Outcome("already-routed", {"requestId": request.id, "status": request.status.value})
    log.info("request routed: request=%s leadGroup=%s", request.id, request.lead_group)
    return Outcome("routed", {"requestId": request.id, "leadGroup": request.lead_group})

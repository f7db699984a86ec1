"""The ``remind`` timer: lead groups hear of routed requests past the SLA;
after N reminders the request is escalated."""

from __future__ import annotations

from typing import Any

from shared import telemetry
from shared.app.context import Context
from shared.app.errors import Busy, NotFound
from shared.app.outbox import Outcome, change, dispatch
from shared.domain.model import EventType, FtaRequest, Status

log = telemetry.get_logger("fta.reminders")

REMIND_BATCH = 200


def send_reminders(ctx: Context) -> Outcome:
    now = ctx.clock()
    counts = {"reminders": 0, "escalations": 0}
    sla = ctx.sla

    def apply(request: FtaRequest) -> Any:
        return request.follow_up(now, sla, request.lead_group or ctx.routing.default, ctx.routing.escalate_to)

    for request_id in ctx.requests.reminders_due(now, limit=REMIND_BATCH):
        try:
            request, etag, event = change(ctx, request_id, apply)
        except (NotFound, Busy):
            continue
        if event is not None:
            counts["reminders" if event.type is EventType.REMINDER else "escalations"] += 1
            if event.type is EventType.ESCALATED:  # the log alert in infra/modules/alerts.bicep counts these lines
                log.warning("request escalated: request=%s leadGroup=%s", request.id, request.lead_group)
            dispatch(ctx, request, etag)
    counts["requestorReminders"] = remind_requestors(ctx, now)
    from shared.app.engagement import remind_first_contacts

    counts["firstContactReminders"] = remind_first_contacts(ctx)
    return Outcome("reminded", counts)


def remind_requestors(ctx: Context, now) -> int:
    """One reminder to each requestor who has not answered within FTA_INFO_REMINDER_BUSINESS_HOURS."""
    sent = 0

    def apply(request: FtaRequest) -> Any:
        if request.status is not Status.NEEDS_INFO or request.info_reminder_at is None or request.info_reminder_at > now:
            return None
        return request.remind_requestor(now)

    for request_id in ctx.requests.info_reminders_due(now, limit=REMIND_BATCH):
        try:
            request, etag, event = change(ctx, request_id, apply)
        except (NotFound, Busy):
            continue
        if event is not None:
            sent += 1
            dispatch(ctx, request, etag)
    return sent

"""Telling a lead group's Teams channel about a request: one card per event
and group, exactly once.

``request.routed`` and ``request.reminder`` go to the event's lead group,
``request.escalated`` to the ``escalateTo`` group; a group without a
``teamsWebhookSetting`` gets nothing. The post has a record keyed by (event,
group), claimed before and settled after it, as the emails have
(``shared.app.claims``): a redelivered event whose card was accepted posts
nothing. A 5xx, a timeout or a connection error leaves the record for the
next delivery and raises, so that the bus redelivers; a 429 is waited out
when its ``Retry-After`` fits in what is left of the message's lock (and of
the claim's lease), otherwise it raises too; any other 4xx can never succeed:
the record is settled ``rejected`` and the message parked with the reason.
"""

from __future__ import annotations

import time
from datetime import datetime

from shared import telemetry, topology
from shared.app.claims import CLAIM_LEASE, NotificationRetry, claim, notification_key, settle
from shared.app.context import Context
from shared.app.errors import Poison
from shared.app.outbox import Outcome, load
from shared.app.parking import park
from shared.app.ports import TEAMS_POST_TIMEOUT_SECONDS, PermanentTeamsError, TeamsChannels, TransientTeamsError
from shared.app.teams_card import request_url, teams_message
from shared.domain.model import Event, EventType, FtaRequest, iso
from shared.domain.routing import LeadGroup

log = telemetry.get_logger("fta.teams")

# What the leads' Teams channels hear about (the teams subscription's filter).
TEAMS_EVENTS = (EventType.ROUTED, EventType.REMINDER, EventType.ESCALATED)

CHANNEL = "teams"  # the record's kind, beside the email templates' names
# Room kept at the end of the lock for one more post and settling its record.
RESERVE_SECONDS = TEAMS_POST_TIMEOUT_SECONDS + 1.0
NEVER_CLAIMED = "1970-01-01T00:00:00+00:00"


def channel_group(ctx: Context, event: Event, request: FtaRequest | None = None) -> LeadGroup | None:
    """The group whose channel hears about ``event``; None when only the stored request can tell."""
    match event.type:
        case EventType.ROUTED | EventType.REMINDER:
            group_id = event.data.get("leadGroup") or (request.lead_group if request else None)
        case EventType.ESCALATED:
            group_id = event.data.get("escalateTo") or ctx.routing.escalate_to
        case _:
            raise Poison(f"no Teams card for event type {event.type.value}")
    if not group_id:
        if request is None:
            return None
        raise Poison("event names no lead group")
    try:
        return ctx.routing.group(group_id)
    except KeyError:
        raise Poison(f"unknown lead group {group_id!r}") from None


def _deadline(ctx: Context, locked_until: datetime | None) -> float:
    """The monotonic time by which a post must have started: within the lock and the claim's lease."""
    lock_left = (locked_until - ctx.clock()).total_seconds() if locked_until else topology.LOCK_DURATION_SECONDS
    return time.monotonic() + min(lock_left, CLAIM_LEASE.total_seconds()) - RESERVE_SECONDS


def _post(channels: TeamsChannels, group_id: str, message: dict, deadline: float) -> None:
    while True:
        try:
            channels.post(group_id, message)
            return
        except TransientTeamsError as exc:
            wait = exc.retry_after
            if wait is None or time.monotonic() + max(wait, 0.0) > deadline:
                raise
            log.info("Teams channel throttled, waiting: leadGroup=%s seconds=%.1f", group_id, wait)
            time.sleep(max(wait, 0.0))


def _request(ctx: Context, event: Event) -> FtaRequest:
    loaded = load(ctx, event.request_id)
    if loaded is None:
        raise Poison("unknown request")
    return loaded[0]


def post_to_teams(ctx: Context, event: Event, *, locked_until: datetime | None = None) -> Outcome:
    # The group from the event alone, so that a group without a channel costs no store read.
    group, request = channel_group(ctx, event), None
    if group is None:
        request = _request(ctx, event)
        group = channel_group(ctx, event, request)
    if group is None or ctx.teams is None or not ctx.teams.has_channel(group.id):
        return Outcome("no-channel", {"leadGroup": group.id if group else None})
    request = request or _request(ctx, event)
    deadline = _deadline(ctx, locked_until)

    key = notification_key(event.id, CHANNEL, group.id)
    meta = {"eventId": event.id, "template": CHANNEL, "leadGroup": group.id, "requestId": request.id}
    held = claim(ctx, key, meta, ctx.clock())
    if held is None:
        return Outcome("already-posted", {"leadGroup": group.id})
    message = teams_message(request, event, group_name=group.name, link=request_url(ctx.policy.public_url, request.id))
    try:
        _post(ctx.teams, group.id, message, deadline)
    except PermanentTeamsError as exc:
        settle(ctx, key, "rejected", {"reason": str(exc)[:500], "settledAt": iso(ctx.clock())}, held)
        park(ctx, subscription=topology.TEAMS, message_id=f"{event.id}/{key}", subject=event.type.value,
             correlation_id=request.id, reason=f"Teams card refused: {exc}"[:500])
        return Outcome("rejected", {"leadGroup": group.id, "reason": str(exc)[:500]})
    except TransientTeamsError as exc:
        settle(ctx, key, "failed", {"reason": str(exc)[:500], "claimedAt": NEVER_CLAIMED}, held)
        log.warning("Teams post failed, will retry: event=%s leadGroup=%s error=%s", event.id, group.id, exc)
        raise NotificationRetry(f"the Teams card of {event.id} for {group.id} was not accepted; retrying") from exc
    settle(ctx, key, "sent", {"sentAt": iso(ctx.clock())}, held)
    log.info("posted to Teams: event=%s leadGroup=%s", event.id, group.id)
    return Outcome("posted", {"leadGroup": group.id})

"""Every event consumer of the app, in one table: which subscription feeds it,
which event types that subscription takes, and the use case that handles
them. The bus topology (``subscriptions``), the embedded bus, the AsyncAPI
document and the topic-trigger functions all read this table, so a new
consumer is one row here (and its trigger function).

A message that can never succeed is parked and completed; any other failure
raises, so that the bus redelivers it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from pydantic import ValidationError

from shared import telemetry, topology
from shared.app.context import Context
from shared.app.errors import Poison
from shared.app.notify import notify
from shared.app.outbox import Outcome
from shared.app.parking import park
from shared.app.reporting import update_reports
from shared.app.route_to_leads import route_to_leads
from shared.app.teams import TEAMS_EVENTS, post_to_teams
from shared.domain.model import Event, EventType


@dataclass(frozen=True)
class Consumer:
    subscription: str
    handle: Callable[..., Outcome]
    events: tuple[EventType, ...] = ()  # the subscription's filter; nothing: every event
    # The handler may wait (post_to_teams on a 429) and is told when the message's lock ends.
    keeps_within_lock: bool = False

    def subscription_filter(self) -> topology.Subscription:
        types = tuple(t.value for t in self.events)
        if len(types) == 1:
            return topology.Subscription(self.subscription, subject=types[0])
        return topology.Subscription(self.subscription, subjects=types)


EVENT_HANDLERS: tuple[Consumer, ...] = (
    Consumer(topology.ROUTE_TO_LEADS, route_to_leads, events=(EventType.SUBMITTED,)),
    Consumer(topology.NOTIFY, notify),  # every event: each has its emails, or none
    Consumer(topology.TEAMS, post_to_teams, events=TEAMS_EVENTS, keeps_within_lock=True),
    Consumer(topology.REPORTING, update_reports),  # the read model counts every event
)
_BY_SUBSCRIPTION = {consumer.subscription: consumer for consumer in EVENT_HANDLERS}


def subscriptions(lead_group_ids: list[str]) -> list[topology.Subscription]:
    """The topic's subscriptions: the app's consumers, then a feed per lead group."""
    return [c.subscription_filter() for c in EVENT_HANDLERS] + topology.lead_feeds(lead_group_ids)


def parse_envelope(body: bytes) -> Event:
    try:
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return Event.model_validate(data)
    except (UnicodeDecodeError, ValueError, ValidationError) as exc:
        raise Poison(f"unparseable event: {type(exc).__name__}") from None


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
    """``locked_until``: when the message's lock ends (a handler that may wait keeps within it)."""
    consumer = _BY_SUBSCRIPTION[subscription]
    telemetry.set_request_id(correlation_id)
    try:
        event = parse_envelope(body)
        telemetry.set_request_id(event.request_id)
        if consumer.keeps_within_lock:
            return consumer.handle(ctx, event, locked_until=locked_until)
        return consumer.handle(ctx, event)
    except Poison as exc:
        park(ctx, subscription=subscription, message_id=message_id, subject=subject,
             correlation_id=correlation_id, reason=str(exc), body=body)
        return Outcome("parked", {"reason": str(exc)})

"""``python -m ops follow-feed <lead group>``: the reference consumer of a lead
group's feed (the ``leads-<group>`` subscription, ``request.routed`` for that
group). Peek-lock: each message is printed as one line with the request's link,
then completed; on Ctrl-C the messages still held are abandoned, so nothing is
left locked. ``--once`` drains what is waiting and exits.

Locally it reads the embedded bus; with ``FTA_BUS=servicebus`` the Service Bus
namespace, through a connection string or ``DefaultAzureCredential``. A team's
own tooling starts from here: replace ``line`` with a ticket, a chat message, a
row in a sheet.
"""

from __future__ import annotations

import signal
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Protocol, TextIO

from shared import topology
from shared.adapters.bus.local import LocalBus, ReceivedMessage
from shared.app import handlers
from shared.app.errors import Poison
from shared.app.ports import RequestRepository
from shared.domain.calendar import BusinessCalendar
from shared.domain.model import FtaRequest
from shared.domain.search import due_at
from shared.domain.sla import Sla
from shared.domain.vocabulary import REGION_LABELS, REQUEST_TYPES, STATUSES, label

from ops.errors import OpsError
from ops.session import Session

BATCH = 20
POLL_SECONDS = 0.5


@dataclass
class FeedMessage:
    body: bytes
    message_id: str
    application_properties: dict[str, Any]
    handle: Any  # the bus's own message, to settle it


class Feed(Protocol):
    def receive(self, wait_seconds: float) -> list[FeedMessage]: ...

    def complete(self, message: FeedMessage) -> None: ...

    def abandon(self, message: FeedMessage) -> None: ...

    def close(self) -> None: ...


class EmbeddedFeed:
    """The subscription on the embedded bus's SQLite file (shared with a running devhost)."""

    def __init__(self, bus: LocalBus, subscription: str, stop: threading.Event):
        self._bus, self._subscription, self._stop = bus, subscription, stop

    def receive(self, wait_seconds: float) -> list[FeedMessage]:
        received: list[ReceivedMessage] = self._bus.receive(self._subscription, max_messages=BATCH)
        if not received and wait_seconds > 0:
            self._stop.wait(wait_seconds)
        return [FeedMessage(m.body, m.message_id, m.application_properties, m) for m in received]

    def complete(self, message: FeedMessage) -> None:
        self._bus.complete(message.handle)

    def abandon(self, message: FeedMessage) -> None:
        self._bus.abandon(message.handle)

    def close(self) -> None:
        self._bus.close()


class ServiceBusFeed:
    """The subscription on Service Bus, through the SDK's peek-lock receiver."""

    def __init__(self, client: Any, subscription: str):
        from azure.servicebus import ServiceBusReceiveMode

        self._client = client
        self._receiver = client.get_subscription_receiver(
            topic_name=topology.TOPIC, subscription_name=subscription, receive_mode=ServiceBusReceiveMode.PEEK_LOCK)

    def receive(self, wait_seconds: float) -> list[FeedMessage]:
        from shared.adapters.bus.servicebus import peeked_view

        received = self._receiver.receive_messages(max_message_count=BATCH, max_wait_time=max(wait_seconds, 1.0))
        views = [peeked_view(m, "") for m in received]
        return [FeedMessage(v.body, v.message_id, v.application_properties, m) for v, m in zip(views, received)]

    def complete(self, message: FeedMessage) -> None:
        self._receiver.complete_message(message.handle)

    def abandon(self, message: FeedMessage) -> None:
        self._receiver.abandon_message(message.handle)

    def close(self) -> None:
        self._receiver.close()
        self._client.close()


def open_feed(session: Session, subscription: str, stop: threading.Event) -> Feed:
    settings = session.settings
    if settings.bus == "servicebus":
        from ops.queues import servicebus_clients

        client, admin = servicebus_clients(settings)
        admin.close()
        return ServiceBusFeed(client, subscription)
    path = settings.data_dir / "bus.sqlite3"
    if not path.is_file():
        raise OpsError(f"no embedded bus at {path} (is FTA_DATA_DIR right?)")
    return EmbeddedFeed(LocalBus(path, handlers.subscriptions(session.routing.group_ids)), subscription, stop)


def when_due(request: FtaRequest, sla: Sla, now: datetime) -> str:
    """When the step FastTrack owes falls due, by the app's one rule; else the request's status."""
    due = due_at(request)
    if due is None:
        return label(STATUSES, request.status)
    left = round(sla.business_hours_left(due, now))
    return f"due {due:%Y-%m-%d %H:%M} UTC ({f'overdue {-left} h' if left < 0 else f'in {left} h'})"


def line(requests: RequestRepository, public_url: str, sla: Sla, message: FeedMessage) -> str:
    """One routed request as one line: id, customer, type, region, due, link."""
    event = handlers.parse_envelope(message.body)
    link = f"{public_url.rstrip('/')}/requests/{event.request_id}"
    found = requests.get(event.request_id)
    if found is None:
        region = message.application_properties.get("region") or "-"
        return f"{event.request_id}  (no longer stored)  {region}  {link}"
    request = found[0]
    return "  ".join([request.id, request.customer_name or request.tenant, label(REQUEST_TYPES, request.request_type),
                      label(REGION_LABELS, request.region), when_due(request, sla, datetime.now(timezone.utc)), link])


def follow(feed: Feed, describe: Callable[[FeedMessage], str], stop: threading.Event, *, once: bool,
           out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Print and complete each message until ``stop`` (or, with ``once``, until the feed is empty);
    returns how many were printed."""
    printed = 0
    while not stop.is_set():
        messages = feed.receive(0 if once else POLL_SECONDS)
        if not messages and once:
            break
        for message in messages:
            if stop.is_set():
                feed.abandon(message)  # stopping: give it back at once rather than wait for the lock to end
                continue
            try:
                text = describe(message)
            except Poison:
                print(f"ops: skipped message {message.message_id}: not an event", file=err)
                feed.complete(message)
                continue
            print(text, file=out, flush=True)
            feed.complete(message)
            printed += 1
    return printed


def follow_feed(session: Session, group: str, *, once: bool) -> int:
    if group not in session.routing.group_ids:
        raise OpsError(f"no lead group {group} (known: {', '.join(session.routing.group_ids)})")
    subscription = f"{topology.LEADS_PREFIX}{group}"
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda signum, frame: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    feed = open_feed(session, subscription, stop)
    requests = session.requests()
    try:
        if not once:
            print(f"following {subscription}; Ctrl-C stops", file=sys.stderr, flush=True)
        sla = Sla(BusinessCalendar.from_config(session.routing.business_calendar))
        return follow(feed, lambda m: line(requests, session.settings.public_url, sla, m), stop, once=once)
    finally:
        feed.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

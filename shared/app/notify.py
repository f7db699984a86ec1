"""Who is told what about an event, and sending it exactly once per recipient.

Each (event, template, recipient) has a notification record. The record is
claimed before the send and marked sent after it; a redelivered event finds
``sent`` and sends nothing. A claim whose holder died (lease expired) is taken
over and the email is sent again with the same ``Message-ID``, which mail
systems use to drop the duplicate.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from shared import telemetry, topology
from shared.app.context import Context
from shared.app.emails import TEMPLATE_FOR, email_context, recipients_for
from shared.app.errors import Poison
from shared.app.outbox import Outcome, load
from shared.app.parking import park
from shared.app.ports import (
    Conflict,
    Email,
    Item,
    PermanentMailError,
    PreconditionFailed,
    TransientMailError,
    TransientStoreError,
)
from shared.domain.model import Event, iso

log = telemetry.get_logger("fta.notify")

# Shorter than the bus's lock: a message redelivered after its consumer died
# finds that consumer's claim expired. Longer than any send (SMTP timeout 30 s).
CLAIM_LEASE = timedelta(seconds=45)
CLAIM_POLL_SECONDS = 0.25


class NotificationRetry(Exception):
    """Some recipient could not be reached yet; the bus redelivers the event."""


def notification_key(event_id: str, template: str, recipient: str) -> str:
    return hashlib.sha256(f"{event_id}\n{template}\n{recipient.lower()}".encode("utf-8")).hexdigest()[:48]


def _claim(ctx: Context, key: str, meta: dict[str, Any], now: datetime) -> Item | None:
    """The claimed record when this invocation now holds the right to send;
    ``None`` when the notification was already settled.

    A claim younger than the lease belongs to a delivery that is sending right
    now (a duplicate delivered concurrently): wait for it to settle rather than
    burn redeliveries. An older one was left by a process that died between
    claim and send: take it over. Each claim carries a token, so a write whose
    answer was lost is recognised as this invocation's own claim instead of
    being waited out as someone else's.
    """
    token = uuid.uuid4().hex
    record = {**meta, "id": key, "status": "sending", "claimedAt": iso(now), "claimToken": token}
    try:
        etag = ctx.notifications.create(record)
        return Item(record, etag)
    except Conflict:
        pass
    except TransientStoreError:
        held = _holds(ctx, key, token)
        if held is not None:
            return held
        raise
    deadline = time.monotonic() + CLAIM_LEASE.total_seconds()
    while True:
        existing = ctx.notifications.read(key)
        if existing is None:
            raise NotificationRetry("notification record vanished")
        status = existing.doc.get("status")
        if status in ("sent", "rejected"):
            return None
        if status == "sending" and existing.doc.get("claimToken") == token:
            return existing
        claimed_at = datetime.fromisoformat(existing.doc.get("claimedAt", iso(now)))
        if status != "sending" or ctx.clock() - claimed_at >= CLAIM_LEASE:
            break
        if time.monotonic() >= deadline:
            raise NotificationRetry("another delivery of this event is still sending it")
        time.sleep(CLAIM_POLL_SECONDS)
    record["claimedAt"] = iso(ctx.clock())
    try:
        etag = ctx.notifications.replace(record, existing.etag)
    except (PreconditionFailed, TransientStoreError):
        held = _holds(ctx, key, token)
        if held is not None:
            return held
        raise NotificationRetry("another delivery claimed this notification, or the claim was not recorded") from None
    return Item(record, etag)


def _holds(ctx: Context, key: str, token: str) -> Item | None:
    existing = ctx.notifications.read(key)
    if existing is not None and existing.doc.get("status") == "sending" and existing.doc.get("claimToken") == token:
        return existing
    return None


def _settle(ctx: Context, key: str, status: str, extra: dict[str, Any], held: Item | None = None) -> None:
    """Record the outcome; the first attempt writes over the claim this invocation holds."""
    last: Exception | None = None
    for attempt in range(6):
        try:
            existing = held if attempt == 0 and held is not None else ctx.notifications.read(key)
            if existing is None:
                return
            doc = {**existing.doc, "status": status, **extra}
            ctx.notifications.replace(doc, existing.etag)
            return
        except PreconditionFailed as exc:
            last = exc
        except TransientStoreError as exc:
            last = exc
            time.sleep(0.05 * (attempt + 1))
    raise NotificationRetry(f"could not record the notification as {status}") from last


def notify(ctx: Context, event: Event) -> Outcome:
    if event.type not in TEMPLATE_FOR:
        raise Poison(f"no email for event type {event.type.value}")
    template = TEMPLATE_FOR[event.type]
    if template is None:
        return Outcome("no-email", {"type": event.type.value})
    loaded = load(ctx, event.request_id)
    if loaded is None:
        raise Poison("unknown request")
    request, _ = loaded
    recipients = recipients_for(ctx, event, request)
    rendered = None
    sent, skipped, rejected, failed = 0, 0, 0, 0

    for recipient in recipients:
        key = notification_key(event.id, template, recipient)
        now = ctx.clock()
        meta = {"eventId": event.id, "template": template, "requestId": request.id}
        held = _claim(ctx, key, meta, now)
        if held is None:
            skipped += 1
            continue
        if rendered is None:
            rendered = ctx.render(template, email_context(ctx, event, request))
        email = Email(
            message_id=f"{key}@fta-requests",
            sender=ctx.policy.email_from,
            to=(recipient,),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            headers=(("X-FTA-Request-Id", request.id), ("X-FTA-Event", event.type.value)),
        )
        try:
            ctx.mailer.send(email)
        except PermanentMailError as exc:
            rejected += 1
            _settle(ctx, key, "rejected", {"reason": str(exc)[:500], "settledAt": iso(ctx.clock())}, held)
            park(ctx, subscription=topology.NOTIFY, message_id=f"{event.id}/{key}", subject=event.type.value,
                 correlation_id=request.id, reason=f"email rejected: {exc}"[:500])
            continue
        except TransientMailError as exc:
            failed += 1
            _settle(ctx, key, "failed", {"reason": str(exc)[:500], "claimedAt": "1970-01-01T00:00:00+00:00"}, held)
            log.warning("email send failed, will retry: event=%s template=%s error=%s",
                        event.id, template, type(exc).__name__)
            continue
        _settle(ctx, key, "sent", {"sentAt": iso(ctx.clock())}, held)
        sent += 1

    if failed:
        raise NotificationRetry(f"{failed} of {len(recipients)} emails for {event.id} failed; retrying")
    log.info("notified: event=%s template=%s sent=%d skipped=%d rejected=%d",
             event.id, template, sent, skipped, rejected)
    return Outcome("notified", {"template": template, "sent": sent, "skipped": skipped, "rejected": rejected})

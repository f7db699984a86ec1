"""Exactly once per notification: a record claimed before the side effect
(an email, a Teams card) and settled after it.

Each notification has a record keyed by what it is (``notification_key``).
The record is claimed (``sending``) before the side effect and settled after
it (``sent``, ``rejected``, or ``failed`` for the next delivery to take over);
a redelivered event finds it settled and does nothing. A claim whose holder
died (lease expired) is taken over and the side effect happens again.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from shared.app.context import Context
from shared.app.ports import Conflict, Item, PreconditionFailed, TransientStoreError
from shared.domain.model import iso

# Shorter than the bus's lock: a message redelivered after its consumer died
# finds that consumer's claim expired. Longer than any send (SMTP timeout 30 s).
CLAIM_LEASE = timedelta(seconds=45)
CLAIM_POLL_SECONDS = 0.25


class NotificationRetry(Exception):
    """Some recipient could not be reached yet; the bus redelivers the event."""


def notification_key(event_id: str, template: str, recipient: str) -> str:
    return hashlib.sha256(f"{event_id}\n{template}\n{recipient.lower()}".encode("utf-8")).hexdigest()[:48]


def claim(ctx: Context, key: str, meta: dict[str, Any], now: datetime) -> Item | None:
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


def settle(ctx: Context, key: str, status: str, extra: dict[str, Any], held: Item | None = None) -> None:
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

"""Parking: a message that can never succeed is recorded with its reason
(visible to operators, replayable) instead of being retried ten times."""

from __future__ import annotations

import hashlib

from shared import telemetry
from shared.app.context import Context
from shared.domain.model import iso

log = telemetry.get_logger("fta.parking")


def park(ctx: Context, *, subscription: str, message_id: str, subject: str | None,
         correlation_id: str | None, reason: str, body: bytes = b"") -> str:
    record_id = "park-" + hashlib.sha256(f"{subscription}\n{message_id}\n{reason}".encode()).hexdigest()[:40]
    ctx.parked.park({
        "id": record_id,
        "subscription": subscription,
        "messageId": message_id,
        "subject": subject,
        "correlationId": correlation_id,
        "reason": reason,
        "body": body.decode("utf-8", "replace")[:8192],
        "parkedAt": iso(ctx.clock()),
    })
    log.warning("message parked: subscription=%s message=%s reason=%s", subscription, message_id, reason)
    return record_id

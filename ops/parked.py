"""Parked messages: the poison messages consumers recorded instead of retrying.

A parked record (``shared.app.parking.park``) keeps the message's subscription,
ids, reason and body. Replaying runs the subscription's handler again in this
process through ``shared.app.handlers.handle_message``, exactly as a consumer
would, and removes the record unless the message is parked again.

Records whose message id is ``<event id>/<notification key>`` are email
rejections (``shared.app.notify``): the event itself was handled and there
is no message to run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared import topology
from shared.app.context import Context
from shared.app.ports import ParkedMessages

REPLAYABLE = (topology.ROUTE_TO_LEADS, topology.NOTIFY, topology.TEAMS, topology.REPORTING)

REPLAYED = "replayed"
PARKED_AGAIN = "parked-again"
FAILED = "failed"
EMAIL_REJECTION = "email-rejection"
NOT_REPLAYABLE = "not-replayable"


def is_email_rejection(record: dict[str, Any]) -> bool:
    return "/" in (record.get("messageId") or "")


def list_parked(parked: ParkedMessages, limit: int) -> tuple[list[dict[str, Any]], bool]:
    """Oldest first; the flag says whether more records exist than ``limit``."""
    records = parked.all(limit=limit + 1)
    return records[:limit], len(records) > limit


@dataclass
class Replay:
    id: str
    result: str
    detail: str
    parked_as: str | None = None

    @property
    def ok(self) -> bool:
        return self.result == REPLAYED

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "result": self.result, "detail": self.detail, "parkedAs": self.parked_as}


def email_rejection_advice(record: dict[str, Any]) -> str:
    event_id = record["messageId"].split("/", 1)[0]
    return (
        f"email rejection for event {event_id} (request {record.get('correlationId') or '?'}): "
        "nothing to republish, the event was handled and only this email was rejected. "
        f"Once the address is fixed, replay event {event_id} by its event id; "
        f"remove this record with: python -m ops parked discard {record['id']}"
    )


def _record_for(ctx: Context, record: dict[str, Any], reason: str) -> str | None:
    found = ctx.parked.for_message(record["subscription"], record["messageId"])
    return next((doc["id"] for doc in found if doc.get("reason") == reason), None)


def replay(ctx: Context, record: dict[str, Any]) -> Replay:
    from shared.app.handlers import handle_message

    record_id = record["id"]
    if is_email_rejection(record):
        return Replay(record_id, EMAIL_REJECTION, email_rejection_advice(record))
    subscription = record.get("subscription")
    if subscription not in REPLAYABLE:
        return Replay(record_id, NOT_REPLAYABLE, f"no consumer handles subscription {subscription!r}")
    try:
        outcome = handle_message(
            ctx,
            subscription,
            (record.get("body") or "").encode("utf-8"),
            message_id=record["messageId"],
            subject=record.get("subject"),
            correlation_id=record.get("correlationId"),
        )
    except Exception as exc:  # the consumer would be retried by the bus; here the operator retries
        return Replay(record_id, FAILED, f"{type(exc).__name__}: {exc}")

    if outcome.action == "parked":
        reason = str(outcome.detail.get("reason", ""))
        if reason == record.get("reason"):
            return Replay(record_id, PARKED_AGAIN, f"{reason} (record kept)", record_id)
        new_id = _record_for(ctx, record, reason)
        ctx.parked.discard(record_id)
        return Replay(record_id, PARKED_AGAIN, f"new reason {reason!r} (record {new_id})", new_id)

    ctx.parked.discard(record_id)
    summary = ", ".join(f"{k}={v}" for k, v in outcome.detail.items())
    return Replay(record_id, REPLAYED, outcome.action + (f" ({summary})" if summary else ""))

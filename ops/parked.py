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

import argparse
from dataclasses import dataclass
from typing import Any

from shared import topology
from shared.app.context import Context
from shared.app.ports import ParkedMessages

from ops.errors import OpsError
from ops.output import Out, body_text, when
from ops.session import Session, require_targets

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


# -- the commands ------------------------------------------------------------------------


def _parked_summary(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "subscription": record.get("subscription"),
        "messageId": record.get("messageId"),
        "subject": record.get("subject"),
        "requestId": record.get("correlationId"),
        "parkedAt": record.get("parkedAt"),
        "reason": record.get("reason"),
        "emailRejection": is_email_rejection(record),
    }


def cmd_parked_list(session: Session, args: argparse.Namespace, out: Out) -> int:
    records, more = list_parked(session.parked(), args.max)
    items = [_parked_summary(r) for r in records]
    out.data({"parked": items, "more": more})
    out.table(
        ["ID", "SUBSCRIPTION", "MESSAGE ID", "SUBJECT", "REQUEST ID", "PARKED AT", "REASON"],
        [[i["id"], i["subscription"], i["messageId"], i["subject"], i["requestId"], when(i["parkedAt"]), i["reason"]]
         for i in items],
        "no parked messages",
    )
    if more:
        out.line(f"(more than {args.max}; use --max to see more)")
    return 0


def cmd_parked_show(session: Session, args: argparse.Namespace, out: Out) -> int:
    record = session.parked().get(args.id)
    if record is None:
        raise OpsError(f"no parked message {args.id}")
    view = {**_parked_summary(record), "body": record.get("body") or ""}
    out.data(view)
    for key in ("id", "subscription", "messageId", "subject", "requestId", "parkedAt", "reason"):
        out.line(f"{key + ':':<14}{view.get(key) or ''}")
    if view["emailRejection"]:
        out.line(email_rejection_advice(record))
    else:
        out.line("body:")
        out.line(body_text(view["body"].encode("utf-8")))
    return 0


def cmd_parked_replay(session: Session, args: argparse.Namespace, out: Out) -> int:
    require_targets(args, "parked message ids")
    ctx = session.context()
    if args.all:
        records = ctx.parked.all()
        if not records:
            out.line("nothing to replay: no parked messages")
    else:
        records = []
        for record_id in args.targets:
            record = ctx.parked.get(record_id)
            records.append(record if record is not None else {"id": record_id, "missing": True})
    results, failed = [], False
    for record in records:
        if record.get("missing"):
            result = Replay(record["id"], "missing", "no such parked message")
        else:
            result = replay(ctx, record)
        results.append(result.to_dict())
        out.line(f"{result.id}: {result.result}: {result.detail}")
        skipped_in_bulk = args.all and result.result == EMAIL_REJECTION
        failed = failed or not (result.ok or skipped_in_bulk)
    out.data({"results": results})
    return 1 if failed else 0


def cmd_parked_discard(session: Session, args: argparse.Namespace, out: Out) -> int:
    parked = session.parked()
    discarded, missing = [], []
    for record_id in args.id:
        if parked.discard(record_id):
            discarded.append(record_id)
            out.line(f"discarded {record_id}")
        else:
            missing.append(record_id)
            out.line(f"no parked message {record_id}")
    out.data({"discarded": discarded, "missing": missing})
    return 1 if missing else 0

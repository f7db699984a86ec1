"""The transactional outbox kept inside the request document: one conditional
write records the change and its events; the events are published after it,
and ``sweep`` republishes whatever a crash left undispatched."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable

from shared import telemetry
from shared.app.context import Context
from shared.app.errors import Busy, NotFound, StaleVersion
from shared.app.ports import OutgoingMessage, PreconditionFailed, PublishError, StoreError
from shared.domain.model import Event, FtaRequest

log = telemetry.get_logger("fta.outbox")

WRITE_ATTEMPTS = 8
SWEEP_BATCH = 200


@dataclass
class Outcome:
    """What a consumer or timer did (for the invocation log and tests)."""

    action: str
    detail: dict[str, Any] = field(default_factory=dict)


def load(ctx: Context, request_id: str) -> tuple[FtaRequest, str] | None:
    telemetry.set_request_id(request_id)
    return ctx.requests.get(request_id)


def change(
    ctx: Context,
    request_id: str,
    apply: Callable[[FtaRequest], Any],
    *,
    if_match: str | None = None,
    current: tuple[FtaRequest, str] | None = None,
    guard: Callable[[FtaRequest], None] | None = None,
) -> tuple[FtaRequest, str, Any]:
    """Read, apply a domain change, write conditionally; retry on a lost race.

    ``guard`` sees each version read before anything else is said about it
    (it raises to refuse). With ``if_match`` the caller's ETag must still be
    current (``StaleVersion`` otherwise). ``current`` is a version the caller
    already holds: the first attempt starts from it instead of reading.
    ``apply`` returns a result, or ``None`` to write nothing.
    """
    for attempt in range(WRITE_ATTEMPTS):
        loaded = current if attempt == 0 and current is not None else load(ctx, request_id)
        if loaded is None:
            raise NotFound(f"request {request_id} does not exist")
        request, etag = loaded
        if guard is not None:
            guard(request)
        if if_match is not None and if_match.strip('"') != etag.strip('"') and if_match != "*":
            raise StaleVersion("the request changed since it was read; reload it and try again")
        result = apply(request)
        if result is None:
            return request, etag, None
        try:
            etag = ctx.requests.save(request, etag)
        except PreconditionFailed:
            if if_match is not None:
                raise StaleVersion("the request changed since it was read; reload it and try again") from None
            continue
        return request, etag, result
    raise Busy("the request is changing too often; try again")


def to_message(event: Event, request: FtaRequest) -> OutgoingMessage:
    lead_group = event.data.get("leadGroup") or request.lead_group or ""
    return OutgoingMessage(
        body=json.dumps(event.envelope(), separators=(",", ":")).encode("utf-8"),
        message_id=event.id,
        subject=event.type.value,
        correlation_id=request.id,
        content_type="application/json",
        application_properties={
            "eventType": event.type.value,
            "leadGroup": lead_group,
            "region": request.region,
        },
    )


def _with_own_events(request: FtaRequest) -> FtaRequest:
    """A copy that marking events dispatched may change without touching ``request``
    (it sets the events' flags and the request's own ``pendingDispatch``, nothing deeper)."""
    return request.model_copy(update={"history": [event.model_copy() for event in request.history]})


def publish_pending(ctx: Context, request: FtaRequest) -> bool:
    """Publish the request's undispatched events and leave them marked undispatched:
    for an event whose consumer writes the request anyway (``route_to_leads``
    marks ``request.submitted`` in the write that routes it), which saves the
    write that would mark it here. Should no consumer write, ``sweep``
    republishes the event after ``FTA_SWEEP_AFTER_SECONDS`` (duplicate detection
    drops the copy) and marks it. Whether there were events and they were published."""
    pending = request.undispatched()
    if not pending:
        return False
    try:
        ctx.bus.publish([to_message(event, request) for event in pending])
    except PublishError as exc:
        log.warning("publish failed, left for sweep: request=%s events=%d error=%s",
                    request.id, len(pending), type(exc).__name__)
        return False
    return True


def dispatch(ctx: Context, request: FtaRequest, etag: str) -> tuple[FtaRequest, str]:
    """Publish the request's undispatched events, then mark them dispatched.

    A failed publish leaves them undispatched for ``sweep``; a crash after the
    publish republishes them later, which duplicate detection and idempotent
    consumers absorb.
    """
    ids = {event.id for event in request.undispatched()}
    if not publish_pending(ctx, request):
        return request, etag
    try:
        request, etag, _ = change(ctx, request.id, lambda r: True if r.mark_dispatched(ids) else None,
                                  current=(_with_own_events(request), etag))
    except (Busy, NotFound, StoreError) as exc:
        log.warning("marking events dispatched failed, sweep will republish: request=%s error=%s",
                    request.id, type(exc).__name__)
    return request, etag


def sweep(ctx: Context, older_than: timedelta | None = None) -> Outcome:
    """Republish events left undispatched (a crash between write and publish)."""
    if older_than is None:
        older_than = timedelta(seconds=ctx.policy.sweep_after_seconds)
    ids = ctx.requests.undispatched_since(ctx.clock() - older_than, limit=SWEEP_BATCH)
    republished = 0
    for request_id in ids:
        loaded = load(ctx, request_id)
        if loaded is None:
            continue
        request, etag = loaded
        count = len(request.undispatched())
        request, etag = dispatch(ctx, request, etag)
        if not request.pending_dispatch:
            republished += count
    if republished:
        log.info("sweep republished %d events", republished)
    return Outcome("swept", {"requests": len(ids), "events": republished})

"""The read model behind the counts, the workload balancer and the SLA report.

Each request has a projection: the last event sequence number it reflects and
what the request contributes to each aggregate document (shared.domain.reporting).
An event brings the projection forward to the request as stored now: the change
it owes is written into the projection first (``pending``, ETag-guarded: one
writer wins), then added to each aggregate it touches (ETag-guarded, retried on
contention), then the projection clears it. A crash anywhere leaves the change
owed, and the next delivery (or the request's next event) finishes it.

Exactly once without a per-request memory in the aggregates: an aggregate
keeps a bounded window of the marks ``[request id, seq]`` it applied lately. A
mark leaves the window only once its projection no longer owes that change
(read back before it is dropped, so a crashed change keeps its mark until it
is finished), and a pass re-reads the projection after reading an aggregate
and before writing it: an aggregate without the mark, whose projection still
owes the change, has not counted it. A projection whose figures an event does
not change is not written at all.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any

from shared import telemetry
from shared.app.commands import SlaReport
from shared.app.context import Context
from shared.app.errors import Busy, Forbidden, Poison, invalid_field
from shared.app.outbox import Outcome
from shared.app.ports import Aggregate, Conflict, PreconditionFailed, Projection, RequestFilter
from shared.domain import reporting as rules
from shared.domain.access import can_read_reports
from shared.domain.model import Event, FtaRequest
from shared.domain.principal import Principal

log = telemetry.get_logger("fta.reporting")

ATTEMPTS = 30
MAX_REPORT_DAYS = 366
# Marks an aggregate keeps beyond those of changes still owed: only a mark
# older than these is read back (one point read each, about once per mark).
WINDOW = 32


def _backoff(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))


def _owes(ctx: Context, request_id: str, seq: int) -> bool:
    """Whether the request's projection still owes its change ``seq``."""
    found = ctx.reports.projection(request_id)
    return found is not None and found.pending is not None and found.seq == seq


def _marked(aggregate: Aggregate, request_id: str, seq: int) -> bool:
    return any(rid == request_id and applied >= seq for rid, applied in aggregate.recent)


def _trimmed(ctx: Context, recent: list[list], request_id: str, seq: int, settled: set[tuple[str, int]]) -> list[list]:
    """The window with room for one more mark: the oldest marks beyond ``WINDOW``
    whose changes are no longer owed leave (a request's older mark leaves at once)."""
    kept = [mark for mark in recent if mark[0] != request_id or mark[1] > seq]
    excess = len(kept) + 1 - WINDOW
    if excess <= 0:
        return kept
    trimmed = []
    for rid, applied in kept:
        if excess > 0 and ((rid, applied) in settled or not _owes(ctx, rid, applied)):
            settled.add((rid, applied))
            excess -= 1
            continue
        trimmed.append([rid, applied])
    return trimmed


def _finish(ctx: Context, projection: Projection) -> None:
    """Add the change the projection owes to each aggregate that lacks it, then clear it."""
    request_id, seq = projection.request_id, projection.seq
    todo = dict(projection.pending or {})
    settled: set[tuple[str, int]] = set()
    for attempt in range(ATTEMPTS):
        found = {key: ctx.reports.aggregate(key) or Aggregate(key, {}) for key in sorted(todo)}
        todo = {key: delta for key, delta in todo.items() if not _marked(found[key], request_id, seq)}
        if not todo:
            break
        if not _owes(ctx, request_id, seq):
            return  # another pass finished this change (and dropped its marks since, perhaps)
        for key, delta in sorted(todo.items()):
            doc = found[key]
            recent = _trimmed(ctx, doc.recent, request_id, seq, settled) + [[request_id, seq]]
            try:
                ctx.reports.save_aggregate(Aggregate(key, rules.add(doc.counters, delta), recent, doc.etag))
                del todo[key]
            except (Conflict, PreconditionFailed):
                pass
        if not todo:
            break
        _backoff(attempt)
    else:
        raise Busy(f"the report documents {', '.join(sorted(todo))} stayed contended")
    try:
        ctx.reports.save_projection(Projection(request_id, seq, projection.contribution, None, projection.etag))
    except (Conflict, PreconditionFailed):
        pass  # another pass cleared it (or moved it on, after finishing this change first)


def project(ctx: Context, request: FtaRequest) -> bool:
    """Bring the request's projection forward to its stored history; whether the figures moved."""
    target = len(request.history)
    for attempt in range(ATTEMPTS):
        current = ctx.reports.projection(request.id)
        if current is not None and current.pending is not None:
            _finish(ctx, current)
            continue
        if current is not None and current.seq >= target:
            return False
        new = rules.contribution(rules.facts(request, target, ctx.sla))
        delta = rules.difference(current.contribution if current else {}, new)
        if current is not None and not delta:
            return False  # nothing owed: the projection is not rewritten for an event that moves no figure
        written = Projection(request.id, target, new, delta, current.etag if current else None)
        try:
            written.etag = ctx.reports.save_projection(written)
        except (Conflict, PreconditionFailed):
            _backoff(attempt)
            continue
        _finish(ctx, written)
        return True
    raise Busy(f"the projection of {request.id} stayed contended")


def event_sequence(event: Event) -> int:
    prefix, _, number = event.id.rpartition(".")
    if prefix != event.request_id or not number.isdigit() or int(number) < 1:
        raise Poison("event id is not <requestId>.<sequence>")
    return int(number)


def update_reports(ctx: Context, event: Event) -> Outcome:
    """The ``reporting`` consumer: every event type."""
    loaded = ctx.requests.get(event.request_id)
    if loaded is None:
        raise Poison("unknown request")
    seq = event_sequence(event)
    request, _ = loaded
    if seq > len(request.history):
        raise Busy(f"event {seq} is not in the request's history yet")  # raised: the bus redelivers
    moved = project(ctx, request)
    return Outcome("projected" if moved else "already-projected", {"requestId": request.id, "seq": seq})


def refresh(ctx: Context, request: FtaRequest) -> None:
    """Bring the read model up to a request just changed here, so that the
    caller's next read (the balancer, the counts) sees it; the consumer would
    do the same a moment later, and does nothing when this got there first."""
    try:
        project(ctx, request)
    except Exception:  # the reporting consumer catches up; the action itself succeeded
        log.warning("read model not refreshed inline: request=%s", request.id, exc_info=True)


# -- readers --------------------------------------------------------------------------------


def current_figures(ctx: Context) -> dict[str, int]:
    docs = [ctx.reports.aggregate(rules.current_key(shard)) for shard in range(rules.SHARDS)]
    return rules.merged(doc.counters for doc in docs if doc is not None)


def status_counts(ctx: Context, lead_group: str | None = None) -> dict[str, int]:
    return rules.status_counts(current_figures(ctx), lead_group)


def architect_loads(ctx: Context, pool: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """(open assignments, assignments ever) of each architect of ``pool``."""
    return rules.architect_loads(current_figures(ctx), pool)


def overdue_now(ctx: Context) -> int:
    """Routed requests past their assignment due time, from the read model."""
    cutoff = int(ctx.clock().timestamp())
    return sum(count for key, count in current_figures(ctx).items()
               if key.startswith("due|leadGroup|") and int(key.rsplit("|", 1)[1]) <= cutoff)


def sla_report(ctx: Context, principal: Principal, command: SlaReport) -> dict[str, Any]:
    if not can_read_reports(principal):
        raise Forbidden("only FTA leads and admins read the reports")
    now = ctx.clock()
    first, last = default_period(now.astimezone(timezone.utc).date())
    first, last = command.first_day or (command.last_day or last) - (last - first), command.last_day or last
    if first > last:
        raise invalid_field("from", "must not be after to", "query")
    if (last - first).days >= MAX_REPORT_DAYS:
        raise invalid_field("from", f"the period may span at most {MAX_REPORT_DAYS} days", "query")
    day_docs = [ctx.reports.aggregate(rules.day_key(day)) for day in rules.days(first, last)]
    known = list(ctx.routing.group_ids) if command.group_by == "leadGroup" else []
    if command.group_by == "region":
        known = list(ctx.routing.regions)
    groups = rules.sla_groups((doc.counters for doc in day_docs if doc is not None), current_figures(ctx),
                              command.group_by, now, known)
    return {"groups": groups, "from": first.isoformat(), "to": last.isoformat(),
            "groupBy": command.group_by, "slaBusinessHours": ctx.policy.assign_sla_business_hours,
            "generatedAt": now.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")}


def default_period(today: date, days: int = 30) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today


# -- rebuilding ------------------------------------------------------------------------------


def rebuild(ctx: Context, *, page_size: int = 500) -> dict[str, int]:
    """Recompute the read model from the stored requests (run it while the
    reporting consumer is stopped, or replay afterwards what arrived meanwhile)."""
    removed = ctx.reports.clear()
    totals: dict[str, dict[str, int]] = {}
    requests, continuation = 0, None
    while True:
        page = ctx.requests.newest_first(RequestFilter(), limit=page_size, continuation=continuation)
        for request in page.items:
            seq = len(request.history)
            new = rules.contribution(rules.facts(request, seq, ctx.sla))
            ctx.reports.save_projection(Projection(request.id, seq, new))
            for key, counters in new.items():
                into = totals.setdefault(key, {})
                for name, value in counters.items():
                    into[name] = into.get(name, 0) + value
            requests += 1
        continuation = page.continuation
        if continuation is None:
            break
    totals = {key: {k: v for k, v in counters.items() if v} for key, counters in totals.items()}
    for key, counters in sorted(totals.items()):
        if counters:
            ctx.reports.save_aggregate(Aggregate(key, counters))
    log.info("read model rebuilt: requests=%d documents=%d", requests, len(totals))
    return {"requests": requests, "aggregates": sum(1 for c in totals.values() if c), "removed": removed}


def snapshot(ctx: Context, keys: list[str]) -> dict[str, dict[str, int]]:
    """The counters of these aggregates (tests and the operators' tool compare them)."""
    found = {key: ctx.reports.aggregate(key) for key in keys}
    return {key: doc.counters for key, doc in found.items() if doc is not None and doc.counters}


def known_keys(ctx: Context, first: datetime, last: datetime) -> list[str]:
    return [rules.current_key(s) for s in range(rules.SHARDS)] + [
        rules.day_key(d) for d in rules.days(first.date(), last.date())]

"""How a request's change reaches the read model's aggregates exactly once,
with aggregate documents that never grow with the number of requests.

Each request has a projection: the last event sequence number it reflects and
what the request contributes to each aggregate document (shared.domain.reporting).
A pass brings the projection forward to the request as stored now: the change
it owes is written into the projection first (``pending``, ETag-guarded: one
writer wins), then added to each aggregate it touches (ETag-guarded, retried on
contention), then the projection clears it. A crash anywhere leaves the change
owed, and the next delivery (or the request's next event) finishes it. A
projection whose figures an event does not change is not written at all.

Exactly once without a per-request memory in the aggregates: an aggregate
keeps a bounded window of the marks ``[request id, seq]`` it applied lately. A
mark leaves the window only once its projection no longer owes that change
(read back before it is dropped, so a crashed change keeps its mark until it
is finished), and a write re-reads the projection after reading the aggregate
and before writing it on that ETag: an aggregate without the mark, whose
projection still owes the change, has not counted it.

Group commit: the concurrent passes of one process (the host runs up to
``maxConcurrentCalls`` at once) queue their changes per aggregate; one of them
writes every queued change in one replace while the others wait, then hands
the lead to the next waiting pass. Only processes contend for an aggregate,
and a busy aggregate costs one write per batch instead of one per event.
"""

from __future__ import annotations

import random
import threading
import time
import weakref
from dataclasses import dataclass, field

from shared.app.context import Context
from shared.app.errors import Busy
from shared.app.ports import Aggregate, Conflict, PreconditionFailed, Projection
from shared.domain import reporting as rules
from shared.domain.model import FtaRequest

ATTEMPTS = 30
# A change another pass is finishing: re-read the projection this many times
# (after 5-10 ms, then twice, then four times as long) before finishing it too.
PATIENCE = 3
# Marks an aggregate keeps beyond those of changes still owed: only a mark
# older than these is read back (one point read each, about once per mark).
WINDOW = 32


def _backoff(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))


@dataclass(eq=False)
class _Change:
    """One request's change to one aggregate, waiting for a write."""

    request_id: str
    seq: int
    delta: dict[str, int]
    woken: threading.Event = field(default_factory=threading.Event)
    done: bool = False
    error: BaseException | None = None


class _Lanes:
    """This process's changes waiting per aggregate, and which keys have a writer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiting: dict[str, list[_Change]] = {}
        self.led: set[str] = set()


_LANES: "weakref.WeakKeyDictionary[object, _Lanes]" = weakref.WeakKeyDictionary()
_LANES_LOCK = threading.Lock()


def _lanes(reports: object) -> _Lanes:
    with _LANES_LOCK:
        found = _LANES.get(reports)
        if found is None:
            found = _LANES[reports] = _Lanes()
        return found


def _owes(ctx: Context, request_id: str, seq: int) -> bool:
    """Whether the request's projection still owes its change ``seq``."""
    found = ctx.reports.projection(request_id)
    return found is not None and found.pending is not None and found.seq == seq


def _marked(aggregate: Aggregate, request_id: str, seq: int) -> bool:
    return any(rid == request_id and applied >= seq for rid, applied in aggregate.recent)


def _trimmed(ctx: Context, recent: list[list], changes: list[_Change], settled: set[tuple[str, int]]) -> list[list]:
    """The window with the marks of ``changes`` added: the oldest marks beyond
    ``WINDOW`` whose changes are no longer owed leave (a request's older mark at once)."""
    newer = {c.request_id: c.seq for c in changes}
    kept = [mark for mark in recent if newer.get(mark[0], -1) < mark[1]]
    excess = len(kept) + len(changes) - WINDOW
    trimmed = []
    for rid, applied in kept:
        if excess > 0 and ((rid, applied) in settled or not _owes(ctx, rid, applied)):
            settled.add((rid, applied))
            excess -= 1
            continue
        trimmed.append([rid, applied])
    return trimmed + [[c.request_id, c.seq] for c in changes]


def _write(ctx: Context, key: str, batch: list[_Change]) -> None:
    """Add to the aggregate every change of ``batch`` it lacks and that is still owed, in one write."""
    unique = list({(c.request_id, c.seq): c for c in reversed(batch)}.values())
    settled: set[tuple[str, int]] = set()
    for attempt in range(ATTEMPTS):
        found = ctx.reports.aggregate(key) or Aggregate(key, {})
        unique = [c for c in unique if not _marked(found, c.request_id, c.seq)]
        unique = [c for c in unique if _owes(ctx, c.request_id, c.seq)]  # read after the aggregate, on purpose
        if not unique:
            return
        counters = found.counters
        for change in unique:
            counters = rules.add(counters, change.delta)
        try:
            ctx.reports.save_aggregate(Aggregate(key, counters, _trimmed(ctx, found.recent, unique, settled),
                                                 found.etag))
            return
        except (Conflict, PreconditionFailed):
            _backoff(attempt)
    raise Busy(f"the report document {key} stayed contended")


def _apply(ctx: Context, key: str, change: _Change) -> None:
    """Queue ``change`` for the aggregate; lead the writes while none leads, else wait for them."""
    lanes = _lanes(ctx.reports)
    with lanes.lock:
        lanes.waiting.setdefault(key, []).append(change)
        leads = key not in lanes.led
        lanes.led.add(key)
    if not leads:
        change.woken.wait()  # written, or handed the lead
    while not change.done:
        with lanes.lock:
            batch = lanes.waiting.pop(key, [])
        error = None
        try:
            _write(ctx, key, batch)
        except BaseException as exc:  # every change of the batch fails alike; each pass raises it
            error = exc
        for each in batch:
            each.error, each.done = error, True
            each.woken.set()
    with lanes.lock:
        queued = lanes.waiting.get(key)
        if queued:
            queued[0].woken.set()  # not done: it leads now
        else:
            lanes.led.discard(key)
    if change.error is not None:
        raise change.error


def _finish(ctx: Context, projection: Projection) -> None:
    """Add the change the projection owes to each aggregate that lacks it, then clear it."""
    for key, delta in sorted((projection.pending or {}).items()):
        _apply(ctx, key, _Change(projection.request_id, projection.seq, delta))
    try:
        ctx.reports.save_projection(Projection(projection.request_id, projection.seq, projection.contribution,
                                               None, projection.etag))
    except (Conflict, PreconditionFailed):
        pass  # another pass cleared it (or moved it on, after finishing this change first)


def project(ctx: Context, request: FtaRequest) -> bool:
    """Bring the request's projection forward to its stored history; whether the figures moved."""
    target, waited = len(request.history), 0
    for attempt in range(ATTEMPTS):
        current = ctx.reports.projection(request.id)
        if current is not None and current.pending is not None:
            if waited < PATIENCE:  # most likely another delivery is finishing it right now
                time.sleep(random.uniform(0.005, 0.01) * 2 ** waited)
                waited += 1
                continue
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

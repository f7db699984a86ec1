"""The read model behind the counts, the workload balancer and the SLA report:
its consumer (``update_reports``), the inline refresh after an action, the
readers and the rebuild. How a change reaches the aggregates exactly once,
with documents that do not grow, is shared.app.read_model.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from shared import telemetry
from shared.app.commands import SlaReport
from shared.app.context import Context
from shared.app.errors import Busy, Forbidden, Poison, invalid_field
from shared.app.outbox import Outcome
from shared.app.ports import Aggregate, Projection, RequestFilter
from shared.app.read_model import project
from shared.domain import reporting as rules
from shared.domain.forms import ExceptionType
from shared.domain.access import can_read_reports
from shared.domain.model import Event, FtaRequest
from shared.domain.principal import Principal

log = telemetry.get_logger("fta.reporting")

MAX_REPORT_DAYS = 366


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
    day_docs = ctx.reports.aggregates_between(*rules.day_range(first, last))
    known = list(ctx.routing.group_ids) if command.group_by == "leadGroup" else []
    if command.group_by == "region":
        known = list(ctx.routing.regions)
    if command.group_by == "exceptionType":  # the exceptions tracker: every kind, decided or not
        known = [kind.value for kind in ExceptionType]
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
    """The counters of these aggregates, a day's (``rules.day_key(day)``) as its
    shards added up (tests and the operators' tool compare them)."""
    found = {}
    for key in keys:
        if key.startswith("sla.") and key.count(".") == 1:
            counters = rules.merged(doc.counters for doc in ctx.reports.aggregates_between(key, key + "/"))
        else:
            doc = ctx.reports.aggregate(key)
            counters = doc.counters if doc is not None else {}
        if counters:
            found[key] = counters
    return found


def known_keys(ctx: Context, first: datetime, last: datetime) -> list[str]:
    return [rules.current_key(s) for s in range(rules.SHARDS)] + [
        rules.day_key(d) for d in rules.days(first.date(), last.date())]

"""What a request adds to the reports: its facts as of a prefix of its history,
and those facts as integer counters in a few aggregate documents.

Pure: a request's contribution depends only on its static fields, the events
up to a sequence number, the business calendar and the assignment SLA, so an
incremental pass and a rebuild from the stored requests give the same figures.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Mapping, Sequence

from shared.domain.events import Event, EventType
from shared.domain.model import OPEN_STATUSES, FtaRequest, Status
from shared.domain.sla import Sla
from shared.domain.values import iso

# The "current" figures (counts, loads, open and waiting requests) and each
# day's cohort are spread over this many documents each, by request id, so that
# concurrent writers rarely meet on one document; readers add the shards up.
SHARDS = 8
DIMENSIONS = ("leadGroup", "region", "requestType", "architect", "exceptionType")
NO_GROUP = "-"

# Time to assign is counted per tenth of a business hour (six minutes), the
# figure the CSV prints (``round(hours, 1)``), so the report's percentiles are
# the CSV's; a day's times are one document (TIMES), not one per shard: their
# keys are bounded by the times seen (a tenth each), never by the requests.
TIME_TO_ASSIGN_DECIMALS = 1
TIMES = "t"

Counters = dict[str, int]
Contribution = dict[str, Counters]  # aggregate document key -> counter -> value

_STATUS_OF = {
    EventType.SUBMITTED: Status.SUBMITTED,
    EventType.ROUTED: Status.ROUTED,
    EventType.ASSIGNED: Status.ASSIGNED,
    EventType.INFO_REQUESTED: Status.NEEDS_INFO,
    EventType.CANCELLED: Status.CANCELLED,
    EventType.COMPLETED: Status.COMPLETED,
    EventType.DECLINED: Status.DECLINED,
    EventType.REOPENED: Status.ROUTED,
}


@dataclass(frozen=True)
class RequestFacts:
    request_id: str
    seq: int
    status: Status
    region: str
    request_type: str
    lead_group: str | None
    architect: str | None
    first_architect: str | None
    submitted_at: datetime
    routed_at: datetime | None
    assigned_at: datetime | None
    paused_business_hours: float
    time_to_assign: float | None  # business hours from routing to the first assignment, pauses taken out
    within_sla: bool | None
    assign_due_at: datetime | None  # while routed: when it becomes overdue
    exception_type: str | None = None  # a migration exception's kind
    decision: str | None = None  # a migration exception's decision, once completed
    rating: int | None = None  # the requestor's rating of the completed review
    first_contact_on_time: bool | None = None  # once the architect recorded their first contact


def facts(request: FtaRequest, seq: int, sla: Sla) -> RequestFacts:
    """The request as its first ``seq`` events leave it."""
    events: Sequence[Event] = request.history[:seq]
    status = Status.SUBMITTED
    lead_group = architect = first_architect = None
    routed_at = assigned_at = contact_due = None
    paused = 0.0
    decision = rating = on_time = None
    for event in events:
        status = _STATUS_OF.get(event.type, status)
        if event.type is EventType.INFO_PROVIDED:
            status = Status(event.data.get("resumedTo", Status.ROUTED.value))
            if status is Status.ROUTED:
                paused += float(event.data.get("pausedBusinessHours", 0.0))
        elif event.type is EventType.ROUTED:
            lead_group, routed_at = event.data.get("leadGroup"), event.occurred_at
        elif event.type is EventType.REOPENED:  # a second review: due again from now; the first assignment stays
            routed_at, paused = event.occurred_at, 0.0
        elif event.type is EventType.ASSIGNED:
            architect = event.data.get("architect")
            contact_due, on_time = event.data.get("firstContactDueAt"), None  # the new architect's first contact
            if assigned_at is None:
                assigned_at, first_architect = event.occurred_at, architect
        elif event.type is EventType.FIRST_CONTACT and on_time is None:
            on_time = contact_due is None or iso(event.occurred_at) <= contact_due
        elif event.type is EventType.COMPLETED:
            decision = (event.data.get("outcome") or {}).get("decision")
        elif event.type is EventType.FEEDBACK_GIVEN:
            rating = int(event.data.get("rating", 0)) or None
    time_to_assign = within = due = None
    if routed_at is not None and assigned_at is not None:
        time_to_assign = sla.time_to_assign(routed_at, assigned_at, paused)
        within = sla.within(time_to_assign)
    if status is Status.ROUTED and routed_at is not None:
        due = sla.assignment_due(routed_at, paused)
    return RequestFacts(
        request_id=request.id, seq=len(events), status=status, region=request.region,
        request_type=request.request_type.value, lead_group=lead_group, architect=architect,
        first_architect=first_architect, submitted_at=events[0].occurred_at if events else request.created_at,
        routed_at=routed_at, assigned_at=assigned_at, paused_business_hours=paused,
        time_to_assign=time_to_assign, within_sla=within, assign_due_at=due,
        exception_type=request.migration.exception_type.value if request.migration else None,
        decision=decision, rating=rating, first_contact_on_time=on_time,
    )


def shard_of(request_id: str) -> int:
    return zlib.crc32(request_id.encode("utf-8")) % SHARDS


def current_key(shard: int) -> str:
    return f"current.{shard}"


def day_key(day: date, shard: int | str | None = None) -> str:
    """A shard of the day's cohort (or its ``TIMES``); without a shard, the day
    as a whole (a reader adds up the documents whose keys begin with it)."""
    return f"sla.{day.isoformat()}" + ("" if shard is None else f".{shard}")


def day_range(first: date, last: date) -> tuple[str, str]:
    """Keys ``low <= key < high`` of every shard of the days from ``first`` to ``last``."""
    return day_key(first), day_key(last) + "/"  # "/" sorts just after "."


def tenths(hours: float) -> int:
    """Business hours as the whole tenths the CSV prints them with."""
    return round(round(hours, TIME_TO_ASSIGN_DECIMALS) * 10 ** TIME_TO_ASSIGN_DECIMALS)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def due_hour(moment: datetime) -> int:
    """The end of the UTC hour ``moment`` falls in (epoch seconds): a request is
    counted overdue from then on (at most an hour late, never early)."""
    return -(-_epoch(moment) // 3600) * 3600


def contribution(f: RequestFacts) -> Contribution:
    """The request's counters: in its shard of the current figures and in the
    SLA document of the UTC day it was submitted (the cohort it belongs to)."""
    current: Counters = {f"status|{f.status.value}|{f.lead_group or NO_GROUP}": 1}
    if f.architect and f.status is Status.ASSIGNED:
        current[f"open|{f.architect}"] = 1
    if f.architect and f.status in (Status.ASSIGNED, Status.COMPLETED):
        current[f"ever|{f.architect}"] = 1
    now_keys = {"leadGroup": f.lead_group, "region": f.region, "requestType": f.request_type, "architect": f.architect}
    if f.status in OPEN_STATUSES:
        for dim, key in now_keys.items():
            if key:
                current[f"openNow|{dim}|{key}"] = 1
    if f.assign_due_at is not None:  # counted per hour it falls due in, so the document never grows with the queue
        for dim, key in now_keys.items():
            if key:
                current[f"due|{dim}|{key}|{due_hour(f.assign_due_at)}"] = 1
    day: Counters = {}
    times: Counters = {}
    cohort_keys = {**now_keys, "architect": f.first_architect, "exceptionType": f.exception_type}
    for dim, key in cohort_keys.items():
        if not key:
            continue
        day[f"{dim}|{key}|submitted"] = 1
        if f.rating is not None:  # the engagement: ratings, first contacts, exception decisions
            day[f"{dim}|{key}|rated"], day[f"{dim}|{key}|ratingSum"] = 1, f.rating
        if f.first_contact_on_time is not None:
            day[f"{dim}|{key}|firstContacts"] = 1
            if f.first_contact_on_time:
                day[f"{dim}|{key}|firstContactsOnTime"] = 1
        if f.decision:
            day[f"{dim}|{key}|decision:{f.decision}"] = 1
        if f.time_to_assign is not None:
            day[f"{dim}|{key}|assigned"] = 1
            times[f"{dim}|{key}|t{tenths(f.time_to_assign)}"] = 1
            if f.within_sla:
                day[f"{dim}|{key}|withinSla"] = 1
    shard = shard_of(f.request_id)
    found: Contribution = {current_key(shard): current}
    cohort_day = f.submitted_at.astimezone(timezone.utc).date()
    found[day_key(cohort_day, shard)] = day
    if times:
        found[day_key(cohort_day, TIMES)] = times
    return found


def difference(old: Contribution, new: Contribution) -> Contribution:
    """``new - old``, per document, without zeros."""
    delta: Contribution = {}
    for doc in set(old) | set(new):
        before, after = old.get(doc, {}), new.get(doc, {})
        changed = {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)}
        changed = {k: v for k, v in changed.items() if v}
        if changed:
            delta[doc] = changed
    return delta


def add(counters: Mapping[str, int], delta: Mapping[str, int]) -> Counters:
    total = dict(counters)
    for key, value in delta.items():
        total[key] = total.get(key, 0) + value
        if not total[key]:
            del total[key]
    return total


def total(contributions: Iterable[Contribution]) -> Contribution:
    """The aggregate documents as the sum of every request's contribution."""
    docs: Contribution = {}
    for each in contributions:
        for doc, counters in each.items():
            docs[doc] = add(docs.get(doc, {}), counters)
    return {doc: counters for doc, counters in docs.items() if counters}


def whole_days(docs: Contribution) -> Contribution:
    """The documents with each day's shards added up under the day's own key."""
    merged_docs: Contribution = {}
    for key, counters in docs.items():
        whole = key.rsplit(".", 1)[0] if key.startswith("sla.") and key.count(".") == 2 else key
        merged_docs[whole] = add(merged_docs.get(whole, {}), counters)
    return {key: counters for key, counters in merged_docs.items() if counters}


# -- reading the aggregates ------------------------------------------------------------


def merged(documents: Iterable[Mapping[str, int]]) -> Counters:
    result: Counters = {}
    for counters in documents:
        result = add(result, counters)
    return result


def status_counts(current: Mapping[str, int], lead_group: str | None = None) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for key, value in current.items():
        kind, _, rest = key.partition("|")
        if kind != "status":
            continue
        status, _, group = rest.partition("|")
        if lead_group is None or group == lead_group:
            counts[status] = counts.get(status, 0) + value
    return counts


def architect_loads(current: Mapping[str, int], pool: Sequence[str]) -> tuple[dict[str, int], dict[str, int]]:
    return ({a: current.get(f"open|{a}", 0) for a in pool}, {a: current.get(f"ever|{a}", 0) for a in pool})


def percentile(counts: Mapping[int, int], q: float) -> float | None:
    """The q-th of the times counted (tenths of an hour -> how many), by
    nearest rank, in hours: one of the figures the CSV prints."""
    n = sum(counts.values())
    if n == 0:
        return None
    rank, seen = max(1, math.ceil(q * n)), 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value / 10 ** TIME_TO_ASSIGN_DECIMALS
    return None


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def sla_groups(day_docs: Iterable[Mapping[str, int]], current: Mapping[str, int], group_by: str, now: datetime,
               known_keys: Sequence[str] = ()) -> list[dict]:
    """The SLA report's groups: the cohort figures of the days read, and what is open and overdue now."""
    cohort: dict[str, dict[str, int]] = {}
    histograms: dict[str, dict[int, int]] = {}
    for doc in day_docs:
        for name, value in doc.items():
            dim, key, figure = name.split("|", 2)
            if dim != group_by:
                continue
            if figure.startswith("t"):
                hist = histograms.setdefault(key, {})
                hist[int(figure[1:])] = hist.get(int(figure[1:]), 0) + value
            else:
                figures = cohort.setdefault(key, {})
                figures[figure] = figures.get(figure, 0) + value
    open_now: dict[str, int] = {}
    overdue_now: dict[str, int] = {}
    cutoff = _epoch(now)
    for name, value in current.items():
        kind, _, rest = name.partition("|")
        if kind == "openNow":
            dim, key = rest.split("|", 1)
            if dim == group_by:
                open_now[key] = open_now.get(key, 0) + value
        elif kind == "due":
            dim, key, hour = rest.split("|", 2)
            if dim == group_by and int(hour) <= cutoff:
                overdue_now[key] = overdue_now.get(key, 0) + value
    groups = []
    for key in sorted(set(known_keys) | set(cohort) | set(open_now) | set(overdue_now)):
        figures = cohort.get(key, {})
        assigned, within = figures.get("assigned", 0), figures.get("withinSla", 0)
        hist = histograms.get(key, {})
        groups.append({
            "key": key,
            "submitted": figures.get("submitted", 0),
            "assigned": assigned,
            "assignedWithinSla": within,
            "withinSlaPercent": round(100.0 * within / assigned, 1) if assigned else None,
            "timeToAssignBusinessHours": {"p50": percentile(hist, 0.5), "p90": percentile(hist, 0.9)},
            "openNow": open_now.get(key, 0),
            "overdueNow": overdue_now.get(key, 0),
            "rated": figures.get("rated", 0),
            "averageRating": round(figures["ratingSum"] / figures["rated"], 1) if figures.get("rated") else None,
            "firstContacts": figures.get("firstContacts", 0),
            "firstContactsOnTime": figures.get("firstContactsOnTime", 0),
            "decisions": {name.split(":", 1)[1]: value for name, value in sorted(figures.items())
                          if name.startswith("decision:")},
        })
    return groups

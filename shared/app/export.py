"""The CSV export of requests for the leads' managers: built row by row from
paged queries, so that no more than one page of requests is held at a time."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta, timezone
from typing import Any, Iterator

from shared.app.commands import ExportRequests
from shared.app.context import Context
from shared.app.errors import Forbidden, invalid_field
from shared.app.ports import RequestFilter
from shared.domain import reporting as rules
from shared.domain.access import can_read_reports
from shared.domain.model import EventType, FtaRequest, iso
from shared.domain.principal import Principal

PAGE_SIZE = 200
BOM = "\ufeff"

# No comment, no instructions and no history: the export never carries what
# was written in the timeline, internal or not. The outcome is the review's
# record (mailed to the requestor as its proof), its notes included.
COLUMNS = (
    "id", "createdAt", "updatedAt", "status", "requestType", "region", "leadGroup", "architect",
    "requestorEmail", "tpid", "tenant", "customerName", "partner", "segment", "totalUsers", "salesStagePercent",
    "fundingAmountUsd", "routedAt", "firstAssignedAt", "timeToAssignBusinessHours", "assignedWithinSla",
    "pausedBusinessHours", "declineReason", "completedAt", "recommendation", "category", "decision", "outcomeNotes",
    "exceptionType",
)

# OWASP "CSV injection": a cell a spreadsheet would read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime):
        text = iso(value)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


OUTCOME_COLUMNS = {"recommendation": "recommendation", "category": "category", "decision": "decision",
                   "outcomeNotes": "notes"}


def row(ctx: Context, request: FtaRequest) -> list[str]:
    facts = rules.facts(request, len(request.history), ctx.sla)
    outcome = request.outcome or {}
    values = {
        "id": request.id, "createdAt": request.created_at, "updatedAt": request.updated_at,
        "status": request.status.value, "requestType": request.request_type.value, "region": request.region,
        "leadGroup": request.lead_group, "architect": request.architect, "requestorEmail": request.requestor.email,
        "tpid": request.tpid, "tenant": request.tenant, "customerName": request.customer_name,
        "partner": request.partner, "segment": request.segment.value, "totalUsers": request.total_users,
        "salesStagePercent": request.sales_stage_percent, "fundingAmountUsd": request.funding_amount_usd,
        "routedAt": facts.routed_at, "firstAssignedAt": facts.assigned_at,
        "timeToAssignBusinessHours": None if facts.time_to_assign is None else round(facts.time_to_assign, rules.TIME_TO_ASSIGN_DECIMALS),
        "assignedWithinSla": facts.within_sla,
        "pausedBusinessHours": round(facts.paused_business_hours, 2) if facts.paused_business_hours else 0,
        "declineReason": request.decline.reason if request.decline else None,
        "completedAt": next((e.occurred_at for e in request.history if e.type is EventType.COMPLETED), None),
        **{column: outcome.get(field) for column, field in OUTCOME_COLUMNS.items()},
        "exceptionType": request.migration.exception_type.value if request.migration else None,
    }
    return [neutralised(values[name]) for name in COLUMNS]


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def export_requests(ctx: Context, principal: Principal, command: ExportRequests) -> Iterator[str]:
    """The CSV as chunks of text: the BOM and the header row, then one chunk per page."""
    if not can_read_reports(principal):
        raise Forbidden("only FTA leads and admins export requests")
    if command.lead_group is not None and command.lead_group not in ctx.routing.group_ids:
        raise invalid_field("leadGroup", f"must be one of {', '.join(ctx.routing.group_ids)}", "query")
    where = RequestFilter(
        statuses=command.statuses, lead_group=command.lead_group,
        created_from=datetime.combine(command.first_day, time(0), timezone.utc) if command.first_day else None,
        created_before=(datetime.combine(command.last_day + timedelta(days=1), time(0), timezone.utc)
                        if command.last_day else None),
    )
    first = ctx.requests.newest_first(where, limit=PAGE_SIZE, continuation=None)  # refusals before the first byte

    def chunks() -> Iterator[str]:
        page = first
        yield BOM + _line(list(COLUMNS))
        while True:
            if page.items:
                yield "".join(_line(row(ctx, request)) for request in page.items)
            if page.continuation is None:
                return
            page = ctx.requests.newest_first(where, limit=PAGE_SIZE, continuation=page.continuation)

    return chunks()

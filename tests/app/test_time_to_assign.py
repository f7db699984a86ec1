"""One time to assign: the SLA report's p50/p90 are figures of the CSV's
``timeToAssignBusinessHours`` column (tenths of an hour), by nearest rank, for
the same requests (the report once said 0.5 h where the CSV said 0.0)."""

from __future__ import annotations

import csv
import io
import math
from datetime import timedelta

from shared.app import export, reporting
from shared.app.commands import ExportRequests, SlaReport
from shared.domain.model import FtaRequest, Person, RequestForm
from shared.domain.sla import Sla
from tests.app.conftest import LEAD_P
from tests.factories import form
from tests.harness import START

# seconds from routing to the first assignment, within business hours (START is a Tuesday, 10:00 UTC)
WAITS = {
    "emea": [15, 20, 60, 61, 1200, 1201, 1234, 3600, 7620, 9000],
    "americas": [1, 29, 31, 599, 4321],
}


def stored(ctx) -> list[FtaRequest]:
    requests = []
    for region, waits in WAITS.items():
        group = "emea-leads" if region == "emea" else "americas-leads"
        for i, seconds in enumerate(waits):
            request = FtaRequest.submit(RequestForm.model_validate(form(region=region)),
                                        Person(email="alex@contoso.com"), START, request_id=f"FTA-{region[:3].upper()}{i:06d}")
            request.route(group, START, Sla(ctx.calendar))
            request.assign("eva.novak@contoso.com", "lee@contoso.com", START + timedelta(seconds=seconds))
            ctx.requests.add(request)
            reporting.refresh(ctx, request)
            requests.append(request)
    return requests


def nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def test_the_reports_percentiles_are_the_csvs_figures_for_the_same_requests(ctx):
    stored(ctx)
    body = "".join(export.export_requests(ctx, LEAD_P, ExportRequests()))
    rows = list(csv.DictReader(io.StringIO(body[1:], newline="")))
    assert {r["timeToAssignBusinessHours"] for r in rows} >= {"0.0", "0.3", "2.1", "1.0", "2.5"}
    day = START.date()
    for group_by, column in (("leadGroup", "leadGroup"), ("region", "region")):
        report = reporting.sla_report(ctx, LEAD_P, SlaReport(first_day=day, last_day=day, group_by=group_by))
        groups = {g["key"]: g for g in report["groups"] if g["assigned"]}
        assert len(groups) == 2
        for key, group in groups.items():
            printed = [float(r["timeToAssignBusinessHours"]) for r in rows if r[column] == key]
            assert group["assigned"] == len(printed)
            assert group["timeToAssignBusinessHours"] == {"p50": nearest_rank(printed, 0.5),
                                                          "p90": nearest_rank(printed, 0.9)}, (group_by, key)
    americas = [float(r["timeToAssignBusinessHours"]) for r in rows if r["region"] == "americas"]
    assert nearest_rank(americas, 0.5) == 0.0, "31 s: the CSV's 0.0, where a half-hour bucket said 0.5"

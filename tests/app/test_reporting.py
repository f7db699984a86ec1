"""The read model over the embedded store: any order and any repetition of a
request's events gives the figures of one in-order pass; a rebuild from the
requests gives the same documents; the CSV export and its refusals."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.app import export, reporting
from shared.app.commands import ExportRequests, SlaReport
from shared.app.errors import Forbidden, InvalidInput
from shared.domain import reporting as rules
from shared.domain.sla import Sla
from shared.domain.model import FtaRequest, Person, RequestForm
from shared.domain.outcomes import Decline
from tests.app.conftest import LEAD_P, REQUESTOR_P
from tests.factories import form
from tests.harness import START

ARCHITECTS = ["eva.novak@contoso.com", "farid.haddad@contoso.com", "ana.alves@contoso.com"]
STEPS = st.lists(st.sampled_from(["assign", "reassign", "info", "resume", "complete", "cancel", "decline", "remind"]),
                 max_size=6)


def scripted(request_id: str, steps: list[str], calendar, start, hours_apart: int) -> FtaRequest:
    """A request driven through the domain by ``steps`` (steps the rules refuse are skipped)."""
    now = start
    request = FtaRequest.submit(RequestForm.model_validate(form()), Person(email="alex@contoso.com"), now,
                                request_id=request_id)
    request.route("emea-leads", now, Sla(calendar))
    for i, step in enumerate(steps):
        now += timedelta(hours=hours_apart)
        try:
            if step in ("assign", "reassign"):
                request.assign(ARCHITECTS[i % 3], "lee@contoso.com", now)
            elif step == "info":
                request.request_info("lee@contoso.com", now, "more please", [], None)
            elif step == "resume":
                request.resume("alex@contoso.com", now, Sla(calendar), reply=True)
            elif step == "complete":
                request.complete("lee@contoso.com", now)
            elif step == "cancel":
                request.cancel("alex@contoso.com", now)
            elif step == "decline":
                request.decline_request("lee@contoso.com", now, Decline(reason="duplicate"))
            else:
                request.remind(now, None, "emea-leads")
        except Exception:
            continue
    return request


def rebuilt(ctx, requests: list[FtaRequest]) -> dict:
    """The documents a rebuild computes from these requests, each day's shards added up."""
    return rules.whole_days(rules.total(rules.contribution(rules.facts(r, len(r.history), ctx.sla)) for r in requests))


def figures(ctx, requests: list[FtaRequest]) -> dict:
    days = {rules.day_key(r.created_at.date()) for r in requests}
    return reporting.snapshot(ctx, [rules.current_key(s) for s in range(rules.SHARDS)] + sorted(days))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(scripts=st.lists(st.tuples(STEPS, st.integers(1, 30), st.integers(0, 3)), min_size=1, max_size=4),
       data=st.data())
def test_any_order_and_repetition_of_the_events_gives_the_in_order_figures(ctx, scripts, data):
    ctx.reports.clear()
    for item in ctx.requests.newest_first(reporting.RequestFilter(), limit=200, continuation=None).items:
        ctx.store.delete("requests", item.id)
    requests = [scripted(f"FTA-H{i:09d}", steps, ctx.calendar, START + timedelta(days=day), gap)
                for i, (steps, gap, day) in enumerate(scripts)]
    for request in requests:
        ctx.requests.add(request)
    events = [event for request in requests for event in request.history]
    for event in events:  # one in-order pass
        reporting.update_reports(ctx, event)
    in_order = figures(ctx, requests)
    expected = rebuilt(ctx, requests)
    assert in_order == {k: v for k, v in expected.items()}

    ctx.reports.clear()
    delivered = data.draw(st.permutations(events + data.draw(st.lists(st.sampled_from(events), max_size=10))))
    for event in delivered:
        reporting.update_reports(ctx, event)
    assert figures(ctx, requests) == in_order


def test_a_crash_between_the_projection_and_the_aggregates_is_finished_once(ctx):
    request = scripted("FTA-CRASH00001", ["assign"], ctx.calendar, START, 2)
    ctx.requests.add(request)
    save = ctx.reports.save_aggregate
    calls = []

    def crash_after_one(aggregate):
        calls.append(aggregate.key)
        if len(calls) == 2:
            raise RuntimeError("the process died here")
        return save(aggregate)

    ctx.reports.save_aggregate = crash_after_one
    with pytest.raises(RuntimeError):
        reporting.update_reports(ctx, request.history[-1])
    ctx.reports.save_aggregate = save
    for event in request.history * 2:  # the redelivery, then everything again
        reporting.update_reports(ctx, event)
    assert figures(ctx, [request]) == rebuilt(ctx, [request])


def test_the_balancer_reads_the_same_loads_the_requests_hold(ctx):
    requests = [scripted(f"FTA-LOAD{i:06d}", steps, ctx.calendar, START, 1) for i, steps in enumerate(
        [["assign"], ["assign", "complete"], ["assign", "reassign"], ["assign", "cancel"], []])]
    for request in requests:
        ctx.requests.add(request)
        reporting.refresh(ctx, request)
    opened, ever = reporting.architect_loads(ctx, ARCHITECTS)
    assert {a: (opened[a], ever[a]) for a in ARCHITECTS} == {a: ctx.requests.architect_load(a) for a in ARCHITECTS}


DANGEROUS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tleading tab", "\rcarriage"]


def test_the_csv_neutralises_every_dangerous_first_character_and_reads_back(ctx):
    requests = []
    for i, name in enumerate(DANGEROUS + ["Contoso, Ltd \"quoted\""]):
        request = FtaRequest.submit(RequestForm.model_validate(form(customerName="x")), Person(email="alex@contoso.com"),
                                    START + timedelta(minutes=i), request_id=f"FTA-CSV{i:07d}")
        request.customer_name = name  # what a stored document could hold, whatever intake allows
        ctx.requests.add(request)
        requests.append(request)
    body = "".join(export.export_requests(ctx, LEAD_P, ExportRequests()))
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:], newline="")))
    assert [r["id"] for r in rows] == [r.id for r in reversed(requests)]
    names = {r["id"]: r["customerName"] for r in rows}
    for request, given_name in zip(requests, DANGEROUS[:4]):  # tab and CR: below, the store strips them
        assert names[request.id] == "'" + given_name
    assert names[requests[-1].id] == "Contoso, Ltd \"quoted\""
    assert rows[0]["createdAt"].endswith("Z") and "T" in rows[0]["createdAt"]
    assert "comment" not in ",".join(rows[0]).lower() and "instructions" not in rows[0]


@pytest.mark.parametrize("value", DANGEROUS)
def test_each_dangerous_first_character_gets_a_quote_in_any_column(ctx, value):
    # Tab and CR cannot survive the store's single-line fields, so each value is also put in a row directly.
    request = FtaRequest.submit(RequestForm.model_validate(form()), Person(email="alex@contoso.com"), START,
                                request_id="FTA-CSVDIRECT1")
    request.customer_name = request.partner = value
    line = export._line(export.row(ctx, request))
    [read] = list(csv.reader(io.StringIO(line, newline="")))
    cells = dict(zip(export.COLUMNS, read))
    assert cells["customerName"] == cells["partner"] == "'" + value
    assert export.neutralised("plain") == "plain" and export.neutralised(None) == ""


def test_reports_are_for_leads_and_admins_only(ctx):
    with pytest.raises(Forbidden):
        reporting.sla_report(ctx, REQUESTOR_P, SlaReport())
    with pytest.raises(Forbidden):
        export.export_requests(ctx, REQUESTOR_P, ExportRequests())
    with pytest.raises(InvalidInput) as refused:
        export.export_requests(ctx, LEAD_P, ExportRequests(lead_group="nobody"))
    assert refused.value.details[0]["field"] == "leadGroup"

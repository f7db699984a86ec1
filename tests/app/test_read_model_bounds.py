"""The read model counts each change once with aggregates that keep only a
bounded window of recent marks: any order, repetition and crash point (before
or after a write lands, between the projection and the aggregates, and after)
gives the figures of a rebuild; a finisher that paused while its marks left
the window adds nothing; and on SQLite no read-model document grows with the
number of requests (10,000 open requests submitted in one day)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared import topology
from shared.app import read_model, reporting
from shared.domain import reporting as rules
from shared.domain.model import FtaRequest, Person, RequestForm
from shared.domain.sla import Sla
from shared.app.commands import SlaReport
from tests.app.conftest import LEAD_P
from tests.app.test_reporting import STEPS, rebuilt, scripted
from tests.factories import form
from tests.harness import START

LIMIT_BYTES = 16 * 1024


class Crash(RuntimeError):
    """The process died at this write."""


def crash_at(ctx, target: int, landed: bool):
    """Make the ``target``-th read-model write (projections and aggregates
    alike, counted from 1) raise, before it lands or after; returns the undo."""
    saves = {"save_projection": ctx.reports.save_projection, "save_aggregate": ctx.reports.save_aggregate}
    calls = [0]

    def wrap(real):
        def save(doc):
            calls[0] += 1
            if calls[0] != target:
                return real(doc)
            if landed:
                real(doc)
            raise Crash(f"write {target}")
        return save

    for name, real in saves.items():
        setattr(ctx.reports, name, wrap(real))
    return lambda: [setattr(ctx.reports, name, real) for name, real in saves.items()]


def reset(ctx) -> None:
    ctx.reports.clear()
    for item in ctx.requests.newest_first(reporting.RequestFilter(), limit=200, continuation=None).items:
        ctx.store.delete("requests", item.id)


def figures(ctx, requests: list[FtaRequest]) -> dict:
    days = {rules.day_key(r.created_at.date()) for r in requests}
    return reporting.snapshot(ctx, [rules.current_key(s) for s in range(rules.SHARDS)] + sorted(days))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(scripts=st.lists(st.tuples(STEPS, st.integers(1, 30), st.integers(0, 2)), min_size=1, max_size=4),
       window=st.integers(1, 3), crash=st.integers(1, 24), landed=st.booleans(), data=st.data())
def test_any_order_repetition_and_crash_point_gives_the_rebuilds_figures(ctx, monkeypatch, scripts, window, crash,
                                                                         landed, data):
    monkeypatch.setattr(read_model, "WINDOW", window)  # a tiny window: marks leave it all the time
    reset(ctx)
    requests = [scripted(f"FTA-B{i:09d}", steps, ctx.calendar, START + timedelta(days=day), gap)
                for i, (steps, gap, day) in enumerate(scripts)]
    for request in requests:
        ctx.requests.add(request)
    events = [event for request in requests for event in request.history]
    delivered = data.draw(st.permutations(events + data.draw(st.lists(st.sampled_from(events), max_size=8))))
    undo = crash_at(ctx, crash, landed)
    redelivered = []
    for event in delivered:
        try:
            reporting.update_reports(ctx, event)
        except Crash:
            redelivered.append(event)  # the host redelivers after the lock expires, after the others
    undo()
    for event in redelivered:
        reporting.update_reports(ctx, event)
    incremental = figures(ctx, requests)
    reporting.rebuild(ctx)
    assert incremental == figures(ctx, requests)
    assert incremental == rebuilt(ctx, requests)


def routed(request_id: str, ctx, at=START) -> FtaRequest:
    request = FtaRequest.submit(RequestForm.model_validate(form()), Person(email="alex@contoso.com"), at,
                                request_id=request_id)
    request.route("emea-leads", at, Sla(ctx.calendar))
    return request


def test_a_finisher_that_paused_while_its_marks_left_the_window_adds_nothing(ctx, monkeypatch):
    monkeypatch.setattr(read_model, "WINDOW", 2)
    late = routed("FTA-LATE00000", ctx)
    undo = crash_at(ctx, 1, landed=True)  # the projection's change is written; the pass stops there...
    with pytest.raises(Crash):
        read_model.project(ctx, late)
    undo()
    paused = ctx.reports.projection(late.id)  # ...as a pass that read it and then paused would hold it
    assert paused.pending
    read_model.project(ctx, late)  # another delivery finishes the change and clears it
    others = [routed(f"FTA-OTHR{i:05d}", ctx) for i in range(48)]
    for request in others:
        read_model.project(ctx, request)
    keys = list(paused.pending)
    assert all(not read_model._marked(ctx.reports.aggregate(k), late.id, paused.seq) for k in keys), "marks left"
    read_model._finish(ctx, paused)  # the paused pass wakes up
    expected = rebuilt(ctx, [late, *others])
    assert figures(ctx, [late, *others]) == expected


def test_a_change_left_half_applied_keeps_its_mark_until_it_is_finished(ctx, monkeypatch):
    monkeypatch.setattr(read_model, "WINDOW", 2)
    half = routed("FTA-HALF00000", ctx)
    undo = crash_at(ctx, 3, landed=False)  # projection written, first aggregate written, the second never
    with pytest.raises(Crash):
        read_model.project(ctx, half)
    undo()
    owed = ctx.reports.projection(half.id)
    first = sorted(owed.pending)[0]
    others = [routed(f"FTA-OTHR{i:05d}", ctx) for i in range(48)]
    for request in others:
        read_model.project(ctx, request)
    assert read_model._marked(ctx.reports.aggregate(first), half.id, owed.seq), "kept while the change is owed"
    assert len(ctx.reports.aggregate(first).recent) <= 2 + 1
    read_model.project(ctx, half)  # the redelivery
    expected = rebuilt(ctx, [half, *others])
    assert figures(ctx, [half, *others]) == expected


def document_sizes(ctx) -> dict[str, int]:
    sizes, continuation = {}, None
    while True:
        page = ctx.store.query(topology.REPORTS, limit=500, continuation=continuation)
        for doc in page.items:
            sizes[doc["id"]] = len(json.dumps(doc, separators=(",", ":")).encode("utf-8"))
        continuation = page.continuation
        if continuation is None:
            return sizes


def one_day_of(ctx, count: int, first: int = 0) -> list[FtaRequest]:
    """``count`` requests submitted and routed over one working day, left open."""
    spacing = timedelta(hours=9) / count
    return [routed(f"FTA-DAY{i:07d}", ctx, START + i * spacing) for i in range(first, first + count)]


def test_no_read_model_document_grows_with_the_number_of_requests(ctx):
    for request in one_day_of(ctx, 1000):
        read_model.project(ctx, request)
    at_1000 = document_sizes(ctx)
    for request in one_day_of(ctx, 9000, first=1000):
        read_model.project(ctx, request)
    at_10000 = document_sizes(ctx)
    aggregates = {key: size for key, size in at_10000.items() if key.startswith("a.")}
    assert len(at_10000) == 10000 + len(aggregates)
    assert max(at_10000.values()) <= LIMIT_BYTES, max(at_10000.items(), key=lambda kv: kv[1])
    for key, size in aggregates.items():  # the counts gain a digit; no key, no mark is added
        assert size <= at_1000[key] + 64, (key, at_1000[key], size)
    projections = [size for key, size in at_10000.items() if key.startswith("p.")]
    assert max(projections) == max(size for key, size in at_1000.items() if key.startswith("p."))
    counts = reporting.status_counts(ctx)
    assert counts["routed"] == 10000


def test_a_day_of_assignments_keeps_its_times_in_one_document_bounded_by_the_times_seen(ctx):
    """Assigned at scattered times: the day's times to assign, in tenths of an hour, are
    one document whose keys are the distinct tenths seen (per dimension), not the requests."""
    def assigned(count: int, first: int = 0) -> None:
        for request in one_day_of(ctx, count, first):
            minutes = (request.created_at - START) // timedelta(minutes=1)
            request.assign(("eva.novak@contoso.com", "farid.haddad@contoso.com")[minutes % 2], "lee@contoso.com",
                           request.created_at + timedelta(minutes=(minutes * 37) % 600))
            read_model.project(ctx, request)

    assigned(1000)
    at_1000 = document_sizes(ctx)
    assigned(9000, first=1000)
    at_10000 = document_sizes(ctx)
    times = "a." + rules.day_key(START.date(), rules.TIMES)
    assert max(at_10000.values()) <= LIMIT_BYTES, max(at_10000.items(), key=lambda kv: kv[1])
    assert at_10000[times] <= at_1000[times] + 2048, (at_1000[times], at_10000[times])  # larger counts, hardly a key
    for key, size in at_10000.items():
        if key.startswith("a.sla.") and key != times:
            assert "|t" not in json.dumps(ctx.store.read(topology.REPORTS, key).doc), key
    report = reporting.sla_report(ctx, LEAD_P, SlaReport(first_day=START.date(), last_day=START.date()))
    [group] = [g for g in report["groups"] if g["key"] == "emea-leads"]
    assert group["assigned"] == 10000 and group["timeToAssignBusinessHours"]["p90"] is not None

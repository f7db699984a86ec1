"""The stored form of a request leaves out what reading it back restores (nulls,
defaults of fields no query reads, each event's requestId): every request reads
back equal to what was saved, an older document with its nulls reads the same,
and the queries that test a field which may be missing find what they found."""

from __future__ import annotations

from datetime import timedelta

from shared.adapters.repositories import StoredRequests
from shared.app.ports import RequestFilter
from shared.domain.engagement import Feedback
from shared.domain.model import FtaRequest, Person, RequestForm, Status
from shared.domain.sla import Sla
from tests.factories import form, migration_form
from tests.harness import START

ARCHITECT = "eva.novak@contoso.com"
LEAD = "lee@contoso.com"


def lifecycle(ctx, steps: int, body: dict, request_id: str) -> FtaRequest:
    request = FtaRequest.submit(RequestForm.model_validate(body), Person(email="alex@contoso.com", name="Alex"), START,
                                request_id=request_id)
    later = [START + timedelta(hours=h) for h in range(1, 8)]
    moves = [
        lambda: request.route("emea-leads", later[0], Sla(ctx.calendar)),
        lambda: request.request_info(LEAD, later[1], "The SOW, please.", [], None),
        lambda: request.assign(ARCHITECT, LEAD, later[2], architect_name="Eva Novak"),
        lambda: request.complete(ARCHITECT, later[3], {"notes": "Ready."}),
        lambda: request.give_feedback(Feedback(rating=5), "alex@contoso.com", later[4]),
    ]
    for move in moves[:steps]:
        move()
    return request


def test_every_request_reads_back_as_it_was_saved_and_its_document_holds_no_null(ctx):
    requests = StoredRequests(ctx.store)
    bodies = (form(), migration_form(participants=[{"email": "ana@contoso.com", "role": "atu"}]))
    for steps in range(6):
        for n, body in enumerate(bodies):
            request = lifecycle(ctx, steps, body, f"FTA-STORED{steps}{n}")
            requests.add(request)
            read, _ = requests.get(request.id)
            assert read == request, (steps, n)
            stored = ctx.store.read("requests", request.id).doc
            assert None not in stored.values()
            assert all("requestId" not in event and None not in event.values() for event in stored["history"])
            assert stored["status"] == request.status.value and stored["createdAt"]


def test_an_older_document_with_its_nulls_and_event_ids_reads_the_same(ctx):
    request = lifecycle(ctx, 3, form(), "FTA-OLDERFORM1")
    ctx.store.create("requests", request.to_json_dict())  # as documents were stored before
    read, _ = StoredRequests(ctx.store).get(request.id)
    assert read == request


def test_queries_on_fields_that_may_be_missing_find_what_they_should(ctx):
    requests = StoredRequests(ctx.store)
    waiting = lifecycle(ctx, 1, form(), "FTA-WAITING001")  # routed: a reminder and an assignment due
    done = lifecycle(ctx, 4, form(), "FTA-COMPLETED1")  # no reminder, no due time
    for request in (waiting, done):
        requests.add(request)
    far = START + timedelta(days=30)
    assert requests.reminders_due(far, limit=10) == [waiting.id]
    assert [r.id for r in requests.overdue(far, limit=10).items] == [waiting.id]
    assert [r.id for r in requests.newest_first(RequestFilter(architect=ARCHITECT), limit=10, continuation=None).items] \
        == [done.id]
    assert {r.id for r in requests.newest_first(RequestFilter(statuses=(Status.COMPLETED,)), limit=10,
                                                continuation=None).items} == {done.id}

"""The requests repository's lookup of open requests for a TPID, on SQLite and
the Cosmos DB protocol server: only open ones, newest first, bounded; on
SQLite through the tpid index, never a scan of the table."""

from __future__ import annotations

import pytest

from shared.adapters.repositories import StoredRequests
from shared.domain.model import FtaRequest, Person, RequestForm
from tests.factories import form

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def stored(requests: StoredRequests, clock, request_id: str, tpid: str, *, closed: bool = False) -> FtaRequest:
    clock.advance(minutes=1)
    request = FtaRequest.submit(RequestForm.model_validate(form(tpid=tpid)), Person(email="ann@contoso.com"),
                                clock(), request_id=request_id)
    if closed:
        request.cancel("ann@contoso.com", clock())
    requests.add(request)
    return request


def test_open_requests_for_a_tpid_are_the_open_ones_newest_first_and_bounded(store, clock):
    requests = StoredRequests(store)
    stored(requests, clock, "FTA-OLD", "5001")
    stored(requests, clock, "FTA-CLOSED", "5001", closed=True)
    stored(requests, clock, "FTA-OTHER", "5002")
    routed = stored(requests, clock, "FTA-ROUTED", "5001")
    routed.route("emea-leads", clock())
    requests.save(routed, requests.get("FTA-ROUTED")[1])
    stored(requests, clock, "FTA-NEW", "5001")

    assert [r.id for r in requests.open_for_tpid("5001", limit=5)] == ["FTA-NEW", "FTA-ROUTED", "FTA-OLD"]
    assert [r.id for r in requests.open_for_tpid("5001", limit=2)] == ["FTA-NEW", "FTA-ROUTED"]
    assert [r.id for r in requests.open_for_tpid("5002", limit=5)] == ["FTA-OTHER"]
    assert requests.open_for_tpid("5003", limit=5) == []


def test_on_sqlite_the_lookup_searches_an_index_instead_of_scanning(sqlite_store, clock):
    requests = StoredRequests(sqlite_store)
    for n in range(30):
        stored(requests, clock, f"FTA-{n:03d}", str(6000 + n % 3))
    statements: list[str] = []
    connection = sqlite_store._connection()
    connection.set_trace_callback(statements.append)
    try:
        assert len(requests.open_for_tpid("6001", limit=5)) == 5
    finally:
        connection.set_trace_callback(None)
    (lookup,) = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    plan = " | ".join(row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + lookup))
    assert plan.startswith("SEARCH requests USING INDEX requests_tpid"), plan
    assert "SCAN" not in plan, plan

"""The document store contract: every test runs against SQLite and the Cosmos DB protocol server."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from shared.adapters.store.base import Conflict, DocumentStore, Item, ItemNotFound, PreconditionFailed, Where
from shared.topology import IDEMPOTENCY, NOTIFICATIONS, REQUESTS

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def a_request(request_id: str, **fields) -> dict:
    return {
        "id": request_id,
        "status": "submitted",
        "requestor": {"email": "ann@contoso.com", "name": "Ann"},
        "history": [{"id": "ev-1", "type": "request.submitted", "dispatched": False}],
        "totalUsers": 200,
        **fields,
    }


def all_pages(store: DocumentStore, container: str, where=(), **options) -> list[list[dict]]:
    pages, continuation = [], None
    while True:
        page = store.query(container, where, continuation=continuation, **options)
        pages.append(page.items)
        continuation = page.continuation
        if continuation is None:
            return pages


def ids(docs: list[dict]) -> list[str]:
    return [doc["id"] for doc in docs]


# -- point operations ---------------------------------------------------------


def test_the_store_satisfies_the_port(store):
    assert isinstance(store, DocumentStore)
    assert store.health()["ok"] is True
    assert store.health()["backend"] == store.name


def test_create_then_read_returns_the_document_and_its_etag(store):
    doc = a_request("FTA-1", leadGroup=None, fundingAmountUsd=75000.5, entitlements=["ems"])
    etag = store.create(REQUESTS, doc)
    assert store.read(REQUESTS, "FTA-1") == Item(doc=doc, etag=etag)


def test_read_of_an_unknown_id_is_none(store):
    assert store.read(REQUESTS, "FTA-MISSING") is None


def test_create_with_an_existing_id_conflicts_and_keeps_the_first(store):
    first = a_request("FTA-1", status="submitted")
    etag = store.create(REQUESTS, first)
    with pytest.raises(Conflict):
        store.create(REQUESTS, a_request("FTA-1", status="routed"))
    assert store.read(REQUESTS, "FTA-1") == Item(doc=first, etag=etag)


def test_containers_keep_separate_documents_with_the_same_id(store):
    store.create(REQUESTS, {"id": "same", "kind": "request"})
    store.create(NOTIFICATIONS, {"id": "same", "kind": "notification"})
    assert store.read(REQUESTS, "same").doc["kind"] == "request"
    assert store.read(NOTIFICATIONS, "same").doc["kind"] == "notification"


def test_replace_with_the_current_etag_writes_and_gives_a_new_etag(store):
    etag = store.create(REQUESTS, a_request("FTA-1"))
    routed = a_request("FTA-1", status="routed", leadGroup="emea-leads")
    new_etag = store.replace(REQUESTS, routed, etag=etag)
    assert new_etag != etag
    assert store.read(REQUESTS, "FTA-1") == Item(doc=routed, etag=new_etag)


def test_replace_with_a_stale_etag_fails_and_keeps_the_winner(store):
    stale = store.create(REQUESTS, a_request("FTA-1"))
    current = store.replace(REQUESTS, a_request("FTA-1", status="routed"), etag=stale)
    with pytest.raises(PreconditionFailed):
        store.replace(REQUESTS, a_request("FTA-1", status="cancelled"), etag=stale)
    assert store.read(REQUESTS, "FTA-1") == Item(doc=a_request("FTA-1", status="routed"), etag=current)


def test_two_writers_holding_one_etag_exactly_one_wins(store):
    etag = store.create(REQUESTS, a_request("FTA-1"))
    outcomes = []
    for architect in ("ana@contoso.com", "bo@contoso.com"):
        try:
            store.replace(REQUESTS, a_request("FTA-1", status="assigned", architect=architect), etag=etag)
            outcomes.append(architect)
        except PreconditionFailed:
            outcomes.append("refused")
    assert outcomes == ["ana@contoso.com", "refused"]
    assert store.read(REQUESTS, "FTA-1").doc["architect"] == "ana@contoso.com"


def test_concurrent_writers_holding_one_etag_exactly_one_wins(store):
    etag = store.create(REQUESTS, a_request("FTA-1"))
    writers = 8
    start = threading.Barrier(writers)
    winners, refused, failures = [], [], []

    def assign(architect: str) -> None:
        start.wait()
        try:
            store.replace(REQUESTS, a_request("FTA-1", status="assigned", architect=architect), etag=etag)
            winners.append(architect)
        except PreconditionFailed:
            refused.append(architect)
        except Exception as error:  # surfaced by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=assign, args=(f"fta{n}@contoso.com",)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert len(winners) == 1 and len(refused) == writers - 1
    assert store.read(REQUESTS, "FTA-1").doc["architect"] == winners[0]


def test_replace_of_a_missing_document_is_not_found(store):
    with pytest.raises(ItemNotFound):
        store.replace(REQUESTS, a_request("FTA-MISSING"), etag="any")


def test_delete_removes_the_document(store):
    store.create(REQUESTS, a_request("FTA-1"))
    store.delete(REQUESTS, "FTA-1")
    assert store.read(REQUESTS, "FTA-1") is None
    store.create(REQUESTS, a_request("FTA-1"))
    assert store.read(REQUESTS, "FTA-1") is not None


def test_delete_with_the_current_etag_removes_and_with_a_stale_one_refuses(store):
    stale = store.create(REQUESTS, a_request("FTA-1"))
    current = store.replace(REQUESTS, a_request("FTA-1", status="routed"), etag=stale)
    with pytest.raises(PreconditionFailed):
        store.delete(REQUESTS, "FTA-1", etag=stale)
    assert store.read(REQUESTS, "FTA-1") is not None
    store.delete(REQUESTS, "FTA-1", etag=current)
    assert store.read(REQUESTS, "FTA-1") is None


def test_delete_of_a_missing_document_is_not_found(store):
    with pytest.raises(ItemNotFound):
        store.delete(REQUESTS, "FTA-MISSING")
    with pytest.raises(ItemNotFound):
        store.delete(REQUESTS, "FTA-MISSING", etag="any")


@pytest.mark.parametrize(
    "doc",
    [
        {"status": "no id"},
        {"id": ""},
        {"id": 42},
        {"id": "a/b"},
        {"id": "a#b"},
        {"id": "x" * 256},
        {"id": "FTA-1", "ttl": 60},
        {"id": "FTA-1", "_etag": "mine"},
    ],
    ids=["no-id", "empty-id", "number-id", "slash", "hash", "too-long", "ttl-field", "system-field"],
)
def test_documents_the_backends_cannot_both_keep_are_refused(store, doc):
    with pytest.raises(ValueError):
        store.create(REQUESTS, doc)
    assert store.count(REQUESTS) == 0


def test_an_unknown_container_is_refused(store):
    with pytest.raises(ValueError):
        store.read("customers", "FTA-1")
    with pytest.raises(ValueError):
        store.create("customers", {"id": "FTA-1"})


# -- time to live -------------------------------------------------------------


def test_a_document_with_a_ttl_is_readable_before_expiry_without_a_ttl_field(store):
    doc = {"id": "ev-1:routed:lead@contoso.com", "sentAt": "2025-01-06T09:00:00Z"}
    etag = store.create(NOTIFICATIONS, doc, ttl_seconds=3600)
    assert store.read(NOTIFICATIONS, doc["id"]) == Item(doc=doc, etag=etag)
    assert ids(store.query(NOTIFICATIONS).items) == [doc["id"]]
    assert store.count(NOTIFICATIONS) == 1


def test_a_ttl_on_a_container_that_keeps_no_ttl_is_refused(store):
    with pytest.raises(ValueError):
        store.create(REQUESTS, a_request("FTA-1"), ttl_seconds=60)
    assert store.read(REQUESTS, "FTA-1") is None


@pytest.mark.parametrize("ttl_seconds", [0, -5, 1.5])
def test_a_ttl_must_be_whole_positive_seconds(store, ttl_seconds):
    with pytest.raises(ValueError):
        store.create(IDEMPOTENCY, {"id": "key-1"}, ttl_seconds=ttl_seconds)


# SQLite expires documents itself (the clock is injected); the Cosmos DB protocol
# server never expires them, so Cosmos's side is the ttl field, checked in
# tests/integration/test_cosmos_adapter.py.


def test_sqlite_hides_an_expired_document_from_every_read(sqlite_store, clock):
    sqlite_store.create(IDEMPOTENCY, {"id": "key-1", "status": 201}, ttl_seconds=60)
    sqlite_store.create(IDEMPOTENCY, {"id": "key-2", "status": 201})
    clock.advance(seconds=59)
    assert sqlite_store.read(IDEMPOTENCY, "key-1") is not None
    clock.advance(seconds=1)
    assert sqlite_store.read(IDEMPOTENCY, "key-1") is None
    assert ids(sqlite_store.query(IDEMPOTENCY).items) == ["key-2"]
    assert sqlite_store.count(IDEMPOTENCY) == 1
    assert sqlite_store.count(IDEMPOTENCY, [Where("status", "=", 201)]) == 1


def test_sqlite_treats_an_expired_document_as_absent_for_writes(sqlite_store, clock):
    etag = sqlite_store.create(IDEMPOTENCY, {"id": "key-1", "answer": "first"}, ttl_seconds=60)
    clock.advance(seconds=61)
    with pytest.raises(ItemNotFound):
        sqlite_store.replace(IDEMPOTENCY, {"id": "key-1", "answer": "late"}, etag=etag)
    with pytest.raises(ItemNotFound):
        sqlite_store.delete(IDEMPOTENCY, "key-1")
    new_etag = sqlite_store.create(IDEMPOTENCY, {"id": "key-1", "answer": "second"}, ttl_seconds=60)
    assert sqlite_store.read(IDEMPOTENCY, "key-1") == Item(doc={"id": "key-1", "answer": "second"}, etag=new_etag)


def test_sqlite_replace_without_a_ttl_keeps_the_document_for_good(sqlite_store, clock):
    etag = sqlite_store.create(NOTIFICATIONS, {"id": "n-1"}, ttl_seconds=60)
    sqlite_store.replace(NOTIFICATIONS, {"id": "n-1", "sent": True}, etag=etag)
    clock.advance(seconds=10 * 365 * 24 * 3600)
    assert sqlite_store.read(NOTIFICATIONS, "n-1").doc == {"id": "n-1", "sent": True}


def test_sqlite_purges_expired_rows_on_later_writes(sqlite_store, clock):
    for n in range(3):
        sqlite_store.create(NOTIFICATIONS, {"id": f"old-{n}"}, ttl_seconds=60)
    clock.advance(seconds=3600)
    sqlite_store.create(NOTIFICATIONS, {"id": "new"}, ttl_seconds=60)
    with sqlite3.connect(sqlite_store.path) as raw:
        stored = [row[0] for row in raw.execute(f'SELECT id FROM "{NOTIFICATIONS}"')]
    assert stored == ["new"]


# -- queries ------------------------------------------------------------------

SEEDED = [
    a_request("r1", status="submitted", totalUsers=150, leadGroup=None, createdAt="2025-01-01T09:00:00Z"),
    a_request(
        "r2", status="routed", totalUsers=300, leadGroup="emea-leads",
        requestor={"email": "bob@contoso.com", "name": "Bob"}, createdAt="2025-01-02T09:00:00Z",
    ),
    a_request(
        "r3", status="assigned", totalUsers=500, leadGroup="fta-alignment", architect="ana@contoso.com",
        requestor={"email": "cy@contoso.com", "name": "Cy"}, createdAt="2025-01-03T09:00:00Z",
    ),
    a_request("r4", status="routed", totalUsers=1000, leadGroup="emea-leads", createdAt="2025-01-04T09:00:00Z"),
    a_request(
        "r5", status="cancelled", totalUsers=150, architect=None, pendingDispatch=True,
        requestor={"email": "bob@contoso.com", "name": "Bob"}, createdAt="2025-01-05T09:00:00Z",
    ),
]


@pytest.fixture
def seeded(store):
    for doc in SEEDED:
        store.create(REQUESTS, doc)
    return store


@pytest.mark.parametrize(
    "where, expected",
    [
        ([], {"r1", "r2", "r3", "r4", "r5"}),
        ([Where("status", "=", "routed")], {"r2", "r4"}),
        ([Where("status", "!=", "routed")], {"r1", "r3", "r5"}),
        ([Where("totalUsers", "<", 300)], {"r1", "r5"}),
        ([Where("totalUsers", "<=", 300)], {"r1", "r2", "r5"}),
        ([Where("totalUsers", ">", 500)], {"r4"}),
        ([Where("totalUsers", ">=", 500)], {"r3", "r4"}),
        ([Where("status", "in", ["submitted", "assigned"])], {"r1", "r3"}),
        ([Where("status", "in", [])], set()),
        ([Where("leadGroup", "in", [None, "fta-alignment"])], {"r1", "r3", "r5"}),
        ([Where("requestor.email", "=", "bob@contoso.com")], {"r2", "r5"}),
        ([Where("architect", "=", None)], {"r1", "r2", "r4", "r5"}),
        ([Where("architect", "!=", None)], {"r3"}),
        ([Where("leadGroup", "!=", "emea-leads")], {"r1", "r3", "r5"}),
        ([Where("pendingDispatch", "=", True)], {"r5"}),
        ([Where("createdAt", ">=", "2025-01-02T00:00:00Z"), Where("createdAt", "<", "2025-01-04T00:00:00Z")],
         {"r2", "r3"}),
        ([Where("status", "=", "routed"), Where("totalUsers", ">", 300)], {"r4"}),
        ([Where("id", "=", "r3")], {"r3"}),
        ([Where("status", "=", "completed")], set()),
    ],
    ids=[
        "all", "eq", "ne", "lt", "le", "gt", "ge", "in", "in-empty", "in-with-null", "dotted-path",
        "eq-null-or-missing", "ne-null", "ne-value-includes-null-and-missing", "bool", "time-range", "and",
        "id", "none-match",
    ],
)
def test_query_and_count_agree_on_every_condition(seeded, where, expected):
    found = [doc for page in all_pages(seeded, REQUESTS, where) for doc in page]
    assert set(ids(found)) == expected
    assert len(found) == len(expected)
    assert all(doc == next(s for s in SEEDED if s["id"] == doc["id"]) for doc in found)
    assert seeded.count(REQUESTS, where) == len(expected)


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_paging_in_order_visits_every_document_once(store, descending):
    docs = [
        a_request(f"FTA-{n:02d}", createdAt=f"2025-01-{1 + n // 3:02d}T09:00:00Z", status="routed")
        for n in range(11)
    ]
    for doc in reversed(docs):
        store.create(REQUESTS, doc)
    pages = all_pages(store, REQUESTS, order_by="createdAt", descending=descending, limit=3)
    expected = sorted(docs, key=lambda d: (d["createdAt"], d["id"]), reverse=descending)
    assert [len(page) for page in pages] == [3, 3, 3, 2]
    assert [doc for page in pages for doc in page] == expected


def test_paging_with_a_filter_and_writes_between_pages_neither_skips_nor_repeats(store):
    for n in range(10):
        status = "routed" if n % 2 == 0 else "assigned"
        store.create(REQUESTS, a_request(f"FTA-{n:02d}", createdAt=f"2025-02-{1 + n:02d}T00:00:00Z", status=status))
    where = [Where("status", "=", "routed")]
    first = store.query(REQUESTS, where, order_by="createdAt", limit=2)
    store.create(REQUESTS, a_request("FTA-EARLY", createdAt="2025-01-01T00:00:00Z", status="routed"))
    fresh = all_pages(store, REQUESTS, where, order_by="createdAt", limit=2)
    seen, continuation = list(ids(first.items)), first.continuation
    while continuation:
        page = store.query(REQUESTS, where, order_by="createdAt", limit=2, continuation=continuation)
        seen += ids(page.items)
        continuation = page.continuation
    assert seen == ["FTA-00", "FTA-02", "FTA-04", "FTA-06", "FTA-08"]
    assert [ids(page) for page in fresh] == [["FTA-EARLY", "FTA-00"], ["FTA-02", "FTA-04"], ["FTA-06", "FTA-08"]]


def test_paging_by_id_when_no_order_is_given(store):
    for n in reversed(range(7)):
        store.create(IDEMPOTENCY, {"id": f"key-{n}"})
    pages = all_pages(store, IDEMPOTENCY, limit=3)
    assert [ids(page) for page in pages] == [["key-0", "key-1", "key-2"], ["key-3", "key-4", "key-5"], ["key-6"]]


def test_ordering_leaves_out_documents_without_the_field(store):
    store.create(REQUESTS, a_request("with", nextReminderAt="2025-01-06T10:00:00Z"))
    store.create(REQUESTS, a_request("null", nextReminderAt=None))
    store.create(REQUESTS, a_request("missing"))
    assert ids(store.query(REQUESTS, order_by="nextReminderAt").items) == ["with"]


def test_an_exactly_full_last_page_carries_no_continuation(store):
    for n in range(4):
        store.create(REQUESTS, a_request(f"FTA-{n}", createdAt=f"2025-01-0{n + 1}T00:00:00Z"))
    pages = all_pages(store, REQUESTS, order_by="createdAt", limit=2)
    assert [ids(page) for page in pages] == [["FTA-0", "FTA-1"], ["FTA-2", "FTA-3"]]


def test_a_continuation_from_another_query_is_refused(store):
    for n in range(3):
        store.create(REQUESTS, a_request(f"FTA-{n}", createdAt=f"2025-01-0{n + 1}T00:00:00Z", status="routed"))
    token = store.query(REQUESTS, [Where("status", "=", "routed")], order_by="createdAt", limit=1).continuation
    assert token
    with pytest.raises(ValueError):
        store.query(REQUESTS, [Where("status", "=", "assigned")], order_by="createdAt", limit=1, continuation=token)
    with pytest.raises(ValueError):
        store.query(REQUESTS, order_by="createdAt", descending=True, limit=1, continuation=token)
    with pytest.raises(ValueError):
        store.query(REQUESTS, order_by="createdAt", limit=1, continuation="not-a-token")


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.query(REQUESTS, [Where('status") OR 1=1 --', "=", "x")]),
        lambda s: s.query(REQUESTS, [Where("status']) OR true OR (c['x", "=", "x")]),
        lambda s: s.count(REQUESTS, [Where("requestor..email", "=", "x")]),
        lambda s: s.query(REQUESTS, order_by="createdAt DESC, id"),
        lambda s: s.query(REQUESTS, [Where("status", "like", "x")]),
        lambda s: s.query(REQUESTS, [Where("totalUsers", ">", None)]),
        lambda s: s.query(REQUESTS, [Where("status", "=", ["routed"])]),
        lambda s: s.query(REQUESTS, [Where("status", "in", "routed")]),
        lambda s: s.query(REQUESTS, limit=0),
        lambda s: s.query(REQUESTS, limit=1001),
    ],
    ids=[
        "quote-injection", "bracket-injection", "empty-segment", "order-injection", "unknown-op",
        "range-null", "list-value", "in-string", "limit-zero", "limit-too-big",
    ],
)
def test_malformed_queries_are_refused_before_reaching_the_backend(seeded, call):
    with pytest.raises(ValueError):
        call(seeded)
    assert seeded.count(REQUESTS) == len(SEEDED)

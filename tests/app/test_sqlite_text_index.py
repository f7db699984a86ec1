"""The SQLite store's trigram index of the requests' search text follows every
create, replace and delete in the same transaction, is rebuilt when a store
opens with an index out of step with its documents, and only narrows: a
``contains`` still matches literally (wildcards, case, short substrings)."""

from __future__ import annotations

import sqlite3

from shared.adapters.store.base import Where
from shared.adapters.store.sqlite import SqliteStore


def doc(request_id: str, text: str) -> dict:
    return {"id": request_id, "searchText": text, "createdAt": "2026-12-01T10:00:00.000000Z", "status": "routed"}


def found(store: SqliteStore, text: str) -> set[str]:
    return {d["id"] for d in store.query("requests", [Where("searchText", "contains", text)], limit=100).items}


def test_the_index_follows_the_writes_and_matches_literally(tmp_path):
    store = SqliteStore(tmp_path / "store.sqlite3")
    try:
        etag = store.create("requests", doc("FTA-A", "contoso ltd\n100%_sure"))
        store.create("requests", doc("FTA-B", "fabrikam\ncontosa"))
        store.create("requests", doc("FTA-C", "Contoso upper"))
        assert found(store, "contoso") == {"FTA-A"}, "case as given: the index folds case, the match does not"
        assert found(store, "0%_s") == {"FTA-A"}
        assert found(store, "0%xs") == set(), "LIKE's wildcards are literal characters here"
        assert found(store, "ntos") == {"FTA-A", "FTA-B", "FTA-C"}
        assert found(store, "Conto") == {"FTA-C"}
        assert found(store, "o ") == {"FTA-A", "FTA-C"}, "shorter than a trigram: matched without the index"
        store.replace("requests", doc("FTA-A", "northwind"), etag=etag)
        assert found(store, "contoso") == set() and found(store, "northwind") == {"FTA-A"}
        store.delete("requests", "FTA-A")
        assert found(store, "northwind") == set()
    finally:
        store.close()


def test_a_store_opened_with_its_index_out_of_step_rebuilds_it(tmp_path):
    path = tmp_path / "store.sqlite3"
    store = SqliteStore(path)
    store.create("requests", doc("FTA-A", "contoso ltd"))
    store.close()
    with sqlite3.connect(path) as db:  # as a store written before the index existed
        db.execute('DELETE FROM "requests_search"')
    reopened = SqliteStore(path)
    try:
        assert found(reopened, "contoso") == {"FTA-A"}
        plan = " ".join(row[3] for row in reopened._execute(
            'EXPLAIN QUERY PLAN SELECT id FROM "requests" WHERE rowid IN '
            '(SELECT rowid FROM "requests_search" WHERE text LIKE ?)', ("%contoso%",)).fetchall())
        assert "VIRTUAL TABLE INDEX" in plan, plan
    finally:
        reopened.close()


def test_a_write_that_keeps_the_text_leaves_the_index_alone(tmp_path):
    path = tmp_path / "store.sqlite3"
    with sqlite3.connect(path) as db:  # a store made when every write re-indexed the text
        db.execute('CREATE TABLE "requests" (id TEXT PRIMARY KEY, doc TEXT NOT NULL, etag TEXT NOT NULL, expires_at REAL)')
        db.execute('CREATE VIRTUAL TABLE "requests_search" USING fts5(text, tokenize=\'trigram\')')
        db.execute('CREATE TRIGGER "requests_search_update" AFTER UPDATE OF doc ON "requests" BEGIN '
                   'DELETE FROM "requests_search" WHERE rowid = old.rowid; END')
    store = SqliteStore(path)
    try:
        etag = store.create("requests", doc("FTA-A", "contoso ltd"))
        statements: list[str] = []
        store._connection().set_trace_callback(statements.append)
        store.replace("requests", {**doc("FTA-A", "contoso ltd"), "status": "assigned"}, etag=etag)
        store._connection().set_trace_callback(None)
        assert statements and not [s for s in statements if "requests_search" in s], statements
        assert found(store, "contoso") == {"FTA-A"}
        triggers = {row[0] for row in store._execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert triggers == {"requests_search_insert", "requests_search_update_text", "requests_search_delete"}
    finally:
        store.close()


def segments(store: SqliteStore) -> int:
    return store._execute('SELECT count(DISTINCT segid) FROM "requests_search_idx"').fetchone()[0]


def test_requests_created_one_by_one_leave_the_index_in_one_segment_at_each_compaction(tmp_path, monkeypatch):
    import shared.adapters.store.sqlite as sqlite_store

    monkeypatch.setattr(sqlite_store, "COMPACT_MIN_CREATES", 20)
    store = SqliteStore(tmp_path / "store.sqlite3")
    try:
        for n in range(19):
            store.create("requests", doc(f"FTA-{n:03d}", f"customer {n:03d}\ncontoso"))
        assert segments(store) > 1, "each create's commit writes a segment of its own"
        store.create("requests", doc("FTA-019", "customer 019\ncontoso"))
        assert segments(store) == 1
        assert found(store, "customer 007") == {"FTA-007"}
        assert len(found(store, "contoso")) == 20
        for n in range(20, 39):  # the next compaction waits for as many again (a quarter of 20 is less)
            store.create("requests", doc(f"FTA-{n:03d}", f"customer {n:03d}\ncontoso"))
        assert segments(store) > 1
        store.create("requests", doc("FTA-039", "customer 039\ncontoso"))
        assert segments(store) == 1 and len(found(store, "contoso")) == 40
    finally:
        store.close()


def test_a_reopened_store_counts_from_the_rows_it_holds(tmp_path, monkeypatch):
    import shared.adapters.store.sqlite as sqlite_store

    monkeypatch.setattr(sqlite_store, "COMPACT_MIN_CREATES", 4)
    path = tmp_path / "store.sqlite3"
    store = SqliteStore(path)
    for n in range(40):
        store.create("requests", doc(f"FTA-{n:03d}", f"customer {n:03d}"))
    store.close()
    reopened = SqliteStore(path)
    try:
        for n in range(40, 49):  # a quarter of the 40 held: the tenth create compacts
            reopened.create("requests", doc(f"FTA-{n:03d}", f"customer {n:03d}"))
        assert segments(reopened) > 1
        reopened.create("requests", doc("FTA-049", "customer 049"))
        assert segments(reopened) == 1 and found(reopened, "customer 04") == {f"FTA-{n:03d}" for n in range(40, 50)}
    finally:
        reopened.close()

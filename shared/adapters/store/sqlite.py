"""The document store on one SQLite file: the embedded adapter for a laptop, CI and devhost.

One table per container (``id``, ``doc`` JSON, ``etag``, ``expires_at``), WAL
mode, one connection per thread. Conditions read top-level or dotted JSON
fields with ``json_extract``; pages continue from an opaque keyset token
(the last row's order value and id), so paging never skips or repeats a row.

Semantics shared with the Cosmos adapter:
- ``Where(f, "=", None)`` matches a missing or null field; ``!=`` a value also
  matches a missing or null field; ranges never match one.
- ``order_by`` returns only documents where that field is present and not null,
  ordered by it and then by id.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Any, Sequence

from shared.adapters.clock import system_clock
from shared.adapters.embedded import WriterLock, new_token
from shared.app.ports import Clock
from shared.adapters.store.base import (
    Conflict,
    Item,
    ItemNotFound,
    Page,
    PreconditionFailed,
    StoreError,
    TransientStoreError,
    Where,
)
from shared.adapters.store.common import (
    checked_page_size,
    decode_continuation,
    encode_continuation,
    query_fingerprint,
    validated_field,
    validated_id,
)
from shared.adapters.store.sql import TEXT_INDEXES, split_by_value
from shared.adapters.store.sql import column as _column
from shared.adapters.store.sql import condition as _condition
from shared.topology import CONTAINERS, REQUESTS

PURGE_INTERVAL_SECONDS = 60.0

# Every write's commit gives the trigram index a segment of its own, and FTS5
# merges them only four to a level, so a store filled request by request holds
# ten or so segments, each searched for every trigram. The store merges the
# index into one segment whenever the requests created since it last did reach
# a quarter of those it held then (at least COMPACT_MIN_CREATES): each row is
# rewritten a few times in all, whatever the store's size, and a search reads
# one large segment and a few small ones.
COMPACT_MIN_CREATES = 256
COMPACT_SHARE = 4

# Indexed fields whose equality already narrows a query to a few rows (one requestor, one TPID).
SELECTIVE_FIELDS = frozenset({"requestor.email", "tpid", "pendingDispatch", "id"})

REQUEST_INDEXES = {
    "status": "status",
    "lead_group": "leadGroup",
    "requestor_email": "requestor.email",
    "next_reminder_at": "nextReminderAt",
    "pending_dispatch": "pendingDispatch",
    "tpid": "tpid",
}


class _Connection(sqlite3.Connection):
    """A connection that can be weakly referenced, so a finished thread's connection is released."""


class SqliteStore:
    name = "sqlite"

    def __init__(self, path: Path, clock: Clock | None = None, *, busy_timeout_seconds: float = 10.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock or system_clock
        self._busy_timeout_seconds = busy_timeout_seconds
        self._ttl_containers = {c.name for c in CONTAINERS if c.default_ttl_seconds is not None}
        self._tables = {c.name for c in CONTAINERS}
        self._local = threading.local()
        self._open_connections: weakref.WeakSet[_Connection] = weakref.WeakSet()
        self._connections_lock = threading.Lock()
        self._closed = False
        self._purged_at: dict[str, float] = {}
        self._writer = WriterLock(self.path)
        self._compaction = threading.Lock()
        self._indexed_rows = 0  # rows in the text index at its last compaction (or when the store opened)
        self._created_since = 0
        self._create_schema()

    # -- connections --------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError("the store is closed")
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout_seconds,
                isolation_level=None,
                check_same_thread=False,
                factory=_Connection,
            )
            connection.execute("PRAGMA synchronous=NORMAL")
            with self._connections_lock:
                self._open_connections.add(connection)
            self._local.connection = connection
        return connection

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._connection().execute(sql, params)
        except sqlite3.OperationalError as error:
            message = str(error).lower()
            if "locked" in message or "busy" in message:
                raise TransientStoreError("the SQLite store is busy") from error
            raise

    def _write(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self._writer:
            return self._execute(sql, params)

    def _create_schema(self) -> None:
        connection = self._connection()
        connection.execute("PRAGMA journal_mode=WAL")
        for table in sorted(self._tables):
            connection.execute(
                f'CREATE TABLE IF NOT EXISTS "{table}" ('
                "id TEXT PRIMARY KEY, doc TEXT NOT NULL, etag TEXT NOT NULL, expires_at REAL)"
            )
            connection.execute(
                f'CREATE INDEX IF NOT EXISTS "{table}_expires_at" ON "{table}"(expires_at) '
                "WHERE expires_at IS NOT NULL"
            )
        for index_name, field in REQUEST_INDEXES.items():
            connection.execute(
                f'CREATE INDEX IF NOT EXISTS "{REQUESTS}_{index_name}" ON "{REQUESTS}"({_column(field)})'
            )
        connection.execute(
            f'CREATE INDEX IF NOT EXISTS "{REQUESTS}_created_at" ON "{REQUESTS}"({_column("createdAt")}, id)'
        )
        for field, index_name in (("dueOrder", "due_order"), ("updatedAt", "updated_at")):  # the lists' sorts
            connection.execute(
                f'CREATE INDEX IF NOT EXISTS "{REQUESTS}_{index_name}" ON "{REQUESTS}"({_column(field)}, id)'
            )
        for field, index in TEXT_INDEXES.items():
            self._create_text_index(connection, REQUESTS, field, index)
        # A status's requests in creation order: the lists and a lead's queue read one range per status.
        connection.execute(
            f'CREATE INDEX IF NOT EXISTS "{REQUESTS}_status_created_at" ON "{REQUESTS}"'
            f'({_column("status")}, {_column("createdAt")}, id)'
        )

    def _create_text_index(self, connection: sqlite3.Connection, table: str, field: str, index: str) -> None:
        """A trigram index of ``field``, kept by triggers in the writes' own transactions; built from
        the documents when it is new or does not hold one row per document."""
        text, old_text = f"json_extract(new.doc, '$.{field}')", f"json_extract(old.doc, '$.{field}')"
        connection.execute(f'CREATE VIRTUAL TABLE IF NOT EXISTS "{index}" USING fts5(text, tokenize=\'trigram\')')
        connection.execute(f'CREATE TRIGGER IF NOT EXISTS "{index}_insert" AFTER INSERT ON "{table}" BEGIN '
                           f'INSERT INTO "{index}"(rowid, text) VALUES (new.rowid, {text}); END')
        # Only when the field changes: most writes of a request leave its text as it was.
        connection.execute(f'DROP TRIGGER IF EXISTS "{index}_update"')  # re-indexed on every write of the document
        connection.execute(f'CREATE TRIGGER IF NOT EXISTS "{index}_update_text" AFTER UPDATE OF doc ON "{table}" '
                           f"WHEN {old_text} IS NOT {text} BEGIN "
                           f'DELETE FROM "{index}" WHERE rowid = old.rowid; '
                           f'INSERT INTO "{index}"(rowid, text) VALUES (new.rowid, {text}); END')
        connection.execute(f'CREATE TRIGGER IF NOT EXISTS "{index}_delete" AFTER DELETE ON "{table}" BEGIN '
                           f'DELETE FROM "{index}" WHERE rowid = old.rowid; END')
        indexed = connection.execute(f'SELECT count(*) FROM "{index}"').fetchone()[0]
        rows = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        if indexed != rows:
            connection.execute(f'DELETE FROM "{index}"')
            connection.execute(f'INSERT INTO "{index}"(rowid, text) SELECT rowid, json_extract(doc, \'$.{field}\') '
                               f'FROM "{table}"')
        self._indexed_rows = rows

    def _created_request(self) -> None:
        """Count a create of a request; merge the text index into one segment when its share is reached."""
        with self._compaction:
            self._created_since += 1
            if self._created_since < max(COMPACT_MIN_CREATES, self._indexed_rows // COMPACT_SHARE):
                return
            self._indexed_rows += self._created_since
            self._created_since = 0
        with self._writer:
            for index in TEXT_INDEXES.values():
                self._execute(f'INSERT INTO "{index}"("{index}") VALUES (\'optimize\')')

    # -- helpers ------------------------------------------------------------

    def _now(self) -> float:
        return self._clock().timestamp()

    def _table(self, container: str) -> str:
        if container not in self._tables:
            raise ValueError(f"unknown container: {container!r}")
        return container

    def _expires_at(self, container: str, ttl_seconds: int | None, now: float) -> float | None:
        if ttl_seconds is None:
            return None
        if container not in self._ttl_containers:
            raise ValueError(f"container {container!r} does not keep a time to live")
        if not isinstance(ttl_seconds, int) or ttl_seconds < 1:
            raise ValueError("ttl_seconds must be a whole number of seconds, at least 1")
        return now + ttl_seconds

    def _purge_expired(self, table: str, now: float) -> None:
        if table not in self._ttl_containers:
            return
        if now - self._purged_at.get(table, float("-inf")) < PURGE_INTERVAL_SECONDS:
            return
        self._purged_at[table] = now
        self._write(f'DELETE FROM "{table}" WHERE expires_at IS NOT NULL AND expires_at <= ?', (now,))

    @staticmethod
    def _serialize(doc: dict[str, Any]) -> str:
        return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)

    def _is_live(self, table: str, doc_id: str, now: float) -> bool:
        row = self._execute(
            f'SELECT 1 FROM "{table}" WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)', (doc_id, now)
        ).fetchone()
        return row is not None

    # -- the port -----------------------------------------------------------

    def read(self, container: str, id: str) -> Item | None:
        table = self._table(container)
        row = self._execute(
            f'SELECT doc, etag FROM "{table}" WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)',
            (id, self._now()),
        ).fetchone()
        if row is None:
            return None
        return Item(doc=json.loads(row[0]), etag=row[1])

    def create(self, container: str, doc: dict[str, Any], *, ttl_seconds: int | None = None) -> str:
        table = self._table(container)
        doc_id = validated_id(doc)
        now = self._now()
        expires_at = self._expires_at(container, ttl_seconds, now)
        etag = new_token()
        self._purge_expired(table, now)
        cursor = self._write(
            f'INSERT INTO "{table}" (id, doc, etag, expires_at) VALUES (?, ?, ?, ?) '
            "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, etag = excluded.etag, "
            f'expires_at = excluded.expires_at WHERE "{table}".expires_at IS NOT NULL AND "{table}".expires_at <= ?',
            (doc_id, self._serialize(doc), etag, expires_at, now),
        )
        if cursor.rowcount != 1:
            raise Conflict(f"{container}: a document with this id exists")
        if table == REQUESTS:
            self._created_request()
        return etag

    def replace(self, container: str, doc: dict[str, Any], *, etag: str, ttl_seconds: int | None = None) -> str:
        table = self._table(container)
        doc_id = validated_id(doc)
        now = self._now()
        expires_at = self._expires_at(container, ttl_seconds, now)
        new_etag = new_token()
        cursor = self._write(
            f'UPDATE "{table}" SET doc = ?, etag = ?, expires_at = ? '
            "WHERE id = ? AND etag = ? AND (expires_at IS NULL OR expires_at > ?)",
            (self._serialize(doc), new_etag, expires_at, doc_id, etag, now),
        )
        if cursor.rowcount == 1:
            return new_etag
        if self._is_live(table, doc_id, now):
            raise PreconditionFailed(f"{container}: the document changed since it was read")
        raise ItemNotFound(f"{container}: no such document")

    def delete(self, container: str, id: str, *, etag: str | None = None) -> None:
        table = self._table(container)
        now = self._now()
        sql = f'DELETE FROM "{table}" WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)'
        params: list[Any] = [id, now]
        if etag is not None:
            sql += " AND etag = ?"
            params.append(etag)
        if self._write(sql, params).rowcount == 1:
            return
        if etag is not None and self._is_live(table, id, now):
            raise PreconditionFailed(f"{container}: the document changed since it was read")
        raise ItemNotFound(f"{container}: no such document")

    def _filter(self, where: Sequence[Where], now: float) -> tuple[list[str], list[Any]]:
        params: list[Any] = [now]
        clauses = ["(expires_at IS NULL OR expires_at > ?)"]
        clauses += [_condition(w, params) for w in where]
        return clauses, params

    def query(
        self,
        container: str,
        where: Sequence[Where] = (),
        *,
        order_by: str | None = None,
        descending: bool = False,
        limit: int = 50,
        continuation: str | None = None,
    ) -> Page:
        table = self._table(container)
        limit = checked_page_size(limit)
        where = tuple(where)
        now = self._now()
        order_field = validated_field(order_by) if order_by else "id"
        sort_column = _column(order_field)
        fingerprint = query_fingerprint(container, where, order_by, descending)
        after = ">" if not descending else "<"
        direction = "DESC" if descending else "ASC"
        keyset = decode_continuation(continuation, fingerprint) if continuation else None
        order = f"id {direction}" if order_field == "id" else f"{sort_column} {direction}, id {direction}"

        def select(conditions: Sequence[Where]) -> tuple[str, list[Any]]:
            clauses, params = self._filter(conditions, now)
            if order_field != "id":
                clauses.append(f"{sort_column} IS NOT NULL")
            if keyset is not None:
                last_value, last_id = keyset
                if order_field == "id":
                    clauses.append(f"id {after} ?")
                    params.append(last_id)
                else:
                    clauses.append(f"({sort_column} {after} ? OR ({sort_column} = ? AND id {after} ?))")
                    params += [last_value, last_value, last_id]
            return (f'SELECT id, doc, {sort_column} AS sort_value FROM "{table}" WHERE {" AND ".join(clauses)} '
                    f"ORDER BY {order} LIMIT ?", [*params, limit + 1])

        # An ``in`` on the order: one ordered part per value, each a range of its index, merged.
        parts = split_by_value(where, SELECTIVE_FIELDS) if order_field != "id" else None
        if parts is None:
            sql, params = select(where)
        else:
            selects = [select(part) for part in parts]
            sql = (" UNION ALL ".join(f"SELECT * FROM ({part})" for part, _ in selects)
                   + f" ORDER BY sort_value {direction}, id {direction} LIMIT ?")
            params = [p for _, part_params in selects for p in part_params] + [limit + 1]
        rows = self._execute(sql, params).fetchall()
        page_rows = rows[:limit]
        token = None
        if len(rows) > limit:
            last_id, _, last_value = page_rows[-1]
            token = encode_continuation(fingerprint, last_value, last_id)
        return Page(items=[json.loads(row[1]) for row in page_rows], continuation=token)

    def count(self, container: str, where: Sequence[Where] = ()) -> int:
        table = self._table(container)
        clauses, params = self._filter(tuple(where), self._now())
        return self._execute(f'SELECT COUNT(*) FROM "{table}" WHERE {" AND ".join(clauses)}', params).fetchone()[0]

    def health(self) -> dict[str, Any]:
        try:
            self._execute("SELECT 1").fetchone()
            return {"backend": self.name, "ok": True, "path": str(self.path)}
        except (sqlite3.Error, StoreError) as error:
            return {"backend": self.name, "ok": False, "path": str(self.path), "error": type(error).__name__}

    def close(self) -> None:
        self._closed = True
        with self._connections_lock:
            connections = list(self._open_connections)
            self._open_connections = weakref.WeakSet()
        for connection in connections:
            connection.close()

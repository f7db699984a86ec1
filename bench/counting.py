"""``CountingStore``: the DocumentStore port, delegating every call to a real
store and recording what it cost, by phase, kind and container.

Every attempt is recorded, failed ones too: Cosmos DB charges a rejected
conditional write or a read of a missing document as well.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

from shared.adapters.store.base import DocumentStore, Item, Page, Where

READ, CREATE, REPLACE, DELETE, QUERY, COUNT = "read", "create", "replace", "delete", "query", "count"
KIND_OF = {READ: "reads", CREATE: "writes", REPLACE: "writes", DELETE: "writes", QUERY: "queries", COUNT: "queries"}


def document_bytes(doc: dict[str, Any] | None) -> int:
    """Size of the document as the SDK sends it (``json.dumps`` with default separators)."""
    return 0 if doc is None else len(json.dumps(doc).encode("utf-8"))


@dataclass(frozen=True)
class Operation:
    phase: str
    op: str
    container: str
    size_bytes: int
    ok: bool

    @property
    def kind(self) -> str:
        return KIND_OF[self.op]


class CountingStore:
    """A DocumentStore that counts. Set ``phase`` to label the operations that follow."""

    def __init__(self, inner: DocumentStore):
        self.inner = inner
        self.name = inner.name
        self.phase = ""
        self.operations: list[Operation] = []
        self._lock = threading.Lock()

    def _record(self, op: str, container: str, size_bytes: int, ok: bool) -> None:
        with self._lock:
            self.operations.append(Operation(self.phase, op, container, size_bytes, ok))

    def read(self, container: str, id: str) -> Item | None:
        try:
            item = self.inner.read(container, id)
        except Exception:
            self._record(READ, container, 0, False)
            raise
        self._record(READ, container, document_bytes(item.doc) if item else 0, item is not None)
        return item

    def create(self, container: str, doc: dict[str, Any], *, ttl_seconds: int | None = None) -> str:
        return self._write(CREATE, container, doc, lambda: self.inner.create(container, doc, ttl_seconds=ttl_seconds))

    def replace(self, container: str, doc: dict[str, Any], *, etag: str, ttl_seconds: int | None = None) -> str:
        return self._write(REPLACE, container, doc,
                           lambda: self.inner.replace(container, doc, etag=etag, ttl_seconds=ttl_seconds))

    def _write(self, op: str, container: str, doc: dict[str, Any], call) -> str:
        size = document_bytes(doc)
        try:
            etag = call()
        except Exception:
            self._record(op, container, size, False)
            raise
        self._record(op, container, size, True)
        return etag

    def delete(self, container: str, id: str, *, etag: str | None = None) -> None:
        try:
            self.inner.delete(container, id, etag=etag)
        except Exception:
            self._record(DELETE, container, 0, False)
            raise
        self._record(DELETE, container, 0, True)

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
        try:
            page = self.inner.query(container, where, order_by=order_by, descending=descending,
                                    limit=limit, continuation=continuation)
        except Exception:
            self._record(QUERY, container, 0, False)
            raise
        self._record(QUERY, container, sum(document_bytes(d) for d in page.items), True)
        return page

    def count(self, container: str, where: Sequence[Where] = ()) -> int:
        try:
            found = self.inner.count(container, where)
        except Exception:
            self._record(COUNT, container, 0, False)
            raise
        self._record(COUNT, container, 0, True)
        return found

    def health(self) -> dict[str, Any]:
        return self.inner.health()

    def close(self) -> None:
        self.inner.close()

    # -- tallies ------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.operations.clear()

    def snapshot(self) -> list[Operation]:
        with self._lock:
            return list(self.operations)

    def tally(self, phase: str | None = None) -> Counter:
        """Operations by ``op`` (read, create, ...) and by kind (reads, writes, queries)."""
        counts: Counter = Counter()
        for operation in self.snapshot():
            if phase is None or operation.phase == phase:
                counts[operation.op] += 1
                counts[operation.kind] += 1
        return counts

"""The reports container: per-request projections (``p.<request id>``) and
the aggregate documents (``a.<key>``) of the read model."""

from __future__ import annotations

from shared import topology
from shared.adapters.store.base import DocumentStore, ItemNotFound, PreconditionFailed, Where
from shared.app.ports import Aggregate, Projection

_PROJECTION, _AGGREGATE = "p.", "a."


class StoredReadModel:
    def __init__(self, store: DocumentStore):
        self.store = store

    def _save(self, doc: dict, etag: str | None) -> str:
        if etag is None:
            return self.store.create(topology.REPORTS, doc)
        try:
            return self.store.replace(topology.REPORTS, doc, etag=etag)
        except ItemNotFound:
            raise PreconditionFailed("reports: the document is gone") from None

    def projection(self, request_id: str) -> Projection | None:
        item = self.store.read(topology.REPORTS, _PROJECTION + request_id)
        if item is None:
            return None
        doc = item.doc
        pending = doc["contribution"] if doc.get("owesAll") else doc.get("pending")
        return Projection(doc["requestId"], doc["seq"], doc["contribution"], pending, item.etag)

    def save_projection(self, projection: Projection) -> str:
        doc = {"id": _PROJECTION + projection.request_id, "kind": "projection", "requestId": projection.request_id,
               "seq": projection.seq, "contribution": projection.contribution}
        if projection.pending is not None and projection.pending == projection.contribution:
            doc["owesAll"] = True  # a request's first change: its whole contribution, not written twice
        elif projection.pending is not None:
            doc["pending"] = projection.pending
        return self._save(doc, projection.etag)

    def aggregate(self, key: str) -> Aggregate | None:
        item = self.store.read(topology.REPORTS, _AGGREGATE + key)
        return None if item is None else _aggregate(item.doc, item.etag)

    def aggregates_between(self, low: str, high: str) -> list[Aggregate]:
        where = (Where("id", ">=", _AGGREGATE + low), Where("id", "<", _AGGREGATE + high))
        found, continuation = [], None
        while True:
            page = self.store.query(topology.REPORTS, where, limit=500, continuation=continuation)
            found += [_aggregate(doc, None) for doc in page.items]
            continuation = page.continuation
            if continuation is None:
                return found

    def save_aggregate(self, aggregate: Aggregate) -> str:
        doc = {"id": _AGGREGATE + aggregate.key, "kind": "aggregate", "counters": aggregate.counters,
               "recent": aggregate.recent}
        return self._save(doc, aggregate.etag)

    def clear(self) -> int:
        removed, continuation = 0, None
        while True:
            page = self.store.query(topology.REPORTS, limit=500, continuation=continuation)
            for doc in page.items:
                try:
                    self.store.delete(topology.REPORTS, doc["id"])
                    removed += 1
                except ItemNotFound:
                    pass
            continuation = page.continuation
            if continuation is None:
                return removed


def _aggregate(doc: dict, etag: str | None) -> Aggregate:
    recent = doc.get("recent")
    if recent is None:  # a document of the former shape: its per-request map becomes marks to trim
        recent = [[request_id, mark[0]] for request_id, mark in doc.get("applied", {}).items()]
    return Aggregate(doc["id"][len(_AGGREGATE):], doc["counters"], recent, etag)

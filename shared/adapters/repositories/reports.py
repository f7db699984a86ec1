"""The reports container: per-request projections (``p.<request id>``) and
the aggregate documents (``a.<key>``) of the read model.

A projection is stored packed: its counters' keys repeat a few words (an
architect's address, a lead group, the day's document) many times, so the
document lists each word once (``w``) and spells every key as one character
per word, its index in that list (``c``: the contribution, ``p``: the change
owed, each ``{aggregate: "key key-1 key+2"}``, a count written only when it
is not 1). An assigned request's projection with its change owed is about
620 bytes instead of 1,600 (as the SDK sends it): with Cosmos DB's system
properties under a kilobyte, so each write costs 5 RU instead of 10. One with
more words than there are characters, and any written before, is kept and
read in the plain shape.
"""

from __future__ import annotations

import string

from shared import topology
from shared.adapters.store.base import DocumentStore, ItemNotFound, PreconditionFailed, Where
from shared.app.ports import Aggregate, Projection

_PROJECTION, _AGGREGATE = "p.", "a."
_DIGITS = string.digits + string.ascii_lowercase + string.ascii_uppercase
_SEPARATOR = "|"  # between the words of a counter's key (split and joined again: nothing is lost)


def _pack(counters_by_key: dict[str, dict[str, int]], words: dict[str, int]) -> dict[str, str]:
    """``{aggregate: "key key-1 key+2"}``: each key one character per word, its count after it unless 1."""
    def code(text: str) -> str:
        return _DIGITS[words.setdefault(text, len(words)) % len(_DIGITS)]

    def entry(name: str, count: int) -> str:
        key = "".join(code(part) for part in name.split(_SEPARATOR))
        return key if count == 1 else f"{key}{count:+d}"

    return {code(key): " ".join(entry(name, count) for name, count in counters.items())
            for key, counters in counters_by_key.items()}


def _unpack(packed: dict[str, str], words: list[str]) -> dict[str, dict[str, int]]:
    def word(digit: str) -> str:
        return words[_DIGITS.index(digit)]

    def counters(text: str) -> dict[str, int]:
        found = {}
        for entry in text.split():
            cut = next((i for i, ch in enumerate(entry) if ch in "+-"), len(entry))
            found[_SEPARATOR.join(word(d) for d in entry[:cut])] = int(entry[cut:]) if cut < len(entry) else 1
        return found

    return {word(key): counters(text) for key, text in packed.items()}


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
        if "w" in doc:
            contribution = _unpack(doc["c"], doc["w"])
            pending = contribution if doc.get("owesAll") else (_unpack(doc["p"], doc["w"]) if "p" in doc else None)
        else:
            contribution = doc["contribution"]
            pending = contribution if doc.get("owesAll") else doc.get("pending")
        return Projection(doc["requestId"], doc["seq"], contribution, pending, item.etag)

    def save_projection(self, projection: Projection) -> str:
        doc = {"id": _PROJECTION + projection.request_id, "kind": "projection", "requestId": projection.request_id,
               "seq": projection.seq}
        owes_all = projection.pending is not None and projection.pending == projection.contribution
        words: dict[str, int] = {}
        packed = {"c": _pack(projection.contribution, words)}
        if projection.pending is not None and not owes_all:
            packed["p"] = _pack(projection.pending, words)
        if len(words) <= len(_DIGITS):
            doc.update(w=list(words), **packed)
        else:
            doc["contribution"] = projection.contribution
            if projection.pending is not None and not owes_all:
                doc["pending"] = projection.pending
        if owes_all:
            doc["owesAll"] = True  # a request's first change: its whole contribution, not written twice
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

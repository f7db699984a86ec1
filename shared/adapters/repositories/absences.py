"""Architects' absences marked in the app: one document per mark in the
``absences`` container, kept ``ABSENCE_KEPT_SECONDS`` after it ends (then the
store's TTL removes it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from shared import topology
from shared.adapters.store.base import DocumentStore, ItemNotFound, Where
from shared.domain.availability import APP, Absence
from shared.domain.model import iso

PAGE = 200


def _doc(absence: Absence) -> dict[str, Any]:
    return {"id": absence.id, "architect": absence.architect.lower(), "starts": iso(absence.starts),
            "ends": iso(absence.ends), "note": absence.note, "markedBy": absence.marked_by,
            "markedAt": iso(absence.marked_at) if absence.marked_at else None}


def _absence(doc: dict[str, Any]) -> Absence:
    marked_at = doc.get("markedAt")
    return Absence(doc["architect"], datetime.fromisoformat(doc["starts"]), datetime.fromisoformat(doc["ends"]), APP,
                   doc["id"], doc.get("note") or "", doc.get("markedBy") or "",
                   datetime.fromisoformat(marked_at) if marked_at else None)


class StoredAbsenceMarks:
    def __init__(self, store: DocumentStore):
        self.store = store

    def add(self, absence: Absence) -> None:
        marked = absence.marked_at or absence.starts
        ttl = max(0, int((absence.ends - marked).total_seconds())) + topology.ABSENCE_KEPT_SECONDS
        self.store.create(topology.ABSENCES, _doc(absence), ttl_seconds=ttl)

    def remove(self, architect: str, absence_id: str) -> bool:
        item = self.store.read(topology.ABSENCES, absence_id)
        if item is None or item.doc.get("architect") != architect.lower():
            return False
        try:
            self.store.delete(topology.ABSENCES, absence_id)
        except ItemNotFound:
            return False
        return True

    def of(self, architects: Sequence[str], *, ending_after: datetime) -> list[Absence]:
        wanted = sorted({a.lower() for a in architects})
        if not wanted:
            return []
        where = [Where("architect", "in", wanted), Where("ends", ">", iso(ending_after))]
        found, continuation = [], None
        while True:
            page = self.store.query(topology.ABSENCES, where, limit=PAGE, continuation=continuation)
            found += [_absence(doc) for doc in page.items]
            continuation = page.continuation
            if not continuation:
                return sorted(found, key=lambda a: (a.starts, a.id))

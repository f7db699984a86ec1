"""The small record containers: idempotency keys, notification claims, parked messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared import topology
from shared.adapters.store.base import Conflict, DocumentStore, Item, ItemNotFound, PreconditionFailed, Where
from shared.app.ports import IdempotencyRecord
from shared.domain.limits import SubmissionWindow
from shared.domain.model import iso


class StoredIdempotencyKeys:
    def __init__(self, store: DocumentStore):
        self.store = store

    def remember(self, key_id: str, request_id: str, fingerprint: str, now: datetime) -> None:
        self.store.create(topology.IDEMPOTENCY,
                          {"id": key_id, "requestId": request_id, "bodySha256": fingerprint, "createdAt": iso(now)},
                          ttl_seconds=topology.IDEMPOTENCY_TTL_SECONDS)

    def recorded(self, key_id: str) -> IdempotencyRecord | None:
        item = self.store.read(topology.IDEMPOTENCY, key_id)
        if item is None:
            return None
        return IdempotencyRecord(item.doc["requestId"], item.doc.get("bodySha256"))

    def forget(self, key_id: str) -> None:
        try:
            self.store.delete(topology.IDEMPOTENCY, key_id)
        except ItemNotFound:
            pass


class StoredSubmissionCounts:
    """``{id: user key, windowStart, current, previous}`` in its own container, expiring when idle."""

    def __init__(self, store: DocumentStore):
        self.store = store

    @staticmethod
    def _doc(user_key: str, window: SubmissionWindow) -> dict[str, Any]:
        return {"id": user_key, "windowStart": iso(window.start), "current": window.current,
                "previous": window.previous}

    def read(self, user_key: str) -> tuple[SubmissionWindow, str] | None:
        item = self.store.read(topology.SUBMISSION_COUNTS, user_key)
        if item is None:
            return None
        doc = item.doc
        return SubmissionWindow(datetime.fromisoformat(doc["windowStart"]), int(doc["current"]),
                                int(doc["previous"])), item.etag

    def create(self, user_key: str, window: SubmissionWindow, *, ttl_seconds: int) -> str:
        return self.store.create(topology.SUBMISSION_COUNTS, self._doc(user_key, window), ttl_seconds=ttl_seconds)

    def replace(self, user_key: str, window: SubmissionWindow, *, etag: str, ttl_seconds: int) -> str:
        try:
            return self.store.replace(topology.SUBMISSION_COUNTS, self._doc(user_key, window), etag=etag,
                                      ttl_seconds=ttl_seconds)
        except ItemNotFound:
            raise PreconditionFailed("the record expired since it was read") from None


class StoredNotificationRecords:
    def __init__(self, store: DocumentStore):
        self.store = store

    def create(self, record: dict[str, Any]) -> str:
        return self.store.create(topology.NOTIFICATIONS, record, ttl_seconds=topology.NOTIFICATION_TTL_SECONDS)

    def read(self, key: str) -> Item | None:
        return self.store.read(topology.NOTIFICATIONS, key)

    def replace(self, record: dict[str, Any], etag: str) -> str:
        return self.store.replace(topology.NOTIFICATIONS, record, etag=etag,
                                  ttl_seconds=topology.NOTIFICATION_TTL_SECONDS)


class StoredParkedMessages:
    def __init__(self, store: DocumentStore):
        self.store = store

    def park(self, record: dict[str, Any]) -> None:
        try:
            self.store.create(topology.PARKED, record, ttl_seconds=topology.PARKED_TTL_SECONDS)
        except Conflict:
            pass

    def count(self) -> int:
        return self.store.count(topology.PARKED)

    def all(self, *, limit: int = 100_000) -> list[dict[str, Any]]:
        """Oldest first, at most ``limit``."""
        records: list[dict[str, Any]] = []
        continuation = None
        while len(records) < limit:
            page = self.store.query(topology.PARKED, order_by="parkedAt", limit=min(1000, limit - len(records)),
                                    continuation=continuation)
            records += page.items
            continuation = page.continuation
            if continuation is None:
                break
        return records

    def get(self, record_id: str) -> dict[str, Any] | None:
        item = self.store.read(topology.PARKED, record_id)
        return None if item is None else item.doc

    def discard(self, record_id: str) -> bool:
        try:
            self.store.delete(topology.PARKED, record_id)
        except ItemNotFound:
            return False
        return True

    def for_message(self, subscription: str, message_id: str) -> list[dict[str, Any]]:
        return self.store.query(
            topology.PARKED, [Where("subscription", "=", subscription), Where("messageId", "=", message_id)],
            limit=50,
        ).items

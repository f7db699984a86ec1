"""The small record containers: idempotency keys, notification claims, parked messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared import topology
from shared.adapters.store.base import Conflict, DocumentStore, Item, NotFound, Where
from shared.domain.model import iso


class StoredIdempotencyKeys:
    def __init__(self, store: DocumentStore):
        self.store = store

    def remember(self, key_id: str, request_id: str, now: datetime) -> None:
        self.store.create(topology.IDEMPOTENCY, {"id": key_id, "requestId": request_id, "createdAt": iso(now)},
                          ttl_seconds=topology.IDEMPOTENCY_TTL_SECONDS)

    def request_for(self, key_id: str) -> str | None:
        item = self.store.read(topology.IDEMPOTENCY, key_id)
        return None if item is None else item.doc["requestId"]


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
        except NotFound:
            return False
        return True

    def for_message(self, subscription: str, message_id: str) -> list[dict[str, Any]]:
        return self.store.query(
            topology.PARKED, [Where("subscription", "=", subscription), Where("messageId", "=", message_id)],
            limit=50,
        ).items

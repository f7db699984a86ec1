"""What the service keeps of replies by mail: nothing of a message, only how many
it could not take, by reason (for operators), and where the inbox's delta query
stands. Both live in the notifications container, without a TTL."""

from __future__ import annotations

from shared import topology
from shared.adapters.store.base import Conflict, DocumentStore, PreconditionFailed

UNMATCHED_ID = "replies.unmatched"
ATTEMPTS = 20


class StoredReplyRecords:
    def __init__(self, store: DocumentStore):
        self.store = store

    def count_unmatched(self, reason: str) -> None:
        for _ in range(ATTEMPTS):
            item = self.store.read(topology.NOTIFICATIONS, UNMATCHED_ID)
            try:
                if item is None:
                    self.store.create(topology.NOTIFICATIONS, {"id": UNMATCHED_ID, "counts": {reason: 1}})
                else:
                    counts = dict(item.doc.get("counts") or {})
                    counts[reason] = int(counts.get(reason, 0)) + 1
                    self.store.replace(topology.NOTIFICATIONS, {**item.doc, "counts": counts}, etag=item.etag)
                return
            except (Conflict, PreconditionFailed):
                continue  # another process counted one at the same time: count again on top of it

    def unmatched(self) -> dict[str, int]:
        item = self.store.read(topology.NOTIFICATIONS, UNMATCHED_ID)
        return {str(k): int(v) for k, v in (item.doc.get("counts") or {}).items()} if item else {}


class DeltaLink:
    """The inbox's ``@odata.deltaLink``: the next read starts after what was handled."""

    ID = "replies.inbox-delta"

    def __init__(self, store: DocumentStore):
        self.store = store

    def get(self) -> str | None:
        item = self.store.read(topology.NOTIFICATIONS, self.ID)
        return item.doc.get("link") if item else None

    def put(self, link: str) -> None:
        item = self.store.read(topology.NOTIFICATIONS, self.ID)
        if item is None:
            try:
                self.store.create(topology.NOTIFICATIONS, {"id": self.ID, "link": link})
                return
            except Conflict:
                item = self.store.read(topology.NOTIFICATIONS, self.ID)
        if item is not None:
            self.store.replace(topology.NOTIFICATIONS, {**item.doc, "link": link}, etag=item.etag)

"""The document store port: JSON documents in named containers, keyed by id.

Every operation the adapters offer exists both in SQLite and in the Cosmos DB
common subset (no transactional batch, no GROUP BY). Documents are plain dicts;
the store's own bookkeeping (etag, ttl) never appears in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol, Sequence, runtime_checkable

from shared.app.ports import Conflict, Item, PreconditionFailed, StoreError, TransientStoreError

__all__ = ["Conflict", "DocumentStore", "Item", "ItemNotFound", "Page", "PreconditionFailed", "StoreError",
           "TransientStoreError", "Where"]


class ItemNotFound(StoreError):
    """``replace``/``delete`` of a document that does not exist."""


Op = Literal["=", "!=", "<", "<=", ">", ">=", "in", "contains"]


@dataclass(frozen=True)
class Where:
    """``field`` is a top-level camelCase field name; values are JSON scalars
    (ISO 8601 strings for times, which compare in time order)."""

    field: str
    op: Op
    value: Any


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    continuation: str | None


@runtime_checkable
class DocumentStore(Protocol):
    name: str

    def read(self, container: str, id: str) -> Item | None: ...

    def create(self, container: str, doc: dict[str, Any], *, ttl_seconds: int | None = None) -> str:
        """Insert; returns the new ETag; ``Conflict`` if the id exists."""

    def replace(self, container: str, doc: dict[str, Any], *, etag: str, ttl_seconds: int | None = None) -> str:
        """Overwrite only if the stored ETag is ``etag``; returns the new ETag."""

    def delete(self, container: str, id: str, *, etag: str | None = None) -> None: ...

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
        """Documents matching every condition; ``continuation`` from the previous page."""

    def count(self, container: str, where: Sequence[Where] = ()) -> int: ...

    def health(self) -> dict[str, Any]: ...

    def close(self) -> None: ...

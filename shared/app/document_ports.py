"""The document storage port (re-exported by ``shared.app.ports``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Protocol, runtime_checkable


# -- document storage -------------------------------------------------------------------


class DocumentStorageError(Exception):
    """The document storage is unavailable; try again later."""


@dataclass(frozen=True)
class StoredObject:
    name: str
    created_at: datetime


# The blob index tag Microsoft Defender for Storage writes after scanning a blob, and its clean value.
SCAN_RESULT_TAG = "Malware Scanning scan result"
SCAN_CLEAN = "No threats found"


@runtime_checkable
class DocumentStorage(Protocol):
    """Documents' bytes under server-made names (``<request id>/<document id>``)."""

    name: str

    def put(self, name: str, data: bytes, content_type: str) -> None:
        """Store the bytes whole (never half-written), or raise ``DocumentStorageError``."""

    def get(self, name: str) -> bytes | None:
        """The bytes; ``None`` when nothing is stored under ``name``."""

    def delete(self, name: str) -> None:
        """Remove the bytes; nothing stored is no error."""

    def list(self) -> Iterable[StoredObject]:
        """Every stored name with its creation time."""

    def scan_result(self, name: str) -> str | None:
        """The malware scan's verdict (``SCAN_RESULT_TAG``); ``None`` when not scanned."""

    def health(self) -> dict[str, Any]: ...

    def close(self) -> None: ...

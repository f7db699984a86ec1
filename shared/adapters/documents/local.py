"""The embedded document storage: one file per document under a folder
(``FTA_DATA_DIR/documents``), written to a temporary file and renamed into
place, so a reader or a crash never sees half a document."""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from shared.adapters.files import write_atomically
from shared.app.ports import DocumentStorageError, StoredObject

# Names are server-made (``<request id>/<document id>``); anything else is refused
# before it can reach the file system.
_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}/[A-Za-z0-9-]{1,64}$")
_PARTIAL = ".partial-"


def checked_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"not a document storage name: {name!r}")
    return name


class LocalDocumentStorage:
    name = "local"

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def _path(self, name: str) -> Path:
        return self.directory / checked_name(name)

    def put(self, name: str, data: bytes, content_type: str) -> None:
        target = self._path(name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, data, partial_prefix=_PARTIAL)
        except OSError as exc:
            raise DocumentStorageError(f"cannot write the document: {exc.strerror or exc}") from None

    def get(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise DocumentStorageError(f"cannot read the document: {exc.strerror or exc}") from None

    def delete(self, name: str) -> None:
        try:
            self._path(name).unlink(missing_ok=True)
        except OSError as exc:
            raise DocumentStorageError(f"cannot remove the document: {exc.strerror or exc}") from None

    def list(self) -> Iterator[StoredObject]:
        """Every document with the time it was written (the file's modification time:
        the rename keeps the time the bytes were written)."""
        if not self.directory.is_dir():
            return
        for folder in sorted(p for p in self.directory.iterdir() if p.is_dir()):
            for path in sorted(folder.iterdir()):
                if path.name.startswith(_PARTIAL) or not path.is_file():
                    continue
                moment = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
                yield StoredObject(f"{folder.name}/{path.name}", moment)

    def scan_result(self, name: str) -> str | None:
        return None  # nothing scans a local folder

    def health(self) -> dict[str, Any]:
        folder = self.directory if self.directory.exists() else self.directory.parent
        return {"backend": self.name, "ok": os.access(folder, os.W_OK)}

    def close(self) -> None:
        pass

"""The embedded mailer: each email becomes one ``.eml`` file in a folder."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

from shared.adapters.files import write_atomically
from shared.adapters.mail.mime import to_mime
from shared.app.ports import Email, TransientMailError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

def eml_file_name(message_id: str) -> str:
    """Stable per Message-ID; the digest keeps ids that differ only in unsafe characters apart."""
    readable = _UNSAFE.sub("_", message_id).strip("._-")[:80] or "message"
    digest = hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:16]
    return f"{readable}-{digest}.eml"

class OutboxMailer:
    name = "outbox"

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._ready = False

    def path_for(self, email: Email) -> Path:
        return self.directory / eml_file_name(email.message_id)

    def send(self, email: Email) -> None:
        data = to_mime(email).as_bytes()
        target = self.path_for(email)
        try:
            if not self._ready:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._ready = True
            write_atomically(target, data, partial_prefix=".sending-")
        except OSError as exc:
            if isinstance(exc, FileNotFoundError):
                self._ready = False  # the folder went away: make it again on the retry
            raise TransientMailError(f"outbox: cannot write the email file ({exc.__class__.__name__})") from exc

    def health(self) -> dict[str, Any]:
        writable = os.access(self.directory, os.W_OK) if self.directory.exists() else os.access(
            self._nearest_existing_parent(), os.W_OK
        )
        return {
            "backend": self.name,
            "ok": writable,
            "directory": str(self.directory),
        }

    def close(self) -> None:
        pass

    def _nearest_existing_parent(self) -> Path:
        path = self.directory.absolute()
        while not path.exists():
            path = path.parent
        return path

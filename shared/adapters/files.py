"""Files written whole or not at all: the outbox's emails and the local documents."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def write_atomically(target: Path, data: bytes, *, partial_prefix: str) -> None:
    """Write ``data`` to a temporary file beside ``target`` (named with
    ``partial_prefix``, so a reader of the folder can skip it), flush it to
    disk, then rename it over ``target``: a reader sees the old file or the
    new one, never half of one. Raises ``OSError``; leaves no temporary file."""
    # Named for this process and thread, which write one file at a time: no random name to draw and try.
    temporary = str(target.parent / f"{partial_prefix}{target.name}.{os.getpid()}.{threading.get_ident()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

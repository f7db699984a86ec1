"""What the embedded SQLite adapters (the store and the bus) share: one writer
at a time on a file, across threads and processes, and unique tokens.

SQLite lets one writer in and makes the others retry on their busy timeout,
sleeping from 1 ms to 100 ms between tries; under a steady stream of short
writes from several threads and processes those sleeps, not the writes, take
most of the time. Holding this lock around each write makes the others wait in
the kernel instead (``flock`` on a file beside the database) and go in as soon
as it is free.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import threading
import uuid
from pathlib import Path


class Tokens:
    """Unique strings for ETags and lock tokens without a system call each: a
    random prefix drawn once per process (and again after a fork), then a count."""

    def __init__(self) -> None:
        self._pid = -1
        self._prefix = ""
        self._count = itertools.count()

    def __call__(self) -> str:
        if self._pid != os.getpid():
            self._pid, self._prefix = os.getpid(), uuid.uuid4().hex
        return f"{self._prefix}-{next(self._count)}"


new_token = Tokens()


class WriterLock:
    def __init__(self, database: Path) -> None:
        self._path = Path(f"{database}.writer-lock")
        self._threads = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def __enter__(self) -> "WriterLock":
        self._threads.acquire()
        try:
            if self._depth == 0:
                if self._fd is None:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._depth += 1
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close(self) -> None:
        with self._threads:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

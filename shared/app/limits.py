"""The submission limit: one small record per user, replaced on its ETag for
every submission; never a query over past requests.

The process remembers the record it last wrote for each of its recent users
(and the ETag that write returned), so a user's next submission replaces it
without reading it first. The ETag keeps that honest: when another process
counted since, or the record expired, the replace fails and the record is read
as it is now. A refusal is never decided on a remembered record.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from datetime import timedelta

from shared.app.context import Context
from shared.app.errors import Busy, TooManySubmissions
from shared.app.ports import Conflict, PreconditionFailed
from shared.domain.limits import SubmissionWindow, admit
from shared.domain.principal import Principal

WINDOW = timedelta(hours=1)
# A record idle for two windows counts nothing any more: it may expire.
RECORD_TTL_SECONDS = int(2 * WINDOW.total_seconds())
ATTEMPTS = 5
REMEMBERED_USERS = 1024


class _Written:
    """The records this process wrote last, per repository and user key, the oldest forgotten first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._by_counts: "weakref.WeakKeyDictionary[object, OrderedDict[str, tuple[SubmissionWindow, str]]]" = (
            weakref.WeakKeyDictionary())

    def get(self, counts: object, key: str) -> tuple[SubmissionWindow, str] | None:
        with self._lock:
            return self._by_counts.get(counts, {}).get(key)

    def put(self, counts: object, key: str, found: tuple[SubmissionWindow, str] | None) -> None:
        with self._lock:
            written = self._by_counts.setdefault(counts, OrderedDict())
            written.pop(key, None)
            if found is not None:
                written[key] = found
            while len(written) > self._size:
                written.popitem(last=False)


_WRITTEN = _Written(REMEMBERED_USERS)


def _user_key(principal: Principal) -> str:
    return "sub-" + hashlib.sha256(principal.email.encode("utf-8")).hexdigest()[:40]


def count_submission(ctx: Context, principal: Principal) -> None:
    """Count one submission of ``principal``, or refuse it past FTA_SUBMISSIONS_PER_HOUR."""
    limit = ctx.policy.submissions_per_hour
    if limit <= 0:
        return
    key, counts = _user_key(principal), ctx.submission_counts
    remembered = _WRITTEN.get(counts, key)
    for _ in range(ATTEMPTS):
        now = ctx.clock()
        found = remembered or counts.read(key)
        verdict = admit(found[0] if found else None, now, limit=limit, length=WINDOW)
        if not verdict.allowed and remembered is not None:
            remembered = None  # decided on the record as stored, not as remembered
            continue
        if not verdict.allowed:
            raise TooManySubmissions(
                f"at most {limit} submissions per hour; try again in {verdict.retry_after_seconds} s",
                verdict.retry_after_seconds,
            )
        try:
            if found is None:
                etag = counts.create(key, verdict.window, ttl_seconds=RECORD_TTL_SECONDS)
            else:
                etag = counts.replace(key, verdict.window, etag=found[1], ttl_seconds=RECORD_TTL_SECONDS)
        except (Conflict, PreconditionFailed):
            remembered = None  # counted elsewhere first, or expired: read it as it is now
            _WRITTEN.put(counts, key, None)
            continue
        _WRITTEN.put(counts, key, (verdict.window, etag))
        return
    raise Busy("too many submissions at once; try again")

"""The submission limit: one small record per user, read and replaced on its
ETag for every submission; never a query over past requests."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from shared.app.context import Context
from shared.app.errors import Busy, TooManySubmissions
from shared.app.ports import Conflict, PreconditionFailed
from shared.domain.limits import admit
from shared.domain.principal import Principal

WINDOW = timedelta(hours=1)
# A record idle for two windows counts nothing any more: it may expire.
RECORD_TTL_SECONDS = int(2 * WINDOW.total_seconds())
ATTEMPTS = 5


def _user_key(principal: Principal) -> str:
    return "sub-" + hashlib.sha256(principal.email.encode("utf-8")).hexdigest()[:40]


def count_submission(ctx: Context, principal: Principal) -> None:
    """Count one submission of ``principal``, or refuse it past FTA_SUBMISSIONS_PER_HOUR."""
    limit = ctx.policy.submissions_per_hour
    if limit <= 0:
        return
    key = _user_key(principal)
    for _ in range(ATTEMPTS):
        now = ctx.clock()
        found = ctx.submission_counts.read(key)
        verdict = admit(found[0] if found else None, now, limit=limit, length=WINDOW)
        if not verdict.allowed:
            raise TooManySubmissions(
                f"at most {limit} submissions per hour; try again in {verdict.retry_after_seconds} s",
                verdict.retry_after_seconds,
            )
        try:
            if found is None:
                ctx.submission_counts.create(key, verdict.window, ttl_seconds=RECORD_TTL_SECONDS)
            else:
                ctx.submission_counts.replace(key, verdict.window, etag=found[1], ttl_seconds=RECORD_TTL_SECONDS)
            return
        except (Conflict, PreconditionFailed):
            continue  # another submission of the same user counted first: read again
    raise Busy("too many submissions at once; try again")

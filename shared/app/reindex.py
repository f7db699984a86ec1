"""Writing every stored request again, so that what lists search and sort by
(kept beside each request by the repository) is there for requests stored
before it was kept. Idempotent: run it again and nothing changes but ETags."""

from __future__ import annotations

import logging

from shared.app.context import Context
from shared.app.outbox import change
from shared.app.ports import RequestFilter

log = logging.getLogger(__name__)


def reindex_requests(ctx: Context, *, page_size: int = 200) -> int:
    """Rewrite each request through the repository (a conditional write that
    loses to, and then follows, any concurrent change); how many were written."""
    written, continuation = 0, None
    while True:
        page = ctx.requests.newest_first(RequestFilter(), limit=page_size, continuation=continuation)
        for request in page.items:
            change(ctx, request.id, lambda current: True)
            written += 1
        continuation = page.continuation
        if continuation is None:
            log.info("requests reindexed: %d", written)
            return written

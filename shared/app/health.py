"""Health: a cheap public status for monitors, and for operators each back
end's own report and what they watch."""

from __future__ import annotations

from typing import Any

from shared import topology
from shared.app import reporting
from shared.app.context import Context
from shared.app.errors import Forbidden
from shared.app.ports import StoreError
from shared.domain.access import can_read_operations
from shared.domain.principal import Principal

# What the public status is based on: the store and the bus. Mail is not probed
# there (an SMTP probe opens a session and logs in); the details report it.
PUBLIC_PROBES = ("store", "bus")


def _healthy(part: Any) -> bool:
    try:
        return part.health().get("ok") is True
    except Exception:  # a health probe reports, it does not fail
        return False


def _probe(ctx: Context) -> str:
    parts = [ctx.components[name] for name in PUBLIC_PROBES if name in ctx.components]
    return "ok" if all(_healthy(part) for part in parts) else "degraded"


def public_status(ctx: Context) -> str:
    """``ok`` or ``degraded``, from the store and bus probes of the last 30 s at most."""
    return ctx.public_status.get(lambda: _probe(ctx))


def health_details(ctx: Context, principal: Principal) -> dict[str, Any]:
    if not can_read_operations(principal):
        raise Forbidden("the health details are for FTA.Admin")
    return health(ctx)


def health(ctx: Context) -> dict[str, Any]:
    components: dict[str, Any] = {}
    ok = True
    for name, part in ctx.components.items():
        try:
            report = dict(part.health())
        except Exception as exc:  # a health probe reports, it does not fail
            report = {"backend": getattr(part, "name", "?"), "ok": False, "error": type(exc).__name__}
        ok = ok and report["ok"] is True
        components[name] = report
    return {"status": "ok" if ok else "degraded", "components": components, "operations": operations(ctx, components)}


def operations(ctx: Context, components: dict[str, Any]) -> dict[str, Any]:
    """What operators watch: requests waiting past the SLA, dead letters, parked messages.
    Dead letters count the app's own subscriptions; the lead feeds, which nobody
    here consumes, are reported apart (``leadFeeds``)."""
    figures: dict[str, Any] = {}
    try:
        figures["overdueUnassigned"] = reporting.overdue_now(ctx)  # the read model: a few documents, not a query
        figures["parked"] = ctx.parked.count()
        figures["unmatchedReplies"] = ctx.replies.unmatched() if ctx.replies is not None else {}
    except StoreError:
        figures["overdueUnassigned"] = figures["parked"] = figures["unmatchedReplies"] = None
    depths = components.get("bus", {}).get("subscriptions")
    if not isinstance(depths, dict):
        figures["deadLetters"] = None
        return figures
    figures["deadLetters"] = sum(d.get("dead_letter", 0) for n, d in depths.items() if not topology.is_feed(n))
    figures["leadFeeds"] = {n: {"active": d.get("active", 0), "dead_letter": d.get("dead_letter", 0)}
                            for n, d in depths.items() if topology.is_feed(n)}
    return figures

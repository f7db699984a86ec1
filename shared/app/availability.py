"""Architects' availability: leads mark absences in the app; the balancer and
``GET /api/architects`` read every source of absences through one port."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Sequence

from pydantic import ValidationError

from shared.app import reporting
from shared.app.commands import MarkAway, RemoveAbsence
from shared.app.context import Context
from shared.app.errors import Forbidden, NotFound, invalid_field, invalid_model
from shared.app.ports import AbsenceMarks, AvailabilityReader
from shared.domain.availability import APP, Absence, AbsenceMark, away_now, valid_absence_id
from shared.domain.balancer import can_take
from shared.domain.model import iso
from shared.domain.principal import Principal

log = logging.getLogger("fta.availability")
REFUSAL = "only FTA leads and admins see and mark architects' absences"


class MarkedAbsences:
    """The app's own marks as a source of absences (the first ``AvailabilityReader``)."""

    source = APP

    def __init__(self, marks: AbsenceMarks):
        self.marks = marks

    def absences(self, architects: Sequence[str], now: datetime) -> dict[str, list[Absence]]:
        found: dict[str, list[Absence]] = {}
        for absence in self.marks.of(architects, ending_after=now):
            found.setdefault(absence.architect, []).append(absence)
        return found


def readers(ctx: Context) -> list[AvailabilityReader]:
    """The app's marks, then every other source the process was built with (``ctx.availability``)."""
    return [*([MarkedAbsences(ctx.absences)] if ctx.absences is not None else []), *ctx.availability]


def absences(ctx: Context, architects: Sequence[str], now: datetime) -> dict[str, list[Absence]]:
    """Every source's absences that cover ``now`` or start later, per address (lower case), soonest first.
    A source other than the app's own that fails is left out (logged): it never stops an assignment."""
    wanted = [a.lower() for a in architects]
    merged: dict[str, list[Absence]] = {}
    for reader in readers(ctx):
        try:
            found = reader.absences(wanted, now)
        except Exception:
            if reader.source == APP:
                raise
            log.warning("absences from %s unavailable; balancing without them", reader.source, exc_info=True)
            continue
        for address, theirs in found.items():
            merged.setdefault(address.lower(), []).extend(a for a in theirs if a.current_or_later(now))
    return {address: sorted(theirs, key=lambda a: (a.starts, a.ends)) for address, theirs in merged.items()}


def away(ctx: Context, architects: Sequence[str], now: datetime) -> set[str]:
    """Who of ``architects`` is away now, by any source."""
    return {address for address, theirs in absences(ctx, architects, now).items() if away_now(theirs, now)}


def absence_view(absence: Absence) -> dict[str, Any]:
    return {"id": absence.id or None, "architect": absence.architect, "source": absence.source,
            "from": absence.first_day.isoformat(), "until": absence.last_day.isoformat(),
            "starts": iso(absence.starts), "ends": iso(absence.ends), "note": absence.note,
            "markedBy": absence.marked_by or None, "markedAt": iso(absence.marked_at) if absence.marked_at else None}


def may_mark(principal: Principal) -> None:
    if not principal.is_lead:
        raise Forbidden(REFUSAL)


def list_architects(ctx: Context, principal: Principal) -> dict[str, Any]:
    """Every architect of a pool: groups, load and limit, and their absences now and to come."""
    may_mark(principal)
    roster = ctx.routing.architects()
    pool = sorted(roster)
    open_counts, _ = reporting.architect_loads(ctx, pool)
    now = ctx.clock()
    found = absences(ctx, pool, now)
    items = []
    for address in pool:
        name, groups, limit = roster[address]
        theirs = found.get(address, [])
        current = away_now(theirs, now)
        items.append({
            "email": address, "name": name, "groups": groups, "openAssignments": open_counts.get(address, 0),
            "maxOpenAssignments": limit, "away": absence_view(current) if current else None,
            "absences": [absence_view(a) for a in theirs],
            "available": current is None and can_take(address, open_counts, {address: limit}),
        })
    return {"items": items, "generatedAt": iso(now)}


def _pool_member(ctx: Context, architect: str) -> str:
    address = architect.strip().lower()
    if address not in ctx.routing.architects():
        raise invalid_field("email", "is not an architect of any lead group's pool", "unknown_architect")
    return address


def mark_away(ctx: Context, principal: Principal, command: MarkAway) -> dict[str, Any]:
    may_mark(principal)
    address = _pool_member(ctx, command.architect)
    try:
        mark = AbsenceMark.model_validate(command.body)
    except ValidationError as exc:
        raise invalid_model(exc, "") from None
    absence = mark.absence(address, principal.actor, ctx.clock())
    ctx.absences.add(absence)
    log.info("absence %s marked", absence.id)
    return absence_view(absence)


def remove_absence(ctx: Context, principal: Principal, command: RemoveAbsence) -> None:
    may_mark(principal)
    address = _pool_member(ctx, command.architect)
    if not valid_absence_id(command.absence_id) or not ctx.absences.remove(address, command.absence_id):
        raise NotFound(f"absence {command.absence_id} of this architect does not exist")
    log.info("absence %s removed", command.absence_id)

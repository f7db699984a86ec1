"""After assignment: the architect's milestones (first contact, discovery
workshop, handoff), the reminder when the first contact is past due, and the
requestor's rating of the completed review."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from shared import telemetry
from shared.app.commands import GiveFeedback, RecordMilestone
from shared.app.context import Context
from shared.app.errors import InvalidInput, invalid_model
from shared.app.lead_actions import run_action
from shared.app.outbox import change, dispatch
from shared.domain import access
from shared.domain.engagement import MILESTONES, Feedback
from shared.domain.model import FtaRequest, InvalidTransition
from shared.domain.principal import Principal

log = telemetry.get_logger("fta.engagement")


def record_milestone(ctx: Context, principal: Principal, command: RecordMilestone) -> tuple[FtaRequest, str]:
    try:
        milestone = MILESTONES.validate_python(command.milestone)
    except ValidationError as exc:
        details = []
        for error in exc.errors(include_url=False, include_input=False):
            loc = [str(p) for p in error["loc"]]
            field = "kind" if error["type"].startswith("union_tag") else ".".join(loc[1:] if loc else loc) or "kind"
            details.append({"field": field, "message": error["msg"].removeprefix("Value error, "),
                            "type": error["type"]})
        raise InvalidInput("invalid fields: " + ", ".join(sorted({d["field"] for d in details})), details) from None
    return run_action(ctx, principal, command.request_id, command.if_match, access.MILESTONE,
                      lambda r: r.record_milestone(milestone, principal.actor, ctx.clock()))


def give_feedback(ctx: Context, principal: Principal, command: GiveFeedback) -> tuple[FtaRequest, str]:
    try:
        feedback = Feedback.model_validate(command.feedback)
    except ValidationError as exc:
        raise invalid_model(exc, "") from None
    return run_action(ctx, principal, command.request_id, None, access.FEEDBACK,
                      lambda r: r.give_feedback(feedback, principal.actor, ctx.clock()))


def remind_first_contacts(ctx: Context, *, limit: int = 200) -> int:
    """The remind timer: each architect whose first contact is past due, reminded once."""
    reminded = 0
    for request_id in ctx.requests.first_contacts_due(ctx.clock(), limit=limit):
        def apply(request: FtaRequest) -> Any:
            due = request.first_contact_reminder_at
            if due is None or due > ctx.clock():
                return None
            try:
                return request.remind_first_contact(ctx.clock())
            except InvalidTransition:
                request.first_contact_reminder_at = None  # nothing owed any more: leave the index
                return True

        request, etag, event = change(ctx, request_id, apply)
        if event is not None:
            dispatch(ctx, request, etag)
            reminded += event is not True
    if reminded:
        log.info("first contact reminders: %d", reminded)
    return reminded

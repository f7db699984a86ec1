"""The conversation around a request: asking the requestor for more
information (the SLA waits with them), comments, resuming, declining."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from shared.app.commands import AddComment, DeclineRequest, RequestInfo, ResumeRequest, SetParticipants
from shared.app.context import Context
from shared.app.errors import invalid_field, invalid_model
from shared.app.lead_actions import run_action
from shared.domain import access
from shared.domain.forms import Participants, participants_problem
from shared.domain.model import DocumentKind, FtaRequest
from shared.domain.outcomes import CommentText, Decline, Message
from shared.domain.principal import Principal

_message = TypeAdapter(Message)
_comment = TypeAdapter(CommentText)
_kinds = TypeAdapter(list[DocumentKind])


def _checked(adapter: TypeAdapter, value: Any, field: str) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        raise invalid_model(exc, field) from None


def request_info(ctx: Context, principal: Principal, command: RequestInfo) -> tuple[FtaRequest, str]:
    message = _checked(_message, command.message, "message")
    missing = list(dict.fromkeys(_checked(_kinds, list(command.missing_documents), "missingDocuments")))

    def apply(request: FtaRequest) -> Any:
        now = ctx.clock()
        return request.request_info(principal.actor, now, message, missing, ctx.sla.info_reminder(now))

    return run_action(ctx, principal, command.request_id, command.if_match, access.REQUEST_INFO, apply)


def add_comment(ctx: Context, principal: Principal, command: AddComment) -> tuple[FtaRequest, str]:
    text = _checked(_comment, command.text, "text")
    action = access.COMMENT_INTERNAL if command.internal else access.COMMENT

    def apply(request: FtaRequest) -> Any:
        by_owner = access.is_owner(principal, request) and not access.sees_internal(principal, request)
        participant = access.is_participant(principal, request) and not access.sees_internal(principal, request)
        return request.comment(principal.actor, ctx.clock(), text, internal=command.internal, by_owner=by_owner,
                               sla=ctx.sla, participant=participant and not by_owner)

    return run_action(ctx, principal, command.request_id, command.if_match, action, apply)


def resume_request(ctx: Context, principal: Principal, command: ResumeRequest) -> tuple[FtaRequest, str]:
    return run_action(ctx, principal, command.request_id, command.if_match, access.RESUME,
                      lambda r: r.resume(principal.actor, ctx.clock(), ctx.sla, reply=False))


def decline_request(ctx: Context, principal: Principal, command: DeclineRequest) -> tuple[FtaRequest, str]:
    try:
        decline = Decline.model_validate({"reason": command.reason, "note": command.note})
    except ValidationError as exc:
        raise invalid_model(exc, "") from None
    return run_action(ctx, principal, command.request_id, command.if_match, access.DECLINE,
                      lambda r: r.decline_request(principal.actor, ctx.clock(), decline))


_participants = TypeAdapter(Participants)


def set_participants(ctx: Context, principal: Principal, command: SetParticipants) -> tuple[FtaRequest, str]:
    """The account team on the request (the requestor and leads): they get the requestor's mails."""
    try:
        participants = _participants.validate_python(command.participants)
    except ValidationError as exc:
        raise invalid_model(exc, "participants") from None

    def apply(request: FtaRequest) -> Any:
        problem = participants_problem(participants, request.requestor.email)
        if problem:
            raise invalid_field("participants", problem)
        return request.set_participants(participants, principal.actor, ctx.clock())

    return run_action(ctx, principal, command.request_id, command.if_match, access.PARTICIPANTS, apply)

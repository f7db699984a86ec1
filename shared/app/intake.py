"""Intake: an eligible form becomes a stored request and a ``request.submitted`` event."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from shared import telemetry
from shared.app.commands import SubmitRequest
from shared.app.context import Context
from shared.app.errors import Busy, IdempotencyKeyReused, Ineligible, TooManySubmissions, invalid_field
from shared.app.limits import count_submission
from shared.app.outbox import load, publish_pending
from shared.app.ports import Conflict
from shared.domain.eligibility import check_eligibility
from shared.domain.forms import participants_problem
from shared.domain.model import FtaRequest, Person, RequestForm, RequestType, new_request_id
from shared.domain.principal import Principal

log = telemetry.get_logger("fta.intake")

MAX_IDEMPOTENCY_KEY = 200


@dataclass
class Submitted:
    request: FtaRequest
    etag: str
    replayed: bool = False
    notices: list[dict[str, str]] = field(default_factory=list)


def notices_for(ctx: Context, request: FtaRequest) -> list[dict[str, str]]:
    """What the requestor should know about an accepted request (never a refusal)."""
    minimum = ctx.routing.funding_review.fta_review_minimum_usd
    if request.request_type is RequestType.SOW_ECIF and (request.funding_amount_usd or 0) < minimum:
        return [{"code": "below-fta-review-threshold",
                 "message": f"No FTA review is required for ECIF requests below USD {minimum:,.0f}; "
                            "the request is accepted."}]
    return []


def _idempotency_id(principal: Principal, key: str) -> str:
    return "idem-" + hashlib.sha256(f"{principal.email}\n{key}".encode("utf-8")).hexdigest()[:40]


def _valid_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or any(ord(c) < 32 for c in key):
        raise invalid_field("Idempotency-Key", "must be 1 to 200 printable characters", "header")
    return key


def body_fingerprint(form: RequestForm) -> str:
    """sha256 of the validated form as canonical JSON (sorted keys, no spaces): the same request
    however its body was spelled."""
    canonical = json.dumps(form.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submit_request(ctx: Context, principal: Principal, command: SubmitRequest) -> Submitted:
    result = _submit(ctx, principal, command)
    result.notices = notices_for(ctx, result.request)
    return result


def _submit(ctx: Context, principal: Principal, command: SubmitRequest) -> Submitted:
    form = command.form
    problem = participants_problem(form.participants, principal.email)
    if problem:
        raise invalid_field("participants", problem)
    verdict = check_eligibility(form, ctx.routing.eligibility.policy())
    if not verdict.eligible:
        raise Ineligible(
            "the request is not eligible for a FastTrack Architect",
            [reason.to_dict() for reason in verdict.reasons],
        )

    request_id = new_request_id()
    if command.idempotency_key is None:
        count_submission(ctx, principal)
    else:
        key_id = _idempotency_id(principal, _valid_key(command.idempotency_key))
        fingerprint = body_fingerprint(form)
        try:
            ctx.idempotency.remember(key_id, request_id, fingerprint, ctx.clock())
        except Conflict:
            first = ctx.idempotency.recorded(key_id)
            if first is None:
                raise Busy("the idempotency key is being recorded; try again") from None
            if first.fingerprint is not None and first.fingerprint != fingerprint:
                raise IdempotencyKeyReused(
                    "this Idempotency-Key was sent with another body; use a new key for another request",
                    [{"field": "Idempotency-Key", "message": "was used with another body", "type": "header"}],
                ) from None
            request_id = first.request_id
            existing = load(ctx, request_id)
            if existing is not None:
                return Submitted(existing[0], existing[1], replayed=True)
            # The first attempt stopped between the key and the request (it was counted): finish it.
        else:
            try:
                count_submission(ctx, principal)
            except TooManySubmissions:
                ctx.idempotency.forget(key_id)  # the key may be used again once the limit allows
                raise

    now = ctx.clock()
    requestor = Person.signed_in(principal.email, principal.name)
    request = FtaRequest.submit(form, requestor, now, request_id=request_id)
    telemetry.set_request_id(request.id)
    try:
        etag = ctx.requests.add(request)
    except Conflict:
        existing = load(ctx, request_id)
        if existing is None or existing[0].requestor.email != principal.email:
            raise Busy("could not store the request; try again") from None
        return Submitted(existing[0], existing[1], replayed=True)
    log.info("request submitted: request=%s", request.id)
    publish_pending(ctx, request)  # route_to_leads marks the event dispatched as it routes the request
    return Submitted(request, etag)

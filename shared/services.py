"""Use cases. Each takes the process context (ports) and plain inputs, applies
the domain, stores the result with one conditional write, then publishes the
events the write recorded (the transactional outbox inside the document)."""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from pydantic import ValidationError

from shared import telemetry, topology
from shared.auth import Principal
from shared.bootstrap import Context
from shared.bus.base import OutgoingMessage, PublishError
from shared.calendar import BusinessCalendar
from shared.eligibility import check_eligibility
from shared.model import (
    Event,
    EventType,
    FtaRequest,
    InvalidTransition,
    Person,
    RequestForm,
    Status,
    iso,
    new_request_id,
)
from shared.store.base import Conflict, PreconditionFailed, StoreError, Where

log = telemetry.get_logger("fta.services")

MAX_BODY_BYTES = 64 * 1024
MAX_JSON_DEPTH = 12
WRITE_ATTEMPTS = 8


# -- errors the entrypoints turn into answers ---------------------------------------


class ServiceError(Exception):
    status = 400
    code = "bad-request"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "details": self.details}


class InvalidInput(ServiceError):
    status, code = 400, "invalid-request"


class PayloadTooLarge(ServiceError):
    status, code = 413, "payload-too-large"


class Ineligible(ServiceError):
    status, code = 422, "ineligible"

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "reasons": self.details}


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class NotFound(ServiceError):
    status, code = 404, "not-found"


class WrongState(ServiceError):
    status, code = 409, "conflict"


class StaleETag(ServiceError):
    status, code = 412, "precondition-failed"


class Busy(ServiceError):
    status, code = 503, "busy"


class Poison(Exception):
    """A message that can never succeed: parked, not retried."""


# -- parsing ------------------------------------------------------------------------


def _check_shape(data: Any) -> None:
    """One walk over a parsed body: too deep is refused first, then a lone surrogate."""
    stack = [(data, 1)]
    lone_surrogate = False
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InvalidInput(f"the body nests deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
            lone_surrogate = lone_surrogate or any(not _encodable(k) for k in item)
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str):
            lone_surrogate = lone_surrogate or not _encodable(item)
    if lone_surrogate:
        raise InvalidInput("the body holds invalid Unicode (a lone surrogate)")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_json_body(body: bytes, *, required: bool = True) -> dict[str, Any]:
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is {len(body)} bytes; at most {MAX_BODY_BYTES} are accepted")
    if not body.strip():
        if required:
            raise InvalidInput("the body must be a JSON object", [{"field": "", "message": "empty body"}])
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the body is not valid UTF-8") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise InvalidInput("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object")
    _check_shape(data)
    return data


def field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    details = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(p) for p in error["loc"] if p != "__root__")
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "is not a field of this request"
        details.append({"field": loc, "message": message, "type": error["type"]})
    return details


def parse_form(data: dict[str, Any], regions: list[str]) -> RequestForm:
    if "requestor" in data:
        raise InvalidInput(
            "the requestor is the signed-in user and cannot be given in the body",
            [{"field": "requestor", "message": "is set from the signed-in user", "type": "extra_forbidden"}],
        )
    details: list[dict[str, Any]] = []
    form = None
    try:
        form = RequestForm.model_validate(data)
    except ValidationError as exc:
        details = field_errors(exc)
    region = data.get("region")
    if isinstance(region, str) and region.strip() and region.strip() not in regions:
        details.append({"field": "region", "message": f"must be one of {', '.join(regions)}", "type": "enum"})
    if details or form is None:
        raise InvalidInput(
            "the request has invalid fields: " + ", ".join(sorted({d["field"] or "body" for d in details})),
            details,
        )
    return form


# -- the requests container ---------------------------------------------------------


def load(ctx: Context, request_id: str) -> tuple[FtaRequest, str] | None:
    telemetry.set_request_id(request_id)
    item = ctx.store.read(topology.REQUESTS, request_id)
    if item is None:
        return None
    return FtaRequest.model_validate(item.doc), item.etag


def _doc(request: FtaRequest) -> dict[str, Any]:
    return request.to_json_dict()


def change(
    ctx: Context,
    request_id: str,
    apply: Callable[[FtaRequest], Any],
    *,
    if_match: str | None = None,
    current: tuple[FtaRequest, str] | None = None,
    guard: Callable[[FtaRequest], None] | None = None,
) -> tuple[FtaRequest, str, Any]:
    """Read, apply a domain change, write conditionally; retry on a lost race.

    ``guard`` sees each version read before anything else is said about it
    (it raises to refuse). With ``if_match`` the caller's ETag must still be
    current (412 otherwise).
    ``current`` is a version the caller already holds: the first attempt
    starts from it instead of reading. ``apply`` returns a result, or ``None``
    to write nothing.
    """
    for attempt in range(WRITE_ATTEMPTS):
        loaded = current if attempt == 0 and current is not None else load(ctx, request_id)
        if loaded is None:
            raise NotFound(f"request {request_id} does not exist")
        request, etag = loaded
        if guard is not None:
            guard(request)
        if if_match is not None and if_match.strip('"') != etag.strip('"') and if_match != "*":
            raise StaleETag("the request changed since it was read; reload it and try again")
        result = apply(request)
        if result is None:
            return request, etag, None
        try:
            etag = ctx.store.replace(topology.REQUESTS, _doc(request), etag=etag)
        except PreconditionFailed:
            if if_match is not None:
                raise StaleETag("the request changed since it was read; reload it and try again") from None
            continue
        return request, etag, result
    raise Busy("the request is changing too often; try again")


# -- publishing (the outbox) --------------------------------------------------------


def to_message(event: Event, request: FtaRequest) -> OutgoingMessage:
    lead_group = event.data.get("leadGroup") or request.lead_group or ""
    return OutgoingMessage(
        body=json.dumps(event.envelope(), separators=(",", ":")).encode("utf-8"),
        message_id=event.id,
        subject=event.type.value,
        correlation_id=request.id,
        content_type="application/json",
        application_properties={
            "eventType": event.type.value,
            "leadGroup": lead_group,
            "region": request.region,
        },
    )


def dispatch(ctx: Context, request: FtaRequest, etag: str) -> tuple[FtaRequest, str]:
    """Publish the request's undispatched events, then mark them dispatched.

    A failed publish leaves them undispatched for ``sweep``; a crash after the
    publish republishes them later, which duplicate detection and idempotent
    consumers absorb.
    """
    pending = request.undispatched()
    if not pending:
        return request, etag
    try:
        ctx.bus.publish([to_message(event, request) for event in pending])
    except PublishError as exc:
        log.warning("publish failed, left for sweep: request=%s events=%d error=%s",
                    request.id, len(pending), type(exc).__name__)
        return request, etag
    ids = {event.id for event in pending}
    try:
        request, etag, _ = change(ctx, request.id, lambda r: True if r.mark_dispatched(ids) else None,
                                  current=(request.model_copy(deep=True), etag))
    except (Busy, NotFound, StoreError) as exc:
        log.warning("marking events dispatched failed, sweep will republish: request=%s error=%s",
                    request.id, type(exc).__name__)
    return request, etag


# -- intake ---------------------------------------------------------------------------


@dataclass
class Submitted:
    request: FtaRequest
    etag: str
    replayed: bool = False


def _idempotency_id(principal: Principal, key: str) -> str:
    return "idem-" + hashlib.sha256(f"{principal.email}\n{key}".encode("utf-8")).hexdigest()[:40]


def submit_request(ctx: Context, principal: Principal, body: bytes, idempotency_key: str | None = None) -> Submitted:
    data = parse_json_body(body)
    form = parse_form(data, ctx.routing.regions)
    verdict = check_eligibility(form, ctx.routing.eligibility.policy())
    if not verdict.eligible:
        raise Ineligible(
            "the request is not eligible for a FastTrack Architect",
            [reason.to_dict() for reason in verdict.reasons],
        )

    request_id = new_request_id()
    if idempotency_key is not None:
        key = idempotency_key.strip()
        if not key or len(key) > 200 or any(ord(c) < 32 for c in key):
            raise InvalidInput("Idempotency-Key must be 1 to 200 printable characters",
                               [{"field": "Idempotency-Key", "message": "invalid", "type": "header"}])
        record_id = _idempotency_id(principal, key)
        try:
            ctx.store.create(
                topology.IDEMPOTENCY,
                {"id": record_id, "requestId": request_id, "createdAt": iso(ctx.clock())},
                ttl_seconds=topology.IDEMPOTENCY_TTL_SECONDS,
            )
        except Conflict:
            record = ctx.store.read(topology.IDEMPOTENCY, record_id)
            if record is None:
                raise Busy("the idempotency key is being recorded; try again") from None
            request_id = record.doc["requestId"]
            existing = load(ctx, request_id)
            if existing is not None:
                return Submitted(existing[0], existing[1], replayed=True)
            # The first attempt stopped between the key and the request: finish it.

    now = ctx.clock()
    requestor = Person(email=principal.email, name=principal.name if principal.name != principal.email else "")
    request = FtaRequest.submit(form, requestor, now, request_id=request_id)
    telemetry.set_request_id(request.id)
    try:
        etag = ctx.store.create(topology.REQUESTS, _doc(request))
    except Conflict:
        existing = load(ctx, request_id)
        if existing is None or existing[0].requestor.email != principal.email:
            raise Busy("could not store the request; try again") from None
        return Submitted(existing[0], existing[1], replayed=True)
    log.info("request submitted: request=%s", request.id)
    request, etag = dispatch(ctx, request, etag)
    return Submitted(request, etag)


# -- reading ----------------------------------------------------------------------------


def _visible(principal: Principal, request: FtaRequest) -> bool:
    return principal.is_lead or request.requestor.email == principal.email


def get_request(ctx: Context, principal: Principal, request_id: str) -> tuple[FtaRequest, str]:
    loaded = load(ctx, request_id) if _valid_id(request_id) else None
    if loaded is None or not _visible(principal, loaded[0]):
        raise NotFound(f"request {request_id} does not exist")
    return loaded


def _valid_id(request_id: str) -> bool:
    return 0 < len(request_id) <= 64 and request_id.replace("-", "").isalnum()


LIST_FILTERS = ("status", "leadGroup", "tpid", "mine", "view", "counts", "limit", "continuationToken")
VIEWS = ("all", "queue")


def list_requests(ctx: Context, principal: Principal, params: dict[str, str]) -> dict[str, Any]:
    unknown = sorted(set(params) - set(LIST_FILTERS))
    if unknown:
        raise InvalidInput(f"unknown query parameter: {', '.join(unknown)}",
                           [{"field": name, "message": "is not a filter", "type": "query"} for name in unknown])
    where: list[Where] = []
    details = []
    if "status" in params:
        statuses = [s.strip() for s in params["status"].split(",") if s.strip()]
        bad = [s for s in statuses if s not in Status._value2member_map_]
        if bad or not statuses:
            details.append({"field": "status", "message": f"must be among {', '.join(s.value for s in Status)}", "type": "query"})
        else:
            where.append(Where("status", "in", statuses) if len(statuses) > 1 else Where("status", "=", statuses[0]))
    if "leadGroup" in params:
        if params["leadGroup"] not in ctx.routing.group_ids:
            details.append({"field": "leadGroup", "message": f"must be one of {', '.join(ctx.routing.group_ids)}", "type": "query"})
        else:
            where.append(Where("leadGroup", "=", params["leadGroup"]))
    if "tpid" in params:
        tpid = params["tpid"].strip()
        if not (tpid.isdigit() and 1 <= len(tpid) <= 12):
            details.append({"field": "tpid", "message": "must be 1 to 12 digits", "type": "query"})
        else:
            where.append(Where("tpid", "=", tpid))
    mine = params.get("mine", "false").lower()
    if mine not in ("true", "false"):
        details.append({"field": "mine", "message": "must be true or false", "type": "query"})
    limit = 50
    if "limit" in params:
        try:
            limit = int(params["limit"])
            if not 1 <= limit <= 200:
                raise ValueError
        except ValueError:
            details.append({"field": "limit", "message": "must be a whole number from 1 to 200", "type": "query"})
    view = params.get("view", "all")
    if view not in VIEWS:
        details.append({"field": "view", "message": "must be all or queue", "type": "query"})
    elif view == "queue" and "status" in params:
        details.append({"field": "status", "message": "the queue view chooses its own statuses", "type": "query"})
    counts = params.get("counts", "false").lower()
    if counts not in ("true", "false"):
        details.append({"field": "counts", "message": "must be true or false", "type": "query"})
    if details:
        raise InvalidInput("invalid filters: " + ", ".join(d["field"] for d in details), details)
    if mine == "true" or not principal.is_lead:
        where.append(Where("requestor.email", "=", principal.email))

    token = params.get("continuationToken") or None
    try:
        if view == "queue":
            docs, next_token = _queue_page(ctx, where, limit, token)
        else:
            page = ctx.store.query(topology.REQUESTS, where, order_by="createdAt", descending=True,
                                   limit=limit, continuation=token)
            docs, next_token = page.items, page.continuation
    except ValueError:
        raise InvalidInput("continuationToken is not one this list gave out",
                           [{"field": "continuationToken", "message": "not valid for this list", "type": "query"}]) from None
    now = ctx.clock()
    items = []
    for doc in docs:
        request = FtaRequest.model_validate(doc)
        item = request.public_view()
        item["overdue"] = is_overdue(request, now)
        items.append(item)
    answer: dict[str, Any] = {"items": items, "continuationToken": next_token}
    if counts == "true":
        base = [w for w in where if w.field != "status"]
        answer["counts"] = {s.value: ctx.store.count(topology.REQUESTS, [*base, Where("status", "=", s.value)]) for s in Status}
    return answer


# A lead's queue: requests waiting for an architect first (oldest, i.e. most
# overdue, first), then those assigned, then closed ones (newest first). One
# query per phase in turn, the phase carried in the continuation token.
_QUEUE_PHASES = (
    (Where("status", "in", [Status.SUBMITTED.value, Status.ROUTED.value]), False),
    (Where("status", "=", Status.ASSIGNED.value), True),
    (Where("status", "in", [Status.COMPLETED.value, Status.CANCELLED.value]), True),
)


def _queue_page(ctx: Context, where: list[Where], limit: int, token: str | None) -> tuple[list[dict], str | None]:
    phase, inner = 0, None
    if token:
        try:
            decoded = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
            phase, inner = int(decoded["p"]), decoded["t"]
            if not 0 <= phase < len(_QUEUE_PHASES) or not (inner is None or isinstance(inner, str)):
                raise ValueError
        except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
            raise ValueError("continuation token is not valid") from None
    docs: list[dict] = []
    while phase < len(_QUEUE_PHASES):
        condition, descending = _QUEUE_PHASES[phase]
        page = ctx.store.query(topology.REQUESTS, [*where, condition], order_by="createdAt",
                               descending=descending, limit=limit - len(docs), continuation=inner)
        docs += page.items
        if page.continuation:
            return docs, _queue_token(phase, page.continuation)
        phase, inner = phase + 1, None
        if len(docs) >= limit:
            return docs, _queue_token(phase, None) if phase < len(_QUEUE_PHASES) else None
    return docs, None


def _queue_token(phase: int, inner: str | None) -> str:
    return base64.urlsafe_b64encode(json.dumps({"p": phase, "t": inner}).encode()).decode("ascii")


def is_overdue(request: FtaRequest, now: datetime) -> bool:
    return request.status is Status.ROUTED and request.assign_due_at is not None and request.assign_due_at <= now


# -- routing (route-to-leads subscription) ----------------------------------------------


@dataclass
class Outcome:
    """What a consumer did with one message (for the invocation log and tests)."""

    action: str
    detail: dict[str, Any] = field(default_factory=dict)


def calendar(ctx: Context) -> BusinessCalendar:
    cached = ctx.extras.get("calendar")
    if cached is None:
        cached = ctx.extras["calendar"] = BusinessCalendar.from_config(ctx.routing.business_calendar)
    return cached


def parse_envelope(body: bytes) -> Event:
    try:
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return Event.model_validate(data)
    except (UnicodeDecodeError, ValueError, ValidationError) as exc:
        raise Poison(f"unparseable event: {type(exc).__name__}") from None


def route_request(ctx: Context, event: Event) -> Outcome:
    if event.type is not EventType.SUBMITTED:
        raise Poison(f"route-to-leads received {event.type.value}")

    def apply(request: FtaRequest) -> Any:
        if request.status is not Status.SUBMITTED:
            return None
        group = ctx.routing.pick_lead_group(request)
        now = ctx.clock()
        due = calendar(ctx).add_business_hours(now, ctx.settings.assign_sla_business_hours)
        return request.route(group.id, now, due)

    try:
        request, etag, routed = change(ctx, event.request_id, apply)
    except NotFound:
        raise Poison("unknown request") from None
    request, etag = dispatch(ctx, request, etag)
    if routed is None:
        return Outcome("already-routed", {"requestId": request.id, "status": request.status.value})
    log.info("request routed: request=%s leadGroup=%s", request.id, request.lead_group)
    return Outcome("routed", {"requestId": request.id, "leadGroup": request.lead_group})


# -- parking ----------------------------------------------------------------------------


def park(ctx: Context, *, subscription: str, message_id: str, subject: str | None,
         correlation_id: str | None, reason: str, body: bytes = b"") -> str:
    record_id = "park-" + hashlib.sha256(f"{subscription}\n{message_id}\n{reason}".encode()).hexdigest()[:40]
    record = {
        "id": record_id,
        "subscription": subscription,
        "messageId": message_id,
        "subject": subject,
        "correlationId": correlation_id,
        "reason": reason,
        "body": body.decode("utf-8", "replace")[:8192],
        "parkedAt": iso(ctx.clock()),
    }
    try:
        ctx.store.create(topology.PARKED, record, ttl_seconds=topology.PARKED_TTL_SECONDS)
    except Conflict:
        pass
    log.warning("message parked: subscription=%s message=%s reason=%s", subscription, message_id, reason)
    return record_id


def handle_message(
    ctx: Context,
    subscription: str,
    body: bytes,
    *,
    message_id: str,
    subject: str | None = None,
    correlation_id: str | None = None,
) -> Outcome:
    """The consumers' entry: a poison message is parked and completed, any other
    failure raises so that the bus redelivers it."""
    handlers = {topology.ROUTE_TO_LEADS: route_request, topology.NOTIFY: send_notifications}
    telemetry.set_request_id(correlation_id)
    try:
        event = parse_envelope(body)
        telemetry.set_request_id(event.request_id)
        return handlers[subscription](ctx, event)
    except Poison as exc:
        park(ctx, subscription=subscription, message_id=message_id, subject=subject,
             correlation_id=correlation_id, reason=str(exc), body=body)
        return Outcome("parked", {"reason": str(exc)})


def send_notifications(ctx: Context, event: Event) -> Outcome:
    from shared.notifications import notify

    return notify(ctx, event)


# -- lead actions ----------------------------------------------------------------------


def choose_architect(pool: list[str], open_counts: dict[str, int], total_counts: dict[str, int]) -> str:
    """The workload balancer: fewest open assignments, then fewest ever, then pool order."""
    return min(pool, key=lambda a: (open_counts.get(a, 0), total_counts.get(a, 0), pool.index(a)))


def _balance(ctx: Context, lead_group: str, current: str | None = None) -> str:
    group = ctx.routing.group(lead_group)
    pool = [a.email for a in group.architects if a.email != current]
    if not pool:
        raise WrongState(f"lead group {lead_group} has no other architect to balance over")
    open_counts = {a: ctx.store.count(topology.REQUESTS, [Where("architect", "=", a), Where("status", "=", "assigned")]) for a in pool}
    totals = {a: ctx.store.count(topology.REQUESTS, [Where("architect", "=", a), Where("status", "in", ["assigned", "completed"])]) for a in pool}
    return choose_architect(pool, open_counts, totals)


def _run_action(ctx, principal, request_id, if_match, apply, validate=None) -> tuple[FtaRequest, str]:
    """One read; then, in this order: 404 unless the caller may see the request,
    ``validate`` (the body), 412 on a stale If-Match, the change; then the publish."""
    if not _valid_id(request_id):
        raise NotFound(f"request {request_id} does not exist")

    def guard(request: FtaRequest) -> None:
        if not _visible(principal, request):
            raise NotFound(f"request {request_id} does not exist")
        if validate is not None:
            validate()

    def guarded(request: FtaRequest) -> Any:
        try:
            return apply(request)
        except InvalidTransition as exc:
            raise WrongState(str(exc)) from None

    request, etag, _ = change(ctx, request_id, guarded, if_match=if_match, guard=guard)
    return dispatch(ctx, request, etag)


def assign_architect(ctx: Context, principal: Principal, request_id: str, body: bytes, if_match: str | None = None) -> tuple[FtaRequest, str]:
    if not principal.is_lead:
        get_request(ctx, principal, request_id)  # 404 unless the caller may see it
        raise Forbidden("only FTA leads and admins assign architects")
    data = parse_json_body(body)
    architect = data.get("architect")
    if set(data) - {"architect"} or not isinstance(architect, str) or not architect.strip():
        raise InvalidInput("the body must be {\"architect\": email} or {\"architect\": \"auto\"}",
                           [{"field": "architect", "message": "an email address or \"auto\"", "type": "value_error"}])
    architect = architect.strip()
    auto = architect.lower() == "auto"
    if not auto:
        try:
            architect = Person(email=architect).email
        except ValidationError:
            raise InvalidInput("architect must be an email address or \"auto\"",
                               [{"field": "architect", "message": "must be an email address or \"auto\"", "type": "value_error"}]) from None

    def apply(request: FtaRequest) -> Any:
        if request.status not in (Status.ROUTED, Status.ASSIGNED):
            raise InvalidTransition(request.status, "assigned")
        chosen = _balance(ctx, request.lead_group or ctx.routing.default, request.architect) if auto else architect
        return request.assign(chosen, principal.actor, ctx.clock(), auto=auto)

    return _run_action(ctx, principal, request_id, if_match, apply)


def cancel_request(ctx: Context, principal: Principal, request_id: str, body: bytes, if_match: str | None = None) -> tuple[FtaRequest, str]:
    """Owners, leads and admins: whoever may see the request may cancel it."""

    @functools.cache
    def reason() -> str | None:
        data = parse_json_body(body, required=False)
        given = data.get("reason")
        if set(data) - {"reason"} or (given is not None and (not isinstance(given, str) or len(given) > 500 or "\n" in given or "\r" in given)):
            raise InvalidInput("the body may only hold {\"reason\": text up to 500 characters on one line}",
                               [{"field": "reason", "message": "text up to 500 characters on one line", "type": "value_error"}])
        return (given or "").strip() or None

    return _run_action(ctx, principal, request_id, if_match,
                       lambda r: r.cancel(principal.actor, ctx.clock(), reason()), validate=reason)


def complete_request(ctx: Context, principal: Principal, request_id: str, if_match: str | None = None) -> tuple[FtaRequest, str]:
    if not principal.is_lead:
        get_request(ctx, principal, request_id)  # 404 unless the caller may see it
        raise Forbidden("only FTA leads and admins complete a request")
    return _run_action(ctx, principal, request_id, if_match, lambda r: r.complete(principal.actor, ctx.clock()))


# -- timers --------------------------------------------------------------------------------

SWEEP_BATCH = 200
REMIND_BATCH = 200


def sweep(ctx: Context, older_than: timedelta | None = None) -> Outcome:
    """Republish events left undispatched (a crash between write and publish)."""
    if older_than is None:
        older_than = timedelta(seconds=ctx.settings.sweep_after_seconds)
    cutoff = iso(ctx.clock() - older_than)
    page = ctx.store.query(
        topology.REQUESTS,
        [Where("pendingDispatch", "=", True), Where("updatedAt", "<=", cutoff)],
        order_by="updatedAt", limit=SWEEP_BATCH,
    )
    republished = 0
    for doc in page.items:
        loaded = load(ctx, doc["id"])
        if loaded is None:
            continue
        request, etag = loaded
        count = len(request.undispatched())
        request, etag = dispatch(ctx, request, etag)
        if not request.pending_dispatch:
            republished += count
    if republished:
        log.info("sweep republished %d events", republished)
    return Outcome("swept", {"requests": len(page.items), "events": republished})


def send_reminders(ctx: Context) -> Outcome:
    """Remind lead groups of routed requests past the SLA; escalate after N reminders."""
    now = ctx.clock()
    page = ctx.store.query(
        topology.REQUESTS,
        [Where("status", "=", "routed"), Where("nextReminderAt", "<=", iso(now))],
        order_by="nextReminderAt", limit=REMIND_BATCH,
    )
    counts = {"reminders": 0, "escalations": 0}
    sla = ctx.settings.assign_sla_business_hours
    limit = ctx.settings.reminders_before_escalation

    for doc in page.items:
        def apply(request: FtaRequest) -> Any:
            if request.status is not Status.ROUTED or request.next_reminder_at is None or request.next_reminder_at > now:
                return None
            group = request.lead_group or ctx.routing.default
            if request.reminders_sent < limit:
                return request.remind(now, calendar(ctx).add_business_hours(now, sla), group)
            if not request.escalated:
                return request.escalate(now, ctx.routing.escalate_to)
            return None

        try:
            request, etag, event = change(ctx, doc["id"], apply)
        except (NotFound, Busy):
            continue
        if event is not None:
            counts["reminders" if event.type is EventType.REMINDER else "escalations"] += 1
            if event.type is EventType.ESCALATED:  # the log alert in infra/modules/alerts.bicep counts these lines
                log.warning("request escalated: request=%s leadGroup=%s", request.id, request.lead_group)
            dispatch(ctx, request, etag)
    return Outcome("reminded", counts)


# -- health --------------------------------------------------------------------------------


def health(ctx: Context) -> dict[str, Any]:
    components: dict[str, Any] = {}
    ok = True
    for name, part in (("store", ctx.store), ("bus", ctx.bus), ("email", ctx.mailer)):
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
        now = iso(ctx.clock())
        figures["overdueUnassigned"] = ctx.store.count(
            topology.REQUESTS, [Where("status", "=", "routed"), Where("assignDueAt", "<=", now)])
        figures["parked"] = ctx.store.count(topology.PARKED)
    except StoreError:
        figures["overdueUnassigned"] = figures["parked"] = None
    depths = components.get("bus", {}).get("subscriptions")
    if not isinstance(depths, dict):
        figures["deadLetters"] = None
        return figures
    figures["deadLetters"] = sum(d.get("dead_letter", 0) for n, d in depths.items() if not topology.is_feed(n))
    figures["leadFeeds"] = {n: {"active": d.get("active", 0), "dead_letter": d.get("dead_letter", 0)}
                            for n, d in depths.items() if topology.is_feed(n)}
    return figures

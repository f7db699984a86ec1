"""Bodies and query strings turned into the use cases' commands; a bad one is
a 400 naming each field."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

import azure.functions as func
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from functions.http import if_match, invalid, json_body
from shared.app.commands import (
    ReopenRequest,
    SetParticipants,
    AddComment,
    AssignArchitect,
    CancelRequest,
    CheckEligibility,
    CompleteRequest,
    DeclineRequest,
    ExportRequests,
    ListRequests,
    RequestInfo,
    ResumeRequest,
    SlaReport,
    SubmitRequest,
)
from shared.domain.model import Person, RequestForm, Status
from shared.domain.partial_form import field_errors, read_partial_form, region_error
from shared.domain.routing import Routing
from shared.domain.search import SORT_FIELDS, BadQuery, search_query
from shared.domain.values import bounded_day

LIST_PARAMETERS = ("status", "leadGroup", "tpid", "mine", "view", "counts", "limit", "continuationToken", "q", "sort")
VIEWS = ("all", "queue", "assigned")
_BodyT = TypeVar("_BodyT", bound="_Body")


def request_form(data: dict[str, Any], routing: Routing) -> RequestForm:
    if "requestor" in data:
        raise invalid(
            "the requestor is the signed-in user and cannot be given in the body",
            [{"field": "requestor", "message": "is set from the signed-in user", "type": "extra_forbidden"}],
        )
    details: list[dict[str, Any]] = []
    form = None
    try:
        form = RequestForm.model_validate(data)
    except ValidationError as exc:
        details = field_errors(exc)
    wrong_region = region_error(data.get("region"), routing.regions)
    if wrong_region:
        details.append(wrong_region)
    if details or form is None:
        raise invalid(
            "the request has invalid fields: " + ", ".join(sorted({d["field"] or "body" for d in details})),
            details,
        )
    return form


def submit_request(req: func.HttpRequest, routing: Routing) -> SubmitRequest:
    return SubmitRequest(request_form(json_body(req), routing), req.headers.get("Idempotency-Key"))


def check_eligibility(req: func.HttpRequest, routing: Routing) -> CheckEligibility:
    """Any JSON object: its invalid fields are part of the answer, not a refusal."""
    return CheckEligibility(read_partial_form(json_body(req), routing.regions))


def _query_error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message, "type": "query"}


def _flag(params: dict[str, str], name: str, details: list[dict[str, str]]) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        details.append(_query_error(name, "must be true or false"))
    return value == "true"


def _statuses(params: dict[str, str], details: list[dict[str, str]]) -> tuple[Status, ...]:
    """``status``: one status or a comma list; none given is every status."""
    if "status" not in params:
        return ()
    given = [s.strip() for s in params["status"].split(",") if s.strip()]
    if not given or any(s not in Status._value2member_map_ for s in given):
        details.append(_query_error("status", f"must be among {', '.join(s.value for s in Status)}"))
        return ()
    return tuple(Status(s) for s in given)


def list_requests(req: func.HttpRequest) -> ListRequests:
    params = dict(req.params)
    unknown = sorted(set(params) - set(LIST_PARAMETERS))
    if unknown:
        raise invalid(f"unknown query parameter: {', '.join(unknown)}",
                      [{"field": name, "message": "is not a filter", "type": "query"} for name in unknown])
    details: list[dict[str, str]] = []
    statuses = _statuses(params, details)
    tpid = params.get("tpid")
    if tpid is not None:
        tpid = tpid.strip()
        if not (tpid.isdigit() and 1 <= len(tpid) <= 12):
            details.append(_query_error("tpid", "must be 1 to 12 digits"))
    mine = _flag(params, "mine", details)
    counts = _flag(params, "counts", details)
    limit = 50
    if "limit" in params:
        try:
            limit = int(params["limit"])
            if not 1 <= limit <= 200:
                raise ValueError
        except ValueError:
            details.append(_query_error("limit", "must be a whole number from 1 to 200"))
    view = params.get("view", "all")
    if view not in VIEWS:
        details.append(_query_error("view", "must be all, queue or assigned"))
    elif view == "queue" and "status" in params:
        details.append(_query_error("status", "the queue view chooses its own statuses"))
    text = None
    if "q" in params:
        try:
            text = search_query(params["q"])
        except BadQuery as problem:
            details.append(_query_error("q", str(problem)))
    sort = params.get("sort")
    if sort is not None and sort.removeprefix("-") not in SORT_FIELDS:
        details.append(_query_error("sort", f"must be one of {', '.join(SORT_FIELDS)}, each optionally after '-'"))
    if details:
        raise invalid("invalid filters: " + ", ".join(d["field"] for d in details), details)
    return ListRequests(statuses=statuses, lead_group=params.get("leadGroup"), tpid=tpid, mine=mine,
                        view=view, counts=counts, limit=limit,  # type: ignore[arg-type]
                        continuation=params.get("continuationToken") or None, text=text,
                        sort=sort.removeprefix("-") if sort else None, descending=bool(sort and sort.startswith("-")))


def _request_id(req: func.HttpRequest) -> str:
    return req.route_params.get("id", "")


def assign_architect(req: func.HttpRequest) -> AssignArchitect:
    data = json_body(req)
    architect = data.get("architect")
    shape = [{"field": "architect", "message": "an email address or \"auto\"", "type": "value_error"}]
    if set(data) - {"architect"} or not isinstance(architect, str) or not architect.strip():
        raise invalid("the body must be {\"architect\": email} or {\"architect\": \"auto\"}", shape)
    architect = architect.strip()
    if architect.lower() == "auto":
        return AssignArchitect(_request_id(req), "auto", if_match(req))
    try:
        email = Person(email=architect).email
    except ValidationError:
        raise invalid("architect must be an email address or \"auto\"",
                      [{"field": "architect", "message": "must be an email address or \"auto\"",
                        "type": "value_error"}]) from None
    return AssignArchitect(_request_id(req), email, if_match(req))


class _Body(BaseModel):
    """An action's body: only these fields, each of its JSON type (the use case checks the values)."""

    model_config = ConfigDict(extra="forbid", strict=True, alias_generator=to_camel, populate_by_name=True)


class CompleteBody(_Body):
    outcome: dict[str, Any] | None = None


class RequestInfoBody(_Body):
    message: str
    missing_documents: list[str] = []


class DocumentChangeBody(_Body):
    kind: str


def document_change(req: func.HttpRequest) -> DocumentChangeBody:
    return _body(DocumentChangeBody, req)


class CommentBody(_Body):
    text: str
    internal: bool = False


class ResumeBody(_Body):
    pass


class CancelBody(_Body):
    reason: str | None = None


class ParticipantsBody(_Body):
    participants: list[Any]


def set_participants(req: func.HttpRequest) -> SetParticipants:
    body = _body(ParticipantsBody, req)
    return SetParticipants(_request_id(req), body.participants, if_match(req))


class ReopenBody(_Body):
    reason: str


def reopen_request(req: func.HttpRequest) -> ReopenRequest:
    body = _body(ReopenBody, req)
    return ReopenRequest(_request_id(req), body.reason, if_match(req))


class DeclineBody(_Body):
    reason: str
    note: str = ""


def _body(model: type[_BodyT], req: func.HttpRequest, *, required: bool = True) -> _BodyT:
    try:
        return model.model_validate(json_body(req, required=required))
    except ValidationError as exc:
        details = field_errors(exc)
        raise invalid("invalid fields: " + ", ".join(d["field"] for d in details), details) from None


def complete_request(req: func.HttpRequest) -> CompleteRequest:
    body = _body(CompleteBody, req, required=False)
    return CompleteRequest(_request_id(req), body.outcome, if_match(req))


def request_info(req: func.HttpRequest) -> RequestInfo:
    body = _body(RequestInfoBody, req)
    return RequestInfo(_request_id(req), body.message, tuple(body.missing_documents), if_match(req))


def add_comment(req: func.HttpRequest) -> AddComment:
    body = _body(CommentBody, req)
    return AddComment(_request_id(req), body.text, body.internal, if_match(req))


def resume_request(req: func.HttpRequest) -> ResumeRequest:
    _body(ResumeBody, req, required=False)
    return ResumeRequest(_request_id(req), if_match(req))


def cancel_request(req: func.HttpRequest) -> CancelRequest:
    body = _body(CancelBody, req, required=False)
    return CancelRequest(_request_id(req), body.reason, if_match(req))


def decline_request(req: func.HttpRequest) -> DeclineRequest:
    body = _body(DeclineBody, req)
    return DeclineRequest(_request_id(req), body.reason, body.note, if_match(req))


SLA_PARAMETERS = ("from", "to", "groupBy")
EXPORT_PARAMETERS = ("from", "to", "status", "leadGroup")
GROUP_BY = ("leadGroup", "region", "requestType", "architect")


def _known(params: dict[str, str], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise invalid(f"unknown query parameter: {', '.join(unknown)}",
                      [{"field": name, "message": "is not a parameter of this report", "type": "query"}
                       for name in unknown])


def _day(params: dict[str, str], name: str, details: list[dict[str, str]]) -> date | None:
    if name not in params:
        return None
    try:
        return bounded_day(params[name])
    except ValueError as exc:
        details.append(_query_error(name, str(exc)))
        return None


def _period(params: dict[str, str], details: list[dict[str, str]]) -> tuple[date | None, date | None]:
    first, last = _day(params, "from", details), _day(params, "to", details)
    if first and last and first > last:
        details.append(_query_error("from", "must not be after to"))
    return first, last


def sla_report(req: func.HttpRequest) -> SlaReport:
    params = dict(req.params)
    _known(params, SLA_PARAMETERS)
    details: list[dict[str, str]] = []
    first, last = _period(params, details)
    group_by = params.get("groupBy", "leadGroup")
    if group_by not in GROUP_BY:
        details.append(_query_error("groupBy", f"must be one of {', '.join(GROUP_BY)}"))
    if details:
        raise invalid("invalid parameters: " + ", ".join(d["field"] for d in details), details)
    return SlaReport(first, last, group_by)  # type: ignore[arg-type]


def export_requests(req: func.HttpRequest) -> ExportRequests:
    params = dict(req.params)
    _known(params, EXPORT_PARAMETERS)
    details: list[dict[str, str]] = []
    first, last = _period(params, details)
    statuses = _statuses(params, details)
    lead_group = params.get("leadGroup")
    if lead_group is not None and not lead_group.strip():
        details.append(_query_error("leadGroup", "must name a lead group"))
    if details:
        raise invalid("invalid filters: " + ", ".join(d["field"] for d in details), details)
    return ExportRequests(first, last, statuses, lead_group)

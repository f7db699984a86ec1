"""The JSON bodies of every route, read from the OpenAPI document the app serves,
and a request in the state each route needs: the input-rule tests derive their
tables from here, so that a new field is covered without a new test."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Iterator

from functions.openapi.spec import openapi_document
from shared.domain.values import FREE_TEXT
from tests.document_samples import PDF, upload, upload_funding_documents
from tests.factories import LEAD, REQUESTOR, form, migration_form, sow_form

LEADS = ("FTA.Lead",)
ARCHITECT = "ana.alves@contoso.com"
WRITE_METHODS = ("post", "put", "patch", "delete")
# The string fields of the bodies that are not free text: each has its own format.
STRUCTURED = {"tpid", "tenant", "region", "architect", "participants.0.email"}  # each with its own format


def document() -> dict[str, Any]:
    served = openapi_document()
    return served


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


@dataclass(frozen=True)
class Field:
    operation: str  # the operationId: also the function's name
    method: str
    path: str  # the OpenAPI path
    field: tuple[str, ...]  # where the field sits in the body
    variant: str | None  # the title of the oneOf branch it sits in (complete: the request type)
    schema: dict[str, Any]

    @property
    def name(self) -> str:
        return ".".join(self.field)


def _strings(doc: dict[str, Any], schema: dict[str, Any], at: tuple[str, ...],
             variant: str | None) -> Iterator[tuple[tuple[str, ...], str | None, dict[str, Any]]]:
    schema = resolve(doc, schema)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _strings(doc, option, at, resolve(doc, option).get("title", variant) if key == "oneOf" else variant)
    if schema.get("type") == "string" and "enum" not in schema and "const" not in schema:
        yield at, variant, schema
    for name, sub in schema.get("properties", {}).items():
        yield from _strings(doc, sub, (*at, name), variant)
    if isinstance(schema.get("items"), dict):
        yield from _strings(doc, schema["items"], (*at, "0"), variant)


def json_operations(doc: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(operationId, method, path, body schema) of every operation taking a JSON body."""
    found = []
    for path, item in sorted(doc["paths"].items()):
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                found.append((operation["operationId"], method, path, content["application/json"]["schema"]))
    return found


def string_fields(doc: dict[str, Any]) -> list[Field]:
    fields = []
    for operation, method, path, schema in json_operations(doc):
        for at, variant, string in _strings(doc, schema, (), None):
            fields.append(Field(operation, method, path, at, variant, string))
    return fields


def free_text_fields(doc: dict[str, Any]) -> list[Field]:
    return [f for f in string_fields(doc) if FREE_TEXT in f.schema]


def url(path: str, request_id: str) -> str:
    """``request_id`` is a request's id, or ``<request id>|<document id>`` for a document's routes."""
    request, _, document = request_id.partition("|")
    return "http://localhost" + re.sub(r"\{docId\}", document, re.sub(r"\{id\}", request, path))


# -- a request in the state each operation needs, and a body it accepts ------------------


def routed(app, body: dict[str, Any] | None = None) -> str:
    request_id = app.submit(body or form(), REQUESTOR).body["id"]
    app.pump()
    return request_id


def assigned(app, body: dict[str, Any]) -> str:
    request_id = routed(app, body)
    if body["requestType"] == "sow-ecif":
        upload_funding_documents(app, request_id, REQUESTOR)
    answer = app.call("assign_request", "POST", url("/api/requests/{id}/assign", request_id),
                      body={"architect": ARCHITECT}, user=LEAD, roles=LEADS, route_params={"id": request_id})
    assert answer.status == 200, answer.body
    return request_id


OUTCOMES = {
    "sow-ecif": (sow_form, {"recommendation": "approve", "category": "cat-1", "notes": "ok"}),
    "migration-exception": (migration_form, {"decision": "approved", "notes": "ok"}),
    "non-ecif": (form, {"notes": "ok"}),
}


def prepare(app, operation: str, variant: str | None = None) -> tuple[str, dict[str, Any], str, tuple[str, ...]]:
    """(request id, a body the operation accepts, the caller, the caller's roles)."""
    if operation in ("create_request", "check_eligibility"):
        return "", migration_form(), REQUESTOR, ()
    if operation == "complete_request":
        make, outcome = OUTCOMES[variant or "non-ecif"]
        return assigned(app, make()), {"outcome": copy.deepcopy(outcome)}, LEAD, LEADS
    if operation == "assign_request":
        return routed(app), {"architect": ARCHITECT}, LEAD, LEADS
    if operation == "set_participants":
        return routed(app), {"participants": [{"email": "casey.csu@contoso.com", "role": "csu"}]}, REQUESTOR, ()
    if operation == "reopen_request":
        request_id = assigned(app, form())
        answer = app.call("complete_request", "POST", url("/api/requests/{id}/complete", request_id), body={},
                          user=LEAD, roles=LEADS, route_params={"id": request_id})
        assert answer.status == 200, answer.body
        return request_id, {"reason": "Revised SOW v3"}, LEAD, LEADS
    if operation == "change_document":
        request_id = routed(app)
        document = upload(app, request_id, "other", "plan.pdf", PDF, REQUESTOR)
        assert document.status == 201, document.body
        return f"{request_id}|{document.body['id']}", {"kind": "migration-plan"}, REQUESTOR, ()
    bodies = {
        "cancel_request": ({"reason": "postponed"}, REQUESTOR, ()),
        "decline_request": ({"reason": "other", "note": "ok"}, LEAD, LEADS),
        "request_info": ({"message": "Please add the WBS."}, LEAD, LEADS),
        "comment_request": ({"text": "Looks good.", "internal": False}, LEAD, LEADS),
        "resume_request": ({}, LEAD, LEADS),
    }
    body, user, roles = bodies[operation]
    request_id = routed(app)
    if operation == "resume_request":
        asked = app.call("request_info", "POST", url("/api/requests/{id}/request-info", request_id),
                         body={"message": "?"}, user=LEAD, roles=LEADS, route_params={"id": request_id})
        assert asked.status == 200
    return request_id, body, user, roles


def with_value(body: dict[str, Any], field: tuple[str, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    into = changed
    for key in field[:-1]:
        into = into.setdefault(key, {})
    into[field[-1]] = value
    return changed


def call(app, operation: str, method: str, path: str, request_id: str, body: Any, user: str,
         roles: tuple[str, ...], headers: dict[str, str] | None = None):
    request, _, document = request_id.partition("|")
    params = {"id": request, **({"docId": document} if document else {})} if request else {}
    return app.call(operation, method.upper(), url(path, request_id), body=body, user=user, roles=roles,
                    headers=headers, route_params=params)


def holds(answer: Any, value: str) -> bool:
    """Whether ``value`` comes back somewhere in the answer, unchanged."""
    if isinstance(answer, dict):
        return any(holds(v, value) for v in answer.values())
    if isinstance(answer, list):
        return any(holds(v, value) for v in answer)
    return answer == value

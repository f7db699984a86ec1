"""The OpenAPI 3.1 document of the HTTP API, generated from the pydantic models
that the code validates with, and the response bodies that have no domain
model of their own (the list page, the error body, the signed-in user)."""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel
from pydantic.json_schema import models_json_schema

from shared.auth import Principal
from shared.model import Event, FtaRequest, RequestForm, RequestType, Status
from shared.routing import Routing
from shared.services import MAX_BODY_BYTES
from shared.topology import PAGE_ROUTE

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
REF = "#/components/schemas/{model}"
PRINCIPAL_SCHEME = "appServiceAuthentication"


TENANT_PATTERN = (
    r"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)
SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f\u2028\u2029]*$"

# What FtaRequest.public_view() leaves out of the stored document.
INTERNAL_REQUEST_FIELDS = ("pendingDispatch", "nextReminderAt")


# -- response bodies without a domain model ------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class ErrorDetail(_Body):
    """A field at fault (``type``: the validation error), or on 422 a failed
    eligibility rule (``code``; the same list as ``reasons``)."""

    field: str
    message: str
    type: str | None = None
    code: str | None = None


class IneligibleReason(_Body):
    code: str
    message: str
    field: str = ""


class ErrorBody(_Body):
    """Every error answer: a code, a sentence, and the fields at fault."""

    error: str
    message: str
    details: list[ErrorDetail]
    reasons: list[IneligibleReason] | None = None


class Architect(_Body):
    email: str
    name: str


class LeadGroupView(_Body):
    id: str
    name: str
    architects: list[Architect]


class SignedInUser(_Body):
    """``GET /api/me``: who is signed in, and the routing file's regions and
    lead groups (architects only for leads) for the page's selects."""

    email: str
    name: str
    roles: list[str]
    is_lead: bool
    regions: list[str]
    lead_groups: list[LeadGroupView]

    @classmethod
    def of(cls, principal: Principal, routing: Routing) -> "SignedInUser":
        return cls(
            email=principal.email,
            name=principal.name,
            roles=sorted(principal.roles),
            is_lead=principal.is_lead,
            regions=list(routing.regions),
            lead_groups=[
                LeadGroupView(
                    id=group.id,
                    name=group.name,
                    architects=[Architect(email=a.email, name=a.name or a.email) for a in group.architects]
                    if principal.is_lead else [],
                )
                for group in routing.lead_groups
            ],
        )


class ComponentHealth(BaseModel):
    model_config = ConfigDict(extra="allow")

    backend: str
    ok: bool


class OperationsFigures(BaseModel):
    """What operators watch; ``null`` when the store cannot be asked."""

    model_config = ConfigDict(extra="allow")

    overdueUnassigned: int | None
    parked: int | None
    deadLetters: int | None


class HealthReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok", "degraded"]
    components: dict[str, ComponentHealth]
    operations: OperationsFigures


# -- route templates ---------------------------------------------------------------------

_PARAMETER = re.compile(r"\{\*?([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")


def openapi_path(route: str) -> str:
    """A Functions route template as an OpenAPI path (constraints dropped)."""
    if route.strip("/") == PAGE_ROUTE:
        return "/"
    return "/" + _PARAMETER.sub(r"{\1}", route.strip("/"))


# -- the document ------------------------------------------------------------------------


def _schema_ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _component_schemas() -> dict[str, Any]:
    _, top = models_json_schema(
        [
            (RequestForm, "validation"),
            (FtaRequest, "serialization"),
            (Event, "serialization"),
            (ErrorBody, "serialization"),
            (SignedInUser, "serialization"),
            (HealthReport, "serialization"),
        ],
        by_alias=True,
        ref_template=REF,
    )
    schemas: dict[str, Any] = top["$defs"]

    form = schemas["RequestForm"]
    form["allOf"] = [
        {
            "if": {"properties": {"requestType": {"const": RequestType.SOW_ECIF.value}}, "required": ["requestType"]},
            "then": {"required": ["fundingAmountUsd"], "properties": {"fundingAmountUsd": {"type": "number"}}},
        },
        {
            "if": {"properties": {"requestType": {"const": RequestType.MIGRATION_EXCEPTION.value}}, "required": ["requestType"]},
            "then": {"required": ["migration"], "properties": {"migration": {"type": "object"}}},
        },
    ]
    form["properties"]["region"]["description"] = "one of the regions of the routing configuration (GET /api/me lists them)"
    # What the validators check beyond pydantic's own constraints, so that a
    # body the document allows is one the service accepts.
    props = form["properties"]
    props["tenant"]["pattern"] = TENANT_PATTERN
    for name in ("customerName", "partner"):
        for option in props[name].get("anyOf", [props[name]]):
            if option.get("type") == "string":
                option["pattern"] = SINGLE_LINE_PATTERN
    props["compellingEvent"]["pattern"] = SINGLE_LINE_PATTERN

    # The stored request as the API answers: every field present, none internal.
    stored = schemas.pop("FtaRequest")
    view = copy.deepcopy(stored)
    for name in INTERNAL_REQUEST_FIELDS:
        view["properties"].pop(name)
    view["required"] = sorted(view["properties"])
    view["properties"]["overdue"] = {
        "type": "boolean",
        "description": "routed and still without an architect after the assignment SLA",
    }
    view["additionalProperties"] = False
    view["title"] = "FtaRequest"
    schemas["FtaRequest"] = view
    schemas["FtaRequestWithOverdue"] = {
        "allOf": [_schema_ref("FtaRequest"), {"required": ["overdue"]}],
        "description": "a request as GET answers it: with the overdue flag",
    }

    event = schemas["Event"]
    event["required"] = sorted(event["properties"])
    event["additionalProperties"] = False

    error = schemas["ErrorBody"]
    schemas["IneligibleError"] = {
        "allOf": [_schema_ref("ErrorBody"), {"required": ["reasons"], "properties": {"reasons": {"type": "array", "minItems": 1}}}],
        "description": "422: every eligibility rule the request breaks; nothing is stored",
    }
    error["properties"]["reasons"] = {"type": "array", "items": _schema_ref("IneligibleReason")}

    schemas["RequestList"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["items", "continuationToken"],
        "properties": {
            "items": {"type": "array", "items": _schema_ref("FtaRequestWithOverdue")},
            "continuationToken": {
                "type": ["string", "null"],
                "description": "pass back as continuationToken for the next page; null on the last page",
            },
            "counts": {
                "type": "object",
                "description": "with counts=true: how many requests each status has under the same filters",
                "additionalProperties": False,
                "required": [s.value for s in Status],
                "properties": {s.value: {"type": "integer", "minimum": 0} for s in Status},
            },
        },
    }
    schemas["AssignBody"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["architect"],
        "properties": {
            "architect": {
                "type": "string",
                "minLength": 1,
                "description": 'an architect\'s email, or "auto" for the lead group\'s workload balancer',
                "examples": ["ana.alves@contoso.com", "auto"],
            }
        },
    }
    schemas["CancelBody"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"reason": {"type": "string", "maxLength": 500}},
    }
    return dict(sorted(schemas.items()))


_ERRORS = {
    "400": "malformed or invalid input; each field at fault is named in details",
    "401": "no signed-in principal (X-MS-CLIENT-PRINCIPAL)",
    "403": "the caller's role does not allow this action",
    "404": "no such request, or not visible to the caller",
    "409": "the request is not in a state that allows this action",
    "412": "If-Match does not match the request's current ETag",
    "413": f"the body is over {MAX_BODY_BYTES} bytes",
    "422": "the request is not eligible for a FastTrack Architect",
    "503": "the store is unavailable or busy; try again",
}


def _json(schema_name: str) -> dict[str, Any]:
    return {"application/json": {"schema": _schema_ref(schema_name)}}


def _errors(*codes: str) -> dict[str, Any]:
    return {
        code: {"description": _ERRORS[code], "content": _json("IneligibleError" if code == "422" else "ErrorBody")}
        for code in codes
    }


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


ETAG = {"ETag": {"$ref": "#/components/headers/ETag"}}


def _request_answer(description: str, schema: str = "FtaRequest") -> dict[str, Any]:
    return {"description": description, "headers": ETAG, "content": _json(schema)}


def _action(operation_id: str, summary: str, *, body: dict[str, Any] | None, errors: tuple[str, ...]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["requests"],
        "parameters": [{"$ref": "#/components/parameters/RequestId"}, {"$ref": "#/components/parameters/IfMatch"}],
        "responses": {"200": _request_answer("the request after the change"), **_errors(*errors)},
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


def _list_parameters() -> list[dict[str, Any]]:
    described = {
        "status": ({"type": "string", "examples": ["routed", "submitted,routed"]},
                   "one status or a comma list: " + ", ".join(s.value for s in Status)),
        "leadGroup": ({"type": "string"}, "a lead group id of the routing configuration"),
        "tpid": ({"type": "string", "pattern": "^[0-9]{1,12}$"}, "Top Parent ID"),
        "mine": ({"type": "string", "enum": ["true", "false"], "default": "false"},
                 "only the caller's own requests (always the case for a requestor)"),
        "view": ({"type": "string", "enum": ["all", "queue"], "default": "all"},
                 "queue: requests waiting for an architect first (oldest first), then assigned, then closed ones"),
        "counts": ({"type": "string", "enum": ["true", "false"], "default": "false"},
                   "also answer counts per status under the same filters"),
        "limit": ({"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "page size"),
        "continuationToken": ({"type": "string"}, "the previous page's continuationToken"),
    }
    return [
        {"name": name, "in": "query", "required": False, "description": text, "schema": schema}
        for name, (schema, text) in described.items()
    ]


def _paths() -> dict[str, Any]:
    public: list = []
    return {
        "/": {
            "get": {
                "operationId": "web_page",
                "summary": "The web page: request form and dashboard",
                "tags": ["web"],
                "security": public,
                "responses": {
                    "200": {"description": "the page (its script asks GET /api/me who is signed in)",
                            "content": {"text/html": {"schema": {"type": "string"}}}},
                    "404": {"description": "no such page", "content": _json("ErrorBody")},
                },
            }
        },
        "/static/{name}": {
            "get": {
                "operationId": "web_static",
                "summary": "The page's script and style sheet",
                "tags": ["web"],
                "security": public,
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"},
                                "examples": {"script": {"value": "app.js"}, "style": {"value": "style.css"}}}],
                "responses": {
                    "200": {"description": "the file",
                            "headers": {"ETag": {"$ref": "#/components/headers/ETag"},
                                        "Cache-Control": _header("revalidate with If-None-Match")},
                            "content": {"text/javascript": {"schema": {"type": "string"}},
                                        "text/css": {"schema": {"type": "string"}}}},
                    "304": {"description": "not modified since the ETag given in If-None-Match"},
                    "404": {"description": "no such file", "content": _json("ErrorBody")},
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi_document",
                "summary": "This document",
                "tags": ["meta"],
                "security": public,
                "responses": {"200": {"description": "the OpenAPI document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }
        },
        "/api/health": {
            "get": {
                "operationId": "health",
                "summary": "Store, bus and email backends and their state",
                "tags": ["meta"],
                "security": public,
                "responses": {
                    "200": {"description": "every backend is healthy", "content": _json("HealthReport")},
                    "503": {"description": "a backend is degraded", "content": _json("HealthReport")},
                },
            }
        },
        "/api/me": {
            "get": {
                "operationId": "signed_in_user",
                "summary": "The signed-in user, the regions and the lead groups",
                "tags": ["web"],
                "responses": {"200": {"description": "who is signed in", "content": _json("SignedInUser")},
                              **_errors("401", "503")},
            }
        },
        "/api/requests": {
            "post": {
                "operationId": "create_request",
                "summary": "Submit a request for a FastTrack Architect",
                "description": "Checked for eligibility, stored, confirmed by email and routed to a lead group. "
                               "The requestor is the signed-in user, never a field of the body.",
                "tags": ["requests"],
                "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}],
                "requestBody": {"required": True, "content": _json("RequestForm")},
                "responses": {
                    "201": {
                        "description": "stored (or, for a repeated Idempotency-Key, the first answer again)",
                        "headers": {
                            "Location": _header("/api/requests/{id}"),
                            **ETAG,
                            "Idempotent-Replayed": _header('"true" when this answers an earlier call with the same key'),
                        },
                        "content": _json("FtaRequest"),
                    },
                    **_errors("400", "401", "413", "422", "503"),
                },
            },
            "get": {
                "operationId": "list_requests",
                "summary": "Requests, newest first: a requestor's own, every request for leads and admins",
                "tags": ["requests"],
                "parameters": _list_parameters(),
                "responses": {"200": {"description": "one page", "content": _json("RequestList")},
                              **_errors("400", "401", "503")},
            },
        },
        "/api/requests/{id}": {
            "get": {
                "operationId": "get_request",
                "summary": "One request with its history (the timeline)",
                "tags": ["requests"],
                "parameters": [{"$ref": "#/components/parameters/RequestId"}],
                "responses": {"200": _request_answer("the request", "FtaRequestWithOverdue"),
                              **_errors("401", "404", "503")},
            }
        },
        "/api/requests/{id}/assign": {
            "post": _action(
                "assign_request", "Assign a FastTrack Architect (leads and admins)",
                body={"required": True, "content": _json("AssignBody")},
                errors=("400", "401", "403", "404", "409", "412", "413", "503"),
            )
        },
        "/api/requests/{id}/cancel": {
            "post": _action(
                "cancel_request", "Cancel an open request (its requestor, leads and admins)",
                body={"required": False, "content": _json("CancelBody")},
                errors=("400", "401", "403", "404", "409", "412", "413", "503"),
            )
        },
        "/api/requests/{id}/complete": {
            "post": _action(
                "complete_request", "Mark an assigned request completed (leads and admins)",
                body=None, errors=("401", "403", "404", "409", "412", "503"),
            )
        },
    }


def _components() -> dict[str, Any]:
    return {
        "schemas": _component_schemas(),
        "parameters": {
            "RequestId": {"name": "id", "in": "path", "required": True,
                          "schema": {"type": "string", "maxLength": 64, "examples": ["FTA-7K2M9Q4XRT"]}},
            "IfMatch": {"name": "If-Match", "in": "header", "required": False,
                        "description": "the ETag read with the request: the change applies only if nobody changed it since (412 otherwise)",
                        "schema": {"type": "string"}},
            "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": False,
                               "description": "1 to 200 printable characters; the same key from the same user answers "
                                              "with the first request instead of creating a second",
                               "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
        },
        "headers": {"ETag": {"description": "the version of the request; send it back in If-Match",
                             "schema": {"type": "string"}}},
        "securitySchemes": {
            PRINCIPAL_SCHEME: {
                "type": "apiKey",
                "in": "header",
                "name": "X-MS-CLIENT-PRINCIPAL",
                "description": "App Service Authentication (Entra ID) signs the user in and passes the principal, "
                               "base64 JSON with the user's claims; app roles FTA.Lead and FTA.Admin come from "
                               "its roles claims. Clients never set it themselves: the platform does.",
            }
        },
    }


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "FTA Requests",
            "version": API_VERSION,
            "description": "Request a FastTrack Architect: intake with eligibility checks, routing to lead groups, "
                           "assignment and a dashboard. Errors are {error, message, details}.",
        },
        "servers": [{"url": "/"}],
        "security": [{PRINCIPAL_SCHEME: []}],
        "tags": [{"name": "requests"}, {"name": "web"}, {"name": "meta"}],
        "paths": _paths(),
        "components": _components(),
    }


def openapi_document(regions: list[str] | None = None) -> dict[str, Any]:
    """The document (a fresh copy: callers may change it); with the routing
    file's ``regions`` the request body names the regions it accepts."""
    document = copy.deepcopy(_document())
    if regions:
        document["components"]["schemas"]["RequestForm"]["properties"]["region"]["enum"] = list(regions)
    return document

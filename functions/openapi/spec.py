"""The OpenAPI 3.1 document of the HTTP API: the paths, their parameters and
answers; the schemas come from ``functions.openapi.schemas``."""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from typing import Any

from functions.http import MAX_BODY_BYTES
from functions.openapi.architects import SCHEMAS as ARCHITECT_SCHEMAS, architect_paths
from functions.openapi.documents import document_paths
from functions.openapi.engagement import engagement_paths
from functions.openapi.parameters import list_parameters
from functions.openapi.reports import report_paths
from functions.openapi.schemas import component_schemas, schema_ref
from shared.topology import PAGE_ROUTE

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
PRINCIPAL_SCHEME = "appServiceAuthentication"



# -- route templates ---------------------------------------------------------------------

_PARAMETER = re.compile(r"\{\*?([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")


def openapi_path(route: str) -> str:
    """A Functions route template as an OpenAPI path (constraints dropped)."""
    if route.strip("/") == PAGE_ROUTE:
        return "/"
    return "/" + _PARAMETER.sub(r"{\1}", route.strip("/"))


# -- the document ------------------------------------------------------------------------


_ERRORS = {
    "400": "malformed or invalid input; each field at fault is named in details (a free-text field with a "
           "control character or a bidi embedding, override or isolate control among them); a JSON key written "
           "twice (error duplicate-key); an architect outside the organisation's domains (error unknown-architect)",
    "401": "no signed-in principal (X-MS-CLIENT-PRINCIPAL)",
    "403": "the caller's role does not allow this action, or the call comes from another site (error cross-site: "
           "an Origin other than the app's own or an allowed one, or Sec-Fetch-Site other than same-origin or none "
           "without such an Origin)",
    "404": "no such request, or not visible to the caller",
    "409": "the request is not in a state that allows this action; {\"architect\": \"auto\"} when every architect "
           "of the lead group's pool is away or at their maxOpenAssignments (error no-architect-available)",
    "412": "If-Match does not match the request's current ETag",
    "413": f"the body is over {MAX_BODY_BYTES} bytes (a document: over FTA_MAX_DOCUMENT_MB)",
    "415": "a body sent as another media type than application/json (error unsupported-media-type), or a "
           "document whose bytes are not PDF, docx, xlsx, pptx, CSV, plain text, PNG or JPEG, an Office file with "
           "macros, nested archives or over the expansion limits, or a PDF with active content",
    "422": "the request is not eligible for a FastTrack Architect",
    "429": "more submissions than FTA_SUBMISSIONS_PER_HOUR in the last hour (error too-many-submissions)",
    "503": "the store is unavailable or busy; try again",
}


def _json(schema_name: str) -> dict[str, Any]:
    return {"application/json": {"schema": schema_ref(schema_name)}}


def _errors(*codes: str) -> dict[str, Any]:
    answers = {
        code: {"description": _ERRORS[code], "content": _json("IneligibleError" if code == "422" else "ErrorBody")}
        for code in codes
    }
    if "429" in answers:
        answers["429"]["headers"] = {"Retry-After": {"description": "seconds until a submission is accepted again",
                                                     "schema": {"type": "string", "pattern": "^[0-9]+$"}}}
    return answers


def _submission_errors() -> dict[str, Any]:
    answers = _errors("400", "401", "403", "413", "415", "422", "429", "503")
    answers["422"] = {
        "description": "the request is not eligible (reasons), or the Idempotency-Key was sent before with "
                       "another body (error idempotency-key-reused)",
        "content": _json("SubmissionRefused"),
    }
    return answers


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


ETAG = {"ETag": {"$ref": "#/components/headers/ETag"}}


def _request_answer(description: str, schema: str = "FtaRequest") -> dict[str, Any]:
    return {"description": description, "headers": ETAG, "content": _json(schema)}


ACTION_ERRORS = ("400", "401", "403", "404", "409", "412", "413", "415", "503")


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


def _paths() -> dict[str, Any]:
    public: list = []
    return {
        "/": {
            "get": {
                "operationId": "web_page",
                "summary": "The web page, served at every view's address",
                "description": "The same page answers /, /requests/new, /requests/{id}, /queue, /assigned and "
                               "/reports (route {*rest}); its router shows the view of the address.",
                "tags": ["web"],
                "security": public,
                "responses": {
                    "200": {"description": "the page (its script asks GET /api/me who is signed in)",
                            "content": {"text/html": {"schema": {"type": "string"}}}},
                    "404": {"description": "another address: the page, whose router shows \"not found\"; "
                                           "under api/ or static/ an error body",
                            "content": {"text/html": {"schema": {"type": "string"}}, **_json("ErrorBody")}},
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
                                        "Cache-Control": _header("revalidate with If-None-Match"),
                                        "Content-Encoding": _header("gzip, when Accept-Encoding admits it"),
                                        "Vary": _header("Accept-Encoding")},
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
        "/api/asyncapi.json": {
            "get": {
                "operationId": "asyncapi_document",
                "summary": "The AsyncAPI 3 document of the events on the Service Bus topic",
                "description": "Every event type with its payload schema, the topic, the subscriptions and their "
                               "filters (a lead feed per lead group): for the leads' own queue consumers.",
                "tags": ["meta"],
                "security": public,
                "responses": {"200": {"description": "the AsyncAPI document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }
        },
        "/api/health": {
            "get": {
                "operationId": "health",
                "summary": "ok or degraded, for monitors: the store and bus probes of the last 30 s",
                "tags": ["meta"],
                "security": public,
                "responses": {
                    "200": {"description": "the store and the bus answer", "content": _json("HealthStatus")},
                    "503": {"description": "the store or the bus does not answer", "content": _json("HealthStatus")},
                },
            }
        },
        "/api/health/details": {
            "get": {
                "operationId": "health_details",
                "summary": "Each back end's report and what operators watch (FTA.Admin)",
                "tags": ["meta"],
                "responses": {
                    "200": {"description": "every backend is healthy", "content": _json("HealthReport")},
                    "503": {"description": "a backend is degraded", "content": _json("HealthReport")},
                    **_errors("401", "403"),
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
        "/api/vocabulary": {
            "get": {
                "operationId": "vocabulary",
                "summary": "How statuses, request types, segments, entitlements and events are named",
                "tags": ["web"],
                "responses": {"200": {"description": "label tables, each value to its label",
                                      "content": _json("Vocabulary")},
                              **_errors("401")},
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
                    **_submission_errors(),
                },
            },
            "get": {
                "operationId": "list_requests",
                "summary": "Requests, newest first: a requestor's own, every request for leads and admins",
                "tags": ["requests"],
                "parameters": list_parameters(),
                "responses": {"200": {"description": "one page", "content": _json("RequestList")},
                              **_errors("400", "401", "503")},
            },
        },
        "/api/eligibility": {
            "post": {
                "operationId": "check_eligibility",
                "summary": "Judge a request form, complete or not, by the rules intake applies",
                "description": "Each rule is judged when its fields are given and valid; each reason names its "
                               "field. Invalid fields are answered in fieldErrors (not a 400); notices inform and "
                               "never refuse. Nothing is stored or published.",
                "tags": ["requests"],
                "requestBody": {"required": True, "content": _json("EligibilityForm")},
                "responses": {
                    "200": {"description": "the verdict", "content": _json("EligibilityAnswer")},
                    **_errors("400", "401", "413", "503"),
                },
            }
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
                errors=("400", "401", "403", "404", "409", "412", "413", "415", "503"),
            )
        },
        "/api/requests/{id}/cancel": {
            "post": _action(
                "cancel_request", "Cancel an open request (its requestor, leads and admins)",
                body={"required": False, "content": _json("CancelBody")},
                errors=("400", "401", "403", "404", "409", "412", "413", "415", "503"),
            )
        },
        **engagement_paths(_action, _json, ACTION_ERRORS),
        "/api/requests/{id}/complete": {
            "post": _action(
                "complete_request", "Complete an assigned request with the FTA review's outcome "
                                    "(leads, admins, the assigned architect)",
                body={"required": False, "content": _json("CompleteBody")}, errors=ACTION_ERRORS,
            )
        },
        "/api/requests/{id}/request-info": {
            "post": _action(
                "request_info", "Ask the requestor for more information; the assignment SLA waits "
                                "(leads, admins, the assigned architect)",
                body={"required": True, "content": _json("RequestInfoBody")}, errors=ACTION_ERRORS,
            )
        },
        "/api/requests/{id}/comments": {
            "post": _action(
                "comment_request", "Comment on a request; internal comments never reach the requestor",
                body={"required": True, "content": _json("CommentBody")}, errors=ACTION_ERRORS,
            )
        },
        "/api/requests/{id}/resume": {
            "post": _action(
                "resume_request", "Resume a request that waits on its requestor, without a reply",
                body={"required": False, "content": _json("ResumeBody")}, errors=ACTION_ERRORS,
            )
        },
        "/api/requests/{id}/decline": {
            "post": _action(
                "decline_request", "Decline a request FastTrack does not cover (leads and admins)",
                body={"required": True, "content": _json("DeclineBody")}, errors=ACTION_ERRORS,
            )
        },
        **report_paths(),
        **document_paths(_json, _errors, _header),
        **architect_paths(),
    }


def _components() -> dict[str, Any]:
    return {
        "schemas": {**component_schemas(), **ARCHITECT_SCHEMAS},
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
        "tags": [{"name": "requests"}, {"name": "documents"}, {"name": "web"}, {"name": "meta"}, {"name": "reports"},
                 {"name": "architects"}],
        "paths": _paths(),
        "components": _components(),
    }


def openapi_document(regions: list[str] | None = None) -> dict[str, Any]:
    """The document (a fresh copy: callers may change it); with the routing
    file's ``regions`` the request body names the regions it accepts."""
    document = copy.deepcopy(_document())
    if regions:
        for form in ("RequestForm", "EligibilityForm"):
            document["components"]["schemas"][form]["properties"]["region"]["enum"] = list(regions)
    return document

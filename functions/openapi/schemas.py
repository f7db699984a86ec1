"""The component schemas of the OpenAPI document, generated from the pydantic
models the code validates with, plus what the validators check beyond them."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import models_json_schema

from functions.openapi.bodies import EligibilityAnswer, ErrorBody, HealthReport, HealthStatus, SignedInUser
from functions.openapi.documents import document_schemas
from shared.domain.access import ACTIONS
from shared.domain.forms import Participants
from shared.domain.model import TENANT_PATTERN, Event, FtaRequest, RequestForm, RequestType, Status
from shared.domain.outcomes import (
    CancelReason,
    ReopenReason,
    Category,
    CommentText,
    Decision,
    DeclineReason,
    Message,
    Notes,
    Recommendation,
)
from shared.domain.values import DocumentKind
from shared.domain.vocabulary import TABLES

REF = "#/components/schemas/{model}"

# What FtaRequest.public_view() leaves out of the stored document.
INTERNAL_REQUEST_FIELDS = ("pendingDispatch", "nextReminderAt", "resumeTo", "infoReminderAt")


def schema_ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def component_schemas() -> dict[str, Any]:
    _, top = models_json_schema(
        [
            (RequestForm, "validation"),
            (FtaRequest, "serialization"),
            (Event, "serialization"),
            (ErrorBody, "serialization"),
            (SignedInUser, "serialization"),
            (HealthStatus, "serialization"),
            (HealthReport, "serialization"),
            (EligibilityAnswer, "serialization"),
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
    # (The free-text fields carry the text rule's pattern from their type: shared.domain.values.text.)
    props = form["properties"]
    props["tenant"]["pattern"] = TENANT_PATTERN

    # The form while it is filled in: any of its fields, none required.
    schemas["EligibilityForm"] = {
        "type": "object",
        "title": "EligibilityForm",
        "description": "the request form, complete or not; invalid fields are answered in fieldErrors",
        "properties": copy.deepcopy(props),
        "additionalProperties": False,
    }

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
    view["properties"]["dueAt"] = {
        "type": ["string", "null"], "format": "date-time",
        "description": "when the step FastTrack owes falls due (the assignment); null when nothing is owed",
    }
    view["properties"]["dueState"] = {
        "type": ["string", "null"], "enum": ["on-time", "due-soon", "overdue", None],
        "description": "due-soon: within 4 business hours; null when nothing is owed",
    }
    view["properties"]["businessHoursLeft"] = {
        "type": ["number", "null"],
        "description": "business hours until dueAt, one decimal (negative: how long overdue); null when nothing is owed",
    }
    view["properties"]["architectName"] = {
        "type": ["string", "null"], "description": "the assigned architect's name in the routing file",
    }
    view["required"] += ["dueAt", "dueState", "businessHoursLeft", "architectName"]
    view["properties"]["allowedActions"] = {
        "type": "array",
        "items": {"type": "string", "enum": list(ACTIONS)},
        "uniqueItems": True,
        "description": "what the caller may do with this request now",
    }
    view["required"].append("allowedActions")
    view["additionalProperties"] = False
    view["title"] = "FtaRequest"
    schemas["FtaRequest"] = view
    schemas["Vocabulary"] = {
        "type": "object",
        "additionalProperties": False,
        "required": sorted([*TABLES, "regions", "leadGroups"]),
        "properties": {
            **{name: {"type": "object", "additionalProperties": {"type": "string"},
                      "required": sorted(str(k) for k in table)}
               for name, table in sorted(TABLES.items())},
            "regions": {"type": "object", "additionalProperties": {"type": "string"},
                        "description": "the routing file's regions, by id"},
            "leadGroups": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "the routing file's lead groups' names, by id"},
        },
    }
    schemas["FtaRequestWithOverdue"] = {
        "allOf": [schema_ref("FtaRequest"), {"required": ["overdue"]}],
        "description": "a request as GET answers it: with the overdue flag",
    }

    event = schemas["Event"]
    event["required"] = sorted(event["properties"])
    event["additionalProperties"] = False

    error = schemas["ErrorBody"]
    schemas["SubmissionRefused"] = {"anyOf": [schema_ref("IneligibleError"), schema_ref("ErrorBody")]}
    schemas["IneligibleError"] = {
        "allOf": [schema_ref("ErrorBody"), {"required": ["reasons"], "properties": {"reasons": {"type": "array", "minItems": 1}}}],
        "description": "422: every eligibility rule the request breaks; nothing is stored",
    }
    error["properties"]["reasons"] = {"type": "array", "items": schema_ref("IneligibleReason")}

    schemas["RequestList"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["items", "continuationToken"],
        "properties": {
            "items": {"type": "array", "items": schema_ref("FtaRequestWithOverdue")},
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
        "properties": {"reason": _text(CancelReason)},
    }
    schemas["ParticipantsBody"] = {
        "type": "object", "additionalProperties": False, "required": ["participants"],
        "properties": {"participants": TypeAdapter(Participants).json_schema(ref_template="#/components/schemas/{model}")},
    }
    schemas["ReopenBody"] = {
        "type": "object", "additionalProperties": False, "required": ["reason"],
        "properties": {"reason": {**_text(ReopenReason), "examples": ["Revised SOW v3 from the partner"]}},
    }
    schemas.update(workflow_bodies())
    document_schemas(schemas)
    return dict(sorted(schemas.items()))


def _text(text_type: Any) -> dict[str, Any]:
    """A free-text field's schema, from its domain type (the text rule's pattern, its limits)."""
    return TypeAdapter(text_type).json_schema()


def workflow_bodies() -> dict[str, Any]:
    """The bodies of the calls after routing; the values come from the domain's enumerations."""
    notes = _text(Notes)
    return {
        "RequestInfoBody": {
            "type": "object", "additionalProperties": False, "required": ["message"],
            "properties": {
                "message": _text(Message),
                "missingDocuments": {"type": "array", "items": {"enum": [k.value for k in DocumentKind]}},
            },
        },
        "CommentBody": {
            "type": "object", "additionalProperties": False, "required": ["text"],
            "properties": {"text": _text(CommentText), "internal": {"type": "boolean", "default": False,
                                                                      "description": "leads and architects only"}},
        },
        "DeclineBody": {
            "type": "object", "additionalProperties": False, "required": ["reason"],
            "properties": {"reason": {"enum": [r.value for r in DeclineReason]}, "note": notes},
        },
        "CompleteBody": {
            "type": "object", "additionalProperties": False,
            "description": "the FTA review's outcome, as the request's type needs it (none for non-ecif)",
            "properties": {"outcome": {"oneOf": [
                {"type": "object", "additionalProperties": False, "required": ["recommendation", "category"],
                 "title": "sow-ecif", "properties": {"recommendation": {"enum": [r.value for r in Recommendation]},
                                                     "category": {"enum": [c.value for c in Category]},
                                                     "notes": notes}},
                {"type": "object", "additionalProperties": False, "required": ["decision"], "title": "migration-exception",
                 "properties": {"decision": {"enum": [d.value for d in Decision]}, "notes": notes}},
                {"type": "object", "additionalProperties": False, "title": "non-ecif", "properties": {"notes": notes}},
            ]}},
        },
        "ResumeBody": {"type": "object", "additionalProperties": False, "properties": {}},
    }

"""The architects' operations of the OpenAPI document: who is in the pools,
their load and limit, and their absences (leads and admins)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from shared.domain.availability import NOTE_MAX
from shared.domain.values import DAY_PATTERN, EARLIEST_DAY, LATEST_DAY, free_text

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
_DAY = {"type": "string", "format": "date", "pattern": DAY_PATTERN, "examples": ["2026-12-21"],
        "x-minimum": EARLIEST_DAY.isoformat(), "x-maximum": LATEST_DAY.isoformat()}
_TIME = {"type": "string", "format": "date-time"}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}

ABSENCE_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["from", "until"],
    "properties": {
        "from": {**_DAY, "description": "the first UTC day away"},
        "until": {**_DAY, "description": "the last UTC day away (included); not before from"},
        "note": {**TypeAdapter(free_text(NOTE_MAX)).json_schema(), "default": "",
                 "description": "why, for the other leads (the text rule of every free-text field)"},
    },
}

ABSENCE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "architect", "source", "from", "until", "starts", "ends", "note", "markedBy", "markedAt"],
    "properties": {
        "id": {"type": ["string", "null"], "description": "the app's marks: the id to remove it by; else null"},
        "architect": {"type": "string", "format": "email"},
        "source": {"type": "string", "enum": ["app", "outlook"],
                   "description": "app: a lead's mark; outlook: the architect's automatic replies (Microsoft Graph)"},
        "from": {"type": "string", "format": "date"},
        "until": {"type": "string", "format": "date"},
        "starts": {**_TIME, "description": "UTC, included"},
        "ends": {**_TIME, "description": "UTC, excluded"},
        "note": {"type": "string"},
        "markedBy": {"type": ["string", "null"]},
        "markedAt": _NULLABLE_TIME,
    },
}

ARCHITECT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["email", "name", "groups", "openAssignments", "maxOpenAssignments", "away", "absences", "available"],
    "properties": {
        "email": {"type": "string", "format": "email"},
        "name": {"type": "string"},
        "groups": {"type": "array", "items": {"type": "string"}, "description": "the lead groups whose pool names them"},
        "openAssignments": {"type": "integer", "minimum": 0},
        "maxOpenAssignments": {"type": ["integer", "null"], "minimum": 1,
                               "description": "the routing file's limit (the strictest of their groups); null: none"},
        "away": {"anyOf": [{"$ref": "#/components/schemas/Absence"}, {"type": "null"}],
                 "description": "the absence that covers now, if any"},
        "absences": {"type": "array", "items": {"$ref": "#/components/schemas/Absence"},
                     "description": "now and to come, soonest first, from every source"},
        "available": {"type": "boolean", "description": "not away and below the limit: auto-assign may pick them"},
    },
}

ARCHITECT_LIST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["items", "generatedAt"],
    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/ArchitectStatus"}},
                   "generatedAt": _TIME},
}

SCHEMAS = {"AbsenceBody": ABSENCE_BODY, "Absence": ABSENCE, "ArchitectStatus": ARCHITECT, "ArchitectList": ARCHITECT_LIST}


def _errors(errors: dict[str, str]) -> dict[str, Any]:
    return {code: {"description": text, "content": _ERROR} for code, text in errors.items()}


_COMMON = {"401": "no signed-in principal (X-MS-CLIENT-PRINCIPAL)",
           "403": "only FTA leads and admins; or the call comes from another site (error cross-site)",
           "503": "the store is unavailable or busy; try again"}
_EMAIL = {"name": "email", "in": "path", "required": True, "description": "an architect of a lead group's pool",
          "schema": {"type": "string", "format": "email", "examples": ["eva.novak@contoso.com"]}}


def architect_paths() -> dict[str, Any]:
    return {
        "/api/architects": {"get": {
            "operationId": "list_architects",
            "summary": "Every architect of the routing file's pools: groups, open assignments, maxOpenAssignments, "
                       "and who is away (with the source of each absence)",
            "tags": ["architects"],
            "responses": {"200": {"description": "the architects, by address",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ArchitectList"}}}},
                          **_errors(_COMMON)},
        }},
        "/api/architects/{email}/absences": {"post": {
            "operationId": "mark_architect_away",
            "summary": "Mark an architect away from one UTC day to another: the balancer passes them over meanwhile",
            "tags": ["architects"],
            "parameters": [_EMAIL],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AbsenceBody"}}}},
            "responses": {"201": {"description": "the mark",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Absence"}}}},
                          **_errors({"400": "a day that does not parse or is out of bounds, until before from, a note "
                                            "that breaks the text rule, a key written twice (duplicate-key), or an "
                                            "address that is no architect of a pool (field email); each field named",
                                     **_COMMON, "413": "the body is over 64 KiB",
                                     "415": "a body sent as another media type than application/json"})},
        }},
        "/api/architects/{email}/absences/{absenceId}": {"delete": {
            "operationId": "remove_absence",
            "summary": "Remove a lead's mark (Outlook's automatic replies are changed in Outlook)",
            "tags": ["architects"],
            "parameters": [_EMAIL, {"name": "absenceId", "in": "path", "required": True,
                                    "schema": {"type": "string", "examples": ["AWAY-7K2M9Q4XRT2B"]}}],
            "responses": {"204": {"description": "removed"},
                          **_errors({"400": "an address that is no architect of a pool (field email)", **_COMMON,
                                     "404": "this architect has no such mark"})},
        }},
    }

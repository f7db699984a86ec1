"""The reports' operations of the OpenAPI document (leads and admins)."""

from __future__ import annotations

from typing import Any

from shared.domain.model import Status
from shared.domain.values import DAY_PATTERN, EARLIEST_DAY, LATEST_DAY

_DAY = {"type": "string", "format": "date", "pattern": DAY_PATTERN, "examples": ["2026-11-24"],
        "x-minimum": EARLIEST_DAY.isoformat(), "x-maximum": LATEST_DAY.isoformat(),
        "description": f"a UTC day from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}"}
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
_FIGURES = {"type": ["number", "null"], "description": "business hours (the upper edge of a histogram bucket)"}

SLA_GROUP = {
    "type": "object",
    "required": ["key", "submitted", "assigned", "assignedWithinSla", "withinSlaPercent", "timeToAssignBusinessHours",
                 "openNow", "overdueNow"],
    "properties": {
        "key": {"type": "string"},
        "submitted": {"type": "integer", "minimum": 0},
        "assigned": {"type": "integer", "minimum": 0},
        "assignedWithinSla": {"type": "integer", "minimum": 0},
        "withinSlaPercent": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
        "timeToAssignBusinessHours": {"type": "object", "required": ["p50", "p90"],
                                      "properties": {"p50": _FIGURES, "p90": _FIGURES}},
        "openNow": {"type": "integer", "minimum": 0},
        "overdueNow": {"type": "integer", "minimum": 0},
        "rated": {"type": "integer", "minimum": 0, "description": "completed reviews the requestor rated"},
        "averageRating": {"type": ["number", "null"], "minimum": 1, "maximum": 5},
        "firstContacts": {"type": "integer", "minimum": 0, "description": "architects' first contacts recorded"},
        "firstContactsOnTime": {"type": "integer", "minimum": 0,
                                "description": "of them, by the due time (FTA_FIRST_CONTACT_BUSINESS_DAYS)"},
        "decisions": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                      "description": "migration exceptions' decisions (approved, declined): the exceptions tracker"},
    },
}

SLA_REPORT = {
    "type": "object",
    "required": ["groups", "generatedAt", "from", "to", "groupBy"],
    "properties": {
        "groups": {"type": "array", "items": SLA_GROUP},
        "generatedAt": {"type": "string", "format": "date-time"},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "groupBy": {"type": "string", "enum": ["leadGroup", "region", "requestType", "architect", "exceptionType"]},
        "slaBusinessHours": {"type": "number"},
    },
}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _errors(errors: dict[str, str]) -> dict[str, Any]:
    return {code: {"description": text, "content": _ERROR} for code, text in errors.items()}


ERRORS = {
    "400": "a parameter is invalid (a day outside 2000-01-01 ... 2100-12-31 among them); each is named in details",
    "401": "no signed-in principal (X-MS-CLIENT-PRINCIPAL)",
    "403": "only FTA leads and admins read the reports",
    "503": "the store is unavailable or busy; try again",
}


def report_paths() -> dict[str, Any]:
    period = [
        _query("from", _DAY, "first UTC day (included) of the requests' submission; default: 29 days before to"),
        _query("to", _DAY, "last UTC day (included); default: today"),
    ]
    return {
        "/api/reports/sla": {"get": {
            "operationId": "sla_report",
            "summary": "Assignment SLA per group: of the requests submitted in the period, how many got an "
                       "architect, how many within the SLA, time to assign; and what is open and overdue now",
            "tags": ["reports"],
            "parameters": [*period, _query("groupBy", {"type": "string", "default": "leadGroup",
                                                       "enum": ["leadGroup", "region", "requestType", "architect", "exceptionType"]},
                                           "what the groups are")],
            "responses": {"200": {"description": "the figures, from the read model",
                                  "content": {"application/json": {"schema": SLA_REPORT}}}, **_errors(ERRORS)},
        }},
        "/api/reports/requests.csv": {"get": {
            "operationId": "export_requests",
            "summary": "Every request matching the filters as CSV (UTF-8 with a BOM, a header row, ISO 8601 UTC "
                       "times; cells a spreadsheet would read as a formula are prefixed with ')",
            "tags": ["reports"],
            "parameters": [
                *[{**p, "description": p["description"].replace("submission", "creation")} for p in period],
                _query("status", {"type": "string", "examples": ["routed", "assigned,completed"]},
                       "one status or a comma list: " + ", ".join(s.value for s in Status)),
                _query("leadGroup", {"type": "string"}, "a lead group id of the routing configuration"),
            ],
            "responses": {"200": {"description": "one row per request, newest first",
                                  "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
                                  "content": {"text/csv": {"schema": {"type": "string"}}}}, **_errors(ERRORS)},
        }},
    }

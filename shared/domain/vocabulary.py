"""The words of the process, once: how a status, a request type, a segment, an
entitlement, a cloud or an event is named to people. The page takes them from
``GET /api/vocabulary``; the emails from the same tables."""

from __future__ import annotations

from shared.domain.model import Cloud, Entitlement, EventType, RequestType, Segment, Status

STATUSES: dict[str, str] = {
    Status.SUBMITTED: "Submitted",
    Status.ROUTED: "Routed to leads",
    Status.ASSIGNED: "Assigned",
    Status.COMPLETED: "Completed",
    Status.CANCELLED: "Cancelled",
}

REQUEST_TYPES: dict[str, str] = {
    RequestType.SOW_ECIF: "SOW review / ECIF related",
    RequestType.NON_ECIF: "Non-ECIF related",
    RequestType.MIGRATION_EXCEPTION: "Migration exception",
}

SEGMENTS: dict[str, str] = {
    Segment.ENTERPRISE: "Enterprise",
    Segment.SMC_C: "SMC-C",
    Segment.SMB: "SMB",
    Segment.OTHER: "Other",
}

ENTITLEMENTS: dict[str, str] = {
    Entitlement.MICROSOFT_365: "Microsoft 365",
    Entitlement.OFFICE_365: "Office 365",
    Entitlement.EMS: "EMS",
}

CLOUDS: dict[str, str] = {
    Cloud.COMMERCIAL: "Commercial",
    Cloud.GCC: "Government (GCC)",
    Cloud.GCC_HIGH: "GCC High",
    Cloud.DOD: "DoD",
}

EVENT_TYPES: dict[str, str] = {
    EventType.SUBMITTED: "Submitted",
    EventType.ROUTED: "Routed to lead group",
    EventType.ASSIGNED: "Architect assigned",
    EventType.REMINDER: "Reminder sent",
    EventType.ESCALATED: "Escalated",
    EventType.CANCELLED: "Cancelled",
    EventType.COMPLETED: "Completed",
}

# Names of the values an event's data may carry, for the timeline.
EVENT_DATA: dict[str, str] = {
    "region": "region",
    "leadGroup": "lead group",
    "architect": "architect",
    "previousArchitect": "previous architect",
    "reason": "reason",
    "reminder": "reminder",
    "reminders": "reminders",
    "escalateTo": "escalated to",
}

TABLES: dict[str, dict[str, str]] = {
    "statuses": STATUSES,
    "requestTypes": REQUEST_TYPES,
    "segments": SEGMENTS,
    "entitlements": ENTITLEMENTS,
    "clouds": CLOUDS,
    "eventTypes": EVENT_TYPES,
    "eventData": EVENT_DATA,
}

# Every value of an enumeration, by its text, for templates that name a value.
VALUE_LABELS: dict[str, str] = {
    str(value): label
    for table in (REQUEST_TYPES, SEGMENTS, ENTITLEMENTS, CLOUDS, STATUSES)
    for value, label in table.items()
}


def vocabulary() -> dict[str, dict[str, str]]:
    """Every table, keyed by plain strings, as the API answers it."""
    return {name: {str(k): v for k, v in table.items()} for name, table in TABLES.items()}


def label(table: dict[str, str], value: str) -> str:
    return table.get(value, value)

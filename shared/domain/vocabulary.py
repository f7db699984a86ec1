"""The words of the process, once: how a status, a request type, a segment, an
entitlement, a cloud or an event is named to people. The page takes them from
``GET /api/vocabulary``; the emails from the same tables."""

from __future__ import annotations

from typing import Iterable

from pydantic.alias_generators import to_camel

from shared.domain.engagement import MilestoneKind, Understanding
from shared.domain.forms import REQUIRED_FACTS, ExceptionType, ParticipantRole
from shared.domain.model import Cloud, DocumentKind, Entitlement, EventType, RequestType, Segment, Status
from shared.domain.outcomes import Category, Decision, DeclineReason, Recommendation

STATUSES: dict[str, str] = {
    Status.SUBMITTED: "Submitted",
    Status.ROUTED: "Routed to leads",
    Status.NEEDS_INFO: "Additional information needed",
    Status.ASSIGNED: "Assigned",
    Status.COMPLETED: "Completed",
    Status.DECLINED: "Declined",
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
    EventType.INFO_REQUESTED: "Information requested",
    EventType.INFO_PROVIDED: "Back in the queue",
    EventType.INFO_REMINDER: "Requestor reminded",
    EventType.COMMENTED: "Comment",
    EventType.DECLINED: "Declined",
    EventType.DOCUMENT_ADDED: "Document added",
    EventType.DOCUMENT_REMOVED: "Document removed",
    EventType.DOCUMENT_CHANGED: "Document's kind changed",
    EventType.REOPENED: "Reopened",
    EventType.PARTICIPANTS_CHANGED: "Account team changed",
    EventType.FIRST_CONTACT: "First contact with the account team",
    EventType.FIRST_CONTACT_REMINDER: "First contact reminder",
    EventType.WORKSHOP_HELD: "Discovery workshop held",
    EventType.HANDED_OFF: "Handed off to a FastTrack Manager",
    EventType.FEEDBACK_GIVEN: "Rated by the requestor",
}

DECLINE_REASONS: dict[str, str] = {
    DeclineReason.NOT_ELIGIBLE: "Not eligible for FastTrack",
    DeclineReason.DUPLICATE: "Duplicate of another request",
    DeclineReason.OUT_OF_SCOPE: "Out of FastTrack scope",
    DeclineReason.NO_RESPONSE: "No response from the requestor",
    DeclineReason.OTHER: "Other",
}

CATEGORIES: dict[str, str] = {
    Category.CAT_1: "Cat 1: deployment blocker or FastTrack gap",
    Category.CAT_2A: "Cat 2a: onsite execution",
    Category.CAT_2B: "Cat 2b: adoption / training",
    Category.CAT_2C: "Cat 2c: project management",
    Category.CAT_2D: "Cat 2d: strategy / design",
    Category.CAT_2E: "Cat 2e: other",
    Category.CAT_3: "Cat 3: not related to FastTrack benefits",
    Category.CAT_4: "Cat 4: overlaps FastTrack benefits",
}

RECOMMENDATIONS: dict[str, str] = {Recommendation.APPROVE: "Approve", Recommendation.DECLINE: "Decline"}

DECISIONS: dict[str, str] = {Decision.APPROVED: "Approved", Decision.DECLINED: "Declined"}

DOCUMENT_KINDS: dict[str, str] = {
    DocumentKind.SOW: "Statement of work (SOW)",
    DocumentKind.WBS: "Work breakdown structure (WBS)",
    DocumentKind.COST_BREAKDOWN: "Cost breakdown",
    DocumentKind.MIGRATION_PLAN: "Migration plan",
    DocumentKind.OTHER: "Other document",
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
    "message": "message",
    "missingDocuments": "missing documents",
    "resumedTo": "back to",
    "pausedBusinessHours": "business hours paused",
    "note": "note",
    "text": "comment",
}

EXCEPTION_TYPES: dict[str, str] = {
    ExceptionType.DOMINO_90_DAY: "Domino mailboxes beyond 90 days",
    ExceptionType.DOMINO_COEXISTENCE: "Domino coexistence above 4,000 licences",
    ExceptionType.PARALLEL_MAILBOX: "Parallel mailbox migration",
    ExceptionType.PARALLEL_ONEDRIVE: "Parallel OneDrive migration",
    ExceptionType.LOCAL_MIGRATORS: "Local migrators",
    ExceptionType.BEFORE_LICENSE_PURCHASE: "FastTrack before the licence purchase",
    ExceptionType.OTHER: "Other migration exception",
}

# The facts each kind's review needs (the form shows these fields for the kind chosen), space-separated.
EXCEPTION_FACTS: dict[str, str] = {kind: " ".join(to_camel(name) for name in names)
                                   for kind, names in REQUIRED_FACTS.items()}

MIGRATION_FACTS: dict[str, str] = {
    "mailboxCount": "Mailbox count",
    "averageMailboxSizeGb": "Average mailbox size (GB)",
    "sharedMailboxCount": "Shared mailbox count",
    "expectedStart": "Expected start",
    "expectedFinish": "Expected finish",
    "sourceEnvironment": "Source environment",
    "justification": "Justification",
}

MILESTONES: dict[str, str] = {
    MilestoneKind.FIRST_CONTACT: "First contact with the account team",
    MilestoneKind.WORKSHOP_HELD: "Discovery workshop held",
    MilestoneKind.HANDOFF: "Handoff to a FastTrack Manager",
}

UNDERSTANDING: dict[str, str] = {Understanding.LOW: "Low", Understanding.MEDIUM: "Medium", Understanding.HIGH: "High"}

PARTICIPANT_ROLES: dict[str, str] = {
    ParticipantRole.ATU: "Account team (ATU)", ParticipantRole.CSU: "Customer success (CSU)",
    ParticipantRole.PARTNER: "Partner", ParticipantRole.OTHER: "Other",
}

TABLES: dict[str, dict[str, str]] = {
    "statuses": STATUSES,
    "requestTypes": REQUEST_TYPES,
    "segments": SEGMENTS,
    "entitlements": ENTITLEMENTS,
    "clouds": CLOUDS,
    "eventTypes": EVENT_TYPES,
    "eventData": EVENT_DATA,
    "declineReasons": DECLINE_REASONS,
    "categories": CATEGORIES,
    "recommendations": RECOMMENDATIONS,
    "decisions": DECISIONS,
    "exceptionTypes": EXCEPTION_TYPES,
    "exceptionFacts": EXCEPTION_FACTS,
    "migrationFacts": MIGRATION_FACTS,
    "milestones": MILESTONES,
    "customerUnderstanding": UNDERSTANDING,
    "participantRoles": PARTICIPANT_ROLES,
    "documentKinds": DOCUMENT_KINDS,
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


# The regions a routing file usually names; another region reads as its id in words.
REGION_LABELS = {"americas": "Americas", "emea": "Europe, Middle East and Africa", "asia-pacific": "Asia Pacific"}


def region_label(region: str) -> str:
    return REGION_LABELS.get(region, region.replace("-", " ").capitalize())


def routing_vocabulary(regions: Iterable[str], lead_groups: Iterable[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """The words for what the routing file defines: its regions and its lead groups (id, name)."""
    return {
        "regions": {region: region_label(region) for region in regions},
        "leadGroups": dict(lead_groups),
    }


def label(table: dict[str, str], value: str) -> str:
    return table.get(value, value)

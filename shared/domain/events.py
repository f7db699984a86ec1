"""The events a request records: its history, and the messages on the topic."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field

from shared.domain.values import CamelModel, UtcDateTime

SCHEMA_VERSION = 1


class EventType(StrEnum):
    SUBMITTED = "request.submitted"
    ROUTED = "request.routed"
    ASSIGNED = "request.assigned"
    REMINDER = "request.reminder"
    ESCALATED = "request.escalated"
    CANCELLED = "request.cancelled"
    COMPLETED = "request.completed"
    INFO_REQUESTED = "request.info-requested"
    INFO_PROVIDED = "request.info-provided"
    INFO_REMINDER = "request.info-reminder"
    COMMENTED = "request.commented"
    DECLINED = "request.declined"
    DOCUMENT_ADDED = "request.document-added"
    DOCUMENT_REMOVED = "request.document-removed"
    DOCUMENT_CHANGED = "request.document-changed"
    REOPENED = "request.reopened"
    PARTICIPANTS_CHANGED = "request.participants-changed"


class Event(CamelModel):
    """One entry of a request's history; also the Service Bus message body."""

    model_config = ConfigDict(extra="ignore")

    id: str
    type: EventType
    request_id: str
    occurred_at: UtcDateTime
    actor: str
    actor_name: str | None = None  # the display name of who caused it, when a person did
    data: dict[str, Any] = Field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
    dispatched: bool = False

    @property
    def internal(self) -> bool:
        """An internal comment: never shown or mailed to the requestor."""
        return self.type is EventType.COMMENTED and bool(self.data.get("internal"))

    def envelope(self) -> dict[str, Any]:
        return self.to_json_dict(exclude={"dispatched"} | ({"actor_name"} if self.actor_name is None else set()))

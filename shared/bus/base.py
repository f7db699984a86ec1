"""The bus port: publish events to the topic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, Sequence, runtime_checkable


class PublishError(Exception):
    """The message could not be handed to the bus; the caller may retry."""


@dataclass(frozen=True)
class OutgoingMessage:
    body: bytes
    message_id: str
    subject: str
    correlation_id: str
    content_type: str = "application/json"
    application_properties: dict[str, str] = field(default_factory=dict)
    scheduled_enqueue_time: datetime | None = None


@runtime_checkable
class Publisher(Protocol):
    name: str

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Send every message to the topic or raise ``PublishError``."""

    def health(self) -> dict[str, Any]: ...

    def close(self) -> None: ...

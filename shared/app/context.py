"""What every use case is given: the process's ports and the policy it applies."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.app.ports import (
    Clock,
    DocumentStorage,
    EmailRenderer,
    HealthReporter,
    IdempotencyKeys,
    Mailer,
    NotificationRecords,
    ParkedMessages,
    Publisher,
    RequestRepository,
)
from shared.domain.calendar import BusinessCalendar
from shared.domain.routing import Routing


@dataclass(frozen=True)
class Policy:
    """The settings the use cases apply (read and validated by ``shared.settings``)."""

    assign_sla_business_hours: float = 16.0
    reminders_before_escalation: int = 2
    info_reminder_business_hours: float = 24.0
    sweep_after_seconds: float = 60.0
    public_url: str = "http://127.0.0.1:7071"
    email_from: str = "fta-requests@localhost"
    max_document_bytes: int = 25 * 1024 * 1024
    documents_require_scan: bool = False


@dataclass
class Context:
    policy: Policy
    routing: Routing
    calendar: BusinessCalendar
    requests: RequestRepository
    idempotency: IdempotencyKeys
    notifications: NotificationRecords
    parked: ParkedMessages
    bus: Publisher
    mailer: Mailer
    render: EmailRenderer
    clock: Clock
    components: dict[str, HealthReporter] = field(default_factory=dict)
    documents: DocumentStorage | None = None

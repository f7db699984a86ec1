"""What every use case is given: the process's ports and the policy it applies."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.app.cached import Cached

from shared.app.ports import (
    Clock,
    DocumentStorage,
    EmailRenderer,
    HealthReporter,
    IdempotencyKeys,
    Inbox,
    Mailer,
    NotificationRecords,
    ParkedMessages,
    Publisher,
    ReadModel,
    ReplyRecords,
    RequestRepository,
    TeamsChannels,
    SubmissionCounts,
)
from shared.domain.calendar import BusinessCalendar
from shared.domain.routing import Routing
from shared.domain.sla import Sla


@dataclass(frozen=True)
class Policy:
    """The settings the use cases apply (read and validated by ``shared.settings``)."""

    assign_sla_business_hours: float = 16.0
    reminders_before_escalation: int = 2
    info_reminder_business_hours: float = 24.0
    sweep_after_seconds: float = 60.0
    public_url: str = "http://127.0.0.1:7071"
    email_from: str = "fta-requests@localhost"
    submissions_per_hour: int = 60  # per user; 0: no limit
    max_document_bytes: int = 25 * 1024 * 1024
    documents_require_scan: bool = False
    organization_domains: frozenset[str] = frozenset()  # who may be an architect (by address)
    reply_address: str = ""  # the base of every Reply-To (shared.domain.replies); "": no replies by mail
    reply_key: bytes = field(default=b"", repr=False)  # the HMAC key of reply addresses: a secret
    own_senders: frozenset[str] = frozenset()  # the service's own addresses: mail from them is never a reply


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
    submission_counts: SubmissionCounts
    components: dict[str, HealthReporter] = field(default_factory=dict)
    teams: TeamsChannels | None = None  # None: no lead group has a Teams channel
    # The public health status, probed at most once per 30 s (shared.app.health).
    public_status: Cached[str] = field(default_factory=lambda: Cached(30.0))
    reports: ReadModel | None = None  # the read model behind counts, the balancer and the reports
    documents: DocumentStorage | None = None
    replies: ReplyRecords | None = None  # how many mails could not be taken as replies, by reason
    inbox: Inbox | None = None  # the shared mailbox's inbox (Graph), where replies arrive in Azure

    @property
    def sla(self) -> Sla:
        """The time promises, as the policy and the business calendar set them."""
        return Sla(
            self.calendar,
            assign_business_hours=self.policy.assign_sla_business_hours,
            reminders_before_escalation=self.policy.reminders_before_escalation,
            info_reminder_business_hours=self.policy.info_reminder_business_hours,
        )

"""Names shared by the code, the embedded adapters and the infrastructure.

The Bicep in ``infra/`` must agree with these; ``tests/infra`` checks that.
"""

from __future__ import annotations

from dataclasses import dataclass, field


TOPIC = "fta-events"
# The app setting that names the Service Bus connection (the triggers' `connection`).
SERVICE_BUS_CONNECTION = "ServiceBusConnection"
MAX_DELIVERY_COUNT = 10
LOCK_DURATION_SECONDS = 60
DUPLICATE_DETECTION_WINDOW_SECONDS = 600

# The event type the lead feeds take (shared.domain.model.EventType; a unit test keeps them equal).
ROUTED = "request.routed"

# The web page's route: every view of the page has its own address ("/",
# "/queue", "/requests/FTA-…"), served the same HTML. The Functions host turns
# an empty route into the function's name, so the page takes a catch-all
# (Azure/Azure-Functions#2473), which also matches the root; literal segments
# win over a catch-all, so "api/…" and "static/…" keep their own functions
# (tests/functions/test_page_routes.py checks both on the app's own metadata).
PAGE_ROUTE = "{*rest}"

# The app's own subscriptions; which events each takes, and who handles them, is
# the consumer table (shared.app.handlers.EVENT_HANDLERS).
ROUTE_TO_LEADS = "route-to-leads"
NOTIFY = "notify"
TEAMS = "teams"
REPORTING = "reporting"
LEADS_PREFIX = "leads-"

# How long a message waits in a subscription before it expires. The app's own
# subscriptions dead-letter what expires (an unread message there is a fault
# operators must see); the lead feeds are read, if at all, by the leads' own
# consumers outside the app: there an unread message simply expires, sooner,
# and is not dead-lettered (infra/modules/servicebus.bicep: leadFeedMessageTimeToLive).
MESSAGE_TTL_SECONDS = 14 * 24 * 3600
LEAD_FEED_TTL_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Subscription:
    """A topic subscription and its filter (a correlation filter: every given
    field must equal the message's; nothing given matches every message).
    ``subjects`` widens the subject to any of several (a SQL filter with ``IN``)."""

    name: str
    subject: str | None = None
    subjects: tuple[str, ...] = ()
    properties: dict[str, str] = field(default_factory=dict)
    feed: bool = False  # read outside the app (a lead feed): expiry drops a message instead of dead-lettering it
    default_ttl_seconds: int = MESSAGE_TTL_SECONDS

    @property
    def dead_letter_on_expiry(self) -> bool:
        return not self.feed

    def matches(self, subject: str | None, application_properties: dict) -> bool:
        if self.subject is not None and subject != self.subject:
            return False
        if self.subjects and subject not in self.subjects:
            return False
        return all(application_properties.get(k) == v for k, v in self.properties.items())

    @property
    def sql_filter(self) -> str:
        """The same filter as a Service Bus SQL filter expression."""
        terms = []
        if self.subject is not None:
            terms.append(f"sys.Label = '{self.subject}'")
        if self.subjects:
            terms.append("sys.Label IN (" + ", ".join(f"'{s}'" for s in self.subjects) + ")")
        terms += [f"{k} = '{v}'" for k, v in sorted(self.properties.items())]
        return " AND ".join(terms) or "1=1"


def lead_feeds(lead_group_ids: list[str]) -> list[Subscription]:
    """A ``leads-<group id>`` subscription per lead group, for the leads' own consumers."""
    return [
        Subscription(f"{LEADS_PREFIX}{gid}", subject=ROUTED, properties={"leadGroup": gid}, feed=True,
                     default_ttl_seconds=LEAD_FEED_TTL_SECONDS)
        for gid in lead_group_ids
    ]


def is_feed(subscription_name: str) -> bool:
    """A lead feed (``leads-<group id>``): its depths are reported apart from the app's own subscriptions."""
    return subscription_name.startswith(LEADS_PREFIX)


@dataclass(frozen=True)
class Container:
    name: str
    partition_key: str = "/id"
    default_ttl_seconds: int | None = None  # None: items live until deleted; -1: per-item ttl


REQUESTS = "requests"
NOTIFICATIONS = "notifications"
IDEMPOTENCY = "idempotency"
PARKED = "parked"
# One record per user and submission window (shared.domain.limits): a point read and a replace per submission.
SUBMISSION_COUNTS = "submission-counts"
REPORTS = "reports"  # the read model: per-request projections and a few aggregate documents
# Architects' absences marked in the app: one document per mark, gone ABSENCE_KEPT_SECONDS after it ends.
ABSENCES = "absences"

CONTAINERS = [
    Container(REQUESTS),
    Container(NOTIFICATIONS, default_ttl_seconds=-1),
    Container(IDEMPOTENCY, default_ttl_seconds=-1),
    Container(PARKED, default_ttl_seconds=-1),
    Container(SUBMISSION_COUNTS, default_ttl_seconds=-1),
    Container(REPORTS),
    Container(ABSENCES, default_ttl_seconds=-1),
]

# Documents' bytes: a private blob container, and the app setting naming its connection
# (a connection string, or DocumentStorage__blobServiceUri for the managed identity).
DOCUMENTS_CONTAINER = "documents"
DOCUMENT_STORAGE_CONNECTION = "DocumentStorage"

NOTIFICATION_TTL_SECONDS = 30 * 24 * 3600
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
PARKED_TTL_SECONDS = 30 * 24 * 3600
ABSENCE_KEPT_SECONDS = 90 * 24 * 3600

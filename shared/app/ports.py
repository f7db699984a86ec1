"""Every port the use cases talk through, and the values and errors they exchange.

Adapters (``shared.adapters``) implement these; ``shared.bootstrap`` wires
them. The use cases never see a container name, a document field, an SDK or
a connection: they ask repositories by intent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence, runtime_checkable

from shared.domain.availability import Absence
from shared.domain.limits import SubmissionWindow
from shared.domain.model import FtaRequest, Status

Clock = Callable[[], datetime]


# -- stored records -------------------------------------------------------------------


class StoreError(Exception):
    """Base of the store's errors."""


class Conflict(StoreError):
    """A record with that id exists already."""


class PreconditionFailed(StoreError):
    """A conditional write found another version than the one it was given."""


class TransientStoreError(StoreError):
    """The back end is unavailable or throttling past the retry budget; try again later."""


@dataclass(frozen=True)
class Item:
    doc: dict[str, Any]
    etag: str


@dataclass(frozen=True)
class RequestFilter:
    """Which requests a list or a count covers (every given field must match)."""

    statuses: tuple[Status, ...] = ()
    lead_group: str | None = None
    tpid: str | None = None
    requestor: str | None = None
    architect: str | None = None
    created_from: datetime | None = None  # createdAt >= this
    created_before: datetime | None = None  # createdAt < this
    text: str | None = None  # a search query (shared.domain.search): id, TPID, customer, tenant or partner contain it


@dataclass(frozen=True)
class RequestPage:
    items: list[FtaRequest]
    continuation: str | None


class InvalidContinuation(ValueError):
    """A continuation token that this list did not give out."""


@runtime_checkable
class RequestRepository(Protocol):
    def get(self, request_id: str) -> tuple[FtaRequest, str] | None: ...

    def add(self, request: FtaRequest) -> str:
        """Store a new request; its ETag. ``Conflict`` when the id exists."""

    def save(self, request: FtaRequest, etag: str) -> str:
        """Replace the version ``etag``; the new ETag. ``PreconditionFailed`` when stale."""

    def newest_first(self, where: RequestFilter, *, limit: int, continuation: str | None) -> RequestPage: ...

    def lead_queue(self, where: RequestFilter, *, limit: int, continuation: str | None) -> RequestPage:
        """Waiting for an architect first (oldest first), then assigned, then closed."""

    def sorted_by(self, where: RequestFilter, sort: str, *, descending: bool, limit: int,
                  continuation: str | None) -> RequestPage:
        """Ordered by ``due``, ``created`` or ``updated`` (shared.domain.search.SORT_FIELDS)."""

    def count(self, where: RequestFilter) -> int: ...

    def open_for_tpid(self, tpid: str, *, limit: int) -> list[FtaRequest]:
        """Open requests for one TPID, newest first, at most ``limit`` (an indexed lookup)."""

    def undispatched_since(self, cutoff: datetime, *, limit: int) -> list[str]:
        """Ids of requests holding events not yet published, unchanged since ``cutoff``."""

    def reminders_due(self, now: datetime, *, limit: int) -> list[str]: ...

    def info_reminders_due(self, now: datetime, *, limit: int) -> list[str]:
        """Ids of requests waiting on their requestor whose one reminder is due."""

    def first_contacts_due(self, now: datetime, *, limit: int) -> list[str]: ...  # assigned, first contact past due

    def overdue(self, now: datetime, *, limit: int) -> RequestPage:
        """Routed requests past their assignment due time, most overdue first."""

    def overdue_unassigned(self, now: datetime) -> int: ...

    def architect_load(self, architect: str) -> tuple[int, int]:
        """(open assignments, assignments ever) of one architect."""


@dataclass(frozen=True)
class IdempotencyRecord:
    request_id: str
    fingerprint: str | None  # sha256 of the canonical body; None in records kept before it was recorded


@runtime_checkable
class IdempotencyKeys(Protocol):
    def remember(self, key_id: str, request_id: str, fingerprint: str, now: datetime) -> None:
        """``Conflict`` when the key is already recorded."""

    def recorded(self, key_id: str) -> IdempotencyRecord | None: ...

    def forget(self, key_id: str) -> None:
        """Drop the key (a submission refused after it was recorded); nothing when absent."""


@runtime_checkable
class SubmissionCounts(Protocol):
    """One small record per user: the submissions of the current and the previous window."""

    def read(self, user_key: str) -> tuple[SubmissionWindow, str] | None:
        """The window and its ETag."""

    def create(self, user_key: str, window: SubmissionWindow, *, ttl_seconds: int) -> str:
        """``Conflict`` when the user has a record already."""

    def replace(self, user_key: str, window: SubmissionWindow, *, etag: str, ttl_seconds: int) -> str:
        """``PreconditionFailed`` when the record changed (or expired) since ``etag`` was read."""


@runtime_checkable
class NotificationRecords(Protocol):
    """One record per (event, template, recipient): the claim and its outcome."""

    def create(self, record: dict[str, Any]) -> str: ...

    def read(self, key: str) -> Item | None: ...

    def replace(self, record: dict[str, Any], etag: str) -> str: ...


@runtime_checkable
class ParkedMessages(Protocol):
    def park(self, record: dict[str, Any]) -> None:
        """Keep a record of a message that can never succeed (once per id)."""

    def count(self) -> int: ...

    def all(self, *, limit: int = 1000) -> list[dict[str, Any]]: ...

    def get(self, record_id: str) -> dict[str, Any] | None: ...

    def discard(self, record_id: str) -> bool: ...

    def for_message(self, subscription: str, message_id: str) -> list[dict[str, Any]]: ...


# -- the read model -------------------------------------------------------------------


@dataclass
class Projection:
    """What one request contributes to the reports as of event ``seq``; ``pending``: the change it owes the aggregates."""

    request_id: str
    seq: int
    contribution: dict[str, dict[str, int]]
    pending: dict[str, dict[str, int]] | None = None
    etag: str | None = None


@dataclass
class Aggregate:
    """Counters many requests add to; ``recent``: a bounded window of ``[request id, seq]`` applied lately."""

    key: str
    counters: dict[str, int]
    recent: list[list] = field(default_factory=list)
    etag: str | None = None


@runtime_checkable
class ReadModel(Protocol):
    def projection(self, request_id: str) -> Projection | None: ...

    def save_projection(self, projection: Projection) -> str:
        """Create (no etag) or replace the version ``etag``; ``Conflict`` / ``PreconditionFailed``."""

    def aggregate(self, key: str) -> Aggregate | None: ...

    def aggregates_between(self, low: str, high: str) -> list[Aggregate]: ...

    def save_aggregate(self, aggregate: Aggregate) -> str:
        """Create (no etag) or replace the version ``etag``; ``Conflict`` / ``PreconditionFailed``."""

    def clear(self) -> int:
        """Delete every projection and aggregate (before a rebuild); how many."""


# -- the bus --------------------------------------------------------------------------


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


# -- mail -----------------------------------------------------------------------------


class MailError(Exception):
    pass


class TransientMailError(MailError):
    """Try again later (connection refused, 4xx from the server, throttling)."""


class PermanentMailError(MailError):
    """The message can never be delivered to these recipients (5xx, rejected address)."""


@dataclass(frozen=True)
class Email:
    message_id: str  # without angle brackets, e.g. "3f2a...@fta-requests"
    sender: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    headers: tuple[tuple[str, str], ...] = ()


@runtime_checkable
class Mailer(Protocol):
    name: str

    def send(self, email: Email) -> None:
        """Deliver or raise ``TransientMailError`` / ``PermanentMailError``."""

    def health(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


EmailRenderer = Callable[[str, dict[str, Any]], RenderedEmail]


@runtime_checkable
class HealthReporter(Protocol):
    name: str

    def health(self) -> dict[str, Any]: ...


# -- Teams ----------------------------------------------------------------------------


# How long one post may take (connect, send, answer) before it counts as failed.
TEAMS_POST_TIMEOUT_SECONDS = 5.0


class TeamsError(Exception):
    """A post to a Teams channel failed; the message never holds the webhook URL."""


class TransientTeamsError(TeamsError):
    """Try again later: 5xx, timeout, connection error, or 429 (``retry_after`` seconds when the channel said)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentTeamsError(TeamsError):
    """The channel refused the card (a 4xx other than 429): posting it again cannot succeed."""


@runtime_checkable
class TeamsChannels(Protocol):
    """The lead groups' Teams channels (incoming webhooks), by group id."""

    name: str

    def has_channel(self, group_id: str) -> bool: ...

    def post(self, group_id: str, message: dict[str, Any]) -> None:
        """Post one message (a card envelope) or raise ``TransientTeamsError`` / ``PermanentTeamsError``."""


# -- document storage (shared.app.document_ports) -----------------------------------------
from shared.app.document_ports import (  # noqa: E402,F401 - re-exported: every port is importable from here
    SCAN_CLEAN, SCAN_RESULT_TAG, DocumentStorage, DocumentStorageError, StoredObject)


@dataclass(frozen=True)
class InboundMessage:  # replies by mail: a message of the shared mailbox, its id there and its RFC 5322 bytes
    id: str
    raw: bytes


@runtime_checkable
class Inbox(Protocol):
    def new_messages(self) -> Iterator[InboundMessage]:
        """What arrived since the last ``commit`` (a Graph delta query), oldest first."""

    def handled(self, message: InboundMessage) -> None: ...  # moved out of the inbox, to the handled replies

    def commit(self) -> None:  # keep the point reached: the next read (a restart too) starts after it
        ...


@runtime_checkable
class ReplyRecords(Protocol):
    def count_unmatched(self, reason: str) -> None:
        """One more message that was no reply the service could take (no content kept)."""

    def unmatched(self) -> dict[str, int]:
        """How many, by reason, for operators."""


# -- architects' availability ------------------------------------------------------------


@runtime_checkable
class AbsenceMarks(Protocol):
    """The absences leads mark in the app, per architect."""

    def add(self, absence: Absence) -> None: ...

    def remove(self, architect: str, absence_id: str) -> bool:
        """False when the architect has no such mark."""

    def of(self, architects: Sequence[str], *, ending_after: datetime) -> list[Absence]:
        """The marks of these architects that end after ``ending_after`` (now or later)."""


@runtime_checkable
class AvailabilityReader(Protocol):
    """One source of absences (the app's marks, Outlook's automatic replies); ``source`` names it in answers."""

    source: str

    def absences(self, architects: Sequence[str], now: datetime) -> dict[str, list[Absence]]:
        """Per address (lower case): the absences that cover ``now`` or start later."""

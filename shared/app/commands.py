"""The use cases' inputs: typed, already parsed; never bytes, headers or query dicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from shared.domain.model import RequestForm, Status
from shared.domain.partial_form import PartialForm


@dataclass(frozen=True)
class SubmitRequest:
    form: RequestForm
    idempotency_key: str | None = None


@dataclass(frozen=True)
class CheckEligibility:
    form: PartialForm  # complete or not; its invalid fields already found


@dataclass(frozen=True)
class ListRequests:
    statuses: tuple[Status, ...] = ()
    lead_group: str | None = None
    tpid: str | None = None
    mine: bool = False
    view: Literal["all", "queue", "assigned"] = "all"
    counts: bool = False
    limit: int = 50
    continuation: str | None = None
    text: str | None = None  # a search query, as shared.domain.search.search_query makes it
    sort: str | None = None  # due, created or updated; None: the view's own order
    descending: bool = False


@dataclass(frozen=True)
class AssignArchitect:
    request_id: str
    architect: str  # an email address, or "auto" for the workload balancer
    if_match: str | None = None

    @property
    def auto(self) -> bool:
        return self.architect == "auto"


@dataclass(frozen=True)
class SetParticipants:
    request_id: str
    participants: Any  # the body's list, judged by the use case
    if_match: str | None = None


@dataclass(frozen=True)
class ReopenRequest:
    request_id: str
    reason: str
    if_match: str | None = None


@dataclass(frozen=True)
class CancelRequest:
    request_id: str
    reason: str | None = None
    if_match: str | None = None


@dataclass(frozen=True)
class CompleteRequest:
    request_id: str
    outcome: dict[str, Any] | None = None  # checked against the request's type by the domain
    if_match: str | None = None


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    message: str
    missing_documents: tuple[str, ...] = ()
    if_match: str | None = None


@dataclass(frozen=True)
class AddComment:
    request_id: str
    text: str
    internal: bool = False
    if_match: str | None = None


@dataclass(frozen=True)
class ResumeRequest:
    request_id: str
    if_match: str | None = None


@dataclass(frozen=True)
class DeclineRequest:
    request_id: str
    reason: str
    note: str = ""
    if_match: str | None = None


@dataclass(frozen=True)
class SlaReport:
    first_day: date | None = None  # UTC days, both included: the cohort of requests submitted on them
    last_day: date | None = None  # (default: the 30 days ending today)
    group_by: Literal["leadGroup", "region", "requestType", "architect"] = "leadGroup"


@dataclass(frozen=True)
class ExportRequests:
    first_day: date | None = None  # createdAt from this UTC day
    last_day: date | None = None  # to this UTC day, included
    statuses: tuple[Status, ...] = ()
    lead_group: str | None = None


@dataclass(frozen=True)
class UploadDocument:
    request_id: str
    kind: str
    file_name: str
    content: bytes  # the document itself, read by the entrypoint within the size limit
    if_match: str | None = None


@dataclass(frozen=True)
class DocumentRef:
    """One document of one request (download, removal)."""

    request_id: str
    document_id: str
    if_match: str | None = None

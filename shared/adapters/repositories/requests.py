"""The requests container, asked by intent."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from shared import topology
from shared.adapters.store.base import DocumentStore, Where
from shared.app.ports import InvalidContinuation, RequestFilter, RequestPage
from shared.domain.events import Event
from shared.domain.model import OPEN_STATUSES, FtaRequest, Status, iso
from shared.domain.search import SORT_FIELDS, due_order, search_text

WAITING = [Status.SUBMITTED.value, Status.ROUTED.value, Status.NEEDS_INFO.value]
CLOSED = [Status.COMPLETED.value, Status.DECLINED.value, Status.CANCELLED.value]

# A lead's queue: requests waiting for an architect first (oldest, i.e. most
# overdue, first), then those assigned, then closed ones (newest first). One
# query per phase in turn, the phase carried in the continuation token.
_QUEUE_PHASES = (
    (Where("status", "in", WAITING), False),
    (Where("status", "=", Status.ASSIGNED.value), True),
    (Where("status", "in", CLOSED), True),
)


def _conditions(where: RequestFilter) -> list[Where]:
    found: list[Where] = []
    if len(where.statuses) == 1:
        found.append(Where("status", "=", where.statuses[0].value))
    elif where.statuses:
        found.append(Where("status", "in", [s.value for s in where.statuses]))
    if where.lead_group is not None:
        found.append(Where("leadGroup", "=", where.lead_group))
    if where.tpid is not None:
        found.append(Where("tpid", "=", where.tpid))
    if where.requestor is not None:
        found.append(Where("requestor.email", "=", where.requestor))
    if where.architect is not None:
        found.append(Where("architect", "=", where.architect))
    if where.created_from is not None:
        found.append(Where("createdAt", ">=", iso(where.created_from)))
    if where.created_before is not None:
        found.append(Where("createdAt", "<", iso(where.created_before)))
    if where.text is not None:
        found.append(Where("searchText", "contains", where.text))
    return found


# Fields a query or a sort reads: stored whenever they have a value, defaults included.
_QUERIED = frozenset({"id", "status", "createdAt", "updatedAt", "architect", "leadGroup", "tpid", "requestor",
                      "assignDueAt", "nextReminderAt", "infoReminderAt", "firstContactReminderAt", "pendingDispatch",
                      *SORT_FIELDS.values()})


def _defaults(model: type[BaseModel], keep: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Each field's default by its stored name (a constant or an empty list or map), but those kept."""
    found: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        alias = info.alias or name
        if alias in keep:
            continue
        if info.default_factory in (list, dict):
            found[alias] = info.default_factory()
        elif info.default is not PydanticUndefined and info.default_factory is None:
            found[alias] = info.default
    return found


_REQUEST_DEFAULTS = _defaults(FtaRequest, _QUERIED)
_EVENT_DEFAULTS = _defaults(Event)


def _lean(doc: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items()
            if value is not None and not (key in defaults and type(value) is type(defaults[key])
                                          and value == defaults[key])}


def _document(request: FtaRequest) -> dict:
    """The stored form: the request and what lists search and sort it by, without what reading
    it back restores (a null, a default of a field no query reads, each event's ``requestId``):
    a smaller document costs fewer request units to write and read. A query finds a missing
    field as it finds a null one (neither equals nor compares with a value)."""
    doc = _lean(request.to_json_dict(), _REQUEST_DEFAULTS)
    doc["history"] = [{key: value for key, value in _lean(event, _EVENT_DEFAULTS).items()
                       if key != "requestId"}  # the request's own id, restored on reading
                      for event in doc.get("history", [])]
    return {**doc, "searchText": search_text(request), "dueOrder": due_order(request)}


def _request(doc: dict) -> FtaRequest:
    """The request of a stored document (older documents keep their nulls and events' ids: the same)."""
    history = [event if "requestId" in event else {**event, "requestId": doc["id"]} for event in doc.get("history", [])]
    return FtaRequest.model_validate({**doc, "history": history})


def _queue_token(phase: int, inner: str | None) -> str:
    return base64.urlsafe_b64encode(json.dumps({"p": phase, "t": inner}).encode()).decode("ascii")


def _read_queue_token(token: str) -> tuple[int, str | None]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        phase, inner = int(decoded["p"]), decoded["t"]
        if not 0 <= phase < len(_QUEUE_PHASES) or not (inner is None or isinstance(inner, str)):
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        raise InvalidContinuation("continuation token is not valid") from None
    return phase, inner


class StoredRequests:
    def __init__(self, store: DocumentStore):
        self.store = store

    def get(self, request_id: str) -> tuple[FtaRequest, str] | None:
        item = self.store.read(topology.REQUESTS, request_id)
        if item is None:
            return None
        return _request(item.doc), item.etag

    def add(self, request: FtaRequest) -> str:
        return self.store.create(topology.REQUESTS, _document(request))

    def save(self, request: FtaRequest, etag: str) -> str:
        return self.store.replace(topology.REQUESTS, _document(request), etag=etag)

    def _page(self, where: list[Where], *, descending: bool, limit: int, continuation: str | None):
        try:
            return self.store.query(topology.REQUESTS, where, order_by="createdAt", descending=descending,
                                    limit=limit, continuation=continuation)
        except ValueError:
            raise InvalidContinuation("continuation token is not valid") from None

    def newest_first(self, where: RequestFilter, *, limit: int, continuation: str | None) -> RequestPage:
        page = self._page(_conditions(where), descending=True, limit=limit, continuation=continuation)
        return RequestPage([_request(doc) for doc in page.items], page.continuation)

    def lead_queue(self, where: RequestFilter, *, limit: int, continuation: str | None) -> RequestPage:
        base = _conditions(where)
        phase, inner = _read_queue_token(continuation) if continuation else (0, None)
        docs: list[dict] = []
        next_token: str | None = None
        while phase < len(_QUEUE_PHASES):
            condition, descending = _QUEUE_PHASES[phase]
            page = self._page([*base, condition], descending=descending, limit=limit - len(docs), continuation=inner)
            docs += page.items
            if page.continuation:
                next_token = _queue_token(phase, page.continuation)
                break
            phase, inner = phase + 1, None
            if len(docs) >= limit:
                next_token = _queue_token(phase, None) if phase < len(_QUEUE_PHASES) else None
                break
        return RequestPage([_request(doc) for doc in docs], next_token)

    def sorted_by(self, where: RequestFilter, sort: str, *, descending: bool, limit: int,
                  continuation: str | None) -> RequestPage:
        try:
            page = self.store.query(topology.REQUESTS, _conditions(where), order_by=SORT_FIELDS[sort],
                                    descending=descending, limit=limit, continuation=continuation)
        except ValueError:
            raise InvalidContinuation("continuation token is not valid") from None
        return RequestPage([_request(doc) for doc in page.items], page.continuation)

    def count(self, where: RequestFilter) -> int:
        return self.store.count(topology.REQUESTS, _conditions(where))

    def open_for_tpid(self, tpid: str, *, limit: int) -> list[FtaRequest]:
        where = [Where("tpid", "=", tpid), Where("status", "in", sorted(s.value for s in OPEN_STATUSES))]
        page = self.store.query(topology.REQUESTS, where, order_by="createdAt", descending=True, limit=limit)
        return [_request(doc) for doc in page.items]

    def _ids(self, where: list[Where], order_by: str, limit: int) -> list[str]:
        return [doc["id"] for doc in self.store.query(topology.REQUESTS, where, order_by=order_by, limit=limit).items]

    def undispatched_since(self, cutoff: datetime, *, limit: int) -> list[str]:
        return self._ids([Where("pendingDispatch", "=", True), Where("updatedAt", "<=", iso(cutoff))],
                         "updatedAt", limit)

    def reminders_due(self, now: datetime, *, limit: int) -> list[str]:
        return self._ids([Where("status", "=", Status.ROUTED.value), Where("nextReminderAt", "<=", iso(now))],
                         "nextReminderAt", limit)

    def info_reminders_due(self, now: datetime, *, limit: int) -> list[str]:
        return self._ids([Where("status", "=", Status.NEEDS_INFO.value), Where("infoReminderAt", "<=", iso(now))],
                         "updatedAt", limit)

    def first_contacts_due(self, now: datetime, *, limit: int) -> list[str]:
        return self._ids([Where("status", "=", Status.ASSIGNED.value),
                          Where("firstContactReminderAt", "<=", iso(now))], "updatedAt", limit)

    @staticmethod
    def _overdue(now: datetime) -> list[Where]:
        return [Where("status", "=", Status.ROUTED.value), Where("assignDueAt", "<=", iso(now))]

    def overdue(self, now: datetime, *, limit: int) -> RequestPage:
        page = self.store.query(topology.REQUESTS, self._overdue(now), order_by="assignDueAt", limit=limit)
        return RequestPage([_request(doc) for doc in page.items], page.continuation)

    def overdue_unassigned(self, now: datetime) -> int:
        return self.store.count(topology.REQUESTS, self._overdue(now))

    def architect_load(self, architect: str) -> tuple[int, int]:
        mine = Where("architect", "=", architect)
        open_now = self.store.count(topology.REQUESTS, [mine, Where("status", "=", Status.ASSIGNED.value)])
        ever = self.store.count(topology.REQUESTS, [mine, Where("status", "in", [Status.ASSIGNED.value,
                                                                                 Status.COMPLETED.value])])
        return open_now, ever

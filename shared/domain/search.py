"""Finding requests by what a lead types, and ordering them by when they fall due.

A request is found by its id, TPID, customer name, tenant or partner: the
stored ``searchText`` holds them lower-cased, and a query matches where it
appears literally (quotes, ``%``, ``_`` and backslashes are plain characters).
"""

from __future__ import annotations

from datetime import datetime

from shared.domain.model import FtaRequest, Status
from shared.domain.values import iso

MIN_QUERY, MAX_QUERY = 2, 100
# Sorting by due puts requests FastTrack owes nothing (yet or any more) after every due one.
NOTHING_DUE = "9999-12-31T23:59:59.999999Z"
SORT_FIELDS = {"due": "dueOrder", "created": "createdAt", "updated": "updatedAt"}
OWES_ASSIGNMENT = frozenset({Status.SUBMITTED, Status.ROUTED})


class BadQuery(ValueError):
    pass


def search_query(text: str) -> str:
    """What a search box's text matches, or :class:`BadQuery` naming the rule."""
    query = " ".join(text.split()).lower()
    if not MIN_QUERY <= len(query) <= MAX_QUERY:
        raise BadQuery(f"must be {MIN_QUERY} to {MAX_QUERY} characters")
    return query


def search_text(request: FtaRequest) -> str:
    fields = (request.id, request.tpid, request.customer_name, request.tenant, request.partner)
    return "\n".join(" ".join(str(field).split()).lower() for field in fields if field)


def due_at(request: FtaRequest) -> datetime | None:
    """When the step FastTrack owes falls due: the assignment of a routed request;
    nothing while the requestor owes an answer, nor once assigned or closed."""
    return request.assign_due_at if request.status in OWES_ASSIGNMENT else None


def due_order(request: FtaRequest) -> str:
    due = due_at(request)
    return NOTHING_DUE if due is None else iso(due)

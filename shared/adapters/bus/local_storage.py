"""The embedded bus's SQLite file: its schema, the message a receiver holds,
times in microseconds, and one transaction at a time."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

MAX_DELIVERY_COUNT_EXCEEDED = "MaxDeliveryCountExceeded"
TTL_EXPIRED = "TTLExpiredException"

ACTIVE = "active"
DEAD = "dead"

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    sequence_number INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription TEXT NOT NULL,
    state TEXT NOT NULL,
    message_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    application_properties TEXT NOT NULL,
    body BLOB NOT NULL,
    enqueued_us INTEGER NOT NULL,
    scheduled_us INTEGER,
    visible_us INTEGER NOT NULL,
    delivery_count INTEGER NOT NULL DEFAULT 0,
    lock_token TEXT,
    locked_until_us INTEGER,
    dead_letter_reason TEXT,
    dead_letter_description TEXT,
    expires_us INTEGER
);
CREATE INDEX IF NOT EXISTS messages_by_queue ON messages (subscription, state, sequence_number);
CREATE TABLE IF NOT EXISTS seen_message_ids (
    message_id TEXT PRIMARY KEY,
    seen_us INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_message_ids_by_time ON seen_message_ids (seen_us);
"""


class MessageLockLost(Exception):
    """The message's lock expired or was taken by another receiver; it was not settled."""


class UnknownSubscription(KeyError):
    """No subscription of that name exists on this bus."""


@dataclass(frozen=True)
class ReceivedMessage:
    body: bytes
    message_id: str
    subject: str
    correlation_id: str
    content_type: str
    application_properties: dict[str, Any]
    delivery_count: int
    enqueued_time: datetime
    sequence_number: int
    lock_token: str
    locked_until: datetime | None  # None only for peeked and dead-lettered messages (no lock held)
    scheduled_enqueue_time: datetime | None
    subscription: str
    dead_letter_reason: str | None = None
    dead_letter_description: str | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_us(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the bus works in aware UTC times")
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int | None) -> datetime | None:
    if us is None:
        return None
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)


class Transaction:
    """``with bus._transaction() as db``: the process-local guard, the writer
    lock for a write, and one transaction (``BEGIN IMMEDIATE`` for a write),
    committed on success, rolled back on error."""

    def __init__(self, bus: Any, *, write: bool) -> None:
        self._bus = bus
        self._begin = "BEGIN IMMEDIATE" if write else "BEGIN"
        self._writer = bus._writer if write else contextlib.nullcontext()

    def __enter__(self) -> sqlite3.Connection:
        with contextlib.ExitStack() as held:  # let go of what was taken if a later step fails
            held.enter_context(self._bus._guard)
            held.enter_context(self._writer)
            db = self._bus._connection()
            db.execute(self._begin)
            self._held = held.pop_all()
        self._db = db
        return db

    def __exit__(self, exc_type, exc, tb) -> None:
        with self._held:
            if exc_type is None:
                try:
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            else:
                self._db.execute("ROLLBACK")

"""The embedded bus: a Service Bus topic and its subscriptions in one SQLite file.

Same semantics as Service Bus Standard where the pipeline depends on them:
duplicate detection by ``message_id``, correlation-filter fan-out, scheduled
messages, peek-lock with lock expiry, delivery count, dead-letter queue after
``max_delivery_count`` deliveries, expiry after the subscription's time to live
(dead-lettered, or on a lead feed dropped). WAL mode; every change is one transaction
taken with ``BEGIN IMMEDIATE``, so several threads and several processes can
share one file without two consumers locking the same message.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Sequence

from shared import topology
from shared.app.ports import OutgoingMessage, PublishError
from shared.adapters.bus.local_storage import (
    ACTIVE,
    DEAD,
    MAX_DELIVERY_COUNT_EXCEEDED,
    SCHEMA,
    TTL_EXPIRED,
    MessageLockLost,
    ReceivedMessage,
    Transaction,
    UnknownSubscription,
    from_us,
    to_us,
    utc_now,
)
from shared.topology import Subscription
from shared.adapters.embedded import WriterLock, new_token

__all__ = ["LocalBus", "MessageLockLost", "ReceivedMessage", "UnknownSubscription"]

Clock = Callable[[], datetime]
HOUSEKEEPING_US = 1_000_000

class LocalBus:
    name = "local"

    def __init__(
        self,
        path: Path,
        subscriptions: list[Subscription],
        *,
        clock: Clock | None = None,
        lock_duration_seconds: float = topology.LOCK_DURATION_SECONDS,
        max_delivery_count: int = topology.MAX_DELIVERY_COUNT,
        duplicate_window_seconds: float = topology.DUPLICATE_DETECTION_WINDOW_SECONDS,
    ) -> None:
        names = [s.name for s in subscriptions]
        if len(set(names)) != len(names):
            raise ValueError("subscription names must be unique")
        if max_delivery_count < 1:
            raise ValueError("max_delivery_count must be at least 1")
        self.path = Path(path)
        self._subscriptions = {s.name: s for s in subscriptions}
        self._clock = clock or utc_now
        self._lock_duration_us = int(lock_duration_seconds * 1_000_000)
        self._max_delivery_count = max_delivery_count
        self._duplicate_window_us = int(duplicate_window_seconds * 1_000_000)
        self._guard = threading.RLock()
        self._housekept_us = 0  # when old message ids and expired messages were last cleared
        self._writer = WriterLock(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db: sqlite3.Connection | None = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=30.0
        )
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA busy_timeout = 30000")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        with self._transaction() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            if "expires_us" not in {row["name"] for row in db.execute("PRAGMA table_info(messages)")}:
                db.execute("ALTER TABLE messages ADD COLUMN expires_us INTEGER")  # a file from before expiry
            db.execute("CREATE INDEX IF NOT EXISTS messages_by_expiry ON messages (state, expires_us)")

    # -- plumbing -------------------------------------------------------------

    def _now_us(self) -> int:
        return to_us(self._clock())

    def _transaction(self, *, write: bool = True) -> Transaction:
        return Transaction(self, write=write)

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the local bus is closed")
        return self._db

    def _require(self, subscription: str) -> None:
        if subscription not in self._subscriptions:
            raise UnknownSubscription(subscription)

    def _expires_us(self, subscription: str, visible_us: int) -> int | None:
        ttl = self._subscriptions[subscription].default_ttl_seconds
        return visible_us + ttl * 1_000_000 if ttl else None

    def _expire(self, db: sqlite3.Connection, now: int) -> None:
        """As Service Bus: a message past its time to live, and not locked, leaves
        the queue: into the dead-letter queue, or on a lead feed, nowhere."""
        expired = " state = ? AND expires_us <= ? AND (locked_until_us IS NULL OR locked_until_us <= ?) AND subscription IN "
        for dead_letter, statement in ((False, "DELETE FROM messages WHERE"), (True, (
                "UPDATE messages SET state = ?, lock_token = NULL, locked_until_us = NULL, dead_letter_reason = ?,"
                " dead_letter_description = 'The message expired and was dead lettered.' WHERE"))):
            names = [s.name for s in self._subscriptions.values() if s.dead_letter_on_expiry is dead_letter]
            if names:
                db.execute(statement + expired + f"({','.join('?' * len(names))})",
                           ([DEAD, TTL_EXPIRED] if dead_letter else []) + [ACTIVE, now, now, *names])

    def _housekeep(self, db: sqlite3.Connection, now: int) -> None:
        """At most once a second (bus time): forget message ids past the duplicate
        window and move expired messages where expiry puts them."""
        if now - HOUSEKEEPING_US < self._housekept_us <= now:
            return
        db.execute("DELETE FROM seen_message_ids WHERE seen_us <= ?", (now - self._duplicate_window_us,))
        self._expire(db, now)
        self._housekept_us = now

    def _row_to_message(self, row: sqlite3.Row) -> ReceivedMessage:
        return ReceivedMessage(
            body=bytes(row["body"]),
            message_id=row["message_id"],
            subject=row["subject"],
            correlation_id=row["correlation_id"],
            content_type=row["content_type"],
            application_properties=json.loads(row["application_properties"]),
            delivery_count=row["delivery_count"],
            enqueued_time=from_us(row["enqueued_us"]),
            sequence_number=row["sequence_number"],
            lock_token=row["lock_token"] or "",
            locked_until=from_us(row["locked_until_us"]),
            scheduled_enqueue_time=from_us(row["scheduled_us"]),
            subscription=row["subscription"],
            dead_letter_reason=row["dead_letter_reason"],
            dead_letter_description=row["dead_letter_description"],
        )

    # -- Publisher ------------------------------------------------------------

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if not messages:
            return
        try:
            with self._transaction() as db:
                now = self._now_us()
                self._housekeep(db, now)
                for message in messages:
                    self._enqueue(db, message, now)
        except (sqlite3.Error, TypeError, ValueError) as error:
            raise PublishError(f"local bus: {type(error).__name__}: {error}") from error

    def _enqueue(self, db: sqlite3.Connection, message: OutgoingMessage, now: int) -> None:
        # Seen within the duplicate-detection window: dropped (an older sighting, not yet cleaned up, is not one).
        if db.execute("INSERT INTO seen_message_ids (message_id, seen_us) VALUES (?, ?) ON CONFLICT(message_id)"
                      " DO UPDATE SET seen_us = excluded.seen_us WHERE seen_message_ids.seen_us <= ?",
                      (message.message_id, now, now - self._duplicate_window_us)).rowcount == 0:
            return
        properties = dict(message.application_properties)
        encoded_properties = json.dumps(properties, sort_keys=True)
        scheduled = None if message.scheduled_enqueue_time is None else to_us(message.scheduled_enqueue_time)
        visible = max(now, scheduled) if scheduled is not None else now
        for subscription in self._subscriptions.values():
            if not subscription.matches(message.subject, properties):
                continue
            db.execute(
                "INSERT INTO messages (subscription, state, message_id, subject, correlation_id, content_type,"
                " application_properties, body, enqueued_us, scheduled_us, visible_us, expires_us)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    subscription.name,
                    ACTIVE,
                    message.message_id,
                    message.subject,
                    message.correlation_id,
                    message.content_type,
                    encoded_properties,
                    bytes(message.body),
                    visible,
                    scheduled,
                    visible,
                    self._expires_us(subscription.name, visible),
                ),
            )

    # -- consumer side --------------------------------------------------------

    def receive(self, subscription: str, max_messages: int = 1) -> list[ReceivedMessage]:
        self._require(subscription)
        if max_messages < 1:
            return []
        received: list[ReceivedMessage] = []
        with self._transaction() as db:
            now = self._now_us()
            self._housekeep(db, now)
            while len(received) < max_messages:
                candidates = db.execute(  # never one past its time to live, moved or not yet
                    "SELECT sequence_number, delivery_count FROM messages"
                    " WHERE subscription = ? AND state = ? AND visible_us <= ?"
                    " AND (locked_until_us IS NULL OR locked_until_us <= ?) AND (expires_us IS NULL OR expires_us > ?)"
                    " ORDER BY sequence_number LIMIT ?",
                    (subscription, ACTIVE, now, now, now, max_messages - len(received)),
                ).fetchall()
                if not candidates:
                    break
                for candidate in candidates:
                    if candidate["delivery_count"] >= self._max_delivery_count:
                        self._move_to_dead_letter(
                            db,
                            candidate["sequence_number"],
                            MAX_DELIVERY_COUNT_EXCEEDED,
                            self._max_delivery_description(),
                        )
                        continue
                    token = new_token()
                    row = db.execute(
                        "UPDATE messages SET lock_token = ?, locked_until_us = ?, delivery_count = delivery_count + 1"
                        " WHERE sequence_number = ? RETURNING *",
                        (token, now + self._lock_duration_us, candidate["sequence_number"]),
                    ).fetchone()
                    received.append(self._row_to_message(row))
        return received

    def _max_delivery_description(self) -> str:
        return f"Message could not be consumed after {self._max_delivery_count} delivery attempts."

    def _move_to_dead_letter(self, db: sqlite3.Connection, sequence_number: int, reason: str, description: str) -> None:
        db.execute(
            "UPDATE messages SET state = ?, lock_token = NULL, locked_until_us = NULL,"
            " dead_letter_reason = ?, dead_letter_description = ? WHERE sequence_number = ?",
            (DEAD, reason, description, sequence_number),
        )

    @staticmethod
    def _held_by(message: ReceivedMessage, now: int) -> tuple[str, tuple[Any, ...]]:
        """The condition (and its values) of a row still locked by the receiver of ``message``."""
        return ("sequence_number = ? AND subscription = ? AND state = ? AND lock_token = ? AND locked_until_us > ?",
                (message.sequence_number, message.subscription, ACTIVE, message.lock_token, now))

    @staticmethod
    def _lock_lost(message: ReceivedMessage) -> MessageLockLost:
        return MessageLockLost(f"lock lost on message {message.sequence_number} of subscription {message.subscription}")

    def _locked_row(self, db: sqlite3.Connection, message: ReceivedMessage, now: int) -> sqlite3.Row:
        held, values = self._held_by(message, now)
        row = db.execute(f"SELECT * FROM messages WHERE {held}", values).fetchone()
        if row is None:
            raise self._lock_lost(message)
        return row

    def complete(self, message: ReceivedMessage) -> None:
        held, values = self._held_by(message, self._now_us())
        with self._transaction() as db:  # one statement: settles only under the receiver's own live lock
            deleted = db.execute(f"DELETE FROM messages WHERE {held}", values).rowcount
        if deleted != 1:
            raise self._lock_lost(message)

    def abandon(self, message: ReceivedMessage) -> None:
        with self._transaction() as db:
            row = self._locked_row(db, message, self._now_us())
            if row["delivery_count"] >= self._max_delivery_count:
                self._move_to_dead_letter(
                    db, message.sequence_number, MAX_DELIVERY_COUNT_EXCEEDED, self._max_delivery_description()
                )
            else:
                db.execute(
                    "UPDATE messages SET lock_token = NULL, locked_until_us = NULL WHERE sequence_number = ?",
                    (message.sequence_number,),
                )

    def dead_letter(self, message: ReceivedMessage, reason: str, description: str = "") -> None:
        with self._transaction() as db:
            self._locked_row(db, message, self._now_us())
            self._move_to_dead_letter(db, message.sequence_number, reason, description)

    def renew_lock(self, message: ReceivedMessage) -> datetime:
        with self._transaction() as db:
            now = self._now_us()
            self._locked_row(db, message, now)
            locked_until = now + self._lock_duration_us
            db.execute(
                "UPDATE messages SET locked_until_us = ? WHERE sequence_number = ?",
                (locked_until, message.sequence_number),
            )
        return from_us(locked_until)

    # -- operators ------------------------------------------------------------

    def peek(self, subscription: str, max_messages: int = 20) -> list[ReceivedMessage]:
        self._require(subscription)
        with self._transaction() as db:
            self._expire(db, self._now_us())
            rows = db.execute(
                "SELECT * FROM messages WHERE subscription = ? AND state = ? ORDER BY sequence_number LIMIT ?",
                (subscription, ACTIVE, max_messages),
            ).fetchall()
        return [self._row_to_message(row) for row in rows]

    def dead_letters(self, subscription: str, max_messages: int = 100) -> list[ReceivedMessage]:
        self._require(subscription)
        with self._transaction() as db:
            self._expire(db, self._now_us())
            rows = db.execute(
                "SELECT * FROM messages WHERE subscription = ? AND state = ? ORDER BY sequence_number LIMIT ?",
                (subscription, DEAD, max_messages),
            ).fetchall()
        return [self._row_to_message(row) for row in rows]

    def resubmit_dead_letter(self, subscription: str, sequence_number: int) -> bool:
        """Put a dead letter back at the end of its subscription's queue (a new
        sequence number, delivery count 0, same message id, body and properties)."""
        self._require(subscription)
        with self._transaction() as db:
            now = self._now_us()
            found = db.execute(
                "SELECT 1 FROM messages WHERE sequence_number = ? AND subscription = ? AND state = ?",
                (sequence_number, subscription, DEAD),
            ).fetchone()
            if not found:
                return False
            db.execute(
                "INSERT INTO messages (subscription, state, message_id, subject, correlation_id, content_type,"
                " application_properties, body, enqueued_us, scheduled_us, visible_us, expires_us)"
                " SELECT subscription, ?, message_id, subject, correlation_id, content_type,"
                " application_properties, body, ?, scheduled_us, ?, ? FROM messages WHERE sequence_number = ?",
                (ACTIVE, now, now, self._expires_us(subscription, now), sequence_number),
            )
            db.execute("DELETE FROM messages WHERE sequence_number = ?", (sequence_number,))
        return True

    def purge_dead_letter(self, subscription: str, sequence_number: int) -> bool:
        self._require(subscription)
        with self._transaction() as db:
            deleted = db.execute(
                "DELETE FROM messages WHERE sequence_number = ? AND subscription = ? AND state = ?",
                (sequence_number, subscription, DEAD),
            ).rowcount
        return deleted > 0

    def depth(self, subscription: str) -> dict[str, int]:
        """Counts as Service Bus reports them; a message past its time to live counts
        where expiry puts it (read only: the move itself waits for the next write)."""
        self._require(subscription)
        with self._transaction(write=False) as db:
            now = self._now_us()
            row = db.execute(
                "SELECT"
                " COALESCE(SUM(state = :active AND visible_us <= :now AND NOT expired), 0) AS active,"
                " COALESCE(SUM(state = :active AND visible_us > :now), 0) AS scheduled,"
                " COALESCE(SUM(state = :dead OR (:dead_on_expiry AND state = :active AND expired)), 0) AS dead_letter"
                " FROM (SELECT state, visible_us, (expires_us <= :now AND (locked_until_us IS NULL"
                " OR locked_until_us <= :now)) IS 1 AS expired FROM messages WHERE subscription = :subscription)",
                {"active": ACTIVE, "dead": DEAD, "now": now, "subscription": subscription,
                 "dead_on_expiry": self._subscriptions[subscription].dead_letter_on_expiry},
            ).fetchone()
        return {"active": row["active"], "scheduled": row["scheduled"], "dead_letter": row["dead_letter"]}

    def subscription_names(self) -> list[str]:
        return list(self._subscriptions)

    def health(self) -> dict[str, Any]:
        try:
            depths = {name: self.depth(name) for name in self._subscriptions}
        except (sqlite3.Error, RuntimeError) as error:
            return {"backend": self.name, "ok": False, "error": type(error).__name__}
        return {
            "backend": self.name,
            "ok": True,
            "topic": topology.TOPIC,
            "subscriptions": depths,
        }

    def close(self) -> None:
        with self._guard:
            if self._db is not None:
                self._db.close()
                self._db = None

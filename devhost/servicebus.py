"""Service Bus trigger input built the way the Python worker builds it.

The Functions host hands the worker the message body plus trigger metadata
(``MessageId``, ``DeliveryCount``, ``ApplicationProperties``, ...) and the
worker turns them into a ``func.ServiceBusMessage`` with the library's
``ServiceBusMessageInConverter``. devhost does the same from a message of the
embedded bus, so a function sees the same object locally and in Azure.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Protocol

import azure.functions as func
from azure.functions import meta
from azure.functions.servicebus import ServiceBusMessageInConverter

from shared import topology

# Service Bus reports a message without time-to-live as expiring at DateTime.MaxValue.
NEVER_EXPIRES = "9999-12-31T23:59:59+00:00"
ACTIVE_STATE = 0


class BusMessage(Protocol):
    """What devhost needs of a received message (``shared.adapters.bus.local.ReceivedMessage``)."""

    body: bytes
    message_id: str
    subject: str | None
    correlation_id: str | None
    content_type: str | None
    application_properties: Mapping[str, Any]
    delivery_count: int
    enqueued_time: datetime
    sequence_number: int
    lock_token: str
    locked_until: datetime | None
    scheduled_enqueue_time: datetime | None


@dataclass(frozen=True)
class DirectMessage:
    """A message that never went through a bus: the admin API's ``input``."""

    body: bytes
    message_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    subject: str | None = None
    correlation_id: str | None = None
    content_type: str | None = None
    application_properties: Mapping[str, Any] = field(default_factory=dict)
    delivery_count: int = 1
    enqueued_time: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    sequence_number: int = 0
    lock_token: str = field(default_factory=lambda: str(uuid.uuid4()))
    locked_until: datetime | None = None
    scheduled_enqueue_time: datetime | None = None
    dead_letter_reason: str | None = None
    dead_letter_description: str | None = None

    def __post_init__(self) -> None:
        if self.locked_until is None:
            locked_until = self.enqueued_time + timedelta(seconds=topology.LOCK_DURATION_SECONDS)
            object.__setattr__(self, "locked_until", locked_until)


def host_time(moment: datetime) -> str:
    """A UTC time as the host writes it in trigger metadata (ISO 8601, ``Z``)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: trigger metadata times are UTC")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def message_time(moment: datetime) -> str:
    """A UTC time of a message's metadata, as ``datetime.isoformat`` writes it
    (``+00:00``), the form the library's own Service Bus tests build, to the
    second (earlier, never later: a lock is never thought to last longer than
    it does). The converter tries its formats in turn and ``strptime`` keeps
    only five compiled in its cache: a ``Z`` time with a fraction matches the
    sixth, so every time of every message compiled them all again (a fifth of
    the pipeline's time); this one matches the first."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: trigger metadata times are UTC")
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _string(value: Any) -> meta.Datum:
    return meta.Datum(str(value), "string")


def _json(value: Any) -> meta.Datum:
    return meta.Datum(json.dumps(value, default=str), "json")


def trigger_metadata(
    received: BusMessage,
    *,
    function_name: str | None = None,
    now: datetime | None = None,
) -> dict[str, meta.Datum]:
    """The trigger metadata the Functions host sends with one Service Bus message."""
    properties = dict(received.application_properties or {})
    metadata: dict[str, meta.Datum] = {
        "MessageId": _string(received.message_id),
        "DeliveryCount": meta.Datum(int(received.delivery_count), "int"),
        "SequenceNumber": meta.Datum(int(received.sequence_number), "int"),
        "EnqueuedTimeUtc": _string(message_time(received.enqueued_time)),
        "ExpiresAtUtc": _string(NEVER_EXPIRES),
        "LockToken": _string(received.lock_token),
        "State": meta.Datum(ACTIVE_STATE, "int"),
        "ApplicationProperties": _json(properties),
        "UserProperties": _json(properties),
    }
    if received.subject is not None:
        metadata["Subject"] = _string(received.subject)
        metadata["Label"] = _string(received.subject)
    if received.correlation_id is not None:
        metadata["CorrelationId"] = _string(received.correlation_id)
    if received.content_type is not None:
        metadata["ContentType"] = _string(received.content_type)
    if received.locked_until is not None:
        metadata["LockedUntil"] = _string(message_time(received.locked_until))
    if received.scheduled_enqueue_time is not None:
        metadata["ScheduledEnqueueTimeUtc"] = _string(message_time(received.scheduled_enqueue_time))
    dead_letter_reason = getattr(received, "dead_letter_reason", None)
    if dead_letter_reason:
        metadata["DeadLetterReason"] = _string(dead_letter_reason)
        metadata["DeadLetterErrorDescription"] = _string(getattr(received, "dead_letter_description", "") or "")
    if function_name is not None:
        metadata["sys"] = _json(
            {
                "MethodName": function_name,
                "UtcNow": host_time(now or datetime.now(timezone.utc)),
                "RandGuid": str(uuid.uuid4()),
            }
        )
    return metadata


def to_function_message(
    received: BusMessage,
    *,
    function_name: str | None = None,
    now: datetime | None = None,
) -> func.ServiceBusMessage:
    """The ``func.ServiceBusMessage`` the Python worker would pass for this message."""
    return ServiceBusMessageInConverter.decode(
        meta.Datum(bytes(received.body), "bytes"),
        trigger_metadata=trigger_metadata(received, function_name=function_name, now=now),
    )

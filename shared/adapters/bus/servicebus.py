"""The Azure Service Bus adapter: publish to the topic; dead-letter tools for operators.

``azure.servicebus`` is imported inside functions, so importing this module
costs nothing at cold start. The ``ServiceBusClient`` is built once per
process (``servicebus_client``) and injected; the publisher keeps one topic
sender open and serialises its use (a sender is not thread-safe).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from shared import topology
from shared.app.ports import OutgoingMessage, PublishError

if TYPE_CHECKING:
    from azure.servicebus import (
        ServiceBusClient,
        ServiceBusMessage,
        ServiceBusMessageBatch,
        ServiceBusReceivedMessage,
        ServiceBusSender,
    )

    from shared.adapters.bus.local import ReceivedMessage

RETRY_TOTAL = 3
RETRY_BACKOFF_FACTOR = 0.8
RETRY_BACKOFF_MAX_SECONDS = 30.0

DEAD_LETTER_BOOKKEEPING_PROPERTIES = frozenset({"DeadLetterReason", "DeadLetterErrorDescription"})


def servicebus_client(
    connection_string: str = "",
    fully_qualified_namespace: str = "",
    *,
    credential: Any = None,
    retry_total: int = RETRY_TOTAL,
    retry_backoff_factor: float = RETRY_BACKOFF_FACTOR,
    retry_backoff_max: float = RETRY_BACKOFF_MAX_SECONDS,
) -> ServiceBusClient:
    """One client for the process: from a connection string, else for the
    namespace with ``credential`` (default ``DefaultAzureCredential``, i.e. the
    app's managed identity in Azure). Opens no connection."""
    from azure.servicebus import ServiceBusClient

    retry = {
        "retry_total": retry_total,
        "retry_backoff_factor": retry_backoff_factor,
        "retry_backoff_max": retry_backoff_max,
        "retry_mode": "exponential",
    }
    if connection_string:
        return ServiceBusClient.from_connection_string(connection_string, **retry)
    if fully_qualified_namespace:
        if credential is None:
            from azure.identity import DefaultAzureCredential

            credential = DefaultAzureCredential()
        return ServiceBusClient(fully_qualified_namespace, credential, **retry)
    raise ValueError("a Service Bus connection string or fully qualified namespace is required")


def to_servicebus_message(message: OutgoingMessage) -> ServiceBusMessage:
    from azure.servicebus import ServiceBusMessage

    return ServiceBusMessage(
        message.body,
        message_id=message.message_id,
        subject=message.subject,
        correlation_id=message.correlation_id,
        content_type=message.content_type,
        application_properties=dict(message.application_properties) or None,
        scheduled_enqueue_time_utc=message.scheduled_enqueue_time,
    )


def pack_batches(
    messages: Iterable[ServiceBusMessage], new_batch: Callable[[], ServiceBusMessageBatch]
) -> list[ServiceBusMessageBatch]:
    """Fill batches in order, starting a new one when the current one is full."""
    from azure.servicebus.exceptions import MessageSizeExceededError

    batches = [new_batch()]
    for message in messages:
        try:
            batches[-1].add_message(message)
            continue
        except MessageSizeExceededError:
            if len(batches[-1]) == 0:
                raise PublishError(f"message {message.message_id} is larger than a whole batch") from None
        batches.append(new_batch())
        try:
            batches[-1].add_message(message)
        except MessageSizeExceededError:
            raise PublishError(f"message {message.message_id} is larger than a whole batch") from None
    return [batch for batch in batches if len(batch) > 0]


class ServiceBusPublisher:
    name = "servicebus"

    def __init__(self, client: ServiceBusClient, topic: str = topology.TOPIC) -> None:
        self._client = client
        self._topic = topic
        self._sender: ServiceBusSender | None = None
        self._sender_guard = threading.Lock()
        self._last_error: str | None = None

    def _open_sender(self) -> ServiceBusSender:
        if self._sender is None:
            self._sender = self._client.get_topic_sender(topic_name=self._topic)
        return self._sender

    def _discard_sender(self) -> None:
        sender, self._sender = self._sender, None
        if sender is not None:
            try:
                sender.close()
            except Exception:  # a broken link may fail to close; the next publish opens a new one
                pass

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if not messages:
            return
        from azure.core.exceptions import AzureError

        outgoing = [to_servicebus_message(m) for m in messages]
        with self._sender_guard:
            try:
                sender = self._open_sender()
                for batch in pack_batches(outgoing, sender.create_message_batch):
                    sender.send_messages(batch)
            except PublishError:
                self._last_error = "PublishError"
                raise
            except (AzureError, OSError) as error:
                self._last_error = type(error).__name__
                self._discard_sender()
                raise PublishError(f"service bus: {type(error).__name__}: {error}") from error
            self._last_error = None

    def health(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "ok": self._last_error is None,
            "namespace": self._client.fully_qualified_namespace,
            "topic": self._topic,
            "lastError": self._last_error,
        }

    def close(self) -> None:
        """Closes the sender; the injected client belongs to whoever built it."""
        with self._sender_guard:
            self._discard_sender()


def _text(value: Any) -> Any:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _body_bytes(message: ServiceBusReceivedMessage) -> bytes:
    body = message.body
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return b"".join(bytes(part) for part in body)


def _properties(message: ServiceBusReceivedMessage) -> dict[str, Any]:
    """Application properties without the dead-letter bookkeeping Service Bus adds to them."""
    properties = {_text(k): _text(v) for k, v in (message.application_properties or {}).items()}
    return {k: v for k, v in properties.items() if k not in DEAD_LETTER_BOOKKEEPING_PROPERTIES}


def peeked_view(message: ServiceBusReceivedMessage, subscription: str) -> ReceivedMessage:
    """A peeked SDK message in the embedded bus's shape (no lock held), so
    operator tools show both buses the same way."""
    from shared.adapters.bus.local import ReceivedMessage

    return ReceivedMessage(
        body=_body_bytes(message),
        message_id=_text(message.message_id) or "",
        subject=_text(message.subject) or "",
        correlation_id=_text(message.correlation_id) or "",
        content_type=_text(message.content_type) or "",
        application_properties=_properties(message),
        delivery_count=message.delivery_count or 0,
        enqueued_time=message.enqueued_time_utc,
        sequence_number=message.sequence_number,
        lock_token="",
        locked_until=None,
        scheduled_enqueue_time=message.scheduled_enqueue_time_utc,
        subscription=subscription,
        dead_letter_reason=message.dead_letter_reason,
        dead_letter_description=message.dead_letter_error_description,
    )


def replay_copy(message: ServiceBusReceivedMessage) -> ServiceBusMessage:
    """A dead letter as a new outgoing message: same id, body and properties,
    without the dead-letter bookkeeping and without its old schedule."""
    from azure.servicebus import ServiceBusMessage

    properties = _properties(message)
    return ServiceBusMessage(
        _body_bytes(message),
        message_id=_text(message.message_id),
        subject=_text(message.subject),
        correlation_id=_text(message.correlation_id),
        content_type=_text(message.content_type),
        application_properties=properties or None,
    )


class ServiceBusDeadLetters:
    """What an operator does with a subscription's dead letters on Service Bus.

    ``replay`` sends the copy to the topic, so every subscription whose filter
    matches gets it again (consumers are idempotent); within the topic's
    duplicate-detection window Service Bus drops it as a duplicate.
    """

    SCAN_LIMIT = 5000
    MAX_WAIT_SECONDS = 5.0

    def __init__(self, client: ServiceBusClient, topic: str = topology.TOPIC) -> None:
        self._client = client
        self._topic = topic

    def receiver(self, subscription: str, *, dead_letter: bool):
        """A peek-lock receiver on the subscription or its dead-letter sub-queue."""
        from azure.servicebus import ServiceBusSubQueue

        return self._client.get_subscription_receiver(
            topic_name=self._topic,
            subscription_name=subscription,
            sub_queue=ServiceBusSubQueue.DEAD_LETTER if dead_letter else None,
            max_wait_time=self.MAX_WAIT_SECONDS,
        )

    def list(self, subscription: str, max_messages: int = 100) -> list[ReceivedMessage]:
        with self.receiver(subscription, dead_letter=True) as receiver:
            peeked = receiver.peek_messages(max_message_count=max_messages)
        return [peeked_view(m, subscription) for m in peeked]

    def peek(self, subscription: str, max_messages: int = 20) -> list[ReceivedMessage]:
        with self.receiver(subscription, dead_letter=False) as receiver:
            peeked = receiver.peek_messages(max_message_count=max_messages)
        return [peeked_view(m, subscription) for m in peeked]

    def replay(self, subscription: str, sequence_number: int) -> bool:
        """Re-send one dead letter to the topic and complete it; False if there
        is no dead letter with that sequence number."""

        def resend(target: ServiceBusReceivedMessage) -> None:
            with self._client.get_topic_sender(topic_name=self._topic) as sender:
                sender.send_messages(replay_copy(target))

        return self._take(subscription, sequence_number, resend)

    def purge(self, subscription: str, sequence_number: int) -> bool:
        """Complete (drop) one dead letter; False if there is none with that sequence number."""
        return self._take(subscription, sequence_number, lambda target: None)

    def _take(self, subscription: str, sequence_number: int, before_complete) -> bool:
        """Receive the dead letter with that sequence number, run ``before_complete``
        on it, and complete it; the others received on the way are abandoned
        (they stay dead letters)."""
        with self.receiver(subscription, dead_letter=True) as receiver:
            first = receiver.peek_messages(max_message_count=1, sequence_number=sequence_number)
            if not first or first[0].sequence_number != sequence_number:
                return False
            held: list[ServiceBusReceivedMessage] = []
            try:
                while len(held) < self.SCAN_LIMIT:
                    batch = receiver.receive_messages(max_message_count=50, max_wait_time=self.MAX_WAIT_SECONDS)
                    if not batch:
                        return False
                    target = next((m for m in batch if m.sequence_number == sequence_number), None)
                    held += [m for m in batch if m is not target]
                    if target is not None:
                        before_complete(target)
                        receiver.complete_message(target)
                        return True
                return False
            finally:
                for message in held:
                    receiver.abandon_message(message)

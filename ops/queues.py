"""The topic's subscriptions as operators see them, on either bus.

``EmbeddedQueues`` works on the embedded bus's SQLite file; ``ServiceBusQueues``
on a Service Bus namespace through the data-plane client (peek, receive,
complete) and the administration client (runtime counts). Both answer with
``shared.adapters.bus.local.ReceivedMessage`` objects, so the commands print both alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from shared import topology
from shared.app import handlers
from shared.adapters.bus.local import LocalBus, ReceivedMessage, UnknownSubscription
from shared.domain.routing import Routing
from shared.settings import Settings

from ops.errors import OpsError

if TYPE_CHECKING:
    from azure.servicebus import ServiceBusClient
    from azure.servicebus.management import ServiceBusAdministrationClient

SCAN_LIMIT = 10_000


class Queues(Protocol):
    backend: str

    def names(self) -> list[str]: ...

    def depth(self, subscription: str) -> dict[str, int | None]: ...

    def dead_letters(self, subscription: str, max_messages: int) -> list[ReceivedMessage]: ...

    def dead_letter(self, subscription: str, sequence_number: int) -> ReceivedMessage | None: ...

    def replay(self, subscription: str, sequence_number: int) -> bool: ...

    def purge(self, subscription: str, sequence_number: int) -> bool: ...

    def peek(self, subscription: str, max_messages: int) -> list[ReceivedMessage]: ...

    def close(self) -> None: ...


def _require(names: list[str], subscription: str) -> None:
    if subscription not in names:
        raise UnknownSubscription(subscription)


class EmbeddedQueues:
    backend = "local"

    def __init__(self, bus: LocalBus):
        self._bus = bus

    def names(self) -> list[str]:
        return self._bus.subscription_names()

    def depth(self, subscription: str) -> dict[str, int | None]:
        return dict(self._bus.depth(subscription))

    def dead_letters(self, subscription: str, max_messages: int) -> list[ReceivedMessage]:
        return self._bus.dead_letters(subscription, max_messages)

    def dead_letter(self, subscription: str, sequence_number: int) -> ReceivedMessage | None:
        return next((m for m in self._bus.dead_letters(subscription, SCAN_LIMIT)
                     if m.sequence_number == sequence_number), None)

    def replay(self, subscription: str, sequence_number: int) -> bool:
        """Back to the end of the same subscription's queue (the embedded bus
        resubmits to that subscription only)."""
        return self._bus.resubmit_dead_letter(subscription, sequence_number)

    def purge(self, subscription: str, sequence_number: int) -> bool:
        return self._bus.purge_dead_letter(subscription, sequence_number)

    def peek(self, subscription: str, max_messages: int) -> list[ReceivedMessage]:
        return self._bus.peek(subscription, max_messages)

    def close(self) -> None:
        self._bus.close()


class ServiceBusQueues:
    backend = "servicebus"

    def __init__(self, client: ServiceBusClient, admin: ServiceBusAdministrationClient,
                 names: list[str], topic: str = topology.TOPIC):
        from shared.adapters.bus.servicebus import ServiceBusDeadLetters

        self.client = client
        self.admin = admin
        self._names = list(names)
        self._topic = topic
        self._dead_letters = ServiceBusDeadLetters(client, topic)

    def names(self) -> list[str]:
        return list(self._names)

    def depth(self, subscription: str) -> dict[str, int | None]:
        """Subscriptions report no scheduled count: scheduled messages wait in the topic."""
        _require(self._names, subscription)
        from azure.core.exceptions import ResourceNotFoundError

        try:
            properties = self.admin.get_subscription_runtime_properties(self._topic, subscription)
        except ResourceNotFoundError:
            raise OpsError(f"subscription {subscription} does not exist on topic {self._topic}") from None
        return {
            "active": properties.active_message_count,
            "scheduled": None,
            "dead_letter": properties.dead_letter_message_count,
        }

    def dead_letters(self, subscription: str, max_messages: int) -> list[ReceivedMessage]:
        _require(self._names, subscription)
        return self._dead_letters.list(subscription, max_messages)

    def dead_letter(self, subscription: str, sequence_number: int) -> ReceivedMessage | None:
        _require(self._names, subscription)
        from shared.adapters.bus.servicebus import peeked_view

        with self._dead_letters.receiver(subscription, dead_letter=True) as receiver:
            found = receiver.peek_messages(max_message_count=1, sequence_number=sequence_number)
        if not found or found[0].sequence_number != sequence_number:
            return None
        return peeked_view(found[0], subscription)

    def replay(self, subscription: str, sequence_number: int) -> bool:
        """Re-sent to the topic: every subscription whose filter matches gets a copy."""
        _require(self._names, subscription)
        return self._dead_letters.replay(subscription, sequence_number)

    def purge(self, subscription: str, sequence_number: int) -> bool:
        _require(self._names, subscription)
        return self._dead_letters.purge(subscription, sequence_number)

    def peek(self, subscription: str, max_messages: int) -> list[ReceivedMessage]:
        _require(self._names, subscription)
        return self._dead_letters.peek(subscription, max_messages)

    def close(self) -> None:
        for part in (self.client, self.admin):
            part.close()


def servicebus_clients(settings: Settings, credential: Any = None) -> tuple[ServiceBusClient, ServiceBusAdministrationClient]:
    """The data-plane and administration clients for the app's namespace, from
    ``ServiceBusConnection`` or, for managed identity, its ``__fullyQualifiedNamespace``
    form with ``credential`` (default ``DefaultAzureCredential``). Opens no connection."""
    from azure.servicebus.management import ServiceBusAdministrationClient

    from shared.adapters.bus.servicebus import servicebus_client

    connection = settings.servicebus_connection.get_secret_value()
    if connection:
        client = servicebus_client(connection)
        admin = ServiceBusAdministrationClient.from_connection_string(connection)
        return client, admin
    if not settings.servicebus_namespace:
        raise ValueError("a Service Bus connection string or fully qualified namespace is required")
    if credential is None:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    client = servicebus_client(fully_qualified_namespace=settings.servicebus_namespace, credential=credential)
    admin = ServiceBusAdministrationClient(settings.servicebus_namespace, credential)
    return client, admin


def open_queues(settings: Settings, routing: Routing) -> Queues:
    subscriptions = handlers.subscriptions(routing.group_ids)
    if settings.bus == "servicebus":
        client, admin = servicebus_clients(settings)
        return ServiceBusQueues(client, admin, [s.name for s in subscriptions])
    path = settings.data_dir / "bus.sqlite3"
    if not path.is_file():
        raise OpsError(f"no embedded bus at {path} (is FTA_DATA_DIR right?)")
    return EmbeddedQueues(LocalBus(path, subscriptions))

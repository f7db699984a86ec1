"""The Service Bus adapter against the real SDK objects. No broker exists here
(and no emulator), so sending is checked up to the wire: messages, batches,
clients, and a refused connection to a local port."""

import json
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from azure.core.credentials import AzureNamedKeyCredential
from azure.core.exceptions import AzureError
from azure.servicebus import ServiceBusClient, ServiceBusMessage, ServiceBusMessageBatch, ServiceBusReceiveMode
from azure.servicebus._common.message import ServiceBusReceivedMessage
from azure.servicebus._pyamqp._decode import decode_payload
from azure.servicebus._pyamqp._encode import encode_payload
from azure.servicebus._transport._pyamqp_transport import PyamqpTransport

from shared.app.ports import OutgoingMessage, PublishError, Publisher
from shared.adapters.bus.servicebus import (
    RETRY_BACKOFF_FACTOR,
    RETRY_TOTAL,
    ServiceBusDeadLetters,
    ServiceBusPublisher,
    pack_batches,
    peeked_view,
    replay_copy,
    servicebus_client,
    to_servicebus_message,
)

REPO = Path(__file__).resolve().parents[2]
CONNECTION_STRING = "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0"


def routed(message_id: str = "evt-1", body: bytes = b'{"type": "request.routed"}', **kwargs) -> OutgoingMessage:
    return OutgoingMessage(
        body=body,
        message_id=message_id,
        subject="request.routed",
        correlation_id="req-7",
        application_properties={"eventType": "request.routed", "leadGroup": "emea-leads", "region": "emea"},
        **kwargs,
    )


def closed_local_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unreachable_client():
    client = servicebus_client(
        f"Endpoint=sb://127.0.0.1:{closed_local_port()};SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0;"
        "UseDevelopmentEmulator=true",
        retry_total=0,
    )
    yield client
    client.close()


def test_importing_the_adapter_does_not_import_the_sdk():
    probe = "import sys, shared.adapters.bus.servicebus; print('azure.servicebus' in sys.modules, 'azure.identity' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_outgoing_message_maps_onto_the_sdk_message():
    due = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    message = to_servicebus_message(routed(scheduled_enqueue_time=due))
    assert isinstance(message, ServiceBusMessage)
    assert b"".join(message.body) == b'{"type": "request.routed"}'
    assert message.message_id == "evt-1"
    assert message.subject == "request.routed"
    assert message.correlation_id == "req-7"
    assert message.content_type == "application/json"
    assert message.application_properties == {
        "eventType": "request.routed",
        "leadGroup": "emea-leads",
        "region": "emea",
    }
    assert message.scheduled_enqueue_time_utc == due


def test_unscheduled_message_without_properties_has_neither():
    bare = OutgoingMessage(body=b"{}", message_id="evt-2", subject="request.submitted", correlation_id="req-8")
    message = to_servicebus_message(bare)
    assert message.scheduled_enqueue_time_utc is None
    assert not message.application_properties
    assert message.content_type == "application/json"


def test_messages_are_packed_into_as_few_batches_as_fit_in_order():
    messages = [to_servicebus_message(routed(f"evt-{n}", body=b"x" * 300)) for n in range(12)]
    limit = 1500
    batches = pack_batches(messages, lambda: ServiceBusMessageBatch(max_size_in_bytes=limit))
    assert len(batches) > 1
    assert all(isinstance(b, ServiceBusMessageBatch) for b in batches)
    assert all(0 < b.size_in_bytes <= limit for b in batches)
    assert sum(len(b) for b in batches) == 12
    assert [m.message_id for b in batches for m in b._messages] == [f"evt-{n}" for n in range(12)]
    assert all(len(b) > 1 for b in batches[:-1])


def test_a_small_set_fits_in_one_batch():
    messages = [to_servicebus_message(routed(f"evt-{n}")) for n in range(3)]
    batches = pack_batches(messages, ServiceBusMessageBatch)
    assert [len(b) for b in batches] == [3]


def test_a_message_larger_than_a_batch_is_a_publish_error():
    messages = [to_servicebus_message(routed("evt-small")), to_servicebus_message(routed("evt-big", body=b"x" * 5000))]
    with pytest.raises(PublishError, match="evt-big"):
        pack_batches(messages, lambda: ServiceBusMessageBatch(max_size_in_bytes=2000))


def test_client_from_a_connection_string_is_built_without_connecting():
    client = servicebus_client(CONNECTION_STRING)
    try:
        assert isinstance(client, ServiceBusClient)
        assert client.fully_qualified_namespace == "example.servicebus.windows.net"
        assert client._config.retry_total == RETRY_TOTAL
        assert client._config.retry_backoff_factor == RETRY_BACKOFF_FACTOR
        assert client._config.retry_mode.value == "exponential"
    finally:
        client.close()


def test_client_for_a_namespace_uses_the_given_credential_or_default_azure_credential():
    from azure.identity import DefaultAzureCredential

    given = AzureNamedKeyCredential("k", "c2VjcmV0")
    with_given = servicebus_client(fully_qualified_namespace="example.servicebus.windows.net", credential=given)
    with_default = servicebus_client(fully_qualified_namespace="example.servicebus.windows.net")
    try:
        assert with_given.fully_qualified_namespace == "example.servicebus.windows.net"
        assert with_given._credential is given
        assert isinstance(with_default._credential, DefaultAzureCredential)
        assert with_default._config.retry_mode.value == "exponential"
    finally:
        with_given.close()
        with_default.close()


def test_connection_string_wins_over_namespace_and_one_of_them_is_required():
    client = servicebus_client(CONNECTION_STRING, "other.servicebus.windows.net")
    try:
        assert client.fully_qualified_namespace == "example.servicebus.windows.net"
    finally:
        client.close()
    with pytest.raises(ValueError):
        servicebus_client()
    with pytest.raises(ValueError):
        servicebus_client("Endpoint=;SharedAccessKeyName=k")


def test_publisher_is_a_publisher_and_nothing_to_send_opens_nothing():
    client = servicebus_client(CONNECTION_STRING)
    publisher = ServiceBusPublisher(client, "fta-events")
    try:
        assert isinstance(publisher, Publisher)
        assert publisher.name == "servicebus"
        publisher.publish([])
        assert publisher.health() == {
            "backend": "servicebus",
            "ok": True,
            "namespace": "example.servicebus.windows.net",
            "topic": "fta-events",
            "lastError": None,
        }
    finally:
        publisher.close()
        client.close()


def test_unreachable_namespace_is_a_publish_error_every_time(unreachable_client):
    publisher = ServiceBusPublisher(unreachable_client, "fta-events")
    for _ in range(2):
        with pytest.raises(PublishError, match="ServiceBusConnectionError"):
            publisher.publish([routed()])
    health = publisher.health()
    assert health["ok"] is False
    assert health["lastError"] == "ServiceBusConnectionError"
    publisher.close()
    publisher.close()


def test_dead_letter_tools_fail_loudly_when_the_namespace_is_unreachable(unreachable_client):
    dead_letters = ServiceBusDeadLetters(unreachable_client, "fta-events")
    with pytest.raises(AzureError):
        dead_letters.list("notify")
    with pytest.raises(AzureError):
        dead_letters.replay("notify", 12)


def received_from_wire(message: ServiceBusMessage, *, sequence_number: int, enqueued_ms: int, deliveries: int):
    """What a receiver would build from this message after Service Bus stored it:
    the SDK's own AMQP encoder and decoder, plus the broker's annotations."""
    message.raw_amqp_message.annotations = {
        b"x-opt-sequence-number": sequence_number,
        b"x-opt-enqueued-time": enqueued_ms,
    }
    message.raw_amqp_message.header.delivery_count = deliveries
    wire = encode_payload(bytearray(), PyamqpTransport.to_outgoing_amqp_message(message.raw_amqp_message))
    return ServiceBusReceivedMessage(
        decode_payload(memoryview(wire)), ServiceBusReceiveMode.PEEK_LOCK, receiver=None, is_peeked_message=True
    )


def dead_lettered_event() -> ServiceBusReceivedMessage:
    sent = to_servicebus_message(routed("evt-dead"))
    sent.application_properties = {
        **sent.application_properties,
        "DeadLetterReason": "MaxDeliveryCountExceeded",
        "DeadLetterErrorDescription": "Message could not be consumed after 10 delivery attempts.",
    }
    return received_from_wire(sent, sequence_number=42, enqueued_ms=1_700_000_000_000, deliveries=10)


def test_peeked_dead_letter_reads_like_the_embedded_bus():
    view = peeked_view(dead_lettered_event(), "leads-emea-leads")
    assert json.loads(view.body) == {"type": "request.routed"}
    assert (view.message_id, view.subject, view.correlation_id) == ("evt-dead", "request.routed", "req-7")
    assert view.content_type == "application/json"
    assert view.application_properties == {"eventType": "request.routed", "leadGroup": "emea-leads", "region": "emea"}
    assert view.sequence_number == 42
    assert view.delivery_count == 10
    assert view.enqueued_time == datetime.fromtimestamp(1_700_000_000, UTC)
    assert view.dead_letter_reason == "MaxDeliveryCountExceeded"
    assert view.dead_letter_description == "Message could not be consumed after 10 delivery attempts."
    assert view.subscription == "leads-emea-leads"
    assert view.lock_token == "" and view.locked_until is None


def test_replayed_copy_keeps_identity_and_properties_but_not_dead_letter_bookkeeping():
    copy = replay_copy(dead_lettered_event())
    assert isinstance(copy, ServiceBusMessage)
    assert b"".join(copy.body) == b'{"type": "request.routed"}'
    assert copy.message_id == "evt-dead"
    assert copy.subject == "request.routed"
    assert copy.correlation_id == "req-7"
    assert copy.content_type == "application/json"
    assert copy.application_properties == {"eventType": "request.routed", "leadGroup": "emea-leads", "region": "emea"}
    assert copy.scheduled_enqueue_time_utc is None

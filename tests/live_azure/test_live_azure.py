"""Opt-in tests against a real Azure namespace and Cosmos DB account.

They run only when their settings are present, and are the only tests that
may skip (pytest prints the reason with -ra, which make test uses):

    FTA_LIVE_SERVICEBUS_CONNECTION   a Service Bus connection string (topic fta-events deployed by infra/)
    FTA_LIVE_COSMOS_ENDPOINT         a Cosmos DB account (database and containers deployed by infra/);
    FTA_LIVE_COSMOS_KEY              optional: without it DefaultAzureCredential signs in
"""

import os
import uuid
from datetime import datetime, timezone

import pytest

from shared import topology
from shared.app.ports import OutgoingMessage

SERVICEBUS = os.environ.get("FTA_LIVE_SERVICEBUS_CONNECTION", "")
COSMOS = os.environ.get("FTA_LIVE_COSMOS_ENDPOINT", "")

needs_servicebus = pytest.mark.skipif(not SERVICEBUS, reason="live Azure: FTA_LIVE_SERVICEBUS_CONNECTION is not set")
needs_cosmos = pytest.mark.skipif(not COSMOS, reason="live Azure: FTA_LIVE_COSMOS_ENDPOINT is not set")


@needs_servicebus
def test_a_published_event_reaches_its_subscription_with_every_property():
    from azure.servicebus import ServiceBusReceiveMode

    from shared.adapters.bus.servicebus import ServiceBusPublisher, servicebus_client

    client = servicebus_client(SERVICEBUS)
    message_id = f"live-{uuid.uuid4().hex}"
    try:
        ServiceBusPublisher(client, topology.TOPIC).publish([OutgoingMessage(
            body=b'{"live": true}', message_id=message_id, subject="request.submitted",
            correlation_id="FTA-LIVETEST", application_properties={"eventType": "request.submitted", "leadGroup": "", "region": "emea"},
        )])
        with client.get_subscription_receiver(topology.TOPIC, topology.ROUTE_TO_LEADS,
                                              receive_mode=ServiceBusReceiveMode.PEEK_LOCK, max_wait_time=30) as receiver:
            for received in receiver:
                if received.message_id == message_id:
                    assert received.subject == "request.submitted"
                    assert received.correlation_id == "FTA-LIVETEST"
                    assert received.application_properties[b"region"] == b"emea"
                    receiver.complete_message(received)
                    return
                receiver.abandon_message(received)
        pytest.fail("the published message did not arrive on route-to-leads")
    finally:
        client.close()


@needs_cosmos
def test_the_store_keeps_a_document_and_refuses_a_stale_write():
    from shared.adapters.store.base import PreconditionFailed
    from shared.adapters.store.cosmos import CosmosStore, cosmos_client

    client = cosmos_client(COSMOS, key=os.environ.get("FTA_LIVE_COSMOS_KEY") or None)
    store = CosmosStore(client, database=os.environ.get("COSMOS_DATABASE", "fta"))
    doc_id = f"live-{uuid.uuid4().hex}"
    try:
        etag = store.create(topology.IDEMPOTENCY, {"id": doc_id, "at": datetime.now(timezone.utc).isoformat()}, ttl_seconds=300)
        store.replace(topology.IDEMPOTENCY, {"id": doc_id, "n": 1}, etag=etag, ttl_seconds=300)
        with pytest.raises(PreconditionFailed):
            store.replace(topology.IDEMPOTENCY, {"id": doc_id, "n": 2}, etag=etag, ttl_seconds=300)
        assert store.read(topology.IDEMPOTENCY, doc_id).doc["n"] == 1
    finally:
        store.delete(topology.IDEMPOTENCY, doc_id)
        client.close()

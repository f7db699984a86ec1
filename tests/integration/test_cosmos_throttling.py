"""Throttling is the Cosmos SDK's own retry: a server that answers 429 with
x-ms-retry-after-ms (tools/cosmos-server.js --throttle-reads) is waited out by
the SDK within its budget, and past the budget the store says "try again later"."""

from __future__ import annotations

import time

import pytest

from shared.adapters.store.base import TransientStoreError
from shared.adapters.store.cosmos import CosmosStore, cosmos_client
from tests.integration.cosmos_server import EMULATOR_KEY, start_cosmos_server, stop_cosmos_server

pytestmark = pytest.mark.filterwarnings("ignore:Unverified HTTPS request")


@pytest.fixture
def throttling_server(tmp_path, request):
    reads, retry_after_ms = request.param
    process, endpoint = start_cosmos_server(tmp_path / "server.log", "127.0.0.1",
                                            "--throttle-reads", str(reads), "--retry-after-ms", str(retry_after_ms))
    yield endpoint
    stop_cosmos_server(process)


def store_on(endpoint: str, **client_options) -> CosmosStore:
    client = cosmos_client(endpoint, EMULATOR_KEY, verify_tls=False, **client_options)
    return CosmosStore(client, database="fta", create_containers=True)


@pytest.mark.parametrize("throttling_server", [(3, 200)], indirect=True)
def test_the_sdk_waits_out_throttling_as_the_server_asks(throttling_server):
    store = store_on(throttling_server)
    store.create("requests", {"id": "FTA-THROTTLE1", "status": "routed"})
    started = time.monotonic()
    item = store.read("requests", "FTA-THROTTLE1")
    waited = time.monotonic() - started
    assert item is not None and item.doc["status"] == "routed"
    assert waited >= 3 * 0.2, f"three 429s with a 200 ms retry-after were waited out ({waited:.2f}s)"


@pytest.mark.parametrize("throttling_server", [(1000, 400)], indirect=True)
def test_throttling_past_the_sdks_budget_is_a_transient_store_error(throttling_server):
    store = store_on(throttling_server, throttle_wait_seconds=1)
    store.create("requests", {"id": "FTA-THROTTLE2", "status": "routed"})
    started = time.monotonic()
    with pytest.raises(TransientStoreError):
        store.read("requests", "FTA-THROTTLE2")
    assert time.monotonic() - started < 5, "bounded by the SDK's budget, not retried again by the store"

"""What only the Cosmos DB adapter does: containers, system fields, ttl, TLS, cold start, retries."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
import requests
from azure.core.exceptions import ServiceRequestError, ServiceResponseError
from azure.core.pipeline.transport import HttpRequest, RequestsTransportResponse
from azure.cosmos.exceptions import CosmosHttpResponseError

from shared.adapters.store.base import StoreError, TransientStoreError
from shared.adapters.store.cosmos import ORDERABLE_FIELDS, CosmosStore, indexing_policy
from shared.adapters.store.cosmos import cosmos_client as build_cosmos_client
from shared.adapters.store.retry import TransientRetry
from shared.topology import CONTAINERS, NOTIFICATIONS, REQUESTS
from tests.integration.cosmos_server import (  # noqa: F401  (fixtures)
    EMULATOR_KEY,
    REPO_ROOT,
    cosmos_client,
    cosmos_endpoint,
    start_cosmos_server,
    stop_cosmos_server,
)

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


@pytest.fixture
def database_name(cosmos_client):
    name = f"fta-{uuid.uuid4().hex[:12]}"
    yield name
    if name in {db["id"] for db in cosmos_client.list_databases()}:
        cosmos_client.delete_database(name)


@pytest.fixture
def store(cosmos_client, database_name):
    return CosmosStore(cosmos_client, database=database_name, create_containers=True)


def raw_item(client, database: str, container: str, item_id: str) -> dict:
    return client.get_database_client(database).get_container_client(container).read_item(item_id, item_id)


# -- containers ---------------------------------------------------------------


def test_create_containers_builds_every_container_of_the_topology(cosmos_client, database_name):
    CosmosStore(cosmos_client, database=database_name, create_containers=True)
    database = cosmos_client.get_database_client(database_name)
    created = {props["id"]: props for props in database.list_containers()}
    assert set(created) == {container.name for container in CONTAINERS}
    for container in CONTAINERS:
        props = created[container.name]
        assert props["partitionKey"]["paths"] == [container.partition_key]
        assert props.get("defaultTtl") == container.default_ttl_seconds
        assert props["indexingPolicy"]["compositeIndexes"] == indexing_policy()["compositeIndexes"]


def test_creating_containers_again_keeps_their_documents(cosmos_client, database_name):
    first = CosmosStore(cosmos_client, database=database_name, create_containers=True)
    etag = first.create(REQUESTS, {"id": "FTA-1", "status": "submitted"})
    again = CosmosStore(cosmos_client, database=database_name, create_containers=True)
    assert again.read(REQUESTS, "FTA-1").etag == etag


def test_without_create_containers_nothing_is_created(cosmos_client, database_name):
    store = CosmosStore(cosmos_client, database=database_name)
    assert store.health() == {"backend": "cosmos", "database": database_name, "ok": False,
                              "error": "CosmosResourceNotFoundError"}
    with pytest.raises(StoreError):
        store.create(REQUESTS, {"id": "FTA-1"})
    assert database_name not in {db["id"] for db in cosmos_client.list_databases()}


def test_every_orderable_field_has_composite_indexes_both_ways():
    composites = indexing_policy()["compositeIndexes"]
    for field in ORDERABLE_FIELDS:
        for order in ("ascending", "descending"):
            assert [{"path": f"/{field}", "order": order}, {"path": "/id", "order": order}] in composites


def test_ordering_by_a_field_without_a_composite_index_is_refused(store):
    with pytest.raises(ValueError, match="composite index"):
        store.query(REQUESTS, order_by="tpid")


# -- documents ----------------------------------------------------------------


def test_system_fields_are_stripped_and_the_etag_is_the_items(store, cosmos_client, database_name):
    doc = {"id": "FTA-1", "status": "routed", "requestor": {"email": "ann@contoso.com"}}
    etag = store.create(REQUESTS, doc)
    raw = raw_item(cosmos_client, database_name, REQUESTS, "FTA-1")
    assert {"_rid", "_self", "_etag", "_ts"} <= raw.keys()
    assert raw["_etag"] == etag
    assert store.read(REQUESTS, "FTA-1").doc == doc
    assert store.query(REQUESTS).items == [doc]


def test_ttl_seconds_is_the_items_ttl_field(store, cosmos_client, database_name):
    etag = store.create(NOTIFICATIONS, {"id": "n-1"}, ttl_seconds=3600)
    assert raw_item(cosmos_client, database_name, NOTIFICATIONS, "n-1")["ttl"] == 3600
    assert store.read(NOTIFICATIONS, "n-1").doc == {"id": "n-1"}
    etag = store.replace(NOTIFICATIONS, {"id": "n-1", "sent": True}, etag=etag, ttl_seconds=60)
    assert raw_item(cosmos_client, database_name, NOTIFICATIONS, "n-1")["ttl"] == 60
    store.replace(NOTIFICATIONS, {"id": "n-1", "sent": True}, etag=etag)
    assert "ttl" not in raw_item(cosmos_client, database_name, NOTIFICATIONS, "n-1")


# -- the client factory -------------------------------------------------------


@pytest.fixture(scope="module")
def non_localhost_endpoint(tmp_path_factory):
    """The SDK skips TLS checks for "localhost" and "127.0.0.1" by itself; 127.0.0.2 is loopback too but checked."""
    process, endpoint = start_cosmos_server(tmp_path_factory.mktemp("cosmos-tls") / "server.log", host="127.0.0.2")
    yield endpoint
    stop_cosmos_server(process)


def test_a_self_signed_certificate_is_refused_unless_verification_is_off(non_localhost_endpoint, database_name):
    with pytest.raises(ServiceRequestError, match="CERTIFICATE_VERIFY_FAILED"):
        build_cosmos_client(non_localhost_endpoint, EMULATOR_KEY, verify_tls=True)
    client = build_cosmos_client(non_localhost_endpoint, EMULATOR_KEY, verify_tls=False)
    try:
        store = CosmosStore(client, database=database_name, create_containers=True)
        store.create(REQUESTS, {"id": "FTA-1"})
        assert store.read(REQUESTS, "FTA-1").doc == {"id": "FTA-1"}
    finally:
        client.close()


def test_importing_the_adapter_loads_no_azure_sdk():
    probe = "import sys, shared.adapters.store.cosmos; print(sorted(m for m in sys.modules if m.startswith('azure')))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# -- retrying -----------------------------------------------------------------


def cosmos_error(status: int, headers: dict[str, str] | None = None) -> CosmosHttpResponseError:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    request = HttpRequest("GET", "https://127.0.0.1/dbs/fta/colls/requests/docs/FTA-1")
    return CosmosHttpResponseError(status_code=status, message="test", response=RequestsTransportResponse(request, response))


class RecordedSleep:
    def __init__(self):
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class FailingThenAnswering:
    """An operation that raises the given errors in turn, then answers."""

    def __init__(self, errors: list[BaseException], answer: str = "answer"):
        self.errors = list(errors)
        self.answer = answer
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.answer


def test_the_error_carries_the_servers_retry_after_header():
    assert cosmos_error(429, {"x-ms-retry-after-ms": "250"}).headers["x-ms-retry-after-ms"] == "250"


def test_a_429_that_outlasted_the_sdks_budget_is_a_transient_store_error_at_once():
    sleep = RecordedSleep()
    throttled = cosmos_error(429, {"x-ms-retry-after-ms": "4000"})
    operation = FailingThenAnswering([throttled] * 3)
    for idempotent in (True, False):
        with pytest.raises(TransientStoreError) as raised:
            TransientRetry(max_total_wait_seconds=10, sleep=sleep).run(operation, idempotent=idempotent)
        assert raised.value.__cause__ is throttled
    assert operation.calls == 2 and sleep.waits == [], "the SDK waited already; the store does not wait again"


def test_a_retry_after_in_seconds_is_honoured_for_an_outage():
    sleep = RecordedSleep()
    operation = FailingThenAnswering([cosmos_error(503, {"Retry-After": "2"})])
    TransientRetry(sleep=sleep).run(operation, idempotent=True)
    assert sleep.waits == [2.0]


def test_an_outage_past_the_wait_budget_becomes_a_transient_store_error():
    sleep = RecordedSleep()
    unavailable = cosmos_error(503, {"x-ms-retry-after-ms": "4000"})
    operation = FailingThenAnswering([unavailable] * 10)
    with pytest.raises(TransientStoreError) as raised:
        TransientRetry(max_total_wait_seconds=10, sleep=sleep).run(operation, idempotent=True)
    assert sleep.waits == [4.0, 4.0]
    assert operation.calls == 3
    assert raised.value.__cause__ is unavailable


def test_without_a_retry_after_the_wait_doubles_up_to_a_ceiling():
    sleep = RecordedSleep()
    operation = FailingThenAnswering([cosmos_error(503)] * 6)
    retry = TransientRetry(first_backoff_seconds=0.1, max_backoff_seconds=0.5, sleep=sleep)
    assert retry.run(operation, idempotent=True) == "answer"
    assert sleep.waits == pytest.approx([0.1, 0.2, 0.4, 0.5, 0.5, 0.5])


@pytest.mark.parametrize(
    "error",
    [cosmos_error(408), cosmos_error(503), ServiceResponseError("connection reset"), ServiceRequestError("refused")],
    ids=["timeout", "unavailable", "response-lost", "not-connected"],
)
def test_a_read_is_retried_through_timeouts_outages_and_lost_connections(error):
    sleep = RecordedSleep()
    operation = FailingThenAnswering([error])
    assert TransientRetry(sleep=sleep).run(operation, idempotent=True) == "answer"
    assert len(sleep.waits) == 1


@pytest.mark.parametrize(
    "error",
    [ServiceRequestError("refused")],
    ids=["not-connected"],
)
def test_a_write_is_retried_when_the_server_cannot_have_applied_it(error):
    operation = FailingThenAnswering([error])
    assert TransientRetry(sleep=RecordedSleep()).run(operation, idempotent=False) == "answer"
    assert operation.calls == 2


@pytest.mark.parametrize(
    "error",
    [cosmos_error(408), cosmos_error(503), ServiceResponseError("connection reset")],
    ids=["timeout", "unavailable", "response-lost"],
)
def test_a_write_with_an_unknown_outcome_is_not_retried(error):
    sleep = RecordedSleep()
    operation = FailingThenAnswering([error])
    with pytest.raises(TransientStoreError) as raised:
        TransientRetry(sleep=sleep).run(operation, idempotent=False)
    assert raised.value.__cause__ is error
    assert operation.calls == 1 and sleep.waits == []


@pytest.mark.parametrize(
    "error",
    [cosmos_error(404), cosmos_error(409), cosmos_error(412), cosmos_error(400), ValueError("bad")],
    ids=["not-found", "conflict", "precondition", "bad-request", "value-error"],
)
def test_other_errors_pass_through_at_once(error):
    sleep = RecordedSleep()
    operation = FailingThenAnswering([error])
    with pytest.raises(type(error)) as raised:
        TransientRetry(sleep=sleep).run(operation, idempotent=True)
    assert raised.value is error
    assert operation.calls == 1 and sleep.waits == []

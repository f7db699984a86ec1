"""Fixtures for the store contract: the same tests run against every adapter."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from tests.clock import ManualClock
from shared.adapters.store.cosmos import CosmosStore
from shared.adapters.store.sqlite import SqliteStore
from tests.integration.cosmos_server import cosmos_client, cosmos_endpoint  # noqa: F401  (fixtures)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc))


@pytest.fixture
def sqlite_store(tmp_path, clock):
    store = SqliteStore(tmp_path / "store.db", clock=clock)
    yield store
    store.close()


@pytest.fixture
def cosmos_store(cosmos_client):  # noqa: F811
    database = f"fta-{uuid.uuid4().hex[:12]}"
    store = CosmosStore(cosmos_client, database=database, create_containers=True)
    yield store
    cosmos_client.delete_database(database)


@pytest.fixture(params=["sqlite", "cosmos"])
def store(request):
    return request.getfixturevalue(f"{request.param}_store")

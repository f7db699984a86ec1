"""The use cases over the embedded adapters, called directly: no HTTP, no devhost."""

from __future__ import annotations

import pytest

from shared import bootstrap
from tests.clock import ManualClock
from shared.domain.principal import ADMIN, LEAD, Principal
from shared.settings import load_settings
from tests.factories import OTHER, REQUESTOR
from tests.factories import LEAD as LEAD_EMAIL
from tests.harness import START


@pytest.fixture
def clock():
    return ManualClock(START)


@pytest.fixture
def ctx(tmp_path, clock):
    runtime = bootstrap.build(load_settings({"FTA_DATA_DIR": str(tmp_path / "data")}), clock=clock)
    yield runtime
    runtime.close()


REQUESTOR_P = Principal(email=REQUESTOR, name="Alex", roles=frozenset())
OTHER_P = Principal(email=OTHER, name="Sam", roles=frozenset())
LEAD_P = Principal(email=LEAD_EMAIL, name="Lee", roles=frozenset({LEAD}))
ADMIN_P = Principal(email="ada@contoso.com", name="Ada", roles=frozenset({ADMIN}))

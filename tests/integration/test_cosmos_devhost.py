"""The whole app on the Cosmos DB protocol server: switching FTA_STORE changes
nothing in the functions or the domain."""

import uuid

import pytest

from tests.factories import form
from tests.integration import live
from tests.integration.cosmos_server import cosmos_endpoint  # noqa: F401  (fixture)

pytestmark = pytest.mark.timeout(180)

EMULATOR_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="


def test_a_request_lives_its_whole_life_on_cosmos(tmp_path, cosmos_endpoint):  # noqa: F811
    app = live.start(
        tmp_path / "data",
        FTA_STORE="cosmos", COSMOS_ENDPOINT=cosmos_endpoint, COSMOS_KEY=EMULATOR_KEY,
        COSMOS_VERIFY_TLS="false", COSMOS_CREATE_CONTAINERS="true", COSMOS_DATABASE=f"fta-{uuid.uuid4().hex[:8]}",
    )
    try:
        health = app.request("GET", "/api/health/details", roles=("FTA.Admin",)).body
        assert health["components"]["store"]["backend"] == "cosmos" and health["status"] == "ok", health
        created = app.request("POST", "/api/requests", form(region="asia-pacific"))
        assert created.status == 201, created.body
        request_id = created.body["id"]
        lead = dict(user="lee@contoso.com", roles=("FTA.Lead",))
        app.wait_for(lambda: app.request("GET", f"/api/requests/{request_id}").body["status"] == "routed")
        assigned = app.request("POST", f"/api/requests/{request_id}/assign", {"architect": "auto"}, **lead)
        assert assigned.status == 200 and assigned.body["architect"] == "grace.tan@contoso.com"
        stale = app.request("POST", f"/api/requests/{request_id}/complete", headers={"If-Match": created.headers["ETag"]}, **lead)
        assert stale.status == 412
        assert app.request("POST", f"/api/requests/{request_id}/complete", **lead).status == 200
        listed = app.request("GET", "/api/requests?status=completed").body["items"]
        assert [i["id"] for i in listed] == [request_id]
        outbox = tmp_path / "data" / "outbox"
        app.wait_for(lambda: len(list(outbox.glob("*.eml"))) >= 6)  # confirmation, routed, assigned x2, completed x2
        assert len(list(outbox.glob("*.eml"))) == 6
    finally:
        app.stop()

import json

import pytest

from shared import topology
from tests.factories import LEAD, OTHER, REQUESTOR, form, migration_form, sow_form


def stored_count(app) -> int:
    return app.ctx.store.count(topology.REQUESTS)


def test_a_valid_request_is_stored_and_answered_201(app):
    answer = app.submit(form(), REQUESTOR)
    assert answer.status == 201, answer.body
    body = answer.body
    assert answer.headers["Location"] == f"/api/requests/{body['id']}"
    assert answer.headers["ETag"]
    assert body["status"] == "submitted"
    assert body["requestor"]["email"] == REQUESTOR
    assert [e["type"] for e in body["history"]] == ["request.submitted"]
    assert stored_count(app) == 1
    [published] = app.ctx.bus.peek(topology.ROUTE_TO_LEADS)
    assert published.message_id == body["history"][0]["id"], "published right after the write"
    assert body["history"][0]["dispatched"] is False, "marked by the write that routes it, not by one of its own"


@pytest.mark.parametrize("body", [sow_form(), migration_form()])
def test_type_specific_requests(app, body):
    assert app.submit(body, REQUESTOR).status == 201


def test_the_requestor_comes_from_the_principal_never_from_the_body(app):
    answer = app.submit({**form(), "requestor": {"email": "boss@contoso.com"}}, REQUESTOR)
    assert answer.status == 400
    assert answer.body["details"][0]["field"] == "requestor"
    assert stored_count(app) == 0


def test_no_principal_is_401(app):
    answer = app.submit(form(), None)
    assert answer.status == 401 and answer.body["error"] == "unauthenticated"


def test_each_invalid_field_is_named(app):
    answer = app.submit(form(tpid="abc", totalUsers=0, tenant="??", region="mars"), REQUESTOR)
    assert answer.status == 400
    assert {d["field"] for d in answer.body["details"]} == {"tpid", "totalUsers", "tenant", "region"}
    answer = app.submit(form(region="mars"), REQUESTOR)
    assert answer.status == 400 and answer.body["details"][0]["field"] == "region"
    assert stored_count(app) == 0


def test_missing_fields_are_named(app):
    answer = app.submit({"tpid": "1"}, REQUESTOR)
    assert answer.status == 400
    fields = {d["field"] for d in answer.body["details"]}
    assert {"tenant", "totalUsers", "segment", "entitlements", "salesStagePercent", "compellingEvent",
            "requestType", "region"} <= fields


@pytest.mark.parametrize("raw, message", [
    (b"", "JSON object"), (b"{not json", "not valid JSON"), (b"[1,2]", "JSON object"),
    (b"\xff\xfe", "UTF-8"), (b'{"a":' * 40 + b"1" + b"}" * 40, "nests deeper"),
    (b'{"tpid": "\\ud800"}', "invalid Unicode"),
])
def test_malformed_bodies_are_400(app, raw, message):
    answer = app.submit(raw, REQUESTOR)
    assert answer.status == 400
    assert message in answer.body["message"]


def test_over_64_kib_is_413(app):
    answer = app.submit(form(instructions="x" * (65 * 1024)), REQUESTOR)
    assert answer.status == 413
    assert stored_count(app) == 0


def test_ineligible_is_422_with_every_reason_and_nothing_stored(app):
    answer = app.submit(form(salesStagePercent=20, totalUsers=100), REQUESTOR)
    assert answer.status == 422
    assert [r["code"] for r in answer.body["reasons"]] == ["sales-stage-too-early", "too-few-users"]
    assert stored_count(app) == 0
    assert app.ctx.bus.depth(topology.ROUTE_TO_LEADS)["active"] == 0


def test_the_submitted_event_is_published_with_its_properties(app):
    answer = app.submit(form(region="emea"), REQUESTOR)
    [message] = app.ctx.bus.peek(topology.ROUTE_TO_LEADS)
    assert message.message_id == answer.body["history"][0]["id"]
    assert message.subject == "request.submitted"
    assert message.correlation_id == answer.body["id"]
    assert message.content_type == "application/json"
    assert message.application_properties["eventType"] == "request.submitted"
    assert message.application_properties["region"] == "emea"
    envelope = json.loads(message.body)
    assert set(envelope) == {"id", "type", "requestId", "occurredAt", "actor", "data", "schemaVersion"}


def test_idempotency_key_replays_the_same_body_and_refuses_another(app):
    first = app.submit(form(), REQUESTOR, headers={"Idempotency-Key": "k-1"})
    respelled = json.dumps(dict(reversed(list(form().items()))), indent=2).encode()
    again = app.submit(respelled, REQUESTOR, headers={"Idempotency-Key": "k-1"})
    assert first.status == again.status == 201
    assert again.body["id"] == first.body["id"] and again.headers.get("Idempotent-Replayed") == "true"
    other_body = app.submit(form(tpid="999"), REQUESTOR, headers={"Idempotency-Key": "k-1"})
    assert other_body.status == 422 and other_body.body["error"] == "idempotency-key-reused"
    assert [d["field"] for d in other_body.body["details"]] == ["Idempotency-Key"]
    other_user = app.submit(form(), OTHER, headers={"Idempotency-Key": "k-1"})
    assert other_user.body["id"] != first.body["id"], "keys are per user"
    assert stored_count(app) == 2
    assert app.ctx.bus.depth(topology.ROUTE_TO_LEADS)["active"] == 2


def test_a_refused_submission_does_not_bind_its_idempotency_key_to_its_body(app):
    """The page keeps its key until a submission is accepted: the corrected body under the same key is stored."""
    naming_me = app.submit(form(participants=[{"email": REQUESTOR, "role": "atu"}]), REQUESTOR,
                           headers={"Idempotency-Key": "k-fix"})
    assert naming_me.status == 400 and [d["field"] for d in naming_me.body["details"]] == ["participants"]
    ineligible = app.submit(form(salesStagePercent=10), REQUESTOR, headers={"Idempotency-Key": "k-fix"})
    assert ineligible.status == 422 and ineligible.body["error"] != "idempotency-key-reused"
    corrected = app.submit(form(participants=[{"email": "ana.atu@contoso.com", "role": "atu"}]), REQUESTOR,
                           headers={"Idempotency-Key": "k-fix"})
    assert corrected.status == 201 and corrected.body["participants"] == [{"email": "ana.atu@contoso.com", "role": "atu"}]
    assert stored_count(app) == 1


def test_get_returns_history_and_etag_to_the_owner_and_leads_only(app):
    created = app.submit(form(), REQUESTOR).body
    mine = app.get(created["id"], REQUESTOR)
    assert mine.status == 200 and mine.headers["ETag"] and mine.body["history"]
    assert app.get(created["id"], LEAD, ("FTA.Lead",)).status == 200
    assert app.get(created["id"], OTHER).status == 404
    assert app.get("FTA-NOSUCHTHING", REQUESTOR).status == 404
    assert app.get("../../etc", REQUESTOR).status == 404


def test_list_shows_a_requestor_their_own_and_leads_everything(app):
    for user in (REQUESTOR, REQUESTOR, OTHER):
        app.submit(form(), user)
    assert len(app.list(REQUESTOR).body["items"]) == 2
    assert len(app.list(LEAD, ("FTA.Lead",)).body["items"]) == 3
    assert len(app.list(LEAD, ("FTA.Lead",), mine="true").body["items"]) == 0


def test_list_filters_and_pages(app):
    for n in range(5):
        app.submit(form(tpid=str(1000 + n)), REQUESTOR)
        app.clock.advance(seconds=1)
    page = app.list(REQUESTOR, limit="2")
    seen = [i["id"] for i in page.body["items"]]
    while page.body["continuationToken"]:
        page = app.list(REQUESTOR, limit="2", continuationToken=page.body["continuationToken"])
        seen += [i["id"] for i in page.body["items"]]
    assert len(seen) == len(set(seen)) == 5
    assert [i["tpid"] for i in app.list(REQUESTOR, tpid="1003").body["items"]] == ["1003"]
    assert len(app.list(REQUESTOR, status="submitted").body["items"]) == 5
    assert app.list(REQUESTOR, status="routed").body["items"] == []


@pytest.mark.parametrize("params, field", [
    ({"status": "lost"}, "status"), ({"leadGroup": "nobody"}, "leadGroup"), ({"tpid": "x"}, "tpid"),
    ({"mine": "perhaps"}, "mine"), ({"limit": "0"}, "limit"), ({"colour": "red"}, "colour"),
])
def test_list_bad_filters_are_400(app, params, field):
    answer = app.list(REQUESTOR, **params)
    assert answer.status == 400 and answer.body["details"][0]["field"] == field


def test_health_is_a_status_and_the_details_are_for_admins(app):
    answer = app.call("health", "GET", "http://localhost/api/health")
    assert (answer.status, answer.body) == (200, {"status": "ok"})
    assert app.call("health_details", "GET", "http://localhost/api/health/details").status == 401
    for who, roles in ((REQUESTOR, ()), (LEAD, ("FTA.Lead",))):
        assert app.call("health_details", "GET", "http://localhost/api/health/details", user=who, roles=roles).status == 403
    details = app.call("health_details", "GET", "http://localhost/api/health/details", user=LEAD, roles=("FTA.Admin",))
    assert details.status == 200 and details.body["status"] == "ok"
    assert {c: details.body["components"][c]["backend"] for c in ("store", "bus", "email")} == {
        "store": "sqlite", "bus": "local", "email": "outbox"}
"""GET /api/architects and the absence routes through the functions, with real
func.HttpRequest objects over the embedded adapters; every answer against the
OpenAPI document the app serves."""

from __future__ import annotations

import json

import pytest

from tests.factories import LEAD, REQUESTOR, form
from tests.functions.test_openapi import check_answer

LEADS = ("FTA.Lead",)
EVA, FARID = "eva.novak@contoso.com", "farid.haddad@contoso.com"
BASE = "http://localhost/api/architects"


@pytest.fixture
def document(app) -> dict:
    return app.call("openapi_document", "GET", "http://localhost/api/openapi.json").body


def mark(app, architect: str, body, user=LEAD, roles=LEADS):
    return app.call("mark_architect_away", "POST", f"{BASE}/{architect}/absences", body=body, user=user, roles=roles,
                    route_params={"email": architect})


def remove(app, architect: str, absence_id: str, user=LEAD, roles=LEADS):
    return app.call("remove_absence", "DELETE", f"{BASE}/{architect}/absences/{absence_id}", user=user, roles=roles,
                    route_params={"email": architect, "absenceId": absence_id})


def architects(app, user=LEAD, roles=LEADS):
    return app.call("list_architects", "GET", BASE, user=user, roles=roles)


def routed(app) -> str:
    request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
    app.pump()
    return request_id


def test_mark_list_auto_assign_and_remove_match_the_document(app, document):
    marked = mark(app, EVA, {"from": "2026-11-23", "until": "2026-11-27", "note": "Conference"})
    assert marked.status == 201, marked.body
    check_answer(document, "/api/architects/{email}/absences", "post", marked)

    listed = architects(app)
    assert listed.status == 200
    check_answer(document, "/api/architects", "get", listed)
    eva = next(a for a in listed.body["items"] if a["email"] == EVA)
    assert eva["away"]["id"] == marked.body["id"] and eva["away"]["source"] == "app" and eva["available"] is False

    first = app.act("assign", routed(app), LEAD, LEADS, {"architect": "auto"})
    assert first.status == 200 and first.body["architect"] == FARID
    assert mark(app, FARID, {"from": "2026-11-24", "until": "2026-11-24"}).status == 201
    second = routed(app)
    refused = app.act("assign", second, LEAD, LEADS, {"architect": "auto"})
    assert (refused.status, refused.body["error"]) == (409, "no-architect-available"), refused.body
    check_answer(document, "/api/requests/{id}/assign", "post", refused)
    assert app.get(second, LEAD, LEADS).body["status"] == "routed"

    removed = remove(app, EVA, marked.body["id"])
    assert removed.status == 204 and removed.body is None
    again = remove(app, EVA, marked.body["id"])
    assert again.status == 404
    check_answer(document, "/api/architects/{email}/absences/{absenceId}", "delete", again)
    assert app.act("assign", second, LEAD, LEADS, {"architect": "auto"}).body["architect"] == EVA


@pytest.mark.parametrize("body, field", [
    ({"from": "2026-13-01", "until": "2026-12-31"}, "from"),
    ({"from": "tomorrow", "until": "2026-12-31"}, "from"),
    ({"from": "2026-12-21", "until": "2026-12-20"}, "until"),
    ({"from": "2026-12-21", "until": "9999-12-31"}, "until"),
    ({"from": "2026-12-21", "until": "2026-12-21", "note": "Out\x00"}, "note"),
    ({"from": "2026-12-21", "until": "2026-12-21", "note": "\u2066hidden\u2069"}, "note"),
    ({"from": "2026-12-21", "until": "2026-12-21", "note": ["x"]}, "note"),
    ({"until": "2026-12-21"}, "from"),
])
def test_a_bad_body_is_400_naming_the_field_and_stores_nothing(app, document, body, field):
    answer = mark(app, EVA, body)
    assert answer.status == 400 and [d["field"] for d in answer.body["details"]] == [field], answer.body
    check_answer(document, "/api/architects/{email}/absences", "post", answer)
    assert next(a for a in architects(app).body["items"] if a["email"] == EVA)["absences"] == []


def test_a_key_written_twice_an_unknown_architect_and_a_requestor_are_refused(app, document):
    twice = b'{"from": "2026-12-21", "until": "2026-12-22", "until": "2026-12-19"}'
    answer = mark(app, EVA, twice)
    assert (answer.status, answer.body["error"], answer.body["details"][0]["field"]) == (400, "duplicate-key", "until")
    unknown = mark(app, "someone.new@contoso.com", {"from": "2026-12-21", "until": "2026-12-22"})
    assert unknown.status == 400 and [d["field"] for d in unknown.body["details"]] == ["email"]
    assert remove(app, "x@evil.example", "AWAY-AAAAAAAAAAAA").status == 400
    for refused in (mark(app, EVA, b"not json", user=REQUESTOR, roles=()), architects(app, REQUESTOR, ()),
                    remove(app, EVA, "AWAY-AAAAAAAAAAAA", REQUESTOR, ())):
        assert refused.status == 403, refused.body
        check_answer(document, "/api/architects", "get", refused)
    assert all(a["absences"] == [] for a in architects(app).body["items"])


def test_a_body_as_a_form_is_415_and_a_call_from_another_site_403(app):
    form_body = app.call("mark_architect_away", "POST", f"{BASE}/{EVA}/absences", body=b"from=2026-12-21",
                         user=LEAD, roles=LEADS, headers={"Content-Type": "application/x-www-form-urlencoded"},
                         route_params={"email": EVA})
    assert form_body.status == 415
    cross = app.call("mark_architect_away", "POST", f"{BASE}/{EVA}/absences",
                     body=json.dumps({"from": "2026-12-21", "until": "2026-12-22"}).encode(), user=LEAD, roles=LEADS,
                     headers={"Origin": "https://evil.example"}, route_params={"email": EVA})
    assert (cross.status, cross.body["error"]) == (403, "cross-site")

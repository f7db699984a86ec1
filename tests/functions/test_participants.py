"""The account team on a request: participants given at intake or changed later
receive the requestor's mails once each, may read the request and comment
publicly, and may do nothing else."""

from __future__ import annotations

import pytest

from tests.factories import LEAD, OTHER, REQUESTOR, form

LEADS = ("FTA.Lead",)
CSU = "casey.csu@contoso.com"
PARTNER = "pat@fabrikam.com"
TEAM = [{"email": CSU, "role": "csu"}, {"email": PARTNER, "role": "partner"}]


def put(app, request_id, participants, user=REQUESTOR, roles=()):
    return app.call("set_participants", "PUT", f"http://localhost/api/requests/{request_id}/participants",
                    body={"participants": participants}, user=user, roles=roles, route_params={"id": request_id})


def comment(app, request_id, user, body):
    return app.call("comment_request", "POST", f"http://localhost/api/requests/{request_id}/comments", body=body,
                    user=user, route_params={"id": request_id})


def mails_to(app, address, event):
    return [m for m in app.outbox() if m["To"] == address and m["X-FTA-Event"] == event]


def test_participants_at_intake_get_the_requestors_mails_once_each_and_may_read_and_comment(app):
    created = app.submit(form(participants=TEAM), REQUESTOR)
    assert created.status == 201, created.body
    request_id = created.body["id"]
    app.pump()
    app.pump()
    for person in (REQUESTOR, CSU, PARTNER):
        assert len(mails_to(app, person, "request.submitted")) == 1
    assert mails_to(app, CSU, "request.routed") == [], "the leads' mail is the leads'"
    assert app.get(request_id, CSU).status == 200
    assert app.get(request_id, CSU).body["allowedActions"] == ["comment"]
    said = comment(app, request_id, CSU, {"text": "The pilot starts with 200 users."})
    assert said.status == 200 and said.body["history"][-1]["data"]["by"] == "participant"
    app.pump()
    assert len(mails_to(app, REQUESTOR, "request.commented")) == 1 and mails_to(app, CSU, "request.commented") == []
    assert mails_to(app, "emea-leads@contoso.com", "request.commented")
    hidden = comment(app, request_id, CSU, {"text": "just us", "internal": True})
    assert hidden.status == 403
    assert app.act("cancel", request_id, CSU).status == 403
    assert app.list(CSU, ()).body["items"] == [], "their own list holds the requests they made"


def test_the_requestor_or_a_lead_changes_the_team_and_a_removed_participant_reads_no_more(app):
    request_id = app.submit(form(participants=TEAM), REQUESTOR).body["id"]
    app.pump()
    changed = put(app, request_id, [TEAM[1]], LEAD, LEADS)
    assert changed.status == 200 and changed.body["participants"] == [TEAM[1]]
    assert changed.body["history"][-1]["type"] == "request.participants-changed"
    assert app.get(request_id, CSU).status == 404
    unchanged = put(app, request_id, [TEAM[1]])
    assert unchanged.status == 200 and [e["type"] for e in unchanged.body["history"]].count(
        "request.participants-changed") == 1, "the same team again records nothing"
    assert put(app, request_id, TEAM, PARTNER).status == 403
    assert put(app, request_id, TEAM, OTHER).status == 404


@pytest.mark.parametrize("participants, field", [
    ([{"email": "not-an-address", "role": "atu"}], "participants.0.email"),
    ([{"email": CSU, "role": "csu"}, {"email": CSU.upper(), "role": "atu"}], "participants"),
    ([{"email": REQUESTOR, "role": "atu"}], "participants"),
    ([{"email": f"p{n}@contoso.com", "role": "other"} for n in range(11)], "participants"),
    ([{"email": CSU, "role": "csu", "internal": True}], "participants.0.internal"),
    ([{"email": CSU, "role": "lead"}], "participants.0.role"),
    ("casey.csu@contoso.com", "participants"),
])
def test_bad_participants_are_400_naming_the_field_at_intake_and_later(app, participants, field):
    refused = app.submit(form(participants=participants), REQUESTOR)
    assert refused.status == 400 and field in [d["field"] for d in refused.body["details"]], refused.body
    request_id = app.submit(form(), REQUESTOR).body["id"]
    later = put(app, request_id, participants)
    assert later.status == 400 and field in [d["field"] for d in later.body["details"]], later.body
    assert app.get(request_id, REQUESTOR).body["participants"] == []

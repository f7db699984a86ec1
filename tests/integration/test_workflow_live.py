"""The work after routing through devhost over HTTP, with email over SMTP to a real server."""

import time

import pytest

from tests.factories import migration_form
from tests.integration import live
from tests.integration.smtp_server import SmtpServer

pytestmark = pytest.mark.timeout(240)

LEAD = dict(user="lee@contoso.com", roles=("FTA.Lead",))
REQUESTOR = "alex@contoso.com"
ARCHITECT = "ana.alves@contoso.com"  # in fta-alignment's pool, where migration exceptions go
LEADS = "fta-alignment@contoso.com"
SECRET = "Internal: the customer's budget is not approved yet."


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def app(tmp_path, smtp):
    running = live.start(tmp_path / "data", **smtp.env)
    yield running
    running.stop()


def test_ask_answer_comment_assign_complete_sends_every_email_once(app, smtp):
    created = app.request("POST", "/api/requests", migration_form())
    assert created.status == 201
    request_id = created.body["id"]
    path = f"/api/requests/{request_id}"
    app.wait_for(lambda: app.request("GET", path).body["status"] == "routed")

    asked = app.request("POST", f"{path}/request-info", {"message": "How many mailboxes are archived?"}, **LEAD)
    assert asked.status == 200 and asked.body["status"] == "needs-info"
    assert app.request("POST", f"{path}/comments", {"text": SECRET, "internal": True}, **LEAD).status == 200
    answered = app.request("POST", f"{path}/comments", {"text": "About 300 of the 800."})
    assert answered.status == 200 and answered.body["status"] == "routed"
    assert SECRET not in str(answered.body), "the requestor's own answer shows no internal comment"
    assert app.request("POST", f"{path}/assign", {"architect": ARCHITECT}, **LEAD).status == 200
    done = app.request("POST", f"{path}/complete", {"outcome": {"decision": "approved", "notes": "Archive first."}},
                       user=ARCHITECT)
    assert done.status == 200 and done.body["status"] == "completed"

    expected = {
        ("request.submitted", REQUESTOR), ("request.routed", LEADS),
        ("request.info-requested", REQUESTOR),
        ("request.commented", LEADS),          # the internal comment: leads only (no architect yet)
        ("request.commented", LEADS + "#2"),   # the requestor's answer, to the lead group
        ("request.info-provided", LEADS),
        ("request.assigned", REQUESTOR), ("request.assigned", ARCHITECT),
        ("request.completed", REQUESTOR), ("request.completed", ARCHITECT),
    }
    app.wait_for(lambda: len(smtp.collector.snapshot()) >= len(expected), timeout=60)
    time.sleep(1.0)  # anything sent twice would arrive meanwhile
    received = smtp.collector.snapshot()
    seen = [(r.message["X-FTA-Event"], ",".join(r.recipients)) for r in received]
    assert len(seen) == len(expected), seen
    assert len({r.message["Message-ID"] for r in received}) == len(received), "every email once"
    for event_type, to in expected:
        assert (event_type, to.split("#")[0]) in seen, (event_type, to)
    for r in received:
        text = "".join(r.message.get_body((k,)).get_content() for k in ("plain", "html"))
        if REQUESTOR in r.recipients:
            assert SECRET not in text, f"{r.message['X-FTA-Event']} to the requestor carries the internal comment"
    [completed] = [r for r in received if r.message["X-FTA-Event"] == "request.completed" and REQUESTOR in r.recipients]
    body = completed.message.get_body(("plain",)).get_content()
    assert "Decision:            Approved" in body and "Archive first." in body


ATU = "ana.atu@contoso.com"
PARTNER = "pat@fabrikam.example"


def test_the_account_team_gets_the_requestors_mails_once_and_the_workshops_out_of_scope_items(app, smtp):
    team = [{"email": ATU, "role": "atu"}, {"email": PARTNER, "role": "partner"}]
    created = app.request("POST", "/api/requests", migration_form(participants=team))
    assert created.status == 201
    path = f"/api/requests/{created.body['id']}"
    app.wait_for(lambda: app.request("GET", path).body["status"] == "routed")
    assert app.request("POST", f"{path}/assign", {"architect": ARCHITECT}, **LEAD).status == 200
    workshop = {"kind": "workshop-held", "customerUnderstanding": "high", "outOfScope": ["Teams Phone", "Copilot"],
                "engagementStart": "2027-01-11", "dibs": {"dueDate": "2027-03-31", "intent": "Mail in the cloud",
                                                          "businessReason": "Datacentre exit", "successOwners": ["CIO"]}}
    assert app.request("POST", f"{path}/milestones", workshop, user=ARCHITECT).status == 200
    done = app.request("POST", f"{path}/complete", {"outcome": {"decision": "approved", "notes": "Go."}}, user=ARCHITECT)
    assert done.status == 200

    requestors_events = ("request.submitted", "request.assigned", "request.completed")
    app.wait_for(lambda: sum(1 for r in smtp.collector.snapshot() if r.message["X-FTA-Event"] == "request.completed") >= 2,
                 timeout=60)
    time.sleep(1.0)  # anything sent twice would arrive meanwhile
    received = smtp.collector.snapshot()
    for person in (REQUESTOR, ATU, PARTNER):
        got = sorted(r.message["X-FTA-Event"] for r in received if person in r.recipients)
        assert got == sorted(requestors_events), (person, got)
    for person in (REQUESTOR, ATU, PARTNER):
        [completed] = [r for r in received if r.message["X-FTA-Event"] == "request.completed" and person in r.recipients]
        for kind in ("plain", "html"):
            text = completed.message.get_body((kind,)).get_content()
            assert "Teams Phone" in text and "Copilot" in text, (person, kind)
            assert "understanding of the benefit: High" in text or "<td>High</td>" in text, (person, kind)
            assert "Europe, Middle East and Africa" in text, (person, kind)
            asks_to_rate = f"/requests/{created.body['id']}/feedback" in text
            assert asks_to_rate == (person == REQUESTOR), (person, kind)  # only the requestor rates the review

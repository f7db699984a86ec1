"""After assignment: the first contact (due three business days after assignment,
the architect reminded once when it passes), the discovery workshop and the
handoff on the timeline, the workshop record in the completion mail, and the
requestor's rating, once."""

from __future__ import annotations

import pytest

from tests.factories import LEAD, OTHER, REQUESTOR, form

LEADS = ("FTA.Lead",)
ARCHITECT = "eva.novak@contoso.com"
WORKSHOP = {"kind": "workshop-held", "customerUnderstanding": "medium",
            "outOfScope": ["Third-party archive migration", "Teams telephony"], "engagementStart": "2026-12-07",
            "dibs": {"dueDate": "2027-03-31", "intent": "All mailboxes in Exchange Online",
                     "businessReason": "Datacentre exit", "successOwners": ["CIO office"]}}


def assigned(app) -> str:
    request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
    app.pump()
    assert app.act("assign", request_id, LEAD, LEADS, {"architect": ARCHITECT}).status == 200
    app.pump()
    return request_id


def milestone(app, request_id, body, user=ARCHITECT, roles=()):
    return app.call("record_milestone", "POST", f"http://localhost/api/requests/{request_id}/milestones", body=body,
                    user=user, roles=roles, route_params={"id": request_id})


def feedback(app, request_id, body, user=REQUESTOR, roles=()):
    return app.call("give_feedback", "POST", f"http://localhost/api/requests/{request_id}/feedback", body=body,
                    user=user, roles=roles, route_params={"id": request_id})


def reminders(app):
    return [m for m in app.outbox() if m["X-FTA-Event"] == "request.first-contact-reminder"]


def test_the_architect_is_reminded_once_when_the_first_contact_is_past_due(app):
    request_id = assigned(app)  # Tuesday 10:00
    view = app.get(request_id, ARCHITECT).body
    assert view["firstContactDueAt"] == "2026-11-27T10:00:00.000000Z" and "firstContactReminderAt" not in view
    app.clock.advance(days=2, hours=23)  # Friday 09:00: not yet
    app.run_timer("remind")
    app.pump()
    assert reminders(app) == []
    app.clock.advance(hours=2)
    app.run_timer("remind")
    app.run_timer("remind")
    app.pump()
    [mail] = reminders(app)
    assert mail["To"] == ARCHITECT and request_id in mail["Subject"]
    assert [e["type"] for e in app.get(request_id, LEAD, LEADS).body["history"]].count(
        "request.first-contact-reminder") == 1


def test_a_recorded_first_contact_is_never_reminded(app):
    request_id = assigned(app)
    recorded = milestone(app, request_id, {"kind": "first-contact", "notes": "Call with the ATU and the partner."})
    assert recorded.status == 200 and recorded.body["firstContactAt"] == "2026-11-24T10:00:00.000000Z"
    app.clock.advance(days=7)
    app.run_timer("remind")
    app.pump()
    assert reminders(app) == []


def test_milestones_in_any_order_on_the_timeline_and_the_workshop_in_the_completion_mail(app):
    request_id = assigned(app)
    handed = milestone(app, request_id, {"kind": "handoff", "manager": "fred.ftm@contoso.com"})
    assert handed.status == 200, "a handoff before the first contact is allowed"
    held = milestone(app, request_id, WORKSHOP, LEAD, LEADS)
    assert held.status == 200 and held.body["workshop"]["outOfScope"] == WORKSHOP["outOfScope"]
    types = [e["type"] for e in held.body["history"]]
    assert types[-2:] == ["request.handed-off", "request.workshop-held"]
    assert app.act("complete", request_id, ARCHITECT, (), {"outcome": {"notes": "Scope fits."}}).status == 200
    app.pump()
    mail = next(m for m in app.outbox() if m["X-FTA-Event"] == "request.completed" and m["To"] == REQUESTOR)
    text = mail.get_body(("plain",)).get_content()
    assert "Third-party archive migration" in text and "Teams telephony" in text and "Datacentre exit" in text
    assert f"/requests/{request_id}/feedback" in text


@pytest.mark.parametrize("body, field", [
    ({"kind": "kick-off"}, "kind"),
    ({**WORKSHOP, "customerUnderstanding": "very"}, "customerUnderstanding"),
    ({**WORKSHOP, "engagementStart": "2026-02-30"}, "engagementStart"),
    ({**WORKSHOP, "outOfScope": "Teams"}, "outOfScope"),
    ({**WORKSHOP, "dibs": {**WORKSHOP["dibs"], "successOwners": []}}, "dibs.successOwners"),
    ({"kind": "handoff", "manager": "not an address"}, "manager"),
    ({"kind": "first-contact", "notes": "a\u202eb"}, "notes"),
])
def test_a_bad_milestone_is_400_naming_the_field(app, body, field):
    request_id = assigned(app)
    refused = milestone(app, request_id, body)
    assert refused.status == 400 and field in [d["field"] for d in refused.body["details"]], refused.body


def test_milestones_are_for_the_assigned_architect_and_leads_on_an_assigned_request(app):
    request_id = assigned(app)
    assert milestone(app, request_id, {"kind": "first-contact"}, REQUESTOR).status == 403
    assert milestone(app, request_id, {"kind": "first-contact"}, "farid.haddad@contoso.com").status == 404
    routed = app.submit(form(), REQUESTOR).body["id"]
    app.pump()
    assert milestone(app, routed, WORKSHOP, LEAD, LEADS).status == 409, "a workshop on an unassigned request"


def test_the_requestor_rates_a_completed_review_once(app):
    request_id = assigned(app)
    assert feedback(app, request_id, {"rating": 5}).status == 409, "not completed yet"
    app.act("complete", request_id, ARCHITECT, (), {"outcome": {"notes": "ok"}})
    assert feedback(app, request_id, {"rating": 6}).status == 400
    assert feedback(app, request_id, {"rating": 0}).status == 400
    assert feedback(app, request_id, {"rating": 4}, LEAD, LEADS).status == 403
    assert feedback(app, request_id, {"rating": 4}, OTHER).status == 404
    rated = feedback(app, request_id, {"rating": 4, "comment": "Clear and quick."})
    assert rated.status == 200 and rated.body["feedback"] == {"rating": 4, "comment": "Clear and quick."}
    event = rated.body["history"][-1]
    assert event["type"] == "request.feedback-given" and event["data"]["architect"] == ARCHITECT
    assert feedback(app, request_id, {"rating": 1}).status == 409, "once"

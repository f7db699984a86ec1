"""The work after routing through the HTTP functions, with the emails it sends (once each)."""

from __future__ import annotations

import pytest

from tests.document_samples import upload_funding_documents

from tests.factories import LEAD, OTHER, REQUESTOR, form, migration_form, sow_form
from tests.harness import App

LEADS = ("FTA.Lead",)
ARCHITECT = "eva.novak@contoso.com"
PATHS = {"request_info": "request-info", "comment_request": "comments", "resume_request": "resume",
         "decline_request": "decline", "complete_request": "complete", "assign_request": "assign"}


@pytest.fixture
def app(tmp_path):
    application = App(tmp_path / "data")
    yield application
    application.close()


def do(app, name, request_id, user, roles=(), body=None, headers=None):
    return app.call(name, "POST", f"http://localhost/api/requests/{request_id}/{PATHS[name]}", body=body,
                    user=user, roles=roles, headers=headers, route_params={"id": request_id})


def routed(app, body=None) -> str:
    request_id = app.submit(body or form(), REQUESTOR).body["id"]
    app.pump()
    return request_id


def text_of(message) -> str:
    return message["Subject"] + "".join(message.get_body((kind,)).get_content() for kind in ("plain", "html"))


def mails(app) -> list[tuple[str, str]]:
    return sorted((m["To"], m["X-FTA-Event"]) for m in app.outbox())


def test_ask_answer_assign_complete_sends_each_email_once_to_the_right_people(app):
    request_id = routed(app)
    before = set(mails(app))
    asked = do(app, "request_info", request_id, LEAD, LEADS, {"message": "Please add the WBS.", "missingDocuments": ["wbs"]})
    assert asked.status == 200 and asked.body["status"] == "needs-info"
    assert "resume" in asked.body["allowedActions"] and "assign" not in asked.body["allowedActions"]
    answered = do(app, "comment_request", request_id, REQUESTOR, body={"text": "Uploaded it to the share."})
    assert answered.status == 200 and answered.body["status"] == "routed"
    assert answered.body["allowedActions"] == ["comment", "cancel", "upload-document", "participants"]
    assert do(app, "assign_request", request_id, LEAD, LEADS, {"architect": ARCHITECT}).status == 200
    done = do(app, "complete_request", request_id, ARCHITECT, body={"outcome": {"notes": "Workshop held."}})
    assert done.status == 200 and done.body["status"] == "completed" and done.body["outcome"] == {"notes": "Workshop held."}
    for _ in range(3):
        app.pump()
    new = sorted(set(mails(app)) - before)
    assert new == sorted([
        (REQUESTOR, "request.info-requested"),
        ("emea-leads@contoso.com", "request.commented"),
        ("emea-leads@contoso.com", "request.info-provided"),
        (REQUESTOR, "request.assigned"), (ARCHITECT, "request.assigned"),
        (REQUESTOR, "request.completed"), (ARCHITECT, "request.completed"),
    ])
    assert len(mails(app)) == len(set(mails(app))), "no email twice"
    assigned = next(m for m in app.outbox() if m["X-FTA-Event"] == "request.assigned" and m["To"] == REQUESTOR)
    assert "Eva Novak (eva.novak@contoso.com) is assigned as the FastTrack Architect" in text_of(assigned), \
        "the architect by the name the routing file gives"
    completed = next(m for m in app.outbox() if m["X-FTA-Event"] == "request.completed" and m["To"] == REQUESTOR)
    assert "Thank you, Eva Novak, for your work on it." in text_of(completed)
    asked_mail = next(m for m in app.outbox() if m["X-FTA-Event"] == "request.info-requested")
    body = asked_mail.get_body(("plain",)).get_content()
    assert "Please add the WBS." in body and "Work breakdown structure (WBS)" in body


def test_an_internal_comment_never_reaches_the_requestor(app):
    request_id = routed(app)
    assert do(app, "assign_request", request_id, LEAD, LEADS, {"architect": ARCHITECT}).status == 200
    secret = "Budget owner is difficult; keep this between us."
    assert do(app, "comment_request", request_id, LEAD, LEADS, {"text": secret, "internal": True}).status == 200
    assert do(app, "comment_request", request_id, REQUESTOR, body={"text": "Any news?"}).status == 200
    app.pump()
    owner_view = app.get(request_id, REQUESTOR).body
    assert secret not in str(owner_view) and "Any news?" in str(owner_view)
    assert secret in str(app.get(request_id, ARCHITECT).body), "the assigned architect sees it"
    assert secret not in str(app.list(REQUESTOR).body)
    to_requestor = [m for m in app.outbox() if m["To"] == REQUESTOR]
    assert to_requestor and all(secret not in text_of(m) for m in to_requestor)
    internal = [m for m in app.outbox() if m["X-FTA-Event"] == "request.commented" and secret in text_of(m)]
    assert sorted(m["To"] for m in internal) == sorted([ARCHITECT, "emea-leads@contoso.com"])
    assert do(app, "comment_request", request_id, REQUESTOR, body={"text": "x", "internal": True}).status == 403


def test_a_decline_names_its_reason_to_the_requestor(app):
    request_id = routed(app)
    declined = do(app, "decline_request", request_id, LEAD, LEADS, {"reason": "out-of-scope", "note": "On-premises work."})
    assert declined.status == 200 and declined.body["status"] == "declined"
    assert declined.body["decline"] == {"reason": "out-of-scope", "note": "On-premises work."}
    app.pump()
    mail = next(m for m in app.outbox() if m["X-FTA-Event"] == "request.declined")
    assert mail["To"] == REQUESTOR and "Out of FastTrack scope" in mail.get_body(("plain",)).get_content()
    assert do(app, "comment_request", request_id, REQUESTOR, body={"text": "Why?"}).status == 409


def test_a_funding_review_is_completed_with_its_recommendation_and_category(app):
    request_id = routed(app, sow_form())
    upload_funding_documents(app, request_id, REQUESTOR)
    assert do(app, "assign_request", request_id, LEAD, LEADS, {"architect": "ana.alves@contoso.com"}).status == 200
    missing = do(app, "complete_request", request_id, LEAD, LEADS)
    assert missing.status == 400 and [d["field"] for d in missing.body["details"]] == ["outcome"]
    bad = do(app, "complete_request", request_id, LEAD, LEADS, {"outcome": {"recommendation": "approve", "category": "cat-9"}})
    assert bad.status == 400 and [d["field"] for d in bad.body["details"]] == ["outcome.category"]
    done = do(app, "complete_request", request_id, LEAD, LEADS,
              {"outcome": {"recommendation": "approve", "category": "cat-2d", "notes": "Design phase funded."}})
    assert done.status == 200
    app.pump()
    mail = next(m for m in app.outbox() if m["X-FTA-Event"] == "request.completed" and m["To"] == REQUESTOR)
    text = mail.get_body(("plain",)).get_content()
    assert "Approve" in text and "Cat 2d: strategy / design" in text and "Design phase funded." in text


def test_a_migration_exception_ends_in_a_decision(app):
    request_id = routed(app, migration_form())
    assert do(app, "assign_request", request_id, LEAD, LEADS, {"architect": "ana.alves@contoso.com"}).status == 200
    assert do(app, "complete_request", request_id, "ana.alves@contoso.com",
              body={"outcome": {"decision": "approved"}}).status == 200
    assert app.get(request_id, REQUESTOR).body["outcome"] == {"decision": "approved", "notes": ""}


@pytest.mark.parametrize("name, body, field", [
    ("request_info", {"message": ""}, "message"),
    ("request_info", {"message": "x" * 2001}, "message"),
    ("request_info", {"message": "ok", "missingDocuments": ["passport"]}, "missingDocuments.0"),
    ("request_info", {}, "message"),
    ("comment_request", {"text": "x" * 4001}, "text"),
    ("comment_request", {"text": "ok", "internal": "yes"}, "internal"),
    ("decline_request", {"reason": "bored"}, "reason"),
    ("decline_request", {"reason": "other", "extra": 1}, "extra"),
])
def test_bad_bodies_name_their_field(app, name, body, field):
    request_id = routed(app)
    answer = do(app, name, request_id, LEAD, LEADS, body)
    assert answer.status == 400, answer.body
    assert field in [d["field"] for d in answer.body["details"]]
    assert app.get(request_id, LEAD, LEADS).body["status"] == "routed"


def test_state_roles_and_versions_are_refused_in_their_order(app):
    request_id = routed(app)
    assert do(app, "resume_request", request_id, LEAD, LEADS).status == 409
    assert do(app, "complete_request", request_id, LEAD, LEADS).status == 409
    assert do(app, "decline_request", request_id, REQUESTOR, body={"reason": "other"}).status == 403
    assert do(app, "request_info", request_id, OTHER, body={"message": "hi"}).status == 404
    assert do(app, "request_info", "FTA-NOSUCH0000", LEAD, LEADS, {"message": "hi"}).status == 404
    stale = do(app, "request_info", request_id, LEAD, LEADS, {"message": "hi"}, headers={"If-Match": '"stale"'})
    assert stale.status == 412


def test_the_assigned_architect_lists_their_requests(app):
    mine, other = routed(app), routed(app)
    assert do(app, "assign_request", mine, LEAD, LEADS, {"architect": ARCHITECT}).status == 200
    assert do(app, "assign_request", other, LEAD, LEADS, {"architect": "farid.haddad@contoso.com"}).status == 200
    listed = app.list(ARCHITECT, view="assigned").body["items"]
    assert [item["id"] for item in listed] == [mine]
    assert listed[0]["allowedActions"] == ["request-info", "complete", "milestone", "comment", "comment-internal", "upload-document"]
    assert app.list(ARCHITECT).body["items"] == [], "without a role an architect's own list is the requests they made"

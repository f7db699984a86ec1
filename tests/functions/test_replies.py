"""Replies by mail as comments, over the embedded adapters: the reply address in
each mail, the requestor's answer (quote and signature gone), each message once,
attachments as documents, and every message that must store nothing."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from shared.app.replies import take_reply
from shared.domain.replies import reply_address
from tests.document_samples import PDF
from tests.factories import LEAD, OTHER, REQUESTOR, form

LEADS = ("FTA.Lead",)
ARCHITECT = "eva.novak@contoso.com"
QUOTED = ("About 40 sites, 120 users each.\n\nBest regards,\nAlex\n\n"
          "On Tue, 24 Nov 2026 at 10:00, FTA Requests <fta-requests@localhost> wrote:\n"
          "> Please add the user count per site.\n> \n> Open the request: http://127.0.0.1:7071/requests/x\n")


def asked(app) -> str:
    request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
    app.pump()
    answer = app.call("request_info", "POST", f"http://localhost/api/requests/{request_id}/request-info", user=LEAD,
                      roles=LEADS, body={"message": "Please add the user count per site."},
                      route_params={"id": request_id})
    assert answer.status == 200
    app.pump()
    return request_id


def reply_to_of(app, request_id: str, recipient: str, event: str) -> str:
    mail = next(m for m in app.outbox() if m["X-FTA-Request-Id"] == request_id and m["To"] == recipient
                and m["X-FTA-Event"] == event)
    return mail["Reply-To"]


def reply(to: str, sender: str = REQUESTOR, text: str = QUOTED, *, message_id: str | None = None,
          headers: dict[str, str] | None = None, attachments: list[tuple[str, bytes, str]] = ()) -> bytes:
    message = EmailMessage()
    message["From"] = f"Alex Account <{sender}>"
    message["To"] = to
    message["Subject"] = "RE: FTA request: more information needed"
    message["Message-ID"] = message_id or make_msgid(domain="contoso.com")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    for file_name, content, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=file_name)
    return message.as_bytes()


def unmatched(app) -> dict:
    return app.health_details().body["operations"]["unmatchedReplies"]


def test_every_mail_to_a_person_carries_a_reply_address_made_for_them_and_the_request(app):
    request_id = asked(app)
    address = reply_to_of(app, request_id, REQUESTOR, "request.info-requested")
    policy = app.ctx.policy
    assert address == reply_address(policy.reply_address, request_id, REQUESTOR, policy.reply_key)
    assert address.startswith(f"fta-requests+{request_id}.") and address.endswith("@localhost")
    assert reply_to_of(app, request_id, "emea-leads@contoso.com", "request.routed") != address


def test_the_requestors_answer_by_mail_is_a_public_comment_and_back_in_the_queue(app):
    request_id = asked(app)
    taken = take_reply(app.ctx, reply(reply_to_of(app, request_id, REQUESTOR, "request.info-requested")))
    assert (taken.outcome, taken.request_id) == ("comment", request_id)
    view = app.get(request_id, REQUESTOR).body
    assert view["status"] == "routed"
    comment = next(e for e in view["history"] if e["type"] == "request.commented")
    assert comment["data"]["text"] == "About 40 sites, 120 users each."
    assert comment["data"]["internal"] is False and comment["actor"] == REQUESTOR
    assert view["history"][-1]["type"] == "request.info-provided"


def test_the_same_reply_delivered_twice_is_one_comment(app):
    request_id = asked(app)
    raw = reply(reply_to_of(app, request_id, REQUESTOR, "request.info-requested"))
    assert take_reply(app.ctx, raw).outcome == "comment"
    assert take_reply(app.ctx, raw).outcome == "duplicate"
    history = app.get(request_id, REQUESTOR).body["history"]
    assert [e["type"] for e in history].count("request.commented") == 1


def test_the_architects_reply_is_internal_and_never_reaches_the_requestor(app):
    request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
    app.pump()
    app.act("assign", request_id, LEAD, LEADS, {"architect": ARCHITECT})
    app.pump()
    address = reply_to_of(app, request_id, ARCHITECT, "request.assigned")
    taken = take_reply(app.ctx, reply(address, sender=ARCHITECT, text="Customer runs hybrid Exchange; plan 3 waves."))
    assert taken.outcome == "comment"
    app.pump()
    assert "hybrid" not in str(app.get(request_id, REQUESTOR).body["history"])
    lead_view = app.get(request_id, LEAD, LEADS).body["history"]
    assert any(e["type"] == "request.commented" and e["data"]["internal"] for e in lead_view)
    assert not [m for m in app.outbox() if m["To"] == REQUESTOR and "hybrid" in m.get_body(("plain",)).get_content()]


def test_an_attachment_becomes_a_document_of_kind_other_judged_by_its_bytes(app):
    request_id = asked(app)
    address = reply_to_of(app, request_id, REQUESTOR, "request.info-requested")
    raw = reply(address, text="The site list is attached.", attachments=[
        ("sites.pdf", PDF, "application/pdf"), ("run-me.exe", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")])
    assert take_reply(app.ctx, raw).outcome == "comment"
    documents = app.get(request_id, REQUESTOR).body["documents"]
    assert [(d["kind"], d["fileName"], d["contentType"]) for d in documents] == [("other", "sites.pdf", "application/pdf")]
    assert take_reply(app.ctx, raw).outcome == "duplicate"
    assert len(app.get(request_id, REQUESTOR).body["documents"]) == 1


def test_a_reply_to_a_closed_request_is_a_comment_that_reopens_nothing(app):
    request_id = asked(app)
    address = reply_to_of(app, request_id, REQUESTOR, "request.info-requested")
    assert app.act("cancel", request_id, REQUESTOR).status == 200
    assert take_reply(app.ctx, reply(address, text="Sorry, we went another way.")).outcome == "comment"
    view = app.get(request_id, REQUESTOR).body
    assert view["status"] == "cancelled" and view["history"][-1]["type"] == "request.commented"


def forged(address: str) -> str:
    local, _, domain = address.partition("@")
    token = local.rpartition(".")[2]
    return f"{local[:-len(token)]}{'a' if token[0] != 'a' else 'b'}{token[1:]}@{domain}"


@pytest.mark.parametrize("case", [
    "another-sender", "forged", "truncated", "other-request", "out-of-office", "dsn", "own-sender", "bulk",
    "exchange-auto", "too-large", "malformed", "no-message-id", "subject-injection", "empty", "not-allowed",
])
def test_a_message_that_is_no_reply_the_service_may_take_stores_nothing(app, case):
    request_id = asked(app)
    other_id = asked(app)
    address = reply_to_of(app, request_id, REQUESTOR, "request.info-requested")
    before = app.get(request_id, REQUESTOR).body["history"]
    raw = {
        "another-sender": lambda: reply(address, sender=OTHER),
        "forged": lambda: reply(forged(address)),
        "truncated": lambda: reply(address.replace(".", ".x", 1)[:-20] + "@localhost"),
        "other-request": lambda: reply(address.replace(request_id, other_id)),
        "out-of-office": lambda: reply(address, headers={"Auto-Submitted": "auto-replied"}),
        "dsn": lambda: reply(address, headers={"Return-Path": "<>"}),
        "own-sender": lambda: reply(address, sender="fta-requests@localhost"),
        "bulk": lambda: reply(address, headers={"Precedence": "bulk"}),
        "exchange-auto": lambda: reply(address, headers={"X-Auto-Response-Suppress": "All"}),
        "too-large": lambda: reply(address, attachments=[("big.pdf", PDF + b"0" * (30 * 1024 * 1024), "application/pdf")]),
        "malformed": lambda: b"\x00\xff not a message at all \r\n\r\n",
        "no-message-id": lambda: reply(address).replace(b"Message-ID:", b"X-Old-ID:"),
        "subject-injection": lambda: reply(address).replace(
            b"Subject: RE: FTA request: more information needed",
            b"Subject: =?utf-8?q?RE=3A_more=0D=0ABcc=3A_evil=40example=2Ecom?="),
        "empty": lambda: reply(address, text="\n\n"),
        "not-allowed": lambda: reply(reply_to_of(app, request_id, "emea-leads@contoso.com", "request.routed"),
                                     sender="emea-leads@contoso.com"),
    }[case]()
    taken = take_reply(app.ctx, raw)
    assert taken.outcome not in ("comment", "duplicate"), taken
    assert app.get(request_id, REQUESTOR).body["history"] == before
    assert sum(unmatched(app).values()) == 1 and unmatched(app) == {taken.outcome: 1}


def test_a_participants_reply_by_mail_is_a_public_comment_and_no_answer(app):
    request_id = app.submit(form(region="emea", participants=[{"email": "casey.csu@contoso.com", "role": "csu"}]),
                            REQUESTOR).body["id"]
    app.pump()
    app.call("request_info", "POST", f"http://localhost/api/requests/{request_id}/request-info", user=LEAD,
             roles=LEADS, body={"message": "Which sites first?"}, route_params={"id": request_id})
    app.pump()
    address = reply_to_of(app, request_id, "casey.csu@contoso.com", "request.info-requested")
    taken = take_reply(app.ctx, reply(address, sender="casey.csu@contoso.com", text="Munich, then Berlin."))
    assert taken.outcome == "comment"
    view = app.get(request_id, REQUESTOR).body
    comment = view["history"][-1]
    assert comment["data"]["by"] == "participant" and comment["data"]["internal"] is False
    assert view["status"] == "needs-info", "only the requestor's answer resumes the request"

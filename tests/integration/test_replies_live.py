"""Replies by mail through devhost: mail leaves over SMTP (a real server in the
test), the requestor answers it in their mail client (over SMTP to devhost's
FTA_INBOUND_SMTP_PORT), and the answer lands on the request."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from tests.factories import form
from tests.integration import live
from tests.integration.smtp_server import SmtpServer

pytestmark = pytest.mark.timeout(180)
LEAD = {"user": "lee@contoso.com", "roles": ("FTA.Lead",)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def inbound_port():
    return free_port()


@pytest.fixture
def app(tmp_path, smtp, inbound_port):
    running = live.start(tmp_path / "data", **smtp.env, FTA_INBOUND_SMTP_PORT=str(inbound_port),
                         FTA_EMAIL_FROM="fta@contoso.com")
    yield running
    running.stop()


def answer(port: int, to: str, text: str, message_id: str) -> None:
    message = EmailMessage()
    message["From"] = "Alex Account <alex@contoso.com>"
    message["To"] = to
    message["Subject"] = "RE: more information needed"
    message["Message-ID"] = message_id
    message.set_content(f"{text}\n\nOn Tue, FTA Requests <fta@contoso.com> wrote:\n> How many mailboxes are archived?\n")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message)


def test_the_requestor_answers_the_mail_and_the_request_is_back_in_the_queue_once(app, smtp, inbound_port):
    request_id = app.request("POST", "/api/requests", form(region="emea")).body["id"]
    app.wait_for(lambda: app.request("GET", f"/api/requests/{request_id}").body["status"] == "routed")
    asked = app.request("POST", f"/api/requests/{request_id}/request-info",
                        {"message": "How many mailboxes are archived?"}, **LEAD)
    assert asked.status == 200
    mail = app.wait_for(lambda: smtp.collector.by_event("request.info-requested"))[0]
    assert mail.recipients == ["alex@contoso.com"]
    reply_to = mail.message["Reply-To"]
    message_id = make_msgid(domain="contoso.com")
    answer(inbound_port, reply_to, "About 3,000 mailboxes are archived.", message_id)
    answer(inbound_port, reply_to, "About 3,000 mailboxes are archived.", message_id)  # the client sent it twice
    view = app.wait_for(lambda: (v := app.request("GET", f"/api/requests/{request_id}").body)["status"] == "routed"
                        and v)
    comments = [e for e in view["history"] if e["type"] == "request.commented"]
    assert [c["data"]["text"] for c in comments] == ["About 3,000 mailboxes are archived."]
    app.wait_for(lambda: smtp.collector.by_event("request.info-provided"))
    answer(inbound_port, reply_to.replace("fta+", "fta+x"), "forged", make_msgid(domain="contoso.com"))
    details = app.wait_for(lambda: (d := app.request("GET", "/api/health/details", user="ada@contoso.com",
                                                     roles=("FTA.Admin",)).body)["operations"]["unmatchedReplies"] and d)
    assert details["operations"]["unmatchedReplies"] == {"unverified": 1}
    assert "archived" not in app.log() and "alex@contoso.com" not in app.log()

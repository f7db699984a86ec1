"""Mail through Microsoft Graph, over real HTTP to the local Graph peer
(tests/graph_peer.py): devhost with FTA_EMAIL=graph sends as the shared mailbox
with a token from App Service's managed-identity endpoint (no secret), each mail
once however Graph throttles, and parks what Graph refuses."""

from __future__ import annotations

import pytest

from tests.factories import form
from tests.graph_peer import GraphPeer
from tests.integration import live
from tests.integration.test_ops import run_ops

pytestmark = pytest.mark.timeout(180)
LEAD = ("lee@contoso.com", ("FTA.Lead", "FTA.Admin"))


@pytest.fixture
def peer():
    with GraphPeer("fta@contoso.com") as running:
        yield running


@pytest.fixture
def app(tmp_path, peer):
    running = live.start(tmp_path / "data", **peer.env, FTA_EMAIL_FROM="fta@contoso.com")
    yield running
    running.stop()


def mails_of(peer, event):
    return [m for m in peer.sent if m["X-FTA-Event"] == event]


def test_a_request_is_mailed_through_graph_as_the_shared_mailbox_with_a_reply_address(app, peer):
    request_id = app.request("POST", "/api/requests", form(region="emea")).body["id"]
    app.wait_for(lambda: mails_of(peer, "request.submitted") and mails_of(peer, "request.routed"))
    [confirmation] = mails_of(peer, "request.submitted")
    assert confirmation["To"] == "alex@contoso.com" and confirmation["From"] == "fta@contoso.com"
    assert confirmation["Message-ID"].endswith("@fta-requests>") and request_id in confirmation["Subject"]
    assert confirmation["Reply-To"].startswith(f"fta+{request_id}.") and confirmation["Reply-To"].endswith("@contoso.com")
    assert confirmation.get_body(("plain",)) is not None and confirmation.get_body(("html",)) is not None
    assert peer.tokens_issued == 1, "one token, kept for the process"
    health = app.request("GET", "/api/health/details", user=LEAD[0], roles=LEAD[1]).body
    assert health["components"]["email"] == {"backend": "graph", "sender": "fta@contoso.com", "ok": True}


def test_throttling_and_unavailability_are_retried_to_exactly_one_mail(app, peer):
    peer.fail_next(429, "ApplicationThrottled", retry_after="1")
    peer.fail_next(503, "ServiceUnavailable", retry_after="1")
    peer.fail_next(429, "MailboxConcurrency", retry_after="0")
    request_id = app.request("POST", "/api/requests", form(region="emea")).body["id"]
    app.wait_for(lambda: mails_of(peer, "request.submitted") and mails_of(peer, "request.routed"), timeout=60)
    assert not peer.failures, "every failure was answered"
    submitted = [m for m in mails_of(peer, "request.submitted") if m["X-FTA-Request-Id"] == request_id]
    assert len(submitted) == 1
    ids = [m["Message-ID"] for m in peer.sent]
    assert len(ids) == len(set(ids))


def test_a_mail_graph_refuses_is_parked_with_graphs_code_and_never_sent_again(app, peer, tmp_path):
    peer.fail_next(403, "ErrorAccessDenied")
    app.request("POST", "/api/requests", form(region="emea"))
    app.wait_for(lambda: mails_of(peer, "request.routed"))

    def parked():
        return app.request("GET", "/api/health/details", user=LEAD[0], roles=LEAD[1]).body["operations"]["parked"]

    assert app.wait_for(lambda: parked() == 1)
    assert mails_of(peer, "request.submitted") == []
    listed = run_ops(tmp_path / "data", "parked", "list")
    assert listed.returncode == 0 and "graph: 403 ErrorAccessDenied" in listed.stdout, listed.stdout

"""Replies in Azure: the read_replies timer's use case reads the shared mailbox
through the local Graph peer (delta query, MIME, move), takes each reply once,
and reads on from the kept delta link after a restart."""

from __future__ import annotations

import pytest

from shared.app.replies import read_inbox
from tests.factories import LEAD, REQUESTOR, form
from tests.functions.test_replies import reply
from tests.graph_peer import GraphPeer
from tests.harness import App

LEADS = ("FTA.Lead",)


@pytest.fixture
def peer(monkeypatch):
    with GraphPeer("fta@contoso.com") as running:
        for name, value in running.env.items():
            monkeypatch.setenv(name, value)  # azure-identity reads IDENTITY_ENDPOINT from the process
        yield running


def open_app(tmp_path, peer) -> App:
    return App(tmp_path / "data", env={**peer.env, "FTA_EMAIL_FROM": "fta@contoso.com"})


def test_replies_are_read_once_by_delta_moved_and_resumed_after_a_restart(tmp_path, peer):
    app = open_app(tmp_path, peer)
    ids = []
    for _ in range(4):
        request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
        app.pump()
        assert app.call("request_info", "POST", f"http://localhost/api/requests/{request_id}/request-info", user=LEAD,
                        roles=LEADS, body={"message": "Which sites come first?"},
                        route_params={"id": request_id}).status == 200
        ids.append(request_id)
    app.pump()
    reply_to = {m["X-FTA-Request-Id"]: m["Reply-To"] for m in peer.sent if m["X-FTA-Event"] == "request.info-requested"}
    first = peer.deliver(reply(reply_to[ids[0]], text="Munich first."))
    peer.deliver(b"From: someone@example.com\r\nSubject: hello\r\nMessage-ID: <x@example.com>\r\n\r\nbuy now\r\n")
    assert read_inbox(app.ctx) == 2
    assert app.get(ids[0], REQUESTOR).body["status"] == "routed"
    assert (first, "archive") in peer.moved and peer.inbox == []
    app.close()

    restarted = open_app(tmp_path, peer)
    assert read_inbox(restarted.ctx) == 0, "the kept delta link: nothing is read twice"
    for request_id in ids[1:]:
        peer.deliver(reply(reply_to[request_id], text=f"Answer for {request_id}."))
    assert read_inbox(restarted.ctx) == 3, "three messages over two pages (nextLink, then deltaLink)"
    for request_id in ids:
        comments = [e for e in restarted.get(request_id, REQUESTOR).body["history"] if e["type"] == "request.commented"]
        assert len(comments) == 1
    assert restarted.health_details().body["operations"]["unmatchedReplies"] == {"unverified": 1}
    assert peer.tokens_issued == 2, "one token per process"
    restarted.close()

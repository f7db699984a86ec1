"""Outlook's automatic replies as absences, over real HTTP to the local Graph
peer (tests/graph_peer.py): an architect whose automatic replies are on, or
scheduled around now, is never auto-assigned; a window to come or a mailbox
Graph cannot read changes nothing; each mailbox is read once per cache period."""

from __future__ import annotations

import pytest

from tests.factories import LEAD, REQUESTOR, form
from tests.graph_peer import GraphPeer
from tests.harness import App

LEADS = ("FTA.Lead",)
EVA, FARID = "eva.novak@contoso.com", "farid.haddad@contoso.com"


@pytest.fixture
def peer(monkeypatch):
    with GraphPeer("fta@contoso.com") as running:
        for name, value in running.env.items():
            monkeypatch.setenv(name, value)  # azure-identity reads IDENTITY_ENDPOINT from the process
        yield running


@pytest.fixture
def app(tmp_path, peer):
    application = App(tmp_path / "data", env={**peer.env, "FTA_EMAIL_FROM": "fta@contoso.com"})
    yield application
    application.close()


def auto_assign(app):
    request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
    app.pump()
    return app.act("assign", request_id, LEAD, LEADS, {"architect": "auto"})


def scheduled(start: str, end: str, zone: str = "UTC") -> dict:
    return {"status": "scheduled", "scheduledStartDateTime": {"dateTime": start, "timeZone": zone},
            "scheduledEndDateTime": {"dateTime": end, "timeZone": zone}}


def test_automatic_replies_on_keep_an_architect_out_of_auto_assign(app, peer):
    peer.auto_replies[EVA] = {"status": "alwaysEnabled", "externalReplyMessage": "On leave"}
    chosen = [auto_assign(app).body["architect"] for _ in range(3)]
    assert chosen == [FARID] * 3
    listed = app.call("list_architects", "GET", "http://localhost/api/architects", user=LEAD, roles=LEADS).body
    eva = next(a for a in listed["items"] if a["email"] == EVA)
    assert eva["away"]["source"] == "outlook" and eva["available"] is False
    reads = [path for method, path in peer.requests if path.endswith(f"/users/{EVA}/mailboxSettings/automaticRepliesSetting")]
    assert len(reads) == 1, "kept for the cache period"


def test_a_scheduled_window_counts_only_while_it_runs_in_its_own_time_zone(app, peer):
    # The harness's clock: Tuesday 2026-11-24 10:00 UTC, i.e. 11:00 in Berlin.
    peer.auto_replies[EVA] = scheduled("2026-11-24T10:30:00.0000000", "2026-11-30T09:00:00.0000000",
                                       "W. Europe Standard Time")
    peer.auto_replies[FARID] = scheduled("2026-11-25T09:00:00.0000000", "2026-11-26T17:00:00.0000000")
    assert auto_assign(app).body["architect"] == FARID, "Eva's window began at 09:30 UTC; Farid's is to come"


def test_when_the_whole_pool_is_away_auto_assign_is_409_no_architect_available(app, peer):
    peer.auto_replies[EVA] = {"status": "alwaysEnabled"}
    peer.auto_replies[FARID] = scheduled("2026-11-23T00:00:00", "2026-11-28T00:00:00")
    refused = auto_assign(app)
    assert refused.status == 409 and refused.body["error"] == "no-architect-available"


def test_a_mailbox_graph_may_not_read_names_no_absence(app, peer):
    peer.unreadable.add(EVA)  # Exchange's RBAC for Applications leaves her mailbox out of the app's scope
    peer.auto_replies[FARID] = {"status": "alwaysEnabled"}
    answer = auto_assign(app)
    assert answer.status == 200 and answer.body["architect"] == EVA

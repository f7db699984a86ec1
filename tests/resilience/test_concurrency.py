"""Races: parallel lead actions on one request through devhost, and two
consumers handling the same message at the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared import topology
from shared.app import handlers
from tests.factories import LEAD, REQUESTOR, form
from tests.integration import live

pytestmark = pytest.mark.timeout(120)

LEAD_ROLES = ("FTA.Lead",)
PARALLEL = 20


@pytest.fixture(scope="module")
def devhost(tmp_path_factory):
    app = live.start(tmp_path_factory.mktemp("concurrency") / "data")
    yield app
    app.stop()


def routed_request(app: live.LiveApp) -> tuple[str, str]:
    created = app.request("POST", "/api/requests", form(region="americas"), user=REQUESTOR)
    assert created.status == 201, created.body
    request_id = created.body["id"]
    app.wait_for(lambda: app.request("GET", f"/api/requests/{request_id}", user=LEAD, roles=LEAD_ROLES).body["status"] == "routed")
    current = app.request("GET", f"/api/requests/{request_id}", user=LEAD, roles=LEAD_ROLES)
    return request_id, current.headers["ETag"]


def all_at_once(count: int, call) -> list:
    gate = threading.Barrier(count)

    def racer(n: int):
        gate.wait()
        return call(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(racer, range(count)))


def architect(n: int) -> str:
    return f"architect{n:02d}@contoso.com"


def test_parallel_assigns_with_one_etag_have_exactly_one_winner(devhost):
    request_id, etag = routed_request(devhost)
    answers = all_at_once(PARALLEL, lambda n: devhost.request(
        "POST", f"/api/requests/{request_id}/assign", {"architect": architect(n)},
        user=LEAD, roles=LEAD_ROLES, headers={"If-Match": etag}))

    winners = [n for n, a in enumerate(answers) if a.status == 200]
    assert len(winners) == 1, [a.status for a in answers]
    assert {a.status for n, a in enumerate(answers) if n not in winners} <= {409, 412}
    stored = devhost.request("GET", f"/api/requests/{request_id}", user=LEAD, roles=LEAD_ROLES).body
    assert stored["status"] == "assigned"
    assert stored["architect"] == architect(winners[0])
    assigned = [e for e in stored["history"] if e["type"] == "request.assigned"]
    assert [e["data"]["architect"] for e in assigned] == [architect(winners[0])]


def test_parallel_reassigns_without_etag_lose_no_update(devhost):
    request_id, _ = routed_request(devhost)
    answers = all_at_once(PARALLEL, lambda n: devhost.request(
        "POST", f"/api/requests/{request_id}/assign", {"architect": architect(n)}, user=LEAD, roles=LEAD_ROLES))

    statuses = [a.status for a in answers]
    assert set(statuses) <= {200, 503}, statuses  # 503: the request changed too often; the client tries again
    won = {architect(n): a.body for n, a in enumerate(answers) if a.status == 200}
    assert won

    stored = devhost.request("GET", f"/api/requests/{request_id}", user=LEAD, roles=LEAD_ROLES).body
    assigned = [e for e in stored["history"] if e["type"] == "request.assigned"]
    assert len(assigned) == len(won), "one assigned event for every 200, and none for a refused call"
    assert {e["data"]["architect"] for e in assigned} == set(won)
    assert len({e["id"] for e in assigned}) == len(assigned)
    own_events = {}
    for body_architect, body in won.items():
        # The answer is the request as it stands after the write (a later
        # reassignment may already show in it), so it holds the caller's event.
        [own] = [e for e in body["history"] if e["type"] == "request.assigned" and e["data"]["architect"] == body_architect]
        own_events[body_architect] = own["id"]
    assert len(set(own_events.values())) == len(won), "every 200 has its own history entry"
    previous = None
    for event in assigned:
        assert event["data"].get("previousArchitect") == previous, "each reassignment saw the one before it"
        previous = event["data"]["architect"]
    assert stored["architect"] == assigned[-1]["data"]["architect"]
    ids = [e["id"] for e in stored["history"]]
    assert ids == [f"{request_id}.{n}" for n in range(1, len(ids) + 1)]


def test_two_consumers_routing_one_message_at_once_route_it_once(app):
    created = app.submit(form(region="emea"), REQUESTOR).body
    [message] = app.ctx.bus.peek(topology.ROUTE_TO_LEADS)

    outcomes = all_at_once(2, lambda n: handlers.handle_message(
        app.ctx, topology.ROUTE_TO_LEADS, message.body,
        message_id=message.message_id, subject=message.subject, correlation_id=message.correlation_id))

    assert sorted(o.action for o in outcomes) == ["already-routed", "routed"]
    app.pump()
    request = app.get(created["id"], REQUESTOR).body
    assert [e["type"] for e in request["history"]] == ["request.submitted", "request.routed"]
    routing_emails = [m for m in app.outbox() if m["X-FTA-Event"] == "request.routed"]
    assert [m["To"] for m in routing_emails] == ["emea-leads@contoso.com"]
    assert len(app.outbox()) == 2


def test_two_consumers_notifying_one_event_at_once_send_one_email(app):
    app.submit(form(region="emea"), REQUESTOR)
    [message] = [m for m in app.ctx.bus.peek(topology.NOTIFY) if m.subject == "request.submitted"]

    outcomes = all_at_once(2, lambda n: handlers.handle_message(
        app.ctx, topology.NOTIFY, message.body, message_id=message.message_id,
        subject=message.subject, correlation_id=message.correlation_id))

    assert sorted((o.detail["sent"], o.detail["skipped"]) for o in outcomes) == [(0, 1), (1, 0)]
    assert [(m["X-FTA-Event"], m["To"]) for m in app.outbox()] == [("request.submitted", REQUESTOR)]

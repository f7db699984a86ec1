"""Faults at every step of the pipeline, a SIGKILL mid-run, and the promises
that must still hold: every accepted request routed, exactly one email of each
kind per request, nothing left undispatched, dead letters only by design."""

from __future__ import annotations

import collections
import email.parser
import email.policy
import http.client
import json
import signal
import threading
import time
import urllib.error
from pathlib import Path

import pytest

from devhost.servicebus import to_function_message
from shared import topology
from shared.app import handlers
from shared.app import handlers
from shared.app.ports import OutgoingMessage
from shared.adapters.bus.local import LocalBus, MessageLockLost
from shared.adapters.faults import FaultPlan, FaultyStore
from shared.app.notify import NotificationRetry
from shared.domain.routing import load_routing
from shared.settings import SHIPPED_ROUTING_FILE
from shared.adapters.store.sqlite import SqliteStore
from tests.factories import LEAD, REQUESTOR, form, migration_form, sow_form
from tests.harness import FUNCTIONS
from tests.integration import live
from tests.integration.peers import free_port

REPO = Path(__file__).resolve().parents[2]
FAULTS = ("store.write=0.05,store.write-lost-reply=0.03,bus.publish=0.1,"
          "bus.duplicate=0.1,mail.send=0.1,mail.send-lost-reply=0.05")
SEED = "20261124"
TOTAL_REQUESTS = 300
KILL_AFTER = 150
CLIENT_THREADS = 4
QUIESCENCE_SECONDS = 180
LEAD_ROLES = ("FTA.Lead",)
POISON_IDS = ("poison-not-json", "poison-unknown-request", "poison-unknown-type")


def body_for(n: int) -> dict:
    region = ("americas", "emea", "asia-pacific")[n % 3]
    if n % 10 == 0:
        return sow_form(tpid=str(500000 + n), region=region)
    if n % 10 == 5:
        return migration_form(tpid=str(500000 + n), region=region)
    return form(tpid=str(500000 + n), region=region)


class Devhost:
    """The app on one data directory and one port; SIGKILLed and restarted in place."""

    def __init__(self, data_dir: Path, env: dict[str, str]):
        self.data_dir, self.env, self.port = data_dir, env, free_port()
        self.app = live.start(data_dir, port=self.port, **env)
        self.restarts = 0
        self._lock = threading.Lock()

    def kill_and_restart(self) -> None:
        with self._lock:
            self.app.stop(signal.SIGKILL)
            self.app = live.start(self.data_dir, port=self.port, **self.env)
            self.restarts += 1

    def pending(self) -> dict[str, int]:
        health = self.app.request("GET", "/api/health/details", user="ops@contoso.com", roles=("FTA.Admin",)).body
        return {s: health["components"]["bus"]["subscriptions"][s]["active"]
                for s in (topology.ROUTE_TO_LEADS, topology.NOTIFY)}

    def stop(self) -> None:
        self.app.stop()


class Client:
    """What a real client does: one Idempotency-Key per request, retried with the
    same key on 503 or a broken connection until the service answers."""

    def __init__(self, host: Devhost):
        self.host = host
        self.retries = collections.Counter()
        self.answers: dict[int, live.Response] = {}
        self._lock = threading.Lock()
        self.killed = threading.Event()
        self.pending_at_kill: dict[str, int] = {}

    def submit(self, n: int) -> None:
        key = f"fault-run-{n}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                answer = self.host.app.request("POST", "/api/requests", body_for(n), user=REQUESTOR,
                                               headers={"Idempotency-Key": key}, timeout=30)
            except (urllib.error.URLError, OSError, http.client.HTTPException):
                self._count("connection")
                time.sleep(0.2)
                continue
            if answer.status == 503:
                self._count("503")
                time.sleep(0.05)
                continue
            with self._lock:
                self.answers[n] = answer
                answered = len(self.answers)
            if answered == KILL_AFTER:
                self.pending_at_kill = self.host.pending()
                self.host.kill_and_restart()
                self.killed.set()
            return
        raise AssertionError(f"request {n} got no answer within 120 s")

    def _count(self, kind: str) -> None:
        with self._lock:
            self.retries[kind] += 1

    def run(self, numbers: range) -> None:
        queue = list(numbers)
        failures: list[BaseException] = []

        def worker(mine: list[int]) -> None:
            try:
                for n in mine:
                    self.submit(n)
            except BaseException as exc:  # surfaced below
                failures.append(exc)

        threads = [threading.Thread(target=worker, args=(queue[i::CLIENT_THREADS],)) for i in range(CLIENT_THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures


def publish_poison(bus: LocalBus) -> None:
    def envelope(event_type: str) -> bytes:
        return json.dumps({"id": "FTA-NOSUCHREQ.1", "type": event_type, "requestId": "FTA-NOSUCHREQ",
                           "occurredAt": "2026-11-24T10:00:00Z", "actor": "system", "data": {}}).encode()

    bus.publish([
        OutgoingMessage(body=b"{not json", message_id=POISON_IDS[0], subject="request.submitted", correlation_id="x"),
        OutgoingMessage(body=envelope("request.submitted"), message_id=POISON_IDS[1],
                        subject="request.submitted", correlation_id="FTA-NOSUCHREQ"),
        OutgoingMessage(body=envelope("request.exploded"), message_id=POISON_IDS[2],
                        subject="request.exploded", correlation_id="FTA-NOSUCHREQ"),
    ])


def all_requests(app: live.LiveApp) -> list[dict]:
    items, token = [], None
    while True:
        query = "/api/requests?limit=200" + (f"&continuationToken={token}" if token else "")
        page = app.request("GET", query, user=LEAD, roles=LEAD_ROLES)
        assert page.status == 200, page.body
        items += page.body["items"]
        token = page.body["continuationToken"]
        if not token:
            return items


def outbox_headers(outbox: Path) -> list[dict[str, str]]:
    parser = email.parser.BytesHeaderParser(policy=email.policy.default)
    found = []
    for path in sorted(outbox.glob("*.eml")):
        headers = parser.parsebytes(path.read_bytes())
        found.append({"file": path.name, "event": str(headers["X-FTA-Event"]),
                      "request": str(headers["X-FTA-Request-Id"]), "to": str(headers["To"]),
                      "message_id": str(headers["Message-ID"])})
    return found


def parked_ids(data_dir: Path) -> set[tuple[str, str]]:
    store = SqliteStore(data_dir / "store.sqlite3")
    try:
        return {(p["subscription"], p["messageId"]) for p in store.query(topology.PARKED, [], limit=1000).items}
    finally:
        store.close()


def fault_counts(data_dir: Path) -> dict[str, int]:
    log = data_dir / "faults.log"
    lines = log.read_text().splitlines() if log.exists() else []
    return dict(sorted(collections.Counter(json.loads(line)["fault"] for line in lines).items()))


@pytest.mark.timeout(400)
def test_three_hundred_requests_survive_faults_at_every_step_and_a_sigkill(tmp_path, capsys):
    data_dir = tmp_path / "data"
    started = time.monotonic()
    host = Devhost(data_dir, dict(
        FTA_FAULTS=FAULTS, FTA_FAULTS_SEED=SEED,
        FTA_SWEEP_AFTER_SECONDS="2", FTA_SWEEP_SCHEDULE="*/2 * * * * *",
        FTA_SUBMISSIONS_PER_HOUR="100000",  # one requestor sends all 300: counted, under faults, never refused
    ))
    routing = load_routing(SHIPPED_ROUTING_FILE.read_text())
    bus = LocalBus(data_dir / "bus.sqlite3", handlers.subscriptions(routing.group_ids))
    try:
        publish_poison(bus)
        client = Client(host)
        client.run(range(TOTAL_REQUESTS))
        submitted_seconds = time.monotonic() - started
        assert client.killed.is_set() and host.restarts == 1

        statuses = collections.Counter(a.status for a in client.answers.values())
        assert statuses == {201: TOTAL_REQUESTS}, statuses
        ids = {a.body["id"] for a in client.answers.values()}
        assert len(ids) == TOTAL_REQUESTS, "a retried key never makes a second request"

        wanted_parks = {(topology.ROUTE_TO_LEADS, POISON_IDS[0]), (topology.ROUTE_TO_LEADS, POISON_IDS[1]),
                        (topology.NOTIFY, POISON_IDS[0]), (topology.NOTIFY, POISON_IDS[1]),
                        (topology.NOTIFY, POISON_IDS[2])}

        def quiescent():
            requests = {r["id"]: r for r in all_requests(host.app)}
            emails = outbox_headers(data_dir / "outbox")
            busy = {s: bus.depth(s) for s in (topology.ROUTE_TO_LEADS, topology.NOTIFY)}
            done = (
                ids <= set(requests)
                and all(requests[i]["status"] == "routed" for i in ids)
                and all(e["dispatched"] for r in requests.values() for e in r["history"])
                and len(emails) >= 2 * TOTAL_REQUESTS
                and all(d["active"] == 0 and d["scheduled"] == 0 for d in busy.values())
                and wanted_parks <= parked_ids(data_dir)
            )
            return (requests, emails) if done else None

        deadline = time.monotonic() + QUIESCENCE_SECONDS
        settled = None
        while settled is None and time.monotonic() < deadline:
            settled = quiescent()
            if settled is None:
                time.sleep(2)
        requests, emails = settled or (
            {r["id"]: r for r in all_requests(host.app)}, outbox_headers(data_dir / "outbox"))
        elapsed = time.monotonic() - started

        by_event = collections.Counter((e["event"], e["request"]) for e in emails)
        by_kind = collections.Counter((e["event"], e["request"], e["to"]) for e in emails)
        dead = {s: bus.depth(s)["dead_letter"] for s in (topology.ROUTE_TO_LEADS, topology.NOTIFY)}
        figures = {
            "requests": TOTAL_REQUESTS,
            "faults": fault_counts(data_dir),
            "clientRetries": dict(client.retries),
            "restarts": host.restarts,
            "messagesPendingAtKill": client.pending_at_kill,
            "emails": dict(collections.Counter(e["event"] for e in emails)),
            "parked": sorted(f"{sub}:{message}" for sub, message in parked_ids(data_dir)),
            "deadLetters": dead,
            "secondsToSubmit": round(submitted_seconds, 1),
            "secondsToQuiescence": round(elapsed, 1),
        }
        artifacts = REPO / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        (artifacts / "fault-injection.json").write_text(json.dumps(figures, indent=2))
        with capsys.disabled():
            print("\nfault injection figures:")
            for name, value in figures.items():
                print(f"  {name}: {json.dumps(value)}")

        not_routed = sorted(i for i in ids if requests.get(i, {}).get("status") != "routed")
        assert not not_routed, f"{len(not_routed)} requests not routed, e.g. {not_routed[:3]}"
        undispatched = [e["id"] for r in requests.values() for e in r["history"] if not e["dispatched"]]
        assert not undispatched, f"events left undispatched: {undispatched[:5]}"
        for i in ids:
            assert [e["type"] for e in requests[i]["history"]] == ["request.submitted", "request.routed"], i
            assert by_event[("request.submitted", i)] == 1, f"{i}: {by_event[('request.submitted', i)]} confirmations"
            assert by_event[("request.routed", i)] == 1, f"{i}: {by_event[('request.routed', i)]} routing emails"
        duplicates = {k: n for k, n in by_kind.items() if n > 1}
        assert not duplicates, f"duplicate emails: {duplicates}"
        assert len(emails) == 2 * TOTAL_REQUESTS, collections.Counter(e["event"] for e in emails)
        assert {e["request"] for e in emails} == ids

        assert wanted_parks <= parked_ids(data_dir), "every poison message is parked"
        assert dead == {topology.ROUTE_TO_LEADS: 0, topology.NOTIFY: 0}
        faults = figures["faults"]
        assert all(faults.get(kind, 0) > 0 for kind in (
            "store.write", "store.write-lost-reply", "bus.publish", "bus.duplicate", "mail.send", "mail.send-lost-reply",
        )), faults
    finally:
        bus.close()
        host.stop()


# -- a lock expiring mid-handler (in process, on the shared manual clock) ------------------


def run(name: str, message) -> None:
    FUNCTIONS[name].get_user_function()(to_function_message(message, function_name=name))


def test_a_lock_expiring_mid_handler_redelivers_to_another_consumer_and_the_effect_happens_once(app):
    created = app.submit(form(region="emea"), REQUESTOR).body
    bus, clock = app.ctx.bus, app.clock

    # route-to-leads: consumer one does the work, then outlives its lock.
    [slow] = bus.receive(topology.ROUTE_TO_LEADS)
    run("route_to_leads", slow)
    clock.advance(seconds=61)
    [again] = bus.receive(topology.ROUTE_TO_LEADS)
    assert (again.message_id, again.delivery_count) == (slow.message_id, 2)
    run("route_to_leads", again)
    bus.complete(again)
    with pytest.raises(MessageLockLost):
        bus.complete(slow)

    # notify: consumer one stalls before doing anything; consumer two does the
    # work; consumer one then runs late on the same messages.
    slow_notes = bus.receive(topology.NOTIFY, max_messages=10)
    assert sorted(m.subject for m in slow_notes) == ["request.routed", "request.submitted"]
    clock.advance(seconds=61)
    fresh_notes = bus.receive(topology.NOTIFY, max_messages=10)
    assert sorted(m.message_id for m in fresh_notes) == sorted(m.message_id for m in slow_notes)
    for message in fresh_notes:
        run("notify", message)
        bus.complete(message)
    for message in slow_notes:
        run("notify", message)
        with pytest.raises(MessageLockLost):
            bus.complete(message)

    # teams: the routed event, for a group without a channel (completed, nothing posted);
    # the reporting consumer still has its two events, untouched by the above
    assert app.pump() == {topology.ROUTE_TO_LEADS: 0, topology.NOTIFY: 0, topology.TEAMS: 1, topology.REPORTING: 2}
    for subscription in (topology.ROUTE_TO_LEADS, topology.NOTIFY, topology.TEAMS, topology.REPORTING):
        assert bus.depth(subscription) == {"active": 0, "scheduled": 0, "dead_letter": 0}
    request = app.get(created["id"], REQUESTOR).body
    assert [e["type"] for e in request["history"]] == ["request.submitted", "request.routed"]
    assert request["status"] == "routed"
    mails = sorted((m["X-FTA-Event"], m["To"]) for m in app.outbox())
    assert mails == [("request.routed", "emea-leads@contoso.com"), ("request.submitted", REQUESTOR)]


@pytest.mark.timeout(30)
def test_a_notification_claim_whose_answer_was_lost_is_still_this_deliverys(app, tmp_path):
    """Every store write succeeds with its answer lost: the delivery must know
    its own claim (not wait out a 45 s lease on itself), send once, and leave
    a record that the redelivery reads as sent."""
    app.submit(form(), REQUESTOR)
    [message] = [m for m in app.ctx.bus.peek(topology.NOTIFY) if m.subject == "request.submitted"]
    deliver = lambda: handlers.handle_message(app.ctx, topology.NOTIFY, message.body, message_id=message.message_id,
                                              subject=message.subject, correlation_id=message.correlation_id)
    real = app.ctx.store
    app.ctx.use_store(FaultyStore(real, FaultPlan({"store.write-lost-reply": 1.0}, tmp_path / "faults.log")))
    with pytest.raises(NotificationRetry):
        deliver()  # sent, but "sent" could not be confirmed: the bus redelivers
    app.ctx.use_store(real)
    assert len(app.outbox()) == 1
    outcome = deliver()
    assert (outcome.detail["sent"], outcome.detail["skipped"]) == (0, 1)
    assert [(m["X-FTA-Event"], m["To"]) for m in app.outbox()] == [("request.submitted", REQUESTOR)]

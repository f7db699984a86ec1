"""``python -m ops`` as operators run it: a real subprocess on the data directory
that the app, driven in process by ``tests.harness.App``, wrote."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from shared import topology
from shared.app.ports import OutgoingMessage
from shared.adapters.clock import system_clock
from shared.adapters.mail.smtp import SmtpMailer
from shared.app.parking import park
from shared.settings import load_settings
from tests.factories import LEAD, REQUESTOR, form
from tests.harness import App

REPO = Path(__file__).resolve().parents[2]
SERVICE_BUS_CONNECTION = "Endpoint=sb://fta-ops.servicebus.windows.net/;SharedAccessKeyName=ops;SharedAccessKey=bm90LWEta2V5"
CUSTOMER_DATA = ("123456", "contoso.onmicrosoft.com", "Contoso Ltd", "Discovery workshop")


def run_ops(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
                   "FTA_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run([sys.executable, "-m", "ops", *args], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=60)


def ops_json(data_dir: Path, *args: str) -> dict:
    done = run_ops(data_dir, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def data(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def open_app(data):
    made = []

    def factory(env=None) -> App:
        # The real clock: the tool in its own process works in real time on the same bus.
        application = App(data, env=env, clock=system_clock)
        made.append(application)
        return application

    yield factory
    for application in made:
        application.close()


def test_an_email_dead_lettered_after_ten_failures_is_listed_shown_and_replayed_once(data, open_app):
    app = open_app()
    outbox_mailer = app.ctx.mailer
    app.ctx.mailer = SmtpMailer("127.0.0.1", closed_port(), timeout=2)
    request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
    app.pump()
    assert app.ctx.bus.depth(topology.NOTIFY)["dead_letter"] == 2

    listed = run_ops(data, "deadletters", "list")
    assert listed.returncode == 0, listed.stderr
    assert "MaxDeliveryCountExceeded" in listed.stdout and request_id in listed.stdout
    assert "schemaVersion" not in listed.stdout, "no bodies in the listing"
    letters = ops_json(data, "deadletters", "list", "notify")["deadLetters"]
    assert sorted(m["subject"] for m in letters) == ["request.routed", "request.submitted"]
    assert {(m["requestId"], m["deliveryCount"], m["deadLetterReason"]) for m in letters} == {
        (request_id, 10, "MaxDeliveryCountExceeded")}
    assert all("body" not in m for m in letters)

    depths = {s["name"]: s for s in ops_json(data, "subscriptions")["subscriptions"]}
    assert depths["notify"]["deadLetter"] == 2 and depths["notify"]["active"] == 0
    assert depths["leads-emea-leads"]["active"] == 1 and depths["route-to-leads"]["deadLetter"] == 0

    first = letters[0]
    shown = run_ops(data, "deadletters", "show", "notify", str(first["sequenceNumber"]))
    assert shown.returncode == 0, shown.stderr
    assert first["messageId"] in shown.stdout and '"schemaVersion": 1' in shown.stdout

    replayed = run_ops(data, "deadletters", "replay", "notify", "--all")
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout.count("replayed notify") == 2

    app.ctx.mailer = outbox_mailer
    app.pump()
    sent = sorted((m["To"], m["X-FTA-Event"]) for m in app.outbox())
    assert sent == [("alex@contoso.com", "request.submitted"), ("emea-leads@contoso.com", "request.routed")]

    again = run_ops(data, "deadletters", "replay", "notify", "--all")
    assert again.returncode == 0 and "nothing to replay" in again.stdout
    gone = run_ops(data, "deadletters", "replay", "notify", str(first["sequenceNumber"]))
    assert gone.returncode == 1 and f"no dead letter {first['sequenceNumber']}" in gone.stdout
    app.pump()
    assert len(app.outbox()) == 2, "no second email"
    assert run_ops(data, "deadletters", "list").stdout.strip() == "no dead letters"


def test_purge_deletes_a_dead_letter_for_good(data, open_app):
    app = open_app()
    app.ctx.mailer = SmtpMailer("127.0.0.1", closed_port(), timeout=2)
    app.submit(form(), REQUESTOR)
    app.pump()
    [first, second] = app.ctx.bus.dead_letters(topology.NOTIFY)

    purged = run_ops(data, "deadletters", "purge", "notify", str(first.sequence_number))
    assert purged.returncode == 0, purged.stderr
    assert [m.sequence_number for m in app.ctx.bus.dead_letters(topology.NOTIFY)] == [second.sequence_number]
    assert run_ops(data, "deadletters", "purge", "notify", str(first.sequence_number)).returncode == 1
    assert run_ops(data, "deadletters", "show", "notify", str(first.sequence_number)).returncode == 1
    unknown = run_ops(data, "deadletters", "list", "no-such-subscription")
    assert unknown.returncode == 1 and "no subscription no-such-subscription" in unknown.stderr


def test_an_unparseable_message_is_parked_listed_replayed_in_vain_and_discarded(data, open_app):
    app = open_app()
    app.ctx.bus.publish([OutgoingMessage(body=b"not json", message_id="m-1", subject="request.submitted",
                                         correlation_id="FTA-UNKNOWN")])
    app.pump()

    listed = run_ops(data, "parked", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("unparseable event") == 3 and "m-1" in listed.stdout
    parked = {p["subscription"]: p for p in ops_json(data, "parked", "list")["parked"]}
    assert set(parked) == {"route-to-leads", "notify", "reporting"}
    record = parked["route-to-leads"]
    assert record["messageId"] == "m-1" and record["requestId"] == "FTA-UNKNOWN"

    shown = run_ops(data, "parked", "show", record["id"])
    assert shown.returncode == 0 and "not json" in shown.stdout

    replayed = run_ops(data, "parked", "replay", record["id"])
    assert replayed.returncode == 1
    assert "parked-again" in replayed.stdout and "unparseable event" in replayed.stdout
    assert app.ctx.store.read(topology.PARKED, record["id"]) is not None, "the record is kept"

    discarded = run_ops(data, "parked", "discard", record["id"])
    assert discarded.returncode == 0, discarded.stderr
    assert app.ctx.store.read(topology.PARKED, record["id"]) is None
    assert sorted(p["subscription"] for p in ops_json(data, "parked", "list")["parked"]) == ["notify", "reporting"]
    assert run_ops(data, "parked", "discard", record["id"]).returncode == 1
    assert run_ops(data, "parked", "show", record["id"]).returncode == 1


def test_messages_parked_for_an_unknown_request_replay_once_the_request_exists(data, open_app):
    app = open_app()
    request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
    stored = app.ctx.store.read(topology.REQUESTS, request_id).doc
    app.ctx.store.delete(topology.REQUESTS, request_id)
    app.pump()
    reasons = sorted((p["subscription"], p["reason"]) for p in app.ctx.store.query(topology.PARKED).items)
    assert reasons == [("notify", "unknown request"), ("reporting", "unknown request"),
                       ("route-to-leads", "unknown request")]

    app.ctx.store.create(topology.REQUESTS, stored)
    replayed = run_ops(data, "parked", "replay", "--all")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert replayed.stdout.count(": replayed: ") == 3
    assert app.ctx.store.query(topology.PARKED).items == []
    app.pump()
    assert app.get(request_id, REQUESTOR).body["status"] == "routed"
    sent = sorted((m["To"], m["X-FTA-Event"]) for m in app.outbox())
    assert sent == [("alex@contoso.com", "request.submitted"), ("emea-leads@contoso.com", "request.routed")]

    again = run_ops(data, "parked", "replay", "--all")
    assert again.returncode == 0 and "nothing to replay" in again.stdout


def test_an_email_rejection_is_explained_not_replayed(data, open_app):
    app = open_app()
    record_id = park(app.ctx, subscription=topology.NOTIFY, message_id="evt-42/abc123", subject="request.routed",
                     correlation_id="FTA-REQ", reason="email rejected: 550 no such user")
    replayed = run_ops(data, "parked", "replay", record_id)
    assert replayed.returncode == 1
    assert "email-rejection" in replayed.stdout and "evt-42" in replayed.stdout
    assert f"parked discard {record_id}" in replayed.stdout
    assert app.ctx.store.read(topology.PARKED, record_id) is not None
    in_bulk = run_ops(data, "parked", "replay", "--all")
    assert in_bulk.returncode == 0 and "email-rejection" in in_bulk.stdout
    assert app.ctx.store.read(topology.PARKED, record_id) is not None


def test_peek_shows_what_waits_in_a_lead_groups_queue(data, open_app):
    app = open_app()
    request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
    app.pump()
    routed = next(e for e in app.get(request_id, REQUESTOR).body["history"] if e["type"] == "request.routed")

    peeked = run_ops(data, "peek", "leads-emea-leads")
    assert peeked.returncode == 0, peeked.stderr
    assert routed["id"] in peeked.stdout and request_id in peeked.stdout
    assert not any(value in peeked.stdout for value in CUSTOMER_DATA)
    [message] = ops_json(data, "peek", "leads-emea-leads", "--max", "5")["messages"]
    assert (message["messageId"], message["requestId"], message["deliveryCount"]) == (routed["id"], request_id, 0)
    assert run_ops(data, "peek", "leads-fta-alignment").stdout.strip() == "no messages waiting in leads-fta-alignment"
    unknown = run_ops(data, "peek", "leads-nobody")
    assert unknown.returncode == 1 and "no subscription leads-nobody" in unknown.stderr


def test_overdue_lists_routed_requests_without_an_architect(data, open_app):
    app = open_app({"FTA_ASSIGN_SLA_BUSINESS_HOURS": "0"})
    waiting = app.submit(form(region="emea"), REQUESTOR).body["id"]
    picked = app.submit(form(region="americas"), REQUESTOR).body["id"]
    app.pump()
    assigned = app.act("assign", picked, LEAD, roles=("FTA.Lead",), body={"architect": "ana@contoso.com"})
    assert assigned.status == 200

    shown = run_ops(data, "overdue")
    assert shown.returncode == 0, shown.stderr
    assert waiting in shown.stdout and "emea-leads" in shown.stdout and picked not in shown.stdout
    assert not any(value in shown.stdout for value in CUSTOMER_DATA)
    [item] = ops_json(data, "overdue")["overdue"]
    assert (item["id"], item["leadGroup"], item["remindersSent"]) == (waiting, "emea-leads", 0)
    assert set(item) == {"id", "leadGroup", "routedAt", "assignDueAt", "remindersSent", "escalated"}


def test_a_bad_setting_stops_the_tool_with_one_line(data, open_app):
    open_app()
    done = run_ops(data, "subscriptions", env={"FTA_BUS": "kafka"})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().startswith("ops: setting FTA_BUS:") and len(done.stderr.strip().splitlines()) == 1


def test_usage_errors_and_a_missing_data_directory(tmp_path, data, open_app):
    open_app()
    assert run_ops(data, "deadletters", "replay", "notify").returncode == 2
    assert run_ops(data, "deadletters", "replay", "notify", "3", "--all").returncode == 2
    assert run_ops(data, "overdue", "--max", "0").returncode == 2
    elsewhere = run_ops(tmp_path / "nowhere", "subscriptions")
    assert elsewhere.returncode == 1 and "FTA_DATA_DIR" in elsewhere.stderr
    assert not (tmp_path / "nowhere").exists(), "looking creates nothing"


def test_service_bus_clients_are_built_from_the_apps_connection_setting():
    from azure.servicebus import ServiceBusClient
    from azure.servicebus.management import ServiceBusAdministrationClient

    from ops.queues import ServiceBusQueues, open_queues, servicebus_clients
    from shared.bootstrap import load_routing_file

    settings = load_settings({"FTA_BUS": "servicebus", "ServiceBusConnection": SERVICE_BUS_CONNECTION})
    client, admin = servicebus_clients(settings)
    assert isinstance(client, ServiceBusClient) and isinstance(admin, ServiceBusAdministrationClient)
    assert client.fully_qualified_namespace == admin.fully_qualified_namespace == "fta-ops.servicebus.windows.net"
    client.close()
    admin.close()

    queues = open_queues(settings, load_routing_file(settings))
    assert isinstance(queues, ServiceBusQueues) and queues.backend == "servicebus"
    assert set(queues.names()) >= {"route-to-leads", "notify", "leads-emea-leads"}
    queues.close()

    identity = load_settings({"FTA_BUS": "servicebus",
                              "ServiceBusConnection__fullyQualifiedNamespace": "fta-mi.servicebus.windows.net"})
    client, admin = servicebus_clients(identity)
    assert client.fully_qualified_namespace == admin.fully_qualified_namespace == "fta-mi.servicebus.windows.net"
    client.close()
    admin.close()


def test_an_unreachable_service_bus_is_a_failed_action_not_a_crash(data):
    unreachable = (f"Endpoint=sb://127.0.0.1:{closed_port()};SharedAccessKeyName=ops;"
                   "SharedAccessKey=bm90LWEta2V5;UseDevelopmentEmulator=true")
    done = run_ops(data, "subscriptions", env={"FTA_BUS": "servicebus", "ServiceBusConnection": unreachable})
    assert done.returncode == 1
    assert done.stderr.strip().startswith("ops: failed:") and "Traceback" not in done.stderr


def test_rebuild_stats_recomputes_the_read_model_the_consumer_kept(data, open_app):
    from shared.app import reporting
    from shared.domain import reporting as rules

    app = open_app()
    ids = [app.submit(form(region=region), REQUESTOR).body["id"] for region in ("emea", "americas", "emea")]
    app.pump()
    app.act("assign", ids[0], LEAD, roles=("FTA.Lead",), body={"architect": "auto"})
    app.act("cancel", ids[1], REQUESTOR)
    app.pump()
    keys = [rules.current_key(s) for s in range(rules.SHARDS)] + [rules.day_key(system_clock().date())]
    incremental = reporting.snapshot(app.ctx, keys)
    assert incremental, "the consumer kept figures"
    done = run_ops(data, "rebuild-stats")
    assert done.returncode == 0, done.stderr
    assert "rebuilt from 3 requests" in done.stdout
    assert reporting.snapshot(app.ctx, keys) == incremental
    assert ops_json(data, "rebuild-stats")["requests"] == 3


def test_reindex_requests_makes_requests_stored_before_search_findable(data, open_app):
    from shared import topology

    app = open_app()
    request_id = app.submit(form(customerName="Adatum Retail"), REQUESTOR).body["id"]
    app.pump()
    item = app.ctx.store.read(topology.REQUESTS, request_id)
    old = {k: v for k, v in item.doc.items() if k not in ("searchText", "dueOrder")}  # as stored before search existed
    app.ctx.store.replace(topology.REQUESTS, old, etag=item.etag)
    lead = ("lee@contoso.com", ("FTA.Lead",))
    assert app.list(*lead, q="adatum").body["items"] == []
    done = run_ops(data, "reindex-requests")
    assert done.returncode == 0, done.stderr
    assert "1 requests written again" in done.stdout
    assert [i["id"] for i in app.list(*lead, q="adatum").body["items"]] == [request_id]
    assert [i["id"] for i in app.list(*lead, sort="due").body["items"]] == [request_id]

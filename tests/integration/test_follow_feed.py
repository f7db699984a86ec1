"""``python -m ops follow-feed <group>``: requests submitted to devhost over HTTP
are routed, the command prints each one in a line with its link, completes its
message, stops cleanly on SIGINT, and a second run prints nothing again."""

from __future__ import annotations

import io
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from shared.adapters.bus.local import LocalBus
from shared.app import handlers
from shared.bootstrap import load_routing_file
from shared.settings import load_settings
from tests.factories import form
from tests.integration import live

REQUESTOR = "alex@contoso.com"


@pytest.fixture(scope="module")
def host(tmp_path_factory) -> Iterator[live.LiveApp]:
    app = live.start(tmp_path_factory.mktemp("feed"), timeout=30, FTA_SWEEP_SCHEDULE=live.NEVER)
    yield app
    assert app.stop() == 0, app.log()


def submit_routed(app: live.LiveApp, customer: str, region: str) -> str:
    answer = app.request("POST", "/api/requests", form(customerName=customer, region=region,
                                                      tpid=str(abs(hash(customer)) % 10**9)), user=REQUESTOR)
    assert answer.status == 201, answer.body
    request_id = answer.body["id"]
    app.wait_for(lambda: app.request("GET", f"/api/requests/{request_id}", user=REQUESTOR).body["status"] == "routed")
    return request_id


def ops_env(app: live.LiveApp) -> dict[str, str]:
    return {**app.env, "FTA_PUBLIC_URL": app.url}


def feed_bus(app: live.LiveApp) -> LocalBus:
    settings = load_settings({"FTA_DATA_DIR": app.env["FTA_DATA_DIR"]})
    return LocalBus(settings.data_dir / "bus.sqlite3", handlers.subscriptions(load_routing_file(settings).group_ids))


def run_once(app: live.LiveApp, group: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ops", "follow-feed", group, "--once"], cwd=live.REPO,
                          env=ops_env(app), capture_output=True, text=True, timeout=60)


def lines_of(process: subprocess.Popen) -> "queue.Queue[str]":
    found: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for text in process.stdout:
            found.put(text.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return found


def next_line(found: "queue.Queue[str]", timeout: float = 20) -> str:
    return found.get(timeout=timeout)


def test_follow_prints_each_routed_request_once_and_stops_on_ctrl_c(host):
    first = submit_routed(host, "Northwind Traders", "emea")
    second = submit_routed(host, "Woodgrove Bank", "emea")
    elsewhere = submit_routed(host, "Tailspin Toys", "americas")

    process = subprocess.Popen([sys.executable, "-m", "ops", "follow-feed", "emea-leads"], cwd=live.REPO,
                               env=ops_env(host), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        found = lines_of(process)
        printed = [next_line(found), next_line(found)]
        assert [line.split()[0] for line in printed] == [first, second]
        assert "Northwind Traders" in printed[0] and "Non-ECIF related" in printed[0]
        assert "Europe, Middle East and Africa" in printed[0]
        assert re.search(r"  due 20\d\d-\d\d-\d\d \d\d:\d\d UTC \((in \d+ h|overdue \d+ h)\)  ", printed[0])
        assert printed[0].endswith(f"{host.url}/requests/{first}")

        third = submit_routed(host, "Fourth Coffee", "emea")  # while it follows
        assert next_line(found).startswith(f"{third}  Fourth Coffee")
    finally:
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=20)
    stderr = process.stderr.read() if process.stderr else ""
    assert status == 0, stderr
    assert "Traceback" not in stderr
    assert "Northwind" not in stderr and "Fourth Coffee" not in stderr  # customer data only on the lines

    bus = feed_bus(host)
    try:
        assert bus.depth("leads-emea-leads")["active"] == 0
        assert bus.depth("leads-americas-leads")["active"] == 1  # another group's feed is not touched
    finally:
        bus.close()
    again = run_once(host, "emea-leads")
    assert again.returncode == 0 and again.stdout == ""

    drained = run_once(host, "americas-leads")
    assert drained.returncode == 0
    assert [line.split()[0] for line in drained.stdout.splitlines()] == [elsewhere]
    assert run_once(host, "americas-leads").stdout == ""


def test_an_unknown_group_is_named(host):
    answer = run_once(host, "nowhere")
    assert answer.returncode == 1
    assert "no lead group nowhere (known: fta-alignment" in answer.stderr


def test_stopping_in_the_middle_of_a_batch_leaves_nothing_locked(host):
    from ops.follow_feed import EmbeddedFeed, follow

    ids = [submit_routed(host, f"Customer {n}", "asia-pacific") for n in range(3)]
    stop = threading.Event()
    bus = feed_bus(host)
    try:
        seen: list[str] = []

        def describe(message) -> str:
            seen.append(message.message_id)
            stop.set()  # Ctrl-C while the first line is printed
            return message.message_id

        out = io.StringIO()
        assert follow(EmbeddedFeed(bus, "leads-asia-pacific-leads", stop), describe, stop, once=False, out=out) == 1
        left = bus.receive("leads-asia-pacific-leads", max_messages=10)  # not locked: received again at once
        assert [m.correlation_id for m in left] == ids[1:]
        for message in left:
            bus.abandon(message)
    finally:
        bus.close()
    rest = run_once(host, "asia-pacific-leads")
    assert [line.split()[0] for line in rest.stdout.splitlines()] == ids[1:]


def test_on_service_bus_the_feed_is_a_peek_lock_receiver_of_the_groups_subscription(tmp_path):
    from azure.identity import DefaultAzureCredential
    from azure.servicebus import ServiceBusReceiveMode

    from ops.follow_feed import ServiceBusFeed, open_feed
    from ops.session import Session

    settings = load_settings({"FTA_DATA_DIR": str(tmp_path), "FTA_BUS": "servicebus",
                              "ServiceBusConnection__fullyQualifiedNamespace": "fta-mi.servicebus.windows.net"})
    session = Session(settings)
    feed = open_feed(session, "leads-emea-leads", threading.Event())
    try:
        assert isinstance(feed, ServiceBusFeed)
        receiver = feed._receiver
        assert receiver.fully_qualified_namespace == "fta-mi.servicebus.windows.net"
        assert receiver.entity_path == "fta-events/Subscriptions/leads-emea-leads"
        assert receiver._receive_mode == ServiceBusReceiveMode.PEEK_LOCK
        assert isinstance(receiver._credential, DefaultAzureCredential)
    finally:
        feed.close()
        session.close()


def test_an_unreachable_service_bus_fails_in_one_line(host):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable = (f"Endpoint=sb://127.0.0.1:{port};SharedAccessKeyName=ops;SharedAccessKey=bm90LWEta2V5;"
                   "UseDevelopmentEmulator=true")
    done = subprocess.run([sys.executable, "-m", "ops", "follow-feed", "emea-leads", "--once"], cwd=live.REPO,
                          env={**ops_env(host), "FTA_BUS": "servicebus", "ServiceBusConnection": unreachable},
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 1
    assert done.stderr.strip().startswith("ops: failed:") and "Traceback" not in done.stderr

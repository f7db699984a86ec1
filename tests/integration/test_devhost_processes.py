"""devhost with its topic triggers in a process of their own (``--trigger-processes``),
as Flex Consumption runs Service Bus functions on instances apart from HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import threading

import pytest

from devhost.catalog import TopicFunction
from devhost.consumers import SubscriptionConsumer
from devhost.invocation import Invoker
from shared import bootstrap, topology
from shared.adapters.bus.local import LocalBus
from shared.app import handlers
from shared.app.ports import OutgoingMessage
from shared.settings import load_settings
from tests.factories import form
from tests.integration import live
from tests.integration.smtp_server import SmtpServer

pytestmark = pytest.mark.timeout(180)


def children_of(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in found]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def test_the_pipeline_runs_in_the_trigger_process_with_the_links_of_the_parent(tmp_path, smtp):
    app = live.start(tmp_path / "data", args=("--trigger-processes", "1", "--trigger-threads", "1"), **smtp.env)
    try:
        [child] = live.wait_for(lambda: children_of(app.process.pid))
        request_id = app.request("POST", "/api/requests", form(region="americas")).body["id"]

        app.wait_for(lambda: app.request("GET", f"/api/requests/{request_id}").body["status"] == "routed")
        app.wait_for(lambda: len(smtp.collector.snapshot()) >= 2)
        [confirmation] = smtp.collector.by_event("request.submitted")
        assert f"{app.url}/requests/{request_id}" in confirmation.message.get_body(("plain",)).get_content()
        assert len(smtp.collector.by_event("request.routed")) == 1
        log = app.log()
        assert f"topic triggers run in 1 process(es): {child}" in log
        assert "function=route_to_leads trigger=serviceBusTrigger outcome=completed" in log
    finally:
        assert app.stop() == 0
    live.wait_for(lambda: not alive(child), timeout=15)


def test_the_trigger_process_stops_when_its_parent_is_killed(tmp_path):
    app = live.start(tmp_path / "data", args=("--trigger-processes", "1"))
    [child] = live.wait_for(lambda: children_of(app.process.pid))
    app.stop(signal.SIGKILL)

    live.wait_for(lambda: not alive(child), timeout=15)
    assert "the parent devhost is gone: stopping" in app.log()


def test_a_negative_number_of_trigger_processes_is_refused_in_one_line(tmp_path):
    done = subprocess.run(
        [*live.python_devhost(), "--port", "0", "--trigger-processes", "-1"], cwd=live.REPO,
        env=live.app_env(tmp_path), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "--trigger-processes and --trigger-threads must be 0 or more" in done.stderr


def test_one_thread_for_every_trigger_takes_a_message_of_each_in_turn(tmp_path):
    routing = bootstrap.load_routing_file(load_settings({"FTA_DATA_DIR": str(tmp_path)}))
    bus = LocalBus(tmp_path / "bus.sqlite3", handlers.subscriptions(routing.group_ids))
    handled: list[str] = []
    stop = threading.Event()

    def function(name: str, subscription: str) -> TopicFunction:
        def run(message):
            handled.append(f"{name}:{message.message_id}")
            if len(handled) == 12:
                stop.set()
        return TopicFunction(name=name, kind="serviceBusTrigger", argument="message", user_function=run,
                             topic=topology.TOPIC, subscription=subscription, connection="ServiceBusConnection")

    bus.publish([OutgoingMessage(body=b"{}", message_id=f"s{i}", subject="request.submitted", correlation_id="r",
                                 application_properties={"eventType": "request.submitted"}) for i in range(10)])
    bus.publish([OutgoingMessage(body=b"{}", message_id="t0", subject="request.routed", correlation_id="r",
                                 application_properties={"eventType": "request.routed", "leadGroup": "emea-leads"})])
    consumer = SubscriptionConsumer(bus, [function("route", topology.ROUTE_TO_LEADS), function("teams", topology.TEAMS)],
                                    Invoker(1), stop, count=1)
    assert [thread.name for thread in consumer.threads] == ["devhost-consumer-triggers-0"]
    try:
        consumer.start()
        live.wait_for(lambda: len(handled) >= 11)
    finally:
        stop.set()
        consumer.join(5)
        bus.close()
    assert handled[:2] == ["route:s0", "teams:t0"], "the routed message did not wait behind the submitted ones"
    assert sorted(handled) == sorted([f"route:s{i}" for i in range(10)] + ["teams:t0"])
